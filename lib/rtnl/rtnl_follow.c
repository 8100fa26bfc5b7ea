/* Netlink follower: see rtnl_follow.h. */
#include "rtnl_follow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <rte_log.h>

#include "../util/fmt.h"
#include "../util/parse.h"
#include "krib.h"
#include "nl_recv.h"

#define BUF_SIZE (64u << 10) /* above the largest dump datagram (32 KiB) */
#define DUMP_STALL_MS 10000  /* no answer to a dump for this long: ask again */

enum state { ST_OFF, ST_LOADING, ST_SWEEPING, ST_SYNCED };
static const char *const state_names[] = {"off", "loading", "sweeping", "synced"};

static struct {
	struct mnl_socket *nl;
	int fd;
	uint32_t table;
	enum state state;
	uint8_t *buf;
	size_t len, off; /* the datagram being applied */
	uint32_t seq;    /* of the running dump */
	bool resync_wanted;
	uint64_t retry_at, last_dump_msg, sync_start;
	uint64_t dumps, resyncs, overruns, dump_interrupted, foreign, recv_errors;
	bool intr_seen; /* this dump was flagged NLM_F_DUMP_INTR */
	uint64_t last_sync_ms;
	/* CPU time of the longest vgw_rtnl_poll(): what the budget bounds (wall
	 * time adds whatever else runs on the CPU) */
	uint64_t max_turn_cpu_us;
	int rcvbuf;
} F = {.fd = -1};

static uint64_t clock_us(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t now_ms(void)
{
	return clock_us(CLOCK_MONOTONIC) / 1000;
}

int vgw_rtnl_fd(void)
{
	return F.fd;
}

/* Asks for the whole table. The same socket carries the notifications, so
 * the order of answers and notifications is the kernel's. */
static void start_dump(void)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++F.seq;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = F.table < 256 ? (uint8_t)F.table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, RTA_TABLE, F.table); /* a filter with strict checking */
	uint64_t now = now_ms();
	if (mnl_socket_sendto(F.nl, nlh, nlh->nlmsg_len) < 0) {
		vgw_krib_log("cannot request a dump of table %u: %s (retrying)", F.table,
			     strerror(errno));
		F.retry_at = now + 1000;
		return;
	}
	if (F.state != ST_OFF && F.dumps > 0)
		F.resyncs++;
	F.dumps++;
	F.resync_wanted = false;
	F.intr_seen = false;
	F.state = ST_LOADING;
	F.sync_start = now;
	F.last_dump_msg = now;
	vgw_krib_resync_begin();
}

/* NLMSG_DONE of our dump, or an error answer to it. */
static void dump_over(int error)
{
	F.last_dump_msg = now_ms();
	if (error == EBUSY || (error && error != ENOENT)) {
		/* EBUSY: a dump of ours still runs in the kernel */
		vgw_krib_log("dump of table %u failed: %s (retrying)", F.table, strerror(error));
		F.state = ST_SYNCED;
		F.resync_wanted = true;
		F.retry_at = now_ms() + (error == EBUSY ? 100 : 1000);
		return;
	}
	/* ENOENT: the table does not exist (yet): it is empty */
	if (F.resync_wanted) {
		F.state = ST_SYNCED; /* notifications were lost meanwhile: again */
		return;
	}
	vgw_krib_resync_end();
	F.state = ST_SWEEPING;
}

static void overrun(void)
{
	F.overruns++;
	F.resync_wanted = true;
	F.retry_at = 0;
	vgw_krib_log("netlink overrun (ENOBUFS): route notifications were lost, resyncing "
		     "table %u", F.table);
}

/* One message of the datagram at F.buf + F.off. Returns false when the
 * datagram's framing is broken (the rest of it is dropped). */
static bool one_message(void)
{
	const uint8_t *p = F.buf + F.off;
	size_t avail = F.len - F.off;
	struct nlmsghdr h;
	if (avail < sizeof(h)) {
		vgw_krib_handle(p, avail); /* counted: truncated */
		return false;
	}
	memcpy(&h, p, sizeof(h));
	if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > avail) {
		vgw_krib_handle(p, avail);
		return false;
	}
	size_t step = NLMSG_ALIGN(h.nlmsg_len);
	F.off += step < avail ? step : avail;
	bool ours = F.state == ST_LOADING && h.nlmsg_seq == F.seq && h.nlmsg_seq != 0;
	switch (h.nlmsg_type) {
	case NLMSG_DONE:
		if (ours) {
			int32_t e = 0;
			if (h.nlmsg_len >= NLMSG_HDRLEN + sizeof(e))
				memcpy(&e, p + NLMSG_HDRLEN, sizeof(e));
			dump_over(e < 0 ? -e : 0);
		}
		return true;
	case NLMSG_ERROR:
		if (ours) {
			struct nlmsgerr ne = {0};
			if (h.nlmsg_len >= NLMSG_HDRLEN + sizeof(ne.error))
				memcpy(&ne.error, p + NLMSG_HDRLEN, sizeof(ne.error));
			dump_over(ne.error < 0 ? -ne.error : (ne.error ? ne.error : EIO));
		}
		return true;
	case NLMSG_NOOP:
	case NLMSG_OVERRUN:
		return true;
	}
	if (ours) {
		F.last_dump_msg = now_ms();
		if ((h.nlmsg_flags & NLM_F_DUMP_INTR) && !F.intr_seen) {
			/* the table changed during the dump; the notifications
			 * of those changes follow on this socket, so the result
			 * is still right: only counted */
			F.intr_seen = true;
			F.dump_interrupted++;
		}
	}
	vgw_krib_handle(p, h.nlmsg_len);
	return true;
}

void vgw_rtnl_input(const void *buf, size_t len)
{
	if (!F.buf)
		F.buf = malloc(BUF_SIZE);
	if (!F.buf || len > BUF_SIZE)
		return;
	memcpy(F.buf, buf, len);
	F.len = len;
	F.off = 0;
	while (F.off < F.len && one_message())
		;
	F.len = F.off = 0;
}

/* Reads the next datagram. Returns 1, 0 (nothing to read) or -1 (an error
 * other than an overrun: logged). */
static int receive(void)
{
	for (;;) {
		switch (vgw_nl_recv(F.fd, F.buf, BUF_SIZE, &F.len)) {
		case VGW_NL_DATA:
			F.off = 0;
			return 1;
		case VGW_NL_EMPTY:
			return 0;
		case VGW_NL_OVERRUN:
			overrun();
			break;
		case VGW_NL_FOREIGN:
			F.foreign++; /* only the kernel speaks to us */
			break;
		case VGW_NL_TRUNC:
			F.recv_errors++;
			vgw_krib_log("netlink datagram larger than %u bytes dropped", BUF_SIZE);
			overrun(); /* something was lost: resync */
			break;
		case VGW_NL_ERROR:
			F.recv_errors++;
			vgw_krib_log("netlink receive: %s", strerror(errno));
			return -1;
		}
	}
}

void vgw_rtnl_poll(bool readable)
{
	if (F.fd < 0)
		return;
	uint64_t cpu0 = clock_us(CLOCK_THREAD_CPUTIME_ID), now = now_ms();
	if (F.resync_wanted && F.state != ST_LOADING && now >= F.retry_at)
		start_dump();
	if (F.state == ST_LOADING && now - F.last_dump_msg > DUMP_STALL_MS) {
		vgw_krib_log("dump of table %u stalled, asking again", F.table);
		F.state = ST_SYNCED;
		F.resync_wanted = true;
	}
	unsigned int budget = VGW_RTNL_BUDGET;
	bool more = readable;
	while (budget > 0) {
		if (F.off >= F.len) {
			if (!more)
				break;
			int rc = receive();
			if (rc <= 0)
				break;
		}
		if (!one_message())
			F.len = F.off = 0;
		budget--;
	}
	if (F.state == ST_SWEEPING && vgw_krib_sweep_step(VGW_RTNL_SWEEP_BUDGET)) {
		F.state = ST_SYNCED;
		F.last_sync_ms = now_ms() - F.sync_start;
		const struct vgw_krib_stats *s = vgw_krib_stats();
		RTE_LOG(NOTICE, USER1,
			"kernel table %u synced in %lu ms: %u routes, %u installed, %u shadowed\n",
			F.table, (unsigned long)F.last_sync_ms, s->routes, s->installed, s->shadowed);
	}
	uint64_t spent = clock_us(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	if (spent > F.max_turn_cpu_us)
		F.max_turn_cpu_us = spent;
}

int vgw_rtnl_resync(char *err)
{
	if (F.fd < 0) {
		snprintf(err, VGW_ERR_LEN, "no kernel table is followed (setting 'kernel import-table')");
		return -1;
	}
	F.resync_wanted = true;
	F.retry_at = 0;
	return 0;
}

int vgw_rtnl_open(uint32_t table, uint32_t max_routes, char *err)
{
	F.buf = F.buf ? F.buf : malloc(BUF_SIZE);
	F.nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!F.buf || !F.nl) {
		snprintf(err, VGW_ERR_LEN, "netlink socket: %s", strerror(errno));
		goto fail;
	}
	F.fd = mnl_socket_get_fd(F.nl);
	int sz = (int)VGW_RTNL_RCVBUF;
	if (setsockopt(F.fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(F.fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)); /* capped by rmem_max */
	socklen_t sl = sizeof(F.rcvbuf);
	getsockopt(F.fd, SOL_SOCKET, SO_RCVBUF, &F.rcvbuf, &sl);
	int one = 1;
	/* lets the kernel filter the dump by table (Linux >= 4.20); harmless
	 * where unsupported: we filter anyway */
	mnl_socket_setsockopt(F.nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	if (mnl_socket_bind(F.nl, RTMGRP_IPV4_ROUTE, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, VGW_ERR_LEN, "netlink bind: %s", strerror(errno));
		goto fail;
	}
	if (vgw_krib_init(table, max_routes) < 0) {
		snprintf(err, VGW_ERR_LEN, "out of memory for the kernel RIB");
		goto fail;
	}
	F.table = table;
	F.state = ST_SYNCED;
	F.resync_wanted = true;
	F.retry_at = 0;
	start_dump();
	RTE_LOG(NOTICE, USER1, "following kernel table %u (netlink receive buffer %d bytes)\n",
		table, F.rcvbuf);
	return 0;
fail:
	vgw_rtnl_close();
	return -1;
}

void vgw_rtnl_close(void)
{
	if (F.nl)
		mnl_socket_close(F.nl);
	vgw_krib_fini();
	free(F.buf);
	memset(&F, 0, sizeof(F));
	F.fd = -1;
}

void vgw_rtnl_format(struct vgw_fmt *f)
{
	const struct vgw_krib_stats *s = vgw_krib_stats();
	bool on = vgw_krib_active();
	vgw_fmt_str(f, "state", state_names[F.state]);
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
	vgw_fmt_u64(f, "dumps", F.dumps);
	vgw_fmt_u64(f, "resyncs", F.resyncs);
	vgw_fmt_u64(f, "overruns", F.overruns);
	vgw_fmt_u64(f, "dump_interrupted", F.dump_interrupted);
	vgw_fmt_u64(f, "foreign", F.foreign);
	vgw_fmt_u64(f, "recv_errors", F.recv_errors);
	vgw_fmt_u64(f, "last_sync_ms", F.last_sync_ms);
	vgw_fmt_u64(f, "max_turn_cpu_us", F.max_turn_cpu_us);
	vgw_fmt_u64(f, "rcvbuf", F.rcvbuf > 0 ? (uint64_t)F.rcvbuf : 0);
	vgw_fmt_u64(f, "memory_bytes", s->bytes);
	vgw_fmt_obj_begin(f, "ignored");
	for (int i = VGW_RTNL_OK + 1; i < VGW_RTNL_FIRST_ERR; i++)
		vgw_fmt_u64(f, vgw_rtnl_result_names[i], s->by_result[i]);
	vgw_fmt_obj_end(f);
	vgw_fmt_obj_begin(f, "refused");
	for (int i = VGW_RTNL_FIRST_ERR; i < VGW_RTNL_RESULT_MAX; i++)
		vgw_fmt_u64(f, vgw_rtnl_result_names[i], s->by_result[i]);
	for (int i = 0; i < VGW_KRIB_REFUSAL_MAX; i++)
		vgw_fmt_u64(f, vgw_krib_refusal_names[i], s->refused[i]);
	vgw_fmt_obj_end(f);
	vgw_fmt_str(f, "last_error", s->last_error[0] ? s->last_error : "-");
}
