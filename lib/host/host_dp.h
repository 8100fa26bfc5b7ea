/* Worker side of the exception path: to-self packets the data path does not
 * consume (BGP, SSH, ...) go to the port's host port (lib/host) through the
 * worker's HOST punt ring, rate-limited (host-port punt-rate / punt-burst,
 * a GCRA token bucket per worker: core/gcra.h) so that a flood to the
 * gateway's own address cannot starve the slow path. Runs on workers: no
 * locks, no allocation, no system calls. */
#ifndef VGW_HOST_DP_H
#define VGW_HOST_DP_H

#include "../dp/dp.h"

/* Consumes m: punted (priv.reason VGW_PUNT_HOST, priv.in_port) or dropped,
 * counted: local_unsupported without a host port, host_punt_limited over the
 * rate, punt_ring_full when the slow path is behind. */
static inline void vgw_host_punt(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m)
{
	if (!vgw_gw.ports[port].host_name[0]) {
		vgw_dp_drop(w, port, VGW_DROP_LOCAL_UNSUPPORTED, m);
		return;
	}
	vgw_dp_mbuf_priv(m)->in_port = port;
	vgw_dp_punt(w, port, m, VGW_PUNT_HOST);
}

#endif
