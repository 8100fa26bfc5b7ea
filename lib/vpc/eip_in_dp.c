/* Stage eip-in: a packet from the Internet (or hairpinned from a VM) to an
 * elastic IP is translated to the VM's private address (DNAT) and sent in
 * VXLAN to the hypervisor hosting the VM (RFC 7348). Runs on workers.
 *
 * Frame on entry:  [Eth 14][IPv4 dst=EIP ...]            (obj = the EIP)
 * Frame on exit:   [outer Eth 14][outer IPv4 20][UDP 8][VXLAN 8]
 *                  [inner Eth 14: VM MAC <- VPC gateway MAC][IPv4 dst=private ...]
 * The received Ethernet header becomes the inner one; the 50 outer bytes are
 * prepended in the mbuf's headroom (tunnel_dp.h), so nothing is copied or
 * allocated.
 *
 * Over the vector: the endpoints of all packets are looked up in one bulk
 * call first (their buckets fetched together), then each packet is checked,
 * rewritten and encapsulated in order. */
#include "../core/rmap.h"
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "../net/nat.h"
#include "tunnel_dp.h"
#include "vpc_dp.h"

void vgw_vpc_stage_eip_in(struct vgw_worker *w, const struct vgw_vec *v)
{
	uint8_t keys[VGW_BURST][VGW_RMAP_KEY_LEN];
	void *ep[VGW_BURST];
	for (uint32_t i = 0; i < v->n; i++) {
		const struct vgw_vpc_eip *e = v->p[i].obj;
		struct vgw_vpc_key k = {.vni = e->vni, .ip = e->ip};
		vgw_rmap_key(&k, sizeof(k), keys[i]);
	}
	vgw_rmap_get_bulk(vgw_vpc_main->endpoints, (const uint8_t(*)[VGW_RMAP_KEY_LEN])keys, v->n,
			  ep);

	for (uint32_t i = 0; i < v->n; i++) {
		struct rte_mbuf *m = v->m[i];
		const struct vgw_pkt *p = &v->p[i];
		const struct vgw_vpc_eip *e = p->obj;
		uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
		uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
		uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
		if (vgw_dp_ttl_expired(w, m, p, ip, true))
			continue;
		if (unlikely(!ep[i])) {
			vgw_dp_drop(w, p->in_port, VGW_VPC_DROP(EIP_NO_ENDPOINT), m);
			continue;
		}
		struct vgw_vpc_tunnel t;
		/* the tunnel first: a packet that cannot fit is refused before
		 * any rewrite, so the ICMP error quotes what the sender sent */
		if (!vgw_vpc_tunnel_prepare(w, m, p, e->vni, e->ip, ep[i],
					    vgw_ip4_flow_hash(ip, hl, tl), tl, &t))
			continue;
		/* RFC 5508: an error about a flow of this EIP quotes a packet the
		 * EIP sent; its source goes back to the private address */
		if (vgw_icmp_is_error(ip, hl, tl)) {
			if (unlikely(vgw_icmp_quoted_addr(ip, hl, tl, VGW_NAT_SRC) != e->eip ||
				     vgw_nat_icmp_inner(ip, hl, tl, VGW_NAT_SRC, e->ip, 0, -1) < 0)) {
				vgw_dp_drop(w, p->in_port, VGW_VPC_DROP(NAT_ICMP_UNTRANSLATABLE), m);
				continue;
			}
		}
		vgw_ip4_ttl_dec(ip);
		vgw_nat_set_addr(ip, hl, tl, VGW_NAT_DST, e->ip);
		vgw_vpc_tunnel_send(w, m, p, &t, tl);
	}
}

void vgw_vpc_trace_eip_in(const struct vgw_pkt *p, char *note, size_t n)
{
	const struct vgw_vpc_eip *e = p->obj;
	char a[VGW_IP4_STRLEN], b[VGW_IP4_STRLEN];
	snprintf(note, n, "eip %s -> %s vni %u", vgw_ip4_str(e->eip, a), vgw_ip4_str(e->ip, b),
		 e->vni);
}
