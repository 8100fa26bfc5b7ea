/* IPv4 output: ECMP path choice, MTU check, next-hop MAC, transmit. */
#include <string.h>

#include "dp.h"

#include "../fib/fib_dp.h"
#include "../lb/service.h"
#include "../neigh/neigh_dp.h"
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "memo.h"

bool vgw_ip4_path(const struct vgw_route_target *t, uint32_t dst, uint32_t hash,
		  uint32_t *nh, uint16_t *out)
{
	if (t->kind == VGW_RT_CONNECTED) {
		*nh = dst;
		*out = t->port;
		return true;
	}
	if (likely(t->kind == VGW_RT_VIA)) {
		unsigned int k = t->n_paths > 1 ? vgw_ecmp_pick(hash, t->n_paths) : 0;
		*nh = t->paths[k].gw;
		*out = t->paths[k].port;
		return true;
	}
	return false; /* a local route cannot be an egress */
}

void vgw_ip4_xmit(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m, uint32_t nh,
		  uint16_t out)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(&vgw_gw.ports[out].mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	uint64_t mac = vgw_memo_mac(w, nh, out);
	if (unlikely(!(mac & VGW_NEIGH_MAC_VALID))) {
		struct vgw_mbuf_priv *pr = vgw_mbuf_priv(m);
		pr->nh_ip = nh;
		pr->out_port = out;
		vgw_dp_punt(w, in_port, m, VGW_PUNT_NEIGH_MISS);
		return;
	}
	vgw_neigh_mac_bytes(mac, eh->dst_addr.addr_bytes);
	vgw_dp_tx(w, out, m);
}

void vgw_ip4_output(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		    const struct vgw_route_target *t)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	uint32_t hash = t->kind == VGW_RT_VIA && t->n_paths > 1 ? vgw_ip4_flow_hash(ip, hl, tl) : 0;
	uint32_t nh;
	uint16_t out;
	if (unlikely(!vgw_ip4_path(t, vgw_ip4_dst(ip), hash, &nh, &out))) {
		vgw_dp_drop(w, in_port, VGW_DROP_NO_ROUTE, m);
		return;
	}
	if (unlikely(tl > vgw_gw.ports[out].mtu)) {
		w->stats[in_port].drop[VGW_DROP_MTU_EXCEEDED]++;
		if (ip[6] & 0x40) /* DF: RFC 1191 tells the sender the MTU */
			vgw_ip4_icmp_error(w, in_port, m, VGW_ICMP_DEST_UNREACH,
					   VGW_ICMP_FRAG_NEEDED, vgw_gw.ports[out].mtu);
		else
			rte_pktmbuf_free(m);
		return;
	}
	vgw_ip4_xmit(w, in_port, m, nh, out);
}

void vgw_ip4_route(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, VGW_ETH_HLEN);
	uint32_t dst = vgw_ip4_dst(ip);
	/* an EIP is not in the FIB: its owner is a VM behind the tunnel */
	const struct vgw_eip *e = vgw_rmap_get(vgw_gw.vpc->eip_by_pub, &dst);
	if (e) {
		vgw_eip_input(w, in_port, m, e);
		return;
	}
	/* nor is a VIP: a VM (with an EIP, already its source here) reaching a
	 * service is balanced here, not sent out to come back from the
	 * Internet with an EIP source, which anti-spoofing drops (hairpinning,
	 * RFC 4787 REQ-9 / RFC 5382 REQ-8) */
	if (vgw_lb.vip_addrs->n && vgw_rmap_may_have(vgw_lb.vip_addrs, &dst, sizeof(dst))) {
		uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
		uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
		if ((ip[9] == 6 || ip[9] == 17) && !vgw_ip4_is_fragment(ip) && tl >= hl + 4) {
			struct vgw_svc_key k = {.vip = dst,
						.port = (uint16_t)(ip[hl + 2] << 8 | ip[hl + 3]),
						.proto = ip[9]};
			const struct vgw_svc *svc = vgw_rmap_get(vgw_lb.by_vip, &k);
			if (svc) {
				vgw_vip_input(w, in_port, m, svc);
				return;
			}
		}
	}
	const struct vgw_route_target *t = vgw_fib_lookup(vgw_gw.fib, dst);
	if (unlikely(!t)) {
		vgw_dp_drop(w, in_port, VGW_DROP_NO_ROUTE, m);
		return;
	}
	if (unlikely(t->kind == VGW_RT_LOCAL)) { /* a VM pinging the gateway */
		uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
		uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
		vgw_ip4_local(w, in_port, m, hl, tl, dst);
		return;
	}
	vgw_ip4_output(w, in_port, m, t);
}
