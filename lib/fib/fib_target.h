/* Route targets shared by content (part of the FIB, see fib.h).
 *
 * A full Internet table has a million routes over a few distinct next-hop
 * sets, so a route does not own its target: targets live in a content index
 * with a reference count, one reference per route slot pointing at it plus
 * one per holder outside the FIB (the kernel RIB keeps the resolved target of
 * a route the FIB does not carry, e.g. one shadowed by a static route).
 * When the count drops to zero the target leaves the index at once (a new
 * route with the same content gets a fresh one) and is freed after an RCU
 * grace period, because workers may still hold a pointer to it.
 * Contract: slow path only. */
#ifndef VGW_FIB_TARGET_H
#define VGW_FIB_TARGET_H

#include "fib.h"

struct vgw_fib_targets *vgw_fib_targets_create(void);
/* Frees every target still indexed (shutdown: no worker runs, nothing else
 * holds one). Targets already released wait in the defer queue. */
void vgw_fib_targets_destroy(struct vgw_fib_targets *ix);

/* A shared target equal to t (fields beyond n_paths, and port/bcast of a VIA
 * target, do not count), with one more reference; NULL when out of memory. */
const struct vgw_fib_route_target *vgw_fib_target_hold(struct vgw_fib *fib,
						       const struct vgw_fib_route_target *t);
/* Drops a reference taken by vgw_fib_target_hold (NULL: nothing). */
void vgw_fib_target_release(struct vgw_fib *fib, const struct vgw_fib_route_target *t);
uint32_t vgw_fib_targets_count(const struct vgw_fib *fib);

#endif
