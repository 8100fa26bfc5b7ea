/* The neigh module: the neighbour table, its services on the slow path (the
 * inject rings, the pool, counters), its punt reasons (ARP, packets to an
 * unresolved next hop), its timer, `neigh` commands and size setting
 * (core/module.h). */
#include <stdio.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "../addr/pubaddr.h"
#include "../cli/cli.h"
#include "../core/gw.h"
#include "../core/module.h"
#include "../core/ratelog.h"
#include "neigh.h"

struct vgw_neigh_table *vgw_neigh_main;
struct vgw_neigh_conf vgw_neigh_conf;

static void sp_tx(uint16_t port, struct rte_mbuf *m)
{
	if (rte_ring_sp_enqueue(vgw_gw.ports[port].inject, m) != 0) {
		vgw_gw.sp_stats[VGW_NEIGH_SP(INJECT_RING_FULL)]++;
		rte_pktmbuf_free(m);
	}
}

/* EIPs and VIPs are answered by proxy ARP on public ports only: a router
 * on the public subnet may ARP for them instead of routing them to us. */
static bool sp_proxied(uint16_t port, uint32_t ip)
{
	if (vgw_gw.ports[port].role != VGW_ROLE_PUBLIC)
		return false;
	return vgw_pubaddr_find(ip) != NULL;
}

static const struct vgw_neigh_ops ops = {
	.tx = sp_tx,
	.alloc = vgw_gw_sp_alloc,
	.count = vgw_gw_sp_count,
	.proxied = sp_proxied,
};

void vgw_neigh_announce_public(uint32_t ip)
{
	for (int p = 0; p < vgw_gw.n_ports; p++)
		if (vgw_gw.ports[p].role == VGW_ROLE_PUBLIC && vgw_gw.ports[p].inject)
			vgw_neigh_announce(vgw_neigh_main, (uint16_t)p, ip);
}

static const struct vgw_setting settings[] = {
	{"neigh-table", .key = "max-entries", .u32 = &vgw_neigh_conf.max_entries, .min = 16,
	 .max = 1u << 20, .def = 4096},
	{NULL},
};

/* the resolution queues, bounded in all to VGW_NEIGH_QUEUED_MAX, with room */
static uint32_t mbufs(void)
{
	_Static_assert(VGW_NEIGH_QUEUED_MAX <= 4096 / 2,
		       "neighbour queues must stay well inside their mbufs");
	return 4096;
}

static int init(char *err)
{
	vgw_neigh_main = vgw_neigh_create(vgw_neigh_conf.max_entries, vgw_gw.rcu, &ops, err);
	return vgw_neigh_main ? 0 : -1;
}

static void fini(void)
{
	vgw_neigh_destroy(vgw_neigh_main);
	vgw_neigh_main = NULL;
}

/* A full table refuses next hops per packet: counted there, a line here at
 * most every 10 s with how many. */
static struct vgw_countlog table_full = VGW_COUNTLOG_INIT(
	neigh, WARNING, 10000,
	"next hops not resolved: the neighbour table is full (neigh_table_full): raise "
	"neigh-table max-entries");

static void tick(uint64_t now)
{
	vgw_neigh_tick(vgw_neigh_main, now);
	vgw_countlog(&table_full, now, vgw_gw.sp_stats[VGW_NEIGH_SP(NEIGH_TABLE_FULL)]);
}

static void punt_arp(struct rte_mbuf *m, uint64_t now)
{
	vgw_neigh_arp_input(vgw_neigh_main, vgw_gw.port_of_dpdk[m->port], m, now);
}

static void punt_miss(struct rte_mbuf *m, uint64_t now)
{
	struct vgw_dp_mbuf_priv *pr = rte_mbuf_to_priv(m);
	vgw_neigh_resolve(vgw_neigh_main, pr->nh_ip, pr->out_port, m, now);
}

static const struct vgw_punt_handler punts[] = {
	{VGW_PUNT_ARP, punt_arp},
	{VGW_PUNT_NEIGH_MISS, punt_miss},
	{0, NULL},
};

uint16_t vgw_neigh_sp_base;
static const struct vgw_counter_desc sp_counters[] = {VGW_NEIGH_COUNTERS(VGW_COUNTER_DESC, _)};

const struct vgw_module vgw_neigh_module = {
	.name = "neigh",
	.cmds = vgw_neigh_cmds,
	.settings = settings,
	.running_config = vgw_neigh_running_config,
	.mbufs = mbufs,
	.init = init,
	.fini = fini,
	.tick = tick,
	.punts = punts,
	.sp_counters = {sp_counters, VGW_NEIGH_SP_N, &vgw_neigh_sp_base},
};
