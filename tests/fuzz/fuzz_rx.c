/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_rx.c - libFuzzer target: the whole receive path of a worker
 * (lib/dp: vgw_dp_rx_burst and everything it calls) on a configured gateway.
 *
 * Set-up, once per process: EAL with two net_null ports (1 RX and 1 TX
 * queue each, started, so that transmitted frames really leave through a
 * PMD), vgw_gw with p0 10.1.0.1/24 public and p1 10.2.0.1/24 underlay, one
 * worker (idx 0) with TX buffers, punt rings (vgw_dp_punt_init) and LB state,
 * and a configuration applied through the CLI (a VPC, a VTEP, an endpoint,
 * an EIP, a VIP service with a backend, a default route, static
 * neighbours).
 *
 * Input: [port selector][frame]: the first byte's low bit is the port, the
 * rest is copied into a fresh mbuf of exactly that length and received as a
 * burst of one. Then what the worker queued is drained as its loop and the
 * slow path would (TX buffers flushed, every punt ring emptied and freed).
 * Property: no mbuf leaks: the pool's available count is back to its value
 * before the input, else abort(). The connection table persists across
 * inputs (as in a running worker).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "cli/cli.h"
#include "core/defer.h"
#include "core/drop.h"
#include "core/gw.h"
#include "dp/dp.h"
#include "dp/punt.h"
#include "fib/fib.h"
#include "fib/route.h"
#include "fuzz_util.h"
#include "../unit/rundir.h"
#include "../unit/table_stubs.h"
#include "lb/ct_worker.h"
#include "lb/service.h"
#include "neigh/neigh.h"
#include "vpc/vpc.h"

/* As fuzz_cli.c: the tables' objects are referenced from DPDK memory, which
 * LeakSanitizer does not scan; mbufs are checked by the pool count below. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

#define A4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static char rundir[PATH_MAX];

static void rm_rundir(void)
{
	unit_rm_rundir(rundir); /* the EAL leaves it behind */
}

static void die(const char *what, const char *err)
{
	fprintf(stderr, "fuzz_rx set-up: %s: %s\n", what, err);
	abort();
}

static void port_start(uint16_t id)
{
	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(id, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(id, 0, 256, SOCKET_ID_ANY, NULL, vgw_gw.pool) != 0 ||
	    rte_eth_tx_queue_setup(id, 0, 256, SOCKET_ID_ANY, NULL) != 0 ||
	    rte_eth_dev_start(id) != 0)
		die("port", "cannot configure/start net_null");
}

static const char *const config[] = {
	"vpc add blue vni 100",
	"vtep add 10.2.0.1",
	"endpoint add blue 192.168.1.10 mac 52:54:00:00:01:0a vtep 10.2.0.20",
	"endpoint add blue 192.168.1.11 mac 52:54:00:00:01:0b vtep 10.2.0.21",
	"eip add 10.1.0.100 vpc blue ip 192.168.1.10",
	"service add web vip 10.1.0.50 port 80 proto tcp",
	"backend add web vpc blue ip 192.168.1.11 port 8080",
	"neigh add 10.1.0.254 02:00:5e:00:01:fe",
	"neigh add 10.2.0.20 02:00:5e:00:02:14",
	"route add 0.0.0.0/0 via 10.1.0.254",
};

static void setup(void)
{
	char err[VGW_ERR_LEN] = "";
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "vgw-fuzz-rx-%d", (int)getpid());
	char *eal[] = {"fuzz", "--no-huge", "--no-shconf", "-m", "256", "--no-pci",
		       "--no-telemetry", "--file-prefix", prefix, "-l", "0",
		       "--log-level=*:error", "--vdev", "net_null0", "--vdev", "net_null1"};
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])), eal) < 0)
		die("rte_eal_init", "failed");
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	atexit(rm_rundir);
	if (vgw_counters_register(err) < 0) /* as vgwd does */
		die("counters", err);

	memset(&vgw_gw, 0, sizeof(vgw_gw));
	snprintf(vgw_gw.set.lcores, sizeof(vgw_gw.set.lcores), "0");
	snprintf(vgw_gw.set.socket_path, sizeof(vgw_gw.set.socket_path), "/tmp/vgw-fuzz.sock");
	vgw_gw.pool = rte_pktmbuf_pool_create(
		"fuzz_rx_pool", 4095, 0,
		RTE_ALIGN(sizeof(struct vgw_dp_mbuf_priv), RTE_MBUF_PRIV_ALIGN),
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (!vgw_gw.pool)
		die("pool", "cannot create");

	vgw_gw.n_ports = 2;
	static const char *const dev[2] = {"net_null0", "net_null1"};
	for (int i = 0; i < 2; i++) {
		struct vgw_port *p = &vgw_gw.ports[i];
		uint16_t id;
		if (rte_eth_dev_get_port_by_name(dev[i], &id) != 0)
			die(dev[i], "no such port");
		snprintf(p->name, sizeof(p->name), "p%d", i);
		snprintf(p->dev, sizeof(p->dev), "%s", dev[i]);
		p->id = id;
		p->probed = true;
		p->mtu = 1500;
		p->nb_rxq = 1;
		p->role = i ? VGW_ROLE_UNDERLAY : VGW_ROLE_PUBLIC;
		p->mac = (struct rte_ether_addr){{0x02, 0, 0, 0, (uint8_t)(i + 1), 0}};
		p->mac_configured = true;
		p->addrs[0] = (struct vgw_port_addr){.ip = i ? A4(10, 2, 0, 1) : A4(10, 1, 0, 1),
						     .plen = 24};
		p->n_addrs = 1;
		vgw_gw.port_of_dpdk[id] = (uint16_t)i;
		port_start(id);
	}

	vgw_gw.n_workers = 1;
	struct vgw_worker *w = &vgw_gw.workers[0];
	w->lcore = rte_lcore_id();
	w->idx = 0;
	for (int i = 0; i < 2; i++) {
		w->txb[i] = rte_zmalloc("fuzz_txb", RTE_ETH_TX_BUFFER_SIZE(VGW_BURST), 0);
		if (!w->txb[i])
			die("txb", "out of memory");
		rte_eth_tx_buffer_init(w->txb[i], VGW_BURST);
		rte_eth_tx_buffer_set_err_callback(w->txb[i], rte_eth_tx_buffer_count_callback,
						   &w->stats[i].drop[VGW_DROP_TX_FULL]);
		w->rxq[w->n_rxq].port = (uint16_t)i;
		w->rxq[w->n_rxq].queue = 0;
		w->n_rxq++;
	}
	if (vgw_gw_seed(err) < 0 || vgw_dp_punt_init(err) < 0)
		die("seed/punt", err);
	vgw_gw_local_filter_init();

	vgw_fib_main = vgw_fib_create(64, NULL, err);
	if (!vgw_fib_main)
		die("fib", err);
	vgw_neigh_main = vgw_neigh_create(64, NULL, &stub_neigh_ops, err);
	if (!vgw_neigh_main)
		die("neigh", err);
	vgw_vpc_main = vgw_vpc_create(64, 64, NULL, err);
	if (!vgw_vpc_main)
		die("vpc", err);
	if (vgw_fib_route_install_connected(err) < 0 || vgw_lb_init(NULL, err) < 0 ||
	    vgw_ct_workers_create(4096, NULL, err) < 0 || stub_snat_init(err) < 0)
		die("tables", err);
	w->lb->now = rte_rdtsc() / rte_get_tsc_hz();

	struct vgw_buf out;
	vgw_buf_init(&out);
	for (size_t i = 0; i < sizeof(config) / sizeof(config[0]); i++) {
		vgw_buf_reset(&out);
		if (vgw_cli_exec(config[i], false, &out, err) != 0)
			die(config[i], err);
	}
	vgw_buf_free(&out);
}

/* What the worker loop and the slow path do with the worker's output. */
static void drain(struct vgw_worker *w)
{
	w->burst++;
	for (int p = 0; p < vgw_gw.n_ports; p++)
		rte_eth_tx_buffer_flush(vgw_gw.ports[p].id, (uint16_t)w->idx, w->txb[p]);
	for (int r = 1; r < VGW_PUNT_N; r++) {
		struct rte_mbuf *ms[VGW_BURST];
		unsigned int n;
		while ((n = rte_ring_sc_dequeue_burst(w->punt[r].ring, (void **)ms, VGW_BURST,
						      NULL)) > 0)
			rte_pktmbuf_free_bulk(ms, n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool inited;
	if (!inited) {
		setup();
		inited = true;
	}
	if (size < 1)
		return 0;
	uint16_t port = data[0] & 1;
	data++, size--;
	struct vgw_worker *w = &vgw_gw.workers[0];
	unsigned int before = rte_mempool_avail_count(vgw_gw.pool);
	struct rte_mbuf *m = rte_pktmbuf_alloc(vgw_gw.pool);
	FUZZ_CHECK(m);
	if (size < 1 || size > rte_pktmbuf_tailroom(m)) {
		rte_pktmbuf_free(m);
		return 0;
	}
	memcpy(rte_pktmbuf_append(m, (uint16_t)size), data, size);
	m->port = vgw_gw.ports[port].id;
	w->burst++;
	w->stats[port].rx++;
	vgw_dp_rx_burst(w, port, &m, 1);
	drain(w);
	unsigned int after = rte_mempool_avail_count(vgw_gw.pool);
	if (after != before) {
		fprintf(stderr, "mbuf leak: %u mbufs available before the input, %u after\n",
			before, after);
		abort();
	}
	return 0;
}
