/* The steering map in vgwd: what the configuration says the XDP program
 * must steer, kept in the pinned map (xdp_abi.h) by the slow path.
 *
 * Wanted entries, per af-xdp port (its kernel ifindex): on a public port
 * every EIP and every VIP address (a VIP is steered whether or not its
 * backends are healthy: vgwd answers for it either way); on an underlay
 * port the VTEP address with its UDP port. They are rebuilt from the live
 * tables every tick (100 ms) and only differences reach the kernel; a
 * refused request (map full: VGW_XDP_ADDRS_MAX over the host) is retried
 * once a second and counted (`show xdp`). Every 10 s the map is read back
 * and drift repaired.
 *
 * Lifetime: vgw_xdp_map_init (main thread, ports set up and start-up
 * commands applied) adopts what the map holds for our interfaces (a crashed
 * vgwd's entries are kept when still wanted, removed otherwise) and
 * installs the configuration before the ports start; vgw_xdp_map_stop (slow
 * path, at SIGTERM) removes every entry of ours, so traffic for the
 * gateway's addresses stops being steered to a socket that is going away;
 * vgw_xdp_map_fini (main thread) does the same if stop did not run (a failed
 * start-up) and closes the map. */
#ifndef VGW_XDP_CTL_H
#define VGW_XDP_CTL_H

#include <stdint.h>

#include "xdp_sync.h"
#include "../cli/cli.h"

#define VGW_XDP_RETRY_MS 1000
#define VGW_XDP_AUDIT_MS 10000

int vgw_xdp_map_init(uint64_t now_ms, char *err);
void vgw_xdp_map_tick(uint64_t now_ms);
void vgw_xdp_map_stop(void);
void vgw_xdp_map_fini(void);

/* For `show xdp`: the sync state (NULL when no af-xdp port) and a read-back
 * of the kernel map's entries for port (calls fn for each, in key order is
 * not promised). Returns the number of entries, -1 if the map is not open. */
const struct vgw_xdp_sync *vgw_xdp_map_state(void);
/* keys found changed by someone else and repaired, since start */
uint64_t vgw_xdp_map_repaired(void);
long vgw_xdp_map_read(int ifindex, void (*fn)(void *arg, const struct vgw_xdp_entry *e),
		      void *arg);

/* Its commands (the *_cli.c files), ended by words == NULL. */
extern const struct vgw_cmd vgw_xdp_cmds[];

#endif
