/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fib_churn.c - the FIB's lookup stays a longest-prefix match under
 * churn (lib/fib: fib.c, fib_lpm.c, fib_target.c; EAL, not parallel).
 *
 * Proves:
 *  - after every batch of random adds, replaces (new next hop) and deletes,
 *    vgw_fib_lookup() of thousands of addresses (random, and inside or just
 *    past random routes) gives the next hop a naive reference gives: scan all
 *    routes, keep the longest match (connected and local routes included,
 *    default route added and removed on the way). Prefixes are packed into a
 *    few /12s, with lengths 8-32, so that tbl8 groups are created, shared,
 *    folded back and reused, and short routes are laid over long ones;
 *  - when everything is deleted, every tbl8 group and every shared target
 *    comes back, and slots are reused;
 *  - routes with the same next hops share one target (one allocation for a
 *    thousand routes), a replace to an existing content reuses it;
 *  - a FIB full of slots, or of tbl8 groups, refuses with -ENOSPC and
 *    changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/defer.h"
#include "fib/fib_dp.h"
#include "fib/fib_lpm.h"
#include "fib/fib_target.h"
#include "fib/route.h"
#include "gw_fixture.h"

#define MAXR 8192

struct ref {
	uint32_t prefix;
	uint8_t len;
	uint32_t gw; /* expected first next hop; 0 = connected/local */
	uint8_t kind;
};

static struct ref refs[MAXR];
static unsigned int n_refs;
static uint32_t next_gw = 1;

static void fib_new(uint32_t max)
{
	vgw_defer_reclaim();
	vgw_fib_destroy(vgw_fib_main);
	vgw_fib_main = vgw_fib_create(max, NULL, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vgw_fib_main);
	ASSERT_EQ(vgw_fib_route_install_connected(err), 0);
}

static struct vgw_fib_route_target via(uint32_t gw)
{
	struct vgw_fib_route_target t = {.kind = VGW_FIB_RT_VIA, .n_paths = 1};
	t.paths[0].gw = gw;
	return t;
}

/* naive longest-prefix match over every route */
static const struct ref *ref_lookup(uint32_t a)
{
	const struct ref *best = NULL;
	for (unsigned int i = 0; i < n_refs; i++) {
		const struct ref *r = &refs[i];
		if ((a & vgw_prefix_mask(r->len)) == r->prefix && (!best || r->len > best->len))
			best = r;
	}
	return best;
}

static int ref_find(uint32_t prefix, uint8_t len)
{
	for (unsigned int i = 0; i < n_refs; i++)
		if (refs[i].prefix == prefix && refs[i].len == len)
			return (int)i;
	return -1;
}

/* the connected and local routes of the fixture's ports */
static void ref_connected(void)
{
	n_refs = 0;
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		uint32_t ip = vgw_gw.ports[p].addrs[0].ip;
		refs[n_refs++] = (struct ref){ip & 0xffffff00u, 24, 0, VGW_FIB_RT_CONNECTED};
		refs[n_refs++] = (struct ref){ip, 32, 0, VGW_FIB_RT_LOCAL};
	}
}

static const uint32_t bases[] = {A(10, 0, 0, 0), A(10, 16, 0, 0), A(172, 16, 0, 0),
				 A(192, 160, 0, 0)};

static void random_prefix(uint32_t *prefix, uint8_t *len)
{
	uint32_t r = unit_rand();
	static const uint8_t lens[] = {8, 12, 14, 16, 18, 20, 21, 22, 23, 24, 24, 24, 24,
				       25, 26, 27, 28, 29, 30, 31, 32, 32};
	*len = lens[r % sizeof(lens)];
	/* long prefixes in one /17 per base: at most 512 tbl8 groups */
	uint32_t span = *len > 24 ? 0x00007fffu : 0x000fffffu;
	uint32_t a = bases[(r >> 8) % 4] | (unit_rand() & span);
	*prefix = a & vgw_prefix_mask(*len);
}

static uint32_t random_addr(void)
{
	uint32_t r = unit_rand();
	if (r % 4 == 0)
		return unit_rand(); /* anywhere */
	if (r % 4 == 1 && n_refs) { /* inside a route, or just past it */
		const struct ref *x = &refs[unit_rand() % n_refs];
		uint32_t span = ~vgw_prefix_mask(x->len);
		return (r & 8) ? x->prefix + span + 1 : x->prefix | (unit_rand() & span);
	}
	return bases[(r >> 4) % 4] | (unit_rand() & 0x000fffffu);
}

static unsigned int check_lookups(unsigned int n)
{
	unsigned int bad = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t a = random_addr();
		const struct ref *want = ref_lookup(a);
		const struct vgw_fib_route_target *got = vgw_fib_lookup(vgw_fib_main, a);
		bool ok;
		if (!want)
			ok = got == NULL;
		else if (!got || got->kind != want->kind)
			ok = false;
		else
			ok = want->kind != VGW_FIB_RT_VIA || got->paths[0].gw == want->gw;
		if (!ok && bad++ < 5) {
			char s[VGW_IP4_STRLEN], p[VGW_PREFIX_STRLEN];
			fprintf(stderr, "\n  lookup %s: want %s gw %u, got kind %d gw %u\n",
				vgw_ip4_str(a, s),
				want ? vgw_prefix_str(want->prefix, want->len, p) : "none",
				want ? want->gw : 0, got ? got->kind : -1,
				got && got->kind == VGW_FIB_RT_VIA ? got->paths[0].gw : 0);
		}
	}
	return bad;
}

static void test_churn(void)
{
	fib_new(MAXR);
	ref_connected();
	uint32_t tbl8_base = vgw_fib_lpm_tbl8_used(vgw_fib_main);
	uint32_t tgt_base = vgw_fib_targets_count(vgw_fib_main);
	unsigned int bad = 0, adds = 0, repl = 0, dels = 0;
	for (int batch = 0; batch < 40; batch++) {
		for (int op = 0; op < 400; op++) {
			uint32_t r = unit_rand() % 10, prefix;
			uint8_t len;
			/* grow to ~3000 routes, then hover around it */
			if (n_refs < 3000 && r < 6)
				r = 0;
			if (r < 4) {
				random_prefix(&prefix, &len);
				if (unit_rand() % 500 == 0) {
					prefix = 0;
					len = 0;
				}
				if (ref_find(prefix, len) >= 0 || n_refs == MAXR)
					continue;
				struct vgw_fib_route_target t = via(next_gw);
				if (vgw_fib_set(vgw_fib_main, prefix, len, VGW_FIB_RS_STATIC, &t,
						false, err) != 0) {
					fprintf(stderr, "\n  add failed: %s\n", err);
					bad++;
					continue;
				}
				refs[n_refs++] = (struct ref){prefix, len, next_gw++,
							      VGW_FIB_RT_VIA};
				adds++;
				continue;
			}
			if (n_refs <= 4)
				continue;
			unsigned int i = 4 + unit_rand() % (n_refs - 4); /* not connected/local */
			if (r < 7) {
				struct vgw_fib_route_target t = via(next_gw);
				ASSERT_EQ(vgw_fib_set(vgw_fib_main, refs[i].prefix, refs[i].len,
						      VGW_FIB_RS_STATIC, &t, true, err), 0);
				refs[i].gw = next_gw++;
				repl++;
			} else {
				ASSERT_EQ(vgw_fib_del(vgw_fib_main, refs[i].prefix, refs[i].len, err), 0);
				refs[i] = refs[--n_refs];
				dels++;
			}
		}
		bad += check_lookups(3000);
		if (batch % 3 == 0)
			vgw_defer_reclaim(); /* tbl8 groups and slots come back late */
		ASSERT_EQ(vgw_fib_main->n_routes, n_refs);
	}
	ASSERT_EQ(bad, 0);
	fprintf(stderr, "\n  %u adds, %u replaces, %u deletes, %u routes, %u tbl8 groups\n", adds,
		repl, dels, n_refs, vgw_fib_lpm_tbl8_used(vgw_fib_main));
	CU_ASSERT(vgw_fib_lpm_tbl8_used(vgw_fib_main) > tbl8_base + 50);
	/* everything goes: groups and targets come back */
	while (n_refs > 4) {
		n_refs--;
		ASSERT_EQ(vgw_fib_del(vgw_fib_main, refs[n_refs].prefix, refs[n_refs].len, err), 0);
	}
	ASSERT_EQ(check_lookups(2000), 0);
	vgw_defer_reclaim();
	ASSERT_EQ(vgw_fib_lpm_tbl8_used(vgw_fib_main), tbl8_base);
	ASSERT_EQ(vgw_fib_targets_count(vgw_fib_main), tgt_base);
	ASSERT_EQ(vgw_fib_main->n_free, MAXR - 4);
}

static void test_shared_targets(void)
{
	fib_new(4096);
	uint32_t base = vgw_fib_targets_count(vgw_fib_main);
	struct vgw_fib_route_target t = {.kind = VGW_FIB_RT_VIA, .n_paths = 2};
	t.paths[0] = (struct vgw_fib_nh_path){.gw = A(10, 1, 0, 2), .port = 0};
	t.paths[1] = (struct vgw_fib_nh_path){.gw = A(10, 2, 0, 2), .port = 1};
	t.bcast = 77; /* not part of a VIA target's content */
	for (uint32_t i = 0; i < 1000; i++)
		ASSERT_EQ(vgw_fib_set(vgw_fib_main, A(100, 0, 0, 0) + (i << 8), 24, VGW_FIB_RS_STATIC,
				      &t, false, err), 0);
	ASSERT_EQ(vgw_fib_targets_count(vgw_fib_main), base + 1);
	const struct vgw_fib_route_target *a = vgw_fib_lookup(vgw_fib_main, A(100, 0, 0, 9));
	const struct vgw_fib_route_target *b = vgw_fib_lookup(vgw_fib_main, A(100, 0, 200, 9));
	CU_ASSERT_PTR_EQUAL(a, b);
	/* a replace to another content, then back: one more target, then the
	 * shared one again */
	struct vgw_fib_route_target u = via(A(10, 1, 0, 9));
	ASSERT_EQ(vgw_fib_set(vgw_fib_main, A(100, 0, 0, 0), 24, VGW_FIB_RS_STATIC,
			      &u, true, err), 0);
	ASSERT_EQ(vgw_fib_targets_count(vgw_fib_main), base + 2);
	ASSERT_EQ(vgw_fib_set(vgw_fib_main, A(100, 0, 0, 0), 24, VGW_FIB_RS_STATIC,
			      &t, true, err), 0);
	ASSERT_EQ(vgw_fib_targets_count(vgw_fib_main), base + 1);
	CU_ASSERT_PTR_EQUAL(vgw_fib_lookup(vgw_fib_main, A(100, 0, 0, 9)), b);
	for (uint32_t i = 0; i < 1000; i++)
		ASSERT_EQ(vgw_fib_del(vgw_fib_main, A(100, 0, 0, 0) + (i << 8), 24, err), 0);
	ASSERT_EQ(vgw_fib_targets_count(vgw_fib_main), base);
	vgw_defer_reclaim();
	struct vgw_fib_summary s;
	vgw_fib_summary(vgw_fib_main, &s);
	ASSERT_EQ(s.routes, 4);
	ASSERT_EQ(s.by_source[VGW_FIB_RS_CONNECTED], 2);
	ASSERT_EQ(s.by_source[VGW_FIB_RS_LOCAL], 2);
	ASSERT_EQ(s.by_source[VGW_FIB_RS_STATIC], 0);
	ASSERT_EQ(s.targets, base);
}

static void test_full(void)
{
	fib_new(64);
	struct vgw_fib_route_target t = via(A(10, 1, 0, 2));
	for (uint32_t i = 4; i < 64; i++)
		ASSERT_EQ(vgw_fib_set(vgw_fib_main, A(100, 0, i, 0), 24, VGW_FIB_RS_STATIC, &t, false,
				      err), 0);
	ASSERT_EQ(vgw_fib_set(vgw_fib_main, A(100, 1, 0, 0), 24, VGW_FIB_RS_STATIC,
			      &t, false, err), -ENOSPC);
	CU_ASSERT_PTR_NULL(vgw_fib_lookup(vgw_fib_main, A(100, 1, 0, 1)));
	ASSERT_EQ(vgw_fib_main->n_routes, 64);
	/* tbl8 groups: 1024 in a small FIB, 2 taken by the local /32s */
	fib_new(4096);
	uint32_t used = vgw_fib_lpm_tbl8_used(vgw_fib_main);
	ASSERT_EQ(used, 2);
	uint32_t i;
	for (i = 0; i < 1022; i++)
		ASSERT_EQ(vgw_fib_set(vgw_fib_main, A(100, 0, 0, 1) + (i << 8), 32, VGW_FIB_RS_STATIC,
				      &t, false, err), 0);
	uint32_t n = vgw_fib_main->n_routes;
	ASSERT_EQ(vgw_fib_set(vgw_fib_main, A(100, 0, 0, 1) + (i << 8), 32, VGW_FIB_RS_STATIC, &t,
			      false, err), -ENOSPC);
	ASSERT_CONTAINS(err, "tbl8");
	ASSERT_EQ(vgw_fib_main->n_routes, n);
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, A(100, 0, 0, 1) + (i << 8), 32), -1);
	CU_ASSERT_PTR_NULL(vgw_fib_lookup(vgw_fib_main, A(100, 0, 0, 1) + (i << 8)));
	/* another /32 in a /24 that has a group still fits */
	ASSERT_EQ(vgw_fib_set(vgw_fib_main, A(100, 0, 0, 2), 32, VGW_FIB_RS_STATIC,
			      &t, false, err), 0);
	fib_new(64);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"LPM under random churn matches a naive reference", test_churn},
		{"targets shared by content", test_shared_targets},
		{"full FIB: slots, tbl8 groups", test_full},
	};
	return unit_eal_run("fib-churn", tests, sizeof(tests) / sizeof(tests[0]));
}
