/* Flow steering between workers for load-balanced traffic.
 *
 * Every connection table is written by one worker only, so both directions
 * of a flow must be processed by the same worker: the owner, a hash of the
 * client's (IP, port) (vgw_flow_owner), which is the source of inbound VIP
 * packets and the destination of replies. NIC RSS cannot deliver that (the
 * two directions have different headers, one of them inside VXLAN), so the
 * worker that received a packet of a flow it does not own hands it to the
 * owner over a single-producer single-consumer ring: one ring per (sender,
 * owner) pair, created at start-up, so no atomics beyond the ring's own
 * and no locks. The handed-off mbuf carries what the owner needs in its
 * private area (kind, VNI, receiving port). A full ring drops the packet,
 * counted (handoff_ring_full); arrivals are counted on the owner. */
#include "dp.h"

#include "../lb/lb_worker.h"
#include "../lb/service.h"
#include "l4.h"

void vgw_handoff(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		 unsigned int owner, uint8_t kind, uint32_t vni)
{
	struct vgw_mbuf_priv *pr = vgw_mbuf_priv(m);
	pr->kind = kind;
	pr->vni = vni;
	pr->in_port = in_port;
	if (unlikely(rte_ring_sp_enqueue(w->handoff[owner], m) != 0))
		vgw_dp_drop(w, in_port, VGW_DROP_HANDOFF_RING_FULL, m);
}

static void handed(struct vgw_worker *w, struct rte_mbuf *m)
{
	const struct vgw_mbuf_priv *pr = vgw_mbuf_priv(m);
	uint16_t in_port = pr->in_port;
	w->lb->handoff_in++;
	if (pr->kind == VGW_HANDOFF_LB_REPLY) {
		vgw_lb_reply(w, in_port, m, pr->vni);
		return;
	}
	if (pr->kind == VGW_HANDOFF_VIP_ICMP) {
		vgw_vip_icmp_input(w, in_port, m);
		return;
	}
	/* the sender's service pointer may be gone (a grace period may have
	 * passed since): look it up again */
	struct vgw_l4 f;
	vgw_l4_of(m, &f);
	struct vgw_svc_key k = {.vip = f.dst, .port = f.dport, .proto = f.proto};
	const struct vgw_svc *svc = vgw_rmap_get(vgw_lb.by_vip, &k);
	if (unlikely(!svc)) {
		vgw_dp_drop(w, in_port, VGW_DROP_VIP_NO_SERVICE, m);
		return;
	}
	vgw_vip_input(w, in_port, m, svc);
}

void vgw_handoff_drain(struct vgw_worker *w)
{
	struct rte_mbuf *ms[VGW_BURST];
	for (unsigned int from = 0; from < vgw_gw.n_workers; from++) {
		struct rte_ring *r = vgw_gw.workers[from].handoff[w->idx];
		if (!r)
			continue;
		/* until empty (bounded by the ring size): a peer may enqueue a
		 * burst per RX queue per loop, and this worker may have been
		 * descheduled for a while */
		for (unsigned int k = 0; k < VGW_HANDOFF_RING_SIZE / VGW_BURST; k++) {
			unsigned int n =
				rte_ring_sc_dequeue_burst(r, (void **)ms, VGW_BURST, NULL);
			for (unsigned int i = 0; i < n; i++)
				handed(w, ms[i]);
			if (n < VGW_BURST)
				break;
		}
	}
}
