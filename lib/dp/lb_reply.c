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

void vgw_lb_reply(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m, uint32_t vni)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	const uint8_t *l4 = ip + hl;
	uint8_t proto = ip[9];
	uint32_t src = vgw_ip4_src(ip), dst = vgw_ip4_dst(ip);
	uint16_t sport = (uint16_t)(l4[0] << 8 | l4[1]), dport = (uint16_t)(l4[2] << 8 | l4[3]);

	if (vgw_gw.n_workers > 1) {
		unsigned int owner = vgw_flow_owner(dst, dport);
		if (owner != w->idx) {
			vgw_handoff(w, in_port, m, owner, VGW_HANDOFF_LB_REPLY, vni);
			return;
		}
	}
	struct vgw_lb_worker *lb = w->lb;
	struct vgw_ct_key rk = {.vni = vni, .src = src, .dst = dst, .sport = sport,
				.dport = dport, .proto = proto};
	enum vgw_ct_dir dir;
	struct vgw_ct_entry *e = vgw_ct_lookup(lb->ct, &rk, &dir);
	if (!e || dir != VGW_CT_REPLY) {
		vgw_vpc_out(w, in_port, m, vni);
		return;
	}
	struct vgw_tcp_seg seg;
	if (unlikely((proto == 6 && vgw_tcp_seg_parse(l4, tl - hl, tl - hl, &seg) < 0) ||
		     (proto == 17 && tl - hl < 8))) {
		vgw_dp_drop(w, in_port, VGW_DROP_L4_SHORT, m);
		return;
	}
	if (unlikely(ip[8] <= 1)) {
		/* no ICMP into the tunnel (as for the VMs' own traffic) */
		vgw_dp_drop(w, in_port, VGW_DROP_TTL_EXCEEDED, m);
		return;
	}
	if (proto == 6) {
		if (vgw_ct_tcp_update(&e->tcp, VGW_CT_REPLY, &seg) == VGW_TCP_RST_IGNORED)
			lb->rst_ignored++;
		vgw_lb_conn_closing(lb, e);
	}
	vgw_ct_touch(lb->ct, e, VGW_CT_REPLY, lb->now);
	lb->svc[e->svc_id].pkts_out++;
	lb->svc[e->svc_id].bytes_out += tl;
	lb->be[e->be_id].pkts_out++;
	lb->be[e->be_id].bytes_out += tl;

	vgw_ip4_ttl_dec(ip);
	vgw_nat_set_addr(ip, hl, tl, VGW_NAT_SRC, e->key[VGW_CT_ORIG].dst);
	vgw_nat_set_port(ip, hl, tl, VGW_NAT_SPORT, e->key[VGW_CT_ORIG].dport);
	vgw_ip4_route(w, in_port, m);
}
