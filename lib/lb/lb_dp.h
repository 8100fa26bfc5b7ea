/* The load balancer's worker side: what the data path may ask of the
 * service tables (service.h; RCU-published by the slow path, read within a
 * burst), flow steering between workers, and the LB's stages. Other modules'
 * worker code asks through these accessors, never through vgw_lb. */
#ifndef VGW_LB_DP_H
#define VGW_LB_DP_H

#include <stdint.h>

#include "../core/drop.h"
#include "../core/gw.h"
#include "../core/rmap.h"
#include "../dp/handoff.h"
#include "../trace/trace_dp.h"
#include "service.h"

/* The lb module's drop reasons (data path, per port) (core/drop.h): VGW_LB_DROP(x)
 * is x's index in the dense array once registered. */
#define VGW_LB_DROPS(X, P) \
	X(P, L4_SHORT, "l4_short", "TCP/UDP header truncated (load-balanced flow)") \
	X(P, LB_NO_BACKEND, "lb_no_backend", "new flow to a service with no usable backend") \
	X(P, LB_SERVICE_FULL, "lb_service_full", "new flow over the service's max-conns share") \
	X(P, CT_FULL, "ct_full", "new flow while the connection table is full of replied flows") \
	X(P, CT_REPLY_CLASH, "ct_reply_clash", "new flow whose backend reply 5-tuple is another flow's") \
	X(P, HEALTH_NOT_PROBE_ANSWER, "health_not_probe_answer", "from a backend to a VIP address but no answer to a probe (not TCP SYN-ACK/RST to a probe port)")

VGW_COUNTER_SET(VGW_LB_DROPS, VGW_LB_DROP, vgw_lb_drop_base);
#define VGW_LB_DROP(id) VGW_COUNTER(vgw_lb_drop_base, VGW_LB_DROP, id)

/* Any VIP configured at all (lets a caller skip every VIP question). */
static inline bool vgw_lb_any_vip(void)
{
	return vgw_lb.vip_addrs->n != 0;
}

/* False when dst is certainly no VIP (a one-word filter, no table access). */
static inline bool vgw_lb_may_be_vip(uint32_t dst)
{
	return vgw_lb.vip_addrs->n && vgw_rmap_may_have(vgw_lb.vip_addrs, &dst, sizeof(dst));
}

/* The VIP address map, for lookups sharing one key hash (anti-spoofing). */
static inline const struct vgw_rmap *vgw_lb_vip_map(void)
{
	return vgw_lb.vip_addrs;
}

/* The service map (keys: struct vgw_lb_svc_key), for bulk lookups (classify). */
static inline const struct vgw_rmap *vgw_lb_service_map(void)
{
	return vgw_lb.by_vip;
}

/* The service of VIP:port/proto (host order), or NULL. */
static inline const struct vgw_lb_svc *vgw_lb_service(uint32_t vip, uint16_t port, uint8_t proto)
{
	struct vgw_lb_svc_key k = {.vip = vip, .port = port, .proto = proto};
	return vgw_rmap_get(vgw_lb.by_vip, &k);
}

/* The worker that owns the flow of client (ip, port) (host order): the
 * client is the source of a packet to a VIP and the destination of a
 * reply, so both directions agree. */
static inline unsigned int vgw_lb_flow_owner(uint32_t ip, uint16_t port)
{
	return vgw_gw_owner((uint64_t)ip << 16 | port);
}

/* The lb stage (lb_dp.c): every packet that meets this worker's connection
 * table, in one vector, in arrival order — the table's state depends on the
 * order of both directions of a flow, which arrive through different paths
 * (a client's packet from classify, a backend's reply from vxlan-in, a VM's
 * hairpinned one from ip4-route). Per packet (struct vgw_pkt): out = enum
 * vgw_lb_kind; VIP: obj = the service; REPLY: arg = the backend's VNI. */
enum vgw_lb_kind {
	VGW_LB_VIP = 0,   /* client -> VIP:port (vip_in_dp.c) */
	VGW_LB_REPLY = 1, /* backend -> client, decapsulated (lb_reply_dp.c) */
	VGW_LB_ICMP = 2,  /* ICMP error to a VIP about a flow (vip_icmp_dp.c) */
	VGW_LB_KINDS
};
void vgw_lb_stage(struct vgw_worker *w, struct vgw_vec *v);

/* The handoff kind (dp/handoff.h) of each enum vgw_lb_kind: a packet of
 * that kind handed to the flow's owner arrives in the owner's lb stage
 * with the same out. Registered by the lb module's init (lb_module.c),
 * start-up; 0 until then (one worker: nothing is handed over). */
extern uint8_t vgw_lb_handoff_kinds[VGW_LB_KINDS];

/* True when m's flow, whose client is (ip, port), belongs to another worker:
 * then m was handed to it as a packet of lb kind `kind` with arg (a reply:
 * the backend's VNI). */
static inline bool vgw_lb_steer(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
				uint32_t ip, uint16_t port, enum vgw_lb_kind kind, uint32_t arg)
{
	if (vgw_gw.n_workers == 1)
		return false;
	unsigned int owner = vgw_lb_flow_owner(ip, port);
	if (owner == w->idx)
		return false;
	vgw_dp_handoff(w, in_port, m, owner, vgw_lb_handoff_kinds[kind], arg);
	return true;
}

/* vip_in_dp.c: the handoff fixup of VGW_LB_VIP (dp/handoff.h): the
 * sender's service pointer may be gone on the owner (a grace period may
 * have passed since), so the owner looks the service up again (p->obj);
 * no service: dropped vip_no_service. */
bool vgw_lb_vip_handed(struct vgw_worker *w, struct rte_mbuf *m, struct vgw_pkt *p);

/* The lb stage's steps for one packet of a flow this worker owns (l4 read
 * by the stage, which also fetched its connection-table lines for the key
 * whose hash is cth: ORIG for vip-in, REPLY for lb-reply). */
struct vgw_lb_l4;
void vgw_lb_vip_in(struct vgw_worker *w, struct rte_mbuf *m, const struct vgw_pkt *p,
		   const struct vgw_lb_l4 *f, uint32_t cth);
void vgw_lb_reply(struct vgw_worker *w, struct rte_mbuf *m, const struct vgw_pkt *p,
		  const struct vgw_lb_l4 *f, uint32_t cth);
/* (steers on its own: the owner is known only from the quoted packet) */
void vgw_lb_vip_icmp(struct vgw_worker *w, struct rte_mbuf *m, const struct vgw_pkt *p);

/* lb_dp.c: the trace note of a connection (trace/trace_dp.h): what the
 * table gave ("new", "hit", "reply"), where it goes (the backend, or for a
 * reply the VIP it comes from) and its TCP state (0xff: not TCP). */
void vgw_lb_trace_conn_note(struct vgw_worker *w, const struct rte_mbuf *m, const char *what,
			    uint32_t vni, uint32_t ip, uint16_t port, uint8_t tcp_state);
static inline void vgw_lb_trace_conn(struct vgw_worker *w, const struct rte_mbuf *m,
				     const char *what, uint32_t vni, uint32_t ip, uint16_t port,
				     uint8_t tcp_state)
{
	if (vgw_trace_is(w, m))
		vgw_lb_trace_conn_note(w, m, what, vni, ip, port, tcp_state);
}

#endif
