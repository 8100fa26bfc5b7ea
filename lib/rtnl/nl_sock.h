/* Following a kernel table over NETLINK_ROUTE: what the route follower
 * (rtnl_follow.c) and the neighbour follower (neigh_follow.c) share. Slow
 * path only; each follower owns one struct vgw_rtnl_nl_sock and says through its
 * ops what the messages mean.
 *
 * Why one module: both followers read a non-blocking socket that only the
 * kernel may write to, a bounded number of messages per slow-path turn, and
 * keep their copy right the same way — a dump on the same socket as the
 * notifications (so answers and notifications arrive in the kernel's order),
 * mark and sweep when NLMSG_DONE arrives, a new dump after an overrun.
 * Framing, the receive loop and that state machine live here once; libmnl
 * does the socket calls, the message walk and the attribute access.
 *
 * The socket: mnl_socket_open2(NETLINK_ROUTE, non-blocking), a receive
 * buffer of rcvbuf bytes (SO_RCVBUFFORCE, else SO_RCVBUF capped by
 * rmem_max), bound to the owner's groups (RTMGRP_* bits).
 * Only datagrams whose sender port id is 0 (the kernel) are read; others
 * are counted (VGW_RTNL_NL_FOREIGN) and dropped.
 *
 * The dump: wanted at start, after an overrun (ENOBUFS, or a datagram larger
 * than the buffer: notifications were lost) and when the owner asks
 * (vgw_rtnl_nl_resync). vgw_rtnl_nl_poll() sends it when wanted (again 1 s after a
 * send failure), and asks again when no answer came for 10 s. Messages
 * carrying its sequence number answer it; its NLMSG_DONE (or an error
 * answer) ends it. If notifications were lost while it ran, it is not
 * trusted: a new one follows and only that one sweeps. An error answer makes
 * it retried (100 ms after EBUSY, a dump of ours still running in the
 * kernel; else 1 s), except ENOENT where missing_is_empty says the table
 * simply does not exist yet.
 *
 * Framing of a datagram: messages at NLMSG_ALIGN steps; a message whose
 * length field is short or runs past the datagram ends it (the rest is
 * handed to ops->message as one broken message, so that the owner counts it
 * as truncated). */
#ifndef VGW_RTNL_NL_SOCK_H
#define VGW_RTNL_NL_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#define VGW_RTNL_NL_BUF_SIZE (64u << 10) /* above the largest dump datagram (32 KiB) */
#define VGW_RTNL_NL_DUMP_STALL_MS 10000  /* no answer to a dump for this long: ask again */

/* What the module tells its owner, as it happens. The owner counts what
 * it wants to and does the rest. */
enum vgw_rtnl_nl_event {
	VGW_RTNL_NL_DUMP_SENT,  /* a dump request went out: mark what it must confirm */
	VGW_RTNL_NL_DUMP_DONE,  /* the dump ended and nothing was lost meanwhile: sweep */
	VGW_RTNL_NL_OVERRUN,    /* notifications were lost, a new dump is wanted: log it */
	VGW_RTNL_NL_FOREIGN,    /* a datagram not from the kernel, dropped */
	VGW_RTNL_NL_RECV_ERROR, /* a receive failed, or a datagram was too large (logged) */
	VGW_RTNL_NL_DUMP_INTR,  /* the dump was flagged NLM_F_DUMP_INTR (once per dump):
			    * the table changed meanwhile, the notifications of the
			    * changes follow, so the result is still right */
	VGW_RTNL_NL_EVENT_MAX
};

struct nlmsghdr;

/* The follower's side. Every hook is required unless said otherwise. */
struct vgw_rtnl_nl_ops {
	/* Fills the dump request behind its header: type, family header,
	 * filters (flags and sequence number are the module's). */
	void (*dump_request)(struct nlmsghdr *nlh);
	/* A message other than NLMSG_DONE / ERROR / NOOP / OVERRUN, len its
	 * length field and seq its sequence number; or the broken tail of a
	 * datagram, len the bytes left and seq 0. */
	void (*message)(const void *msg, size_t len, uint32_t seq);
	/* An NLMSG_ERROR that answers no dump: error is positive (0 for an
	 * ack). NULL: ignored. */
	void (*error)(uint32_t seq, int error);
	void (*event)(enum vgw_rtnl_nl_event e);
	/* The owner's rate-limited log. */
	void (*log)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
	bool missing_is_empty; /* ENOENT answering the dump: an empty table */
};

/* One follower's socket and dump state. Zero it with .fd = -1 and ops set
 * before first use (vgw_rtnl_nl_close() leaves it so). */
struct vgw_rtnl_nl_sock {
	const struct vgw_rtnl_nl_ops *ops;
	struct mnl_socket *nl;
	int fd; /* -1 without a socket */
	/* replaces the socket for what is sent (unit tests); NULL: the socket */
	int (*send)(const void *msg, size_t len);
	bool active; /* opened (with or without a socket) */
	uint8_t *buf;
	size_t len, off; /* the datagram being applied */
	uint32_t seq;    /* last sequence number used (dumps and the owner's requests) */
	uint32_t dump_seq;
	bool loading;    /* a dump runs */
	bool resync_wanted, intr_seen;
	uint64_t retry_at, last_dump_msg; /* ms, vgw_rtnl_nl_now_ms() */
	int rcvbuf;                       /* what the kernel granted */
	char dump_name[32]; /* "dump", "dump of table 100": for the log lines */
};

/* Opens the socket, bound to groups (RTMGRP_* bits), and wants the first
 * dump (the next vgw_rtnl_nl_poll sends it). strict: NETLINK_GET_STRICT_CHK (lets
 * the kernel filter a dump; harmless where unsupported). what: appended to
 * the socket and bind error texts ("" or " (neighbours)"). Returns 0, or -1
 * with err and s closed. The owner then names the dump in s->dump_name. */
int vgw_rtnl_nl_open(struct vgw_rtnl_nl_sock *s, unsigned int groups, bool strict, int rcvbuf,
		     const char *what, char *err);
/* The same without a socket, sending through send (unit tests). */
int vgw_rtnl_nl_test_open(struct vgw_rtnl_nl_sock *s, int (*send)(const void *msg, size_t len));
void vgw_rtnl_nl_close(struct vgw_rtnl_nl_sock *s);

/* One slow-path turn: sends a wanted dump, gives up on a stalled one, then
 * applies at most budget messages, reading more datagrams only if readable
 * (epoll saw the fd ready). */
void vgw_rtnl_nl_poll(struct vgw_rtnl_nl_sock *s, unsigned int budget, bool readable);
/* Applies a datagram as if read from the socket (unit tests). */
void vgw_rtnl_nl_input(struct vgw_rtnl_nl_sock *s, const void *buf, size_t len);
/* Wants a dump now. */
void vgw_rtnl_nl_resync(struct vgw_rtnl_nl_sock *s);

/* A sequence number for a request of the owner's, never 0 (what
 * notifications carry). */
uint32_t vgw_rtnl_nl_next_seq(struct vgw_rtnl_nl_sock *s);
/* Sends one message: 0, or -1 with errno. */
int vgw_rtnl_nl_send(struct vgw_rtnl_nl_sock *s, const void *msg, size_t len);

uint64_t vgw_rtnl_nl_now_ms(void);

/* ---- Pure helpers (no state): also for the parsers and the fuzz targets.
 * They are safe on arbitrary bytes; msg must be 4-byte aligned, as every
 * netlink buffer is (libmnl reads the headers in place). */

/* The bytes from msg to the next message: 0 when msg's header does not fit
 * in avail or its length field is short or runs past avail; else
 * NLMSG_ALIGN(length), or avail when the last message lacks its padding. */
size_t vgw_rtnl_nl_msg_step(const void *msg, size_t avail);

/* Walks the attributes of nlh after its family header of hdr_len bytes (up
 * to nlmsg_len, which the caller checked against the bytes it has), calling
 * cb for each as mnl_attr_parse does. Unlike mnl_attr_parse (which walks to
 * the aligned tail and stops quietly at a broken attribute) it returns
 * MNL_CB_ERROR when an attribute header is short or runs past the end, or
 * bytes are left that hold no attribute; else cb's last result. */
int vgw_rtnl_nl_attr_parse(const struct nlmsghdr *nlh, size_t hdr_len, mnl_attr_cb_t cb,
			   void *data);
/* The same over a payload of len bytes (nested attributes). */
int vgw_rtnl_nl_attr_parse_payload(const void *payload, size_t len, mnl_attr_cb_t cb, void *data);

#endif
