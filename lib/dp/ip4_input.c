/* IPv4 input: validation (RFC 1812 5.2.2), then local delivery or forwarding. */
#include "dp.h"

#include "../fib/fib_dp.h"
#include "../lb/service.h"
#include "../net/icmp.h"
#include "../net/ip4.h"

/* UDP to the gateway's VTEP on the VXLAN port, received on an underlay port
 * (never from the Internet: a spoofed hypervisor address must not reach a
 * tenant). Every UDP fragment to the VTEP counts as VXLAN, refused there:
 * only the first one shows the port. */
static bool is_vxlan(const uint8_t *ip, uint16_t hl, uint16_t tl, uint16_t port, uint32_t dst)
{
	if (ip[9] != 17 || vgw_gw.ports[port].role != VGW_ROLE_UNDERLAY)
		return false;
	uint32_t vtep;
	uint16_t vport;
	vgw_vtep_get(vgw_gw.vpc, &vtep, &vport);
	return dst == vtep && (vgw_ip4_is_fragment(ip) ||
			       (tl >= hl + 8 && (ip[hl + 2] << 8 | ip[hl + 3]) == vport));
}

/* To a VIP address: its service on that port, if any. A VIP is no address of
 * the gateway, but answering ping for it is what operators expect. */
static void vip_input(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m, uint16_t hl,
		      uint16_t tl, uint32_t dst)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
	uint8_t proto = ip[9];
	if (unlikely(vgw_ip4_is_fragment(ip))) {
		/* only the first fragment has ports; we do not reassemble */
		vgw_dp_drop(w, port, VGW_DROP_VIP_FRAGMENT, m);
		return;
	}
	if ((proto == 6 || proto == 17) && tl >= hl + 4) {
		struct vgw_svc_key k = {.vip = dst,
					.port = (uint16_t)(ip[hl + 2] << 8 | ip[hl + 3]),
					.proto = proto};
		const struct vgw_svc *svc = vgw_rmap_get(vgw_lb.by_vip, &k);
		if (likely(svc != NULL)) {
			vgw_vip_input(w, port, m, svc);
			return;
		}
	}
	if (proto == 1 && vgw_icmp_is_echo_request(ip, hl, tl)) {
		vgw_ip4_local(w, port, m, hl, tl, dst);
		return;
	}
	if (proto == 1 && vgw_icmp_is_error(ip, hl, tl)) {
		vgw_vip_icmp_input(w, port, m);
		return;
	}
	vgw_dp_drop(w, port, VGW_DROP_VIP_NO_SERVICE, m);
}

void vgw_ip4_input(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
	uint32_t avail = rte_pktmbuf_data_len(m) - VGW_ETH_HLEN;
	uint16_t hl, tl;
	enum vgw_drop why = vgw_ip4_check(ip, avail, &hl, &tl);
	if (unlikely(why != VGW_DROP_NONE)) {
		vgw_dp_drop(w, port, why, m);
		return;
	}
	if (tl < avail) /* Ethernet padding must not travel on */
		rte_pktmbuf_trim(m, (uint16_t)(avail - tl));

	uint32_t src = vgw_ip4_src(ip), dst = vgw_ip4_dst(ip);
	if (unlikely(vgw_ip4_src_martian(src))) {
		vgw_dp_drop(w, port, VGW_DROP_IP_BAD_SRC, m);
		return;
	}
	if (unlikely(vgw_ip4_dst_not_unicast(dst))) {
		vgw_dp_drop(w, port, VGW_DROP_IP_DST_NOT_UNICAST, m);
		return;
	}
	vgw_ip4_dispatch(w, port, m, hl, tl, vgw_rmap_get(vgw_gw.vpc->eip_by_pub, &dst));
}

/* Anti-spoofing: no packet the gateway receives may come from an address
 * the gateway itself answers for — its own, an EIP's or a VIP's (those only
 * ever leave from here; one arriving is forged, e.g. to make a VIP talk to
 * itself or a VM trust "its" gateway). The presence filters keep the
 * common case at a few instructions. */
static inline bool src_spoofed(uint32_t src)
{
	/* one hash for both maps (same key layout); the port addresses are a
	 * handful, behind a one-word filter (gw.h local_filter) */
	uint8_t k[VGW_RMAP_KEY_LEN];
	vgw_rmap_key(&src, sizeof(src), k);
	uint32_t h = vgw_rmap_hash(k);
	if (vgw_rmap_lookup_hashed(vgw_gw.vpc->eip_by_pub, k, h) ||
	    vgw_rmap_lookup_hashed(vgw_lb.vip_addrs, k, h))
		return true;
	return unlikely(vgw_gw.local_filter >> vgw_local_filter_bit(src) & 1) &&
	       vgw_ip_is_local(src);
}

void vgw_ip4_dispatch(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m, uint16_t hl,
		      uint16_t tl, const struct vgw_eip *e)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
	uint32_t dst = vgw_ip4_dst(ip);
	if (unlikely(src_spoofed(vgw_ip4_src(ip)))) {
		vgw_dp_drop(w, port, VGW_DROP_IP_SRC_SPOOFED, m);
		return;
	}
	/* an EIP belongs to a VM behind the tunnel, whichever port it came in on */
	if (e) {
		vgw_eip_input(w, port, m, e);
		return;
	}
	const struct vgw_route_target *t = vgw_fib_lookup(vgw_gw.fib, dst);
	if (t && t->kind == VGW_RT_LOCAL) {
		if (is_vxlan(ip, hl, tl, port, dst))
			vgw_vxlan_input(w, port, m, hl, tl);
		else
			vgw_ip4_local(w, port, m, hl, tl, dst);
		return;
	}
	/* after the local check: VXLAN to our VTEP, the bulk, skips this lookup.
	 * Traffic to a VIP:port is the bulk of VIP traffic: when the address
	 * filter does not rule dst out, the service is looked up at once, and
	 * the address itself only when no service matches (one table lookup a
	 * packet instead of two) */
	if (vgw_lb.vip_addrs->n && vgw_rmap_may_have(vgw_lb.vip_addrs, &dst, sizeof(dst))) {
		const struct vgw_svc *svc = NULL;
		if ((ip[9] == 6 || ip[9] == 17) && !vgw_ip4_is_fragment(ip) && tl >= hl + 4) {
			struct vgw_svc_key k = {.vip = dst,
						.port = (uint16_t)(ip[hl + 2] << 8 | ip[hl + 3]),
						.proto = ip[9]};
			svc = vgw_rmap_get(vgw_lb.by_vip, &k);
		}
		if (likely(svc != NULL)) {
			vgw_vip_input(w, port, m, svc);
			return;
		}
		if (vgw_lb_is_vip_addr(dst)) {
			vip_input(w, port, m, hl, tl, dst);
			return;
		}
	}
	if (unlikely(!t)) {
		vgw_dp_drop(w, port, VGW_DROP_NO_ROUTE, m);
		return;
	}
	if (unlikely(t->kind == VGW_RT_CONNECTED && dst == t->bcast)) {
		vgw_dp_drop(w, port, VGW_DROP_IP_DST_NOT_UNICAST, m);
		return;
	}
	if (unlikely(ip[8] <= 1)) {
		w->stats[port].drop[VGW_DROP_TTL_EXCEEDED]++;
		vgw_ip4_icmp_error(w, port, m, VGW_ICMP_TIME_EXCEEDED, 0, 0);
		return;
	}
	vgw_ip4_ttl_dec(ip);
	vgw_ip4_output(w, port, m, t);
}
