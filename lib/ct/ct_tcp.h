/* TCP connection tracking as a load balancer sees it: both directions of a
 * flow (ORIG = client -> backend, REPLY = backend -> client) pass the
 * gateway. Pure state machine, no clock: the caller maps the state to a
 * timeout (ct.h: struct vgw_ct_timeouts) and ages entries itself.
 *
 * States follow Linux conntrack's TCP tracker, reduced to what decides an
 * entry's lifetime: SYN_SENT -> SYN_RECV -> ESTABLISHED -> FIN_WAIT (one side
 * closed) -> LAST_ACK (both closed) -> TIME_WAIT (last FIN acknowledged);
 * CLOSE after a valid RST. A connection picked up mid-flow (no SYN seen, e.g.
 * after an ECMP change moved it here) starts ESTABLISHED.
 *
 * Confirmation (what lets ct.h keep an entry long and never evict it): the
 * tracker sets `confirmed` when the flow proves that both ends hold it — the
 * client's ACK acknowledges the backend's SYN-ACK (ack == the backend's ISN
 * + 1: a blind spoofer never saw it), or, for a flow picked up mid-flow, the
 * backend answers with an ACK that is not an RST (a backend that does not
 * know the connection answers a spoofed ACK with an RST, which never
 * confirms). A SYN-ACK alone does not confirm: a spoofed SYN gets one.
 *
 * RST (RFC 5961 spirit): an RST is honoured only when its sequence number
 * falls inside the window the other side advertised, as far as we have seen
 * it; otherwise the state is kept (an off-path attacker cannot kill an
 * established entry by guessing the 4-tuple). */
#ifndef VGW_CT_TCP_H
#define VGW_CT_TCP_H

#include <stdbool.h>
#include <stdint.h>

enum vgw_ct_tcp_state {
	VGW_CT_TCP_NONE,
	VGW_CT_TCP_SYN_SENT,
	VGW_CT_TCP_SYN_RECV,
	VGW_CT_TCP_ESTABLISHED,
	VGW_CT_TCP_FIN_WAIT,
	VGW_CT_TCP_LAST_ACK,
	VGW_CT_TCP_TIME_WAIT,
	VGW_CT_TCP_CLOSE,
	VGW_CT_TCP_N_STATES
};

enum vgw_ct_dir { VGW_CT_ORIG = 0, VGW_CT_REPLY = 1 };

#define VGW_CT_TCP_FIN 0x01
#define VGW_CT_TCP_SYN 0x02
#define VGW_CT_TCP_RST 0x04
#define VGW_CT_TCP_ACK 0x10

/* What one segment says (host order). */
struct vgw_ct_tcp_seg {
	uint8_t flags;
	uint32_t seq;
	uint32_t ack;
	uint16_t win;   /* raw window field */
	int8_t wscale;  /* window-scale option of a SYN, -1 if absent; the tracker
			 * takes a shift above 14 as 14 (RFC 7323) */
	uint32_t len;   /* payload bytes */
};

/* 24 bytes, so that a connection entry (ct.h) fits in one cache line. What
 * makes that possible without changing a verdict:
 * - a side's largest window is kept as the raw 16-bit window field it came
 *   in, plus one bit (win_scaled) saying whether it was shifted by the
 *   side's wscale. Every window the tracker ever compares is the raw field
 *   shifted by 0 or by that wscale, and wscale cannot change while windows
 *   are scaled (it is set with the SYN, before `scaled`; only a new SYN
 *   that re-initialises the tracker resets both), so vgw_ct_tcp_maxwin()
 *   gives back exactly the 32-bit maximum the tracker used to store;
 * - wscale is 0..14 (RFC 7323: a larger shift counts as 14, as
 *   vgw_ct_tcp_seg_parse already clamps it): 4 bits;
 * - the side is packed (11 bytes; x86 reads its unaligned words at full
 *   speed, and the entry keeps it inside one cache line). */
struct __attribute__((packed)) vgw_ct_tcp_side {
	uint32_t end;     /* highest seq + len (+SYN/FIN) this side sent */
	uint32_t fin_end; /* end of its first FIN */
	uint16_t maxwin;  /* raw window field of its largest window (see above) */
	uint8_t wscale : 4;
	bool wscale_seen : 1; /* its SYN carried the option */
	bool seen : 1;        /* sent anything yet */
	bool fin : 1;         /* sent a FIN */
	bool fin_acked : 1;   /* the peer acknowledged it */
};

struct vgw_ct_tcp {
	struct vgw_ct_tcp_side s[2];
	uint8_t state;
	bool scaled : 1; /* both SYNs carried window scale (RFC 7323) */
	bool pickup : 1; /* started without a SYN (mid-flow) */
	bool confirmed : 1; /* see "Confirmation" above; never cleared */
	uint8_t win_scaled : 2; /* bit d: s[d].maxwin is shifted by s[d].wscale */
};

enum vgw_ct_tcp_verdict {
	VGW_CT_TCP_OK,           /* state updated */
	VGW_CT_TCP_RST_IGNORED,  /* RST outside the window: state kept */
	VGW_CT_TCP_ACK_INVALID,  /* handshake ACK that does not acknowledge the
			       * SYN-ACK: state kept, not confirmed */
};

/* First segment of a flow in direction ORIG: a SYN gives SYN_SENT, anything
 * else (mid-flow pickup) ESTABLISHED. */
void vgw_ct_tcp_init(struct vgw_ct_tcp *c, const struct vgw_ct_tcp_seg *seg);

/* A later segment in direction dir. */
enum vgw_ct_tcp_verdict vgw_ct_tcp_update(struct vgw_ct_tcp *c, enum vgw_ct_dir dir,
					  const struct vgw_ct_tcp_seg *seg);

const char *vgw_ct_tcp_state_name(uint8_t state);

/* The largest window side d advertised, scaled as the tracker saw it (what
 * an RST's sequence number is checked against). */
uint32_t vgw_ct_tcp_maxwin(const struct vgw_ct_tcp *c, enum vgw_ct_dir d);

/* Reads the fields of a TCP header (at l4, l4_len bytes available, payload
 * length from the IP header). Returns -1 if too short. */
int vgw_ct_tcp_seg_parse(const uint8_t *l4, uint32_t l4_len, uint32_t payload_len,
			 struct vgw_ct_tcp_seg *seg);

#endif
