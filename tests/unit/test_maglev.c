/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_maglev.c - the weighted Maglev table (lib/lb/maglev.c): primality,
 * balance against the weights, disruption when one backend leaves, order
 * independence, bad arguments. Numbers are asserted, not printed.
 */
#include <stdlib.h>

#include "lb/maglev.h"
#include "util/siphash.h"
#include "unit.h"

#define M VGW_LB_MAGLEV_DEFAULT_M

static uint16_t t1[M], t2[M];

static void test_prime(void)
{
	ASSERT_EQ(vgw_lb_is_prime(0), 0);
	ASSERT_EQ(vgw_lb_is_prime(1), 0);
	ASSERT_EQ(vgw_lb_is_prime(2), 1);
	ASSERT_EQ(vgw_lb_is_prime(65537), 1);
	ASSERT_EQ(vgw_lb_is_prime(65536), 0);
	ASSERT_EQ(vgw_lb_is_prime(65539), 1);
	ASSERT_EQ(vgw_lb_is_prime(65541), 0); /* 3 x 21847 */
	ASSERT_EQ(vgw_lb_is_prime(VGW_LB_MAGLEV_MAX_M), 1);
}

static uint64_t key(uint32_t i)
{
	/* like a real backend key: VNI << 48 | IP << 16 | port */
	return (uint64_t)100 << 48 | (uint64_t)(0xc0a80100u + i) << 16 | 80;
}

static void counts(const uint16_t *t, uint32_t n, uint32_t *c)
{
	memset(c, 0, n * sizeof(*c));
	for (uint32_t s = 0; s < M; s++) {
		CU_ASSERT_FATAL(t[s] < n);
		c[t[s]]++;
	}
}

static void test_balance_equal(void)
{
	enum { N = 10 };
	struct vgw_lb_maglev_backend b[N];
	for (uint32_t i = 0; i < N; i++)
		b[i] = (struct vgw_lb_maglev_backend){key(i), 1};
	ASSERT_EQ(vgw_lb_maglev_build(b, N, M, t1), N);
	uint32_t c[N];
	counts(t1, N, c);
	for (uint32_t i = 0; i < N; i++) {
		/* within 2% of M/N */
		CU_ASSERT(c[i] >= M / N * 98 / 100 && c[i] <= M / N * 102 / 100 + 1);
	}
}

static void test_balance_weighted(void)
{
	enum { N = 4 };
	const uint32_t wt[N] = {1, 2, 3, 4};
	struct vgw_lb_maglev_backend b[N];
	for (uint32_t i = 0; i < N; i++)
		b[i] = (struct vgw_lb_maglev_backend){key(i), wt[i]};
	ASSERT_EQ(vgw_lb_maglev_build(b, N, M, t1), N);
	uint32_t c[N];
	counts(t1, N, c);
	for (uint32_t i = 0; i < N; i++) {
		double share = (double)c[i] / M, want = wt[i] / 10.0;
		if (share < want * 0.97 || share > want * 1.03)
			fprintf(stderr, "\n  backend %u: share %.4f want %.4f\n", i, share, want);
		CU_ASSERT(share >= want * 0.97 && share <= want * 1.03);
	}
}

static void test_disruption(void)
{
	enum { N = 20 };
	struct vgw_lb_maglev_backend b[N];
	for (uint32_t i = 0; i < N; i++)
		b[i] = (struct vgw_lb_maglev_backend){key(i), 1};
	ASSERT_EQ(vgw_lb_maglev_build(b, N, M, t1), N);
	b[7].weight = 0; /* down */
	ASSERT_EQ(vgw_lb_maglev_build(b, N, M, t2), N - 1);
	uint32_t moved_other = 0, gone = 0;
	for (uint32_t s = 0; s < M; s++) {
		CU_ASSERT(t2[s] != 7);
		if (t1[s] == 7)
			gone++;
		else if (t1[s] != t2[s])
			moved_other++;
	}
	CU_ASSERT(gone > 0);
	/* Maglev's bound: other backends' slots move little (issue: about 1%) */
	if (moved_other > (M - gone) / 100)
		fprintf(stderr, "\n  %u of %u other slots moved\n", moved_other, M - gone);
	CU_ASSERT(moved_other <= (M - gone) / 100);
	/* back up: the same table as before */
	b[7].weight = 1;
	ASSERT_EQ(vgw_lb_maglev_build(b, N, M, t2), N);
	ASSERT_EQ(memcmp(t1, t2, sizeof(t1)), 0);
}

static void test_order_independent(void)
{
	enum { N = 8 };
	struct vgw_lb_maglev_backend b[N], r[N];
	for (uint32_t i = 0; i < N; i++) {
		b[i] = (struct vgw_lb_maglev_backend){key(i), 1 + i % 3};
		r[N - 1 - i] = b[i];
	}
	ASSERT_EQ(vgw_lb_maglev_build(b, N, M, t1), N);
	ASSERT_EQ(vgw_lb_maglev_build(r, N, M, t2), N);
	/* same backend (by key) in every slot */
	uint32_t diff = 0;
	for (uint32_t s = 0; s < M; s++)
		diff += b[t1[s]].key != r[t2[s]].key;
	ASSERT_EQ(diff, 0);
}

static void test_edges(void)
{
	struct vgw_lb_maglev_backend b[2] = {{key(0), 0}, {key(1), 0}};
	ASSERT_EQ(vgw_lb_maglev_build(b, 2, M, t1), 0); /* nobody usable */
	ASSERT_EQ(t1[0], VGW_LB_MAGLEV_NONE);
	ASSERT_EQ(t1[M - 1], VGW_LB_MAGLEV_NONE);
	ASSERT_EQ(vgw_lb_maglev_build(b, 0, M, t1), 0);
	ASSERT_EQ(vgw_lb_maglev_build(b, 2, 65536, t1), -1); /* not prime */
	b[1].weight = 5; /* one backend takes every slot */
	ASSERT_EQ(vgw_lb_maglev_build(b, 2, 7, t1), 1);
	for (int s = 0; s < 7; s++)
		ASSERT_EQ(t1[s], 1);
	ASSERT_EQ(vgw_lb_maglev_pick(t1, 7, 12345), 1);
}


/* SipHash-2-4 against the reference vectors (key 00..0f, message 00..n-1),
 * and the Maglev flow hash depends on the key: without it nobody can aim a
 * flow at a slot (issue 14). */
static void test_siphash_key(void)
{
	struct vgw_siphash_key k = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
	uint8_t msg[16];
	for (int i = 0; i < 16; i++)
		msg[i] = (uint8_t)i;
	ASSERT_EQ(vgw_siphash24(&k, msg, 0), 0x726fdb47dd0e0e31ull);
	ASSERT_EQ(vgw_siphash24(&k, msg, 15), 0xa129ca6149be45e5ull);
	struct vgw_siphash_key k2 = {1, 2};
	uint32_t same = 0;
	for (uint32_t i = 0; i < 1000; i++) {
		uint32_t a = vgw_lb_maglev_flow_hash(&k, 0xc6336401u + i, 0xcb007105u, 40000, 80,
						     6);
		ASSERT_EQ(a,
			  vgw_lb_maglev_flow_hash(&k, 0xc6336401u + i, 0xcb007105u, 40000, 80, 6));
		same += a % M == vgw_lb_maglev_flow_hash(&k2, 0xc6336401u + i, 0xcb007105u, 40000, 80, 6) % M;
	}
	CU_ASSERT(same < 5); /* another key: another slot, but by chance */
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"is_prime", test_prime},
		{"SipHash-2-4 vectors; the flow hash depends on the key", test_siphash_key},
		{"balance, equal weights (within 2%)", test_balance_equal},
		{"balance, weights 1:2:3:4 (within 3%)", test_balance_weighted},
		{"one backend of 20 down: <= 1% of other slots move; back up = same table",
		 test_disruption},
		{"table depends on the backend set, not its order", test_order_independent},
		{"no usable backend, bad M, a single backend", test_edges},
	};
	return unit_run("maglev", tests, sizeof(tests) / sizeof(tests[0]));
}
