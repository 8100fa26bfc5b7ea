/* show announcements: the announce table, the workers' liveness and one row
 * per candidate prefix, from one formatter for text and JSON. */
#include <string.h>

#include "../cli/cli.h"
#include "../core/gw.h"
#include "../ctl/slowpath.h"
#include "../stats/stats.h"
#include "announce_ctl.h"
#include "announce_kernel.h"
#include "announce_watch.h"

/* The reason shown: a request the kernel refused says so (the error column
 * says what), a change not applied yet (over the per-tick cap) is pending. */
static const char *row_reason(const struct vgw_announce_row *r)
{
	if (r->err)
		return "apply failed";
	if (r->want != r->installed)
		return "pending";
	return vgw_announce_reason_name(r->reason);
}

static void format_row(struct vgw_fmt *f, const struct vgw_announce_row *r, uint64_t now)
{
	char ip[VGW_IP4_STRLEN], prefix[VGW_IP4_STRLEN + 3];
	snprintf(prefix, sizeof(prefix), "%s/32", vgw_ip4_str(r->ip, ip));
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "prefix", prefix);
	vgw_fmt_str(f, "kind", vgw_announce_kind_name(r->kind));
	vgw_fmt_str(f, "state", r->installed ? "announced" : "withdrawn");
	vgw_fmt_str(f, "reason", row_reason(r));
	vgw_fmt_str_or_null(f, "error", r->err ? strerror(r->err) : NULL);
	vgw_fmt_u64(f, "since_ms", now - r->since_ms);
	vgw_fmt_obj_end(f);
}

static int cmd_show_announcements(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc, (void)argv;
	struct vgw_announce_status s;
	vgw_announce_status(&s);
	uint64_t now = vgw_now_ms(), sp[VGW_SP_CAP];
	vgw_stats_sp(sp);
	struct vgw_fmt *f = ctx->f;
	vgw_fmt_u64(f, "table", s.table);
	vgw_fmt_u64(f, "protocol", VGW_ANNOUNCE_RTPROT);
	vgw_fmt_str_or_null(f, "device", s.on ? s.device : NULL);
	vgw_fmt_str_or_null(f, "workers", s.on ? vgw_announce_workers_name(s.workers) : NULL);
	vgw_fmt_u64(f, "workers_since_ms", s.on ? now - s.workers_since_ms : 0);
	vgw_fmt_u64(f, "announced", vgw_announce_installed(s.st));
	vgw_fmt_u64(f, "announces", sp[VGW_ANNOUNCE_SP(ANN_ANNOUNCE)]);
	vgw_fmt_u64(f, "withdraws", sp[VGW_ANNOUNCE_SP(ANN_WITHDRAW)]);
	vgw_fmt_u64(f, "errors", sp[VGW_ANNOUNCE_SP(ANN_ERROR)]);
	vgw_fmt_u64(f, "stalls", sp[VGW_ANNOUNCE_SP(ANN_STALL)]);
	vgw_fmt_list_begin(f, "prefixes");
	for (size_t i = 0; i < s.st->n; i++)
		format_row(f, &s.st->rows[i], now);
	vgw_fmt_list_end(f);
	return 0;
}

const struct vgw_cmd vgw_announce_cmds[] = {
	{"show announcements", "",
	 "/32s announced to the routing daemon through the kernel table: table, device, "
	 "workers' liveness, counters; per EIP/VIP address: state, reason, error, age of the state",
	 0, 0, cmd_show_announcements},
	{NULL, NULL, NULL, 0, 0, NULL},
};
