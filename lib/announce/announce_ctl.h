/* Announcements: the slow-path driver. It puts the /32 of every EIP, and of
 * every VIP with a healthy backend, into the kernel table named by the
 * `kernel announce-table` setting, for the routing daemon to export
 * (doc/architecture.md, "Announcements").
 *
 * Every slow-path tick (100 ms): check the workers' liveness through an RCU
 * token (announce_watch.h), compute the wanted set from the VPC and service
 * tables (announce_decide.h), reconcile it with what the kernel acked
 * (announce_state.h) through netlink (announce_kernel.h), and every
 * VGW_ANNOUNCE_AUDIT_MS read the table back. At start-up the table's routes of
 * vgw's protocol (leftovers of an earlier vgwd) are flushed; at stop every
 * route is withdrawn.
 *
 * Device: the routes name the host port (Linux interface, lib/host) of the
 * first public port when it has one: that interface belongs to the vgwd
 * process, so if vgwd dies without withdrawing (SIGKILL, crash) the kernel
 * removes the interface and every route through it, and the routing daemon
 * withdraws them upstream. An af-xdp public port's interface belongs to the
 * kernel, so the routes name an anchor device of vgwd's own instead, with
 * the same effect (announce_anchor.h). Without either the routes use `lo`
 * and outlive a crashed vgwd until the next start flushes them.
 *
 * Contract: slow path only, all of it; nothing here is read by workers.
 * With announce-table 0 every call is a no-op. */
#ifndef VGW_ANNOUNCE_CTL_H
#define VGW_ANNOUNCE_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "announce_state.h"
#include "../cli/cli.h"

/* The kernel table is read back this often: routes removed behind vgw's
 * back are announced again, foreign routes of protocol 250 deleted. */
#define VGW_ANNOUNCE_AUDIT_MS 10000

/* After the ports start (the host port exists), before the workers run.
 * Opens netlink, picks the device, flushes leftovers. 0, or -1 with err. */
int vgw_announce_init(uint64_t now_ms, char *err);
void vgw_announce_tick(uint64_t now_ms);
/* Withdraws every route (end of the slow-path loop, workers still up). */
void vgw_announce_stop(uint64_t now_ms);
void vgw_announce_fini(void);

struct vgw_announce_status {
	bool on;
	uint32_t table;
	const char *device;
	uint8_t workers; /* enum vgw_announce_workers */
	uint64_t workers_since_ms;
	const struct vgw_announce_state *st;
};
void vgw_announce_status(struct vgw_announce_status *out);

/* Its commands (the *_cli.c files), ended by words == NULL. */
extern const struct vgw_cmd vgw_announce_cmds[];

#endif
