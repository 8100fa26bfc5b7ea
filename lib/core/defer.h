/* Deferred reclamation after an RCU grace period.
 *
 * The slow path unpublishes an object (atomic store of its replacement or of
 * NULL), then calls vgw_defer() with a function that frees it. The queue keeps
 * the object until every worker registered on the QSBR variable has reported a
 * quiescent state after that point; vgw_defer_reclaim(), run from the slow-path
 * timer, then calls the function. Never blocks: a stalled worker only makes the
 * queue longer (it grows with malloc on the slow path, so a change never fails
 * for want of space).
 * Contract: slow path only. */
#ifndef VGW_DEFER_H
#define VGW_DEFER_H

#include <stdint.h>

struct rte_rcu_qsbr;

typedef void (*vgw_defer_fn)(void *obj, uintptr_t arg);

void vgw_defer_init(struct rte_rcu_qsbr *rcu);
/* Returns 0, or -1 if the queue could not grow (obj then leaks, logged). */
int vgw_defer(vgw_defer_fn fn, void *obj, uintptr_t arg);
/* The common case: obj (malloc'd, may be NULL: nothing) is freed with
 * free() once no worker can hold it. */
void vgw_defer_free(void *obj);
/* Runs the functions whose grace period is over; returns how many. */
unsigned int vgw_defer_reclaim(void);
/* Waits for a grace period and runs everything (shutdown, workers stopped). */
void vgw_defer_flush(void);
unsigned int vgw_defer_pending(void);

#endif
