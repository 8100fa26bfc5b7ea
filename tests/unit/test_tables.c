/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_tables.c - CUnit tests of the FIB (lib/fib: fib.h, fib_dp.h,
 * route.h, the route commands) on the hand-built gateway of gw_fixture.h
 * (p0 10.1.0.1/24, p1 10.2.0.1/24, rcu NULL; EAL, not parallel). The
 * neighbour table and ARP are tested by test_neigh.c.
 *
 * Proves:
 *  - connected and local routes from port addresses (also /31 and /32);
 *  - static add, duplicate add refused, replace (same slot, or add), delete;
 *    next hops that are unreachable, our own / network / broadcast addresses
 *    or repeated are refused and leave the FIB unchanged (a failed replace
 *    keeps the old target); connected and local routes cannot be deleted or
 *    replaced; 1..VGW_FIB_ECMP_MAX next hops;
 *  - vgw_fib_lookup is a longest-prefix match, before and after deletes,
 *    and 1000 add/delete rounds reuse the slots;
 *  - the default route 0.0.0.0/0 can be added and matches last;
 *  - `show route` prints the FIB exactly as doc/interfaces.md says (JSON and
 *    text) and the route commands report errors;
 *  - vgw_fib_ecmp_pick spreads 10000 random hashes, and 10000 real flow hashes,
 *    within +-5% of each path's share for 1..4 paths, the same hash always
 *    giving the same path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/defer.h"
#include "fib/fib_dp.h"
#include "fib/route.h"
#include "gw_fixture.h"
#include "net/ip4.h"

/* A fresh FIB with the connected routes of the current ports. */
static void fib_reset(void)
{
	vgw_defer_reclaim(); /* deferred frees may point into the old FIB */
	vgw_fib_destroy(vgw_fib_main);
	vgw_fib_main = vgw_fib_create(64, NULL, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vgw_fib_main);
	ASSERT_EQ(vgw_fib_route_install_connected(err), 0);
}

static const struct vgw_fib_route_target *lk(uint32_t dst)
{
	return vgw_fib_lookup(vgw_fib_main, dst);
}

/* the route for dst is VIA with first next hop gw0 and n paths */
#define ASSERT_VIA(dst, gw0, n)                                                  \
	do {                                                                     \
		const struct vgw_fib_route_target *t_ = lk(dst);                 \
		CU_ASSERT_PTR_NOT_NULL_FATAL(t_);                                \
		ASSERT_EQ(t_->kind, VGW_FIB_RT_VIA);                             \
		ASSERT_EQ(t_->n_paths, n);                                       \
		ASSERT_EQ(t_->paths[0].gw, gw0);                                 \
	} while (0)

static int set(uint32_t pfx, uint8_t len, bool replace, int n, uint32_t g0, uint32_t g1)
{
	uint32_t g[2] = {g0, g1};
	err[0] = '\0';
	return vgw_fib_route_static_set(pfx, len, g, (unsigned int)n, replace, err);
}

/* ---- FIB ---------------------------------------------------------------- */
static void test_connected(void)
{
	fib_reset();
	ASSERT_EQ(vgw_fib_main->n_routes, 4);
	int s = vgw_fib_find(vgw_fib_main, A(10, 1, 0, 0), 24);
	CU_ASSERT_FATAL(s >= 0);
	ASSERT_EQ(vgw_fib_main->routes[s].source, VGW_FIB_RS_CONNECTED);
	const struct vgw_fib_route_target *t = vgw_fib_target(vgw_fib_main, (uint32_t)s);
	ASSERT_EQ(t->kind, VGW_FIB_RT_CONNECTED);
	ASSERT_EQ(t->port, 0);
	ASSERT_EQ(t->bcast, A(10, 1, 0, 255));
	s = vgw_fib_find(vgw_fib_main, NPORT1, 32);
	CU_ASSERT_FATAL(s >= 0);
	ASSERT_EQ(vgw_fib_main->routes[s].source, VGW_FIB_RS_LOCAL);
	ASSERT_EQ(vgw_fib_target(vgw_fib_main, (uint32_t)s)->kind, VGW_FIB_RT_LOCAL);
	ASSERT_EQ(vgw_fib_target(vgw_fib_main, (uint32_t)s)->port, 1);
	ASSERT_EQ(lk(A(10, 2, 0, 77))->kind, VGW_FIB_RT_CONNECTED);
	ASSERT_EQ(lk(A(10, 2, 0, 77))->port, 1);
	ASSERT_EQ(lk(NPORT0)->kind, VGW_FIB_RT_LOCAL);
	CU_ASSERT_PTR_NULL(lk(A(8, 8, 8, 8))); /* no default route */
	/* /31 (no broadcast) and /32 (no connected route) addresses */
	vgw_gw.ports[1].addrs[1] = (struct vgw_port_addr){.ip = A(10, 3, 0, 0), .plen = 31};
	vgw_gw.ports[1].addrs[2] = (struct vgw_port_addr){.ip = A(10, 4, 4, 4), .plen = 32};
	vgw_gw.ports[1].n_addrs = 3;
	fib_reset();
	ASSERT_EQ(vgw_fib_main->n_routes, 7);
	s = vgw_fib_find(vgw_fib_main, A(10, 3, 0, 0), 31);
	CU_ASSERT_FATAL(s >= 0);
	ASSERT_EQ(vgw_fib_target(vgw_fib_main, (uint32_t)s)->bcast, 0);
	ASSERT_EQ(lk(A(10, 3, 0, 1))->kind, VGW_FIB_RT_CONNECTED);
	ASSERT_EQ(lk(A(10, 4, 4, 4))->kind, VGW_FIB_RT_LOCAL);
	CU_ASSERT_PTR_NULL(lk(A(10, 4, 4, 5)));
	ASSERT_EQ(set(A(10, 9, 0, 0), 16, false, 1, A(10, 3, 0, 1), 0), 0); /* /31 peer */
	vgw_gw.ports[1].n_addrs = 1;
	fib_reset();
}

static void test_static_routes(void)
{
	fib_reset();
	const uint32_t P = A(10, 9, 0, 0);
	ASSERT_EQ(set(P, 16, false, 1, A(10, 1, 0, 2), 0), 0);
	ASSERT_EQ(vgw_fib_main->n_routes, 5);
	int slot = vgw_fib_find(vgw_fib_main, P, 16);
	CU_ASSERT_FATAL(slot >= 0);
	ASSERT_EQ(vgw_fib_main->routes[slot].source, VGW_FIB_RS_STATIC);
	ASSERT_VIA(A(10, 9, 200, 1), A(10, 1, 0, 2), 1);
	ASSERT_EQ(lk(A(10, 9, 200, 1))->paths[0].port, 0);

	ASSERT_EQ(set(P, 16, false, 1, A(10, 1, 0, 3), 0), -1);
	ASSERT_STR(err, "route 10.9.0.0/16 exists (use 'route replace')");
	ASSERT_VIA(A(10, 9, 200, 1), A(10, 1, 0, 2), 1);

	ASSERT_EQ(set(P, 16, true, 2, A(10, 2, 0, 2), A(10, 1, 0, 3)), 0);
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, P, 16), slot); /* replaced in place */
	ASSERT_EQ(vgw_fib_main->n_routes, 5);
	ASSERT_VIA(A(10, 9, 200, 1), A(10, 2, 0, 2), 2);
	ASSERT_EQ(lk(P)->paths[0].port, 1);
	ASSERT_EQ(lk(P)->paths[1].gw, A(10, 1, 0, 3));
	ASSERT_EQ(lk(P)->paths[1].port, 0);
	ASSERT_EQ(set(A(10, 8, 0, 0), 16, true, 1, A(10, 1, 0, 2), 0), 0); /* replace = add */
	ASSERT_EQ(vgw_fib_main->n_routes, 6);

	ASSERT_EQ(vgw_fib_route_static_del(P, 16, err), 0);
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, P, 16), -1);
	CU_ASSERT_PTR_NULL(lk(A(10, 9, 200, 1)));
	ASSERT_EQ(vgw_fib_main->n_routes, 5);
	ASSERT_EQ(vgw_fib_route_static_del(P, 16, err), -1);
	ASSERT_STR(err, "no route 10.9.0.0/16");
	ASSERT_EQ(set(A(10, 9, 0, 1), 16, false, 1, A(10, 1, 0, 2), 0), -1); /* host bits */
	ASSERT_EQ(set(P, 16, false, 0, 0, 0), -1);
	uint32_t many[VGW_FIB_ECMP_MAX + 1];
	for (int i = 0; i <= VGW_FIB_ECMP_MAX; i++)
		many[i] = A(10, 1, 0, 10 + i);
	ASSERT_EQ(vgw_fib_route_static_set(P, 16, many, VGW_FIB_ECMP_MAX + 1, false, err), -1);
	ASSERT_EQ(vgw_fib_route_static_set(P, 16, many, VGW_FIB_ECMP_MAX, false, err), 0);
	ASSERT_EQ(lk(P)->n_paths, VGW_FIB_ECMP_MAX);
}

static void test_bad_next_hops(void)
{
	fib_reset();
	const uint32_t P = A(10, 9, 0, 0);
	ASSERT_EQ(set(P, 16, false, 1, A(192, 0, 2, 1), 0), -1);
	ASSERT_CONTAINS(err, "unreachable");
	ASSERT_CONTAINS(err, "192.0.2.1");
	ASSERT_EQ(set(P, 16, false, 2, A(10, 1, 0, 2), A(10, 3, 0, 1)), -1);
	ASSERT_CONTAINS(err, "unreachable");
	ASSERT_EQ(vgw_fib_main->n_routes, 4);
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, P, 16), -1);
	CU_ASSERT_PTR_NULL(lk(A(10, 9, 0, 1)));
	/* own address, network and broadcast of a connected subnet */
	static const uint32_t notnb[] = {NPORT0, NPORT1, A(10, 1, 0, 0), A(10, 1, 0, 255)};
	for (size_t i = 0; i < 4; i++) {
		ASSERT_EQ(set(P, 16, false, 1, notnb[i], 0), -1);
		ASSERT_CONTAINS(err, "not a neighbour address");
	}
	ASSERT_EQ(set(P, 16, false, 2, A(10, 1, 0, 2), A(10, 1, 0, 2)), -1);
	ASSERT_STR(err, "next hop 10.1.0.2 given twice");
	ASSERT_EQ(vgw_fib_main->n_routes, 4);
	/* a failed replace keeps the old route */
	ASSERT_EQ(set(P, 16, false, 1, A(10, 1, 0, 2), 0), 0);
	const struct vgw_fib_route_target *before = lk(P);
	ASSERT_EQ(set(P, 16, true, 1, A(172, 16, 0, 1), 0), -1);
	CU_ASSERT_PTR_EQUAL(lk(P), before);
	ASSERT_VIA(P, A(10, 1, 0, 2), 1);
	/* connected and local routes: no delete, no replace */
	ASSERT_EQ(vgw_fib_route_static_del(A(10, 1, 0, 0), 24, err), -1);
	ASSERT_STR(err, "10.1.0.0/24 is a connected route and cannot be deleted");
	ASSERT_EQ(vgw_fib_route_static_del(NPORT0, 32, err), -1);
	ASSERT_STR(err, "10.1.0.1/32 is a local route and cannot be deleted");
	ASSERT_EQ(set(A(10, 2, 0, 0), 24, true, 1, A(10, 1, 0, 2), 0), -1);
	ASSERT_CONTAINS(err, "connected route");
	ASSERT_EQ(set(NPORT1, 32, true, 1, A(10, 1, 0, 2), 0), -1);
	ASSERT_EQ(lk(A(10, 2, 0, 9))->kind, VGW_FIB_RT_CONNECTED);
	ASSERT_EQ(lk(NPORT1)->kind, VGW_FIB_RT_LOCAL);
	ASSERT_EQ(vgw_fib_main->n_routes, 5);
}

static void test_lpm(void)
{
	fib_reset();
	ASSERT_EQ(set(A(10, 0, 0, 0), 8, false, 1, A(10, 1, 0, 2), 0), 0);
	ASSERT_EQ(set(A(10, 9, 0, 0), 16, false, 1, A(10, 1, 0, 3), 0), 0);
	ASSERT_EQ(set(A(10, 9, 9, 0), 24, false, 1, A(10, 2, 0, 2), 0), 0);
	ASSERT_EQ(set(A(10, 9, 9, 9), 32, false, 1, A(10, 2, 0, 3), 0), 0);
	ASSERT_EQ(set(A(10, 9, 9, 128), 25, false, 1, A(10, 2, 0, 4), 0), 0);
	ASSERT_EQ(set(A(128, 0, 0, 0), 1, false, 1, A(10, 2, 0, 9), 0), 0);
	ASSERT_VIA(A(10, 9, 9, 9), A(10, 2, 0, 3), 1);
	ASSERT_VIA(A(10, 9, 9, 10), A(10, 2, 0, 2), 1);
	ASSERT_VIA(A(10, 9, 9, 200), A(10, 2, 0, 4), 1);
	ASSERT_VIA(A(10, 9, 8, 1), A(10, 1, 0, 3), 1);
	ASSERT_VIA(A(10, 8, 0, 1), A(10, 1, 0, 2), 1);
	CU_ASSERT_PTR_NULL(lk(A(11, 0, 0, 1)));
	ASSERT_VIA(A(128, 0, 0, 1), A(10, 2, 0, 9), 1);
	ASSERT_VIA(A(255, 255, 255, 255), A(10, 2, 0, 9), 1);
	ASSERT_EQ(lk(A(10, 1, 0, 77))->kind, VGW_FIB_RT_CONNECTED); /* /24 beats /8 */
	ASSERT_EQ(lk(NPORT0)->kind, VGW_FIB_RT_LOCAL);
	ASSERT_EQ(vgw_fib_route_static_del(A(10, 9, 9, 0), 24, err), 0);
	ASSERT_VIA(A(10, 9, 9, 10), A(10, 1, 0, 3), 1); /* falls back to the /16 */
	ASSERT_VIA(A(10, 9, 9, 9), A(10, 2, 0, 3), 1);
	ASSERT_EQ(vgw_fib_route_static_del(A(10, 9, 9, 9), 32, err), 0);
	ASSERT_VIA(A(10, 9, 9, 9), A(10, 1, 0, 3), 1);
	ASSERT_EQ(vgw_fib_route_static_del(A(128, 0, 0, 0), 1, err), 0);
	CU_ASSERT_PTR_NULL(lk(A(200, 0, 0, 1)));
	/* churn: slots come back after reclaim */
	for (int i = 0; i < 1000; i++) {
		uint32_t p = A(10, 50, (i >> 8) & 0xff, i & 0xff);
		if (set(p, 32, false, 1, A(10, 1, 0, 2), 0) != 0 ||
		    vgw_fib_route_static_del(p, 32, err) != 0) {
			fprintf(stderr, "\n  churn failed at %d: %s\n", i, err);
			CU_FAIL("FIB churn");
			break;
		}
		vgw_defer_reclaim();
	}
	ASSERT_EQ(vgw_defer_pending(), 0);
}

/* vgw_fib_sorted: by prefix, then length; the FIB refuses routes past its
 * size (64 here) until deleted slots are reclaimed. */
static void test_sorted_and_full(void)
{
	fib_reset();
	ASSERT_EQ(set(A(10, 9, 0, 0), 17, false, 1, A(10, 1, 0, 2), 0), 0);
	ASSERT_EQ(set(A(10, 9, 0, 0), 16, false, 1, A(10, 1, 0, 3), 0), 0);
	ASSERT_EQ(set(A(10, 8, 0, 0), 24, false, 1, A(10, 1, 0, 3), 0), 0);
	ASSERT_VIA(A(10, 9, 1, 1), A(10, 1, 0, 2), 1);
	ASSERT_VIA(A(10, 9, 200, 1), A(10, 1, 0, 3), 1);
	static const struct {
		uint32_t p;
		uint8_t len;
	} want[] = {{A(10, 1, 0, 0), 24}, {A(10, 1, 0, 1), 32}, {A(10, 2, 0, 0), 24},
		    {A(10, 2, 0, 1), 32}, {A(10, 8, 0, 0), 24}, {A(10, 9, 0, 0), 16},
		    {A(10, 9, 0, 0), 17}};
	uint32_t n = 0, *v = vgw_fib_sorted(vgw_fib_main, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	ASSERT_EQ(n, 7);
	for (uint32_t i = 0; i < n && i < 7; i++) {
		ASSERT_EQ(vgw_fib_main->routes[v[i]].prefix, want[i].p);
		ASSERT_EQ(vgw_fib_main->routes[v[i]].len, want[i].len);
	}
	free(v);
	for (uint32_t i = 7; i < 64; i++)
		ASSERT_EQ(set(A(10, 100, i, 0), 24, false, 1, A(10, 1, 0, 2), 0), 0);
	ASSERT_EQ(vgw_fib_main->n_routes, 64);
	ASSERT_EQ(set(A(10, 101, 0, 0), 24, false, 1, A(10, 1, 0, 2), 0), -1);
	ASSERT_STR(err, "FIB full (64 routes, see 'fib max-routes')");
	ASSERT_EQ(vgw_fib_route_static_del(A(10, 100, 7, 0), 24, err), 0);
	vgw_defer_reclaim();
	ASSERT_EQ(set(A(10, 101, 0, 0), 24, false, 1, A(10, 1, 0, 2), 0), 0);
	ASSERT_VIA(A(10, 101, 0, 1), A(10, 1, 0, 2), 1);
	CU_ASSERT_PTR_NULL(lk(A(10, 100, 7, 1)));
}

/* The default route (doc/cli.md: "route add 0.0.0.0/0 via ...") is the
 * least specific match of all. */
static void test_default_route(void)
{
	fib_reset();
	ASSERT_EQ(set(A(10, 9, 0, 0), 16, false, 1, A(10, 1, 0, 3), 0), 0);
	if (set(0, 0, false, 1, A(10, 2, 0, 9), 0) != 0)
		fprintf(stderr, "\n  route add 0.0.0.0/0 failed: %s\n", err);
	ASSERT_STR(err, "");
	ASSERT_EQ(vgw_fib_main->n_routes, 6);
	CU_ASSERT_FATAL(lk(A(11, 0, 0, 1)) != NULL);
	ASSERT_VIA(A(11, 0, 0, 1), A(10, 2, 0, 9), 1);
	ASSERT_VIA(A(0, 0, 0, 1), A(10, 2, 0, 9), 1);
	ASSERT_VIA(A(255, 255, 255, 255), A(10, 2, 0, 9), 1);
	ASSERT_VIA(A(10, 9, 1, 1), A(10, 1, 0, 3), 1);
	ASSERT_EQ(lk(A(10, 1, 0, 77))->kind, VGW_FIB_RT_CONNECTED);
	ASSERT_EQ(set(0, 0, true, 1, A(10, 1, 0, 9), 0), 0);
	ASSERT_VIA(A(11, 0, 0, 1), A(10, 1, 0, 9), 1);
	ASSERT_EQ(vgw_fib_route_static_del(0, 0, err), 0);
	CU_ASSERT_PTR_NULL(lk(A(11, 0, 0, 1)));
}

static void test_cli_routes(void)
{
	fib_reset();
	struct vgw_buf out;
	vgw_buf_init(&out);
	ASSERT_EQ(vgw_cli_exec("route add 10.9.0.0/16 via 10.1.0.2 via 10.2.0.2", false,
			       &out, err), 0);
	ASSERT_EQ(vgw_cli_exec("show route", true, &out, err), 0);
	ASSERT_STR(out.data,
		   "{\"routes\":[{\"prefix\":\"10.1.0.0/24\",\"source\":\"connected\",\"via\":[],"
		   "\"port\":\"p0\"},{\"prefix\":\"10.1.0.1/32\",\"source\":\"local\",\"via\":[],"
		   "\"port\":\"p0\"},{\"prefix\":\"10.2.0.0/24\",\"source\":\"connected\",\"via\":[],"
		   "\"port\":\"p1\"},{\"prefix\":\"10.2.0.1/32\",\"source\":\"local\",\"via\":[],"
		   "\"port\":\"p1\"},{\"prefix\":\"10.9.0.0/16\",\"source\":\"static\",\"via\":"
		   "[{\"nh\":\"10.1.0.2\",\"port\":\"p0\"},{\"nh\":\"10.2.0.2\",\"port\":\"p1\"}],"
		   "\"port\":null}]}\n");
	vgw_buf_reset(&out);
	ASSERT_EQ(vgw_cli_exec("show route", false, &out, err), 0);
	ASSERT_STR(out.data, "PREFIX       SOURCE     VIA                       PORT\n"
			     "10.1.0.0/24  connected  -                         p0\n"
			     "10.1.0.1/32  local      -                         p0\n"
			     "10.2.0.0/24  connected  -                         p1\n"
			     "10.2.0.1/32  local      -                         p1\n"
			     "10.9.0.0/16  static     10.1.0.2 p0, 10.2.0.2 p1  -\n");
	vgw_buf_reset(&out);
	ASSERT_EQ(vgw_cli_exec("route del 10.1.0.0/24", false, &out, err), -1);
	ASSERT_STR(err, "10.1.0.0/24 is a connected route and cannot be deleted");
	ASSERT_EQ(vgw_cli_exec("route add 10.8.0.0/16 via 192.0.2.1", false, &out, err), -1);
	ASSERT_CONTAINS(err, "unreachable");
	ASSERT_EQ(vgw_fib_main->n_routes, 5);
	vgw_buf_free(&out);
}

static void test_ecmp(void)
{
	for (unsigned int n = 1; n <= 4; n++) {
		unsigned int cnt[4] = {0}, cnt_flow[4] = {0};
		int unstable = 0;
		for (int i = 0; i < 10000; i++) {
			uint32_t h = unit_rand();
			unsigned int p = vgw_fib_ecmp_pick(h, n);
			CU_ASSERT_FATAL(p < n);
			cnt[p]++;
			unstable += vgw_fib_ecmp_pick(h, n) != p;
			/* real flows: TCP from 10.9.x.y, port 1024 + i */
			uint8_t ip[24] = {0x45, 0, 0, 24, 0, 0, 0x40, 0, 64, 6};
			vgw_ip4_put(ip + 12, A(10, 9, 0, 0) + (uint32_t)(i % 50));
			vgw_ip4_put(ip + 16, A(203, 0, 113, 5));
			ip[20] = (uint8_t)((1024 + i) >> 8);
			ip[21] = (uint8_t)(1024 + i);
			ip[23] = 80;
			cnt_flow[vgw_fib_ecmp_pick(vgw_ip4_flow_hash(ip, 20, 24), n)]++;
		}
		ASSERT_EQ(unstable, 0);
		double share = 10000.0 / n;
		for (unsigned int p = 0; p < n; p++) {
			if (cnt[p] < share * 0.95 || cnt[p] > share * 1.05 ||
			    cnt_flow[p] < share * 0.95 || cnt_flow[p] > share * 1.05)
				fprintf(stderr, "\n  n=%u path %u: %u random, %u flows (share %.0f)\n",
					n, p, cnt[p], cnt_flow[p], share);
			CU_ASSERT(cnt[p] >= share * 0.95 && cnt[p] <= share * 1.05);
			CU_ASSERT(cnt_flow[p] >= share * 0.95 && cnt_flow[p] <= share * 1.05);
		}
		ASSERT_EQ(vgw_fib_ecmp_pick(0, n), 0);
		ASSERT_EQ(vgw_fib_ecmp_pick(0xffffffffu, n), n - 1);
	}
	ASSERT_EQ(vgw_fib_ecmp_pick(0x80000000u, 2), 1);
	ASSERT_EQ(vgw_fib_ecmp_pick(0x7fffffffu, 2), 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"connected and local routes", test_connected},
		{"static add/replace/del", test_static_routes},
		{"bad next hops, protected routes", test_bad_next_hops},
		{"longest prefix match, churn", test_lpm},
		{"sorted order, FIB full", test_sorted_and_full},
		{"default route 0.0.0.0/0", test_default_route},
		{"route CLI (show route exact)", test_cli_routes},
		{"ECMP spread", test_ecmp},
	};
	return unit_eal_run("tables", tests, sizeof(tests) / sizeof(tests[0]));
}
