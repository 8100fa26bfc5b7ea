/* Replies of load-balanced flows: a backend's packet to a client, already
 * decapsulated by vxlan_input.c ([inner Eth][IPv4 src=backend ...]), gets
 * the VIP:port back as its source and is routed to the client. Runs on
 * workers, on the flow's owner (the client is the destination here).
 *
 * The reply key is (backend VNI, backend -> client 5-tuple): a backend in
 * another VPC with the same address cannot match. A packet that matches no
 * entry is the VM's own traffic (it may have an EIP) and takes that path. */
#include "dp.h"

#include "../lb/lb_worker.h"
#include "../net/ip4.h"
#include "../net/nat.h"
#include "l4.h"

void vgw_lb_reply(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m, uint32_t vni)
{
	struct vgw_l4 f;
	vgw_l4_of(m, &f);
	if (vgw_steer(w, in_port, m, f.dst, f.dport, VGW_HANDOFF_LB_REPLY, vni))
		return;
	struct vgw_lb_worker *lb = w->lb;
	struct vgw_ct_key rk = {.vni = vni, .src = f.src, .dst = f.dst, .sport = f.sport,
				.dport = f.dport, .proto = f.proto};
	enum vgw_ct_dir dir;
	struct vgw_ct_entry *e = vgw_ct_lookup(lb->ct, &rk, &dir);
	if (!e || dir != VGW_CT_REPLY) {
		vgw_vpc_out(w, in_port, m, vni);
		return;
	}
	struct vgw_tcp_seg seg;
	if (unlikely(!vgw_l4_complete(&f, &seg))) {
		vgw_dp_drop(w, in_port, VGW_DROP_L4_SHORT, m);
		return;
	}
	if (unlikely(f.ip[8] <= 1)) {
		/* no ICMP into the tunnel (as for the VMs' own traffic) */
		vgw_dp_drop(w, in_port, VGW_DROP_TTL_EXCEEDED, m);
		return;
	}
	/* the backend's answer confirms the entry only if the tracker accepts
	 * it as proof (ct_tcp.h); an RST to a spoofed ACK, or a SYN-ACK to a
	 * spoofed SYN, does not */
	if (f.proto == 6)
		vgw_lb_tcp_verdict(lb, e, vgw_ct_tcp_update(&e->tcp, VGW_CT_REPLY, &seg));
	else
		vgw_lb_confirm(lb, e); /* UDP: any reply */
	vgw_ct_touch(lb->ct, e, lb->now);
	vgw_lb_count(lb, e->svc_id, e->be_id, VGW_CT_REPLY, f.tl);

	vgw_ip4_ttl_dec(f.ip);
	vgw_nat_set_addr(f.ip, f.hl, f.tl, VGW_NAT_SRC, e->vip);
	vgw_nat_set_port(f.ip, f.hl, f.tl, VGW_NAT_SPORT, e->vip_port);
	vgw_ip4_route(w, in_port, m);
}
