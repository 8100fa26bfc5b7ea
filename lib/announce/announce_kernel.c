/* Announcement routes over rtnetlink: see announce_kernel.h.
 *
 * The answers are read with our own loop rather than mnl_cb_run(): a batch
 * that timed out may have its acks arrive later, in the middle of the next
 * batch or dump, and those must be skipped by sequence number instead of
 * failing the exchange. */
#include "announce_kernel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "../util/parse.h"

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

#define PENDING (-1)

struct vgw_announce_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint32_t table;
	uint32_t ifindex;
	char tx[VGW_ANNOUNCE_NL_BATCH * VGW_ANNOUNCE_NL_MSG_MAX];
	char rx[64 * 1024];
};

/* The table in the header where it fits, and always as RTA_TABLE (tables
 * above 255 exist only there). */
static struct rtmsg *route_hdr(struct nlmsghdr *nlh, uint32_t table)
{
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = VGW_ANNOUNCE_RTPROT;
	return rtm;
}

size_t vgw_announce_nl_route_msg(void *buf, bool add, uint32_t ip, uint32_t table, uint32_t ifindex,
				 uint32_t seq)
{
	memset(buf, 0, VGW_ANNOUNCE_NL_MSG_MAX);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (add)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
	nlh->nlmsg_seq = seq;
	struct rtmsg *rtm = route_hdr(nlh, table);
	rtm->rtm_dst_len = 32;
	rtm->rtm_type = RTN_UNICAST;
	/* a delete leaves scope and device open: it must find the route
	 * whatever device an earlier vgwd used */
	rtm->rtm_scope = add ? RT_SCOPE_LINK : RT_SCOPE_NOWHERE;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	mnl_attr_put_u32(nlh, RTA_DST, htonl(ip));
	if (add)
		mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return nlh->nlmsg_len;
}

struct vgw_announce_nl *vgw_announce_nl_open(uint32_t table, uint32_t ifindex, char *err)
{
	struct vgw_announce_nl *nl = calloc(1, sizeof(*nl));
	if (!nl) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return NULL;
	}
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, VGW_ERR_LEN, "announce: netlink socket: %s", strerror(errno));
		vgw_announce_nl_close(nl);
		return NULL;
	}
	int fd = mnl_socket_get_fd(nl->sock), one = 1, rcvbuf = 1 << 20;
	struct timeval tv = {.tv_sec = 0, .tv_usec = VGW_ANNOUNCE_NL_TIMEOUT_MS * 1000};
	/* acks carry no copy of the request; dumps filtered by the kernel when
	 * it can (>= 4.20), else by us */
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		snprintf(err, VGW_ERR_LEN, "announce: netlink timeout: %s", strerror(errno));
		vgw_announce_nl_close(nl);
		return NULL;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	nl->table = table;
	nl->ifindex = ifindex;
	return nl;
}

void vgw_announce_nl_close(struct vgw_announce_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
}

/* Reads answers to ops[0..m) (sequence seq0 + i) until all came or the
 * socket times out. */
static void read_acks(struct vgw_announce_nl *nl, struct vgw_announce_op *ops, size_t m,
		      uint32_t seq0)
{
	size_t pending = m;
	while (pending) {
		ssize_t r = mnl_socket_recvfrom(nl->sock, nl->rx, sizeof(nl->rx));
		if (r < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue; /* ENOBUFS: acks lost, the rest still come */
			break;            /* timeout: what is missing failed */
		}
		int len = (int)r;
		for (struct nlmsghdr *h = (struct nlmsghdr *)nl->rx; mnl_nlmsg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			uint32_t i = h->nlmsg_seq - seq0;
			if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_pid != nl->portid || i >= m ||
			    ops[i].err != PENDING)
				continue;
			if (h->nlmsg_len < mnl_nlmsg_size(sizeof(struct nlmsgerr)))
				continue;
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
			int code = -e->error;
			if (!ops[i].add && code == ESRCH)
				code = 0; /* not there: withdrawn all the same */
			ops[i].err = code;
			pending--;
		}
	}
}

void vgw_announce_nl_apply(void *ctx, struct vgw_announce_op *ops, size_t n)
{
	struct vgw_announce_nl *nl = ctx;
	for (size_t off = 0; off < n; off += VGW_ANNOUNCE_NL_BATCH) {
		size_t m = n - off < VGW_ANNOUNCE_NL_BATCH ? n - off : VGW_ANNOUNCE_NL_BATCH;
		struct vgw_announce_op *b = ops + off;
		uint32_t seq0 = nl->seq;
		nl->seq += (uint32_t)m;
		size_t len = 0;
		for (size_t i = 0; i < m; i++) {
			len += vgw_announce_nl_route_msg(nl->tx + len, b[i].add, b[i].ip, nl->table,
							 nl->ifindex, seq0 + (uint32_t)i);
			b[i].err = PENDING;
		}
		if (mnl_socket_sendto(nl->sock, nl->tx, len) < 0) {
			int e = errno;
			for (size_t i = 0; i < m; i++)
				b[i].err = e;
			continue;
		}
		read_acks(nl, b, m, seq0);
		for (size_t i = 0; i < m; i++)
			if (b[i].err == PENDING)
				b[i].err = ETIMEDOUT;
	}
}

struct dump_ctx {
	uint32_t table;
	uint32_t *v;
	size_t n, cap;
	bool oom;
};

static int route_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);
	if ((type == RTA_TABLE || type == RTA_DST) && mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		tb[type] = a;
	return MNL_CB_OK;
}

static void dump_route(const struct nlmsghdr *h, struct dump_ctx *d)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(h);
	if (h->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)) || rtm->rtm_family != AF_INET ||
	    rtm->rtm_protocol != VGW_ANNOUNCE_RTPROT || rtm->rtm_dst_len != 32)
		return;
	const struct nlattr *tb[RTA_MAX + 1] = {0};
	mnl_attr_parse(h, sizeof(*rtm), route_attr, tb);
	uint32_t table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	if (table != d->table || !tb[RTA_DST])
		return;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;
		uint32_t *v = realloc(d->v, cap * sizeof(*v));
		if (!v) {
			d->oom = true;
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = ntohl(mnl_attr_get_u32(tb[RTA_DST]));
}

/* One dump; 0, or an errno (EINTR: the table changed during the dump). */
static int dump_once(struct vgw_announce_nl *nl, struct dump_ctx *d)
{
	char req[VGW_ANNOUNCE_NL_MSG_MAX] = {0};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	uint32_t seq = nl->seq++;
	nlh->nlmsg_seq = seq;
	route_hdr(nlh, nl->table); /* protocol and table: the kernel's filter */
	mnl_attr_put_u32(nlh, RTA_TABLE, nl->table);
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return errno;
	int rc = 0;
	for (;;) {
		ssize_t r = mnl_socket_recvfrom(nl->sock, nl->rx, sizeof(nl->rx));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? ETIMEDOUT : errno;
		}
		int len = (int)r;
		for (struct nlmsghdr *h = (struct nlmsghdr *)nl->rx; mnl_nlmsg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_seq != seq || h->nlmsg_pid != nl->portid)
				continue; /* a late ack of an earlier batch */
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				rc = EINTR;
			/* A dump's error comes in NLMSG_DONE's payload (or in an
			 * NLMSG_ERROR when the request itself was refused). A
			 * table that was never created has no routes. */
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				int e = 0;
				if (mnl_nlmsg_get_payload_len(h) >= sizeof(int))
					memcpy(&e, mnl_nlmsg_get_payload(h), sizeof(int));
				return e == 0 || e == -ENOENT ? rc : -e;
			}
			if (h->nlmsg_type == RTM_NEWROUTE)
				dump_route(h, d);
		}
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

long vgw_announce_nl_dump(struct vgw_announce_nl *nl, uint32_t **out, char *err)
{
	struct dump_ctx d = {.table = nl->table};
	int rc = EINTR;
	for (int attempt = 0; attempt < 3 && rc == EINTR; attempt++) {
		d.n = 0;
		rc = dump_once(nl, &d);
	}
	if (rc || d.oom) {
		snprintf(err, VGW_ERR_LEN, "announce: dump of table %u: %s", nl->table,
			 d.oom ? "out of memory" : strerror(rc));
		free(d.v);
		return -1;
	}
	if (d.n > 1) /* an empty dump has no array: qsort(NULL, 0) is undefined */
		qsort(d.v, d.n, sizeof(*d.v), cmp_u32);
	size_t k = 0;
	for (size_t i = 0; i < d.n; i++)
		if (k == 0 || d.v[k - 1] != d.v[i])
			d.v[k++] = d.v[i];
	*out = d.v;
	return (long)k;
}
