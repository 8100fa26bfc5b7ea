/* The stats and runtime modules (core/module.h): `show stats` and the
 * counters, `show runtime` and the stages' cycles. */
#include "../cli/cli.h"
#include "../core/module.h"
#include "stats.h"

const struct vgw_module vgw_stats_module = {
	.name = "stats",
	.cmds = vgw_stats_cmds,
};

const struct vgw_module vgw_runtime_module = {
	.name = "runtime",
	.cmds = vgw_runtime_cmds,
};
