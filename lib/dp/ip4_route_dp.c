/* Stage ip4-route: where a packet goes that the gateway rewrote (SNAT, the
 * reply NAT of a load-balanced flow) or originated (an echo reply, an ICMP
 * error). Its TTL is already handled. Runs on workers.
 *
 *   destination an EIP       eip-in: its VM is behind the tunnel (a VM
 *                            reaching another VM's EIP, an error to a VM)
 *   a SNAT pool address      snat (in, or icmp-in for an ICMP error): a
 *                            VM reaching another VM's mapping (hairpinning),
 *                            an error the gateway built about a translated
 *                            packet
 *   VIP:port of a service    lb: a VM reaching a service is balanced
 *                            here, not sent out to come back from the
 *                            Internet with an EIP source, which
 *                            anti-spoofing drops (hairpinning, RFC 4787
 *                            REQ-9 / RFC 5382 REQ-8)
 *   a local address          ip4-local (a VM pinging the gateway)
 *   routed                   ip4-forward
 * Neither EIPs, VIPs nor pool addresses are in the FIB. */
#include "dp.h"

#include "../fib/fib_dp.h"
#include "../lb/lb_dp.h"
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "../snat/snat_dp.h"
#include "../vpc/vpc_dp.h"

static inline void route(struct vgw_worker *w, struct rte_mbuf *m, struct vgw_pkt p,
			 const struct vgw_vpc_eip *e, const struct vgw_fib_route_target *t)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, VGW_DP_ETH_HLEN);
	uint32_t dst = vgw_ip4_dst(ip);
	p.obj = e;
	if (p.obj) {
		vgw_dp_push(w, VGW_STAGE_EIP_IN, m, &p);
		return;
	}
	if (unlikely(vgw_snat_may_be_addr(dst)) && (p.obj = vgw_snat_addr_find(dst))) {
		uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
		uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
		p.out = ip[9] == 1 && !vgw_ip4_is_fragment(ip) && vgw_icmp_is_error(ip, hl, tl)
				? VGW_SNAT_ICMP_IN
				: VGW_SNAT_IN;
		vgw_dp_push(w, VGW_STAGE_SNAT, m, &p);
		return;
	}
	if (vgw_lb_may_be_vip(dst)) {
		uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
		uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
		if ((ip[9] == 6 || ip[9] == 17) && !vgw_ip4_is_fragment(ip) && tl >= hl + 4) {
			p.obj = vgw_lb_service(dst, (uint16_t)(ip[hl + 2] << 8 | ip[hl + 3]), ip[9]);
			if (p.obj) {
				p.out = VGW_LB_VIP;
				vgw_dp_push(w, VGW_STAGE_LB, m, &p);
				return;
			}
		}
	}
	if (unlikely(!t)) {
		vgw_dp_drop(w, p.in_port, VGW_DROP_NO_ROUTE, m);
		return;
	}
	if (unlikely(t->kind == VGW_FIB_RT_LOCAL)) {
		vgw_dp_push(w, VGW_STAGE_IP4_LOCAL, m, &p);
		return;
	}
	p.obj = t;
	p.out = 0; /* TTL handled */
	vgw_dp_push(w, VGW_STAGE_IP4_FORWARD, m, &p);
}

void vgw_dp_stage_ip4_route(struct vgw_worker *w, const struct vgw_vec *v)
{
	uint32_t dst[VGW_BURST];
	uint8_t keys[VGW_BURST][VGW_RMAP_KEY_LEN];
	void *eip[VGW_BURST];
	const struct vgw_fib_route_target *t[VGW_BURST];
	for (uint32_t i = 0; i < v->n; i++) {
		dst[i] = vgw_ip4_dst(rte_pktmbuf_mtod_offset(v->m[i], const uint8_t *, VGW_DP_ETH_HLEN));
		vgw_rmap_key(&dst[i], sizeof(dst[i]), keys[i]);
	}
	/* the EIP table and the FIB, each in one bulk lookup */
	const struct vgw_rmap *eips = vgw_vpc_eip_map();
	if (eips->n)
		vgw_rmap_get_bulk(eips, (const uint8_t(*)[VGW_RMAP_KEY_LEN])keys, v->n, eip);
	else
		memset(eip, 0, sizeof(eip[0]) * v->n);
	vgw_fib_lookup_bulk(vgw_fib_main, dst, v->n, t);
	for (uint32_t i = 0; i < v->n; i++)
		route(w, v->m[i], v->p[i], eip[i], t[i]);
}
