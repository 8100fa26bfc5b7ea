/* Stage lb: every packet that meets this worker's connection table (see
 * lb_dp.h for why they share one vector). Runs on workers.
 *
 * Over the vector, in arrival order: each packet's flow is steered to its
 * owner (vgw_lb_steer, dp/handoff.h) — the client is the source of a packet to a VIP and
 * the destination of a reply; then the connection-table bucket of every
 * packet this worker owns is fetched, and the entries its signature points
 * to a few packets ahead of processing: with a million flows, each lookup
 * would otherwise wait for two cache misses in turn. */
#include <string.h>

#include "../dp/dp.h"
#include "../util/parse.h"
#include "l4.h"
#include "lb_dp.h"
#include "ct_worker.h"

/* Packets ahead whose connection entry is fetched before they are processed. */
#define ENTRY_AHEAD 4

void vgw_lb_stage(struct vgw_worker *w, struct vgw_vec *v)
{
	const struct vgw_ct *ct = w->lb->ct;
	struct vgw_lb_l4 f[VGW_BURST];
	uint32_t cth[VGW_BURST];
	uint8_t own[VGW_BURST]; /* the packets still here, in order */
	uint32_t n = 0;
	vgw_dp_vec_in_order(v);
	for (uint32_t i = 0; i < v->n; i++) {
		struct rte_mbuf *m = v->m[i];
		const struct vgw_pkt *p = &v->p[i];
		struct vgw_ct_key k = {0};
		if (p->out == VGW_LB_ICMP) {
			own[n++] = (uint8_t)i;
			cth[i] = 0;
			continue;
		}
		vgw_lb_l4_of(m, &f[i]);
		if (p->out == VGW_LB_VIP) {
			if (vgw_lb_steer(w, p->in_port, m, f[i].src, f[i].sport, VGW_LB_VIP, 0))
				continue;
			k = (struct vgw_ct_key){.src = f[i].src, .dst = f[i].dst, .sport = f[i].sport,
						.dport = f[i].dport, .proto = f[i].proto};
		} else {
			if (vgw_lb_steer(w, p->in_port, m, f[i].dst, f[i].dport,
					 VGW_LB_REPLY, p->arg))
				continue;
			k = (struct vgw_ct_key){.vni = p->arg, .src = f[i].src, .dst = f[i].dst,
						.sport = f[i].sport, .dport = f[i].dport,
						.proto = f[i].proto};
		}
		cth[i] = vgw_ct_hash(&k);
		vgw_ct_prefetch_bucket(ct, cth[i]);
		own[n++] = (uint8_t)i;
	}
	for (uint32_t j = 0; j < n && j < ENTRY_AHEAD; j++)
		vgw_ct_prefetch_entry(ct, cth[own[j]]);
	for (uint32_t j = 0; j < n; j++) {
		if (j + ENTRY_AHEAD < n)
			vgw_ct_prefetch_entry(ct, cth[own[j + ENTRY_AHEAD]]);
		uint32_t i = own[j];
		switch (v->p[i].out) {
		case VGW_LB_VIP: vgw_lb_vip_in(w, v->m[i], &v->p[i], &f[i], cth[i]); break;
		case VGW_LB_REPLY: vgw_lb_reply(w, v->m[i], &v->p[i], &f[i], cth[i]); break;
		default: vgw_lb_vip_icmp(w, v->m[i], &v->p[i]);
		}
	}
}

void vgw_lb_trace_conn_note(struct vgw_worker *w, const struct rte_mbuf *m, const char *what,
			    uint32_t vni, uint32_t ip, uint16_t port, uint8_t tcp_state)
{
	char a[VGW_IP4_STRLEN];
	vgw_ip4_str(ip, a);
	const char *st = tcp_state == 0xff ? "" : vgw_ct_tcp_state_name(tcp_state);
	if (!strcmp(what, "reply"))
		vgw_trace_notef(w, m, VGW_STAGE_LB, "conntrack reply: back from %s:%u%s%s", a, port,
				*st ? ", tcp " : "", st);
	else
		vgw_trace_notef(w, m, VGW_STAGE_LB, "conntrack %s: backend %s:%u vni %u%s%s", what,
				a, port, vni, *st ? ", tcp " : "", st);
}
