/* Netlink follower: see rtnl_follow.h. */
#include "rtnl_follow.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/rtnetlink.h>

#include <rte_log.h>

#include "../core/log.h"
#include "../util/fmt.h"
#include "../util/parse.h"
#include "krib.h"
#include "nl_sock.h"

static const struct vgw_rtnl_nl_ops ops; /* the hooks, below */

static struct {
	struct vgw_rtnl_nl_sock s;
	uint32_t table;
	bool sweeping; /* the dump is over, the RIB sweeps what it did not bring */
	uint64_t sync_start;
	uint64_t n[VGW_RTNL_NL_EVENT_MAX]; /* counted events */
	uint64_t last_sync_ms;
	/* CPU time of the longest vgw_rtnl_poll(): what the budget bounds (wall
	 * time adds whatever else runs on the CPU) */
	uint64_t max_turn_cpu_us;
} F = {.s = {.ops = &ops, .fd = -1}};

static uint64_t cpu_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int vgw_rtnl_fd(void)
{
	return F.s.fd;
}

/* The whole table, filtered by the kernel when it supports strict checking
 * (we filter anyway). */
static void dump_request(struct nlmsghdr *nlh)
{
	nlh->nlmsg_type = RTM_GETROUTE;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = F.table < 256 ? (uint8_t)F.table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, RTA_TABLE, F.table);
}

static void on_message(const void *msg, size_t len, uint32_t seq)
{
	(void)seq;
	vgw_rtnl_krib_handle(msg, len); /* a broken tail is counted there: truncated */
}

static void on_event(enum vgw_rtnl_nl_event e)
{
	F.n[e]++;
	switch (e) {
	case VGW_RTNL_NL_DUMP_SENT:
		F.sweeping = false; /* a new dump marks the RIB again */
		F.sync_start = vgw_rtnl_nl_now_ms();
		vgw_rtnl_krib_resync_begin();
		break;
	case VGW_RTNL_NL_DUMP_DONE:
		vgw_rtnl_krib_resync_end();
		F.sweeping = true;
		break;
	case VGW_RTNL_NL_OVERRUN:
		vgw_rtnl_krib_log("netlink overrun (ENOBUFS): route notifications were lost, "
				  "resyncing table %u", F.table);
		break;
	default:
		break; /* counted */
	}
}

static const struct vgw_rtnl_nl_ops ops = {
	.dump_request = dump_request,
	.message = on_message,
	.event = on_event,
	.log = vgw_rtnl_krib_log,
	.missing_is_empty = true, /* the table does not exist (yet): it is empty */
};

void vgw_rtnl_input(const void *buf, size_t len)
{
	vgw_rtnl_nl_input(&F.s, buf, len);
}

void vgw_rtnl_poll(bool readable)
{
	if (F.s.fd < 0)
		return;
	uint64_t cpu0 = cpu_us();
	vgw_rtnl_nl_poll(&F.s, VGW_RTNL_BUDGET, readable);
	if (F.sweeping && vgw_rtnl_krib_sweep_step(VGW_RTNL_SWEEP_BUDGET)) {
		F.sweeping = false;
		F.last_sync_ms = vgw_rtnl_nl_now_ms() - F.sync_start;
		const struct vgw_rtnl_krib_stats *s = vgw_rtnl_krib_stats();
		VGW_LOG(NOTICE, rtnl,
			"kernel table %u synced in %lu ms: %u routes, %u installed, %u shadowed\n",
			F.table, (unsigned long)F.last_sync_ms, s->routes, s->installed, s->shadowed);
	}
	uint64_t spent = cpu_us() - cpu0;
	if (spent > F.max_turn_cpu_us)
		F.max_turn_cpu_us = spent;
}

int vgw_rtnl_resync(char *err)
{
	if (F.s.fd < 0) {
		snprintf(err, VGW_ERR_LEN, "no kernel table is followed (setting 'kernel import-table')");
		return -1;
	}
	vgw_rtnl_nl_resync(&F.s);
	return 0;
}

int vgw_rtnl_open(uint32_t table, uint32_t max_routes, char *err)
{
	if (vgw_rtnl_nl_open(&F.s, RTMGRP_IPV4_ROUTE, true, (int)VGW_RTNL_RCVBUF, "", err) < 0)
		goto fail;
	if (vgw_rtnl_krib_init(table, max_routes) < 0) {
		snprintf(err, VGW_ERR_LEN, "out of memory for the kernel RIB");
		goto fail;
	}
	F.table = table;
	snprintf(F.s.dump_name, sizeof(F.s.dump_name), "dump of table %u", table);
	vgw_rtnl_nl_poll(&F.s, 0, false); /* the first dump */
	VGW_LOG(NOTICE, rtnl, "following kernel table %u (netlink receive buffer %d bytes)\n",
		table, F.s.rcvbuf);
	return 0;
fail:
	vgw_rtnl_close();
	return -1;
}

void vgw_rtnl_close(void)
{
	vgw_rtnl_nl_close(&F.s);
	vgw_rtnl_krib_fini();
	struct vgw_rtnl_nl_sock s = F.s;
	memset(&F, 0, sizeof(F));
	F.s = s;
}

/* off (no socket), loading (a dump runs), sweeping, synced */
static const char *follow_state_name(void)
{
	return F.s.fd < 0 ? "off" : F.s.loading ? "loading" : F.sweeping ? "sweeping" : "synced";
}

void vgw_rtnl_format(struct vgw_fmt *f)
{
	const struct vgw_rtnl_krib_stats *s = vgw_rtnl_krib_stats();
	bool on = vgw_rtnl_krib_active();
	vgw_fmt_str(f, "state", follow_state_name());
	vgw_fmt_u64(f, "table", on ? s->table : 0);
	vgw_fmt_u64(f, "routes", s->routes);
	vgw_fmt_u64(f, "installed", s->installed);
	vgw_fmt_u64(f, "shadowed", s->shadowed);
	vgw_fmt_u64(f, "alternates", s->alternates);
	vgw_fmt_u64(f, "messages", s->messages);
	vgw_fmt_u64(f, "updates", s->updates);
	vgw_fmt_u64(f, "withdrawals", s->withdrawals);
	vgw_fmt_u64(f, "swept", s->swept);
	vgw_fmt_u64(f, "shadow_events", s->shadow_events);
	vgw_fmt_u64(f, "unknown_attrs", s->unknown_attrs);
	uint64_t dumps = F.n[VGW_RTNL_NL_DUMP_SENT];
	vgw_fmt_u64(f, "dumps", dumps);
	vgw_fmt_u64(f, "resyncs", dumps ? dumps - 1 : 0); /* every dump after the first */
	vgw_fmt_u64(f, "overruns", F.n[VGW_RTNL_NL_OVERRUN]);
	vgw_fmt_u64(f, "dump_interrupted", F.n[VGW_RTNL_NL_DUMP_INTR]);
	vgw_fmt_u64(f, "foreign", F.n[VGW_RTNL_NL_FOREIGN]);
	vgw_fmt_u64(f, "recv_errors", F.n[VGW_RTNL_NL_RECV_ERROR]);
	vgw_fmt_u64(f, "last_sync_ms", F.last_sync_ms);
	vgw_fmt_u64(f, "max_turn_cpu_us", F.max_turn_cpu_us);
	vgw_fmt_u64(f, "rcvbuf", F.s.rcvbuf > 0 ? (uint64_t)F.s.rcvbuf : 0);
	vgw_fmt_u64(f, "memory_bytes", s->bytes);
	vgw_fmt_obj_begin(f, "ignored");
	for (int i = VGW_RTNL_OK + 1; i < VGW_RTNL_FIRST_ERR; i++)
		vgw_fmt_u64(f, vgw_rtnl_result_names[i], s->by_result[i]);
	vgw_fmt_obj_end(f);
	vgw_fmt_obj_begin(f, "refused");
	for (int i = VGW_RTNL_FIRST_ERR; i < VGW_RTNL_RESULT_MAX; i++)
		vgw_fmt_u64(f, vgw_rtnl_result_names[i], s->by_result[i]);
	for (int i = 0; i < VGW_RTNL_KRIB_REFUSAL_MAX; i++)
		vgw_fmt_u64(f, vgw_rtnl_krib_refusal_names[i], s->refused[i]);
	vgw_fmt_obj_end(f);
	vgw_fmt_str_or_null(f, "last_error", s->last_error[0] ? s->last_error : NULL);
}
