/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * table_stubs.h - what the harnesses that build the gateway's tables by hand
 * (dp_fixture.h, tests/fuzz/fuzz_eal.h, tests/fuzz/fuzz_rx.c) share; header
 * only. stub_neigh_ops: a neighbour table whose packets go nowhere (freed)
 * and whose counters count nothing; stub_snat_init: the NAT gateway's
 * tables and engines; stub_tables_free: the tables vgwd's
 * modules make at init, freed as their fini does (workers gone), the
 * pointers left NULL.
 */
#ifndef VGW_TABLE_STUBS_H
#define VGW_TABLE_STUBS_H

#include <rte_mbuf.h>

#include "core/defer.h"
#include "core/gw.h"
#include "core/module.h"
#include "fib/fib.h"
#include "lb/service.h"
#include "neigh/neigh.h"
#include "snat/snat.h"
#include "vpc/vpc.h"

static void stub_tx(uint16_t port, struct rte_mbuf *m)
{
	(void)port;
	rte_pktmbuf_free(m);
}
static struct rte_mbuf *stub_alloc(void) { return rte_pktmbuf_alloc(vgw_gw.pool); }
static void stub_count(int c, uint64_t n) { (void)c, (void)n; }
static const struct vgw_neigh_ops stub_neigh_ops = {
	.tx = stub_tx, .alloc = stub_alloc, .count = stub_count};

extern const struct vgw_module vgw_snat_module;

/* The NAT gateway as its module makes it (its tables and one engine per
 * worker of vgw_gw; default timeouts, 4096 sessions and mappings). */
static inline int stub_snat_init(char *err)
{
	if (!vgw_snat_conf.max_sessions)
		vgw_snat_conf.max_sessions = vgw_snat_conf.max_mappings = 4096;
	if (!vgw_snat_conf.max_vms)
		vgw_snat_conf.max_vms = 1024;
	return vgw_snat_module.settings_finish(err) < 0 ? -1 : vgw_snat_module.init(err);
}

static inline void stub_tables_free(void)
{
	if (vgw_snat_main)
		vgw_snat_module.fini(); /* before the VPCs its bindings hold */
	vgw_lb_fini();
	vgw_defer_reclaim();
	vgw_vpc_destroy(vgw_vpc_main);
	vgw_vpc_main = NULL;
	vgw_neigh_destroy(vgw_neigh_main);
	vgw_neigh_main = NULL;
	vgw_fib_destroy(vgw_fib_main);
	vgw_fib_main = NULL;
	vgw_defer_reclaim();
}

#endif
