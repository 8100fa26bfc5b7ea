/* Worker side of the exception path: to-self packets the data path does not
 * consume (BGP, SSH, ...) go to the port's host port (lib/host) through the
 * worker's punt ring, rate-limited so that a flood cannot starve the slow path.
 * Runs on workers: no locks, no allocation, no system calls. */
#ifndef VGW_HOST_DP_H
#define VGW_HOST_DP_H

#include "../dp/dp.h"

/* Consumes m: punted (priv.reason VGW_PUNT_HOST) or dropped, counted. */
static inline void vgw_host_punt(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m)
{
	if (!vgw_gw.ports[port].host_name[0]) {
		vgw_dp_drop(w, port, VGW_DROP_LOCAL_UNSUPPORTED, m);
		return;
	}
	vgw_mbuf_priv(m)->reason = VGW_PUNT_HOST;
	vgw_mbuf_priv(m)->in_port = port;
	vgw_dp_punt(w, port, m);
}

#endif
