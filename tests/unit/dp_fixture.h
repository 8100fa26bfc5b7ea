/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_fixture.h - a stub worker for tests of the data-path stages (lib/dp,
 * lib/vpc, lib/lb: the *_dp.c files); header only. Modelled on
 * tests/fuzz/fuzz_rx.c's set-up.
 *
 * dp_fixture_run() brings up EAL (--no-huge, one lcore, a file prefix per
 * process, two net_null ports with one RX and one TX queue each, started, so
 * that a transmitted frame really leaves through a PMD), fills vgw_gw with
 * p0 10.1.0.1/24 public and p1 10.2.0.1/24 underlay, one worker (idx 0) with
 * TX buffers, punt rings (vgw_dp_punt_init) and LB state, applies `config`
 * through the CLI, runs the suite, then tears it all down (the tables the
 * CLI filled, the worker's state, the ports, the pool, EAL and its runtime
 * directory /var/run/dpdk/PREFIX), so that LeakSanitizer reports only what
 * vgw really loses.
 *
 * dp_fixture_clean() empties the worker as its loop and the slow path would
 * after a burst (TX buffers flushed to net_null, punt rings drained) and
 * also frees whatever a test left in the stage vectors; afterwards the
 * pool's available count must be back to dp_pool_full.
 * These tests must not run in parallel with other EAL processes.
 */
#ifndef VGW_DP_FIXTURE_H
#define VGW_DP_FIXTURE_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "cli/cli.h"
#include "core/defer.h"
#include "core/gw.h"
#include "dp/dp.h"
#include "dp/punt.h"
#include "fib/fib.h"
#include "fib/route.h"
#include "lb/ct_worker.h"
#include "lb/service.h"
#include "neigh/neigh.h"
#include "rundir.h"
#include "table_stubs.h"
#include "unit.h"
#include "vpc/vpc.h"

#define A4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* the ports' MACs: 02:00:00:00:0P:00 for port index P-1 */
static const uint8_t DP_MAC0[6] = {0x02, 0, 0, 0, 0x01, 0}, DP_MAC1[6] = {0x02, 0, 0, 0, 0x02, 0};

static unsigned int dp_pool_full; /* free mbufs when nothing is in flight */

static inline struct vgw_worker *dp_worker(void)
{
	return &vgw_gw.workers[0];
}

static int dp_port_start(uint16_t id)
{
	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(id, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(id, 0, 256, SOCKET_ID_ANY, NULL, vgw_gw.pool) != 0 ||
	    rte_eth_tx_queue_setup(id, 0, 256, SOCKET_ID_ANY, NULL) != 0 ||
	    rte_eth_dev_start(id) != 0)
		return -1;
	return 0;
}

static int dp_setup(const char *const *config, size_t n_config)
{
	char err[VGW_ERR_LEN] = "";
	memset(&vgw_gw, 0, sizeof(vgw_gw));
	snprintf(vgw_gw.set.lcores, sizeof(vgw_gw.set.lcores), "0");
	snprintf(vgw_gw.set.socket_path, sizeof(vgw_gw.set.socket_path), "/tmp/vgw-dp-unit.sock");
	vgw_gw.pool = rte_pktmbuf_pool_create(
		"dp_unit_pool", 1023, 0,
		RTE_ALIGN(sizeof(struct vgw_dp_mbuf_priv), RTE_MBUF_PRIV_ALIGN),
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (!vgw_gw.pool) {
		fprintf(stderr, "cannot create the mbuf pool\n");
		return -1;
	}
	vgw_gw.n_ports = 2;
	static const char *const dev[2] = {"net_null0", "net_null1"};
	for (int i = 0; i < 2; i++) {
		struct vgw_port *p = &vgw_gw.ports[i];
		uint16_t id;
		if (rte_eth_dev_get_port_by_name(dev[i], &id) != 0) {
			fprintf(stderr, "%s: no such port\n", dev[i]);
			return -1;
		}
		snprintf(p->name, sizeof(p->name), "p%d", i);
		snprintf(p->dev, sizeof(p->dev), "%s", dev[i]);
		p->id = id;
		p->probed = true;
		p->mtu = 1500;
		p->nb_rxq = 1;
		p->role = i ? VGW_ROLE_UNDERLAY : VGW_ROLE_PUBLIC;
		memcpy(p->mac.addr_bytes, i ? DP_MAC1 : DP_MAC0, 6);
		p->mac_configured = true;
		p->addrs[0] = (struct vgw_port_addr){.ip = i ? A4(10, 2, 0, 1) : A4(10, 1, 0, 1),
						     .plen = 24};
		p->n_addrs = 1;
		vgw_gw.port_of_dpdk[id] = (uint16_t)i;
		if (dp_port_start(id) < 0) {
			fprintf(stderr, "%s: cannot configure/start\n", dev[i]);
			return -1;
		}
	}

	vgw_gw.n_workers = 1;
	struct vgw_worker *w = dp_worker();
	w->lcore = rte_lcore_id();
	w->idx = 0;
	for (int i = 0; i < 2; i++) {
		w->txb[i] = rte_zmalloc("dp_unit_txb", RTE_ETH_TX_BUFFER_SIZE(VGW_BURST), 0);
		if (!w->txb[i])
			return -1;
		rte_eth_tx_buffer_init(w->txb[i], VGW_BURST);
		rte_eth_tx_buffer_set_err_callback(w->txb[i], rte_eth_tx_buffer_count_callback,
						   &w->stats[i].drop[VGW_DROP_TX_FULL]);
		w->rxq[w->n_rxq].port = (uint16_t)i;
		w->rxq[w->n_rxq].queue = 0;
		w->n_rxq++;
	}
	if (vgw_gw_seed(err) < 0 || vgw_dp_punt_init(err) < 0) {
		fprintf(stderr, "seed/punt: %s\n", err);
		return -1;
	}
	vgw_gw_local_filter_init();
	vgw_fib_main = vgw_fib_create(64, NULL, err);
	vgw_neigh_main = vgw_fib_main ? vgw_neigh_create(64, NULL, &stub_neigh_ops, err) : NULL;
	vgw_vpc_main = vgw_neigh_main ? vgw_vpc_create(64, 64, NULL, err) : NULL;
	if (!vgw_vpc_main || vgw_fib_route_install_connected(err) < 0 || vgw_lb_init(NULL, err) < 0 ||
	    vgw_ct_workers_create(4096, NULL, err) < 0 || stub_snat_init(err) < 0) {
		fprintf(stderr, "tables: %s\n", err);
		return -1;
	}
	w->lb->now = rte_rdtsc() / rte_get_tsc_hz();

	struct vgw_buf out;
	vgw_buf_init(&out);
	int rc = 0;
	for (size_t i = 0; i < n_config && rc == 0; i++) {
		vgw_buf_reset(&out);
		if (vgw_cli_exec(config[i], false, &out, err) != 0) {
			fprintf(stderr, "'%s': %s\n", config[i], err);
			rc = -1;
		}
	}
	vgw_buf_free(&out);
	dp_pool_full = rte_mempool_avail_count(vgw_gw.pool);
	return rc;
}

/* Frees every mbuf of every stage vector (what a test left there), flushes
 * the TX buffers to net_null and drains the punt rings. */
static void dp_fixture_clean(void)
{
	struct vgw_worker *w = dp_worker();
	for (int s = 0; s < VGW_STAGE_N; s++) {
		for (uint32_t i = 0; i < w->vec[s].n; i++)
			rte_pktmbuf_free(w->vec[s].m[i]);
		w->vec[s].n = 0;
	}
	w->pending = 0;
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

static void dp_teardown(void)
{
	struct vgw_worker *w = dp_worker();
	if (vgw_gw.pool && w->txb[0])
		dp_fixture_clean();
	vgw_ct_workers_destroy();
	stub_tables_free();
	vgw_dp_punt_fini();
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		rte_free(w->txb[i]);
		w->txb[i] = NULL;
		if (vgw_gw.ports[i].probed) {
			rte_eth_dev_stop(vgw_gw.ports[i].id);
			rte_eth_dev_close(vgw_gw.ports[i].id);
		}
	}
	rte_mempool_free(vgw_gw.pool);
	vgw_gw.pool = NULL;
}

static inline int dp_fixture_run(const char *suite, const struct unit_test *tests, size_t n,
				 const char *const *config, size_t n_config)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "vgw-unit-dp-%d", (int)getpid());
	char *eal[] = {"test", "--no-huge", "--no-shconf", "-m", "256", "--no-pci",
		       "--no-telemetry", "--file-prefix", prefix, "-l", "0",
		       "--log-level=*:error", "--vdev", "net_null0", "--vdev", "net_null1"};
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])), eal) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	char rundir[PATH_MAX];
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	int rc = dp_setup(config, n_config) < 0 ? 1 : unit_run(suite, tests, n);
	dp_teardown();
	rte_eal_cleanup();
	unit_rm_rundir(rundir);
	return rc;
}

#endif
