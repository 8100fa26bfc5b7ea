/* Stages ip4-local (packets to the gateway: echo replies built in the
 * received mbuf, anything else to the host's stack) and icmp-error (ICMP
 * errors the gateway originates, built in the mbuf of the packet they are
 * about). Both pass what they build to ip4-route; no allocation. Runs on
 * workers. */
#include "dp.h"

#include "../host/host_dp.h"
#include "../net/icmp.h"
#include "../net/ip4.h"
#include "../vpc/vpc_dp.h"

void vgw_dp_stage_ip4_local(struct vgw_worker *w, const struct vgw_vec *v)
{
	for (uint32_t i = 0; i < v->n; i++) {
		struct rte_mbuf *m = v->m[i];
		const struct vgw_pkt *p = &v->p[i];
		uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
		uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
		uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
		if (!vgw_icmp_is_echo_request(ip, hl, tl)) {
			/* the exception path: BGP, SSH, ... reach the host's stack */
			vgw_host_punt(w, p->in_port, m);
			continue;
		}
		uint16_t nl = vgw_icmp_echo_reply(ip, hl, tl, vgw_ip4_dst(ip));
		rte_pktmbuf_trim(m, (uint16_t)(tl - nl));
		vgw_dp_push_to(w, VGW_STAGE_IP4_ROUTE, m, p, NULL, 0, 0);
	}
}

/* Our address facing the packet's source (RFC 1812 4.3.2.4 lets a router
 * choose): the first address of the port it came in on, except for a VM's
 * packet (its source is its EIP): tenants see a public address, never the
 * underlay. */
static uint32_t icmp_source(uint16_t in_port, uint32_t peer)
{
	if (vgw_vpc_eip_find(peer)) {
		for (int i = 0; i < vgw_gw.n_ports; i++)
			if (vgw_gw.ports[i].role == VGW_ROLE_PUBLIC && vgw_gw.ports[i].n_addrs)
				return vgw_gw.ports[i].addrs[0].ip;
	}
	const struct vgw_port *pt = &vgw_gw.ports[in_port];
	return pt->n_addrs ? pt->addrs[0].ip : 0;
}

static void send_icmp_error(struct vgw_worker *w, struct rte_mbuf *m, const struct vgw_pkt *p)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_DP_ETH_HLEN);
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	uint32_t self = icmp_source(p->in_port, vgw_ip4_src(ip));
	if (!self || !vgw_icmp_error_allowed(ip, hl, tl)) {
		vgw_trace_note(w, m, VGW_STAGE_ICMP_ERROR, "no error for this packet (RFC 1812)");
		vgw_trace_end(w, m, VGW_TRACE_END_FREED, 0);
		rte_pktmbuf_free(m);
		return;
	}
	/* RFC 1812 4.3.2.8: errors are rate-limited (per worker, GCRA): a flood
	 * of expiring or oversize packets must not become a flood of ours */
	if (unlikely(!vgw_gcra_allow(&w->icmp_tat, rte_rdtsc(), w->icmp_cost, w->icmp_slack))) {
		vgw_dp_drop(w, p->in_port, VGW_DROP_ICMP_ERROR_LIMITED, m);
		return;
	}
	uint32_t room = rte_pktmbuf_tailroom(m) + rte_pktmbuf_data_len(m) - VGW_DP_ETH_HLEN;
	uint16_t nl = vgw_icmp_error(ip, hl, tl, room, (uint8_t)(p->out >> 8), (uint8_t)p->out,
				     p->arg, self);
	if (!nl) {
		vgw_trace_end(w, m, VGW_TRACE_END_FREED, 0);
		rte_pktmbuf_free(m);
		return;
	}
	/* set the frame length to the new datagram */
	int diff = (int)nl - (int)(rte_pktmbuf_data_len(m) - VGW_DP_ETH_HLEN);
	if (diff > 0)
		rte_pktmbuf_append(m, (uint16_t)diff);
	else if (diff < 0)
		rte_pktmbuf_trim(m, (uint16_t)-diff);
	/* an error about a packet a VM sent goes to its EIP, hence through
	 * the tunnel: ip4-route decides */
	vgw_dp_push_to(w, VGW_STAGE_IP4_ROUTE, m, p, NULL, 0, 0);
}

void vgw_dp_stage_icmp_error(struct vgw_worker *w, const struct vgw_vec *v)
{
	for (uint32_t i = 0; i < v->n; i++)
		send_icmp_error(w, v->m[i], &v->p[i]);
}
