/* Metrics for Prometheus: `metrics listen ADDRESS:PORT` (off by default)
 * serves the Prometheus text exposition format (version 0.0.4) at /metrics,
 * from the slow path: no thread of its own, a few clients at a time, every
 * socket non-blocking, so a slow or hostile scraper never holds the loop.
 *
 * Counters are the workers' monotonic totals, never `stats clear`'s
 * baselined view: a scraper sees a reset only when vgwd restarts (and
 * vgw_process_start_time_seconds tells it when); the time of the last
 * `stats clear` is a gauge of its own (vgw_stats_cleared_timestamp_seconds),
 * for a dashboard shown beside `show stats`. Gauges by kind (neighbours by
 * state, routes by source, announcements by state) list every label value,
 * 0 when none, so that a series never vanishes.
 *
 * Threads: slow path only; the formatter reads worker counters without
 * locks (stale, never torn, as show stats does). */
#ifndef VGW_METRICS_H
#define VGW_METRICS_H

#include <stdint.h>

#include "../util/buf.h"

/* The exposition text of every metric, appended to b (metrics_fmt.c);
 * started: when vgwd started (seconds since the epoch). */
void vgw_metrics_render(struct vgw_buf *b, int64_t started);

#endif
