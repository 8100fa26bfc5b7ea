/* The kernel side of announcements: /32 routes in one Linux routing table,
 * over a NETLINK_ROUTE socket (libmnl). Slow path only.
 *
 * Every route vgw writes is
 *     ADDRESS/32 dev DEVICE table TABLE proto 250 scope link (type unicast)
 * TABLE is the `kernel announce-table` setting; nothing routes by it (no ip
 * rule points at it), it only carries the list for the routing daemon to
 * export, so the routes are only ever read. DEVICE is chosen by
 * announce_ctl.c (a host port, else lo); it must be up, or the kernel
 * refuses the route (ENETDOWN, counted and retried).
 *
 * Protocol 250 (VGW_ANNOUNCE_RTPROT) marks the routes as vgw's: unused by the
 * kernel (RTPROT_* <= 192), iproute2 (/etc/iproute2/rt_protos) and FRR
 * (186-198). It lets vgw flush its own routes, and only those, from a table
 * an operator may share, and lets the routing daemon select them: BIRD's
 * kernel protocol with `learn` imports the routes of the table that other
 * programs wrote, and an export filter can match `krt_source = 250`; FRR
 * imports a table with `ip import-table`. `ip route show table N proto 250`
 * lists them (name it with `250 vgw` in /etc/iproute2/rt_protos.d/).
 *
 * Requests are sent in batches, each one with NLM_F_ACK and its own
 * sequence number; an op's result is the kernel's answer to that very
 * message. No answer within VGW_ANNOUNCE_NL_TIMEOUT_MS leaves the op failed
 * (ETIMEDOUT): announce_state.c then retries it, so a lost or late answer
 * costs one more idempotent request, never a wrong belief. */
#ifndef VGW_ANNOUNCE_KERNEL_H
#define VGW_ANNOUNCE_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "announce_state.h"

#define VGW_ANNOUNCE_RTPROT 250
#define VGW_ANNOUNCE_NL_TIMEOUT_MS 500
#define VGW_ANNOUNCE_NL_BATCH 64 /* requests per send: their acks fit the socket buffer */
#define VGW_ANNOUNCE_NL_MSG_MAX 128

struct vgw_announce_nl;

struct vgw_announce_nl *vgw_announce_nl_open(uint32_t table, uint32_t ifindex, char *err);
void vgw_announce_nl_close(struct vgw_announce_nl *nl);

/* struct vgw_announce_ops.apply (ctx = the vgw_announce_nl): a delete of a route
 * that is not there (ESRCH) is a success. */
void vgw_announce_nl_apply(void *ctx, struct vgw_announce_op *ops, size_t n);

/* The /32 routes of protocol VGW_ANNOUNCE_RTPROT in the table, sorted, no
 * duplicates, in *out (malloc'ed, the caller frees). Other prefix lengths
 * are not vgw's and are left alone. Returns the count, or -1 with err. */
long vgw_announce_nl_dump(struct vgw_announce_nl *nl, uint32_t **out, char *err);

/* Builds one request into buf (VGW_ANNOUNCE_NL_MSG_MAX bytes) and returns its
 * length: RTM_NEWROUTE with NLM_F_CREATE | NLM_F_REPLACE (add), or
 * RTM_DELROUTE matching table, address/32 and protocol only (any device,
 * any scope), both with NLM_F_ACK. Pure: unit-tested. */
size_t vgw_announce_nl_route_msg(void *buf, bool add, uint32_t ip, uint32_t table, uint32_t ifindex,
				 uint32_t seq);

#endif
