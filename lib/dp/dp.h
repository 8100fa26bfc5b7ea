/* The worker data path's contract: stages over vectors.
 *
 * Runs on workers only: no locks, no allocation, no system calls.
 *
 * A received burst is classified once (classify_dp.c: every lookup that
 * decides where a packet goes, in bulk), which puts each packet in the
 * vector of the stage its verdict names, or ends it there (a counted drop, a
 * punt). The dispatcher (dispatch_dp.c) then runs the stage of the first
 * non-empty vector, in enum vgw_stage order (core/runtime.h), until every
 * vector is empty. A stage takes its whole vector and, for each packet, does
 * exactly one of: push it to another stage's vector (vgw_dp_push), transmit
 * (only eth-out), punt it to the slow path, hand it to another worker
 * (handoff.h), or drop it with a named reason. Stages never call each
 * other: a packet one stage makes for another (an ICMP error, an echo
 * reply, a hairpin) travels as a push. So each behaviour lives in one
 * stage, and `show runtime` can account for each stage's cost.
 *
 * struct vgw_pkt (core/gw.h), per packet, set by whoever pushes it:
 *   in_port  the port it was received on (drops and ICMP errors count there)
 *   seq      its position in the burst it arrived in; eth-out transmits in
 *            that order, so a port sends what it sends in arrival order
 *   obj/arg/out  per target stage:
 *     vxlan-in     -
 *     vpc-out      arg = VNI (of the decapsulated packet)
 *     snat         out = kind (snat/snat_dp.h); out: arg = VNI; in and
 *                  icmp-in: obj = the pool address (struct vgw_snat_addr)
 *     ip4-route    -
 *     ip4-local    -
 *     lb           out = kind (lb/lb_dp.h); obj = the service (VIP), or
 *                  arg = VNI (a backend's reply)
 *     eip-in       obj = the EIP (struct vgw_vpc_eip)
 *     ip4-forward  obj = route target; out = VGW_DP_FWD_TTL when the TTL is
 *                  still to check and decrement (a packet being forwarded)
 *     tunnel-out   arg = VNI (a frame the slow path originated)
 *     icmp-error   out = type << 8 | code, arg = the rest-of-header word
 *     eth-out      arg = next hop, out = port
 * Every packet in a vector has its IPv4 header at VGW_DP_ETH_HLEN, checked, with
 * the Ethernet padding trimmed (eth-out: a whole frame but for the MACs). */
#ifndef VGW_DP_H
#define VGW_DP_H

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "../core/gcra.h"
#include "../core/gw.h"
#include "../fib/fib.h"
#include "../net/icmp.h"
#include "../trace/trace_dp.h"

#define VGW_DP_ETH_HLEN 14

/* ip4-forward: the TTL is still to check (ICMP time exceeded) and decrement. */
#define VGW_DP_FWD_TTL 1

static inline void vgw_dp_drop(struct vgw_worker *w, uint16_t port, enum vgw_drop why,
			       struct rte_mbuf *m)
{
	w->stats[port].drop[why]++;
	vgw_trace_end(w, m, VGW_TRACE_END_DROP, (uint16_t)why);
	rte_pktmbuf_free(m);
}

static inline void vgw_dp_tx(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m)
{
	w->stats[port].tx++;
	rte_eth_tx_buffer(vgw_gw.ports[port].id, (uint16_t)w->idx, w->txb[port], m);
}

static inline struct vgw_dp_mbuf_priv *vgw_dp_mbuf_priv(struct rte_mbuf *m)
{
	return rte_mbuf_to_priv(m);
}

/* Puts m, with what the stage is told (p), in stage s's vector. */
static inline void vgw_dp_push(struct vgw_worker *w, enum vgw_stage s, struct rte_mbuf *m,
			       const struct vgw_pkt *p)
{
	struct vgw_vec *v = &w->vec[s];
	RTE_ASSERT(v->n < VGW_BURST);
	v->m[v->n] = m;
	v->p[v->n] = *p;
	v->n++;
	w->pending |= 1u << s;
}

/* Same, with obj and arg replaced (in_port and seq kept). */
static inline void vgw_dp_push_to(struct vgw_worker *w, enum vgw_stage s, struct rte_mbuf *m,
				  const struct vgw_pkt *p, const void *obj, uint32_t arg,
				  uint16_t out)
{
	struct vgw_pkt q = {.obj = obj, .arg = arg, .out = out, .in_port = p->in_port,
			    .seq = p->seq};
	vgw_dp_push(w, s, m, &q);
}

/* Sorts v into arrival order (insertion sort: a vector is nearly always in
 * order already, then it costs one pass of comparisons). */
static inline void vgw_dp_vec_in_order(struct vgw_vec *v)
{
	for (uint32_t i = 1; i < v->n; i++) {
		if (v->p[i].seq >= v->p[i - 1].seq)
			continue;
		struct rte_mbuf *m = v->m[i];
		struct vgw_pkt p = v->p[i];
		uint32_t j = i;
		for (; j > 0 && v->p[j - 1].seq > p.seq; j--) {
			v->m[j] = v->m[j - 1];
			v->p[j] = v->p[j - 1];
		}
		v->m[j] = m;
		v->p[j] = p;
	}
}

/* m becomes an ICMP error (RFC 792) of type/code/rest to its source, built
 * and rate-limited by the icmp-error stage (ip4_local_dp.c). */
static inline void vgw_dp_icmp_error(struct vgw_worker *w, struct rte_mbuf *m,
				     const struct vgw_pkt *p, uint8_t type, uint8_t code,
				     uint32_t rest)
{
	vgw_dp_push_to(w, VGW_STAGE_ICMP_ERROR, m, p, NULL, rest, (uint16_t)(type << 8 | code));
}

/* The TTL policy, in one place: a packet whose TTL would reach 0 here is
 * counted (ttl_exceeded) and, when `icmp`, answered with time exceeded;
 * true when m was consumed. Packets from a tunnel, and ICMP errors, get no
 * error back (no ICMP into a VPC, no error about an error). */
static inline bool vgw_dp_ttl_expired(struct vgw_worker *w, struct rte_mbuf *m,
				      const struct vgw_pkt *p, const uint8_t *ip, bool icmp)
{
	if (likely(ip[8] > 1))
		return false;
	w->stats[p->in_port].drop[VGW_DROP_TTL_EXCEEDED]++;
	if (icmp) {
		vgw_trace_note(w, m, VGW_STAGE_IP4_FORWARD, "ttl exceeded: counted, answered");
		vgw_dp_icmp_error(w, m, p, VGW_ICMP_TIME_EXCEEDED, 0, 0);
	} else {
		vgw_trace_end(w, m, VGW_TRACE_END_DROP, VGW_DROP_TTL_EXCEEDED);
		rte_pktmbuf_free(m);
	}
	return true;
}

/* Hands m to the slow path for reason r: its own ring and rate limit per
 * worker (gw.h struct vgw_punt_q), so one kind's flood cannot starve
 * another's. Over the rate: a counted drop per reason; ring full:
 * punt_ring_full. */
static inline void vgw_dp_punt(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
			       enum vgw_punt_reason r)
{
	struct vgw_punt_q *q = &w->punt[r];
	if (unlikely(!vgw_gcra_allow(&q->tat, rte_rdtsc(), q->cost, q->slack))) {
		enum vgw_drop why = r == VGW_PUNT_ARP	     ? VGW_DROP_PUNT_ARP_LIMITED
				    : r == VGW_PUNT_NEIGH_MISS ? VGW_DROP_PUNT_NEIGH_LIMITED
				    : r == VGW_PUNT_HEALTH     ? VGW_DROP_PUNT_HEALTH_LIMITED
							       : VGW_DROP_HOST_PUNT_LIMITED;
		vgw_dp_drop(w, in_port, why, m);
		return;
	}
	vgw_dp_mbuf_priv(m)->reason = (uint8_t)r;
	if (vgw_trace_is(w, m)) {
		/* the trace ends before the slow path owns m; a single
		 * producer's free count only grows until it enqueues */
		if (unlikely(rte_ring_free_count(q->ring) == 0)) {
			vgw_dp_drop(w, in_port, VGW_DROP_PUNT_RING_FULL, m);
			return;
		}
		vgw_trace_finish(w, m, VGW_TRACE_END_PUNT, (uint16_t)r);
	}
	if (unlikely(rte_ring_sp_enqueue(q->ring, m) != 0))
		vgw_dp_drop(w, in_port, VGW_DROP_PUNT_RING_FULL, m);
}

/* classify_dp.c: the entry of every received burst: classifies ms[0..n)
 * (all received on port) and runs the stages until the burst is done. */
void vgw_dp_rx_burst(struct vgw_worker *w, uint16_t port, struct rte_mbuf **ms, uint16_t n);

/* dispatch_dp.c: runs the stages until every vector is empty; t0 is the
 * TSC when the packets entered (the cycles until now are charged to
 * `charge`, the stage that filled the vectors). */
void vgw_dp_run(struct vgw_worker *w, enum vgw_stage charge, uint32_t n, uint64_t t0);

/* dispatch_dp.c: runs stage s over its vector, then empties the vector
 * (no accounting: the dispatcher's loop, and the stage tests). */
void vgw_dp_stage(struct vgw_worker *w, enum vgw_stage s);

/* The stages of lib/dp (the others: lib/vpc/vpc_dp.h, lib/lb/lb_dp.h). Each
 * takes its whole vector v. */
void vgw_dp_stage_ip4_route(struct vgw_worker *w, const struct vgw_vec *v);   /* ip4_route_dp.c */
void vgw_dp_stage_ip4_forward(struct vgw_worker *w, const struct vgw_vec *v); /* ip4_output_dp.c */
void vgw_dp_stage_eth_out(struct vgw_worker *w, struct vgw_vec *v);           /* ip4_output_dp.c */
void vgw_dp_stage_ip4_local(struct vgw_worker *w, const struct vgw_vec *v);   /* ip4_local_dp.c */
void vgw_dp_stage_icmp_error(struct vgw_worker *w, const struct vgw_vec *v);  /* ip4_local_dp.c */

/* Start-up (module init, main thread, before workers): fn runs on every
 * worker once a loop, after the packets (a module's own ageing, say),
 * given the time in seconds (TSC). 0, or -1 when the table is full. */
typedef void (*vgw_dp_loop_fn)(struct vgw_worker *w, uint64_t now_s);
int vgw_dp_loop_hook(vgw_dp_loop_fn fn); /* worker_dp.c */

/* ip4_output_dp.c: the next hop and port of target t for a packet to dst
 * (hash picks among ECMP paths); false if t is no egress (a local route). */
bool vgw_dp_ip4_path(const struct vgw_fib_route_target *t, uint32_t dst, uint32_t hash,
		     uint32_t *nh, uint16_t *out);

#endif
