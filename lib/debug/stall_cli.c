/* debug worker-stall: see stall.h. Compiled only with -Dtest_hooks=true. */
#include "stall.h"

#include "../cli/cli.h"
#include "../core/gw.h"
#include "../core/module.h"

_Atomic uint32_t vgw_debug_stall_ms[VGW_MAX_WORKERS];

static int cmd_worker_stall(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	uint64_t idx, ms;
	if (vgw_parse_u64(argv[0], 0, VGW_MAX_WORKERS - 1, &idx, ctx->err) < 0 ||
	    vgw_parse_u64(argv[1], 1, VGW_DEBUG_STALL_MAX_MS, &ms, ctx->err) < 0)
		return -1;
	if (idx >= vgw_gw.n_workers) {
		snprintf(ctx->err, VGW_ERR_LEN, "no worker %lu (vgwd runs %u)", (unsigned long)idx,
			 vgw_gw.n_workers);
		return -1;
	}
	atomic_store_explicit(&vgw_debug_stall_ms[idx], (uint32_t)ms, memory_order_relaxed);
	return 0;
}

const struct vgw_cmd vgw_debug_cmds[] = {
	{"debug worker-stall", "WORKER MS",
	 "test builds only: worker WORKER (0-based) spins for MS ms (1-60000) without polling "
	 "or reporting to RCU, as a hung worker would; returns at once",
	 2, 2, cmd_worker_stall},
	{NULL, NULL, NULL, 0, 0, NULL},
};

/* test builds only (lib/modules.c) */
const struct vgw_module vgw_debug_module = {
	.name = "debug",
	.cmds = vgw_debug_cmds,
};
