/* To-self IPv4 and ICMP messages originated by a worker. Replies are built in
 * the received mbuf (no allocation) and routed like any packet. */
#include "dp.h"

#include "../fib/fib_dp.h"
#include "../host/host_dp.h"
#include "../net/icmp.h"
#include "../net/ip4.h"

/* Routes a packet the gateway originated (IP header at VGW_ETH_HLEN); an
 * error about a packet a VM sent goes to its EIP, hence through the tunnel. */
static void output_local(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m)
{
	vgw_ip4_route(w, in_port, m);
}

void vgw_ip4_local(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m,
		   uint16_t hdr_len, uint16_t tot_len, uint32_t self)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
	if (!vgw_icmp_is_echo_request(ip, hdr_len, tot_len)) {
		/* the exception path: BGP, SSH, ... reach the host's stack */
		vgw_host_punt(w, port, m);
		return;
	}
	uint16_t nl = vgw_icmp_echo_reply(ip, hdr_len, tot_len, self);
	rte_pktmbuf_trim(m, (uint16_t)(tot_len - nl));
	output_local(w, port, m);
}

/* Our address facing the packet's source (RFC 1812 4.3.2.4 lets a router
 * choose): the first address of the port it came in on, except for a VM's
 * packet (its source is its EIP): tenants see a public address, never the
 * underlay. */
static uint32_t icmp_source(uint16_t in_port, uint32_t peer)
{
	if (vgw_rmap_get(vgw_gw.vpc->eip_by_pub, &peer)) {
		for (int i = 0; i < vgw_gw.n_ports; i++)
			if (vgw_gw.ports[i].role == VGW_ROLE_PUBLIC && vgw_gw.ports[i].n_addrs)
				return vgw_gw.ports[i].addrs[0].ip;
	}
	const struct vgw_port *p = &vgw_gw.ports[in_port];
	return p->n_addrs ? p->addrs[0].ip : 0;
}

void vgw_ip4_icmp_error(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
			uint8_t type, uint8_t code, uint32_t rest)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, VGW_ETH_HLEN);
	uint16_t hl = (uint16_t)((ip[0] & 0xf) * 4);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	uint32_t self = icmp_source(in_port, vgw_ip4_src(ip));
	if (!self || !vgw_icmp_error_allowed(ip, hl, tl)) {
		rte_pktmbuf_free(m);
		return;
	}
	/* RFC 1812 4.3.2.8: errors are rate-limited (per worker, GCRA): a flood
	 * of expiring or oversize packets must not become a flood of ours */
	if (unlikely(!vgw_gcra_allow(&w->icmp_tat, rte_rdtsc(), w->icmp_cost, w->icmp_slack))) {
		vgw_dp_drop(w, in_port, VGW_DROP_ICMP_ERROR_LIMITED, m);
		return;
	}
	uint32_t room = rte_pktmbuf_tailroom(m) + rte_pktmbuf_data_len(m) - VGW_ETH_HLEN;
	uint16_t nl = vgw_icmp_error(ip, hl, tl, room, type, code, rest, self);
	if (!nl) {
		rte_pktmbuf_free(m);
		return;
	}
	/* set the frame length to the new datagram */
	int diff = (int)nl - (int)(rte_pktmbuf_data_len(m) - VGW_ETH_HLEN);
	if (diff > 0)
		rte_pktmbuf_append(m, (uint16_t)diff);
	else if (diff < 0)
		rte_pktmbuf_trim(m, (uint16_t)-diff);
	output_local(w, in_port, m);
}
