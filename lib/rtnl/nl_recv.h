/* Reading one datagram from a non-blocking netlink socket that only the
 * kernel may write to (the route and neighbour followers share it).
 * Contract: slow path; the caller owns the socket and the buffer and decides
 * what each outcome costs (counters, resync). */
#ifndef VGW_NL_RECV_H
#define VGW_NL_RECV_H

#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/netlink.h>

enum vgw_nl_recv {
	VGW_NL_DATA,    /* *len bytes in buf */
	VGW_NL_EMPTY,   /* nothing to read now */
	VGW_NL_OVERRUN, /* ENOBUFS: the kernel dropped notifications */
	VGW_NL_FOREIGN, /* not sent by the kernel (port id 0): dropped */
	VGW_NL_TRUNC,   /* larger than buf: dropped, so something was lost */
	VGW_NL_ERROR,   /* another receive error: errno says which */
};

static inline enum vgw_nl_recv vgw_nl_recv(int fd, void *buf, size_t cap, size_t *len)
{
	struct sockaddr_nl from;
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr mh = {.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			    .msg_iovlen = 1};
	ssize_t n;
	do
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? VGW_NL_EMPTY
		       : errno == ENOBUFS			  ? VGW_NL_OVERRUN
								  : VGW_NL_ERROR;
	if (mh.msg_namelen != sizeof(from) || from.nl_pid != 0)
		return VGW_NL_FOREIGN;
	if (mh.msg_flags & MSG_TRUNC)
		return VGW_NL_TRUNC;
	*len = (size_t)n;
	return VGW_NL_DATA;
}

#endif
