/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_eal.h - the gateway the EAL fuzz targets run against (fuzz_cli.c);
 * header only. Modelled on tests/unit/gw_fixture.h and test_service.c.
 *
 * fuzz_eal_init() initialises EAL once per process (--no-huge --no-shconf,
 * a file prefix per process whose runtime directory is removed at exit, so
 * that parallel fuzzers do not meet), fills vgw_gw with two ports (p0 10.1.0.1/24 public, p1 10.2.0.1/24
 * underlay, no workers, rcu NULL) and an mbuf pool. fuzz_eal_reset() gives
 * fresh tables (FIB with the connected routes, neighbours, VPCs, services)
 * so that every input starts from the same state: a crash found after many
 * inputs replays from its own input alone.
 */
#ifndef VGW_FUZZ_EAL_H
#define VGW_FUZZ_EAL_H

#include <dirent.h>
#include <limits.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include "core/defer.h"
#include "core/drop.h"
#include "core/gw.h"
#include "fib/fib.h"
#include "fib/route.h"
#include "fuzz_util.h"
#include "../unit/table_stubs.h"
#include "lb/service.h"
#include "neigh/neigh.h"
#include "vpc/vpc.h"

#define FUZZ_A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static char fuzz_rundir[PATH_MAX];

/* the EAL leaves its runtime directory behind (as in gw_fixture.h) */
static void fuzz_eal_rmdir(void)
{
	DIR *d = opendir(fuzz_rundir);
	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d)) != NULL;) {
		char f[PATH_MAX + 256];
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(f, sizeof(f), "%s/%s", fuzz_rundir, de->d_name);
			unlink(f);
		}
	}
	closedir(d);
	rmdir(fuzz_rundir);
}

static void fuzz_eal_init(void)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "vgw-fuzz-%d", (int)getpid());
	char *eal[] = {"fuzz", "--no-huge", "--no-shconf", "-m", "256", "--no-pci",
		       "--no-telemetry", "--file-prefix", prefix, "-l", "0",
		       "--log-level=*:error"};
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])), eal) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		abort();
	}
	snprintf(fuzz_rundir, sizeof(fuzz_rundir), "%s", rte_eal_get_runtime_dir());
	atexit(fuzz_eal_rmdir);
	memset(&vgw_gw, 0, sizeof(vgw_gw));
	vgw_gw.n_ports = 2;
	static const uint8_t mac[2][6] = {{0x02, 0, 0, 0, 0x01, 0}, {0x02, 0, 0, 0, 0x02, 0}};
	for (int i = 0; i < 2; i++) {
		struct vgw_port *p = &vgw_gw.ports[i];
		snprintf(p->name, sizeof(p->name), "p%d", i);
		p->id = (uint16_t)i;
		p->mtu = 1500;
		p->role = i ? VGW_ROLE_UNDERLAY : VGW_ROLE_PUBLIC;
		memcpy(p->mac.addr_bytes, mac[i], 6);
		p->addrs[0] = (struct vgw_port_addr){.ip = i ? FUZZ_A(10, 2, 0, 1) : FUZZ_A(10, 1, 0, 1),
						     .plen = 24};
		p->n_addrs = 1;
	}
	snprintf(vgw_gw.set.lcores, sizeof(vgw_gw.set.lcores), "0");
	snprintf(vgw_gw.set.socket_path, sizeof(vgw_gw.set.socket_path), "/tmp/vgw-fuzz.sock");
	vgw_gw.pool = rte_pktmbuf_pool_create("fuzz_pool", 1023, 0,
					      RTE_ALIGN(sizeof(struct vgw_dp_mbuf_priv), 8),
					      RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (!vgw_gw.pool)
		abort();
}

/* Fresh, empty tables: connected routes only, no neighbour, VPC or service. */
static void fuzz_eal_reset(void)
{
	char err[VGW_ERR_LEN];
	stub_tables_free();
	vgw_fib_main = vgw_fib_create(64, NULL, err);
	vgw_neigh_main = vgw_neigh_create(16, NULL, &stub_neigh_ops, err);
	vgw_vpc_main = vgw_vpc_create(64, 64, NULL, err);
	if (!vgw_fib_main || !vgw_neigh_main || !vgw_vpc_main ||
	    vgw_fib_route_install_connected(err) < 0 || vgw_lb_init(NULL, err) < 0 ||
	    stub_snat_init(err) < 0) {
		fprintf(stderr, "fuzz_eal_reset: %s\n", err);
		abort();
	}
}

#endif
