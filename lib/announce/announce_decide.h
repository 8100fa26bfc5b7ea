/* Which /32s vgw announces, and why: a pure function of the elastic IPs, the
 * services' backends and the workers' liveness (announce_watch.h).
 *
 * An announcement asks the routers upstream to send the address's traffic
 * here, so it is made only when that traffic can be served:
 *   - an EIP always (its VM may be down, but the mapping is the service);
 *   - a VIP address when at least one service on it has at least one
 *     healthy backend (vgw_announce_backend_healthy); several services may share
 *     one address (ports, protocols): one healthy service is enough, since a
 *     route cannot be announced per port;
 *   - nothing at all while the workers are starting or stalled (`hold`).
 *
 * Contract: no state, no allocation, no DPDK call; the slow path feeds it
 * plain arrays every tick (announce_ctl.c), the unit tests feed it fixtures. */
#ifndef VGW_ANNOUNCE_DECIDE_H
#define VGW_ANNOUNCE_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lb/service.h"

enum vgw_announce_kind {
	VGW_ANNOUNCE_EIP,
	VGW_ANNOUNCE_VIP,
	VGW_ANNOUNCE_STALE, /* found in the kernel table, configured nowhere */
};

/* Why a prefix is (or is not) announced; "show announcements" prints the
 * name. NONE is only a `hold` value: the workers are fine. */
#define VGW_ANNOUNCE_REASONS(X)                                                 \
	X(NONE, "-")                                                            \
	X(EIP, "elastic ip")                                                    \
	X(HEALTHY, "healthy backend")                                           \
	X(NO_BACKEND, "no backend")                                             \
	X(NO_HEALTHY, "no healthy backend")                                     \
	X(STARTING, "workers starting")                                         \
	X(STALLED, "workers stalled")                                           \
	X(REMOVED, "no longer configured")                                      \
	X(LEFTOVER, "leftover route")                                        \
	X(STOPPING, "vgwd stopping")

#define VGW_X_ENUM(id, name) VGW_ANNOUNCE_R_##id,
enum vgw_announce_reason { VGW_ANNOUNCE_REASONS(VGW_X_ENUM) VGW_ANNOUNCE_R_MAX };
#undef VGW_X_ENUM

const char *vgw_announce_reason_name(uint8_t reason);
const char *vgw_announce_kind_name(uint8_t kind);

/* One service as the decision sees it (a view of struct vgw_lb_service_cfg). */
struct vgw_announce_svc {
	uint32_t vip;     /* host order */
	uint8_t check;    /* enum vgw_lb_check_kind */
	uint16_t n_backends;
	const struct vgw_lb_backend_cfg *be;
};

/* One address and the verdict on it. */
struct vgw_announce_cand {
	uint32_t ip;    /* host order */
	uint8_t kind;   /* enum vgw_announce_kind */
	uint8_t reason; /* enum vgw_announce_reason */
	bool want;      /* announce it */
};

/* A backend that justifies announcing its VIP: admin state up, weight > 0,
 * and its health check passed (health up) — or, for a service without a
 * check, not known to be down. See announce_decide.c for why draining and
 * never-checked backends do not count. */
bool vgw_announce_backend_healthy(const struct vgw_lb_backend_cfg *b, uint8_t check);

/* Fills out[] with one candidate per distinct address of eips[] and svcs[],
 * sorted by address; out must have room for n_eips + n_svcs entries. hold is
 * VGW_ANNOUNCE_R_NONE, or the reason (STARTING, STALLED) to announce nothing.
 * An address that is both an EIP and a VIP (refused by the CLI) counts as an
 * EIP. Returns the number of candidates. */
size_t vgw_announce_decide(const uint32_t *eips, size_t n_eips, const struct vgw_announce_svc *svcs,
			   size_t n_svcs, uint8_t hold, struct vgw_announce_cand *out);

#endif
