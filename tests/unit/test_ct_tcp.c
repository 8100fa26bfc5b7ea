/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ct_tcp.c - the TCP connection tracker (lib/ct/ct_tcp.c): handshake,
 * both close orders, RST inside and outside the window (with and without
 * window scaling, across sequence wrap), SYN-SENT refusals, mid-flow pickup,
 * 4-tuple reuse, and the header parser.
 */
#include "ct/ct_tcp.h"
#include "unit.h"

#define O VGW_CT_ORIG
#define R VGW_CT_REPLY
#define S VGW_CT_TCP_SYN
#define A VGW_CT_TCP_ACK
#define F VGW_CT_TCP_FIN
#define RST VGW_CT_TCP_RST

static struct vgw_ct_tcp_seg seg(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
				 uint32_t len)
{
	return (struct vgw_ct_tcp_seg){.flags = flags, .seq = seq, .ack = ack, .win = win,
				    .wscale = -1, .len = len};
}

static enum vgw_ct_tcp_verdict up(struct vgw_ct_tcp *c, enum vgw_ct_dir d, struct vgw_ct_tcp_seg s)
{
	return vgw_ct_tcp_update(c, d, &s);
}

/* client ISN ci, server ISN si; returns an ESTABLISHED tracker */
static void handshake(struct vgw_ct_tcp *c, uint32_t ci, uint32_t si, int8_t cws, int8_t sws)
{
	struct vgw_ct_tcp_seg syn = seg(S, ci, 0, 64240, 0);
	syn.wscale = cws;
	vgw_ct_tcp_init(c, &syn);
	ASSERT_EQ(c->state, VGW_CT_TCP_SYN_SENT);
	struct vgw_ct_tcp_seg sa = seg(S | A, si, ci + 1, 65160, 0);
	sa.wscale = sws;
	ASSERT_EQ(up(c, R, sa), VGW_CT_TCP_OK);
	ASSERT_EQ(c->state, VGW_CT_TCP_SYN_RECV);
	CU_ASSERT(!c->confirmed); /* a SYN-ACK to a spoofed SYN looks the same */
	ASSERT_EQ(up(c, O, seg(A, ci + 1, si + 1, 502, 0)), VGW_CT_TCP_OK);
	ASSERT_EQ(c->state, VGW_CT_TCP_ESTABLISHED);
	CU_ASSERT(c->confirmed);
}

/* Issue 14: what confirms an entry, and what a blind spoofer can't fake. */
static void test_confirmation(void)
{
	struct vgw_ct_tcp c;
	/* a SYN-ACK that acknowledges another ISN teaches nothing */
	struct vgw_ct_tcp_seg syn = seg(S, 1000, 0, 64240, 0);
	vgw_ct_tcp_init(&c, &syn);
	ASSERT_EQ(up(&c, R, seg(S | A, 5000, 4242, 65160, 0)), VGW_CT_TCP_ACK_INVALID);
	ASSERT_EQ(c.state, VGW_CT_TCP_SYN_SENT);
	ASSERT_EQ(up(&c, R, seg(S | A, 5000, 1001, 65160, 0)), VGW_CT_TCP_OK);
	ASSERT_EQ(c.state, VGW_CT_TCP_SYN_RECV);
	/* the third ACK must acknowledge the server's ISN */
	ASSERT_EQ(up(&c, O, seg(A, 1001, 5002, 502, 0)), VGW_CT_TCP_ACK_INVALID);
	ASSERT_EQ(c.state, VGW_CT_TCP_SYN_RECV);
	CU_ASSERT(!c.confirmed);
	ASSERT_EQ(up(&c, O, seg(A, 1001, 5001, 502, 0)), VGW_CT_TCP_OK);
	CU_ASSERT(c.confirmed && c.state == VGW_CT_TCP_ESTABLISHED);
	/* pickup: the backend's RST (no ACK: the answer to a spoofed ACK) and
	 * the client's own segments never confirm; an ACK from the backend does */
	struct vgw_ct_tcp_seg mid = seg(A, 123456, 999, 500, 0);
	vgw_ct_tcp_init(&c, &mid);
	CU_ASSERT(c.pickup && !c.confirmed);
	up(&c, O, seg(A, 123456, 999, 500, 10));
	up(&c, R, seg(RST, 999, 0, 0, 0));
	CU_ASSERT(!c.confirmed);
	vgw_ct_tcp_init(&c, &mid);
	up(&c, R, seg(A, 999, 123456, 500, 0));
	CU_ASSERT(c.confirmed);
}

static void test_lifecycle_client_closes(void)
{
	struct vgw_ct_tcp c;
	handshake(&c, 1000, 5000, 7, 7);
	up(&c, O, seg(A, 1001, 5001, 502, 100));
	up(&c, R, seg(A, 5001, 1101, 509, 2000));
	ASSERT_EQ(c.state, VGW_CT_TCP_ESTABLISHED);
	up(&c, O, seg(F | A, 1101, 7001, 502, 0));
	ASSERT_EQ(c.state, VGW_CT_TCP_FIN_WAIT);
	/* the server acks the client's FIN and sends its own in one segment:
	 * not over yet, its FIN is unacknowledged */
	up(&c, R, seg(F | A, 7001, 1102, 509, 0));
	ASSERT_EQ(c.state, VGW_CT_TCP_LAST_ACK);
	up(&c, O, seg(A, 1102, 7002, 502, 0));
	ASSERT_EQ(c.state, VGW_CT_TCP_TIME_WAIT);
	ASSERT_STR(vgw_ct_tcp_state_name(c.state), "time_wait");
}

static void test_lifecycle_server_closes(void)
{
	struct vgw_ct_tcp c;
	handshake(&c, 0xfffffff0u, 77, -1, -1); /* the client's sequence wraps */
	up(&c, O, seg(A, 0xfffffff1u, 78, 502, 40)); /* seq wraps to 0x19 */
	up(&c, R, seg(F | A, 78, 0x19, 509, 0));
	ASSERT_EQ(c.state, VGW_CT_TCP_FIN_WAIT);
	up(&c, O, seg(A, 0x19, 79, 502, 0)); /* acks the server's FIN */
	ASSERT_EQ(c.state, VGW_CT_TCP_FIN_WAIT);
	up(&c, O, seg(F | A, 0x19, 79, 502, 0));
	ASSERT_EQ(c.state, VGW_CT_TCP_LAST_ACK);
	up(&c, R, seg(A, 79, 0x1a, 509, 0));
	ASSERT_EQ(c.state, VGW_CT_TCP_TIME_WAIT);
}

static void test_rst_window(void)
{
	struct vgw_ct_tcp c;
	handshake(&c, 1000, 5000, -1, -1);
	up(&c, R, seg(A, 5001, 1001, 30000, 0)); /* server window 30000 */
	/* far outside the server's window: ignored, entry kept */
	ASSERT_EQ(up(&c, O, seg(RST, 1001 + 10000000, 0, 0, 0)), VGW_CT_TCP_RST_IGNORED);
	ASSERT_EQ(c.state, VGW_CT_TCP_ESTABLISHED);
	ASSERT_EQ(up(&c, O, seg(RST, 1001 - 70000, 0, 0, 0)), VGW_CT_TCP_RST_IGNORED);
	ASSERT_EQ(c.state, VGW_CT_TCP_ESTABLISHED);
	/* inside it: honoured */
	ASSERT_EQ(up(&c, O, seg(RST, 1001 + 20000, 0, 0, 0)), VGW_CT_TCP_OK);
	ASSERT_EQ(c.state, VGW_CT_TCP_CLOSE);
}

static void test_rst_scaled_window(void)
{
	/* both SYNs offer scale 7: the server's raw window 512 means 65536 */
	struct vgw_ct_tcp c;
	handshake(&c, 1000, 5000, 7, 7);
	up(&c, R, seg(A, 5001, 1001, 4000, 0)); /* 4000 << 7 = 512000 */
	ASSERT_EQ(up(&c, O, seg(RST, 1001 + 400000, 0, 0, 0)), VGW_CT_TCP_OK);
	ASSERT_EQ(c.state, VGW_CT_TCP_CLOSE);
	/* only the client offered scaling: windows are not scaled */
	handshake(&c, 1000, 5000, 7, -1);
	up(&c, R, seg(A, 5001, 1001, 4000, 0));
	ASSERT_EQ(up(&c, O, seg(RST, 1001 + 400000, 0, 0, 0)), VGW_CT_TCP_RST_IGNORED);
	ASSERT_EQ(c.state, VGW_CT_TCP_ESTABLISHED);
}

static void test_syn_sent_rst(void)
{
	struct vgw_ct_tcp c;
	struct vgw_ct_tcp_seg syn = seg(S, 1000, 0, 64240, 0);
	vgw_ct_tcp_init(&c, &syn);
	/* a backend refusing: RST+ACK of the SYN */
	ASSERT_EQ(up(&c, R, seg(RST | A, 0, 1002, 0, 0)), VGW_CT_TCP_RST_IGNORED); /* wrong ack */
	ASSERT_EQ(up(&c, R, seg(RST, 0, 0, 0, 0)), VGW_CT_TCP_RST_IGNORED);        /* no ack */
	ASSERT_EQ(c.state, VGW_CT_TCP_SYN_SENT);
	ASSERT_EQ(up(&c, R, seg(RST | A, 0, 1001, 0, 0)), VGW_CT_TCP_OK);
	ASSERT_EQ(c.state, VGW_CT_TCP_CLOSE);
	/* SYN retransmission keeps SYN_SENT */
	vgw_ct_tcp_init(&c, &syn);
	up(&c, O, syn);
	ASSERT_EQ(c.state, VGW_CT_TCP_SYN_SENT);
}

static void test_pickup_and_reuse(void)
{
	struct vgw_ct_tcp c;
	struct vgw_ct_tcp_seg mid = seg(A, 123456, 999, 500, 10);
	vgw_ct_tcp_init(&c, &mid);
	ASSERT_EQ(c.state, VGW_CT_TCP_ESTABLISHED);
	up(&c, R, seg(A, 999, 123466, 500, 0));
	ASSERT_EQ(c.state, VGW_CT_TCP_ESTABLISHED);
	/* a picked-up FIN */
	struct vgw_ct_tcp_seg fin = seg(F | A, 5, 6, 500, 0);
	vgw_ct_tcp_init(&c, &fin);
	ASSERT_EQ(c.state, VGW_CT_TCP_FIN_WAIT);
	/* TIME_WAIT, then the client reuses the 4-tuple */
	handshake(&c, 1, 2, -1, -1);
	up(&c, O, seg(F | A, 2, 3, 500, 0));
	up(&c, R, seg(F | A, 3, 3, 500, 0));
	up(&c, O, seg(A, 3, 4, 500, 0));
	ASSERT_EQ(c.state, VGW_CT_TCP_TIME_WAIT);
	ASSERT_EQ(up(&c, O, seg(S, 90000, 0, 64240, 0)), VGW_CT_TCP_OK);
	ASSERT_EQ(c.state, VGW_CT_TCP_SYN_SENT);
	/* a SYN in ESTABLISHED does not reset the entry */
	handshake(&c, 1, 2, -1, -1);
	up(&c, O, seg(S, 777, 0, 100, 0));
	ASSERT_EQ(c.state, VGW_CT_TCP_ESTABLISHED);
}

static void test_parse(void)
{
	/* SYN with MSS, SACK-permitted, timestamps, NOP, window scale 7 */
	uint8_t h[40] = {0x9c, 0x40, 0x00, 0x50, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0xa0, S, 0xfa, 0xf0,
			 0, 0, 0, 0, 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0,
			 1, 3, 3, 7};
	struct vgw_ct_tcp_seg s;
	ASSERT_EQ(vgw_ct_tcp_seg_parse(h, 40, 40, &s), 0);
	ASSERT_EQ(s.seq, 1000);
	ASSERT_EQ(s.flags, S);
	ASSERT_EQ(s.win, 0xfaf0);
	ASSERT_EQ(s.len, 0);
	ASSERT_EQ(s.wscale, 7);
	h[39] = 20; /* RFC 7323: shifts above 14 are taken as 14 */
	ASSERT_EQ(vgw_ct_tcp_seg_parse(h, 40, 40, &s), 0);
	ASSERT_EQ(s.wscale, 14);
	h[37] = 40; /* an option running past the header: ignored, no overread */
	ASSERT_EQ(vgw_ct_tcp_seg_parse(h, 40, 40, &s), 0);
	ASSERT_EQ(s.wscale, -1);
	ASSERT_EQ(vgw_ct_tcp_seg_parse(h, 19, 19, &s), -1);  /* short */
	ASSERT_EQ(vgw_ct_tcp_seg_parse(h, 40, 30, &s), -1);  /* data offset past the segment */
	h[12] = 0x40;                                      /* data offset 16 */
	ASSERT_EQ(vgw_ct_tcp_seg_parse(h, 40, 40, &s), -1);
	h[12] = 0x50;
	ASSERT_EQ(vgw_ct_tcp_seg_parse(h, 40, 40, &s), 0);
	ASSERT_EQ(s.len, 20);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"handshake, client closes, TIME_WAIT after the last ACK",
		 test_lifecycle_client_closes},
		{"server closes first, sequence wrap", test_lifecycle_server_closes},
		{"RST outside the window ignored, inside honoured", test_rst_window},
		{"RST window with and without RFC 7323 scaling", test_rst_scaled_window},
		{"SYN_SENT: RST must acknowledge the SYN", test_syn_sent_rst},
		{"mid-flow pickup, 4-tuple reuse after TIME_WAIT", test_pickup_and_reuse},
		{"TCP header parser", test_parse},
		{"confirmation: handshake ACK of the ISN, backend ACK of a pickup", test_confirmation},
	};
	return unit_run("ct-tcp", tests, sizeof(tests) / sizeof(tests[0]));
}
