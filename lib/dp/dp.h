/* Data-path steps shared by the worker's files. Runs on workers only: no
 * locks, no allocation, no system calls. Each step either hands the mbuf to
 * the next one, transmits it, punts it to the slow path, or drops it with a
 * named reason; exactly one of these happens to every packet. */
#ifndef VGW_DP_H
#define VGW_DP_H

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "../core/gw.h"
#include "../fib/fib.h"
#include "../vpc/vpc.h"

#define VGW_ETH_HLEN 14

static inline void vgw_dp_drop(struct vgw_worker *w, uint16_t port, enum vgw_drop why,
			       struct rte_mbuf *m)
{
	w->stats[port].drop[why]++;
	rte_pktmbuf_free(m);
}

static inline void vgw_dp_tx(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m)
{
	w->stats[port].tx++;
	rte_eth_tx_buffer(vgw_gw.ports[port].id, (uint16_t)w->idx, w->txb[port], m);
}

static inline struct vgw_mbuf_priv *vgw_mbuf_priv(struct rte_mbuf *m)
{
	return rte_mbuf_to_priv(m);
}

static inline void vgw_dp_punt(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m)
{
	if (rte_ring_sp_enqueue(w->punt, m) != 0)
		vgw_dp_drop(w, in_port, VGW_DROP_PUNT_RING_FULL, m);
}

struct vgw_eip;

/* eth_input.c: classify one received frame. */
void vgw_eth_input(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m);
/* ip4_input.c: validate, then local delivery or forwarding. */
void vgw_ip4_input(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m);
/* ip4_output.c: pick the path of target t for the packet (IP header at
 * VGW_ETH_HLEN), check the MTU, write Ethernet and transmit or punt. */
void vgw_ip4_output(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		    const struct vgw_route_target *t);
/* The next hop and port of target t for a packet to dst (hash picks among
 * ECMP paths); false if t is no egress (a local route). */
bool vgw_ip4_path(const struct vgw_route_target *t, uint32_t dst, uint32_t hash,
		  uint32_t *nh, uint16_t *out);
/* Writes the Ethernet header for next hop nh on port out and transmits, or
 * punts m to the slow path to resolve nh. */
void vgw_ip4_xmit(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m, uint32_t nh,
		  uint16_t out);
/* Routes a packet whose TTL is already handled: an EIP destination takes the
 * tunnel (eip_input.c), anything else the FIB. Local destinations drop. */
void vgw_ip4_route(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m);
/* eip_input.c: a valid IPv4 packet (at VGW_ETH_HLEN) to EIP e: DNAT and VXLAN
 * encapsulation towards the VM's hypervisor. */
void vgw_eip_input(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		   const struct vgw_eip *e);
/* vxlan_input.c: a UDP datagram to the gateway's VTEP (IP header valid, at
 * VGW_ETH_HLEN): decapsulation, checks, SNAT to the VM's EIP, routing. */
void vgw_vxlan_input(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		     uint16_t hdr_len, uint16_t tot_len);
/* ip4_icmp.c: answer to-self packets; originate ICMP errors (consume m). */
void vgw_ip4_local(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m,
		   uint16_t hdr_len, uint16_t tot_len, uint32_t self);
void vgw_ip4_icmp_error(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
			uint8_t type, uint8_t code, uint32_t rest);

#endif
