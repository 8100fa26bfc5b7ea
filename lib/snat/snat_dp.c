/* Stage snat: the NAT gateway's translations. Runs on workers.
 *
 *   out      a VM's packet without an EIP (vpc-out; arg = VNI): the VPC's
 *            binding names the pool; on the VM's owner, its session (made
 *            with the VM's mapping, or a new one, when missing) gives the
 *            public address and port (source rewritten, RFC 1624
 *            checksums) -> ip4-route. The VM's ICMP error about an inbound
 *            flow is translated back (RFC 5508): the quoted packet's
 *            destination and the outer source become the public ones.
 *   in       to a pool address (classify; ip4-route for hairpinning): on
 *            the owner of the public port, the session, or a new one on the
 *            port's mapping when filtering lets the remote in; destination
 *            rewritten to the VM -> VXLAN to its hypervisor.
 *   icmp-in  an ICMP error to a pool address: the quoted packet (one the
 *            gateway translated) names the session; quoted source and outer
 *            destination go back to the VM. Never refreshes the session
 *            (RFC 5508 REQ-6).
 *
 * Owners (snat_engine.h): a VM's packets are processed by the VM's owner, a
 * packet to a public port by the port's owner, which are the same worker;
 * a packet that arrived elsewhere is handed over (handoff.h), untouched.
 *
 * Fragments: not reassembled, so never translated (a later fragment has no
 * port): dropped, counted (snat_fragment). */
#include "../dp/dp.h"
#include "../dp/handoff.h"
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "../net/nat.h"
#include "../vpc/tunnel_dp.h"
#include "../vpc/vpc_dp.h"
#include "snat_dp.h"
#include "snat_engine.h"
#include "snat_module.h"

/* The packet's flow fields: ports (the ICMP echo identifier as sport for
 * a request, as dport for a reply), and the TCP segment. */
struct flow {
	uint8_t *ip;
	uint16_t hl, tl;
	uint8_t proto;
	uint32_t src, dst;
	uint16_t sport, dport;
	bool tcp;
	struct vgw_ct_tcp_seg seg;
};

/* Reads f from m; the drop reason when it cannot be translated. icmp_type:
 * the echo type this direction carries (8 out, 0 in). */
static inline int flow_of(struct rte_mbuf *m, struct flow *f, uint8_t icmp_type)
{
	f->ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
	f->hl = (uint16_t)((f->ip[0] & 0xf) * 4);
	f->tl = (uint16_t)(f->ip[2] << 8 | f->ip[3]);
	f->proto = f->ip[9];
	f->src = vgw_ip4_src(f->ip);
	f->dst = vgw_ip4_dst(f->ip);
	f->tcp = false;
	if (unlikely(vgw_ip4_is_fragment(f->ip)))
		return VGW_SNAT_DROP(SNAT_FRAGMENT);
	const uint8_t *l4 = f->ip + f->hl;
	uint32_t len = (uint32_t)(f->tl - f->hl);
	switch (f->proto) {
	case 6:
		if (vgw_ct_tcp_seg_parse(l4, len, len, &f->seg) < 0)
			return VGW_SNAT_DROP(SNAT_L4_SHORT);
		f->tcp = true;
		break;
	case 17:
		if (len < 8)
			return VGW_SNAT_DROP(SNAT_L4_SHORT);
		break;
	case 1:
		if (len < 8)
			return VGW_SNAT_DROP(SNAT_L4_SHORT);
		if (l4[0] != icmp_type || l4[1] != 0)
			return VGW_SNAT_DROP(SNAT_PROTO_UNSUPPORTED);
		f->sport = f->dport = (uint16_t)(l4[4] << 8 | l4[5]);
		return -1;
	default:
		return VGW_SNAT_DROP(SNAT_PROTO_UNSUPPORTED);
	}
	f->sport = (uint16_t)(l4[0] << 8 | l4[1]);
	f->dport = (uint16_t)(l4[2] << 8 | l4[3]);
	return -1;
}

static inline int verdict_drop(enum vgw_snat_verdict v)
{
	switch (v) {
	case VGW_SNAT_EXHAUSTED: return VGW_SNAT_DROP(SNAT_PORTS_EXHAUSTED);
	case VGW_SNAT_VM_CAP: return VGW_SNAT_DROP(SNAT_VM_CAP);
	case VGW_SNAT_UNSOLICITED: return VGW_SNAT_DROP(SNAT_UNSOLICITED);
	case VGW_SNAT_FILTERED: return VGW_SNAT_DROP(SNAT_FILTERED);
	default: return VGW_SNAT_DROP(SNAT_SESSIONS_FULL);
	}
}

/* Rewrites the TCP/UDP port or ICMP identifier at `which` (0 source, 2
 * destination; ICMP: the identifier either way). */
static inline void set_port(uint8_t *ip, uint16_t hl, uint16_t tl, int which, uint16_t port)
{
	if (ip[9] != 1) {
		vgw_nat_set_port(ip, hl, tl, which, port);
		return;
	}
	uint8_t *icmp = ip + hl;
	uint16_t old = vgw_nat_get16(icmp + 4);
	vgw_nat_put16(icmp + 4, port);
	vgw_nat_put16(icmp + 2, vgw_cksum_update16(vgw_nat_get16(icmp + 2), old, port));
}

/* The quoted packet of an ICMP error: its protocol, addresses and ports
 * (an echo request: its identifier as both); false when it quotes no whole
 * TCP/UDP port pair or echo request header. */
struct quote {
	uint8_t proto;
	uint32_t src, dst;
	uint16_t sport, dport;
};

static inline bool quote_of(const uint8_t *ip, uint16_t hl, uint16_t tl, struct quote *q)
{
	if (tl < hl + 8 + 20)
		return false;
	const uint8_t *in = ip + hl + 8;
	uint16_t avail = (uint16_t)(tl - hl - 8);
	uint16_t ihl = (uint16_t)((in[0] & 0xf) * 4);
	if ((in[0] >> 4) != 4 || ihl < 20 || avail < ihl + 4 || vgw_ip4_is_later_fragment(in))
		return false;
	q->proto = in[9];
	q->src = vgw_ip4_src(in);
	q->dst = vgw_ip4_dst(in);
	if (q->proto == 1) {
		/* a ping the gateway translated (traceroute by ICMP echo) */
		if (avail < ihl + 8 || in[ihl] != 8 || in[ihl + 1] != 0)
			return false;
		q->sport = q->dport = (uint16_t)(in[ihl + 4] << 8 | in[ihl + 5]);
		return true;
	}
	if (q->proto != 6 && q->proto != 17)
		return false;
	q->sport = (uint16_t)(in[ihl] << 8 | in[ihl + 1]);
	q->dport = (uint16_t)(in[ihl + 2] << 8 | in[ihl + 3]);
	return true;
}

/* The identifier of the echo request an ICMP error quotes becomes id: the
 * quoted ICMP checksum follows (RFC 1624), then the error's own (its
 * quote changed). */
static void quote_echo_id(uint8_t *ip, uint16_t hl, uint16_t tl, uint16_t id)
{
	uint8_t *icmp = ip + hl;
	uint8_t *in = icmp + 8;
	uint8_t *qi = in + (in[0] & 0xf) * 4; /* quote_of checked it is there */
	uint16_t old = vgw_nat_get16(qi + 4);
	vgw_nat_put16(qi + 4, id);
	vgw_nat_put16(qi + 2, vgw_cksum_update16(vgw_nat_get16(qi + 2), old, id));
	icmp[2] = icmp[3] = 0;
	vgw_nat_put16(icmp + 2, vgw_cksum(icmp, (size_t)(tl - hl)));
}

/* The VM's ICMP error about an inbound flow (vpc-out, no EIP): what it
 * quotes was sent to the VM through a session; the Internet must see the
 * public address and port. */
static void out_icmp_error(struct vgw_worker *w, struct vgw_snat_engine *s, struct rte_mbuf *m,
			   const struct vgw_pkt *p, uint32_t vni)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	uint32_t vm = vgw_ip4_src(ip);
	struct quote q;
	enum vgw_ct_dir d;
	struct vgw_ct_entry *e = NULL;
	if (quote_of(ip, hl, tl, &q) && q.dst == vm && q.proto != 1) {
		struct vgw_ct_key rk = {.vni = vni, .src = vm, .dst = q.src, .sport = q.dport,
					.dport = q.sport, .proto = q.proto};
		e = vgw_snat_find(s, &rk, &d);
	}
	if (unlikely(!e || d != VGW_CT_REPLY ||
		     vgw_nat_icmp_inner(ip, hl, tl, VGW_NAT_DST, e->vip, VGW_NAT_DPORT,
					e->vip_port) < 0)) {
		vgw_dp_drop(w, p->in_port, VGW_SNAT_DROP(SNAT_ICMP_UNTRANSLATABLE), m);
		return;
	}
	vgw_ip4_ttl_dec(ip);
	vgw_nat_set_addr(ip, hl, tl, VGW_NAT_SRC, e->vip);
	vgw_dp_push_to(w, VGW_STAGE_IP4_ROUTE, m, p, NULL, 0, 0);
}

/* What pass 1 learnt of a packet the worker keeps (vgw_snat_stage). */
struct prep {
	struct flow f;
	const struct vgw_snat_pool *pool; /* out */
	struct vgw_ct_key k;              /* out: REPLY; in: ORIG */
	uint32_t hash;
};

/* The trace note of a session (trace/trace_dp.h): the VM's and the public
 * address and port it maps between. */
static void trace_mapping(struct vgw_worker *w, const struct rte_mbuf *m, const char *dir,
			  const struct vgw_ct_entry *e)
{
	if (!vgw_trace_is(w, m))
		return;
	char a[VGW_IP4_STRLEN], b[VGW_IP4_STRLEN];
	vgw_trace_notef(w, m, VGW_STAGE_SNAT, "session %s: vm %s:%u <-> %s:%u vni %u", dir,
			vgw_ip4_str(e->be_ip, a), e->be_port, vgw_ip4_str(e->vip, b), e->vip_port,
			e->be_vni);
}

/* Pass 1 of an outbound packet: the VM's pool (b: the VNI's binding, found
 * once for a run of one VNI), the owner, the checks before the table; true
 * when m stays on this worker for pass 2 (x filled; x->pool NULL: a VM's
 * ICMP error, translated in pass 2 without a prepared key). */
static bool out_prep(struct vgw_worker *w, struct vgw_snat_engine *s, struct rte_mbuf *m,
		     const struct vgw_pkt *p, const struct vgw_snat_binding *b, struct prep *x)
{
	uint32_t vni = p->arg;
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
	uint32_t vm = vgw_ip4_src(ip);
	const struct vgw_snat_pool *pool = b ? vgw_snat_pool_for(vgw_snat_main, b, vm) : NULL;
	if (unlikely(!pool)) {
		vgw_trace_note(w, m, VGW_STAGE_SNAT, "no pool bound to this vm's vpc and subnet");
		vgw_dp_drop(w, p->in_port, VGW_VPC_DROP(VPC_NO_EIP), m);
		return false;
	}
	if (vgw_gw.n_workers > 1) {
		unsigned int owner = vgw_snat_vm_owner(vni, vm);
		if (owner != w->idx) {
			s->st.handoff_out++;
			vgw_dp_handoff(w, p->in_port, m, owner, (uint8_t)vgw_snat_handoff_out, vni);
			return false;
		}
	}
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	if (ip[9] == 1 && !vgw_ip4_is_fragment(ip) && vgw_icmp_is_error(ip, hl, tl)) {
		x->pool = NULL;
		return true;
	}
	int why = flow_of(m, &x->f, 8);
	if (unlikely(why >= 0)) {
		vgw_dp_drop(w, p->in_port, (enum vgw_drop)why, m);
		return false;
	}
	x->pool = pool;
	x->k = (struct vgw_ct_key){.vni = vni, .src = x->f.src, .dst = x->f.dst,
				   .sport = x->f.sport,
				   .dport = x->f.proto == 1 ? 0 : x->f.dport, .proto = x->f.proto};
	x->hash = vgw_ct_hash(&x->k);
	return true;
}

static void out(struct vgw_worker *w, struct vgw_snat_engine *s, struct rte_mbuf *m,
		const struct vgw_pkt *p, struct prep *x)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
	if (vgw_dp_ttl_expired(w, m, p, ip, false)) /* no ICMP into the tunnel */
		return;
	if (!x->pool) {
		out_icmp_error(w, s, m, p, p->arg);
		return;
	}
	struct flow *f = &x->f;
	enum vgw_snat_verdict v;
	struct vgw_ct_entry *e =
		vgw_snat_out(s, &x->k, x->hash, x->pool, f->tcp ? &f->seg : NULL, &v);
	if (unlikely(!e)) {
		vgw_dp_drop(w, p->in_port, (enum vgw_drop)verdict_drop(v), m);
		return;
	}
	trace_mapping(w, m, "out", e);
	vgw_ip4_ttl_dec(ip);
	vgw_nat_set_addr(ip, f->hl, f->tl, VGW_NAT_SRC, e->vip);
	set_port(ip, f->hl, f->tl, VGW_NAT_SPORT, e->vip_port);
	vgw_dp_push_to(w, VGW_STAGE_IP4_ROUTE, m, p, NULL, 0, 0);
}

/* Pass 1 of a packet to a pool address: checks and the owner of its
 * public port; true when m stays here (x filled). */
static bool in_prep(struct vgw_worker *w, struct vgw_snat_engine *s, struct rte_mbuf *m,
		    const struct vgw_pkt *p, struct prep *x)
{
	const struct vgw_snat_addr *a = p->obj;
	struct flow *f = &x->f;
	int why = flow_of(m, f, 0);
	if (unlikely(why >= 0)) {
		/* an echo request to a pool address is nobody's to answer */
		if (f->proto == 1 && why == VGW_SNAT_DROP(SNAT_PROTO_UNSUPPORTED))
			why = VGW_SNAT_DROP(SNAT_UNSOLICITED);
		vgw_dp_drop(w, p->in_port, (enum vgw_drop)why, m);
		return false;
	}
	if (vgw_gw.n_workers > 1) {
		unsigned int owner = vgw_snat_port_owner(a, f->dport, vgw_gw.n_workers);
		if (owner != w->idx) {
			s->st.handoff_in++;
			vgw_dp_handoff(w, p->in_port, m, owner, (uint8_t)vgw_snat_handoff_in, 0);
			return false;
		}
	}
	x->k = (struct vgw_ct_key){.vni = 0, .src = f->src, .dst = f->dst,
				   .sport = f->proto == 1 ? 0 : f->sport, .dport = f->dport,
				   .proto = f->proto};
	x->hash = vgw_ct_hash(&x->k);
	return true;
}

static void in(struct vgw_worker *w, struct vgw_snat_engine *s, struct rte_mbuf *m,
	       const struct vgw_pkt *p, struct prep *x)
{
	const struct vgw_snat_addr *a = p->obj;
	struct flow *f = &x->f;
	enum vgw_snat_verdict v;
	struct vgw_ct_entry *e =
		vgw_snat_in(s, &x->k, x->hash, a->filtering, f->tcp ? &f->seg : NULL, &v);
	if (unlikely(!e)) {
		/* RFC 5382 REQ-4: no answer to an unsolicited SYN, a silent drop
		 * whatever its TTL (hence the session before the TTL) */
		vgw_dp_drop(w, p->in_port, (enum vgw_drop)verdict_drop(v), m);
		return;
	}
	if (vgw_dp_ttl_expired(w, m, p, f->ip, true))
		return;
	struct vgw_vpc_tunnel t;
	if (!vgw_vpc_tunnel_prepare(w, m, p, e->be_vni, e->be_ip, NULL,
				    vgw_ip4_flow_hash(f->ip, f->hl, f->tl), f->tl, &t))
		return;
	trace_mapping(w, m, "in", e);
	vgw_ip4_ttl_dec(f->ip);
	vgw_nat_set_addr(f->ip, f->hl, f->tl, VGW_NAT_DST, e->be_ip);
	set_port(f->ip, f->hl, f->tl, VGW_NAT_DPORT, e->be_port);
	vgw_vpc_tunnel_send(w, m, p, &t, f->tl);
}

static void icmp_in(struct vgw_worker *w, struct vgw_snat_engine *s, struct rte_mbuf *m,
		    const struct vgw_pkt *p)
{
	const struct vgw_snat_addr *a = p->obj;
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	struct quote q;
	/* it quotes what the gateway sent: from the pool address */
	if (unlikely(vgw_ip4_is_fragment(ip) || !quote_of(ip, hl, tl, &q) || q.src != a->ip)) {
		vgw_dp_drop(w, p->in_port, VGW_SNAT_DROP(SNAT_ICMP_UNTRANSLATABLE), m);
		return;
	}
	if (vgw_gw.n_workers > 1) {
		unsigned int owner = vgw_snat_port_owner(a, q.sport, vgw_gw.n_workers);
		if (owner != w->idx) {
			s->st.handoff_in++;
			vgw_dp_handoff(w, p->in_port, m, owner, (uint8_t)vgw_snat_handoff_icmp, 0);
			return;
		}
	}
	if (vgw_dp_ttl_expired(w, m, p, ip, false)) /* no error about an error */
		return;
	struct vgw_ct_key ok = {.vni = 0, .src = q.dst, .dst = q.src,
				.sport = q.proto == 1 ? 0 : q.dport, .dport = q.sport,
				.proto = q.proto};
	enum vgw_ct_dir d;
	struct vgw_ct_entry *e = vgw_snat_find(s, &ok, &d);
	if (unlikely(!e || d != VGW_CT_ORIG)) {
		vgw_dp_drop(w, p->in_port, VGW_SNAT_DROP(SNAT_ICMP_UNTRANSLATABLE), m);
		return;
	}
	struct vgw_vpc_tunnel t;
	if (!vgw_vpc_tunnel_prepare(w, m, p, e->be_vni, e->be_ip, NULL,
				    vgw_ip4_flow_hash(ip, hl, tl), tl, &t))
		return;
	if (unlikely(vgw_nat_icmp_inner(ip, hl, tl, VGW_NAT_SRC, e->be_ip, VGW_NAT_SPORT,
					q.proto == 1 ? -1 : (int32_t)e->be_port) < 0)) {
		vgw_dp_drop(w, p->in_port, VGW_SNAT_DROP(SNAT_ICMP_UNTRANSLATABLE), m);
		return;
	}
	if (q.proto == 1)
		quote_echo_id(ip, hl, tl, e->be_port);
	vgw_ip4_ttl_dec(ip);
	vgw_nat_set_addr(ip, hl, tl, VGW_NAT_DST, e->be_ip);
	vgw_vpc_tunnel_send(w, m, p, &t, tl);
}

/* Packets ahead whose session entry is fetched before they are processed. */
#define ENTRY_AHEAD 4

void vgw_snat_stage(struct vgw_worker *w, struct vgw_vec *v)
{
	struct vgw_snat_engine *s = vgw_snat_engines[w->idx];
	const struct vgw_ct *ct = s->ct;
	struct prep x[VGW_BURST];
	uint8_t own[VGW_BURST]; /* the packets still here, in order */
	uint32_t n = 0;
	/* the table's state depends on the order of both directions, which
	 * come through paths of different length (as for lb) */
	vgw_dp_vec_in_order(v);
	/* pass 1: checks, owners, session keys; their buckets fetched. A run
	 * of packets from one VNI finds its binding once */
	uint32_t last_vni = UINT32_MAX;
	const struct vgw_snat_binding *b = NULL;
	for (uint32_t i = 0; i < v->n; i++) {
		struct rte_mbuf *m = v->m[i];
		const struct vgw_pkt *p = &v->p[i];
		bool keep;
		x[i].hash = 0;
		if (p->out == VGW_SNAT_OUT) {
			if (p->arg != last_vni) {
				last_vni = p->arg;
				b = vgw_rmap_get(vgw_snat_main->binds, &last_vni);
			}
			keep = out_prep(w, s, m, p, b, &x[i]);
		} else if (p->out == VGW_SNAT_IN) {
			keep = in_prep(w, s, m, p, &x[i]);
		} else {
			keep = true; /* icmp-in steers itself: the quote names the owner */
		}
		if (!keep)
			continue;
		if (x[i].hash)
			vgw_ct_prefetch_bucket(ct, x[i].hash);
		own[n++] = (uint8_t)i;
	}
	/* pass 2: in order, the session entries fetched a few packets ahead */
	for (uint32_t j = 0; j < n && j < ENTRY_AHEAD; j++)
		if (x[own[j]].hash)
			vgw_ct_prefetch_entry(ct, x[own[j]].hash);
	for (uint32_t j = 0; j < n; j++) {
		if (j + ENTRY_AHEAD < n && x[own[j + ENTRY_AHEAD]].hash)
			vgw_ct_prefetch_entry(ct, x[own[j + ENTRY_AHEAD]].hash);
		uint32_t i = own[j];
		const struct vgw_pkt *p = &v->p[i];
		switch (p->out) {
		case VGW_SNAT_OUT: out(w, s, v->m[i], p, &x[i]); break;
		case VGW_SNAT_IN: in(w, s, v->m[i], p, &x[i]); break;
		default: icmp_in(w, s, v->m[i], p); break;
		}
	}
}
