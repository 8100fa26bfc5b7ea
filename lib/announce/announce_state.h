/* The announced set: one row per candidate address, what the decision wants
 * for it and what the kernel holds, and the reconciliation between the two.
 *
 * `installed` is what the kernel acknowledged, never what was asked: a row
 * becomes installed when its RTM_NEWROUTE is acked and stops being so when
 * its RTM_DELROUTE is acked (or the kernel says the route is not there). A
 * request that failed or got no answer leaves the row as it was, and the
 * next tick retries (both requests are idempotent: NEWROUTE replaces,
 * deleting an absent route succeeds), so the rows are never a guess. The
 * periodic audit (vgw_announce_audit) folds in what the kernel table really
 * holds, which catches routes flushed behind vgw's back (an operator, a
 * device that went away) and leftovers of an earlier vgwd.
 *
 * The kernel is reached through `struct vgw_announce_ops` (announce_kernel.c in
 * vgwd, a fake in the unit tests). Counters: ann_announce, ann_withdraw,
 * ann_error (drop.h). Every announce and withdraw is logged at NOTICE with
 * its reason (the first VGW_ANNOUNCE_LOG_MAX of a tick, then a summary); apply
 * errors at most once a second with the number left unsaid.
 * Contract: slow path only. */
#ifndef VGW_ANNOUNCE_STATE_H
#define VGW_ANNOUNCE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/drop.h"
#include "announce_decide.h"

/* The announce module's slow-path counters (core/drop.h): VGW_ANNOUNCE_SP(x)
 * is x's index in the dense array once registered. */
#define VGW_ANNOUNCE_COUNTERS(X, P) \
	X(P, ANN_ANNOUNCE, "ann_announce", "/32s added to the announce table (kernel acked)") \
	X(P, ANN_WITHDRAW, "ann_withdraw", "/32s deleted from the announce table (kernel acked)") \
	X(P, ANN_ERROR, "ann_error", "announce table requests refused or unanswered (retried)") \
	X(P, ANN_STALL, "ann_stall", "workers seen stalled: every announcement withdrawn")

VGW_COUNTER_SET(VGW_ANNOUNCE_COUNTERS, VGW_ANNOUNCE_SP, vgw_announce_sp_base);
#define VGW_ANNOUNCE_SP(id) VGW_COUNTER(vgw_announce_sp_base, VGW_ANNOUNCE_SP, id)

/* Announcements applied per tick at most (withdrawals are never held
 * back): 65536 EIPs at start-up take a few seconds instead of blocking the
 * slow path (ARP, health checks, CLI) for one long stretch. */
#define VGW_ANNOUNCE_MAX_ADDS 4096
#define VGW_ANNOUNCE_LOG_MAX 32
#define VGW_ANNOUNCE_ERR_LOG_MS 1000

struct vgw_announce_row {
	uint32_t ip;        /* host order */
	uint8_t kind;       /* enum vgw_announce_kind */
	uint8_t reason;     /* enum vgw_announce_reason: why want is what it is */
	bool want;          /* the decision: announce it */
	bool installed;     /* the kernel holds it (acked) */
	bool cand;          /* a candidate of the last sync (else on its way out) */
	int err;            /* errno of the last failed request, 0 after a success */
	uint64_t since_ms;  /* when installed last changed (or the row appeared) */
};

/* One kernel request. */
struct vgw_announce_op {
	uint32_t ip;
	bool add;    /* RTM_NEWROUTE, else RTM_DELROUTE */
	int err;     /* set by apply: 0 acked, else a positive errno */
	size_t row;  /* the caller's */
};

struct vgw_announce_ops {
	/* Sends every op, sets each op's err. A delete of a route that is not
	 * there must report 0. */
	void (*apply)(void *ctx, struct vgw_announce_op *ops, size_t n);
	void (*count)(int sp_counter, uint64_t n);
	void *ctx;
};

struct vgw_announce_state {
	struct vgw_announce_row *rows; /* sorted by ip */
	size_t n, cap;
	/* scratch, kept between ticks */
	struct vgw_announce_row *tmp;
	size_t tmp_cap;
	struct vgw_announce_op *ops;
	size_t ops_cap;
	/* error log rate limit */
	uint64_t err_log_ms;
	uint64_t err_quiet;
};

/* cands: sorted by ip, one per address (vgw_announce_decide). Merges them into
 * the rows, then adds what is wanted and not installed (up to
 * VGW_ANNOUNCE_MAX_ADDS) and deletes what is installed and not wanted; rows no
 * longer candidates are deleted from the kernel, then dropped. Returns 0, or
 * -1 when memory ran out (rows unchanged, nothing applied). */
int vgw_announce_sync(struct vgw_announce_state *s, const struct vgw_announce_cand *cands, size_t n,
		      uint64_t now_ms, const struct vgw_announce_ops *ops);

/* kernel: the /32s of vgw's protocol the kernel table holds, sorted. Rows
 * whose route vanished become not installed (the next sync adds them again);
 * routes no row knows become rows of kind stale, not wanted, which the next
 * sync (or vgw_announce_withdraw_all) deletes. Returns 0 or -1 (out of memory). */
int vgw_announce_audit(struct vgw_announce_state *s, const uint32_t *kernel, size_t n,
		       uint64_t now_ms);

/* Deletes every installed route (reason recorded on each row); returns how
 * many are still installed (failed deletes). */
size_t vgw_announce_withdraw_all(struct vgw_announce_state *s, uint8_t reason, uint64_t now_ms,
				 const struct vgw_announce_ops *ops);

size_t vgw_announce_installed(const struct vgw_announce_state *s);
void vgw_announce_state_free(struct vgw_announce_state *s);

#endif
