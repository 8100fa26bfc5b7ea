/* Data-path steps shared by the worker's files. Runs on workers only: no
 * locks, no allocation, no system calls. Each step either hands the mbuf to
 * the next one, transmits it, punts it to the slow path, or drops it with a
 * named reason; exactly one of these happens to every packet. */
#ifndef VGW_DP_H
#define VGW_DP_H

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "../core/gcra.h"
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

/* Hands m to the slow path for reason r: its own ring and rate limit per
 * worker (gw.h struct vgw_punt_q), so one kind's flood cannot starve
 * another's. Over the rate: a counted drop per reason; ring full:
 * punt_ring_full. */
static inline void vgw_dp_punt(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
			       enum vgw_punt_reason r)
{
	struct vgw_punt_q *q = &w->punt[r];
	if (unlikely(!vgw_gcra_allow(&q->tat, rte_rdtsc(), q->cost, q->slack))) {
		enum vgw_drop why = r == VGW_PUNT_ARP	     ? VGW_DROP_PUNT_ARP_LIMITED
				    : r == VGW_PUNT_NEIGH_MISS ? VGW_DROP_PUNT_NEIGH_LIMITED
				    : r == VGW_PUNT_HEALTH     ? VGW_DROP_PUNT_HEALTH_LIMITED
							       : VGW_DROP_HOST_PUNT_LIMITED;
		vgw_dp_drop(w, in_port, why, m);
		return;
	}
	vgw_mbuf_priv(m)->reason = (uint8_t)r;
	if (unlikely(rte_ring_sp_enqueue(q->ring, m) != 0))
		vgw_dp_drop(w, in_port, VGW_DROP_PUNT_RING_FULL, m);
}

struct vgw_eip;
struct vgw_svc;
struct vgw_endpoint;
struct vgw_vpc;

/* tunnel_out.c: the way into a VPC, resolved by vgw_tunnel_prepare. */
struct vgw_tunnel {
	const struct vgw_endpoint *ep;
	const struct vgw_vpc *vpc;
	uint32_t vni;
	uint32_t vtep;  /* ours */
	uint32_t nh;    /* underlay next hop */
	uint32_t hash;  /* inner flow: outer UDP source port, ECMP */
	uint16_t udp_port;
	uint16_t out;
};

/* rx_burst.c: a received burst: classification and bulk lookups, then
 * each packet in order (vgw_eth_input for anything out of the ordinary). */
void vgw_rx_burst(struct vgw_worker *w, uint16_t port, struct rte_mbuf **ms, uint16_t n);
/* eth_input.c: classify one received frame. */
void vgw_eth_input(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m);
/* ip4_input.c: validate, then local delivery or forwarding. */
void vgw_ip4_input(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m);
/* The rest of vgw_ip4_input for a packet that passed every check (padding
 * trimmed); e is the EIP of its destination (NULL if none). */
void vgw_ip4_dispatch(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m, uint16_t hl,
		      uint16_t tl, const struct vgw_eip *e);
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
/* tunnel_out.c: resolves the VM (vni, vm_ip), our VTEP and the underlay path
 * for a packet of tot_len tl (IP header at VGW_ETH_HLEN) and checks MTU and
 * headroom; false when m was consumed (counted drop, or ICMP frag needed). */
bool vgw_tunnel_prepare(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
			uint32_t vni, uint32_t vm_ip, uint32_t hash, uint16_t tl,
			struct vgw_tunnel *t);
/* Writes the inner Ethernet header, encapsulates and transmits. */
void vgw_tunnel_send(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		     const struct vgw_tunnel *t, uint16_t tl);
/* A frame the slow path originates into a VPC (vgw_gw.tunnel; priv.vni). */
void vgw_tunnel_originated(struct vgw_worker *w, struct rte_mbuf *m);
/* vxlan_input.c: a decapsulated VM packet ([inner Eth][IPv4], checked) that
 * no load-balanced flow claims: SNAT to the VM's EIP and routing. */
void vgw_vpc_out(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m, uint32_t vni);
/* vip_input.c: a TCP/UDP packet (not a fragment, ports present) to service
 * svc's VIP:port: on the flow's owner, conntrack + Maglev, DNAT, tunnel. */
void vgw_vip_input(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		   const struct vgw_svc *svc);
/* vip_icmp.c: an ICMP error to a VIP about a load-balanced flow (RFC 5508
 * towards the flow's backend). */
void vgw_vip_icmp_input(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m);
/* lb_reply.c: a decapsulated TCP/UDP packet from a backend's (vni, ip,
 * port): on the flow's owner, the conntrack reply direction gives the VIP
 * back as source, then routing; otherwise vgw_vpc_out. */
void vgw_lb_reply(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m, uint32_t vni);
/* handoff.c: the worker that owns the flow of client (ip, port) (host
 * order). */
static inline unsigned int vgw_flow_owner(uint32_t ip, uint16_t port)
{
	/* multiply-add-shift with a per-process random odd multiplier and
	 * addend (gw.h owner_mul/owner_add): both directions agree, and nobody
	 * outside can aim flows at one worker */
	uint64_t h = ((uint64_t)ip << 16 | port) * (vgw_gw.owner_mul | 1) + vgw_gw.owner_add;
	return (unsigned int)(((h >> 32) * vgw_gw.n_workers) >> 32);
}
/* Hands m (priv.kind, priv.vni set here) to worker owner; counted. */
void vgw_handoff(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		 unsigned int owner, uint8_t kind, uint32_t vni);
/* True when m's flow, whose client is (ip, port), belongs to another worker:
 * then m was handed to it (kind, vni as for vgw_handoff). */
static inline bool vgw_steer(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
			     uint32_t ip, uint16_t port, uint8_t kind, uint32_t vni)
{
	if (vgw_gw.n_workers == 1)
		return false;
	unsigned int owner = vgw_flow_owner(ip, port);
	if (owner == w->idx)
		return false;
	vgw_handoff(w, in_port, m, owner, kind, vni);
	return true;
}
/* Processes what other workers handed to w. */
void vgw_handoff_drain(struct vgw_worker *w);

/* ip4_icmp.c: answer to-self packets; originate ICMP errors (consume m). */
void vgw_ip4_local(struct vgw_worker *w, uint16_t port, struct rte_mbuf *m,
		   uint16_t hdr_len, uint16_t tot_len, uint32_t self);
void vgw_ip4_icmp_error(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
			uint8_t type, uint8_t code, uint32_t rest);

#endif
