/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_handoff.c - the data path's handoff between workers (lib/dp/handoff_dp.c)
 * on the stub worker of dp_fixture.h and a second worker made here, with
 * rings of 4 slots (3 usable). Proves:
 *  - kinds are given out from 1, a name registered again keeps its kind,
 *    and a full table answers -1;
 *  - a handed-off packet reaches its owner's drain with the kind's out, the
 *    sender's arg and receiving port, counted in the owner's handoff_in of
 *    its kind only; a fixup that consumes it ends it there;
 *  - a full ring drops on the sender, handoff_ring_full on the receiving
 *    port, and frees the packet.
 */
#include "dp_fixture.h"
#include "dp/handoff.h"

/* what the fixup saw; it frees every packet (returns false) */
static struct {
	unsigned int n;
	struct vgw_pkt p;
	unsigned int worker;
} seen;

static bool fixup_consume(struct vgw_worker *w, struct rte_mbuf *m, struct vgw_pkt *p)
{
	seen.n++;
	seen.p = *p;
	seen.worker = w->idx;
	rte_pktmbuf_free(m);
	return false;
}

static int ka, kb;

static void t_kinds(void)
{
	ka = vgw_dp_handoff_kind("test-a", VGW_STAGE_IP4_LOCAL, 7, fixup_consume);
	kb = vgw_dp_handoff_kind("test-b", VGW_STAGE_IP4_LOCAL, 9, fixup_consume);
	/* after the kinds the fixture's modules registered (snat's) */
	CU_ASSERT(ka >= 1);
	ASSERT_EQ(kb, ka + 1);
	ASSERT_EQ(vgw_dp_handoff_kind("test-a", VGW_STAGE_IP4_LOCAL, 7, fixup_consume), ka);
}

/* worker 1, and rings both ways of 4 slots; one_worker() undoes it */
static struct rte_ring *ring01, *ring10;
static void two_workers(void)
{
	vgw_gw.n_workers = 2;
	vgw_gw.workers[1].idx = 1;
	ring01 = rte_ring_create("t_ho0_1", 4, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	ring10 = rte_ring_create("t_ho1_0", 4, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	vgw_gw.workers[0].handoff[1] = ring01;
	vgw_gw.workers[1].handoff[0] = ring10;
}

static void one_worker(void)
{
	vgw_gw.workers[0].handoff[1] = vgw_gw.workers[1].handoff[0] = NULL;
	rte_ring_free(ring01);
	rte_ring_free(ring10);
	vgw_gw.n_workers = 1;
}

static void t_handoff_and_drain(void)
{
	two_workers();
	struct vgw_worker *w0 = &vgw_gw.workers[0], *w1 = &vgw_gw.workers[1];
	uint64_t in_a = w0->handoff_in[ka], in_b = w0->handoff_in[kb];
	memset(&seen, 0, sizeof(seen));
	struct rte_mbuf *m = rte_pktmbuf_alloc(vgw_gw.pool);
	ASSERT_EQ(m != NULL, true);
	vgw_dp_handoff(w1, 1, m, 0, (uint8_t)kb, 0xabcdef);
	ASSERT_EQ(rte_ring_count(ring10), 1);
	ASSERT_EQ(vgw_dp_handoff_drain(w0), 1);
	ASSERT_EQ(seen.n, 1);
	ASSERT_EQ(seen.worker, 0);
	ASSERT_EQ(seen.p.out, 9);
	ASSERT_EQ(seen.p.arg, 0xabcdef);
	ASSERT_EQ(seen.p.in_port, 1);
	ASSERT_EQ(w0->handoff_in[kb], in_b + 1);
	ASSERT_EQ(w0->handoff_in[ka], in_a);
	ASSERT_EQ(vgw_dp_handoff_drain(w0), 0);
	one_worker();
	dp_fixture_clean();
	ASSERT_EQ(rte_mempool_avail_count(vgw_gw.pool), dp_pool_full);
}

static void t_ring_full(void)
{
	two_workers();
	struct vgw_worker *w0 = &vgw_gw.workers[0], *w1 = &vgw_gw.workers[1];
	uint64_t full = w1->stats[0].drop[VGW_DROP_HANDOFF_RING_FULL];
	for (int i = 0; i < 4; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(vgw_gw.pool);
		ASSERT_EQ(m != NULL, true);
		vgw_dp_handoff(w1, 0, m, 0, (uint8_t)ka, 0);
	}
	ASSERT_EQ(rte_ring_count(ring10), 3);
	ASSERT_EQ(w1->stats[0].drop[VGW_DROP_HANDOFF_RING_FULL], full + 1);
	memset(&seen, 0, sizeof(seen));
	ASSERT_EQ(vgw_dp_handoff_drain(w0), 3);
	ASSERT_EQ(seen.n, 3);
	one_worker();
	dp_fixture_clean();
	ASSERT_EQ(rte_mempool_avail_count(vgw_gw.pool), dp_pool_full);
}

/* last: fills the table */
static void t_table_full(void)
{
	int k = 0;
	static char names[VGW_HANDOFF_KINDS][16]; /* kept by the table */
	for (int i = 0; i < VGW_HANDOFF_KINDS && k >= 0; i++) {
		snprintf(names[i], sizeof(names[i]), "fill-%d", i);
		k = vgw_dp_handoff_kind(names[i], VGW_STAGE_IP4_LOCAL, 0, NULL);
	}
	ASSERT_EQ(k, -1);
	/* those already in keep their kinds */
	ASSERT_EQ(vgw_dp_handoff_kind("test-b", VGW_STAGE_IP4_LOCAL, 9, fixup_consume), kb);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"kinds from 1, the same name keeps its kind", t_kinds},
		{"handed off, drained by the owner with out, arg, port; counted per kind",
		 t_handoff_and_drain},
		{"a full ring drops on the sender (handoff_ring_full)", t_ring_full},
		{"a full kind table answers -1", t_table_full},
	};
	return dp_fixture_run("handoff", tests, sizeof(tests) / sizeof(tests[0]), NULL, 0);
}
