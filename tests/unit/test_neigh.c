/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_neigh.c - CUnit tests of ARP and the neighbour table (lib/neigh:
 * arp.h, neigh.h, neigh_dp.h, `show neigh`) on the hand-built gateway of
 * gw_fixture.h (p0 10.1.0.1/24, p1 10.2.0.1/24; EAL, not parallel), with
 * fake slow-path services: tx records the port and the frame bytes, alloc
 * takes from the test pool, count adds into an array indexed by the
 * slow-path counters of core/drop.h. The clock is a plain number.
 *
 * Proves:
 *  - vgw_neigh_arp_parse rejects wrong htype/ptype/hlen/plen/op, short buffers and
 *    multicast sender MACs; vgw_neigh_arp_build gives the exact bytes; the
 *    learning truth table of vgw_neigh_arp_learn_decide;
 *  - a request for our address is answered (exact reply bytes) and creates
 *    a REACHABLE entry; gratuitous/unsolicited ARP, senders outside the
 *    port's subnets and ARP against static entries change nothing and are
 *    counted; static entries are never aged; static add/del errors;
 *  - the table cap is enforced (neigh_table_full);
 *  - resolution queues up to VGW_NEIGH_QLEN packets (then neigh_queue_full),
 *    sends one broadcast request, and the reply flushes the queue in order
 *    with the learned destination MAC;
 *  - the timer retries an INCOMPLETE entry until max_probes requests were
 *    sent, then drops it (neigh_resolve_failed counts the queued packets),
 *    and ages REACHABLE -> STALE (unicast probes) -> removed;
 *  - no mbuf leaks: the pool is full again after every test;
 *  - add/delete churn far beyond the table size works, with an RCU variable
 *    and with rcu NULL (which vgw_neigh_create accepts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "cli/cli.h"
#include "gw_fixture.h"
#include "neigh/neigh.h"
#include "neigh/neigh_dp.h"
#include "net/ip4.h"

static const uint8_t HA[6] = {0x02, 0xaa, 0, 0, 0, 0x01}, HB[6] = {0x02, 0xbb, 0, 0, 0, 0x02};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ZERO[6] = {0};

/* ---- fake slow-path services ------------------------------------------- */
struct txrec {
	uint16_t port, len;
	uint8_t d[128];
};
static struct txrec txr[64];
static int n_tx, bad_counter;
static uint64_t sp[VGW_SP_CAP];

static void fake_tx(uint16_t port, struct rte_mbuf *m)
{
	if (n_tx < 64) {
		uint16_t len = rte_pktmbuf_data_len(m);
		txr[n_tx].port = port;
		txr[n_tx].len = len;
		memcpy(txr[n_tx].d, rte_pktmbuf_mtod(m, void *), len < 128 ? len : 128);
	}
	n_tx++;
	rte_pktmbuf_free(m);
}

static struct rte_mbuf *fake_alloc(void)
{
	return rte_pktmbuf_alloc(vgw_gw.pool);
}

static void fake_count(int c, uint64_t n)
{
	if (c < 0 || c >= VGW_SP_CAP)
		bad_counter++;
	else
		sp[c] += n;
}

static const struct vgw_neigh_ops ops = {.tx = fake_tx, .alloc = fake_alloc, .count = fake_count};

/* ---- ARP, pure --------------------------------------------------------- */
static void put_arp(uint8_t *p, uint16_t op, const uint8_t *sha, uint32_t spa, const uint8_t *tha,
		    uint32_t tpa)
{
	static const uint8_t hdr[6] = {0, 1, 0x08, 0, 6, 4};
	memcpy(p, hdr, 6);
	p[6] = (uint8_t)(op >> 8);
	p[7] = (uint8_t)op;
	memcpy(p + 8, sha, 6);
	vgw_ip4_put(p + 14, spa);
	memcpy(p + 18, tha, 6);
	vgw_ip4_put(p + 24, tpa);
}

static void test_arp_pure(void)
{
	uint8_t p[64], q[VGW_NEIGH_ARP_LEN];
	struct vgw_neigh_arp a;
	put_arp(p, 1, HA, A(10, 1, 0, 2), ZERO, NPORT0);
	ASSERT_EQ(vgw_neigh_arp_parse(p, 28, &a), 0);
	ASSERT_EQ(a.op, 1);
	ASSERT_EQ(memcmp(a.sha, HA, 6), 0);
	ASSERT_EQ(a.spa, A(10, 1, 0, 2));
	ASSERT_EQ(memcmp(a.tha, ZERO, 6), 0);
	ASSERT_EQ(a.tpa, NPORT0);
	ASSERT_EQ(vgw_neigh_arp_parse(p, 46, &a), 0); /* Ethernet padding */
	vgw_neigh_arp_build(q, &a);
	ASSERT_EQ(memcmp(q, p, VGW_NEIGH_ARP_LEN), 0);
	ASSERT_EQ(vgw_neigh_arp_parse(p, 27, &a), -1);
	static const struct {
		int off;
		uint8_t v;
	} bad[] = {{1, 6}, {0, 1}, {2, 0x86}, {3, 0xdd}, {4, 8}, {5, 16}, {7, 0}, {7, 3}, {6, 1},
		   {8, 0x01}, {8, 0xff}, {8, 0x33}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_arp(p, 1, HA, A(10, 1, 0, 2), ZERO, NPORT0);
		p[bad[i].off] = bad[i].v;
		ASSERT_EQ(vgw_neigh_arp_parse(p, 28, &a), -1);
	}
	put_arp(p, 2, HA, A(10, 1, 0, 2), MAC0, NPORT0);
	ASSERT_EQ(vgw_neigh_arp_parse(p, 28, &a), 0);
	ASSERT_EQ(a.op, 2);

	/* zero sender MAC: never a neighbour */
	put_arp(p, 2, ZERO, A(10, 1, 0, 2), MAC0, NPORT0);
	ASSERT_EQ(vgw_neigh_arp_parse(p, 28, &a), -1);
}

/* The learning rules (arp.h), one row per rule and state. C=sender connected,
 * D=MAC differs, R=is reply, O=to our request, U=target is us, F=full. */
static void test_arp_rules(void)
{
	enum { N = VGW_NEIGH_ARP_ENTRY_NONE, I = VGW_NEIGH_ARP_ENTRY_INCOMPLETE,
	       R_ = VGW_NEIGH_ARP_ENTRY_REACHABLE, S_ = VGW_NEIGH_ARP_ENTRY_STALE,
	       ST = VGW_NEIGH_ARP_ENTRY_STATIC };
	static const struct {
		bool c;
		int entry;
		bool d, r, o, u, f;
		enum vgw_neigh_arp_learn want;
	} tt[] = {
		/* 1. not connected: nothing else matters */
		{0, N, 0, 0, 0, 1, 0, VGW_NEIGH_ARP_IGN_NOT_CONNECTED},
		{0, R_, 1, 1, 1, 1, 0, VGW_NEIGH_ARP_IGN_NOT_CONNECTED},
		{0, I, 0, 1, 1, 1, 0, VGW_NEIGH_ARP_IGN_NOT_CONNECTED},
		{0, ST, 1, 0, 0, 1, 0, VGW_NEIGH_ARP_IGN_NOT_CONNECTED},
		/* 2. static: a different MAC is refused, the same changes nothing */
		{1, ST, 1, 0, 0, 1, 0, VGW_NEIGH_ARP_IGN_STATIC},
		{1, ST, 1, 1, 1, 1, 1, VGW_NEIGH_ARP_IGN_STATIC},
		{1, ST, 0, 1, 1, 1, 0, VGW_NEIGH_ARP_LEARN_NONE},
		/* 3. incomplete: only a reply to our request resolves it */
		{1, I, 0, 1, 1, 1, 0, VGW_NEIGH_ARP_LEARN_RESOLVED},
		{1, I, 0, 1, 1, 1, 1, VGW_NEIGH_ARP_LEARN_RESOLVED},
		{1, I, 0, 1, 0, 1, 0, VGW_NEIGH_ARP_IGN_NOT_OUR_REQUEST}, /* reply, not to us */
		{1, I, 0, 1, 0, 0, 0, VGW_NEIGH_ARP_IGN_NOT_OUR_REQUEST}, /* gratuitous reply */
		{1, I, 0, 0, 1, 1, 0, VGW_NEIGH_ARP_IGN_NOT_OUR_REQUEST}, /* request for us */
		{1, I, 0, 0, 0, 0, 0, VGW_NEIGH_ARP_IGN_NOT_OUR_REQUEST}, /* gratuitous request */
		/* 4. learned: same MAC refreshes, another is refused */
		{1, R_, 0, 0, 0, 0, 0, VGW_NEIGH_ARP_LEARN_REFRESH},
		{1, R_, 0, 1, 1, 1, 0, VGW_NEIGH_ARP_LEARN_REFRESH},
		{1, S_, 0, 1, 1, 1, 0, VGW_NEIGH_ARP_LEARN_REFRESH},
		{1, S_, 0, 0, 0, 0, 1, VGW_NEIGH_ARP_LEARN_REFRESH},
		{1, R_, 1, 1, 1, 1, 0, VGW_NEIGH_ARP_REFUSE_VERIFY},  /* forged reply to us */
		{1, R_, 1, 0, 0, 0, 0, VGW_NEIGH_ARP_REFUSE_VERIFY},  /* forged gratuitous */
		{1, R_, 1, 0, 0, 1, 0, VGW_NEIGH_ARP_REFUSE_VERIFY},  /* request for us */
		{1, S_, 1, 1, 1, 1, 0, VGW_NEIGH_ARP_REFUSE_VERIFYING},
		{1, S_, 1, 0, 0, 0, 0, VGW_NEIGH_ARP_REFUSE_VERIFYING},
		/* 5. no entry: a request addressed to us creates one below the cap */
		{1, N, 0, 0, 0, 1, 0, VGW_NEIGH_ARP_LEARN_CREATE},
		{1, N, 0, 0, 0, 1, 1, VGW_NEIGH_ARP_IGN_FULL},
		{1, N, 0, 0, 0, 0, 0, VGW_NEIGH_ARP_IGN_UNSOLICITED},
		{1, N, 0, 0, 0, 0, 1, VGW_NEIGH_ARP_IGN_UNSOLICITED},
		{1, N, 0, 1, 1, 1, 0, VGW_NEIGH_ARP_IGN_UNSOLICITED}, /* reply nobody asked for */
		{1, N, 0, 1, 0, 0, 0, VGW_NEIGH_ARP_IGN_UNSOLICITED},
	};
	for (size_t i = 0; i < sizeof(tt) / sizeof(tt[0]); i++) {
		struct vgw_neigh_arp_facts f = {.sender_connected = tt[i].c,
					  .entry = (enum vgw_neigh_arp_entry)tt[i].entry,
					  .mac_differs = tt[i].d, .is_reply = tt[i].r,
					  .to_our_request = tt[i].o, .target_is_us = tt[i].u,
					  .table_full = tt[i].f};
		if (vgw_neigh_arp_learn_decide(&f) != tt[i].want)
			fprintf(stderr, "\n  rule row %zu: got %d want %d\n", i,
				vgw_neigh_arp_learn_decide(&f), tt[i].want);
		ASSERT_EQ(vgw_neigh_arp_learn_decide(&f), tt[i].want);
	}
	/* invariants over every combination of facts */
	for (int e = N; e <= ST; e++)
		for (int b = 0; b < 64; b++) {
			struct vgw_neigh_arp_facts f = {.sender_connected = b & 1,
						  .entry = (enum vgw_neigh_arp_entry)e,
						  .mac_differs = b & 2, .is_reply = b & 4,
						  .to_our_request = b & 8, .target_is_us = b & 16,
						  .table_full = b & 32};
			enum vgw_neigh_arp_learn r = vgw_neigh_arp_learn_decide(&f);
			if (!f.sender_connected)
				ASSERT_EQ(r, VGW_NEIGH_ARP_IGN_NOT_CONNECTED);
			/* the MAC of an entry changes only in the answer to our request */
			if (r == VGW_NEIGH_ARP_LEARN_RESOLVED)
				CU_ASSERT(e == I && f.is_reply && f.to_our_request);
			if (r == VGW_NEIGH_ARP_LEARN_REFRESH)
				CU_ASSERT((e == R_ || e == S_) && !f.mac_differs);
			if (r == VGW_NEIGH_ARP_LEARN_CREATE)
				CU_ASSERT(e == N && !f.is_reply && f.target_is_us && !f.table_full);
			if (f.sender_connected && (e == R_ || e == S_) && f.mac_differs)
				CU_ASSERT(r == VGW_NEIGH_ARP_REFUSE_VERIFY || r == VGW_NEIGH_ARP_REFUSE_VERIFYING);
		}
}

/* ---- neighbour table ---------------------------------------------------- */
static struct vgw_neigh_table *nt_new(uint32_t cap, struct rte_rcu_qsbr *rcu)
{
	memset(sp, 0, sizeof(sp));
	n_tx = 0;
	bad_counter = 0;
	struct vgw_neigh_table *t = vgw_neigh_create(cap, rcu, &ops, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

static void nt_free(struct vgw_neigh_table *t)
{
	vgw_defer_reclaim(); /* deferred index releases point into t */
	vgw_neigh_destroy(t);
	ASSERT_EQ(bad_counter, 0);
	ASSERT_EQ(rte_mempool_avail_count(vgw_gw.pool), pool_full); /* no mbuf leaked */
}

static struct rte_mbuf *arp_frame(uint16_t op, const uint8_t *sha, uint32_t spa, uint32_t tpa,
				  const uint8_t *eth_dst)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(vgw_gw.pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	uint8_t *d = (uint8_t *)rte_pktmbuf_append(m, 60);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	if (!d)
		abort();
	memset(d, 0, 60);
	memcpy(d, eth_dst, 6);
	memcpy(d + 6, sha, 6);
	d[12] = 0x08;
	d[13] = 0x06;
	put_arp(d + 14, op, sha, spa, op == 2 ? eth_dst : ZERO, tpa);
	return m;
}

static void arp_in(struct vgw_neigh_table *t, uint16_t port, uint16_t op, const uint8_t *sha,
		   uint32_t spa, uint32_t tpa, uint64_t now)
{
	vgw_neigh_arp_input(t, port, arp_frame(op, sha, spa, tpa, op == 2 ? MAC0 : BCAST), now);
}

/* Recorded frame i is this ARP: exact bytes. */
static void expect_arp_tx(int i, uint16_t port, const uint8_t *eth_dst, uint16_t op,
			  const uint8_t *tha, uint32_t spa, uint32_t tpa)
{
	CU_ASSERT_FATAL(i < n_tx && i < 64);
	const uint8_t *smac = port ? MAC1 : MAC0;
	uint8_t want[42];
	memcpy(want, eth_dst, 6);
	memcpy(want + 6, smac, 6);
	want[12] = 0x08;
	want[13] = 0x06;
	put_arp(want + 14, op, smac, spa, tha, tpa);
	ASSERT_EQ(txr[i].port, port);
	ASSERT_EQ(txr[i].len, 42);
	ASSERT_EQ(memcmp(txr[i].d, want, 42), 0);
}

static uint64_t mac_word(const uint8_t *m)
{
	uint64_t w = 0;
	for (int i = 0; i < 6; i++)
		w = w << 8 | m[i];
	return w | VGW_NEIGH_MAC_VALID;
}

static void test_arp_reply_and_learn(void)
{
	struct vgw_neigh_table *t = nt_new(16, NULL);
	arp_in(t, 0, 1, HA, A(10, 1, 0, 2), NPORT0, 1000);
	ASSERT_EQ(n_tx, 1);
	expect_arp_tx(0, 0, HA, 2, HA, NPORT0, A(10, 1, 0, 2));
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_RX)], 1);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_REPLY_TX)], 1);
	struct vgw_neigh *n = vgw_neigh_find(t, A(10, 1, 0, 2), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	ASSERT_EQ(n->state, VGW_NEIGH_REACHABLE);
	CU_ASSERT(n->mac == mac_word(HA));
	ASSERT_EQ(n->deadline_ms, 1000 + t->reachable_ms);
	ASSERT_EQ(t->n, 1);
	CU_ASSERT(vgw_neigh_mac(t, A(10, 1, 0, 2), 0) == mac_word(HA));
	ASSERT_EQ(vgw_neigh_mac(t, A(10, 1, 0, 2), 1), 0);
	/* on port 1, the same request is not about port 1's subnet */
	arp_in(t, 1, 1, HA, A(10, 1, 0, 2), NPORT1, 1000);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_SENDER_NOT_CONNECTED)], 1);
	ASSERT_EQ(n_tx, 1);
	/* a reply with the same MAC refreshes; replies are not answered */
	arp_in(t, 0, 2, HA, A(10, 1, 0, 2), NPORT0, 2000);
	ASSERT_EQ(n->deadline_ms, 2000 + t->reachable_ms);
	ASSERT_EQ(n_tx, 1);
	/* a request for someone else: no reply, no entry */
	arp_in(t, 0, 1, HA, A(10, 1, 0, 3), A(10, 1, 0, 77), 2000);
	ASSERT_EQ(n_tx, 1);
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, A(10, 1, 0, 3), 0));
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_UNSOLICITED_IGNORED)], 1);
	/* RFC 5227 probe (sender 0.0.0.0): answered, nothing learnt */
	arp_in(t, 0, 1, HA, 0, NPORT0, 2000);
	ASSERT_EQ(n_tx, 2);
	expect_arp_tx(1, 0, HA, 2, HA, NPORT0, 0);
	ASSERT_EQ(t->n, 1);
	/* malformed */
	struct rte_mbuf *m = arp_frame(1, HA, A(10, 1, 0, 4), NPORT0, BCAST);
	rte_pktmbuf_mtod(m, uint8_t *)[15] = 6; /* htype */
	vgw_neigh_arp_input(t, 0, m, 2000);
	m = arp_frame(1, HA, A(10, 1, 0, 4), NPORT0, BCAST);
	rte_pktmbuf_trim(m, 60 - 41);
	vgw_neigh_arp_input(t, 0, m, 2000);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_BAD)], 2);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_RX)], 7);
	ASSERT_EQ(n_tx, 2);
	/* show neigh through the CLI */
	vgw_neigh_main = t;
	struct vgw_buf out;
	vgw_buf_init(&out);
	ASSERT_EQ(vgw_cli_exec("show neigh", true, &out, err), 0);
	ASSERT_STR(out.data, "{\"neighbors\":[{\"ip\":\"10.1.0.2\",\"mac\":\"02:aa:00:00:00:01\","
			     "\"port\":\"p0\",\"state\":\"reachable\",\"queued\":0}]}\n");
	vgw_buf_free(&out);
	vgw_neigh_main = NULL;
	nt_free(t);
}

static void test_arp_ignored(void)
{
	struct vgw_neigh_table *t = nt_new(16, NULL);
	/* gratuitous reply and request from an unknown address */
	vgw_neigh_arp_input(t, 0, arp_frame(2, HA, A(10, 1, 0, 9), A(10, 1, 0, 9), BCAST), 0);
	arp_in(t, 0, 1, HA, A(10, 1, 0, 9), A(10, 1, 0, 9), 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_UNSOLICITED_IGNORED)], 2);
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, A(10, 1, 0, 9), 0));
	/* senders outside the port's subnets, and our own address */
	arp_in(t, 0, 1, HA, A(192, 0, 2, 1), NPORT0, 0);
	arp_in(t, 0, 1, HA, A(10, 2, 0, 5), NPORT0, 0);
	arp_in(t, 0, 2, HA, NPORT0, NPORT0, 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_SENDER_NOT_CONNECTED)], 3);
	ASSERT_EQ(n_tx, 0);
	ASSERT_EQ(t->n, 0);
	/* static entries: ARP never changes them */
	ASSERT_EQ(vgw_neigh_add_static(t, A(10, 1, 0, 7), HA, err), 0);
	arp_in(t, 0, 2, HB, A(10, 1, 0, 7), NPORT0, 0);
	arp_in(t, 0, 1, HB, A(10, 1, 0, 7), NPORT0, 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_STATIC_PROTECTED)], 2);
	arp_in(t, 0, 2, HA, A(10, 1, 0, 7), NPORT0, 0); /* same MAC: nothing to protect */
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_STATIC_PROTECTED)], 2);
	struct vgw_neigh *n = vgw_neigh_find(t, A(10, 1, 0, 7), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	ASSERT_EQ(n->state, VGW_NEIGH_STATIC);
	CU_ASSERT(vgw_neigh_mac(t, A(10, 1, 0, 7), 0) == mac_word(HA));
	vgw_neigh_tick(t, 1000000000ull); /* never aged */
	CU_ASSERT(vgw_neigh_mac(t, A(10, 1, 0, 7), 0) == mac_word(HA));
	/* static add errors */
	ASSERT_EQ(vgw_neigh_add_static(t, A(192, 0, 2, 1), HA, err), -1);
	ASSERT_STR(err, "192.0.2.1 is not on a connected subnet");
	ASSERT_EQ(vgw_neigh_add_static(t, NPORT1, HA, err), -1);
	ASSERT_STR(err, "10.2.0.1 is an address of port p1");
	ASSERT_EQ(vgw_neigh_add_static(t, A(10, 1, 0, 8), BCAST, err), -1);
	ASSERT_EQ(vgw_neigh_add_static(t, A(10, 1, 0, 8), ZERO, err), -1);
	ASSERT_EQ(vgw_neigh_add_static(t, A(10, 1, 0, 8), (const uint8_t[]){1, 0, 0x5e, 0, 0, 1},
					err), -1);
	ASSERT_EQ(t->n, 1);
	/* static over a dynamic entry; delete */
	arp_in(t, 0, 1, HB, A(10, 1, 0, 2), NPORT0, 0);
	ASSERT_EQ(vgw_neigh_add_static(t, A(10, 1, 0, 2), HA, err), 0);
	ASSERT_EQ(vgw_neigh_find(t, A(10, 1, 0, 2), 0)->state, VGW_NEIGH_STATIC);
	CU_ASSERT(vgw_neigh_mac(t, A(10, 1, 0, 2), 0) == mac_word(HA));
	ASSERT_EQ(vgw_neigh_del(t, A(10, 1, 0, 7), err), 0);
	ASSERT_EQ(vgw_neigh_mac(t, A(10, 1, 0, 7), 0), 0);
	ASSERT_EQ(vgw_neigh_del(t, A(10, 1, 0, 7), err), -1);
	ASSERT_STR(err, "no neighbour 10.1.0.7");
	ASSERT_EQ(t->n, 1);
	nt_free(t);
}

static struct rte_mbuf *ip_frame(uint8_t marker)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(vgw_gw.pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	uint8_t *d = (uint8_t *)rte_pktmbuf_append(m, 64);
	if (!d)
		abort();
	memset(d, 0, 64);
	memcpy(d + 6, MAC0, 6);
	d[12] = 0x08;
	d[40] = marker;
	return m;
}

static void test_cap(void)
{
	struct vgw_neigh_table *t = nt_new(16, NULL);
	for (int i = 0; i < 17; i++)
		arp_in(t, 0, 1, HA, A(10, 1, 0, 10 + i), NPORT0, 0);
	ASSERT_EQ(t->n, 16);
	ASSERT_EQ(n_tx, 17); /* still answered */
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, A(10, 1, 0, 26), 0));
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_TABLE_FULL)], 1);
	vgw_neigh_resolve(t, A(10, 1, 0, 50), 0, ip_frame(1), 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_TABLE_FULL)], 2);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_REQUEST_TX)], 0);
	ASSERT_EQ(vgw_neigh_add_static(t, A(10, 1, 0, 60), HA, err), -1);
	ASSERT_STR(err, "neighbour table full (16 entries)");
	ASSERT_EQ(vgw_neigh_add_static(t, A(10, 1, 0, 10), HB, err), 0); /* existing: fine */
	ASSERT_EQ(vgw_neigh_del(t, A(10, 1, 0, 11), err), 0);
	arp_in(t, 0, 1, HA, A(10, 1, 0, 26), NPORT0, 0);
	CU_ASSERT_PTR_NOT_NULL(vgw_neigh_find(t, A(10, 1, 0, 26), 0));
	ASSERT_EQ(t->n, 16);
	nt_free(t);
}

static void test_resolve_queue(void)
{
	struct vgw_neigh_table *t = nt_new(16, NULL);
	const uint32_t nh = A(10, 1, 0, 5);
	for (int i = 0; i < VGW_NEIGH_QLEN + 3; i++)
		vgw_neigh_resolve(t, nh, 0, ip_frame((uint8_t)i), 100);
	ASSERT_EQ(n_tx, 1);
	expect_arp_tx(0, 0, BCAST, 1, ZERO, NPORT0, nh);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_REQUEST_TX)], 1);
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_QUEUE_FULL)], 3);
	struct vgw_neigh *n = vgw_neigh_find(t, nh, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	ASSERT_EQ(n->state, VGW_NEIGH_INCOMPLETE);
	ASSERT_EQ(n->qlen, VGW_NEIGH_QLEN);
	ASSERT_EQ(vgw_neigh_mac(t, nh, 0), 0);
	/* the answer flushes the queue, in order, with the learned MAC */
	arp_in(t, 0, 2, HB, nh, NPORT0, 200);
	ASSERT_EQ(n_tx, 1 + VGW_NEIGH_QLEN);
	for (int i = 0; i < VGW_NEIGH_QLEN; i++) {
		ASSERT_EQ(txr[1 + i].port, 0);
		ASSERT_EQ(memcmp(txr[1 + i].d, HB, 6), 0);
		ASSERT_EQ(memcmp(txr[1 + i].d + 6, MAC0, 6), 0);
		ASSERT_EQ(txr[1 + i].d[40], i);
	}
	ASSERT_EQ(n->state, VGW_NEIGH_REACHABLE);
	ASSERT_EQ(n->qlen, 0);
	/* resolved meanwhile: sent at once */
	vgw_neigh_resolve(t, nh, 0, ip_frame(77), 300);
	ASSERT_EQ(n_tx, 2 + VGW_NEIGH_QLEN);
	ASSERT_EQ(txr[1 + VGW_NEIGH_QLEN].d[40], 77);
	ASSERT_EQ(memcmp(txr[1 + VGW_NEIGH_QLEN].d, HB, 6), 0);
	/* on port 1 the request comes from port 1's address and MAC */
	vgw_neigh_resolve(t, A(10, 2, 0, 7), 1, ip_frame(1), 300);
	expect_arp_tx(2 + VGW_NEIGH_QLEN, 1, BCAST, 1, ZERO, NPORT1, A(10, 2, 0, 7));
	nt_free(t); /* the queued packet is freed, not leaked */
}

static void test_tick(void)
{
	struct vgw_neigh_table *t = nt_new(16, NULL);
	const uint32_t nh = A(10, 1, 0, 5);
	const uint32_t R = t->retrans_ms;
	vgw_neigh_resolve(t, nh, 0, ip_frame(1), 0);
	vgw_neigh_resolve(t, nh, 0, ip_frame(2), 0);
	ASSERT_EQ(n_tx, 1);
	vgw_neigh_tick(t, R - 1);
	ASSERT_EQ(n_tx, 1);
	uint64_t now = R;
	for (int probe = 2; probe <= t->max_probes; probe++, now += R) {
		vgw_neigh_tick(t, now);
		ASSERT_EQ(n_tx, probe);
		expect_arp_tx(probe - 1, 0, BCAST, 1, ZERO, NPORT0, nh);
		CU_ASSERT_PTR_NOT_NULL(vgw_neigh_find(t, nh, 0));
	}
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_RESOLVE_FAILED)], 0);
	vgw_neigh_tick(t, now);
	ASSERT_EQ(n_tx, t->max_probes); /* max_probes requests in all */
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_REQUEST_TX)], t->max_probes);
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, nh, 0));
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_RESOLVE_FAILED)], 2);
	ASSERT_EQ(t->n, 0);
	ASSERT_EQ(rte_mempool_avail_count(vgw_gw.pool), pool_full);

	/* REACHABLE -> STALE (unicast probes, still usable) -> removed */
	n_tx = 0;
	arp_in(t, 0, 1, HA, A(10, 1, 0, 2), NPORT0, 1000); /* learn + our reply */
	const uint64_t stale_at = 1000 + t->reachable_ms;
	vgw_neigh_tick(t, stale_at - 1);
	ASSERT_EQ(vgw_neigh_find(t, A(10, 1, 0, 2), 0)->state, VGW_NEIGH_REACHABLE);
	ASSERT_EQ(n_tx, 1);
	now = stale_at;
	for (int probe = 1; probe <= t->max_probes; probe++, now += R) {
		vgw_neigh_tick(t, now);
		struct vgw_neigh *n = vgw_neigh_find(t, A(10, 1, 0, 2), 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(n);
		ASSERT_EQ(n->state, VGW_NEIGH_STALE);
		CU_ASSERT(vgw_neigh_mac(t, A(10, 1, 0, 2), 0) == mac_word(HA));
		ASSERT_EQ(n_tx, 1 + probe);
		expect_arp_tx(probe, 0, HA, 1, ZERO, NPORT0, A(10, 1, 0, 2));
	}
	vgw_neigh_tick(t, now);
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, A(10, 1, 0, 2), 0));
	ASSERT_EQ(vgw_neigh_mac(t, A(10, 1, 0, 2), 0), 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_RESOLVE_FAILED)], 2); /* nothing was queued */

	/* a STALE entry that answers is REACHABLE again */
	arp_in(t, 0, 1, HA, A(10, 1, 0, 3), NPORT0, 0);
	vgw_neigh_tick(t, t->reachable_ms);
	ASSERT_EQ(vgw_neigh_find(t, A(10, 1, 0, 3), 0)->state, VGW_NEIGH_STALE);
	arp_in(t, 0, 2, HA, A(10, 1, 0, 3), NPORT0, t->reachable_ms + 10);
	ASSERT_EQ(vgw_neigh_find(t, A(10, 1, 0, 3), 0)->state, VGW_NEIGH_REACHABLE);
	ASSERT_EQ(vgw_neigh_find(t, A(10, 1, 0, 3), 0)->deadline_ms, 2ull * t->reachable_ms + 10);
	nt_free(t);
}

/* An ARP frame with every field chosen: Ethernet destination, op, sender,
 * target hardware and protocol address. */
static struct rte_mbuf *arp_raw(const uint8_t *eth_dst, uint16_t op, const uint8_t *sha,
				uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
	struct rte_mbuf *m = arp_frame(op, sha, spa, tpa, eth_dst);
	put_arp(rte_pktmbuf_mtod(m, uint8_t *) + 14, op, sha, spa, tha, tpa);
	return m;
}

/* Resolves nh on port 0 to mac by our request and its reply, at time now. */
static struct vgw_neigh *resolved(struct vgw_neigh_table *t, uint32_t nh, const uint8_t *mac,
				  uint64_t now)
{
	vgw_neigh_resolve(t, nh, 0, ip_frame(1), now);
	vgw_neigh_arp_input(t, 0, arp_raw(MAC0, 2, mac, nh, MAC0, NPORT0), now);
	struct vgw_neigh *n = vgw_neigh_find(t, nh, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	ASSERT_EQ(n->state, VGW_NEIGH_REACHABLE);
	CU_ASSERT(vgw_neigh_mac(t, nh, 0) == mac_word(mac));
	return n;
}

/* Issue 14 finding 2: a forged reply or gratuitous ARP does not move a learned
 * next hop; the old MAC is verified by unicast and, answering, stays. */
static void test_arp_forged_refused(void)
{
	struct vgw_neigh_table *t = nt_new(16, NULL);
	const uint32_t nh = A(10, 1, 0, 5);
	struct vgw_neigh *n = resolved(t, nh, HA, 100);
	int tx0 = n_tx; /* our request + the flushed packet */
	ASSERT_EQ(tx0, 2);
	/* a forged reply, exactly what the real one looks like */
	vgw_neigh_arp_input(t, 0, arp_raw(MAC0, 2, HB, nh, MAC0, NPORT0), 1000);
	CU_ASSERT(vgw_neigh_mac(t, nh, 0) == mac_word(HA));
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_MAC_CHANGE_REFUSED)], 1);
	ASSERT_EQ(n->state, VGW_NEIGH_STALE); /* still forwarding to HA */
	CU_ASSERT(n->verify);
	/* verification: one unicast probe to the old MAC, at once */
	ASSERT_EQ(n_tx, tx0 + 1);
	expect_arp_tx(tx0, 0, HA, 1, ZERO, NPORT0, nh);
	ASSERT_EQ(n->deadline_ms, 1000 + t->retrans_ms);
	/* a forged gratuitous request and a flood of replies meanwhile: refused,
	 * counted, and no further probe (one verification at a time) */
	vgw_neigh_arp_input(t, 0, arp_raw(BCAST, 1, HB, nh, ZERO, nh), 1100);
	for (int i = 0; i < 50; i++)
		vgw_neigh_arp_input(t, 0, arp_raw(MAC0, 2, HB, nh, MAC0, NPORT0), 1100);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_MAC_CHANGE_REFUSED)], 52);
	ASSERT_EQ(n_tx, tx0 + 1);
	CU_ASSERT(vgw_neigh_mac(t, nh, 0) == mac_word(HA));
	/* the next hop answers the probe: confirmed, REACHABLE */
	vgw_neigh_arp_input(t, 0, arp_raw(MAC0, 2, HA, nh, MAC0, NPORT0), 1200);
	ASSERT_EQ(n->state, VGW_NEIGH_REACHABLE);
	CU_ASSERT(!n->verify);
	ASSERT_EQ(n->deadline_ms, 1200 + t->reachable_ms);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_VERIFY_CONFIRMED)], 1);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_VERIFY_FAILED)], 0);
	/* the tick's retries are over: nothing more is sent before ageing */
	vgw_neigh_tick(t, 1200 + 10ull * t->retrans_ms);
	ASSERT_EQ(n_tx, tx0 + 1);
	/* same-MAC gratuitous ARP refreshes as before */
	vgw_neigh_arp_input(t, 0, arp_raw(BCAST, 1, HA, nh, ZERO, nh), 20000);
	ASSERT_EQ(n->deadline_ms, 20000 + t->reachable_ms);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_MAC_CHANGE_REFUSED)], 52);
	/* a STALE entry (by age) is refused too; the claim marks it for
	 * re-resolution if its probes fail */
	vgw_neigh_tick(t, 20000 + t->reachable_ms);
	ASSERT_EQ(n->state, VGW_NEIGH_STALE);
	CU_ASSERT(!n->verify);
	vgw_neigh_arp_input(t, 0, arp_raw(BCAST, 2, HB, nh, BCAST, nh), 20000 + t->reachable_ms);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_MAC_CHANGE_REFUSED)], 53);
	CU_ASSERT(n->verify);
	CU_ASSERT(vgw_neigh_mac(t, nh, 0) == mac_word(HA));
	nt_free(t);
}

/* The old MAC stays silent: after max_probes unicast probes the entry loses
 * its MAC, is resolved by broadcast, and the reply to that request sets the
 * new MAC. */
static void test_arp_verify_fails(void)
{
	struct vgw_neigh_table *t = nt_new(16, NULL);
	const uint32_t nh = A(10, 1, 0, 5);
	const uint32_t R = t->retrans_ms;
	struct vgw_neigh *n = resolved(t, nh, HA, 0);
	n_tx = 0;
	vgw_neigh_arp_input(t, 0, arp_raw(BCAST, 1, HB, nh, ZERO, nh), 1000);
	ASSERT_EQ(n_tx, 1);
	uint64_t now = 1000 + R;
	for (int probe = 2; probe <= t->max_probes; probe++, now += R) {
		vgw_neigh_tick(t, now);
		ASSERT_EQ(n_tx, probe);
		expect_arp_tx(probe - 1, 0, HA, 1, ZERO, NPORT0, nh);
		CU_ASSERT(vgw_neigh_mac(t, nh, 0) == mac_word(HA));
	}
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_VERIFY_FAILED)], 0);
	vgw_neigh_tick(t, now);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_VERIFY_FAILED)], 1);
	ASSERT_EQ(n->state, VGW_NEIGH_INCOMPLETE);
	ASSERT_EQ(vgw_neigh_mac(t, nh, 0), 0); /* workers punt: packets queue */
	ASSERT_EQ(n_tx, t->max_probes + 1);
	expect_arp_tx(t->max_probes, 0, BCAST, 1, ZERO, NPORT0, nh);
	/* a gratuitous claim still teaches nothing; the reply to us does */
	vgw_neigh_arp_input(t, 0, arp_raw(BCAST, 1, HB, nh, ZERO, nh), now + 10);
	ASSERT_EQ(vgw_neigh_mac(t, nh, 0), 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_INCOMPLETE_IGNORED)], 1);
	vgw_neigh_resolve(t, nh, 0, ip_frame(9), now + 20);
	vgw_neigh_arp_input(t, 0, arp_raw(MAC0, 2, HB, nh, MAC0, NPORT0), now + 30);
	CU_ASSERT(vgw_neigh_mac(t, nh, 0) == mac_word(HB));
	ASSERT_EQ(n->state, VGW_NEIGH_REACHABLE);
	ASSERT_EQ(memcmp(txr[n_tx - 1].d, HB, 6), 0); /* the queued packet, to HB */
	ASSERT_EQ(txr[n_tx - 1].d[40], 9);
	nt_free(t);
}

/* While INCOMPLETE, only a reply to our request (Ethernet destination and
 * tha our MAC, tpa our address) resolves; the first one wins and a later
 * reply with another MAC is refused. */
static void test_arp_incomplete(void)
{
	struct vgw_neigh_table *t = nt_new(16, NULL);
	const uint32_t nh = A(10, 1, 0, 5);
	static const uint8_t HC[6] = {0x02, 0xcc, 0, 0, 0, 3};
	vgw_neigh_resolve(t, nh, 0, ip_frame(1), 0);
	struct vgw_neigh *n = vgw_neigh_find(t, nh, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	struct rte_mbuf *bad[] = {
		arp_raw(BCAST, 1, HB, nh, ZERO, nh),         /* gratuitous request */
		arp_raw(BCAST, 2, HB, nh, BCAST, nh),        /* gratuitous reply */
		arp_raw(BCAST, 1, HB, nh, ZERO, NPORT0),     /* request for us */
		arp_raw(BCAST, 2, HB, nh, MAC0, NPORT0),     /* reply, broadcast frame */
		arp_raw(MAC0, 2, HB, nh, HC, NPORT0),        /* reply to another MAC */
		arp_raw(MAC0, 2, HB, nh, MAC0, A(10, 1, 0, 77)), /* reply for another IP */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		vgw_neigh_arp_input(t, 0, bad[i], 10);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_INCOMPLETE_IGNORED)], 6);
	ASSERT_EQ(n->state, VGW_NEIGH_INCOMPLETE);
	ASSERT_EQ(vgw_neigh_mac(t, nh, 0), 0);
	ASSERT_EQ(n->qlen, 1);
	ASSERT_EQ(n_tx, 2); /* our broadcast request and the reply to "request for us" */
	/* the first reply to our request wins (the race with a forger is
	 * documented in arp.h) */
	vgw_neigh_arp_input(t, 0, arp_raw(MAC0, 2, HA, nh, MAC0, NPORT0), 20);
	CU_ASSERT(vgw_neigh_mac(t, nh, 0) == mac_word(HA));
	ASSERT_EQ(n->qlen, 0);
	vgw_neigh_arp_input(t, 0, arp_raw(MAC0, 2, HB, nh, MAC0, NPORT0), 21);
	CU_ASSERT(vgw_neigh_mac(t, nh, 0) == mac_word(HA));
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_MAC_CHANGE_REFUSED)], 1);
	/* a reply nobody asked for creates no entry, even addressed to us */
	vgw_neigh_arp_input(t, 0, arp_raw(MAC0, 2, HB, A(10, 1, 0, 6), MAC0, NPORT0), 30);
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, A(10, 1, 0, 6), 0));
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_UNSOLICITED_IGNORED)], 1);
	nt_free(t);
}

static bool proxy_eip(uint16_t port, uint32_t ip)
{
	return port == 0 && ip == A(10, 1, 0, 100);
}

/* Malformed ARP, or ARP from an address that is no neighbour, changes
 * nothing and is counted. */
static void test_arp_malformed(void)
{
	struct vgw_neigh_ops o = ops;
	o.proxied = proxy_eip;
	memset(sp, 0, sizeof(sp));
	n_tx = 0;
	struct vgw_neigh_table *t = vgw_neigh_create(16, NULL, &o, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	const uint32_t nh = A(10, 1, 0, 5);
	struct vgw_neigh *n = resolved(t, nh, HA, 0);
	n_tx = 0;
	const uint64_t dl = n->deadline_ms;
	struct {
		int off, len; /* byte to spoil (-1: none), frame length (0: 60) */
		uint8_t v;
		const uint8_t *sha;
	} bad[] = {
		{-1, 41, 0, HB},   /* truncated ARP */
		{-1, 13, 0, HB},   /* short Ethernet */
		{18, 0, 8, HB},    /* hlen 8 */
		{19, 0, 6, HB},    /* plen 6 */
		{21, 0, 9, HB},    /* unknown op */
		{15, 0, 6, HB},    /* htype */
		{-1, 0, 0, BCAST}, /* broadcast sender MAC */
		{-1, 0, 0, ZERO},  /* zero sender MAC */
		{-1, 0, 0, MAC0},  /* our own MAC */
		{-1, 0, 0, (const uint8_t[]){0x01, 0, 0x5e, 0, 0, 1}},
		/* the same-MAC answer with a bad field must not refresh either */
		{18, 0, 7, HA},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rte_mbuf *m = arp_raw(MAC0, 2, bad[i].sha, nh, MAC0, NPORT0);
		if (bad[i].off >= 0)
			rte_pktmbuf_mtod(m, uint8_t *)[bad[i].off] = bad[i].v;
		if (bad[i].len)
			rte_pktmbuf_trim(m, (uint16_t)(60 - bad[i].len));
		vgw_neigh_arp_input(t, 0, m, 5000);
	}
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_BAD)], sizeof(bad) / sizeof(bad[0]));
	CU_ASSERT(vgw_neigh_mac(t, nh, 0) == mac_word(HA));
	ASSERT_EQ(n->state, VGW_NEIGH_REACHABLE);
	ASSERT_EQ(n->deadline_ms, dl);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_MAC_CHANGE_REFUSED)], 0);
	ASSERT_EQ(n_tx, 0);
	/* senders that are no neighbour: the subnet's broadcast and network
	 * addresses, an address the gateway answers for (EIP) */
	arp_in(t, 0, 1, HB, A(10, 1, 0, 255), NPORT0, 5000);
	arp_in(t, 0, 1, HB, A(10, 1, 0, 0), NPORT0, 5000);
	arp_in(t, 0, 1, HB, A(10, 1, 0, 100), NPORT0, 5000);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_SENDER_NOT_CONNECTED)], 3);
	ASSERT_EQ(t->n, 1);
	ASSERT_EQ(n_tx, 0);
	/* the EIP itself is still answered by proxy */
	arp_in(t, 0, 1, HB, A(10, 1, 0, 9), A(10, 1, 0, 100), 5000);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_PROXY_REPLY_TX)], 1);
	nt_free(t);
}

/* Issue 14 finding 4: all queues together hold at most queued_max packets. */
static void test_queue_global_bound(void)
{
	struct vgw_neigh_table *t = nt_new(64, NULL);
	ASSERT_EQ(t->queued_max, VGW_NEIGH_QUEUED_MAX);
	CU_ASSERT(VGW_NEIGH_QUEUED_MAX <= 4096 / 2); /* well inside the spare mbufs */
	t->queued_max = 40;
	/* 4 next hops x 16 packets would be 64 */
	for (int h = 0; h < 4; h++)
		for (int i = 0; i < VGW_NEIGH_QLEN; i++)
			vgw_neigh_resolve(t, A(10, 1, 0, 10 + h), 0, ip_frame((uint8_t)i), 0);
	ASSERT_EQ(t->queued, 40);
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_QUEUE_GLOBAL_FULL)], 24);
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_QUEUE_FULL)], 0);
	ASSERT_EQ(vgw_neigh_find(t, A(10, 1, 0, 12), 0)->qlen, 8);
	ASSERT_EQ(vgw_neigh_find(t, A(10, 1, 0, 13), 0)->qlen, 0);
	ASSERT_EQ(rte_mempool_avail_count(vgw_gw.pool), pool_full - 40);
	/* a reply flushes its queue and frees room */
	vgw_neigh_arp_input(t, 0, arp_raw(MAC0, 2, HA, A(10, 1, 0, 10), MAC0, NPORT0), 10);
	ASSERT_EQ(t->queued, 24);
	vgw_neigh_resolve(t, A(10, 1, 0, 13), 0, ip_frame(1), 10);
	ASSERT_EQ(t->queued, 25);
	/* a resolved next hop sends at once: nothing queued, nothing counted */
	vgw_neigh_resolve(t, A(10, 1, 0, 10), 0, ip_frame(1), 10);
	ASSERT_EQ(t->queued, 25);
	/* failed resolutions give their share back */
	for (uint64_t now = t->retrans_ms; now <= 10ull * t->retrans_ms; now += t->retrans_ms)
		vgw_neigh_tick(t, now);
	ASSERT_EQ(t->queued, 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_RESOLVE_FAILED)], 25);
	ASSERT_EQ(t->n, 1);
	nt_free(t);
}

/* add/delete many times more than the table holds */
static int churn(struct vgw_neigh_table *t, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		uint32_t ip = A(10, 1, 0, 2 + i % 200);
		if (vgw_neigh_add_static(t, ip, HA, err) != 0 || vgw_neigh_del(t, ip, err) != 0)
			return i;
		vgw_defer_reclaim();
	}
	return rounds;
}

static void test_churn(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(1);
	struct rte_rcu_qsbr *rcu = rte_zmalloc("unit_rcu", sz, RTE_CACHE_LINE_SIZE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rcu);
	ASSERT_EQ(rte_rcu_qsbr_init(rcu, 1), 0);
	struct vgw_neigh_table *t = nt_new(4, rcu);
	ASSERT_EQ(churn(t, 1000), 1000);
	nt_free(t);
	rte_free(rcu);
}

/* The same without an RCU variable, which vgw_neigh_create accepts. */
static void test_churn_no_rcu(void)
{
	struct vgw_neigh_table *t = nt_new(4, NULL);
	int done = churn(t, 1000);
	if (done != 1000)
		fprintf(stderr, "\n  rcu NULL: add #%d failed with t->n=%u: %s\n", done + 1, t->n, err);
	ASSERT_EQ(done, 1000);
	nt_free(t);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"ARP parse/build", test_arp_pure},
		{"ARP learning rules (pure)", test_arp_rules},
		{"ARP reply and learning", test_arp_reply_and_learn},
		{"ARP ignored and static entries", test_arp_ignored},
		{"neighbour table cap", test_cap},
		{"resolution queue", test_resolve_queue},
		{"timers: incomplete, stale", test_tick},
		{"forged ARP does not move a learned next hop", test_arp_forged_refused},
		{"verification fails: resolved again by broadcast", test_arp_verify_fails},
		{"incomplete: only the reply to our request", test_arp_incomplete},
		{"malformed ARP changes nothing", test_arp_malformed},
		{"global bound on queued packets", test_queue_global_bound},
		{"neighbour churn (RCU)", test_churn},
		{"neighbour churn (rcu NULL)", test_churn_no_rcu},
	};
	return unit_eal_run("neigh", tests, sizeof(tests) / sizeof(tests[0]));
}
