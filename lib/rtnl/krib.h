/* The kernel RIB: what the followed Linux routing table holds, and how it
 * reaches the FIB. No socket here (rtnl_follow.c feeds it), so the unit tests
 * drive it with messages built in memory.
 *
 * Every usable route of the table is kept by (prefix, len), with its
 * protocol, its metric and its resolved target (a held reference to a shared
 * FIB target, fib_target.h); routes of the same prefix with higher metrics
 * wait behind it as alternates. Keeping the kernel's view lets vgw
 *  - resynchronise by mark and sweep: a resync (start, netlink overrun)
 *    starts a generation, every route the dump or a notification brings is
 *    marked with it, and when the dump is complete the routes not marked are
 *    withdrawn (incrementally, vgw_rtnl_krib_sweep_step());
 *  - keep what precedence shadows: connected/local > static > kernel, a rule
 *    lib/fib/route.c owns. Every route goes to the FIB through
 *    vgw_fib_route_kernel_set(); a kernel route under a connected, local or
 *    static route is kept "shadowed" (counted), and while a table is
 *    followed this RIB answers route.c's questions (vgw_fib_route_kernel_ops):
 *    which kernel route to put back, in one atomic target swap, when a
 *    static route over it is deleted. route.c never includes this file.
 * A route is refused (counted by reason, logged at most 10 lines a second)
 * when the parser rejects it, when a gateway is on no connected subnet of a
 * port or is not a neighbour address, or when the FIB (or this RIB, which
 * holds at most `fib max-routes` routes) is full; a refused update also
 * withdraws the route it replaces, since the kernel no longer uses that one.
 * Refused routes are not kept: they come back with their next update or the
 * next resync. Nothing is half-applied: the FIB and this RIB change together
 * or not at all.
 * Contract: slow path only; one instance (the followed table). */
#ifndef VGW_RTNL_KRIB_H
#define VGW_RTNL_KRIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtnl_parse.h"

/* Refusals after parsing, beside the parser's error kinds. */
#define VGW_RTNL_KRIB_REFUSALS(X)                                                         \
	X(NH_UNREACHABLE, "nh_unreachable", "a gateway on no connected subnet of a port") \
	X(NH_INVALID, "nh_invalid", "a gateway that is our own, a network or a broadcast address") \
	X(FIB_FULL, "fib_full", "no room in the FIB (slots or tbl8 groups) or in the kernel RIB")

#define VGW_X_ENUM(id, name, help) VGW_RTNL_KRIB_##id,
enum vgw_rtnl_krib_refusal { VGW_RTNL_KRIB_REFUSALS(VGW_X_ENUM) VGW_RTNL_KRIB_REFUSAL_MAX };
#undef VGW_X_ENUM
extern const char *const vgw_rtnl_krib_refusal_names[VGW_RTNL_KRIB_REFUSAL_MAX];

struct vgw_rtnl_krib_stats {
	uint32_t table;
	uint32_t routes;    /* kept: installed + shadowed + alternates */
	uint32_t installed; /* in the FIB as kernel routes */
	uint32_t shadowed;  /* a connected, local or static route has the prefix */
	uint32_t alternates; /* behind a lower metric of the same prefix */
	uint64_t messages;
	uint64_t updates;     /* routes added or changed */
	uint64_t withdrawals; /* routes removed (delete, replaced by a non-unicast
				 route, refused update, resync sweep) */
	uint64_t swept;       /* of which by a resync sweep */
	uint64_t shadow_events; /* a kernel route met a non-kernel route */
	uint64_t unknown_attrs;
	uint64_t by_result[VGW_RTNL_RESULT_MAX]; /* parse results */
	uint64_t refused[VGW_RTNL_KRIB_REFUSAL_MAX];
	uint64_t bytes; /* this RIB's memory */
	char last_error[160];
};

/* table: the followed Linux table; max_routes: cap on kept routes. */
int vgw_rtnl_krib_init(uint32_t table, uint32_t max_routes);
/* Withdraws nothing (shutdown or tests): forgets the RIB, drops its target
 * references. */
void vgw_rtnl_krib_fini(void);
bool vgw_rtnl_krib_active(void);

/* One message from the kernel (avail: bytes readable at msg). */
void vgw_rtnl_krib_handle(const void *msg, size_t avail);

/* Resync: begin before the dump request, end when its NLMSG_DONE arrives;
 * then sweep steps until it returns true. A new begin abandons a sweep. */
void vgw_rtnl_krib_resync_begin(void);
void vgw_rtnl_krib_resync_end(void);
/* Visits up to `budget` RIB slots; true when no sweep is pending. */
bool vgw_rtnl_krib_sweep_step(unsigned int budget);

const struct vgw_rtnl_krib_stats *vgw_rtnl_krib_stats(void);
/* Rate-limited log line (also kept as last_error). */
void vgw_rtnl_krib_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
