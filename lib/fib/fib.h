/* Forwarding table: rte_lpm's lookup tables for longest-prefix match, our own
 * route targets for what a match means (local, connected, ECMP group of next
 * hops).
 *
 * Writers: the slow path only (routes from the CLI, connected routes from port
 * addresses, kernel routes from lib/rtnl). Readers: workers, through
 * vgw_fib_lookup() in fib_dp.h.
 * Publication: the LPM next hop of a route is a slot index that stays fixed
 * for the route's life; the slot holds a pointer to an immutable target.
 * Targets are shared by content and reference-counted (fib_target.c): a
 * full BGP table has a million routes but a handful of next-hop sets.
 * Changing a route stores another target with release semantics; a target
 * whose last route let go of it (and, for a deleted route, the slot) is
 * handed to the RCU defer queue and freed only after every worker has
 * reported a quiescent state, so a worker never sees freed memory and the
 * slow path never waits for a worker.
 * The LPM tables are written by fib_lpm.c, not by rte_lpm_add(): see there
 * for why; its tbl8 groups are reused only after a grace period too. */
#ifndef VGW_FIB_H
#define VGW_FIB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../util/parse.h"

/* The gateway's FIB: created by the fib module's init (fib_module.c), NULL
 * before and after; the pointer is a start-up value, the contents are
 * written by the slow path and read by workers as said above. */
extern struct vgw_fib *vgw_fib_main;

/* `fib max-routes N` (fib_module.c): written by the settings loader, read
 * only once the settings are finished. */
struct vgw_fib_conf {
	uint32_t max_routes;
};
extern struct vgw_fib_conf vgw_fib_conf;

#define VGW_FIB_ECMP_MAX 16
#define VGW_FIB_NO_SLOT UINT32_MAX

enum vgw_fib_route_kind { VGW_FIB_RT_LOCAL, VGW_FIB_RT_CONNECTED, VGW_FIB_RT_VIA };
enum vgw_fib_route_source {
	VGW_FIB_RS_LOCAL,
	VGW_FIB_RS_CONNECTED,
	VGW_FIB_RS_STATIC,
	VGW_FIB_RS_KERNEL
};

struct vgw_fib_nh_path {
	uint32_t gw;   /* host order */
	uint16_t port; /* our port index */
};

/* Immutable once published. */
struct vgw_fib_route_target {
	uint8_t kind;
	uint8_t n_paths;
	uint16_t port;  /* LOCAL, CONNECTED: the port owning the address/subnet */
	uint32_t bcast; /* CONNECTED: directed broadcast address (0 for /31, /32) */
	struct vgw_fib_nh_path paths[VGW_FIB_ECMP_MAX];
};

struct rte_lpm;
struct rte_hash;
struct rte_rcu_qsbr;

struct vgw_fib_route {
	uint32_t prefix;
	uint8_t len;
	uint8_t source;
	bool in_use;
	uint8_t proto; /* KERNEL: the kernel's rtm_protocol (bird, bgp, ...), else 0 */
};

struct vgw_fib_targets; /* fib_target.c */

struct vgw_fib {
	struct rte_lpm *lpm;
	struct vgw_fib_route_target *_Atomic *targets; /* by slot: worker-visible */
	/* rte_lpm has no depth 0: the default route's slot, VGW_FIB_NO_SLOT if none
	 * (worker-visible, consulted when the LPM misses) */
	_Atomic uint32_t default_slot;
	/* slow path only: */
	struct vgw_fib_route *routes; /* by slot */
	struct rte_hash *rib;     /* (prefix, len) -> slot */
	uint32_t *free_slots;
	uint32_t n_free;
	uint32_t max;
	uint32_t n_routes;
	uint32_t n_by_source[VGW_FIB_RS_KERNEL + 1];
	struct vgw_fib_targets *tgts; /* content -> shared target */
	/* tbl8 groups of the LPM (fib_lpm.c): a stack of free group indexes;
	 * a released group returns to it after a grace period */
	uint32_t n_tbl8;
	uint32_t *free_tbl8;
	uint32_t n_free_tbl8;
};

struct vgw_fib *vgw_fib_create(uint32_t max_routes, struct rte_rcu_qsbr *rcu, char *err);
void vgw_fib_destroy(struct vgw_fib *fib);

/* Adds (replace=false: fails if present) or replaces a route. The target's
 * content is copied (or an equal shared target is reused). Returns 0, or a
 * negative errno with err: -EINVAL (bad prefix or target), -EEXIST,
 * -ENOSPC (no free slot or tbl8 group: the FIB is full), -ENOMEM. Nothing
 * changes when it fails. */
int vgw_fib_set(struct vgw_fib *fib, uint32_t prefix, uint8_t len, uint8_t source,
		const struct vgw_fib_route_target *t, bool replace, char *err);
/* Returns 0, or -ENOENT with err. */
int vgw_fib_del(struct vgw_fib *fib, uint32_t prefix, uint8_t len, char *err);
/* Kernel protocol of a KERNEL route (shown as kernel/NAME). */
void vgw_fib_set_proto(struct vgw_fib *fib, uint32_t slot, uint8_t proto);
/* Slot of an exact route, or -1. */
int vgw_fib_find(const struct vgw_fib *fib, uint32_t prefix, uint8_t len);
const struct vgw_fib_route_target *vgw_fib_target(const struct vgw_fib *fib, uint32_t slot);

/* Slots of all routes sorted by prefix then length; caller frees. */
uint32_t *vgw_fib_sorted(const struct vgw_fib *fib, uint32_t *n);

const char *vgw_fib_route_source_name(uint8_t source);

/* Counts for `show route summary` (O(1) but for the tbl8 scan). */
struct vgw_fib_summary {
	uint32_t routes, max;
	uint32_t by_source[VGW_FIB_RS_KERNEL + 1];
	uint32_t targets;          /* distinct shared targets */
	uint32_t tbl8_used, tbl8_max;
	uint64_t bytes;            /* LPM tables, slot arrays, RIB hash, targets */
};
void vgw_fib_summary(const struct vgw_fib *fib, struct vgw_fib_summary *s);

/* ECMP: path for a flow hash; the same hash always gives the same path. */
static inline unsigned int vgw_fib_ecmp_pick(uint32_t hash, unsigned int n_paths)
{
	return (unsigned int)(((uint64_t)hash * n_paths) >> 32);
}

#endif
