/* Stage tunnel-out: frames the slow path originates into a VPC (health-check
 * probes, from the vgw_gw.tunnel ring; arg = the VPC's VNI) are tunnelled to
 * the VM like inbound traffic. Runs on worker 0. */
#include "../net/ip4.h"
#include "tunnel_dp.h"

void vgw_vpc_stage_tunnel_out(struct vgw_worker *w, const struct vgw_vec *v)
{
	for (uint32_t i = 0; i < v->n; i++) {
		struct rte_mbuf *m = v->m[i];
		const struct vgw_pkt *p = &v->p[i];
		const uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
		uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
		uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
		struct vgw_vpc_tunnel t;
		if (vgw_vpc_tunnel_prepare(w, m, p, p->arg, vgw_ip4_dst(ip), NULL,
					   vgw_ip4_flow_hash(ip, hl, tl), tl, &t))
			vgw_vpc_tunnel_send(w, m, p, &t, tl);
	}
}
