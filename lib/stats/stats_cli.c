/* show stats / stats clear, and the stats formatter (stats.h has where the
 * numbers come from).
 *
 * Rates: each `show stats` keeps a snapshot of the counters (any client's,
 * JSON or text, filtered or not: one per vgwd, slow path only); the next
 * one shows per-second rates over the time between the two (TSC). A
 * per-connection snapshot would give vgwctl, one connection per command,
 * no rate at all. The first call has none (null / "-"). */
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "../cli/cli.h"
#include "stats.h"

static struct vgw_stats_snap prev; /* the previous show stats' (tsc 0: none) */

/* What one `show stats` shows: the filter, and the rate's interval. */
struct view {
	bool all;        /* text: counters at 0 too */
	int port;        /* only this port, or -1 */
	int worker;      /* only this worker, or -1 */
	double secs;     /* since the previous snapshot; 0: no rate */
	const struct vgw_stats_snap *now;
};

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

/* A per-second rate column: null (text "-") on the first call. */
static void format_rate(struct vgw_fmt *f, const struct view *v, const char *key, uint64_t now,
			uint64_t then)
{
	if (v->secs > 0)
		vgw_fmt_double(f, key, vgw_stats_rate(now, then, v->secs));
	else
		vgw_fmt_null(f, key);
}

static void format_port(struct vgw_fmt *f, const struct view *v, int p,
			const struct vgw_port_stats *s, bool json)
{
	struct rte_eth_stats hw;
	memset(&hw, 0, sizeof(hw));
	if (rte_eth_dev_is_valid_port(vgw_gw.ports[p].id)) /* no device: zeros */
		rte_eth_stats_get(vgw_gw.ports[p].id, &hw);
	uint64_t dropped = 0;
	for (int d = 0; d < vgw_drop_n; d++)
		dropped += s->drop[d];
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "name", vgw_gw.ports[p].name);
	vgw_fmt_u64(f, "rx", s->rx);
	vgw_fmt_u64(f, "tx", s->tx);
	vgw_fmt_u64(f, "dropped", dropped);
	vgw_fmt_u64(f, "rx_missed", hw.imissed);
	vgw_fmt_u64(f, "rx_errors", hw.ierrors);
	/* the device's byte counts (the PMD's view, as rx_missed) */
	vgw_fmt_u64(f, "rx_bytes", hw.ibytes);
	vgw_fmt_u64(f, "tx_bytes", hw.obytes);
	const struct vgw_stats_port_snap *n = &v->now->port[p], *o = &prev.port[p];
	format_rate(f, v, "rx_pps", n->rx, o->rx);
	format_rate(f, v, "tx_pps", n->tx, o->tx);
	format_rate(f, v, "dropped_pps", n->dropped, o->dropped);
	format_rate(f, v, "rx_bytes_per_s", n->rx_bytes, o->rx_bytes);
	format_rate(f, v, "tx_bytes_per_s", n->tx_bytes, o->tx_bytes);
	if (json)
		format_drops(f, s->drop, true);
	vgw_fmt_obj_end(f);
}

static void format_workers(struct vgw_fmt *f, const struct view *v)
{
	vgw_fmt_list_begin(f, "workers");
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++) {
		if (v->worker >= 0 && w != (unsigned int)v->worker)
			continue;
		struct vgw_worker_counts c;
		vgw_stats_worker(w, &c);
		const struct vgw_worker_counts *n = &v->now->worker[w], *o = &prev.worker[w];
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_u64(f, "worker", w);
		vgw_fmt_u64(f, "lcore", vgw_gw.workers[w].lcore);
		vgw_fmt_u64(f, "rx", c.rx);
		vgw_fmt_u64(f, "tx", c.tx);
		vgw_fmt_u64(f, "dropped", c.dropped);
		format_rate(f, v, "rx_pps", n->rx, o->rx);
		format_rate(f, v, "tx_pps", n->tx, o->tx);
		format_rate(f, v, "dropped_pps", n->dropped, o->dropped);
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
}

/* When the counters start: the last `stats clear` (UTC, ISO 8601), or
 * null when never (they start with vgwd). */
static void format_cleared(struct vgw_fmt *f)
{
	time_t t = vgw_stats_cleared_at();
	struct tm tm;
	char buf[32];
	if (t && gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		vgw_fmt_str(f, "cleared_at", buf);
	else
		vgw_fmt_null(f, "cleared_at");
}

/* [all] [PORT | worker N] into v; -1 with ctx->err. */
static int parse_view(struct vgw_cli_ctx *ctx, int argc, char **argv, struct view *v)
{
	int i = 0;
	v->all = ctx->json;
	v->port = v->worker = -1;
	if (i < argc && strcmp(argv[i], "all") == 0) {
		v->all = true;
		i++;
	}
	if (i < argc && strcmp(argv[i], "worker") == 0) {
		uint64_t w;
		if (i + 1 >= argc) {
			snprintf(ctx->err, VGW_ERR_LEN, "show stats: 'worker' needs a worker number");
			return -1;
		}
		if (vgw_gw.n_workers == 0 ||
		    vgw_parse_u64(argv[i + 1], 0, vgw_gw.n_workers - 1, &w, ctx->err) < 0) {
			snprintf(ctx->err, VGW_ERR_LEN, "show stats: no worker '%s' (workers 0-%u)",
				 argv[i + 1], vgw_gw.n_workers ? vgw_gw.n_workers - 1 : 0);
			return -1;
		}
		v->worker = (int)w;
		i += 2;
	} else if (i < argc) {
		v->port = vgw_port_by_name(argv[i]);
		if (v->port < 0) {
			snprintf(ctx->err, VGW_ERR_LEN,
				 "show stats: expected 'all', a port name or 'worker N', not '%s'",
				 argv[i]);
			return -1;
		}
		i++;
	}
	if (i < argc) {
		snprintf(ctx->err, VGW_ERR_LEN, "show stats: unexpected '%s'", argv[i]);
		return -1;
	}
	return 0;
}

static int cmd_show_stats(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	struct view v;
	if (parse_view(ctx, argc, argv, &v) < 0)
		return -1;
	struct vgw_fmt *f = ctx->f;
	struct vgw_stats_snap now; /* under 1 KB */
	vgw_stats_snapshot(&now);
	v.now = &now;
	v.secs = prev.tsc && now.tsc > prev.tsc ?
		 (double)(now.tsc - prev.tsc) / (double)rte_get_tsc_hz() : 0.0;
	format_cleared(f);
	/* the rates' interval, in ms (two decimals: calls can be close
	 * together): null (text "-") on the first call */
	if (v.secs > 0)
		vgw_fmt_double(f, "rate_interval_ms", v.secs * 1000.0);
	else
		vgw_fmt_null(f, "rate_interval_ms");
	uint64_t total[VGW_DROP_CAP] = {0};
	struct vgw_port_stats s[VGW_MAX_PORTS];
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		vgw_stats_port(p, &s[p]);
		if (v.port >= 0 && p != v.port)
			continue;
		for (int d = 0; d < vgw_drop_n; d++)
			total[d] += s[p].drop[d];
	}
	if (v.worker < 0) {
		/* text: a table of ports, then drop counters by reason; JSON: the
		 * same numbers with per-port drop maps (see doc/interfaces.md) */
		vgw_fmt_list_begin(f, "ports");
		for (int p = 0; p < vgw_gw.n_ports; p++)
			if (v.port < 0 || p == v.port)
				format_port(f, &v, p, &s[p], ctx->json);
		vgw_fmt_list_end(f);
	}
	if (v.port < 0)
		format_workers(f, &v);
	if (v.worker < 0) {
		format_drops(f, total, v.all);
		if (!ctx->json) {
			/* text: which port each drop happened on (JSON has it per port) */
			vgw_fmt_list_begin(f, "port_drops");
			for (int p = 0; p < vgw_gw.n_ports; p++)
				for (int d = 0; d < vgw_drop_n; d++) {
					if ((v.port >= 0 && p != v.port) || (!v.all && !s[p].drop[d]))
						continue;
					vgw_fmt_obj_begin(f, NULL);
					vgw_fmt_str(f, "port", vgw_gw.ports[p].name);
					vgw_fmt_str(f, "reason", vgw_drop_names[d]);
					vgw_fmt_u64(f, "packets", s[p].drop[d]);
					vgw_fmt_obj_end(f);
				}
			vgw_fmt_list_end(f);
		}
	}
	if (v.port < 0 && v.worker < 0) {
		/* the slow path's counters belong to no port or worker */
		uint64_t sp[VGW_SP_CAP];
		vgw_stats_sp(sp);
		vgw_fmt_obj_begin(f, "slowpath");
		for (int i = 0; i < vgw_sp_n; i++)
			if (v.all || sp[i])
				vgw_fmt_u64(f, vgw_sp_names[i], sp[i]);
		vgw_fmt_obj_end(f);
	}
	prev = now;
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
	{"show stats", "[all] [PORT] [worker N]",
	 "per port rx/tx (packets, bytes), per worker rx/tx, drops by reason and by port, "
	 "slow-path counters, rates since the previous show stats, when stats clear last ran "
	 "(text: counters not at 0, every one with all; JSON: every one); PORT or worker N: "
	 "only that port's or worker's",
	 0, 3, cmd_show_stats},
	{"stats clear", "", "restart the counters shown by show stats (not metrics)", 0, 0,
	 cmd_stats_clear},
	{NULL, NULL, NULL, 0, 0, NULL},
};
