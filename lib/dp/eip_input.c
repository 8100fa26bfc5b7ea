/* Inbound tenant traffic: a packet from the Internet to an elastic IP is
 * translated to the VM's private address (DNAT) and sent in VXLAN to the
 * hypervisor hosting the VM (RFC 7348). Runs on workers.
 *
 * Frame on entry:  [Eth 14][IPv4 dst=EIP ...]
 * Frame on exit:   [outer Eth 14][outer IPv4 20][UDP 8][VXLAN 8]
 *                  [inner Eth 14: VM MAC <- VPC gateway MAC][IPv4 dst=private ...]
 * The received Ethernet header becomes the inner one; the 50 outer bytes are
 * prepended in the mbuf's headroom (tunnel_out.c), so nothing is copied or
 * allocated. */
#include "dp.h"

#include "../net/icmp.h"
#include "../net/ip4.h"
#include "../net/nat.h"

void vgw_eip_input(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		   const struct vgw_eip *e)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);

	if (unlikely(ip[8] <= 1)) {
		w->stats[in_port].drop[VGW_DROP_TTL_EXCEEDED]++;
		vgw_ip4_icmp_error(w, in_port, m, VGW_ICMP_TIME_EXCEEDED, 0, 0);
		return;
	}
	struct vgw_tunnel t;
	/* the tunnel first: a packet that cannot fit is refused before any
	 * rewrite, so the ICMP error quotes what the sender sent */
	if (!vgw_tunnel_prepare(w, in_port, m, e->vni, e->ip, vgw_ip4_flow_hash(ip, hl, tl), tl,
				&t))
		return;
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

	vgw_tunnel_send(w, in_port, m, &t, tl);
}
