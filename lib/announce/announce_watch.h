/* Worker liveness for announcements: are the workers still forwarding?
 *
 * A gateway whose workers hang keeps its routes in the kernel table, so the
 * routing daemon keeps drawing traffic into a black hole. The slow path
 * therefore watches the workers through the RCU variable they already
 * report to once per loop (rte_rcu_qsbr_quiescent in dp/worker_dp.c): each
 * tick it checks, without waiting, whether every worker has passed the token
 * it started earlier, and starts a new token once the old one is passed.
 * A token outstanding for more than VGW_ANNOUNCE_STALL_MS means at least one
 * worker has not finished a loop for that long: the workers are stalled and
 * every announcement is withdrawn, until the token is passed.
 *
 * Sharing the RCU variable with the defer queue (core/defer.c) is safe:
 * tokens are a counter that only grows, a worker's quiescent report records
 * the newest token, and a check of token t succeeds once every worker has
 * reported a token >= t. Starting extra tokens thus never delays a grace
 * period the defer queue waits for (nor the other way round), and checking
 * with wait = false never blocks the slow path.
 *
 * This file is the state machine alone, fed with the time and the result
 * of the check, so it is unit-tested without threads. Slow path only. */
#ifndef VGW_ANNOUNCE_WATCH_H
#define VGW_ANNOUNCE_WATCH_H

#include <stdbool.h>
#include <stdint.h>

/* A worker loop polls every port once and handles at most one burst per
 * queue: microseconds, a few milliseconds in the worst case. Half a second
 * without a loop is no slow packet: the worker hangs (deadlock, a PMD stuck
 * in the driver, an lcore starved by the host). The token outstanding when
 * a worker hangs was started at the tick after its last loop, so the
 * withdrawal comes VGW_ANNOUNCE_STALL_MS + 100..200 ms (the ticks) after the hang:
 * 0.6-0.7 s, within the 1 s the e2e worker-stall asserts, leaving the
 * routers the rest of their convergence budget; still 100 times longer than
 * a scheduler time slice, so a preempted lcore on a busy host does not flap
 * the routes. */
#define VGW_ANNOUNCE_STALL_MS 500

enum vgw_announce_workers {
	VGW_ANNOUNCE_W_STARTING, /* no token passed yet: not proven alive */
	VGW_ANNOUNCE_W_RUNNING,
	VGW_ANNOUNCE_W_STALLED,
};

struct vgw_announce_watch {
	uint8_t state;     /* enum vgw_announce_workers */
	bool armed;        /* a token is outstanding */
	uint64_t armed_ms; /* when it was started */
	uint64_t since_ms; /* when state last changed */
};

/* What vgw_announce_watch_step asks of its caller / reports. */
enum {
	VGW_ANNOUNCE_WATCH_START = 1,     /* start a new token now */
	VGW_ANNOUNCE_WATCH_STALLED = 2,   /* just became stalled */
	VGW_ANNOUNCE_WATCH_RECOVERED = 4, /* a stalled worker passed the token */
	VGW_ANNOUNCE_WATCH_ALIVE = 8,     /* first token passed after the start */
};

void vgw_announce_watch_init(struct vgw_announce_watch *w, uint64_t now_ms);
/* One tick. passed: every worker passed the outstanding token (ignored when
 * none is armed). Returns VGW_ANNOUNCE_WATCH_* flags. */
unsigned int vgw_announce_watch_step(struct vgw_announce_watch *w, uint64_t now_ms, bool passed);
const char *vgw_announce_workers_name(uint8_t state);

#endif
