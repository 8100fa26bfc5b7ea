/* Stages ip4-forward (TTL of a forwarded packet, ECMP path choice, MTU) and
 * eth-out (next-hop MAC, transmit). Runs on workers. */
#include <string.h>

#include "dp.h"

#include "../neigh/neigh_dp.h"
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "memo.h"

bool vgw_dp_ip4_path(const struct vgw_fib_route_target *t, uint32_t dst, uint32_t hash,
		     uint32_t *nh, uint16_t *out)
{
	if (t->kind == VGW_FIB_RT_CONNECTED) {
		*nh = dst;
		*out = t->port;
		return true;
	}
	if (likely(t->kind == VGW_FIB_RT_VIA)) {
		unsigned int k = t->n_paths > 1 ? vgw_fib_ecmp_pick(hash, t->n_paths) : 0;
		*nh = t->paths[k].gw;
		*out = t->paths[k].port;
		return true;
	}
	return false; /* a local route cannot be an egress */
}

static inline void forward(struct vgw_worker *w, struct rte_mbuf *m, const struct vgw_pkt *p)
{
	const struct vgw_fib_route_target *t = p->obj;
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
	if (p->out & VGW_DP_FWD_TTL) {
		if (vgw_dp_ttl_expired(w, m, p, ip, true))
			return;
		vgw_ip4_ttl_dec(ip);
	}
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	uint32_t hash = t->kind == VGW_FIB_RT_VIA && t->n_paths > 1 ? vgw_ip4_flow_hash(ip, hl, tl)
								    : 0;
	uint32_t nh;
	uint16_t out;
	if (unlikely(!vgw_dp_ip4_path(t, vgw_ip4_dst(ip), hash, &nh, &out))) {
		vgw_dp_drop(w, p->in_port, VGW_DROP_NO_ROUTE, m);
		return;
	}
	if (unlikely(tl > vgw_gw.ports[out].mtu)) {
		w->stats[p->in_port].drop[VGW_DROP_MTU_EXCEEDED]++;
		if (ip[6] & 0x40) /* DF: RFC 1191 tells the sender the MTU */
			vgw_dp_icmp_error(w, m, p, VGW_ICMP_DEST_UNREACH, VGW_ICMP_FRAG_NEEDED,
					  vgw_gw.ports[out].mtu);
		else {
			vgw_trace_end(w, m, VGW_TRACE_END_DROP, VGW_DROP_MTU_EXCEEDED);
			rte_pktmbuf_free(m);
		}
		return;
	}
	vgw_dp_push_to(w, VGW_STAGE_ETH_OUT, m, p, NULL, nh, out);
}

void vgw_dp_stage_ip4_forward(struct vgw_worker *w, const struct vgw_vec *v)
{
	for (uint32_t i = 0; i < v->n; i++)
		forward(w, v->m[i], &v->p[i]);
}

/* A traced packet leaves: its neighbour, then the end of its trace. */
static void trace_tx(struct vgw_worker *w, struct rte_mbuf *m, uint16_t out, const uint8_t *b)
{
	vgw_trace_notef(w, m, VGW_STAGE_ETH_OUT, "neighbour %02x:%02x:%02x:%02x:%02x:%02x", b[0],
			b[1], b[2], b[3], b[4], b[5]);
	vgw_trace_finish(w, m, VGW_TRACE_END_TX, out);
}

void vgw_dp_stage_eth_out(struct vgw_worker *w, struct vgw_vec *v)
{
	/* the stages before took the burst's packets in different orders: a
	 * port sends them in the order they arrived */
	vgw_dp_vec_in_order(v);
	/* once a vector: the per-packet test below is on a register */
	const bool traced = w->trace_on;
	for (uint32_t i = 0; i < v->n; i++) {
		struct rte_mbuf *m = v->m[i];
		const struct vgw_pkt *p = &v->p[i];
		uint32_t nh = p->arg;
		uint16_t out = p->out;
		struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		rte_ether_addr_copy(&vgw_gw.ports[out].mac, &eh->src_addr);
		eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		uint64_t mac = vgw_dp_memo_mac(w, nh, out);
		if (unlikely(!(mac & VGW_NEIGH_MAC_VALID))) {
			vgw_trace_note(w, m, VGW_STAGE_ETH_OUT,
				       "no neighbour entry: to the slow path to resolve");
			struct vgw_dp_mbuf_priv *pr = vgw_dp_mbuf_priv(m);
			pr->nh_ip = nh;
			pr->out_port = out;
			vgw_dp_punt(w, p->in_port, m, VGW_PUNT_NEIGH_MISS);
			continue;
		}
		vgw_neigh_mac_bytes(mac, eh->dst_addr.addr_bytes);
		if (unlikely(traced) && (m->ol_flags & vgw_trace_flag))
			trace_tx(w, m, out, eh->dst_addr.addr_bytes);
		vgw_dp_tx(w, out, m);
	}
}
