/* Flow steering between workers for load-balanced traffic.
 *
 * Every connection table is written by one worker only, so both directions
 * of a flow must be processed by the same worker: the owner, a hash of the
 * client's (IP, port) (vgw_lb_flow_owner), which is the source of inbound VIP
 * packets and the destination of replies. NIC RSS cannot deliver that (the
 * two directions have different headers, one of them inside VXLAN), so the
 * worker that received a packet of a flow it does not own hands it to the
 * owner over a single-producer single-consumer ring: one ring per (sender,
 * owner) pair, created at start-up, so no atomics beyond the ring's own
 * and no locks. The handed-off mbuf carries what the owner needs in its
 * private area (kind, VNI, receiving port). A full ring drops the packet,
 * counted (handoff_ring_full); arrivals are counted on the owner, and enter
 * the owner's lb stage as a burst of their own. */
#include "../dp/dp.h"
#include "../net/ip4.h"
#include "lb_dp.h"
#include "ct_worker.h"

void vgw_lb_handoff(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m, unsigned int owner,
		    uint8_t kind, uint32_t vni)
{
	struct vgw_dp_mbuf_priv *pr = vgw_dp_mbuf_priv(m);
	pr->kind = kind;
	pr->vni = vni;
	pr->in_port = in_port;
	if (unlikely(rte_ring_sp_enqueue(w->handoff[owner], m) != 0))
		vgw_dp_drop(w, in_port, VGW_LB_DROP(HANDOFF_RING_FULL), m);
}

static void handed(struct vgw_worker *w, struct rte_mbuf *m, uint8_t seq)
{
	const struct vgw_dp_mbuf_priv *pr = vgw_dp_mbuf_priv(m);
	struct vgw_pkt p = {.in_port = (uint8_t)pr->in_port, .seq = seq};
	w->lb->handoff_in++;
	if (pr->kind == VGW_HANDOFF_LB_REPLY) {
		p.arg = pr->vni;
		p.out = VGW_LB_REPLY;
		vgw_dp_push(w, VGW_STAGE_LB, m, &p);
		return;
	}
	if (pr->kind == VGW_HANDOFF_VIP_ICMP) {
		p.out = VGW_LB_ICMP;
		vgw_dp_push(w, VGW_STAGE_LB, m, &p);
		return;
	}
	/* the sender's service pointer may be gone (a grace period may have
	 * passed since): look it up again */
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, VGW_DP_ETH_HLEN);
	const uint8_t *l4 = ip + (ip[0] & 0xf) * 4;
	p.obj = vgw_lb_service(vgw_ip4_dst(ip), (uint16_t)(l4[2] << 8 | l4[3]), ip[9]);
	if (unlikely(!p.obj)) {
		vgw_dp_drop(w, p.in_port, VGW_DROP_VIP_NO_SERVICE, m);
		return;
	}
	p.out = VGW_LB_VIP;
	vgw_dp_push(w, VGW_STAGE_LB, m, &p);
}

unsigned int vgw_lb_handoff_drain(struct vgw_worker *w)
{
	struct rte_mbuf *ms[VGW_BURST];
	unsigned int total = 0;
	for (unsigned int from = 0; from < vgw_gw.n_workers; from++) {
		struct rte_ring *r = vgw_gw.workers[from].handoff[w->idx];
		if (!r)
			continue;
		/* until empty (bounded by the ring size): a peer may enqueue a
		 * burst per RX queue per loop, and this worker may have been
		 * descheduled for a while */
		for (unsigned int k = 0; k < VGW_HANDOFF_RING_SIZE / VGW_BURST; k++) {
			uint64_t t0 = rte_rdtsc();
			unsigned int n =
				rte_ring_sc_dequeue_burst(r, (void **)ms, VGW_BURST, NULL);
			for (unsigned int i = 0; i < n; i++)
				handed(w, ms[i], (uint8_t)i);
			if (n)
				vgw_dp_run(w, VGW_STAGE_CLASSIFY, n, t0);
			total += n;
			if (n < VGW_BURST)
				break;
		}
	}
	return total;
}
