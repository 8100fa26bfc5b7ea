/* Counter aggregation for show stats, telemetry and metrics (readers only).
 *
 * Writers: each worker its own `vgw_gw.workers[w].stats[port]`, plain
 * stores; nothing here writes worker memory. Readers: the slow path (CLI,
 * metrics) and DPDK's telemetry thread; they sum the workers' counters,
 * each word read once (stale by a few packets, never torn).
 *
 * `stats clear` records a baseline (slow path only) instead of writing
 * worker memory: the vgw_stats_port / _worker / _sp views start from it,
 * the *_total views and the rate snapshots never do (a scraper and a rate
 * must see counters only ever grow). */
#ifndef VGW_STATS_H
#define VGW_STATS_H

#include <stdbool.h>
#include <time.h>

#include "../core/gw.h"
#include "../cli/cli.h"

/* Sum over workers for one port, minus the baseline; tx excludes tx_full. */
void vgw_stats_port(int port, struct vgw_port_stats *out);
void vgw_stats_sp(uint64_t out[VGW_SP_CAP]);
/* The same without `stats clear`'s baseline: totals since vgwd started
 * (metrics: a scraper must see counters only ever grow). */
void vgw_stats_port_total(int port, struct vgw_port_stats *out);
void vgw_stats_sp_total(uint64_t out[VGW_SP_CAP]);

/* One worker's packets over all ports: received, sent (tx_full excluded),
 * dropped (every reason). */
struct vgw_worker_counts {
	uint64_t rx, tx, dropped;
};
/* Worker w (< n_workers) since the last `stats clear`. */
void vgw_stats_worker(unsigned int w, struct vgw_worker_counts *out);
/* The same since vgwd started. */
void vgw_stats_worker_total(unsigned int w, struct vgw_worker_counts *out);

/* Slow path: the current counters become the baseline of every port,
 * worker and slow-path counter; `when` (seconds since the epoch) is kept
 * for vgw_stats_cleared_at. */
void vgw_stats_clear_at(time_t when);
/* vgw_stats_clear_at(time(NULL)). */
void vgw_stats_clear(void);
/* When `stats clear` last ran, seconds since the epoch; 0: never. */
time_t vgw_stats_cleared_at(void);

/* Counts at one instant, for rates between two `show stats`: the totals
 * since start (a `stats clear` between two snapshots changes no rate) and
 * the device's byte counts. */
struct vgw_stats_snap {
	uint64_t tsc; /* rte_get_tsc_cycles() when taken; 0: no snapshot */
	struct vgw_stats_port_snap {
		uint64_t rx, tx, dropped, rx_bytes, tx_bytes;
	} port[VGW_MAX_PORTS];
	struct vgw_worker_counts worker[VGW_MAX_WORKERS];
};
/* The counters now (rte_eth_stats_get for the bytes: slow path). */
void vgw_stats_snapshot(struct vgw_stats_snap *s);
/* Per second from `then` to `now` over `seconds`: 0 when the interval is
 * not positive or the counter went down (a device reset its counts);
 * never a division by zero. */
double vgw_stats_rate(uint64_t now, uint64_t then, double seconds);

/* Its commands (the *_cli.c files), ended by words == NULL. */
extern const struct vgw_cmd vgw_stats_cmds[];
extern const struct vgw_cmd vgw_runtime_cmds[];

#endif
