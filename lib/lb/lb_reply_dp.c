/* Step lb-reply of the lb stage (lb_dp.c): a backend's packet to a client, already decapsulated by
 * vxlan-in ([inner Eth][IPv4 src=backend ...], arg = its VNI), gets the
 * VIP:port back as its source and goes to ip4-route. Runs on workers, on the
 * flow's owner (the client is the destination here).
 *
 * The reply key is (backend VNI, backend -> client 5-tuple): a backend in
 * another VPC with the same address cannot match. A packet that matches no
 * entry is the VM's own traffic (it may have an EIP) and goes to vpc-out. */
#include "../net/ip4.h"
#include "../net/nat.h"
#include "../dp/dp.h"
#include "l4.h"
#include "lb_dp.h"
#include "ct_worker.h"

void vgw_lb_reply(struct vgw_worker *w, struct rte_mbuf *m, const struct vgw_pkt *p,
		  const struct vgw_lb_l4 *f, uint32_t cth)
{
	struct vgw_ct_worker *lb = w->lb;
	struct vgw_ct_key rk = {.vni = p->arg, .src = f->src, .dst = f->dst, .sport = f->sport,
				.dport = f->dport, .proto = f->proto};
	enum vgw_ct_dir dir;
	struct vgw_ct_entry *e = vgw_ct_lookup_hashed(lb->ct, &rk, cth, &dir);
	if (!e || dir != VGW_CT_REPLY) {
		vgw_trace_note(w, m, VGW_STAGE_LB, "no connection: a VM's own packet");
		vgw_dp_push_to(w, VGW_STAGE_VPC_OUT, m, p, NULL, p->arg, 0);
		return;
	}
	struct vgw_ct_tcp_seg seg;
	if (unlikely(!vgw_lb_l4_complete(f, &seg))) {
		vgw_dp_drop(w, p->in_port, VGW_LB_DROP(L4_SHORT), m);
		return;
	}
	if (vgw_dp_ttl_expired(w, m, p, f->ip, false)) /* no ICMP into the tunnel */
		return;
	/* the backend's answer confirms the entry only if the tracker accepts
	 * it as proof (ct_tcp.h); an RST to a spoofed ACK, or a SYN-ACK to a
	 * spoofed SYN, does not */
	if (f->proto == 6)
		vgw_ct_worker_tcp_verdict(lb, e, vgw_ct_tcp_update(&e->tcp, VGW_CT_REPLY, &seg));
	else
		vgw_ct_worker_confirm(lb, e); /* UDP: any reply */
	vgw_ct_touch(lb->ct, e, lb->now);
	vgw_ct_worker_count(lb, e->svc_id, e->be_id, VGW_CT_REPLY, f->tl);
	vgw_lb_trace_conn(w, m, "reply", p->arg, e->vip, e->vip_port,
			  f->proto == 6 ? e->tcp.state : 0xff);

	vgw_ip4_ttl_dec(f->ip);
	vgw_nat_set_addr(f->ip, f->hl, f->tl, VGW_NAT_SRC, e->vip);
	vgw_nat_set_port(f->ip, f->hl, f->tl, VGW_NAT_SPORT, e->vip_port);
	vgw_dp_push_to(w, VGW_STAGE_IP4_ROUTE, m, p, NULL, 0, 0);
}
