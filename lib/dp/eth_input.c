/* Ethernet input: the first step for every received frame. */
#include <string.h>

#include "dp.h"

void vgw_eth_input(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m)
{
	if (unlikely(rte_pktmbuf_data_len(m) < VGW_ETH_HLEN)) {
		vgw_dp_drop(w, port, VGW_DROP_ETH_SHORT, m);
		return;
	}
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	/* ports run promiscuous (not every PMD takes our MAC): filter here */
	if (unlikely(!rte_is_same_ether_addr(&eh->dst_addr, &vgw_gw.ports[port].mac) &&
		     !rte_is_broadcast_ether_addr(&eh->dst_addr))) {
		vgw_dp_drop(w, port, VGW_DROP_ETH_NOT_FOR_US, m);
		return;
	}
	switch (eh->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		vgw_ip4_input(w, port, m);
		return;
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		vgw_dp_punt(w, port, m, VGW_PUNT_ARP);
		return;
	default:
		vgw_dp_drop(w, port, VGW_DROP_ETHERTYPE_UNSUPPORTED, m);
	}
}
