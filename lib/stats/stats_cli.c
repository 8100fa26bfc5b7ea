/* show stats / stats clear, and the stats formatter. */
#include <string.h>

#include <rte_ethdev.h>

#include "../cli/cli.h"
#include "stats.h"

/* The text view shows what happened: counters at 0 only with `all` (JSON
 * always has every one, so that scripts find every key). */
static void format_drops(struct vgw_fmt *f, const uint64_t *d, bool all)
{
	vgw_fmt_obj_begin(f, "drops");
	for (int i = 0; i < vgw_drop_n; i++)
		if (all || d[i])
			vgw_fmt_u64(f, vgw_drop_names[i], d[i]);
	vgw_fmt_obj_end(f);
}

static int cmd_show_stats(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	if (argc == 1 && strcmp(argv[0], "all") != 0) {
		snprintf(ctx->err, VGW_ERR_LEN, "show stats: expected nothing or 'all', not '%s'",
			 argv[0]);
		return -1;
	}
	bool all = ctx->json || argc == 1;
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
		/* the device's byte counts (the PMD's view, as rx_missed) */
		vgw_fmt_u64(f, "rx_bytes", hw.ibytes);
		vgw_fmt_u64(f, "tx_bytes", hw.obytes);
		if (ctx->json)
			format_drops(f, s[p].drop, true);
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
	format_drops(f, total, all);
	if (!ctx->json) {
		/* text: which port each drop happened on (JSON has it per port) */
		vgw_fmt_list_begin(f, "port_drops");
		for (int p = 0; p < vgw_gw.n_ports; p++)
			for (int d = 0; d < vgw_drop_n; d++) {
				if (!all && !s[p].drop[d])
					continue;
				vgw_fmt_obj_begin(f, NULL);
				vgw_fmt_str(f, "port", vgw_gw.ports[p].name);
				vgw_fmt_str(f, "reason", vgw_drop_names[d]);
				vgw_fmt_u64(f, "packets", s[p].drop[d]);
				vgw_fmt_obj_end(f);
			}
		vgw_fmt_list_end(f);
	}
	uint64_t sp[VGW_SP_CAP];
	vgw_stats_sp(sp);
	vgw_fmt_obj_begin(f, "slowpath");
	for (int i = 0; i < vgw_sp_n; i++)
		if (all || sp[i])
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
	{"show stats", "[all]",
	 "per-port rx/tx (packets, bytes) and drops by reason and by port; slow-path counters "
	 "(text: those not at 0, every one with all; JSON: every one)",
	 0, 1, cmd_show_stats},
	{"stats clear", "", "reset the counters shown by show stats", 0, 0, cmd_stats_clear},
	{NULL, NULL, NULL, 0, 0, NULL},
};
