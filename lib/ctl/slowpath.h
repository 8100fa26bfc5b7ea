/* The slow path: the main lcore's epoll loop. It owns every configuration
 * write. Each turn it waits up to 1 ms for the control socket or a signal,
 * then drains the workers' punt rings (ARP, unresolved next hops), serves
 * control requests a client's per-turn quota left waiting (no sleep while
 * there are some) and, every 100 ms, runs the timers (neighbour ageing and
 * retries, RCU reclamation).
 * Returns when SIGINT or SIGTERM arrives. */
#ifndef VGW_SLOWPATH_H
#define VGW_SLOWPATH_H

#include <stdint.h>

#include "../util/parse.h"

/* Signals must be blocked (in every thread) before this is called. */
int vgw_slowpath_run(char *err);

/* Neighbour-table services backed by the inject rings and the mbuf pool. */
struct vgw_neigh_ops;
extern const struct vgw_neigh_ops vgw_slowpath_neigh_ops;

uint64_t vgw_now_ms(void);

/* Gratuitous ARP for ip (a new EIP or VIP address) on every public port. */
void vgw_slowpath_announce(uint32_t ip);

#endif
