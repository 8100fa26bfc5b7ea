/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * table_stubs.h - what the harnesses that build the gateway's tables by hand
 * (dp_fixture.h, tests/fuzz/fuzz_eal.h, tests/fuzz/fuzz_rx.c) share; header
 * only. stub_neigh_ops: a neighbour table whose packets go nowhere (freed)
 * and whose counters count nothing; stub_tables_free: the tables vgwd's
 * modules make at init, freed as their fini does (workers gone), the
 * pointers left NULL.
 */
#ifndef VGW_TABLE_STUBS_H
#define VGW_TABLE_STUBS_H

#include <rte_mbuf.h>

#include "core/defer.h"
#include "core/gw.h"
#include "fib/fib.h"
#include "lb/service.h"
#include "neigh/neigh.h"
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

static inline void stub_tables_free(void)
{
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
