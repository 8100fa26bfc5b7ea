/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw_fixture.h - the hand-built gateway shared by the EAL unit tests
 * (test_tables.c, test_neigh.c); header only.
 *
 * unit_eal_run() initialises EAL once (--no-huge, one lcore, a per-process
 * file prefix), fills vgw_gw with two ports (p0 10.1.0.1/24 MAC0, p1
 * 10.2.0.1/24 MAC1, no workers, rcu NULL) and an mbuf pool of 1023 mbufs
 * with the vgw_dp_mbuf_priv area, runs the suite, and tears everything down:
 * what the suite left in vgw_gw too (services, VPC tables, neighbour table,
 * FIB), so that a leak checker (the build-asan unit tests) reports only what
 * vgw really loses: their objects are malloc'd, their indexes DPDK memory
 * that LeakSanitizer does not scan.
 * These tests must not run in parallel with other EAL processes.
 */
#ifndef VGW_GW_FIXTURE_H
#define VGW_GW_FIXTURE_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include "core/defer.h"
#include "core/gw.h"
#include "fib/fib.h"
#include "lb/service.h"
#include "neigh/neigh.h"
#include "rundir.h"
#include "unit.h"
#include "vpc/vpc.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define NPORT0 A(10, 1, 0, 1)
#define NPORT1 A(10, 2, 0, 1)

static const uint8_t MAC0[6] = {0x02, 0, 0, 0, 0x01, 0x00}, MAC1[6] = {0x02, 0, 0, 0, 0x02, 0};
static char err[VGW_ERR_LEN];
static unsigned int pool_full; /* free mbufs when nothing is in flight */

static inline int unit_eal_run(const char *suite, const struct unit_test *tests, size_t n)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "vgw-unit-%d", (int)getpid());
	char *eal[] = {"test", "--no-huge", "-m", "256", "--no-pci", "--file-prefix", prefix,
		       "-l", "0", "--log-level=*:error"};
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])), eal) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	memset(&vgw_gw, 0, sizeof(vgw_gw));
	vgw_gw.n_ports = 2;
	for (int i = 0; i < 2; i++) {
		struct vgw_port *p = &vgw_gw.ports[i];
		snprintf(p->name, sizeof(p->name), "p%d", i);
		p->id = (uint16_t)i;
		p->mtu = 1500;
		memcpy(p->mac.addr_bytes, i ? MAC1 : MAC0, 6);
		p->addrs[0] = (struct vgw_port_addr){.ip = i ? NPORT1 : NPORT0, .plen = 24};
		p->n_addrs = 1;
	}
	vgw_gw.pool = rte_pktmbuf_pool_create("unit_pool", 1023, 0,
					      RTE_ALIGN(sizeof(struct vgw_dp_mbuf_priv), 8),
					      RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (!vgw_gw.pool) {
		fprintf(stderr, "cannot create the mbuf pool\n");
		return 1;
	}
	pool_full = rte_mempool_avail_count(vgw_gw.pool);
	int rc = unit_run(suite, tests, n);
	vgw_lb_fini();
	vgw_defer_reclaim();
	vgw_vpc_destroy(vgw_vpc_main);
	vgw_neigh_destroy(vgw_neigh_main);
	vgw_fib_destroy(vgw_fib_main);
	rte_mempool_free(vgw_gw.pool);
	char rundir[PATH_MAX];
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	unit_rm_rundir(rundir);
	return rc;
}

#endif
