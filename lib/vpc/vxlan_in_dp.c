/* Stages vxlan-in and vpc-out: VXLAN from a hypervisor to the gateway's
 * VTEP is checked and decapsulated (vxlan-in); a VM's own packet gets its
 * EIP as source and goes to ip4-route (vpc-out), or, from a VM without an
 * EIP, to the NAT gateway's stage (vgw_vpc_no_eip_set). Runs on workers.
 *
 * Frame on entry:  [outer Eth 14][outer IPv4 hl][UDP 8][VXLAN 8]
 *                  [inner Eth 14: VPC gateway MAC <- VM MAC][IPv4 src=private ...]
 * Frame on exit:   [Eth 14][IPv4 src=EIP ...]  (the inner Ethernet header is
 *                  reused; eth-out rewrites its MACs)
 *
 * After the checks and decapsulation, a packet from a port another module
 * claimed (vpc_dp.h struct vgw_vpc_claim: the lb's backends) goes to that
 * module's stage, or up to the slow path as the answer to a probe;
 * everything else is the VM's own traffic (vpc-out).
 *
 * Isolation: every lookup is keyed by the VNI the packet came with, and the
 * source must be an endpoint of that VNI hosted behind the outer source VTEP,
 * so a hypervisor can neither reach another VPC nor speak for a VM it does
 * not host. */
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "../net/nat.h"
#include "../net/vxlan.h"
#include "tunnel_dp.h"
#include "vpc_dp.h"

#define VXLAN_MIN (8 + VGW_VXLAN_HLEN + VGW_DP_ETH_HLEN) /* UDP + VXLAN + inner Eth */

/* What another module claimed (vpc_dp.h); unclaimed: maps with no key, which
 * the stage never looks into (it asks their key count first). */
static const struct vgw_rmap no_keys;
static struct vgw_vpc_claim claim = {.ports = &no_keys, .answer_addrs = &no_keys};

void vgw_vpc_claim_set(const struct vgw_vpc_claim *c)
{
	claim = c ? *c : (struct vgw_vpc_claim){.ports = &no_keys, .answer_addrs = &no_keys};
	if (!claim.ports)
		claim.ports = &no_keys;
	if (!claim.answer_addrs)
		claim.answer_addrs = &no_keys;
}

/* A VM without an EIP (vpc_dp.h vgw_vpc_no_eip_set). */
static struct {
	enum vgw_stage stage;
	uint16_t kind;
} no_eip = {VGW_STAGE_N, 0};

void vgw_vpc_no_eip_set(enum vgw_stage stage, uint16_t kind)
{
	no_eip.stage = stage;
	no_eip.kind = kind;
}

/* A claimed (VNI, source, source port, protocol). */
static inline bool port_claimed(uint32_t vni, uint32_t ip, uint16_t port, uint8_t proto)
{
	struct vgw_vpc_port_key k = {.vni = vni, .ip = ip, .port = port, .proto = proto};
	return claim.ports->n && vgw_rmap_get(claim.ports, &k) != NULL;
}

/* A claimed destination address: an answer to one of the gateway's probes. */
static inline bool answer_addr(uint32_t ip)
{
	return claim.answer_addrs->n && vgw_rmap_get(claim.answer_addrs, &ip) != NULL;
}

/* What the vector's bulk lookups found for one frame: its outer source as
 * a hypervisor, its inner source as an endpoint of its VNI (only when the
 * frame is long enough to hold both; else decap looks them up itself). */
struct pre {
	bool looked;
	bool hv;
	const struct vgw_vpc_endpoint *ep;
};

/* Checks and decapsulates one VXLAN frame: VGW_DROP_NONE with its VNI in
 * *vni_out, or the reason to drop it. */
static inline enum vgw_drop decap(struct vgw_worker *w, struct rte_mbuf *m, uint32_t *vni_out,
				  const struct pre *pre)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	if (unlikely(vgw_ip4_is_fragment(ip)))
		/* a VTEP must not fragment (RFC 7348 4.3); we do not reassemble */
		return VGW_VPC_DROP(VXLAN_OUTER_FRAGMENT);
	const uint8_t *udp = ip + hl;
	uint16_t ulen = (uint16_t)(udp[4] << 8 | udp[5]);
	if (unlikely(tl - hl < VXLAN_MIN || ulen != tl - hl))
		return VGW_VPC_DROP(VXLAN_MALFORMED);
	uint32_t outer_src = vgw_ip4_src(ip);
	if (unlikely(!(pre->looked ? pre->hv : vgw_vpc_is_hv(outer_src))))
		return VGW_VPC_DROP(VXLAN_UNKNOWN_VTEP);
	uint32_t vni;
	if (unlikely(vgw_vxlan_parse(udp + 8, (uint32_t)(ulen - 8), &vni) != VGW_VXLAN_OK))
		return VGW_VPC_DROP(VXLAN_NO_I_FLAG); /* length was checked above */
	const struct vgw_vpc *vpc = vgw_dp_memo_vpc(w, vni);
	if (unlikely(!vpc))
		return VGW_VPC_DROP(VXLAN_UNKNOWN_VNI);
	const uint8_t *ieth = udp + 8 + VGW_VXLAN_HLEN;
	if (unlikely(ieth[12] != 0x08 || ieth[13] != 0x00))
		return VGW_VPC_DROP(VXLAN_INNER_NOT_IPV4);
	if (unlikely(memcmp(ieth, vpc->gw_mac, 6) != 0))
		return VGW_VPC_DROP(VXLAN_INNER_WRONG_MAC);
	uint8_t *iip = (uint8_t *)ieth + VGW_DP_ETH_HLEN;
	uint32_t iavail = (uint32_t)(ulen - VXLAN_MIN);
	uint16_t ihl, itl;
	enum vgw_drop why = vgw_ip4_check(iip, iavail, &ihl, &itl);
	if (unlikely(why != VGW_DROP_NONE))
		return why;
	uint32_t src = vgw_ip4_src(iip);
	if (unlikely(vgw_ip4_src_martian(src)))
		return VGW_DROP_IP_BAD_SRC;
	if (unlikely(vgw_ip4_dst_not_unicast(vgw_ip4_dst(iip))))
		return VGW_DROP_IP_DST_NOT_UNICAST;
	const struct vgw_vpc_endpoint *ep = pre->looked ? pre->ep : vgw_vpc_endpoint_find(vni, src);
	if (unlikely(!ep))
		return VGW_VPC_DROP(VXLAN_SRC_NOT_ENDPOINT);
	if (unlikely(ep->vtep != outer_src))
		return VGW_VPC_DROP(VXLAN_SRC_WRONG_VTEP);
	/* decapsulate: the inner Ethernet header becomes the frame's */
	rte_pktmbuf_adj(m, (uint16_t)(VGW_DP_ETH_HLEN + hl + 8 + VGW_VXLAN_HLEN));
	if (itl < iavail) /* inner Ethernet padding must not travel on */
		rte_pktmbuf_trim(m, (uint16_t)(iavail - itl));
	*vni_out = vni;
	return VGW_DROP_NONE;
}

/* The vector's hypervisor and endpoint lookups, each in one bulk call (their
 * buckets fetched together), for the frames long enough to hold the inner
 * source: the keys are the outer source, and (VNI field, inner source). */
static void hv_endpoint_lookup_bulk(const struct vgw_vec *v, struct pre *pre)
{
	uint8_t hk[VGW_BURST][VGW_RMAP_KEY_LEN], ek[VGW_BURST][VGW_RMAP_KEY_LEN];
	void *hv[VGW_BURST], *ep[VGW_BURST];
	uint8_t at[VGW_BURST];
	uint32_t n = 0;
	for (uint32_t i = 0; i < v->n; i++) {
		const uint8_t *ip = rte_pktmbuf_mtod_offset(v->m[i], uint8_t *, VGW_DP_ETH_HLEN);
		uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
		uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
		pre[i].looked = false;
		if (vgw_ip4_is_fragment(ip) || tl < hl + VXLAN_MIN + 20)
			continue;
		const uint8_t *vx = ip + hl + 8;
		uint32_t outer_src = vgw_ip4_src(ip);
		struct vgw_vpc_key k = {.vni = (uint32_t)vx[4] << 16 | (uint32_t)vx[5] << 8 | vx[6],
					.ip = vgw_ip4_src(vx + VGW_VXLAN_HLEN + VGW_DP_ETH_HLEN)};
		vgw_rmap_key(&outer_src, sizeof(outer_src), hk[n]);
		vgw_rmap_key(&k, sizeof(k), ek[n]);
		at[n++] = (uint8_t)i;
	}
	if (!n)
		return;
	vgw_rmap_get_bulk(vgw_vpc_main->hvs, (const uint8_t(*)[VGW_RMAP_KEY_LEN])hk, n, hv);
	vgw_rmap_get_bulk(vgw_vpc_main->endpoints, (const uint8_t(*)[VGW_RMAP_KEY_LEN])ek, n, ep);
	for (uint32_t j = 0; j < n; j++)
		pre[at[j]] = (struct pre){.looked = true, .hv = hv[j] != NULL, .ep = ep[j]};
}

void vgw_vpc_stage_vxlan_in(struct vgw_worker *w, const struct vgw_vec *v)
{
	struct pre pre[VGW_BURST];
	hv_endpoint_lookup_bulk(v, pre);
	for (uint32_t i = 0; i < v->n; i++) {
		struct rte_mbuf *m = v->m[i];
		const struct vgw_pkt *p = &v->p[i];
		uint32_t vni = 0;
		enum vgw_drop why = decap(w, m, &vni, &pre[i]);
		if (unlikely(why != VGW_DROP_NONE)) {
			vgw_dp_drop(w, p->in_port, why, m);
			continue;
		}
		const uint8_t *iip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
		uint16_t ihl = (uint16_t)((iip[0] & 0xf) * 4);
		uint16_t itl = (uint16_t)(iip[2] << 8 | iip[3]);
		/* a claimed TCP/UDP port (a backend's): a reply to a client, or
		 * the answer to a probe (sent from the gateway's address) */
		uint8_t proto = iip[9];
		if ((proto == 6 || proto == 17) && !vgw_ip4_is_fragment(iip) && itl >= ihl + 4 &&
		    port_claimed(vni, vgw_ip4_src(iip), (uint16_t)(iip[ihl] << 8 | iip[ihl + 1]),
				 proto)) {
			if (unlikely(answer_addr(vgw_ip4_dst(iip)))) {
				/* only what can answer a probe goes up: TCP with ACK
				 * (SYN-ACK or RST) from the claimed address and port
				 * (checked above) to a probe's source port */
				const uint8_t *t = iip + ihl;
				uint16_t dport = (uint16_t)(t[2] << 8 | t[3]);
				if (proto != 6 || itl < ihl + 20 || !(t[13] & 0x10) ||
				    dport < claim.answer_port ||
				    dport >= claim.answer_port + claim.answer_ports) {
					vgw_dp_drop(w, p->in_port, (enum vgw_drop)claim.answer_drop, m);
					continue;
				}
				vgw_dp_mbuf_priv(m)->vni = vni;
				vgw_dp_punt(w, p->in_port, m, claim.answer_punt);
				continue;
			}
			vgw_dp_push_to(w, claim.stage, m, p, NULL, vni, claim.kind);
			continue;
		}
		vgw_dp_push_to(w, VGW_STAGE_VPC_OUT, m, p, NULL, vni, 0);
	}
}

void vgw_vpc_stage_vpc_out(struct vgw_worker *w, const struct vgw_vec *v)
{
	/* the VMs' EIPs in one bulk lookup (their buckets fetched together) */
	uint8_t keys[VGW_BURST][VGW_RMAP_KEY_LEN];
	void *eip[VGW_BURST];
	for (uint32_t i = 0; i < v->n; i++) {
		const uint8_t *iip = rte_pktmbuf_mtod_offset(v->m[i], uint8_t *, VGW_DP_ETH_HLEN);
		struct vgw_vpc_key k = {.vni = v->p[i].arg, .ip = vgw_ip4_src(iip)};
		vgw_rmap_key(&k, sizeof(k), keys[i]);
	}
	vgw_rmap_get_bulk(vgw_vpc_main->eip_by_priv, (const uint8_t(*)[VGW_RMAP_KEY_LEN])keys, v->n,
			  eip);
	/* once a vector: the trace test below is on a register */
	const bool traced = w->trace_on;
	for (uint32_t i = 0; i < v->n; i++) {
		struct rte_mbuf *m = v->m[i];
		const struct vgw_pkt *p = &v->p[i];
		uint8_t *iip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
		uint16_t ihl = (uint16_t)((iip[0] & 0xf) * 4);
		uint16_t itl = (uint16_t)(iip[2] << 8 | iip[3]);
		uint32_t src = vgw_ip4_src(iip);
		const struct vgw_vpc_eip *e = eip[i];
		if (unlikely(!e)) {
			vgw_trace_note(w, m, VGW_STAGE_VPC_OUT, "no eip for this vm");
			if (no_eip.stage != VGW_STAGE_N)
				vgw_dp_push_to(w, no_eip.stage, m, p, NULL, p->arg, no_eip.kind);
			else
				vgw_dp_drop(w, p->in_port, VGW_VPC_DROP(VPC_NO_EIP), m);
			continue;
		}
		if (vgw_dp_ttl_expired(w, m, p, iip, false)) /* no ICMP into the tunnel */
			continue;
		/* RFC 5508: the VM's error about an inbound flow quotes a packet
		 * sent to its private address; the Internet must see the EIP */
		if (vgw_icmp_is_error(iip, ihl, itl) &&
		    unlikely(vgw_icmp_quoted_addr(iip, ihl, itl, VGW_NAT_DST) != src ||
			     vgw_nat_icmp_inner(iip, ihl, itl, VGW_NAT_DST, e->eip, 0, -1) < 0)) {
			vgw_dp_drop(w, p->in_port, VGW_VPC_DROP(NAT_ICMP_UNTRANSLATABLE), m);
			continue;
		}
		if (unlikely(traced) && (m->ol_flags & vgw_trace_flag)) {
			char a[VGW_IP4_STRLEN], b[VGW_IP4_STRLEN];
			vgw_trace_notef(w, m, VGW_STAGE_VPC_OUT, "eip of %s: %s", vgw_ip4_str(src, a),
					vgw_ip4_str(e->eip, b));
		}
		vgw_ip4_ttl_dec(iip);
		vgw_nat_set_addr(iip, ihl, itl, VGW_NAT_SRC, e->eip);
		vgw_dp_push_to(w, VGW_STAGE_IP4_ROUTE, m, p, NULL, 0, 0);
	}
}
