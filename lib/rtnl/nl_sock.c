/* Netlink socket and dump state of the kernel followers: see nl_sock.h. */
#include "nl_sock.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include <linux/netlink.h>

#include "../util/parse.h"

uint64_t vgw_rtnl_nl_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- pure helpers -------------------------------------------------------- */

static int int_len(size_t n)
{
	return n > INT_MAX ? INT_MAX : (int)n; /* libmnl counts bytes in int */
}

size_t vgw_rtnl_nl_msg_step(const void *msg, size_t avail)
{
	int left = int_len(avail);
	if (!mnl_nlmsg_ok(msg, left))
		return 0;
	/* mnl_nlmsg_ok compares the length field through int: one over
	 * INT_MAX would pass it */
	uint32_t len;
	memcpy(&len, msg, sizeof(len));
	if (len > avail)
		return 0;
	int before = left;
	mnl_nlmsg_next(msg, &left);
	return left > 0 ? (size_t)(before - left) : avail; /* the last may lack its padding */
}

int vgw_rtnl_nl_attr_parse_payload(const void *payload, size_t len, mnl_attr_cb_t cb, void *data)
{
	const struct nlattr *a = payload;
	int left = int_len(len); /* nla_len is 16 bits: a real payload fits */
	int ret = MNL_CB_OK;
	while (mnl_attr_ok(a, left)) {
		ret = cb(a, data);
		if (ret <= MNL_CB_STOP)
			return ret;
		left -= (int)MNL_ALIGN(mnl_attr_get_len(a));
		a = mnl_attr_next(a);
	}
	/* 1 to 3 bytes, or a header that does not fit: malformed; a negative
	 * rest is the padding the last attribute may lack */
	return left > 0 ? MNL_CB_ERROR : ret;
}

int vgw_rtnl_nl_attr_parse(const struct nlmsghdr *nlh, size_t hdr_len, mnl_attr_cb_t cb, void *data)
{
	size_t body = mnl_nlmsg_get_payload_len(nlh);
	size_t off = MNL_ALIGN(hdr_len);
	if (off > body)
		off = body;
	return vgw_rtnl_nl_attr_parse_payload((const uint8_t *)mnl_nlmsg_get_payload(nlh) + off,
					      body - off, cb, data);
}

/* ---- sending ------------------------------------------------------------- */

uint32_t vgw_rtnl_nl_next_seq(struct vgw_rtnl_nl_sock *s)
{
	if (++s->seq == 0)
		s->seq = 1; /* 0 is what notifications carry */
	return s->seq;
}

int vgw_rtnl_nl_send(struct vgw_rtnl_nl_sock *s, const void *msg, size_t len)
{
	if (s->send)
		return s->send(msg, len);
	if (!s->nl) {
		errno = EBADF;
		return -1;
	}
	return mnl_socket_sendto(s->nl, msg, len) < 0 ? -1 : 0;
}

/* ---- the dump ------------------------------------------------------------ */

void vgw_rtnl_nl_resync(struct vgw_rtnl_nl_sock *s)
{
	s->resync_wanted = true;
	s->retry_at = 0;
}

static void start_dump(struct vgw_rtnl_nl_sock *s)
{
	uint32_t req[64]; /* aligned for the headers; a dump request is < 64 bytes */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	s->ops->dump_request(nlh);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = vgw_rtnl_nl_next_seq(s);
	uint64_t now = vgw_rtnl_nl_now_ms();
	if (vgw_rtnl_nl_send(s, nlh, nlh->nlmsg_len) < 0) {
		s->ops->log("cannot request a %s: %s (retrying)", s->dump_name, strerror(errno));
		s->retry_at = now + 1000;
		return;
	}
		s->dump_seq = nlh->nlmsg_seq;
	s->resync_wanted = false;
	s->intr_seen = false;
	s->loading = true;
	s->last_dump_msg = now;
	s->ops->event(VGW_RTNL_NL_DUMP_SENT);
}

/* NLMSG_DONE of our dump, or an error answer to it. */
static void dump_over(struct vgw_rtnl_nl_sock *s, int error)
{
	uint64_t now = vgw_rtnl_nl_now_ms();
	s->loading = false;
	s->last_dump_msg = now;
	if (error && !(error == ENOENT && s->ops->missing_is_empty)) {
		/* EBUSY: a dump of ours still runs in the kernel */
		s->ops->log("%s failed: %s (retrying)", s->dump_name, strerror(error));
		s->resync_wanted = true;
		s->retry_at = now + (error == EBUSY ? 100 : 1000);
		return;
	}
	if (s->resync_wanted)
		return; /* notifications were lost meanwhile: again, then sweep */
	s->ops->event(VGW_RTNL_NL_DUMP_DONE);
}

static void overrun(struct vgw_rtnl_nl_sock *s)
{
	vgw_rtnl_nl_resync(s);
	s->ops->event(VGW_RTNL_NL_OVERRUN);
}

/* ---- receiving ----------------------------------------------------------- */

/* The int32 behind the header of NLMSG_DONE (the dump's error) or
 * NLMSG_ERROR (struct nlmsgerr), dflt when the message is too short. */
static int32_t first_i32(const struct nlmsghdr *h, int32_t dflt)
{
	int32_t v = dflt;
	if (mnl_nlmsg_get_payload_len(h) >= sizeof(v))
		memcpy(&v, mnl_nlmsg_get_payload(h), sizeof(v));
	return v;
}

/* One message of the datagram at s->buf + s->off. Returns false when the
 * datagram's framing is broken (the rest of it is dropped). */
static bool one_message(struct vgw_rtnl_nl_sock *s)
{
	const struct nlmsghdr *h = (const void *)(s->buf + s->off);
	size_t avail = s->len - s->off;
	size_t step = vgw_rtnl_nl_msg_step(h, avail);
	if (!step) {
		s->ops->message(h, avail, 0); /* counted by the owner: truncated */
		return false;
	}
	s->off += step;
	bool ours = s->loading && h->nlmsg_seq == s->dump_seq && h->nlmsg_seq != 0;
	if (ours)
		s->last_dump_msg = vgw_rtnl_nl_now_ms();
	switch (h->nlmsg_type) {
	case NLMSG_DONE:
		if (ours) {
			int32_t e = first_i32(h, 0);
			dump_over(s, e < 0 ? -e : 0);
		}
		return true;
	case NLMSG_ERROR: {
		int32_t e = first_i32(h, -EIO);
		int error = e < 0 ? -e : e;
		if (ours)
			dump_over(s, error ? error : EIO); /* an ack cannot end a dump */
		else if (s->ops->error)
			s->ops->error(h->nlmsg_seq, error);
		return true;
	}
	case NLMSG_NOOP:
	case NLMSG_OVERRUN:
		return true;
	}
	if (ours && (h->nlmsg_flags & NLM_F_DUMP_INTR) && !s->intr_seen) {
		s->intr_seen = true;
		s->ops->event(VGW_RTNL_NL_DUMP_INTR);
	}
	s->ops->message(h, h->nlmsg_len, h->nlmsg_seq);
	return true;
}

void vgw_rtnl_nl_input(struct vgw_rtnl_nl_sock *s, const void *buf, size_t len)
{
	if (!s->buf)
		s->buf = malloc(VGW_RTNL_NL_BUF_SIZE);
	if (!s->buf || len > VGW_RTNL_NL_BUF_SIZE)
		return;
	memcpy(s->buf, buf, len);
	s->len = len;
	s->off = 0;
	while (s->off < s->len && one_message(s))
		;
	s->len = s->off = 0;
}

/* Reads the next datagram into s->buf. Returns true, or false when there is
 * nothing to read or the receive failed (logged). Not mnl_socket_recvfrom:
 * it does not say who sent the datagram, and only the kernel may. */
static bool receive(struct vgw_rtnl_nl_sock *s)
{
	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov = {.iov_base = s->buf, .iov_len = VGW_RTNL_NL_BUF_SIZE};
		struct msghdr mh = {.msg_name = &from, .msg_namelen = sizeof(from),
				    .msg_iov = &iov, .msg_iovlen = 1};
		ssize_t n;
		do
			n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			int e = errno;
			if (e == EAGAIN || e == EWOULDBLOCK)
				return false;
			if (e == ENOBUFS) { /* the kernel dropped notifications */
				overrun(s);
				continue;
			}
			s->ops->event(VGW_RTNL_NL_RECV_ERROR);
			s->ops->log("netlink receive: %s", strerror(e));
			return false;
		}
		if (mh.msg_namelen != sizeof(from) || from.nl_pid != 0) {
			s->ops->event(VGW_RTNL_NL_FOREIGN); /* only the kernel speaks to us */
			continue;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			s->ops->event(VGW_RTNL_NL_RECV_ERROR);
			s->ops->log("netlink datagram larger than %u bytes dropped", VGW_RTNL_NL_BUF_SIZE);
			overrun(s); /* something was lost: resync */
			continue;
		}
		s->len = (size_t)n;
		s->off = 0;
		return true;
	}
}

void vgw_rtnl_nl_poll(struct vgw_rtnl_nl_sock *s, unsigned int budget, bool readable)
{
	if (!s->active)
		return;
	uint64_t now = vgw_rtnl_nl_now_ms();
	if (s->resync_wanted && !s->loading && now >= s->retry_at)
		start_dump(s);
	if (s->loading && now - s->last_dump_msg > VGW_RTNL_NL_DUMP_STALL_MS) {
		s->ops->log("%s stalled, asking again", s->dump_name);
		s->loading = false;
		s->resync_wanted = true;
	}
	bool more = readable && s->fd >= 0;
	while (budget > 0) {
		if (s->off >= s->len && (!more || !receive(s)))
			break;
		if (!one_message(s))
			s->len = s->off = 0;
		budget--;
	}
}

/* ---- opening ------------------------------------------------------------- */

/* What both openings share: the buffer, and the first dump wanted. */
static int start(struct vgw_rtnl_nl_sock *s)
{
	s->buf = s->buf ? s->buf : malloc(VGW_RTNL_NL_BUF_SIZE);
	if (!s->buf)
		return -1;
	s->active = true;
	s->loading = false;
	vgw_rtnl_nl_resync(s);
	return 0;
}

int vgw_rtnl_nl_test_open(struct vgw_rtnl_nl_sock *s, int (*send)(const void *msg, size_t len))
{
	vgw_rtnl_nl_close(s);
	s->send = send;
	return start(s);
}

int vgw_rtnl_nl_open(struct vgw_rtnl_nl_sock *s, unsigned int groups, bool strict, int rcvbuf,
		     const char *what, char *err)
{
	s->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!s->nl || start(s) < 0) {
		snprintf(err, VGW_ERR_LEN, "netlink socket%s: %s", what, strerror(errno));
		goto fail;
	}
	s->fd = mnl_socket_get_fd(s->nl);
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)); /* capped by rmem_max */
	socklen_t sl = sizeof(s->rcvbuf);
	getsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &s->rcvbuf, &sl);
	if (strict) {
		int one = 1;
		mnl_socket_setsockopt(s->nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	}
	if (mnl_socket_bind(s->nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, VGW_ERR_LEN, "netlink bind%s: %s", what, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	vgw_rtnl_nl_close(s);
	return -1;
}

void vgw_rtnl_nl_close(struct vgw_rtnl_nl_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	free(s->buf);
	const struct vgw_rtnl_nl_ops *ops = s->ops;
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->fd = -1;
}
