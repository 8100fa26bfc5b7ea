/* The flow fields of a TCP/UDP packet, read once by the load-balancing steps
 * (vip_in_dp.c, lb_reply_dp.c). Workers only; the IPv4 header at VGW_DP_ETH_HLEN
 * has been checked, the packet is no later fragment and holds its ports. */
#ifndef VGW_LB_L4_H
#define VGW_LB_L4_H

#include <rte_mbuf.h>

#include "../ct/ct_tcp.h"
#include "../net/ip4.h"

struct vgw_lb_l4 {
	uint8_t *ip;
	const uint8_t *l4;
	uint16_t hl, tl;
	uint8_t proto; /* 6 or 17 */
	uint32_t src, dst; /* host order */
	uint16_t sport, dport;
};

static inline void vgw_lb_l4_of(struct rte_mbuf *m, struct vgw_lb_l4 *f)
{
	f->ip = rte_pktmbuf_mtod_offset(m, uint8_t *, 14);
	f->hl = (uint16_t)((f->ip[0] & 0xf) * 4);
	f->tl = (uint16_t)(f->ip[2] << 8 | f->ip[3]);
	f->l4 = f->ip + f->hl;
	f->proto = f->ip[9];
	f->src = vgw_ip4_src(f->ip);
	f->dst = vgw_ip4_dst(f->ip);
	f->sport = (uint16_t)(f->l4[0] << 8 | f->l4[1]);
	f->dport = (uint16_t)(f->l4[2] << 8 | f->l4[3]);
}

/* The whole TCP or UDP header is there (TCP: its fields in *seg). */
static inline bool vgw_lb_l4_complete(const struct vgw_lb_l4 *f, struct vgw_ct_tcp_seg *seg)
{
	uint32_t len = (uint32_t)(f->tl - f->hl);
	if (f->proto == 6)
		return vgw_ct_tcp_seg_parse(f->l4, len, len, seg) == 0;
	return len >= 8;
}

#endif
