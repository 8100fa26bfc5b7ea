/* show stats / stats clear, and the stats formatter. */
#include <rte_ethdev.h>

#include "../cli/cli.h"
#include "stats.h"

static void format_drops(struct vgw_fmt *f, const uint64_t *d)
{
	vgw_fmt_obj_begin(f, "drops");
	for (int i = 0; i < vgw_drop_n; i++)
		vgw_fmt_u64(f, vgw_drop_names[i], d[i]);
	vgw_fmt_obj_end(f);
}

static int cmd_show_stats(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct vgw_fmt *f = ctx->f;
	uint64_t total[VGW_DROP_CAP] = {0};
	struct vgw_port_stats s[VGW_MAX_PORTS];
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		vgw_stats_port(p, &s[p]);
		for (int d = 0; d < vgw_drop_n; d++)
			total[d] += s[p].drop[d];
	}
	/* text: a table of ports, then drop counters by reason; JSON: the same
	 * numbers with per-port drop maps (see doc/interfaces.md) */
	vgw_fmt_list_begin(f, "ports");
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		struct rte_eth_stats hw;
		memset(&hw, 0, sizeof(hw));
		rte_eth_stats_get(vgw_gw.ports[p].id, &hw);
		uint64_t dropped = 0;
		for (int d = 0; d < vgw_drop_n; d++)
			dropped += s[p].drop[d];
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_str(f, "name", vgw_gw.ports[p].name);
		vgw_fmt_u64(f, "rx", s[p].rx);
		vgw_fmt_u64(f, "tx", s[p].tx);
		vgw_fmt_u64(f, "dropped", dropped);
		vgw_fmt_u64(f, "rx_missed", hw.imissed);
		vgw_fmt_u64(f, "rx_errors", hw.ierrors);
		if (ctx->json)
			format_drops(f, s[p].drop);
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
	format_drops(f, total);
	uint64_t sp[VGW_SP_CAP];
	vgw_stats_sp(sp);
	vgw_fmt_obj_begin(f, "slowpath");
	for (int i = 0; i < vgw_sp_n; i++)
		vgw_fmt_u64(f, vgw_sp_names[i], sp[i]);
	vgw_fmt_obj_end(f);
	return 0;
}

static int cmd_stats_clear(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	vgw_stats_clear();
	return 0;
}

const struct vgw_cmd vgw_stats_cmds[] = {
	{"show stats", "", "per-port rx/tx and drops by reason; slow-path counters", 0, 0,
	 cmd_show_stats},
	{"stats clear", "", "reset the counters shown by show stats", 0, 0, cmd_stats_clear},
	{NULL, NULL, NULL, 0, 0, NULL},
};
