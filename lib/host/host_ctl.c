/* Host ports on the slow path: what Linux sends is routed out of the DPDK
 * ports, punted to-self frames are handed to Linux; see host.h. Slow path
 * (main lcore) only: the one user of each tap's queues, and the writer of
 * the neighbour table that sends what Linux originates. */
#include "host.h"

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "../addr/pubaddr.h"
#include "../core/gw.h"
#include "../dp/dp.h"
#include "../fib/fib_dp.h"
#include "../neigh/neigh.h"
#include "../net/ip4.h"

#define ETH_HLEN 14

static void drop(struct rte_mbuf *m, int why)
{
	vgw_gw.sp_stats[why]++;
	rte_pktmbuf_free(m);
}

/* The counter that refuses a frame Linux sent, or -1 to send it;
 * then *nh and *out are its next hop and egress port. Linux's frames are
 * routed by the FIB like packets the gateway originates: no TTL decrement
 * (the host is the source, not a hop). */
static int route(struct rte_mbuf *m, uint32_t *nh, uint16_t *out)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (rte_pktmbuf_data_len(m) < ETH_HLEN ||
	    eh->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return VGW_HOST_SP(HOST_RX_NOT_IPV4); /* ARP is the data path's, IPv6 is off */
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, ETH_HLEN);
	uint16_t hl, tl;
	/* the header sits in the first segment: the tap fills a whole mbuf first */
	if (vgw_ip4_check(ip, rte_pktmbuf_pkt_len(m) - ETH_HLEN, &hl, &tl) != VGW_DROP_NONE ||
	    vgw_ip4_src_martian(vgw_ip4_src(ip)))
		return VGW_HOST_SP(HOST_RX_BAD_IP);
	uint32_t dst = vgw_ip4_dst(ip);
	if (vgw_ip4_dst_not_unicast(dst) || vgw_ip_subnet_edge(dst) >= 0)
		return VGW_HOST_SP(HOST_RX_NOT_UNICAST);
	/* an EIP belongs to a VM, a SNAT address to VMs' mappings; sending
	 * Linux's packet into a tenant's tunnel is not what the exception path
	 * is for */
	if (vgw_pubaddr_is(dst, VGW_PUBADDR_EIP) || vgw_pubaddr_is(dst, VGW_PUBADDR_SNAT))
		return VGW_HOST_SP(HOST_RX_LOCAL);
	const struct vgw_fib_route_target *t = vgw_fib_lookup(vgw_fib_main, dst);
	if (!t)
		return VGW_HOST_SP(HOST_RX_NO_ROUTE);
	/* the data path's choice of next hop (ECMP by the same flow hash) */
	if (!vgw_dp_ip4_path(t, dst, vgw_ip4_flow_hash(ip, hl, tl), nh, out))
		return VGW_HOST_SP(HOST_RX_LOCAL);
	/* the tap's MTU is its own port's; a route out of a smaller one drops
	 * (an ICMP error from our own address would be a martian to Linux) */
	if (tl > vgw_gw.ports[*out].mtu)
		return VGW_HOST_SP(HOST_RX_MTU_EXCEEDED);
	if (rte_pktmbuf_pkt_len(m) > (uint32_t)ETH_HLEN + tl)
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - ETH_HLEN - tl));
	return -1;
}

static void from_linux(struct rte_mbuf *m, uint64_t now_ms)
{
	vgw_gw.sp_stats[VGW_HOST_SP(HOST_RX)]++;
	uint32_t nh = 0;
	uint16_t out = 0;
	int why = route(m, &nh, &out);
	if (why >= 0) {
		drop(m, why);
		return;
	}
	/* Linux addressed it to the tap's own MAC (NOARP): both MACs are ours
	 * to write, the destination by the neighbour table, which sends it now
	 * through the inject ring or queues it while ARP resolves nh */
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(&vgw_gw.ports[out].mac, &eh->src_addr);
	vgw_neigh_resolve(vgw_neigh_main, nh, out, m, now_ms);
}

bool vgw_host_poll(uint64_t now_ms)
{
	struct rte_mbuf *ms[VGW_BURST];
	bool more = false;
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		if (!vgw_gw.ports[p].host_ifindex)
			continue;
		uint16_t n = rte_eth_rx_burst(vgw_gw.ports[p].host_id, 0, ms, VGW_BURST);
		for (uint16_t i = 0; i < n; i++)
			from_linux(ms[i], now_ms);
		more |= n == VGW_BURST;
	}
	return more;
}

void vgw_host_deliver(uint16_t port, struct rte_mbuf *m)
{
	/* a port without a host port never punts HOST (host_dp.h) */
	if (port >= vgw_gw.n_ports || !vgw_gw.ports[port].host_ifindex ||
	    rte_eth_tx_burst(vgw_gw.ports[port].host_id, 0, &m, 1) != 1) {
		drop(m, VGW_HOST_SP(HOST_TX_FULL));
		return;
	}
	vgw_gw.sp_stats[VGW_HOST_SP(HOST_TX)]++;
}
