/* Into a VPC: the VXLAN encapsulation shared by everything the gateway sends
 * to a VM (EIP DNAT, load-balanced flows, their ICMP errors, health-check
 * probes). Helpers of the stages that send into a VPC (not a stage: each
 * sending stage runs them over its own packets). Workers only.
 *
 * Two steps so that a stage can refuse a packet before rewriting it:
 * prepare resolves the VM (endpoint), the gateway's VTEP, the underlay path
 * and checks MTU and headroom; send writes the inner Ethernet header,
 * prepends the 50 outer bytes in the mbuf's headroom and passes the frame to
 * eth-out. Frame on send:
 *   [outer Eth 14][outer IPv4 20][UDP 8][VXLAN 8]
 *   [inner Eth 14: VM MAC <- VPC gateway MAC][IPv4 ...] */
#ifndef VGW_VPC_TUNNEL_DP_H
#define VGW_VPC_TUNNEL_DP_H

#include "../dp/dp.h"
#include "../dp/memo.h"
#include "../net/icmp.h"
#include "../net/vxlan.h"
#include "vpc_dp.h"

/* The way into a VPC, resolved by vgw_vpc_tunnel_prepare. */
struct vgw_vpc_tunnel {
	const struct vgw_vpc_endpoint *ep;
	const struct vgw_vpc *vpc;
	uint32_t vni;
	uint32_t vtep;  /* ours */
	uint32_t nh;    /* underlay next hop */
	uint32_t hash;  /* inner flow: outer UDP source port, ECMP */
	uint16_t udp_port;
	uint16_t out;
};

/* Resolves VM (vni, vm_ip) — ep, when the caller looked it up already (in
 * bulk), else NULL to look it up here — our VTEP and the underlay path for a
 * packet of tot_len tl (IP header at VGW_DP_ETH_HLEN), and checks MTU and
 * headroom; false when m was consumed (counted drop, or an ICMP "fragmentation
 * needed" to its sender). */
static inline bool vgw_vpc_tunnel_prepare(struct vgw_worker *w, struct rte_mbuf *m,
					  const struct vgw_pkt *p, uint32_t vni, uint32_t vm_ip,
					  const struct vgw_vpc_endpoint *ep, uint32_t hash,
					  uint16_t tl, struct vgw_vpc_tunnel *t)
{
	t->ep = ep ? ep : vgw_vpc_endpoint_find(vni, vm_ip);
	if (unlikely(!t->ep)) {
		vgw_dp_drop(w, p->in_port, VGW_VPC_DROP(EIP_NO_ENDPOINT), m);
		return false;
	}
	t->vpc = vgw_dp_memo_vpc(w, vni);
	vgw_vpc_vtep(&t->vtep, &t->udp_port);
	if (unlikely(!t->vtep || !t->vpc)) {
		vgw_dp_drop(w, p->in_port, VGW_VPC_DROP(VTEP_NOT_CONFIGURED), m);
		return false;
	}
	/* the inner flow picks the underlay path: one flow, one path */
	if (unlikely(!vgw_dp_memo_path(w, t->ep->vtep, hash, &t->nh, &t->out))) {
		vgw_dp_drop(w, p->in_port, VGW_DROP_NO_ROUTE, m);
		return false;
	}
	t->vni = vni;
	t->hash = hash;
	uint16_t mtu = vgw_gw.ports[t->out].mtu;
	if (unlikely(tl + VGW_VXLAN_OUTER_LEN > mtu)) {
		w->stats[p->in_port].drop[VGW_VPC_DROP(VXLAN_MTU_EXCEEDED)]++;
		const uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
		if (ip[6] & 0x40) /* DF: the sender learns the tunnel's MTU */
			vgw_dp_icmp_error(w, m, p, VGW_ICMP_DEST_UNREACH, VGW_ICMP_FRAG_NEEDED,
					  (uint32_t)(mtu - VGW_VXLAN_OUTER_LEN));
		else {
			vgw_trace_end(w, m, VGW_TRACE_END_DROP, VGW_VPC_DROP(VXLAN_MTU_EXCEEDED));
			rte_pktmbuf_free(m);
		}
		return false;
	}
	if (unlikely(rte_pktmbuf_headroom(m) < VGW_VXLAN_OUTER_LEN)) {
		vgw_dp_drop(w, p->in_port, VGW_DROP_NO_HEADROOM, m);
		return false;
	}
	return true;
}

/* Writes the inner Ethernet header, encapsulates, and passes the frame to
 * eth-out for the underlay next hop. */
static inline void vgw_vpc_tunnel_send(struct vgw_worker *w, struct rte_mbuf *m,
				       const struct vgw_pkt *p, const struct vgw_vpc_tunnel *t,
				       uint16_t tl)
{
	struct rte_ether_hdr *inner = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	memcpy(inner->dst_addr.addr_bytes, t->ep->mac, 6);
	memcpy(inner->src_addr.addr_bytes, t->vpc->gw_mac, 6);
	inner->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);

	uint8_t *outer = (uint8_t *)rte_pktmbuf_prepend(m, VGW_VXLAN_OUTER_LEN);
	struct vgw_vxlan_outer o = {
		.src_ip = t->vtep,
		.dst_ip = t->ep->vtep,
		.src_port = vgw_vxlan_src_port(t->hash),
		.dst_port = t->udp_port,
		.vni = t->vni,
	};
	/* MACs are written by eth-out */
	vgw_vxlan_encap(outer, &o, (uint16_t)(VGW_DP_ETH_HLEN + tl));
	if (vgw_gw.ports[t->out].tx_ip_cksum) {
		/* the NIC fills the outer checksum (the software one is replaced) */
		outer[VGW_DP_ETH_HLEN + 10] = outer[VGW_DP_ETH_HLEN + 11] = 0;
		m->l2_len = VGW_DP_ETH_HLEN;
		m->l3_len = 20;
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	}
	vgw_dp_push_to(w, VGW_STAGE_ETH_OUT, m, p, NULL, t->nh, t->out);
}

#endif
