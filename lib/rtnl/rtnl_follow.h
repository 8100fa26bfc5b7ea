/* Following a Linux routing table over netlink (slow path only).
 *
 * One NETLINK_ROUTE socket (nl_sock.h: libmnl), non-blocking, subscribed to
 * RTMGRP_IPV4_ROUTE, with a 64 MiB receive buffer (SO_RCVBUFFORCE) so that
 * a routing daemon pushing a full table does not overflow it while vgwd is
 * busy. Its fd sits in the slow path's epoll set; vgw_rtnl_poll(), called on
 * every loop turn, reads and applies at most VGW_RTNL_BUDGET messages (about
 * 3 us each), so a full-table load keeps a control command, the punt rings
 * and the timers waiting a few milliseconds at most — except once per
 * doubling of the kernel RIB (krib.c: 84 ms at 786k routes). Messages go to
 * the kernel RIB (krib.h), which owns the route semantics.
 *
 * Resync: at start, after a netlink overrun (ENOBUFS: the kernel dropped
 * notifications) and on `kernel-routes resync`, the follower dumps the table
 * (RTM_GETROUTE, filtered to the table when the kernel supports strict
 * checking) on the same socket, so dump answers and notifications arrive in
 * the order the kernel produced them. When NLMSG_DONE arrives the RIB sweeps
 * the routes the dump did not bring (mark and sweep, krib.h). An overrun
 * during a dump restarts it once it is done. Only messages from the kernel
 * (sender port id 0) are read. The socket, the receive loop and the dump's
 * state machine are nl_sock.h's, shared with the neighbour follower.
 *
 * State: off (no `kernel import-table`), loading (dump running), sweeping,
 * synced. */
#ifndef VGW_RTNL_FOLLOW_H
#define VGW_RTNL_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../cli/cli.h"

#define VGW_RTNL_BUDGET 1024       /* messages per loop turn */
#define VGW_RTNL_SWEEP_BUDGET 65536 /* RIB slots swept per loop turn */
#define VGW_RTNL_RCVBUF (64u << 20)

/* Opens the socket, starts the kernel RIB and requests the first dump. */
/* `kernel import-table N | announce-table N` (rtnl_module.c): the Linux
 * tables followed into the FIB and written by the announce module, 0 =
 * none. Written by the settings loader, read only once the settings are
 * finished. */
struct vgw_rtnl_conf {
	uint32_t import_table;
	uint32_t announce_table;
};
extern struct vgw_rtnl_conf vgw_rtnl_conf;

int vgw_rtnl_open(uint32_t table, uint32_t max_routes, char *err);
void vgw_rtnl_close(void);
/* The socket's fd for epoll, -1 when not following. */
int vgw_rtnl_fd(void);
/* One slow-path turn's worth of work; readable: epoll saw the fd ready. */
void vgw_rtnl_poll(bool readable);
/* Start a resync now (CLI). Returns 0 or -1 with err. */
int vgw_rtnl_resync(char *err);

/* Feeds a received datagram as if read from the socket (unit tests: the
 * framing, NLMSG_DONE / NLMSG_ERROR of the dump). */
void vgw_rtnl_input(const void *buf, size_t len);

struct vgw_fmt;
/* The follower's state and counters (`show kernel-routes`). */
void vgw_rtnl_format(struct vgw_fmt *f);

/* Its commands (rtnl_cli.c), ended by words == NULL. */
extern const struct vgw_cmd vgw_rtnl_cmds[];

#endif
