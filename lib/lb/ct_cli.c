/* show conntrack: the per-worker connection tables, summed and per worker.
 * Reads worker-owned counters without synchronisation (see ct_worker.h). */
#include "../cli/cli.h"
#include "../core/gw.h"
#include "ct_worker.h"
#include "lb_dp.h"
#include "service.h"

struct ct_view {
	uint64_t entries, unconfirmed, created, confirmed, expired, evicted, full, midflow,
		rst_ignored, ack_invalid, handoff;
};

static void view_of(const struct vgw_worker *w, struct ct_view *v)
{
	const struct vgw_ct_worker *l = w->lb;
	/* handed over by other workers: lb's kinds (lb_dp.h) */
	uint64_t handoff = 0;
	for (unsigned int k = 0; k < VGW_LB_KINDS; k++)
		if (vgw_lb_handoff_kinds[k])
			handoff += w->handoff_in[vgw_lb_handoff_kinds[k]];
	*v = (struct ct_view){.entries = l->ct->n, .unconfirmed = l->ct->n_unconfirmed,
			      .created = l->ct->st.created, .confirmed = l->ct->st.confirmed,
			      .expired = l->ct->st.expired, .evicted = l->ct->st.evicted,
			      .full = l->ct->st.full, .midflow = l->midflow,
			      .rst_ignored = l->rst_ignored,
			      .ack_invalid = l->ack_invalid, .handoff = handoff};
}

static void format_view(struct vgw_fmt *f, const struct ct_view *v)
{
	vgw_fmt_u64(f, "entries", v->entries);
	vgw_fmt_u64(f, "unconfirmed", v->unconfirmed);
	vgw_fmt_u64(f, "created", v->created);
	vgw_fmt_u64(f, "confirmed", v->confirmed);
	vgw_fmt_u64(f, "expired", v->expired);
	vgw_fmt_u64(f, "evicted", v->evicted);
	vgw_fmt_u64(f, "full", v->full);
	vgw_fmt_u64(f, "midflow", v->midflow);
	vgw_fmt_u64(f, "rst_ignored", v->rst_ignored);
	vgw_fmt_u64(f, "ack_invalid", v->ack_invalid);
	vgw_fmt_u64(f, "handoff", v->handoff);
}

static int cmd_show_conntrack(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc, (void)argv;
	struct ct_view sum = {0}, v;
	for (unsigned int i = 0; i < vgw_gw.n_workers; i++) {
		if (!vgw_gw.workers[i].lb)
			continue;
		view_of(&vgw_gw.workers[i], &v);
		sum.entries += v.entries;
		sum.unconfirmed += v.unconfirmed;
		sum.created += v.created;
		sum.confirmed += v.confirmed;
		sum.expired += v.expired;
		sum.evicted += v.evicted;
		sum.full += v.full;
		sum.midflow += v.midflow;
		sum.rst_ignored += v.rst_ignored;
		sum.ack_invalid += v.ack_invalid;
		sum.handoff += v.handoff;
	}
	vgw_fmt_u64(ctx->f, "max_entries", vgw_lb_conf.ct_max_entries);
	format_view(ctx->f, &sum);
	vgw_fmt_list_begin(ctx->f, "workers");
	for (unsigned int i = 0; i < vgw_gw.n_workers; i++) {
		if (!vgw_gw.workers[i].lb)
			continue;
		view_of(&vgw_gw.workers[i], &v);
		vgw_fmt_obj_begin(ctx->f, NULL);
		vgw_fmt_u64(ctx->f, "worker", i);
		format_view(ctx->f, &v);
		vgw_fmt_obj_end(ctx->f);
	}
	vgw_fmt_list_end(ctx->f);
	return 0;
}

const struct vgw_cmd vgw_ct_cmds[] = {
	{"show conntrack", "",
	 "connection tables of load-balanced flows: entries (max-entries is per worker) and "
	 "how many are unconfirmed, created, confirmed (handshake completed or reply "
	 "accepted), expired, evicted (unconfirmed, to make room), full (new flows refused), "
	 "midflow pickups, out-of-window RSTs ignored, handshake ACKs acknowledging "
	 "nothing (ack_invalid), packets handed to the owning worker",
	 0, 0, cmd_show_conntrack},
	{NULL, NULL, NULL, 0, 0, NULL},
};
