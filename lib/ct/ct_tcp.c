/* TCP connection tracking: see ct_tcp.h. */
#include "ct_tcp.h"

#include <string.h>

static const char *const names[VGW_CT_TCP_N_STATES] = {
	"none", "syn_sent", "syn_recv", "established", "fin_wait", "last_ack", "time_wait", "close",
};

const char *vgw_ct_tcp_state_name(uint8_t state)
{
	return state < VGW_CT_TCP_N_STATES ? names[state] : "?";
}

int vgw_ct_tcp_seg_parse(const uint8_t *l4, uint32_t l4_len, uint32_t payload_len,
			 struct vgw_ct_tcp_seg *seg)
{
	if (l4_len < 20)
		return -1;
	uint32_t doff = (uint32_t)(l4[12] >> 4) * 4;
	if (doff < 20 || doff > payload_len)
		return -1;
	seg->seq = (uint32_t)l4[4] << 24 | (uint32_t)l4[5] << 16 | (uint32_t)l4[6] << 8 | l4[7];
	seg->ack = (uint32_t)l4[8] << 24 | (uint32_t)l4[9] << 16 | (uint32_t)l4[10] << 8 | l4[11];
	seg->flags = l4[13];
	seg->win = (uint16_t)(l4[14] << 8 | l4[15]);
	seg->len = payload_len - doff;
	seg->wscale = -1;
	if (!(seg->flags & VGW_CT_TCP_SYN))
		return 0;
	/* options: only window scale matters here (RFC 7323) */
	uint32_t end = doff < l4_len ? doff : l4_len;
	for (uint32_t i = 20; i < end;) {
		uint8_t kind = l4[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= end || l4[i + 1] < 2 || i + l4[i + 1] > end)
			break;
		if (kind == 3 && l4[i + 1] == 3)
			seg->wscale = (int8_t)(l4[i + 2] > 14 ? 14 : l4[i + 2]);
		i += l4[i + 1];
	}
	return 0;
}

static uint32_t seg_end(const struct vgw_ct_tcp_seg *s)
{
	return s->seq + s->len + !!(s->flags & VGW_CT_TCP_SYN) + !!(s->flags & VGW_CT_TCP_FIN);
}

/* Serial-number comparison (RFC 1982): a after b. */
static bool after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static inline uint32_t maxwin_of(const struct vgw_ct_tcp *c, unsigned int d)
{
	const struct vgw_ct_tcp_side *me = &c->s[d];
	unsigned int shift = c->win_scaled >> d & 1 ? me->wscale : 0;
	return (uint32_t)me->maxwin << shift;
}

uint32_t vgw_ct_tcp_maxwin(const struct vgw_ct_tcp *c, enum vgw_ct_dir d)
{
	return maxwin_of(c, d);
}

/* RFC 7323 2.3: a shift above 14 is used as 14. */
static uint8_t wscale_of(const struct vgw_ct_tcp_seg *s)
{
	return s->wscale < 0 ? 0 : s->wscale > 14 ? 14 : (uint8_t)s->wscale;
}

static inline __attribute__((always_inline)) void
note_sent(struct vgw_ct_tcp *c, enum vgw_ct_dir d, const struct vgw_ct_tcp_seg *s)
{
	struct vgw_ct_tcp_side *me = &c->s[d];
	uint32_t e = seg_end(s);
	if (!me->seen || after(e, me->end))
		me->end = e;
	me->seen = true;
	if (!c->scaled) { /* then no window was ever scaled: compare the raw fields */
		if (s->win > me->maxwin)
			me->maxwin = s->win;
		return;
	}
	unsigned int scale = !(s->flags & VGW_CT_TCP_SYN); /* SYN windows are never scaled */
	if (((uint32_t)s->win << (scale ? me->wscale : 0)) > maxwin_of(c, d)) {
		me->maxwin = s->win;
		c->win_scaled = (uint8_t)((c->win_scaled & ~(1u << d)) | scale << d);
	}
}

void vgw_ct_tcp_init(struct vgw_ct_tcp *c, const struct vgw_ct_tcp_seg *seg)
{
	/* what note_sent() makes of a first segment (nothing is scaled yet),
	 * read before c is written: the compiler cannot tell they differ */
	uint8_t flags = seg->flags;
	bool syn = flags & VGW_CT_TCP_SYN;
	bool fin = !syn && (flags & VGW_CT_TCP_FIN); /* a pickup carries any flags, a FIN even */
	uint32_t end = seg_end(seg);
	uint8_t state = syn ? VGW_CT_TCP_SYN_SENT
			    : fin ? VGW_CT_TCP_FIN_WAIT : VGW_CT_TCP_ESTABLISHED;
	*c = (struct vgw_ct_tcp){
		.s[VGW_CT_ORIG] = {.end = end, .fin_end = fin ? end : 0, .maxwin = seg->win,
				   .wscale = syn ? wscale_of(seg) : 0,
				   .wscale_seen = syn && seg->wscale >= 0, .seen = true, .fin = fin},
		.state = flags & VGW_CT_TCP_RST ? VGW_CT_TCP_CLOSE : state,
		.pickup = !syn,
	};
}

static bool rst_acceptable(const struct vgw_ct_tcp *c, enum vgw_ct_dir d,
			   const struct vgw_ct_tcp_seg *s)
{
	const struct vgw_ct_tcp_side *me = &c->s[d], *peer = &c->s[!d];
	if (c->state == VGW_CT_TCP_SYN_SENT && d == VGW_CT_REPLY)
		/* RFC 793: in SYN-SENT an RST must acknowledge our SYN */
		return (s->flags & VGW_CT_TCP_ACK) && s->ack == peer->end;
	if (!me->seen) /* nothing to compare with: only an ACK of the peer's data */
		return (s->flags & VGW_CT_TCP_ACK) && s->ack == peer->end;
	uint32_t maxwin = maxwin_of(c, !d);
	uint32_t win = peer->seen && maxwin ? maxwin : 65535;
	int64_t off = (int32_t)(s->seq - me->end);
	return off >= -(int64_t)win && off <= (int64_t)win;
}

enum vgw_ct_tcp_verdict vgw_ct_tcp_update(struct vgw_ct_tcp *c, enum vgw_ct_dir d,
					  const struct vgw_ct_tcp_seg *s)
{
	if (s->flags & VGW_CT_TCP_RST) {
		if (!rst_acceptable(c, d, s))
			return VGW_CT_TCP_RST_IGNORED;
		c->state = VGW_CT_TCP_CLOSE;
		return VGW_CT_TCP_OK;
	}
	if ((s->flags & (VGW_CT_TCP_SYN | VGW_CT_TCP_ACK)) == VGW_CT_TCP_SYN && d == VGW_CT_ORIG &&
	    (c->state == VGW_CT_TCP_TIME_WAIT || c->state == VGW_CT_TCP_CLOSE)) {
		vgw_ct_tcp_init(c, s); /* the client reuses the 4-tuple */
		return VGW_CT_TCP_OK;
	}
	if (s->flags & VGW_CT_TCP_SYN) {
		bool synack = d == VGW_CT_REPLY && (s->flags & VGW_CT_TCP_ACK);
		/* RFC 793: a SYN-ACK must acknowledge the client's SYN; a wrong
		 * one teaches nothing (its ISN would poison the handshake check) */
		if (synack && c->state == VGW_CT_TCP_SYN_SENT && s->ack != c->s[VGW_CT_ORIG].end)
			return VGW_CT_TCP_ACK_INVALID;
		if (synack && c->state == VGW_CT_TCP_SYN_SENT) {
			c->s[VGW_CT_REPLY].wscale = wscale_of(s);
			c->s[VGW_CT_REPLY].wscale_seen = s->wscale >= 0;
			/* RFC 7323: scaling applies only when both SYNs offered it */
			c->scaled = s->wscale >= 0 && c->s[VGW_CT_ORIG].wscale_seen;
			c->state = VGW_CT_TCP_SYN_RECV;
		}
		note_sent(c, d, s);
		return VGW_CT_TCP_OK;
	}
	enum vgw_ct_tcp_verdict v = VGW_CT_TCP_OK;
	if (c->state == VGW_CT_TCP_SYN_RECV && d == VGW_CT_ORIG && (s->flags & VGW_CT_TCP_ACK)) {
		/* only an ACK of the backend's ISN completes the handshake */
		if (s->ack == c->s[VGW_CT_REPLY].end) {
			c->state = VGW_CT_TCP_ESTABLISHED;
			c->confirmed = true;
		} else {
			v = VGW_CT_TCP_ACK_INVALID;
		}
	}
	if (c->pickup && d == VGW_CT_REPLY && (s->flags & VGW_CT_TCP_ACK))
		c->confirmed = true; /* the backend holds the picked-up connection */
	note_sent(c, d, s);
	if (s->flags & VGW_CT_TCP_FIN) {
		if (!c->s[d].fin) {
			c->s[d].fin = true;
			c->s[d].fin_end = seg_end(s);
		}
		if (c->state <= VGW_CT_TCP_ESTABLISHED)
			c->state = VGW_CT_TCP_FIN_WAIT;
	}
	struct vgw_ct_tcp_side *peer = &c->s[!d];
	if (peer->fin && (s->flags & VGW_CT_TCP_ACK) && !after(peer->fin_end, s->ack))
		peer->fin_acked = true;
	if (c->s[0].fin && c->s[1].fin && c->state == VGW_CT_TCP_FIN_WAIT)
		c->state = VGW_CT_TCP_LAST_ACK;
	/* both FINs acknowledged: the connection is over, 2 MSL remain */
	if (c->state == VGW_CT_TCP_LAST_ACK && c->s[0].fin_acked && c->s[1].fin_acked)
		c->state = VGW_CT_TCP_TIME_WAIT;
	return v;
}
