/* show runtime / runtime clear, and the run-time formatter (rt_stats.h has
 * where the numbers come from). */
#include <string.h>

#include <rte_cycles.h>

#include "../cli/cli.h"
#include "rt_stats.h"

/* One worker's run time, or the total's: the loop's split into busy and
 * idle cycles, then a row per stage that ran (a stage with no call has
 * nothing to say, as in vppctl). The same calls give text and JSON. */
static void format_runtime(struct vgw_fmt *f, const struct vgw_runtime *r)
{
	vgw_fmt_u64(f, "loops", r->loops);
	vgw_fmt_u64(f, "busy_cycles", r->busy_cycles);
	vgw_fmt_u64(f, "idle_cycles", r->idle_cycles);
	vgw_fmt_u64(f, "sleeps", r->sleeps);
	vgw_fmt_double(f, "busy_pct", vgw_runtime_busy_pct(r));
	vgw_fmt_list_begin(f, "stages");
	for (int s = 0; s < VGW_STAGE_N; s++) {
		const struct vgw_stage_rt *st = &r->stage[s];
		if (st->calls == 0)
			continue;
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_str(f, "stage", vgw_stage_names[s]);
		vgw_fmt_u64(f, "calls", st->calls);
		vgw_fmt_u64(f, "packets", st->pkts);
		vgw_fmt_u64(f, "cycles", st->cycles);
		vgw_fmt_double(f, "pkts_per_call", vgw_runtime_pkts_per_call(st));
		vgw_fmt_double(f, "cycles_per_pkt", vgw_runtime_cycles_per_pkt(st));
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
}

static int cmd_show_runtime(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct vgw_fmt *f = ctx->f;
	/* cycles are TSC cycles: the rate turns them into time */
	vgw_fmt_u64(f, "tsc_hz", rte_get_tsc_hz());
	/* the total is the sum of the rows shown, not a second, later read:
	 * the output adds up while the workers keep counting */
	struct vgw_runtime total;
	memset(&total, 0, sizeof(total));
	vgw_fmt_sections_begin(f, "workers"); /* text: "worker N:" sections */
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++) {
		struct vgw_runtime r;
		vgw_runtime_stats_worker(w, &r);
		vgw_runtime_stats_add(&total, &r);
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_u64(f, "worker", w);
		vgw_fmt_u64(f, "lcore", vgw_gw.workers[w].lcore);
		format_runtime(f, &r);
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
	vgw_fmt_obj_begin(f, "total");
	vgw_fmt_u64(f, "workers", vgw_gw.n_workers);
	format_runtime(f, &total);
	vgw_fmt_obj_end(f);
	return 0;
}

static int cmd_runtime_clear(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	vgw_runtime_stats_clear();
	return 0;
}

const struct vgw_cmd vgw_runtime_cmds[] = {
	{"show runtime", "",
	 "per worker and in total: loop busy/idle cycles, and per stage calls, packets, "
	 "packets per call, cycles per packet",
	 0, 0, cmd_show_runtime},
	{"runtime clear", "", "restart the counters shown by show runtime", 0, 0,
	 cmd_runtime_clear},
	{NULL, NULL, NULL, 0, 0, NULL},
};
