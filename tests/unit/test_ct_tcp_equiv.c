/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ct_tcp_equiv.c - the 24-byte TCP tracker (lib/ct/ct_tcp.c) decides
 * exactly as the 44-byte one it replaced: the previous implementation is
 * kept here as a reference model (32-bit scaled maximum windows, one byte a
 * flag) and both are fed the same random segment sequences — handshakes,
 * window scaling on either side or both, data, FINs, RSTs in and out of the
 * window, 4-tuple reuse, garbage — comparing the verdict and every field
 * after each segment, the largest window as vgw_ct_tcp_maxwin() gives it.
 */
#include "ct/ct_tcp.h"
#include "unit.h"

/* ---- reference: lib/ct/ct_tcp.c before the entry became one cache line ---- */

struct ref_side {
	uint32_t end, maxwin;
	uint8_t wscale;
	bool wscale_seen, seen, fin, fin_acked;
	uint32_t fin_end;
};

struct ref_tcp {
	uint8_t state;
	bool scaled, pickup, confirmed;
	struct ref_side s[2];
};

static uint32_t seg_end(const struct vgw_ct_tcp_seg *s)
{
	return s->seq + s->len + !!(s->flags & VGW_CT_TCP_SYN) + !!(s->flags & VGW_CT_TCP_FIN);
}

static bool after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static void ref_note_sent(struct ref_tcp *c, enum vgw_ct_dir d, const struct vgw_ct_tcp_seg *s)
{
	struct ref_side *me = &c->s[d];
	uint32_t e = seg_end(s);
	if (!me->seen || after(e, me->end))
		me->end = e;
	uint32_t win = s->win;
	if (!(s->flags & VGW_CT_TCP_SYN) && c->scaled)
		win <<= me->wscale;
	if (win > me->maxwin)
		me->maxwin = win;
	me->seen = true;
}

static void ref_init(struct ref_tcp *c, const struct vgw_ct_tcp_seg *seg)
{
	memset(c, 0, sizeof(*c));
	c->state = (seg->flags & VGW_CT_TCP_SYN) ? VGW_CT_TCP_SYN_SENT : VGW_CT_TCP_ESTABLISHED;
	c->pickup = !(seg->flags & VGW_CT_TCP_SYN);
	if (seg->flags & VGW_CT_TCP_SYN) {
		c->s[VGW_CT_ORIG].wscale = seg->wscale >= 0 ? (uint8_t)seg->wscale : 0;
		c->s[VGW_CT_ORIG].wscale_seen = seg->wscale >= 0;
	}
	ref_note_sent(c, VGW_CT_ORIG, seg);
	if (seg->flags & VGW_CT_TCP_SYN)
		c->s[VGW_CT_ORIG].maxwin = seg->win;
	if (!(seg->flags & VGW_CT_TCP_SYN) && (seg->flags & VGW_CT_TCP_FIN)) {
		c->s[VGW_CT_ORIG].fin = true;
		c->s[VGW_CT_ORIG].fin_end = seg_end(seg);
		c->state = VGW_CT_TCP_FIN_WAIT;
	}
	if (seg->flags & VGW_CT_TCP_RST)
		c->state = VGW_CT_TCP_CLOSE;
}

static bool ref_rst_acceptable(const struct ref_tcp *c, enum vgw_ct_dir d,
			       const struct vgw_ct_tcp_seg *s)
{
	const struct ref_side *me = &c->s[d], *peer = &c->s[!d];
	if (c->state == VGW_CT_TCP_SYN_SENT && d == VGW_CT_REPLY)
		return (s->flags & VGW_CT_TCP_ACK) && s->ack == peer->end;
	if (!me->seen)
		return (s->flags & VGW_CT_TCP_ACK) && s->ack == peer->end;
	uint32_t win = peer->seen && peer->maxwin ? peer->maxwin : 65535;
	int64_t off = (int32_t)(s->seq - me->end);
	return off >= -(int64_t)win && off <= (int64_t)win;
}

static enum vgw_ct_tcp_verdict ref_update(struct ref_tcp *c, enum vgw_ct_dir d,
					  const struct vgw_ct_tcp_seg *s)
{
	if (s->flags & VGW_CT_TCP_RST) {
		if (!ref_rst_acceptable(c, d, s))
			return VGW_CT_TCP_RST_IGNORED;
		c->state = VGW_CT_TCP_CLOSE;
		return VGW_CT_TCP_OK;
	}
	if ((s->flags & (VGW_CT_TCP_SYN | VGW_CT_TCP_ACK)) == VGW_CT_TCP_SYN && d == VGW_CT_ORIG &&
	    (c->state == VGW_CT_TCP_TIME_WAIT || c->state == VGW_CT_TCP_CLOSE)) {
		ref_init(c, s);
		return VGW_CT_TCP_OK;
	}
	if (s->flags & VGW_CT_TCP_SYN) {
		bool synack = d == VGW_CT_REPLY && (s->flags & VGW_CT_TCP_ACK);
		if (synack && c->state == VGW_CT_TCP_SYN_SENT && s->ack != c->s[VGW_CT_ORIG].end)
			return VGW_CT_TCP_ACK_INVALID;
		if (synack && c->state == VGW_CT_TCP_SYN_SENT) {
			c->s[VGW_CT_REPLY].wscale = s->wscale >= 0 ? (uint8_t)s->wscale : 0;
			c->s[VGW_CT_REPLY].wscale_seen = s->wscale >= 0;
			c->scaled = s->wscale >= 0 && c->s[VGW_CT_ORIG].wscale_seen;
			c->state = VGW_CT_TCP_SYN_RECV;
		}
		ref_note_sent(c, d, s);
		return VGW_CT_TCP_OK;
	}
	enum vgw_ct_tcp_verdict v = VGW_CT_TCP_OK;
	if (c->state == VGW_CT_TCP_SYN_RECV && d == VGW_CT_ORIG && (s->flags & VGW_CT_TCP_ACK)) {
		if (s->ack == c->s[VGW_CT_REPLY].end) {
			c->state = VGW_CT_TCP_ESTABLISHED;
			c->confirmed = true;
		} else {
			v = VGW_CT_TCP_ACK_INVALID;
		}
	}
	if (c->pickup && d == VGW_CT_REPLY && (s->flags & VGW_CT_TCP_ACK))
		c->confirmed = true;
	ref_note_sent(c, d, s);
	if (s->flags & VGW_CT_TCP_FIN) {
		if (!c->s[d].fin) {
			c->s[d].fin = true;
			c->s[d].fin_end = seg_end(s);
		}
		if (c->state <= VGW_CT_TCP_ESTABLISHED)
			c->state = VGW_CT_TCP_FIN_WAIT;
	}
	struct ref_side *peer = &c->s[!d];
	if (peer->fin && (s->flags & VGW_CT_TCP_ACK) && !after(peer->fin_end, s->ack))
		peer->fin_acked = true;
	if (c->s[0].fin && c->s[1].fin && c->state == VGW_CT_TCP_FIN_WAIT)
		c->state = VGW_CT_TCP_LAST_ACK;
	if (c->state == VGW_CT_TCP_LAST_ACK && c->s[0].fin_acked && c->s[1].fin_acked)
		c->state = VGW_CT_TCP_TIME_WAIT;
	return v;
}

/* ---- the comparison ---- */

static unsigned int mismatches;

static void same(const struct vgw_ct_tcp *c, const struct ref_tcp *r, const char *what)
{
	bool ok = c->state == r->state && c->scaled == r->scaled && c->pickup == r->pickup &&
		  c->confirmed == r->confirmed;
	for (int d = 0; d < 2; d++) {
		const struct vgw_ct_tcp_side *a = &c->s[d];
		const struct ref_side *b = &r->s[d];
		ok = ok && a->end == b->end && vgw_ct_tcp_maxwin(c, (enum vgw_ct_dir)d) == b->maxwin &&
		     a->wscale == b->wscale && a->wscale_seen == b->wscale_seen &&
		     a->seen == b->seen && a->fin == b->fin && a->fin_acked == b->fin_acked &&
		     a->fin_end == b->fin_end;
	}
	if (!ok && mismatches++ < 5)
		fprintf(stderr, "\n  differs after %s: state %u/%u maxwin %u/%u %u/%u\n", what,
			c->state, r->state, vgw_ct_tcp_maxwin(c, VGW_CT_ORIG), r->s[0].maxwin,
			vgw_ct_tcp_maxwin(c, VGW_CT_REPLY), r->s[1].maxwin);
	CU_ASSERT(ok);
}

static uint32_t near(uint32_t x)
{
	switch (unit_rand() % 4) {
	case 0: return x;
	case 1: return x + unit_rand() % 4 - 2;
	case 2: return x + unit_rand() % 200000 - 100000;
	default: return unit_rand();
	}
}

/* A segment in direction d: mostly plausible (sequence near what the side
 * sent, ack near what the peer sent), sometimes anything. */
static struct vgw_ct_tcp_seg rand_seg(const struct ref_tcp *r, enum vgw_ct_dir d)
{
	static const uint8_t flags[] = {
		VGW_CT_TCP_SYN, VGW_CT_TCP_SYN | VGW_CT_TCP_ACK, VGW_CT_TCP_ACK, VGW_CT_TCP_ACK,
		VGW_CT_TCP_ACK, VGW_CT_TCP_FIN | VGW_CT_TCP_ACK, VGW_CT_TCP_FIN, VGW_CT_TCP_RST,
		VGW_CT_TCP_RST | VGW_CT_TCP_ACK,
		0,
	};
	struct vgw_ct_tcp_seg s = {0};
	s.flags = unit_rand() % 16 ? flags[unit_rand() % sizeof(flags)] : (uint8_t)unit_rand();
	s.seq = near(r->s[d].end);
	s.ack = near(r->s[!d].end);
	static const uint16_t wins[] = {0, 1, 512, 4000, 29200, 64240, 65535};
	s.win = unit_rand() % 2 ? wins[unit_rand() % 7] : (uint16_t)unit_rand();
	s.wscale = -1;
	if (s.flags & VGW_CT_TCP_SYN)
		s.wscale = unit_rand() % 3 ? (int8_t)(unit_rand() % 15) : -1;
	s.len = unit_rand() % 3 ? 0 : unit_rand() % 3000;
	return s;
}

static void test_equivalent(void)
{
	for (int seq = 0; seq < 200000; seq++) {
		struct vgw_ct_tcp c;
		struct ref_tcp r;
		struct ref_tcp zero = {0};
		struct vgw_ct_tcp_seg first = rand_seg(&zero, VGW_CT_ORIG);
		if (unit_rand() % 2) /* mostly a handshake first */
			first.flags = VGW_CT_TCP_SYN;
		vgw_ct_tcp_init(&c, &first);
		ref_init(&r, &first);
		same(&c, &r, "init");
		int n = 1 + (int)(unit_rand() % 24);
		for (int k = 0; k < n; k++) {
			enum vgw_ct_dir d = (enum vgw_ct_dir)(unit_rand() % 2);
			struct vgw_ct_tcp_seg s = rand_seg(&r, d);
			ASSERT_EQ(vgw_ct_tcp_update(&c, d, &s), ref_update(&r, d, &s));
			same(&c, &r, "update");
		}
	}
	ASSERT_EQ(mismatches, 0);
}

/* The widest window: 65535 << 14, the largest a maxwin can hold. */
static void test_widest_window(void)
{
	struct vgw_ct_tcp c;
	struct vgw_ct_tcp_seg syn = {.flags = VGW_CT_TCP_SYN, .seq = 1, .win = 65535, .wscale = 14};
	vgw_ct_tcp_init(&c, &syn);
	struct vgw_ct_tcp_seg sa = {.flags = VGW_CT_TCP_SYN | VGW_CT_TCP_ACK, .seq = 100, .ack = 2,
				 .win = 65535, .wscale = 14};
	ASSERT_EQ(vgw_ct_tcp_update(&c, VGW_CT_REPLY, &sa), VGW_CT_TCP_OK);
	struct vgw_ct_tcp_seg ack = {.flags = VGW_CT_TCP_ACK, .seq = 101, .ack = 2, .win = 65535,
				  .wscale = -1};
	vgw_ct_tcp_update(&c, VGW_CT_REPLY, &ack);
	ASSERT_EQ(vgw_ct_tcp_maxwin(&c, VGW_CT_REPLY), 65535u << 14);
	ASSERT_EQ(vgw_ct_tcp_maxwin(&c, VGW_CT_ORIG), 65535);
	ASSERT_EQ(sizeof(struct vgw_ct_tcp), 24);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"same verdicts and state as the 44-byte tracker", test_equivalent},
		{"the widest scaled window", test_widest_window},
	};
	return unit_run("ct-tcp-equiv", tests, sizeof(tests) / sizeof(tests[0]));
}
