/* Step vip-icmp of the lb stage (lb_dp.c): ICMP errors about load-balanced flows, from the Internet:
 * a router on the way to the client reports a problem (typically
 * "fragmentation needed") with a reply the backend sent, which left the
 * gateway as VIP:port -> client. The error is addressed to the VIP and
 * quotes that packet. Runs on workers, on the flow's owner (the quoted
 * destination is the client).
 *
 * RFC 5508 as for EIPs: the connection entry gives the backend; the outer
 * destination and the quoted source (address and port) become the backend's,
 * so the backend's TCP sees an error about its own packet and lowers its MSS,
 * and the error is tunnelled to it like the flow's packets. */
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "../net/nat.h"
#include "../vpc/tunnel_dp.h"
#include "lb_dp.h"
#include "ct_worker.h"

void vgw_lb_vip_icmp(struct vgw_worker *w, struct rte_mbuf *m, const struct vgw_pkt *p)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	/* the quote: [IPv4 qhl][ports] after the 8-byte ICMP header */
	const uint8_t *q = ip + hl + 8;
	uint16_t qhl = tl >= hl + 8 + 20 ? (uint16_t)((q[0] & 0xf) * 4) : 0;
	if (unlikely(!qhl || qhl < 20 || tl < hl + 8 + qhl + 4 || (q[9] != 6 && q[9] != 17) ||
		     vgw_ip4_is_later_fragment(q))) {
		vgw_dp_drop(w, p->in_port, VGW_VPC_DROP(NAT_ICMP_UNTRANSLATABLE), m);
		return;
	}
	/* quoted: VIP:vport -> client:cport */
	uint32_t vip = vgw_ip4_src(q), client = vgw_ip4_dst(q);
	uint16_t vport = (uint16_t)(q[qhl] << 8 | q[qhl + 1]);
	uint16_t cport = (uint16_t)(q[qhl + 2] << 8 | q[qhl + 3]);
	if (vgw_lb_steer(w, p->in_port, m, client, cport, VGW_LB_ICMP, 0))
		return;
	struct vgw_ct_key ok = {.src = client, .dst = vip, .sport = cport, .dport = vport,
				.proto = q[9]};
	enum vgw_ct_dir dir;
	struct vgw_ct_entry *e = vgw_ct_lookup(w->lb->ct, &ok, &dir);
	if (unlikely(!e || dir != VGW_CT_ORIG || vgw_ip4_dst(ip) != vip)) {
		vgw_dp_drop(w, p->in_port, VGW_VPC_DROP(NAT_ICMP_UNTRANSLATABLE), m);
		return;
	}
	if (vgw_dp_ttl_expired(w, m, p, ip, false)) /* no error about an error */
		return;
	struct vgw_vpc_tunnel t;
	if (!vgw_vpc_tunnel_prepare(w, m, p, e->be_vni, e->be_ip, NULL,
				    vgw_ip4_flow_hash(ip, hl, tl), tl, &t))
		return;
	if (unlikely(vgw_nat_icmp_inner(ip, hl, tl, VGW_NAT_SRC, e->be_ip, VGW_NAT_SPORT,
					e->be_port) < 0)) {
		vgw_dp_drop(w, p->in_port, VGW_VPC_DROP(NAT_ICMP_UNTRANSLATABLE), m);
		return;
	}
	vgw_ip4_ttl_dec(ip);
	vgw_nat_set_addr(ip, hl, tl, VGW_NAT_DST, e->be_ip);
	vgw_vpc_tunnel_send(w, m, p, &t, tl);
}
