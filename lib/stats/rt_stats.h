/* Readers' side of the workers' run-time counters (core/runtime.h): the sums
 * and ratios behind `show runtime` and telemetry /vgw/runtime.
 *
 * Writers: each worker its own `vgw_gw.workers[w].rt`, plain 64-bit stores;
 * nothing here writes worker memory. Readers: the slow path (CLI) and DPDK's
 * telemetry thread. A snapshot reads each counter once; fields of one
 * snapshot may be a few iterations apart (a stage's cycles newer than its
 * packets), which a ratio over millions of packets does not show.
 * `runtime clear` records a baseline per worker (slow path only, like `stats
 * clear`); a reader racing it may mix the old and the new baseline, so a
 * counter below its baseline reads as 0 instead of wrapping. */
#ifndef VGW_RUNTIME_STATS_H
#define VGW_RUNTIME_STATS_H

#include "../core/gw.h"

/* Worker w's counters since the last `runtime clear` (w < n_workers). */
void vgw_runtime_stats_worker(unsigned int w, struct vgw_runtime *out);
/* The sum over all workers since the last `runtime clear`. */
void vgw_runtime_stats_total(struct vgw_runtime *out);
/* sum += r, counter by counter (a total made of snapshots already shown). */
void vgw_runtime_stats_add(struct vgw_runtime *sum, const struct vgw_runtime *r);
/* Slow path: the current counters become every worker's baseline. */
void vgw_runtime_stats_clear(void);

/* Ratios, 0 when the divisor is 0 (a stage never called, a loop never
 * timed): never a division by zero, never NaN. */
double vgw_runtime_pkts_per_call(const struct vgw_stage_rt *s); /* vector size */
double vgw_runtime_cycles_per_pkt(const struct vgw_stage_rt *s);
double vgw_runtime_busy_pct(const struct vgw_runtime *r); /* busy / (busy + idle) */

#endif
