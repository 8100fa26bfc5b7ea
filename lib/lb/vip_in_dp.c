/* Step vip-in of the lb stage (lb_dp.c): a TCP/UDP packet from a client to a service's VIP:port
 * (obj = the service) is sent to one backend (LVS-NAT: the destination
 * becomes the backend's address and port, the client's source is kept) in
 * VXLAN to the backend's hypervisor. Runs on workers.
 *
 * The stage has steered the packet to the flow's owner (vgw_lb_steer) —
 * only the owner touches its connection table. Then: TTL; the connection entry (ORIG key = client -> VIP) or,
 * for a new flow, the Maglev pick and a new entry; the tunnel (refuses
 * before any rewrite, so an ICMP error quotes what the client sent); DNAT;
 * send.
 *
 * A flow is new on a TCP SYN or any first UDP datagram. A TCP segment without
 * SYN and without an entry was picked up mid-flow (its connection started on
 * another gateway node before an ECMP change, or before a restart): it goes
 * to the backend Maglev picks — the same one every node picks, since the
 * table is a pure function of the backend set — and gets an entry, counted
 * (midflow). A bare RST without an entry is passed to the pick without one. */
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "../net/nat.h"
#include "../vpc/tunnel_dp.h"
#include "l4.h"
#include "lb_dp.h"
#include "ct_worker.h"
#include "maglev.h"
#include "service.h"

/* The backend of a new flow, or NULL with the reason: the service's share
 * of max-conns on this worker is used up by confirmed connections (an RST
 * opens nothing: exempt; unconfirmed flows do not count, so spoofed SYNs
 * cannot fill it — a burst of concurrent handshakes may overshoot the cap by
 * the handshakes in flight), or no backend is usable. */
static const struct vgw_lb_svc_backend *pick_backend(const struct vgw_ct_worker *lb,
						     const struct vgw_lb_svc *svc,
						     const struct vgw_lb_l4 *f, bool rst,
						     enum vgw_drop *why)
{
	if (svc->max_conns && !rst) {
		/* the cap is shared evenly: no worker reads another's counters
		 * (64 bits: max-conns near 2^32 must not wrap to a share of 0) */
		uint64_t share = ((uint64_t)svc->max_conns + vgw_gw.n_workers - 1) / vgw_gw.n_workers;
		if (vgw_ct_established(&lb->svc[svc->id]) >= share) {
			*why = VGW_LB_DROP(LB_SERVICE_FULL);
			return NULL;
		}
	}
	/* keyed (maglev.h): the same on every node sharing `maglev key` */
	const struct vgw_siphash_key *key = vgw_lb_conf.maglev_key_set ? &vgw_lb_conf.maglev_key
								       : &vgw_lb_maglev_default_key;
	uint16_t i = vgw_lb_maglev_pick(
		svc->table, svc->m,
		vgw_lb_maglev_flow_hash(key, f->src, f->dst, f->sport, f->dport, f->proto));
	if (unlikely(i == VGW_LB_MAGLEV_NONE)) {
		*why = VGW_LB_DROP(LB_NO_BACKEND);
		return NULL;
	}
	return &svc->be[i];
}

void vgw_lb_vip_in(struct vgw_worker *w, struct rte_mbuf *m, const struct vgw_pkt *p,
		   const struct vgw_lb_l4 *fp, uint32_t cth)
{
	const struct vgw_lb_svc *svc = p->obj;
	struct vgw_lb_l4 f = *fp;
	struct vgw_ct_tcp_seg seg;
	if (unlikely(!vgw_lb_l4_complete(&f, &seg))) {
		vgw_dp_drop(w, p->in_port, VGW_LB_DROP(L4_SHORT), m);
		return;
	}
	if (vgw_dp_ttl_expired(w, m, p, f.ip, true))
		return;
	struct vgw_ct_worker *lb = w->lb;
	struct vgw_ct_key ok = {.src = f.src, .dst = f.dst, .sport = f.sport, .dport = f.dport,
				.proto = f.proto};
	enum vgw_ct_dir dir;
	struct vgw_ct_entry *e = vgw_ct_lookup_hashed(lb->ct, &ok, cth, &dir);
	bool syn = f.proto == 6 &&
		   (seg.flags & (VGW_CT_TCP_SYN | VGW_CT_TCP_ACK)) == VGW_CT_TCP_SYN;
	if (e && syn &&
	    (e->tcp.state == VGW_CT_TCP_TIME_WAIT || e->tcp.state == VGW_CT_TCP_CLOSE)) {
		/* the client reuses its port: a new connection, picked afresh */
		vgw_ct_worker_conn_ended(lb, e);
		vgw_ct_delete(lb->ct, e);
		e = NULL;
	}
	uint32_t hash = vgw_ip4_flow_hash(f.ip, f.hl, f.tl);
	struct vgw_vpc_tunnel t;
	uint32_t be_ip;
	uint16_t be_port;
	if (likely(e != NULL)) {
		if (f.proto == 6)
			vgw_ct_worker_tcp_verdict(lb, e,
						  vgw_ct_tcp_update(&e->tcp, VGW_CT_ORIG, &seg));
		vgw_ct_touch(lb->ct, e, lb->now);
		be_ip = e->be_ip;
		be_port = e->be_port;
		if (!vgw_vpc_tunnel_prepare(w, m, p, e->be_vni, be_ip, NULL, hash, f.tl, &t))
			return;
		vgw_lb_trace_conn(w, m, "hit", e->be_vni, be_ip, be_port,
				  f.proto == 6 ? e->tcp.state : 0xff);
		vgw_ct_worker_count(lb, e->svc_id, e->be_id, VGW_CT_ORIG, f.tl);
	} else {
		bool rst = f.proto == 6 && (seg.flags & VGW_CT_TCP_RST);
		enum vgw_drop why = VGW_LB_DROP(LB_NO_BACKEND);
		const struct vgw_lb_svc_backend *be = pick_backend(lb, svc, &f, rst, &why);
		if (unlikely(!be)) {
			vgw_dp_drop(w, p->in_port, why, m);
			return;
		}
		be_ip = be->ip;
		be_port = be->port;
		if (!vgw_vpc_tunnel_prepare(w, m, p, be->vni, be_ip, NULL, hash, f.tl, &t))
			return;
		if (!rst) {
			struct vgw_ct_key rk = {.vni = be->vni, .src = be_ip, .dst = f.src,
						.sport = be_port, .dport = f.sport, .proto = f.proto};
			enum vgw_ct_insert_result res;
			e = vgw_ct_insert_hashed(lb->ct, &ok, cth, &rk, lb->now, &res);
			if (unlikely(!e)) {
				vgw_dp_drop(w, p->in_port,
					    res == VGW_CT_CLASH ? VGW_LB_DROP(CT_REPLY_CLASH)
								: VGW_LB_DROP(CT_FULL), m);
				return;
			}
			e->svc_id = svc->id;
			e->be_id = be->id;
			if (f.proto == 6) {
				vgw_ct_tcp_init(&e->tcp, &seg);
				lb->midflow += !syn;
				vgw_ct_touch(lb->ct, e, lb->now);
			}
			lb->svc[svc->id].conns++;
			lb->be[be->id].conns++;
		}
		vgw_lb_trace_conn(w, m, rst ? "none (RST)" : "new", be->vni, be_ip, be_port,
				  e && f.proto == 6 ? e->tcp.state : 0xff);
		vgw_ct_worker_count(lb, svc->id, be->id, VGW_CT_ORIG, f.tl);
	}
	vgw_ip4_ttl_dec(f.ip);
	vgw_nat_set_addr(f.ip, f.hl, f.tl, VGW_NAT_DST, be_ip);
	vgw_nat_set_port(f.ip, f.hl, f.tl, VGW_NAT_DPORT, be_port);
	vgw_vpc_tunnel_send(w, m, p, &t, f.tl);
}

bool vgw_lb_vip_handed(struct vgw_worker *w, struct rte_mbuf *m, struct vgw_pkt *p)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, VGW_DP_ETH_HLEN);
	const uint8_t *l4 = ip + (ip[0] & 0xf) * 4;
	p->obj = vgw_lb_service(vgw_ip4_dst(ip), (uint16_t)(l4[2] << 8 | l4[3]), ip[9]);
	if (unlikely(!p->obj)) {
		vgw_dp_drop(w, p->in_port, VGW_DROP_VIP_NO_SERVICE, m);
		return false;
	}
	return true;
}
