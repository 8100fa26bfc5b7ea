/* Host ports: the exception path between the data path and Linux.
 *
 * A port configured with `host-port IFNAME` gets a Linux interface of that
 * name (a net_tap vdev; virtio-user/vhost-net is the production option) with
 * the port's MAC, MTU and addresses. To-self traffic the data path does not
 * consume (BGP, SSH, ...) reaches Linux through it, and what Linux sends on it
 * leaves through the DPDK ports, so daemons on the host talk to the network as
 * if the gateway's addresses were Linux's own.
 *
 *   wire -> Linux: a worker punts the frame (host_dp.h, rate-limited); the
 *                  slow path writes it unchanged to the port's tap
 *                  (vgw_host_deliver): its destination MAC is the port's,
 *                  which the tap has too.
 *   Linux -> wire: the slow path reads the taps (vgw_host_poll), routes each
 *                  IPv4 frame by the FIB (Linux's own choice of interface is
 *                  not trusted: its routes may be fewer than the FIB's) and
 *                  sends it through the neighbour table and the inject rings,
 *                  source MAC = the egress port's, TTL untouched.
 *
 * ARP belongs to the data path: the taps are IFF_NOARP, so Linux never asks
 * for a neighbour's MAC and addresses every frame to the tap's own MAC; the
 * slow path replaces both MACs. IPv6 is disabled on the taps (the data path
 * is IPv4 only, and Linux would otherwise chatter ND/MLD).
 *
 * Threads: vgw_host_init/vgw_host_close run on the main thread, before
 * workers start / after they stopped. vgw_host_poll and vgw_host_deliver run
 * on the slow path (main lcore) only: it is the one user of each tap's single
 * RX and TX queue, so no queue is shared. The ifindex look-ups read start-up
 * data and may be called from any thread once vgw_host_init returned. */
#ifndef VGW_HOST_H
#define VGW_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/drop.h"
#include "../util/parse.h"

/* The host module's slow-path counters (core/drop.h): VGW_HOST_SP(x)
 * is x's index in the dense array once registered. */
#define VGW_HOST_COUNTERS(X, P) \
	X(P, HOST_RX, "host_rx", "frames Linux sent on a host port") \
	X(P, HOST_RX_NOT_IPV4, "host_rx_not_ipv4", "from Linux, dropped: not IPv4 (ARP, IPv6, ...)") \
	X(P, HOST_RX_BAD_IP, "host_rx_bad_ip", "from Linux, dropped: bad IPv4 header or source") \
	X(P, HOST_RX_NOT_UNICAST, "host_rx_not_unicast", "from Linux, dropped: multicast/broadcast") \
	X(P, HOST_RX_NO_ROUTE, "host_rx_no_route", "from Linux, dropped: no route") \
	X(P, HOST_RX_LOCAL, "host_rx_local", "from Linux, dropped: to our own address or an EIP") \
	X(P, HOST_RX_MTU_EXCEEDED, "host_rx_mtu_exceeded", "from Linux, dropped: over the egress MTU") \
	X(P, HOST_TX, "host_tx", "punted to-self frames handed to Linux") \
	X(P, HOST_TX_FULL, "host_tx_full", "punted to-self frames dropped: host port TX full")

VGW_COUNTER_SET(VGW_HOST_COUNTERS, VGW_HOST_SP, vgw_host_sp_base);
#define VGW_HOST_SP(id) VGW_COUNTER(vgw_host_sp_base, VGW_HOST_SP, id)

struct rte_mbuf;

/* Descriptors per tap queue; each RX descriptor holds an mbuf of the pool. */
#define VGW_HOST_DESC 256

/* Creates the host port of every port that has one: the tap, its queues,
 * Linux's side (MTU, MAC, NOARP, IPv6 off, addresses, up), and the workers'
 * punt rate limit. Needs the ports initialised (their MACs) and the pool.
 * 0, or -1 with err. */
int vgw_host_init(char *err);
/* Stops and closes the taps (the Linux interfaces disappear). Safe after a
 * partial vgw_host_init. */
void vgw_host_close(void);

/* mbufs the host ports keep in their RX rings (for sizing the pool). */
uint32_t vgw_host_mbufs(void);

/* The Linux interface that stands for a port in the kernel's routing (a
 * routing daemon's `dev`, the announce table's device): its host port, or
 * for an af-xdp port (lib/xdp) the interface it runs on. Linux ifindex, 0
 * if the port has neither. */
int vgw_host_ifindex(uint16_t port);
/* Its name, "" if none. */
const char *vgw_host_ifname(uint16_t port);
/* Our port index whose Linux interface has this ifindex, or -1. */
int vgw_host_port_of_ifindex(int ifindex);

/* Slow path: reads up to a burst from each tap and routes it out (counted
 * in the host_rx* slow-path counters). True when a tap gave a full burst,
 * i.e. more may be waiting. */
bool vgw_host_poll(uint64_t now_ms);
/* Slow path: hands a punted to-self frame (priv.in_port = port) to Linux
 * on port's tap; consumes m (host_tx, or host_tx_full when refused). */
void vgw_host_deliver(uint16_t port, struct rte_mbuf *m);

#endif
