/* Into a VPC: the VXLAN encapsulation shared by everything the gateway sends
 * to a VM (EIP DNAT, load-balanced flows, health-check probes). Runs on
 * workers.
 *
 * Two steps so that callers can refuse a packet before rewriting it: prepare
 * resolves the VM (endpoint), the gateway's VTEP, the underlay path and checks
 * MTU and headroom; send writes the inner Ethernet header, prepends the 50
 * outer bytes in the mbuf's headroom and transmits. Frame on send:
 *   [outer Eth 14][outer IPv4 20][UDP 8][VXLAN 8]
 *   [inner Eth 14: VM MAC <- VPC gateway MAC][IPv4 ...] */
#include "dp.h"

#include "../fib/fib_dp.h"
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "../net/vxlan.h"
#include "memo.h"

bool vgw_tunnel_prepare(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
			uint32_t vni, uint32_t vm_ip, uint32_t hash, uint16_t tl,
			struct vgw_tunnel *t)
{
	struct vgw_vpc_tables *vt = vgw_gw.vpc;
	struct vgw_vpc_key k = {.vni = vni, .ip = vm_ip};
	t->ep = vgw_rmap_get(vt->endpoints, &k);
	if (unlikely(!t->ep)) {
		vgw_dp_drop(w, in_port, VGW_DROP_EIP_NO_ENDPOINT, m);
		return false;
	}
	t->vpc = vgw_memo_vpc(w, vni);
	vgw_vtep_get(vt, &t->vtep, &t->udp_port);
	if (unlikely(!t->vtep || !t->vpc)) {
		vgw_dp_drop(w, in_port, VGW_DROP_VTEP_NOT_CONFIGURED, m);
		return false;
	}
	/* the inner flow picks the underlay path: one flow, one path */
	if (unlikely(!vgw_memo_path(w, t->ep->vtep, hash, &t->nh, &t->out))) {
		vgw_dp_drop(w, in_port, VGW_DROP_NO_ROUTE, m);
		return false;
	}
	t->vni = vni;
	t->hash = hash;
	uint16_t mtu = vgw_gw.ports[t->out].mtu;
	if (unlikely(tl + VGW_VXLAN_OUTER_LEN > mtu)) {
		w->stats[in_port].drop[VGW_DROP_VXLAN_MTU_EXCEEDED]++;
		const uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
		if (ip[6] & 0x40) /* DF: the sender learns the tunnel's MTU */
			vgw_ip4_icmp_error(w, in_port, m, VGW_ICMP_DEST_UNREACH,
					   VGW_ICMP_FRAG_NEEDED,
					   (uint32_t)(mtu - VGW_VXLAN_OUTER_LEN));
		else
			rte_pktmbuf_free(m);
		return false;
	}
	if (unlikely(rte_pktmbuf_headroom(m) < VGW_VXLAN_OUTER_LEN)) {
		vgw_dp_drop(w, in_port, VGW_DROP_NO_HEADROOM, m);
		return false;
	}
	return true;
}

void vgw_tunnel_send(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		     const struct vgw_tunnel *t, uint16_t tl)
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
	/* MACs are written by vgw_ip4_xmit */
	vgw_vxlan_encap(outer, &o, (uint16_t)(VGW_ETH_HLEN + tl));
	if (vgw_gw.ports[t->out].tx_ip_cksum) {
		/* the NIC fills the outer checksum (the software one is replaced) */
		outer[VGW_ETH_HLEN + 10] = outer[VGW_ETH_HLEN + 11] = 0;
		m->l2_len = VGW_ETH_HLEN;
		m->l3_len = 20;
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	}
	vgw_ip4_xmit(w, in_port, m, t->nh, t->out);
}

void vgw_tunnel_originated(struct vgw_worker *w, struct rte_mbuf *m)
{
	const struct vgw_mbuf_priv *pr = vgw_mbuf_priv(m);
	uint16_t in_port = pr->in_port < vgw_gw.n_ports ? pr->in_port : 0;
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	struct vgw_tunnel t;
	if (vgw_tunnel_prepare(w, in_port, m, pr->vni, vgw_ip4_dst(ip),
			       vgw_ip4_flow_hash(ip, hl, tl), tl, &t))
		vgw_tunnel_send(w, in_port, m, &t, tl);
}
