/* Inbound tenant traffic: a packet from the Internet to an elastic IP is
 * translated to the VM's private address (DNAT) and sent in VXLAN to the
 * hypervisor hosting the VM (RFC 7348). Runs on workers.
 *
 * Frame on entry:  [Eth 14][IPv4 dst=EIP ...]
 * Frame on exit:   [outer Eth 14][outer IPv4 20][UDP 8][VXLAN 8]
 *                  [inner Eth 14: VM MAC <- VPC gateway MAC][IPv4 dst=private ...]
 * The received Ethernet header becomes the inner one; the 50 outer bytes are
 * prepended in the mbuf's headroom, so nothing is copied or allocated. */
#include "dp.h"

#include "../fib/fib_dp.h"
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "../net/nat.h"
#include "../net/vxlan.h"

void vgw_eip_input(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		   const struct vgw_eip *e)
{
	struct vgw_vpc_tables *vt = vgw_gw.vpc;
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);

	if (unlikely(ip[8] <= 1)) {
		w->stats[in_port].drop[VGW_DROP_TTL_EXCEEDED]++;
		vgw_ip4_icmp_error(w, in_port, m, VGW_ICMP_TIME_EXCEEDED, 0, 0);
		return;
	}
	struct vgw_vpc_key k = {.vni = e->vni, .ip = e->ip};
	const struct vgw_endpoint *ep = vgw_rmap_get(vt->endpoints, &k);
	if (unlikely(!ep)) {
		vgw_dp_drop(w, in_port, VGW_DROP_EIP_NO_ENDPOINT, m);
		return;
	}
	const struct vgw_vpc *vpc = vgw_rmap_get(vt->vpc_by_vni, &e->vni);
	uint32_t vtep;
	uint16_t udp_port;
	vgw_vtep_get(vt, &vtep, &udp_port);
	if (unlikely(!vtep || !vpc)) {
		vgw_dp_drop(w, in_port, VGW_DROP_VTEP_NOT_CONFIGURED, m);
		return;
	}
	/* the outer path first: a packet that cannot fit is refused before any
	 * rewrite, so the ICMP error quotes what the sender sent */
	const struct vgw_route_target *t = vgw_fib_lookup(vgw_gw.fib, ep->vtep);
	uint32_t hash = vgw_ip4_flow_hash(ip, hl, tl);
	uint32_t nh;
	uint16_t out;
	if (unlikely(!t || !vgw_ip4_path(t, ep->vtep, hash, &nh, &out))) {
		vgw_dp_drop(w, in_port, VGW_DROP_NO_ROUTE, m);
		return;
	}
	uint16_t mtu = vgw_gw.ports[out].mtu;
	if (unlikely(tl + VGW_VXLAN_OUTER_LEN > mtu)) {
		w->stats[in_port].drop[VGW_DROP_VXLAN_MTU_EXCEEDED]++;
		if (ip[6] & 0x40) /* DF: the sender learns the tunnel's MTU */
			vgw_ip4_icmp_error(w, in_port, m, VGW_ICMP_DEST_UNREACH,
					   VGW_ICMP_FRAG_NEEDED,
					   (uint32_t)(mtu - VGW_VXLAN_OUTER_LEN));
		else
			rte_pktmbuf_free(m);
		return;
	}
	if (unlikely(rte_pktmbuf_headroom(m) < VGW_VXLAN_OUTER_LEN)) {
		vgw_dp_drop(w, in_port, VGW_DROP_NO_HEADROOM, m);
		return;
	}
	/* RFC 5508: an error about a flow of this EIP quotes a packet the EIP
	 * sent; its source goes back to the private address */
	if (vgw_icmp_is_error(ip, hl, tl)) {
		if (unlikely(vgw_icmp_quoted_addr(ip, hl, tl, VGW_NAT_SRC) != e->eip ||
			     vgw_nat_icmp_inner(ip, hl, tl, VGW_NAT_SRC, e->ip, 0, -1) < 0)) {
			vgw_dp_drop(w, in_port, VGW_DROP_NAT_ICMP_UNTRANSLATABLE, m);
			return;
		}
	}
	vgw_ip4_ttl_dec(ip);
	vgw_nat_set_addr(ip, hl, tl, VGW_NAT_DST, e->ip);

	struct rte_ether_hdr *inner = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	memcpy(inner->dst_addr.addr_bytes, ep->mac, 6);
	memcpy(inner->src_addr.addr_bytes, vpc->gw_mac, 6);
	inner->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);

	uint8_t *outer = (uint8_t *)rte_pktmbuf_prepend(m, VGW_VXLAN_OUTER_LEN);
	struct vgw_vxlan_outer o = {
		.src_ip = vtep,
		.dst_ip = ep->vtep,
		.src_port = vgw_vxlan_src_port(hash),
		.dst_port = udp_port,
		.vni = e->vni,
	};
	/* MACs are written by vgw_ip4_xmit */
	vgw_vxlan_encap(outer, &o, (uint16_t)(VGW_ETH_HLEN + tl));
	if (vgw_gw.ports[out].tx_ip_cksum) {
		/* the NIC fills the outer checksum (the software one is replaced) */
		outer[VGW_ETH_HLEN + 10] = outer[VGW_ETH_HLEN + 11] = 0;
		m->l2_len = VGW_ETH_HLEN;
		m->l3_len = 20;
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	}
	vgw_ip4_xmit(w, in_port, m, nh, out);
}
