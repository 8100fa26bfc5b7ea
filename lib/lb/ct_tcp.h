/* TCP connection tracking as a load balancer sees it: both directions of a
 * flow (ORIG = client -> backend, REPLY = backend -> client) pass the
 * gateway. Pure state machine, no clock: the caller maps the state to a
 * timeout (ct_timeouts.h) and ages entries itself.
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
	VGW_TCP_NONE,
	VGW_TCP_SYN_SENT,
	VGW_TCP_SYN_RECV,
	VGW_TCP_ESTABLISHED,
	VGW_TCP_FIN_WAIT,
	VGW_TCP_LAST_ACK,
	VGW_TCP_TIME_WAIT,
	VGW_TCP_CLOSE,
	VGW_TCP_N_STATES
};

enum vgw_ct_dir { VGW_CT_ORIG = 0, VGW_CT_REPLY = 1 };

#define VGW_TCP_FIN 0x01
#define VGW_TCP_SYN 0x02
#define VGW_TCP_RST 0x04
#define VGW_TCP_ACK 0x10

/* What one segment says (host order). */
struct vgw_tcp_seg {
	uint8_t flags;
	uint32_t seq;
	uint32_t ack;
	uint16_t win;   /* raw window field */
	int8_t wscale;  /* window-scale option of a SYN, -1 if absent */
	uint32_t len;   /* payload bytes */
};

struct vgw_ct_tcp_side {
	uint32_t end;    /* highest seq + len (+SYN/FIN) this side sent */
	uint32_t maxwin; /* largest window it advertised, scaled */
	uint8_t wscale;
	bool wscale_seen; /* its SYN carried the option */
	bool seen;        /* sent anything yet */
	bool fin;         /* sent a FIN */
	bool fin_acked;   /* the peer acknowledged it */
	uint32_t fin_end;
};

struct vgw_ct_tcp {
	uint8_t state;
	bool scaled; /* both SYNs carried window scale (RFC 7323) */
	bool pickup; /* started without a SYN (mid-flow) */
	bool confirmed; /* see "Confirmation" above; never cleared */
	struct vgw_ct_tcp_side s[2];
};

enum vgw_ct_tcp_verdict {
	VGW_TCP_OK,           /* state updated */
	VGW_TCP_RST_IGNORED,  /* RST outside the window: state kept */
	VGW_TCP_ACK_INVALID,  /* handshake ACK that does not acknowledge the
			       * SYN-ACK: state kept, not confirmed */
};

/* First segment of a flow in direction ORIG: a SYN gives SYN_SENT, anything
 * else (mid-flow pickup) ESTABLISHED. */
void vgw_ct_tcp_init(struct vgw_ct_tcp *c, const struct vgw_tcp_seg *seg);

/* A later segment in direction dir. */
enum vgw_ct_tcp_verdict vgw_ct_tcp_update(struct vgw_ct_tcp *c, enum vgw_ct_dir dir,
					  const struct vgw_tcp_seg *seg);

const char *vgw_ct_tcp_state_name(uint8_t state);

/* Reads the fields of a TCP header (at l4, l4_len bytes available, payload
 * length from the IP header). Returns -1 if too short. */
int vgw_tcp_seg_parse(const uint8_t *l4, uint32_t l4_len, uint32_t payload_len,
		      struct vgw_tcp_seg *seg);

#endif
