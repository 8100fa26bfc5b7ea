/* Kernel neighbour follower: see neigh_follow.h. Slow path only. */
#include "neigh_follow.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <rte_log.h>

#include "../core/gw.h"
#include "../neigh/neigh.h"
#include "../util/parse.h"
#include "neigh_parse.h"
#include "nl_recv.h"

#define BUF_SIZE (64u << 10) /* above the largest dump datagram (32 KiB) */
#define DUMP_STALL_MS 10000  /* no answer to a dump for this long: ask again */
#define LOG_PER_S 10

enum state { ST_OFF, ST_LOADING, ST_SYNCED };
enum query_kind { Q_NONE, Q_GET, Q_USE };

static int nl_send(const void *msg, size_t len);

static struct {
	bool active;
	struct mnl_socket *nl;
	int fd;
	int (*send)(const void *msg, size_t len);
	enum state state;
	uint8_t *buf;
	size_t len, off; /* the datagram being applied */
	uint32_t seq;    /* last sequence number used (dumps and queries) */
	uint32_t dump_seq;
	bool resync_wanted;
	uint64_t retry_at, last_dump_msg;
	/* what a query or request with sequence number s was about, at
	 * q[s % VGW_NEIGH_FOLLOW_QUERIES]; an answer whose slot was reused is
	 * applied as a plain report and the table's timer asks again */
	struct query {
		uint32_t seq;
		uint8_t kind; /* enum query_kind */
		uint16_t port;
		uint32_t ip;
	} q[VGW_NEIGH_FOLLOW_QUERIES];
	int rcvbuf;
	uint64_t log_window;
	unsigned int log_n, log_suppressed;
} F = {.fd = -1};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void count(int c)
{
	vgw_gw.sp_stats[c]++;
}

/* Bad input from the kernel must not flood the log. */
static void nlog(const char *fmt, ...)
{
	char line[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	uint64_t s = now_ms() / 1000;
	if (s != F.log_window) {
		if (F.log_suppressed)
			RTE_LOG(WARNING, USER1, "kernel neighbours: %u similar lines suppressed\n",
				F.log_suppressed);
		F.log_window = s;
		F.log_n = 0;
		F.log_suppressed = 0;
	}
	if (F.log_n++ < LOG_PER_S)
		RTE_LOG(WARNING, USER1, "kernel neighbours: %s\n", line);
	else
		F.log_suppressed++;
}

bool vgw_neigh_follow_wanted(void)
{
	for (int p = 0; p < vgw_gw.n_ports; p++)
		if (vgw_port_kernel_neigh(&vgw_gw.ports[p]))
			return true;
	return false;
}

int vgw_neigh_follow_fd(void)
{
	return F.fd;
}

/* Our port index of a kernel ifindex, -1 unless it is an af-xdp port's. */
static int port_of_ifindex(int32_t ifindex)
{
	if (ifindex <= 0)
		return -1;
	for (int p = 0; p < vgw_gw.n_ports; p++)
		if (vgw_port_kernel_neigh(&vgw_gw.ports[p]) && vgw_gw.ports[p].xdp_ifindex == ifindex)
			return p;
	return -1;
}

static uint32_t next_seq(void)
{
	if (++F.seq == 0)
		F.seq = 1; /* 0 is what notifications carry */
	return F.seq;
}

static int nl_send(const void *msg, size_t len)
{
	if (!F.nl) {
		errno = EBADF;
		return -1;
	}
	return mnl_socket_sendto(F.nl, msg, len) < 0 ? -1 : 0;
}

/* The query or request that sequence number seq answers, taken out of the
 * table (each is answered once), or NULL. */
static struct query *take_query(uint32_t seq)
{
	struct query *q = &F.q[seq % VGW_NEIGH_FOLLOW_QUERIES];
	if (seq == 0 || q->seq != seq || q->kind == Q_NONE)
		return NULL;
	return q;
}

static void send_query(enum query_kind kind, uint16_t port, uint32_t ip)
{
	uint8_t m[VGW_NEIGH_REQ_LEN];
	uint32_t seq = next_seq();
	int32_t ifindex = vgw_gw.ports[port].xdp_ifindex;
	size_t len = kind == Q_GET ? vgw_neigh_msg_get(m, sizeof(m), seq, ifindex, ip)
				   : vgw_neigh_msg_use(m, sizeof(m), seq, ifindex, ip);
	char s[VGW_IP4_STRLEN];
	if (F.send(m, len) < 0) {
		count(VGW_KNEIGH_SP(KNEIGH_REQUEST_ERROR));
		nlog("cannot ask the kernel about %s on %s: %s", vgw_ip4_str(ip, s),
		     vgw_gw.ports[port].xdp_iface, strerror(errno));
		return;
	}
	F.q[seq % VGW_NEIGH_FOLLOW_QUERIES] = (struct query){seq, (uint8_t)kind, port, ip};
	count(kind == Q_GET ? VGW_KNEIGH_SP(KNEIGH_QUERY_TX) : VGW_KNEIGH_SP(KNEIGH_REQUEST_TX));
}

void vgw_neigh_follow_resolve(uint16_t port, uint32_t ip)
{
	if (!F.active || port >= vgw_gw.n_ports || !vgw_port_kernel_neigh(&vgw_gw.ports[port]) ||
	    vgw_gw.ports[port].xdp_ifindex <= 0) {
		count(VGW_KNEIGH_SP(KNEIGH_REQUEST_ERROR));
		return;
	}
	send_query(Q_GET, port, ip);
}

/* After the kernel answered a query about (port, ip) with state: NTF_USE
 * when it has nothing valid to give (or only STALE); never when the entry is
 * PERMANENT or NOARP (NTF_USE would demote a PERMANENT one), nor while the
 * kernel is resolving already (INCOMPLETE) or confirming (DELAY, PROBE). */
static bool wants_use(uint16_t state)
{
	return state == NUD_NONE || (state & (NUD_FAILED | NUD_STALE));
}

static void start_dump(void)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = next_seq();
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	uint64_t now = now_ms();
	if (F.send(nlh, nlh->nlmsg_len) < 0) {
		nlog("cannot request a dump: %s (retrying)", strerror(errno));
		F.retry_at = now + 1000;
		return;
	}
	count(VGW_KNEIGH_SP(KNEIGH_DUMP));
	F.dump_seq = nlh->nlmsg_seq;
	F.resync_wanted = false;
	F.state = ST_LOADING;
	F.last_dump_msg = now;
	vgw_neigh_kernel_resync_begin(vgw_gw.neigh);
}

/* NLMSG_DONE of our dump, or an error answer to it. */
static void dump_over(int error)
{
	F.state = ST_SYNCED;
	if (error) {
		/* EBUSY: a dump of ours still runs in the kernel */
		nlog("dump failed: %s (retrying)", strerror(error));
		F.resync_wanted = true;
		F.retry_at = now_ms() + (error == EBUSY ? 100 : 1000);
		return;
	}
	if (F.resync_wanted)
		return; /* notifications were lost meanwhile: again, then sweep */
	uint32_t swept = vgw_neigh_kernel_sweep(vgw_gw.neigh);
	RTE_LOG(NOTICE, USER1, "kernel neighbours synced: %u entries, %u swept\n", vgw_gw.neigh->n,
		swept);
}

static void overrun(void)
{
	count(VGW_KNEIGH_SP(KNEIGH_OVERRUN));
	F.resync_wanted = true;
	F.retry_at = 0;
	nlog("netlink overrun (ENOBUFS): neighbour notifications were lost, resyncing");
}

/* An NLMSG_ERROR: to our dump, to a query or request, or an ack. */
static void error_answer(uint32_t seq, bool to_dump, int error)
{
	if (to_dump) {
		dump_over(error ? error : EIO);
		return;
	}
	struct query *q = take_query(seq);
	if (!q || error == 0)
		return; /* not ours, or an ack */
	struct query was = *q;
	q->kind = Q_NONE;
	if (was.kind == Q_GET && error == ENOENT) {
		send_query(Q_USE, was.port, was.ip); /* the kernel has no entry: make one */
		return;
	}
	char s[VGW_IP4_STRLEN];
	count(VGW_KNEIGH_SP(KNEIGH_REQUEST_ERROR));
	nlog("the kernel refused a %s about %s on %s: %s", was.kind == Q_GET ? "query" : "request",
	     vgw_ip4_str(was.ip, s), vgw_gw.ports[was.port].xdp_iface, strerror(error));
}

/* A neighbour message (or anything else the parser judges). */
static void neigh_message(const uint8_t *p, uint32_t len, uint32_t seq)
{
	struct vgw_neigh_msg r;
	count(VGW_KNEIGH_SP(KNEIGH_MSG));
	enum vgw_neigh_msg_result res = vgw_neigh_parse(p, len, &r);
	if (res != VGW_NEIGH_MSG_OK && !vgw_neigh_msg_is_error(res)) {
		count(VGW_KNEIGH_SP(KNEIGH_IGNORED));
		return;
	}
	int port = port_of_ifindex(r.ifindex);
	/* a malformed message about an interface we do not follow is not ours
	 * to complain about; one whose interface is unknown is */
	if (port < 0 && (res == VGW_NEIGH_MSG_OK || r.ifindex != 0)) {
		count(VGW_NEIGH_SP(KNEIGH_OTHER_IF));
		return;
	}
	if (res != VGW_NEIGH_MSG_OK) {
		count(VGW_KNEIGH_SP(KNEIGH_MALFORMED));
		nlog("malformed neighbour message refused (%s)", vgw_neigh_msg_result_names[res]);
		return;
	}
	vgw_neigh_kernel_update(vgw_gw.neigh, (uint16_t)port, r.ip, r.op == VGW_NEIGH_MSG_DEL,
				r.state, r.has_mac ? r.mac : NULL, now_ms());
	/* the answer to our query: ask the kernel to act if it has to */
	struct query *q = take_query(seq);
	if (q && q->kind == Q_GET && q->port == port && q->ip == r.ip) {
		q->kind = Q_NONE;
		if (r.op == VGW_NEIGH_MSG_ADD && wants_use(r.state))
			send_query(Q_USE, (uint16_t)port, r.ip);
	}
}

/* One message of the datagram at F.buf + F.off. Returns false when the
 * datagram's framing is broken (the rest of it is dropped). */
static bool one_message(void)
{
	const uint8_t *p = F.buf + F.off;
	size_t avail = F.len - F.off;
	struct nlmsghdr h;
	if (avail < sizeof(h)) {
		neigh_message(p, (uint32_t)avail, 0); /* counted: truncated */
		return false;
	}
	memcpy(&h, p, sizeof(h));
	if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > avail) {
		neigh_message(p, (uint32_t)avail, 0);
		return false;
	}
	size_t step = NLMSG_ALIGN(h.nlmsg_len);
	F.off += step < avail ? step : avail;
	bool to_dump = F.state == ST_LOADING && h.nlmsg_seq == F.dump_seq && h.nlmsg_seq != 0;
	if (to_dump)
		F.last_dump_msg = now_ms();
	switch (h.nlmsg_type) {
	case NLMSG_DONE:
		if (to_dump) {
			int32_t e = 0;
			if (h.nlmsg_len >= NLMSG_HDRLEN + sizeof(e))
				memcpy(&e, p + NLMSG_HDRLEN, sizeof(e));
			dump_over(e < 0 ? -e : 0);
		}
		return true;
	case NLMSG_ERROR: {
		int32_t e = 0;
		if (h.nlmsg_len >= NLMSG_HDRLEN + sizeof(e))
			memcpy(&e, p + NLMSG_HDRLEN, sizeof(e));
		else
			e = -EIO;
		error_answer(h.nlmsg_seq, to_dump, e < 0 ? -e : e);
		return true;
	}
	case NLMSG_NOOP:
	case NLMSG_OVERRUN:
		return true;
	}
	neigh_message(p, h.nlmsg_len, h.nlmsg_seq);
	return true;
}

void vgw_neigh_follow_input(const void *buf, size_t len)
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

/* Reads the next datagram. Returns 1, or 0 (nothing to read, or an error
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
			count(VGW_KNEIGH_SP(KNEIGH_FOREIGN)); /* only the kernel speaks to us */
			break;
		case VGW_NL_TRUNC:
			nlog("netlink datagram larger than %u bytes dropped", BUF_SIZE);
			overrun(); /* something was lost: resync */
			break;
		case VGW_NL_ERROR:
			nlog("netlink receive: %s", strerror(errno));
			return 0;
		}
	}
}

void vgw_neigh_follow_poll(bool readable)
{
	if (!F.active)
		return;
	uint64_t now = now_ms();
	if (F.resync_wanted && F.state != ST_LOADING && now >= F.retry_at)
		start_dump();
	if (F.state == ST_LOADING && now - F.last_dump_msg > DUMP_STALL_MS) {
		nlog("dump stalled, asking again");
		F.state = ST_SYNCED;
		F.resync_wanted = true;
	}
	unsigned int budget = VGW_NEIGH_FOLLOW_BUDGET;
	bool more = readable && F.fd >= 0;
	while (budget > 0) {
		if (F.off >= F.len) {
			if (!more || receive() <= 0)
				break;
		}
		if (!one_message())
			F.len = F.off = 0;
		budget--;
	}
}

/* What both openings share: the state that asks for the first dump. */
static int start(int (*send)(const void *msg, size_t len))
{
	F.buf = F.buf ? F.buf : malloc(BUF_SIZE);
	if (!F.buf)
		return -1;
	F.send = send;
	F.active = true;
	F.state = ST_SYNCED;
	F.resync_wanted = true;
	F.retry_at = 0;
	return 0;
}

void vgw_neigh_follow_test_open(int (*send)(const void *msg, size_t len))
{
	vgw_neigh_follow_close();
	start(send);
}

int vgw_neigh_follow_open(char *err)
{
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		const struct vgw_port *pt = &vgw_gw.ports[p];
		if (vgw_port_kernel_neigh(pt) && pt->xdp_ifindex <= 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: interface %s has no ifindex yet", pt->name,
				 pt->xdp_iface);
			return -1;
		}
	}
	F.nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!F.nl) {
		snprintf(err, VGW_ERR_LEN, "netlink socket (neighbours): %s", strerror(errno));
		goto fail;
	}
	F.fd = mnl_socket_get_fd(F.nl);
	int sz = (int)VGW_NEIGH_FOLLOW_RCVBUF;
	if (setsockopt(F.fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(F.fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)); /* capped by rmem_max */
	socklen_t sl = sizeof(F.rcvbuf);
	getsockopt(F.fd, SOL_SOCKET, SO_RCVBUF, &F.rcvbuf, &sl);
	if (mnl_socket_bind(F.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, VGW_ERR_LEN, "netlink bind (neighbours): %s", strerror(errno));
		goto fail;
	}
	int grp = RTNLGRP_NEIGH;
	if (mnl_socket_setsockopt(F.nl, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
		snprintf(err, VGW_ERR_LEN, "netlink group RTNLGRP_NEIGH: %s", strerror(errno));
		goto fail;
	}
	if (start(nl_send) < 0) {
		snprintf(err, VGW_ERR_LEN, "out of memory for the neighbour follower");
		goto fail;
	}
	vgw_neigh_follow_poll(false); /* the first dump */
	RTE_LOG(NOTICE, USER1, "following kernel neighbours (netlink receive buffer %d bytes)\n",
		F.rcvbuf);
	return 0;
fail:
	vgw_neigh_follow_close();
	return -1;
}

void vgw_neigh_follow_close(void)
{
	if (F.nl)
		mnl_socket_close(F.nl);
	free(F.buf);
	memset(&F, 0, sizeof(F));
	F.fd = -1;
}
