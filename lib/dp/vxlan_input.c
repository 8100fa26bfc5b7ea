/* Outbound tenant traffic: VXLAN from a hypervisor to the gateway's VTEP is
 * checked, decapsulated, its source translated to the VM's EIP (SNAT) and
 * routed to the Internet. Runs on workers.
 *
 * Frame on entry:  [outer Eth 14][outer IPv4 hl][UDP 8][VXLAN 8]
 *                  [inner Eth 14: VPC gateway MAC <- VM MAC][IPv4 src=private ...]
 * Frame on exit:   [Eth 14][IPv4 src=EIP ...]  (the inner Ethernet header is
 *                  reused; vgw_ip4_xmit rewrites its MACs)
 *
 * After the checks and decapsulation, a packet from a backend's port goes to
 * the load balancer (lb_reply.c, or the health checker when it is addressed
 * to a VIP); everything else is the VM's own traffic (vgw_vpc_out).
 *
 * Isolation: every lookup is keyed by the VNI the packet came with, and the
 * source must be an endpoint of that VNI hosted behind the outer source VTEP,
 * so a hypervisor can neither reach another VPC nor speak for a VM it does
 * not host. */
#include "dp.h"

#include "../lb/health.h"
#include "../lb/service.h"
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "../net/nat.h"
#include "../net/vxlan.h"
#include "memo.h"

#define VXLAN_MIN (8 + VGW_VXLAN_HLEN + VGW_ETH_HLEN) /* UDP + VXLAN + inner Eth */

void vgw_vxlan_input(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		     uint16_t hl, uint16_t tl)
{
	struct vgw_vpc_tables *vt = vgw_gw.vpc;
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
	enum vgw_drop why;
	if (unlikely(vgw_ip4_is_fragment(ip))) {
		/* a VTEP must not fragment (RFC 7348 4.3); we do not reassemble */
		why = VGW_DROP_VXLAN_OUTER_FRAGMENT;
		goto drop;
	}
	const uint8_t *udp = ip + hl;
	uint16_t ulen = (uint16_t)(udp[4] << 8 | udp[5]);
	if (unlikely(tl - hl < VXLAN_MIN || ulen != tl - hl)) {
		why = VGW_DROP_VXLAN_MALFORMED;
		goto drop;
	}
	uint32_t outer_src = vgw_ip4_src(ip);
	if (unlikely(!vgw_rmap_get(vt->hvs, &outer_src))) {
		why = VGW_DROP_VXLAN_UNKNOWN_VTEP;
		goto drop;
	}
	uint32_t vni;
	if (unlikely(vgw_vxlan_parse(udp + 8, (uint32_t)(ulen - 8), &vni) != VGW_VXLAN_OK)) {
		why = VGW_DROP_VXLAN_NO_I_FLAG; /* length was checked above */
		goto drop;
	}
	const struct vgw_vpc *vpc = vgw_memo_vpc(w, vni);
	if (unlikely(!vpc)) {
		why = VGW_DROP_VXLAN_UNKNOWN_VNI;
		goto drop;
	}
	const uint8_t *ieth = udp + 8 + VGW_VXLAN_HLEN;
	if (unlikely(ieth[12] != 0x08 || ieth[13] != 0x00)) {
		why = VGW_DROP_VXLAN_INNER_NOT_IPV4;
		goto drop;
	}
	if (unlikely(memcmp(ieth, vpc->gw_mac, 6) != 0)) {
		why = VGW_DROP_VXLAN_INNER_WRONG_MAC;
		goto drop;
	}
	uint8_t *iip = (uint8_t *)ieth + VGW_ETH_HLEN;
	uint32_t iavail = (uint32_t)(ulen - VXLAN_MIN);
	uint16_t ihl, itl;
	why = vgw_ip4_check(iip, iavail, &ihl, &itl);
	if (unlikely(why != VGW_DROP_NONE))
		goto drop;
	uint32_t src = vgw_ip4_src(iip);
	if (unlikely(vgw_ip4_src_martian(src))) {
		why = VGW_DROP_IP_BAD_SRC;
		goto drop;
	}
	if (unlikely(vgw_ip4_dst_not_unicast(vgw_ip4_dst(iip)))) {
		why = VGW_DROP_IP_DST_NOT_UNICAST;
		goto drop;
	}
	struct vgw_vpc_key k = {.vni = vni, .ip = src};
	const struct vgw_endpoint *ep = vgw_rmap_get(vt->endpoints, &k);
	if (unlikely(!ep)) {
		why = VGW_DROP_VXLAN_SRC_NOT_ENDPOINT;
		goto drop;
	}
	if (unlikely(ep->vtep != outer_src)) {
		why = VGW_DROP_VXLAN_SRC_WRONG_VTEP;
		goto drop;
	}
	/* decapsulate: the inner Ethernet header becomes the frame's */
	rte_pktmbuf_adj(m, (uint16_t)(VGW_ETH_HLEN + hl + 8 + VGW_VXLAN_HLEN));
	if (itl < iavail) /* inner Ethernet padding must not travel on */
		rte_pktmbuf_trim(m, (uint16_t)(iavail - itl));

	/* a backend's TCP/UDP port: a reply to a client, or the answer to a
	 * health check (sent from the VIP) */
	uint8_t proto = iip[9];
	if ((proto == 6 || proto == 17) && !vgw_ip4_is_fragment(iip) && itl >= ihl + 4 &&
	    vgw_lb_is_backend(vni, src, (uint16_t)(iip[ihl] << 8 | iip[ihl + 1]), proto)) {
		if (unlikely(vgw_lb_is_vip_addr(vgw_ip4_dst(iip)))) {
			/* only what can answer a probe goes up: TCP with ACK
			 * (SYN-ACK or RST) from the backend's own address and
			 * port (checked above) to a probe's source port */
			const uint8_t *t = iip + ihl;
			uint16_t dport = (uint16_t)(t[2] << 8 | t[3]);
			if (proto != 6 || itl < ihl + 20 || !(t[13] & 0x10) ||
			    dport < VGW_HC_SPORT_BASE || dport >= VGW_HC_SPORT_BASE + VGW_HC_SPORT_N) {
				vgw_dp_drop(w, in_port, VGW_DROP_HEALTH_NOT_PROBE_ANSWER, m);
				return;
			}
			vgw_mbuf_priv(m)->vni = vni;
			vgw_dp_punt(w, in_port, m, VGW_PUNT_HEALTH);
			return;
		}
		vgw_lb_reply(w, in_port, m, vni);
		return;
	}
	vgw_vpc_out(w, in_port, m, vni);
	return;
drop:
	vgw_dp_drop(w, in_port, why, m);
}

void vgw_vpc_out(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m, uint32_t vni)
{
	uint8_t *iip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
	uint16_t ihl = (uint16_t)((iip[0] & 0xf) * 4);
	uint16_t itl = (uint16_t)(iip[2] << 8 | iip[3]);
	uint32_t src = vgw_ip4_src(iip);
	struct vgw_vpc_key k = {.vni = vni, .ip = src};
	enum vgw_drop why;
	const struct vgw_eip *e = vgw_rmap_get(vgw_gw.vpc->eip_by_priv, &k);
	if (unlikely(!e)) {
		why = VGW_DROP_VPC_NO_EIP;
		goto drop;
	}
	if (unlikely(iip[8] <= 1)) {
		why = VGW_DROP_TTL_EXCEEDED;
		goto drop;
	}
	/* RFC 5508: the VM's error about an inbound flow quotes a packet sent
	 * to its private address; the Internet must see the EIP there */
	if (vgw_icmp_is_error(iip, ihl, itl) &&
	    unlikely(vgw_icmp_quoted_addr(iip, ihl, itl, VGW_NAT_DST) != src ||
		     vgw_nat_icmp_inner(iip, ihl, itl, VGW_NAT_DST, e->eip, 0, -1) < 0)) {
		why = VGW_DROP_NAT_ICMP_UNTRANSLATABLE;
		goto drop;
	}
	vgw_ip4_ttl_dec(iip);
	vgw_nat_set_addr(iip, ihl, itl, VGW_NAT_SRC, e->eip);
	vgw_ip4_route(w, in_port, m);
	return;
drop:
	vgw_dp_drop(w, in_port, why, m);
}
