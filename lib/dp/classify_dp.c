/* Stage classify: the first step of every received burst. One verdict per
 * frame, all lookups that decide it made here, once, in bulk. Runs on
 * workers.
 *
 * Pass 1, per frame (the next frames' first lines prefetched): Ethernet
 * (for us, IPv4 or ARP) and IPv4 validation (RFC 1812 5.2.2: version, header
 * and total length, checksum, a sane source, a unicast destination). ARP is
 * punted, anything wrong dropped with its reason, Ethernet padding trimmed.
 *
 * Pass 2, over the valid IPv4 frames: one bulk lookup of their destinations
 * in the EIP table (the buckets fetched together), one in the SNAT pool
 * addresses of those the pool filter claims, one in the FIB (rte_lpm's
 * bulk lookup) of the rest, and one in the services of those
 * to a VIP:port (TCP/UDP, not a fragment) that the VIP filter claims.
 *
 * Pass 3, per valid frame, in arrival order: the verdict —
 *   source is ours, an EIP or a VIP (forged)   drop ip_src_spoofed
 *   destination is an EIP                       eip-in (obj = EIP)
 *   destination is a SNAT pool address          snat (obj = the address)
 *   a local address: VXLAN to our VTEP          vxlan-in
 *                    anything else              ip4-local
 *   VIP:port of a service                       lb (obj = service)
 *   another packet to a VIP address             ip4-local (echo), lb (an
 *                                               ICMP error), or a drop
 *   routed                                      ip4-forward (obj = route,
 *                                               TTL to check)
 * The tables are RCU-published and a worker reports no quiescent state
 * within a burst, so the objects found stay valid until the burst is done. */
#include "dp.h"

#include <rte_prefetch.h>

#include "../fib/fib_dp.h"
#include "../lb/lb_dp.h"
#include "../net/cksum.h"
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "../snat/snat_dp.h"
#include "../vpc/vpc_dp.h"

/* Frames ahead whose first line is fetched before they are checked. */
#define PREFETCH_AHEAD 4

/* A MAC as the first 6 bytes of a little-endian 8-byte word. */
static inline uint64_t mac48(const void *p)
{
	uint32_t lo;
	uint16_t hi;
	memcpy(&lo, p, 4);
	memcpy(&hi, (const uint8_t *)p + 4, 2);
	return (uint64_t)hi << 32 | lo;
}

#define MAC48_BCAST 0xffffffffffffULL

enum frame { FRAME_IP4, FRAME_ARP, FRAME_DROP };

/* Pass 1 for one frame: FRAME_IP4 with its destination (padding trimmed),
 * FRAME_ARP, or FRAME_DROP with the reason. */
static inline enum frame check_frame(struct rte_mbuf *m, uint64_t our_mac, uint32_t *dst,
				     enum vgw_drop *why)
{
	uint32_t len = rte_pktmbuf_data_len(m);
	if (unlikely(len < VGW_DP_ETH_HLEN)) {
		*why = VGW_DROP_ETH_SHORT;
		return FRAME_DROP;
	}
	uint8_t *eh = rte_pktmbuf_mtod(m, uint8_t *);
	/* ports run promiscuous (not every PMD takes our MAC): filter here */
	uint64_t dmac = mac48(eh);
	if (unlikely(dmac != our_mac && dmac != MAC48_BCAST)) {
		*why = VGW_DROP_ETH_NOT_FOR_US;
		return FRAME_DROP;
	}
	if (unlikely(eh[12] != 0x08 || eh[13] != 0x00)) {
		if (eh[12] == 0x08 && eh[13] == 0x06)
			return FRAME_ARP;
		*why = VGW_DROP_ETHERTYPE_UNSUPPORTED;
		return FRAME_DROP;
	}
	uint8_t *ip = eh + VGW_DP_ETH_HLEN;
	uint32_t avail = len - VGW_DP_ETH_HLEN;
	uint16_t hl, tl;
	*why = vgw_ip4_check(ip, avail, &hl, &tl);
	if (unlikely(*why != VGW_DROP_NONE))
		return FRAME_DROP;
	if (tl < avail) /* Ethernet padding must not travel on */
		rte_pktmbuf_trim(m, (uint16_t)(avail - tl));
	if (unlikely(vgw_ip4_src_martian(vgw_ip4_src(ip)))) {
		*why = VGW_DROP_IP_BAD_SRC;
		return FRAME_DROP;
	}
	*dst = vgw_ip4_dst(ip);
	if (unlikely(vgw_ip4_dst_not_unicast(*dst))) {
		*why = VGW_DROP_IP_DST_NOT_UNICAST;
		return FRAME_DROP;
	}
	return FRAME_IP4;
}

/* Anti-spoofing: no packet the gateway receives may come from an address
 * the gateway itself answers for — its own, an EIP's, a VIP's or a SNAT
 * pool's (those only
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
	if (vgw_rmap_lookup_hashed(vgw_vpc_eip_map(), k, h) ||
	    vgw_rmap_lookup_hashed(vgw_lb_vip_map(), k, h) ||
	    vgw_rmap_lookup_hashed(vgw_snat_addr_map(), k, h))
		return true;
	return unlikely(vgw_gw.local_filter >> vgw_local_filter_bit(src) & 1) &&
	       vgw_ip_is_local(src);
}

/* UDP to the gateway's VTEP on the VXLAN port, received on an underlay port
 * (never from the Internet: a spoofed hypervisor address must not reach a
 * tenant). Every UDP fragment to the VTEP counts as VXLAN, refused there:
 * only the first one shows the port. */
static inline bool is_vxlan(const uint8_t *ip, uint16_t port, uint32_t dst, uint32_t vtep,
			    uint16_t vport)
{
	if (ip[9] != 17 || vgw_gw.ports[port].role != VGW_ROLE_UNDERLAY || dst != vtep)
		return false;
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	return vgw_ip4_is_fragment(ip) ||
	       (tl >= hl + 8 && (ip[hl + 2] << 8 | ip[hl + 3]) == vport);
}

/* Another packet to a VIP address than to one of its services: the VIP is
 * no address of the gateway, but answering ping for it is what operators
 * expect; ICMP errors about its flows go to the lb stage. */
static inline void vip_addr(struct vgw_worker *w, struct rte_mbuf *m, const struct vgw_pkt *p,
			    const uint8_t *ip)
{
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	if (unlikely(vgw_ip4_is_fragment(ip)))
		/* only the first fragment has ports; we do not reassemble */
		vgw_dp_drop(w, p->in_port, VGW_DROP_VIP_FRAGMENT, m);
	else if (ip[9] == 1 && vgw_icmp_is_echo_request(ip, hl, tl))
		vgw_dp_push(w, VGW_STAGE_IP4_LOCAL, m, p);
	else if (ip[9] == 1 && vgw_icmp_is_error(ip, hl, tl))
		vgw_dp_push_to(w, VGW_STAGE_LB, m, p, NULL, 0, VGW_LB_ICMP);
	else
		vgw_dp_drop(w, p->in_port, VGW_DROP_VIP_NO_SERVICE, m);
}

/* Pass 3 for one valid IPv4 packet to dst: e, sa, svc and t are its EIP,
 * SNAT pool address, service and route; vip: the VIP filter claims dst. */
static inline void verdict(struct vgw_worker *w, struct rte_mbuf *m, const struct vgw_pkt *p0,
			   uint32_t dst, const struct vgw_vpc_eip *e,
			   const struct vgw_snat_addr *sa, bool vip,
			   const struct vgw_lb_svc *svc, const struct vgw_fib_route_target *t,
			   uint32_t vtep, uint16_t vport)
{
	struct vgw_pkt p = *p0;
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, VGW_DP_ETH_HLEN);
	if (unlikely(src_spoofed(vgw_ip4_src(ip)))) {
		vgw_dp_drop(w, p.in_port, VGW_DROP_IP_SRC_SPOOFED, m);
		return;
	}
	/* an EIP belongs to a VM behind the tunnel, whichever port it came in on */
	if (e) {
		p.obj = e;
		vgw_dp_push(w, VGW_STAGE_EIP_IN, m, &p);
		return;
	}
	/* a pool address: its mappings' replies, and errors about them */
	if (sa) {
		uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
		uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
		p.obj = sa;
		p.out = ip[9] == 1 && !vgw_ip4_is_fragment(ip) && vgw_icmp_is_error(ip, hl, tl)
				? VGW_SNAT_ICMP_IN
				: VGW_SNAT_IN;
		vgw_dp_push(w, VGW_STAGE_SNAT, m, &p);
		return;
	}
	if (t && t->kind == VGW_FIB_RT_LOCAL) {
		vgw_dp_push(w, is_vxlan(ip, p.in_port, dst, vtep, vport) ? VGW_STAGE_VXLAN_IN
									 : VGW_STAGE_IP4_LOCAL,
			    m, &p);
		return;
	}
	/* after the local check: VXLAN to our VTEP, the bulk, skips this. A
	 * packet to a VIP:port is the bulk of VIP traffic: its service was
	 * looked up in pass 2 (vip: the VIP filter claims dst), the address
	 * itself is looked up only when no service matches */
	if (vip) {
		if (likely(svc != NULL)) {
			p.obj = svc;
			p.out = VGW_LB_VIP;
			vgw_dp_push(w, VGW_STAGE_LB, m, &p);
			return;
		}
		if (vgw_lb_is_vip_addr(dst)) {
			vip_addr(w, m, &p, ip);
			return;
		}
	}
	if (unlikely(!t)) {
		vgw_dp_drop(w, p.in_port, VGW_DROP_NO_ROUTE, m);
		return;
	}
	if (unlikely(t->kind == VGW_FIB_RT_CONNECTED && dst == t->bcast)) {
		vgw_dp_drop(w, p.in_port, VGW_DROP_IP_DST_NOT_UNICAST, m);
		return;
	}
	p.obj = t;
	p.out = VGW_DP_FWD_TTL;
	vgw_dp_push(w, VGW_STAGE_IP4_FORWARD, m, &p);
}

static void classify(struct vgw_worker *w, uint16_t port, struct rte_mbuf **ms, uint16_t n)
{
	uint64_t our_mac = mac48(&vgw_gw.ports[port].mac);
	uint8_t keys[VGW_BURST][VGW_RMAP_KEY_LEN];
	uint32_t dst[VGW_BURST];
	uint8_t at[VGW_BURST]; /* the valid IPv4 frames, in order */
	unsigned int nv = 0;

	for (uint16_t i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(ms[i], void *));
	for (uint16_t i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(ms[i + PREFETCH_AHEAD], void *));
		enum vgw_drop why = VGW_DROP_NONE;
		switch (check_frame(ms[i], our_mac, &dst[nv], &why)) {
		case FRAME_IP4:
			vgw_rmap_key(&dst[nv], sizeof(dst[nv]), keys[nv]);
			at[nv++] = (uint8_t)i;
			break;
		case FRAME_ARP:
			vgw_dp_punt(w, port, ms[i], VGW_PUNT_ARP);
			break;
		default:
			vgw_dp_drop(w, port, why, ms[i]);
		}
	}
	if (!nv)
		return;

	void *eip[VGW_BURST];
	const struct vgw_fib_route_target *rt[VGW_BURST];
	const struct vgw_rmap *eips = vgw_vpc_eip_map();
	/* an empty EIP table needs no lookup at all */
	if (eips->n)
		vgw_rmap_get_bulk(eips, (const uint8_t(*)[VGW_RMAP_KEY_LEN])keys, nv, eip);
	else
		memset(eip, 0, sizeof(eip[0]) * nv);
	/* the pool addresses among the others (when the filter says they may
	 * be), in one bulk lookup */
	void *sa[VGW_BURST];
	memset(sa, 0, sizeof(sa[0]) * nv);
	if (vgw_snat_addr_map()->n) {
		uint8_t ak[VGW_BURST][VGW_RMAP_KEY_LEN];
		void *found[VGW_BURST];
		uint8_t aat[VGW_BURST];
		unsigned int na = 0;
		for (unsigned int j = 0; j < nv; j++)
			if (!eip[j] && vgw_snat_may_be_addr(dst[j])) {
				memcpy(ak[na], keys[j], VGW_RMAP_KEY_LEN);
				aat[na++] = (uint8_t)j;
			}
		if (na) {
			vgw_rmap_get_bulk(vgw_snat_addr_map(), (const uint8_t(*)[VGW_RMAP_KEY_LEN])ak,
					  na, found);
			for (unsigned int k = 0; k < na; k++)
				sa[aat[k]] = found[k];
		}
	}
	/* the FIB for the others only (EIPs and pool addresses are not in it) */
	uint32_t rdst[VGW_BURST];
	uint8_t rat[VGW_BURST];
	unsigned int nr = 0;
	for (unsigned int j = 0; j < nv; j++) {
		rt[j] = NULL;
		if (!eip[j] && !sa[j]) {
			rdst[nr] = dst[j];
			rat[nr++] = (uint8_t)j;
		}
	}
	if (nr) {
		const struct vgw_fib_route_target *rr[VGW_BURST];
		vgw_fib_lookup_bulk(vgw_fib_main, rdst, nr, rr);
		for (unsigned int k = 0; k < nr; k++)
			rt[rat[k]] = rr[k];
	}

	/* the services of the packets to a VIP:port, in one bulk lookup */
	void *svc[VGW_BURST];
	bool vip[VGW_BURST];
	memset(svc, 0, sizeof(svc[0]) * nv);
	memset(vip, 0, sizeof(vip[0]) * nv);
	if (vgw_lb_any_vip()) {
		uint8_t sk[VGW_BURST][VGW_RMAP_KEY_LEN];
		void *found[VGW_BURST];
		uint8_t sat[VGW_BURST];
		unsigned int ns = 0;
		for (unsigned int j = 0; j < nv; j++) {
			if (eip[j] || sa[j] || !vgw_lb_may_be_vip(dst[j]))
				continue;
			vip[j] = true;
			const uint8_t *ip = rte_pktmbuf_mtod_offset(ms[at[j]], const uint8_t *,
								    VGW_DP_ETH_HLEN);
			uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
			uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
			if ((ip[9] != 6 && ip[9] != 17) || vgw_ip4_is_fragment(ip) || tl < hl + 4)
				continue;
			struct vgw_lb_svc_key k = {.vip = dst[j],
						.port = (uint16_t)(ip[hl + 2] << 8 | ip[hl + 3]),
						.proto = ip[9]};
			vgw_rmap_key(&k, sizeof(k), sk[ns]);
			sat[ns++] = (uint8_t)j;
		}
		if (ns) {
			vgw_rmap_get_bulk(vgw_lb_service_map(),
					  (const uint8_t(*)[VGW_RMAP_KEY_LEN])sk, ns, found);
			for (unsigned int k = 0; k < ns; k++)
				svc[sat[k]] = found[k];
		}
	}

	uint32_t vtep;
	uint16_t vport;
	vgw_vpc_vtep(&vtep, &vport);
	for (unsigned int j = 0; j < nv; j++) {
		struct vgw_pkt p = {.in_port = (uint8_t)port, .seq = at[j]};
		verdict(w, ms[at[j]], &p, dst[j], eip[j], sa[j], vip[j], svc[j], rt[j], vtep, vport);
	}
}

void vgw_dp_rx_burst(struct vgw_worker *w, uint16_t port, struct rte_mbuf **ms, uint16_t n)
{
	uint64_t t0 = rte_rdtsc();
	classify(w, port, ms, n);
	vgw_dp_run(w, VGW_STAGE_CLASSIFY, n, t0);
}
