/* Worker side of the exception path: to-self packets the data path does not
 * consume (BGP, SSH, ...) go to the port's host port (lib/host) through the
 * worker's punt ring, rate-limited so that a flood to the gateway's own
 * address cannot fill the punt ring and starve the slow path (ARP, neighbour
 * resolution, health checks share it).
 *
 * The limit is a token bucket per worker, kept as GCRA (one "theoretical
 * arrival time" instead of a token count and a timestamp): a punt is allowed
 * when it comes no earlier than host_slack cycles before host_tat, and then
 * moves host_tat one host_cost later. Worker state only, time from the TSC.
 * Runs on workers: no locks, no allocation, no system calls. */
#ifndef VGW_HOST_DP_H
#define VGW_HOST_DP_H

#include <rte_cycles.h>

#include "../dp/dp.h"

/* GCRA step, pure: may a packet arriving at `now` pass? Moves *tat if so.
 * An idle bucket (tat in the past) restarts from now; with slack =
 * (burst - 1) * cost, the k-th packet of a burst finds tat = now + (k-1) *
 * cost, so exactly burst packets pass at once, then one per cost. */
static inline bool vgw_gcra_allow(uint64_t *tat, uint64_t now, uint64_t cost, uint64_t slack)
{
	uint64_t t = *tat > now ? *tat : now;
	if (t - now > slack)
		return false;
	*tat = t + cost;
	return true;
}

/* Consumes m: punted (priv.reason VGW_PUNT_HOST, priv.in_port) or dropped,
 * counted: local_unsupported without a host port, host_punt_limited over the
 * rate, punt_ring_full when the slow path is behind. */
static inline void vgw_host_punt(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m)
{
	if (!vgw_gw.ports[port].host_name[0]) {
		vgw_dp_drop(w, port, VGW_DROP_LOCAL_UNSUPPORTED, m);
		return;
	}
	if (unlikely(!vgw_gcra_allow(&w->host_tat, rte_rdtsc(), w->host_cost, w->host_slack))) {
		vgw_dp_drop(w, port, VGW_DROP_HOST_PUNT_LIMITED, m);
		return;
	}
	vgw_mbuf_priv(m)->reason = VGW_PUNT_HOST;
	vgw_mbuf_priv(m)->in_port = port;
	vgw_dp_punt(w, port, m);
}

#endif
