/* Kernel neighbours for af-xdp ports (slow path only; workers never touch
 * netlink: they punt a neighbour miss as in ARP mode).
 *
 * On an af-xdp port the kernel keeps the interface and does ARP (vgw's XDP
 * program passes ARP to it), so vgwd learns that port's next hops from the
 * kernel. Opened at start-up only when some port has vgw_port_kernel_neigh():
 * one NETLINK_ROUTE socket (nl_sock.h) of its own, non-blocking, subscribed to
 * RTNLGRP_NEIGH, with a large receive buffer (SO_RCVBUFFORCE), reading only
 * what the kernel sends (sender port id 0). Its fd sits in the slow path's
 * epoll set; vgw_kneigh_poll(), called on every loop turn, applies at
 * most VGW_KNEIGH_FOLLOW_BUDGET messages. Messages go through the pure parser
 * (neigh_parse.h) to the neighbour table (vgw_neigh_kernel_update(), which
 * owns the semantics); those about an interface that is no af-xdp port's
 * xdp_ifindex are counted and dropped.
 *
 * Resync: at start and after a netlink overrun (ENOBUFS: notifications were
 * lost) the kernel's IPv4 neighbours are dumped on the same socket, so dump
 * answers and notifications arrive in kernel order; on NLMSG_DONE the table
 * sweeps the kernel-learned entries the dump did not bring (mark and sweep,
 * like the kernel RIB's resync). An overrun during a dump restarts it.
 *
 * Asking the kernel (vgw_kneigh_resolve, the table's kernel_resolve
 * op): first RTM_GETNEIGH for the entry, which changes nothing; the answer is
 * applied like any report, and only when the kernel has no entry (ENOENT), a
 * NONE or FAILED one, or a STALE one, does the follower send RTM_NEWNEIGH
 * with NTF_USE (neigh_parse.h), which makes the kernel resolve or re-confirm
 * the neighbour as if it had a packet for it; the outcome arrives as a
 * notification. Asking first matters: NTF_USE would demote a PERMANENT entry
 * (Linux >= 5.16), and does not notify when the kernel's entry is already
 * valid. The table keeps one request outstanding per neighbour. */
#ifndef VGW_KNEIGH_FOLLOW_H
#define VGW_KNEIGH_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/drop.h"

/* The kneigh module's slow-path counters (core/drop.h): VGW_KNEIGH_SP(x)
 * is x's index in the dense array once registered. */
#define VGW_KNEIGH_COUNTERS(X, P) \
	X(P, KNEIGH_MSG, "kneigh_msg", "neighbour messages read from the kernel (notifications, dump and query answers)") \
	X(P, KNEIGH_IGNORED, "kneigh_ignored", "kernel neighbour messages not about an IPv4 unicast neighbour (IPv6, proxy, broadcast, ...)") \
	X(P, KNEIGH_MALFORMED, "kneigh_malformed", "kernel neighbour messages refused as malformed") \
	X(P, KNEIGH_FOREIGN, "kneigh_foreign", "netlink datagrams on the neighbour socket not sent by the kernel: dropped") \
	X(P, KNEIGH_QUERY_TX, "kneigh_query_tx", "RTM_GETNEIGH sent: vgwd asks the kernel for a next hop") \
	X(P, KNEIGH_REQUEST_TX, "kneigh_request_tx", "NTF_USE sent: the kernel resolves or re-confirms a next hop") \
	X(P, KNEIGH_REQUEST_ERROR, "kneigh_request_error", "queries or requests the kernel refused or that could not be sent") \
	X(P, KNEIGH_DUMP, "kneigh_dump", "dumps of the kernel's IPv4 neighbours (start-up, after an overrun)") \
	X(P, KNEIGH_OVERRUN, "kneigh_overrun", "netlink overruns (ENOBUFS): neighbour notifications lost, dumped again")

VGW_COUNTER_SET(VGW_KNEIGH_COUNTERS, VGW_KNEIGH_SP, vgw_kneigh_sp_base);
#define VGW_KNEIGH_SP(id) VGW_COUNTER(vgw_kneigh_sp_base, VGW_KNEIGH_SP, id)

#define VGW_KNEIGH_FOLLOW_BUDGET 256        /* messages per loop turn */
#define VGW_KNEIGH_FOLLOW_RCVBUF (8u << 20) /* a dump of a few 10k neighbours */
#define VGW_KNEIGH_FOLLOW_QUERIES 256       /* outstanding queries remembered */

/* True when some port takes its neighbours from the kernel. */
bool vgw_kneigh_wanted(void);
/* Opens the socket and requests the first dump (main thread, start-up, after
 * the neighbour table and the ports exist). Every af-xdp port must have its
 * xdp_ifindex. Returns 0 or -1 with err. */
int vgw_kneigh_open(char *err);
void vgw_kneigh_close(void);
/* The socket's fd for epoll, -1 when not following. */
int vgw_kneigh_fd(void);
/* One slow-path turn's worth of work; readable: epoll saw the fd ready. */
void vgw_kneigh_poll(bool readable);
/* The neighbour table's kernel_resolve op: ask the kernel about ip on port
 * (see above). Counted (kneigh_query_tx, kneigh_request_error). */
void vgw_kneigh_resolve(uint16_t port, uint32_t ip);

/* Unit tests: start following without a socket, sending through send (0 or
 * -1 with errno), and feed datagrams as if read from the socket. */
void vgw_kneigh_test_open(int (*send)(const void *msg, size_t len));
void vgw_kneigh_input(const void *buf, size_t len);

#endif
