/* Counter aggregation for show stats and telemetry (readers only).
 * Workers write their own counters with plain stores; readers sum them.
 * `stats clear` records a baseline instead of writing worker memory. */
#ifndef VGW_STATS_H
#define VGW_STATS_H

#include "../core/gw.h"
#include "../cli/cli.h"

/* Sum over workers for one port, minus the baseline; tx excludes tx_full. */
void vgw_stats_port(int port, struct vgw_port_stats *out);
void vgw_stats_sp(uint64_t out[VGW_SP_CAP]);
/* The same without `stats clear`'s baseline: totals since vgwd started
 * (metrics: a scraper must see counters only ever grow). */
void vgw_stats_port_total(int port, struct vgw_port_stats *out);
void vgw_stats_sp_total(uint64_t out[VGW_SP_CAP]);
void vgw_stats_clear(void);

/* Its commands (the *_cli.c files), ended by words == NULL. */
extern const struct vgw_cmd vgw_stats_cmds[];
extern const struct vgw_cmd vgw_runtime_cmds[];

#endif
