/* trace add / trace clear / show trace (trace.h). Slow path. */
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "../cli/cli.h"
#include "../core/drop.h"
#include "../core/runtime.h"
#include "trace.h"

static const char *port_name(uint16_t p)
{
	return p < vgw_gw.n_ports ? vgw_gw.ports[p].name : "?";
}

static const char *drop_name(uint16_t why)
{
	return why < vgw_drop_n && vgw_drop_names[why] ? vgw_drop_names[why] : "?";
}

static const char *punt_name(uint16_t why)
{
	switch (why) {
	case VGW_PUNT_ARP: return "arp";
	case VGW_PUNT_NEIGH_MISS: return "neigh-miss";
	case VGW_PUNT_HEALTH: return "health";
	case VGW_PUNT_HOST: return "host";
	default: return "?";
	}
}

static const char *stage_name(uint8_t s)
{
	return s < VGW_STAGE_N ? vgw_stage_names[s] : "?";
}

/* trace add N [port NAME] */
static int cmd_trace_add(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	uint64_t n;
	if (vgw_parse_u64(argv[0], 1, VGW_TRACE_MAX, &n, ctx->err) < 0)
		return -1;
	uint32_t port = VGW_TRACE_ANY_PORT;
	if (argc > 1) {
		if (argc != 3 || strcmp(argv[1], "port") != 0) {
			snprintf(ctx->err, VGW_ERR_LEN, "trace add: expected 'port NAME' after N");
			return -1;
		}
		int p = vgw_port_by_name(argv[2]);
		if (p < 0) {
			snprintf(ctx->err, VGW_ERR_LEN, "trace add: no port '%s'", argv[2]);
			return -1;
		}
		port = (uint32_t)p;
	}
	return vgw_trace_add((uint32_t)n, port, ctx->err);
}

static int cmd_trace_clear(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	vgw_trace_clear();
	return 0;
}

static int cmd_show_trace(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc, (void)argv;
	unsigned int max = vgw_gw.n_workers * VGW_TRACE_MAX;
	struct vgw_trace_rec *recs = max ? malloc(sizeof(*recs) * max) : NULL;
	if (max && !recs) {
		snprintf(ctx->err, VGW_ERR_LEN, "show trace: out of memory");
		return -1;
	}
	unsigned int live = 0;
	unsigned int n = recs ? vgw_trace_collect(recs, max, &live) : 0;
	struct vgw_trace_names nm = {.port = port_name, .drop = drop_name, .punt = punt_name,
				     .stage = stage_name, .hz = rte_get_tsc_hz(),
				     .base_tsc = n ? recs[0].tsc : 0};
	struct vgw_fmt *f = ctx->f;
	uint32_t armed = 0, taken = 0;
	for (unsigned int i = 0; i < vgw_gw.n_workers; i++) {
		armed += atomic_load_explicit(&vgw_trace.want[i], memory_order_relaxed);
		if (atomic_load_explicit(&vgw_trace.wk[i].gen, memory_order_relaxed) ==
		    atomic_load_explicit(&vgw_trace.gen, memory_order_relaxed))
			taken += atomic_load_explicit(&vgw_trace.wk[i].taken,
						      memory_order_relaxed);
	}
	vgw_fmt_u64(f, "packets", n);
	vgw_fmt_u64(f, "in_flight", live);
	vgw_fmt_u64(f, "armed", armed > taken ? armed - taken : 0);
	vgw_fmt_sections_begin(f, "trace");
	for (unsigned int i = 0; i < n; i++)
		vgw_trace_fmt_rec(f, i + 1, &recs[i], &nm);
	vgw_fmt_list_end(f);
	free(recs);
	return 0;
}

const struct vgw_cmd vgw_trace_cmds[] = {
	{"trace add", "N [port NAME]",
	 "record the path of the next N packets each worker receives (on port NAME)", 1, 3,
	 cmd_trace_add},
	{"trace clear", "", "forget the recorded packets and stop recording", 0, 0,
	 cmd_trace_clear},
	{"show trace", "", "the recorded packets: each stage, the verdict, headers before and after",
	 0, 0, cmd_show_trace},
	{NULL},
};
