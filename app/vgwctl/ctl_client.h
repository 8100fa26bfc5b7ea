/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_client.h - client side of the vgwd control-socket protocol
 * (doc/interfaces.md, "Wire protocol on the control socket").
 *
 * Contract:
 *  - Request: one line `FLAGS WORD WORD...\n`, FLAGS is `t` (text) or `j`
 *    (JSON), at most CTL_REQUEST_MAX bytes including the '\n'.
 *    ctl_build_request() joins words with single spaces and refuses (without
 *    sending anything) a word containing '\n' or a line that would be longer
 *    than CTL_REQUEST_MAX.
 *  - Response: header `STATUS LENGTH\n` (STATUS `ok` or `err`, LENGTH decimal
 *    byte count) followed by exactly LENGTH bytes of body.
 *    ctl_read_response() reads exactly the header and LENGTH bytes (never
 *    more, so the connection can be reused for the next request), and
 *    returns the body in a malloc'd, NUL-terminated buffer.
 *  - A peer that closes the connection before or in the middle of a response
 *    is an error (CTL_ECLOSED / CTL_ETRUNC), never a hang; a malformed header
 *    is CTL_EPROTO; a LENGTH above CTL_BODY_MAX is CTL_ETOOBIG.
 *  - Optional inactivity timeout (ctl_set_timeout): a blocked send/recv that
 *    exceeds it fails with -ETIMEDOUT.
 *
 * All functions that can fail return 0 on success or a negative code: either
 * -errno (system error) or one of the CTL_E* codes below. ctl_strerror()
 * turns any such code into a message. No function prints anything, none
 * raises SIGPIPE (sends use MSG_NOSIGNAL). Plain libc, no DPDK.
 */
#ifndef VGW_CTL_CLIENT_H
#define VGW_CTL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

/* Largest request line, '\n' included (doc/interfaces.md). */
#define CTL_REQUEST_MAX 4096u
/* Longest accepted response header line, '\n' included ("err " + 20 digits + '\n' fits). */
#define CTL_HEADER_MAX 64u
/* Largest accepted response body; a larger LENGTH is treated as a protocol error. */
#define CTL_BODY_MAX ((size_t)1 << 30)
/* Default socket path. */
#define CTL_DEFAULT_SOCKET "/run/vgw/vgwd.sock"

/* Error codes beyond -errno (chosen far away from any errno value). */
enum {
	CTL_EPROTO   = -10001, /* malformed response header */
	CTL_ECLOSED  = -10002, /* peer closed the connection before a response */
	CTL_ETRUNC   = -10003, /* peer closed the connection in the middle of a response */
	CTL_ETOOBIG  = -10004, /* response LENGTH above CTL_BODY_MAX */
	CTL_ETOOLONG = -10005, /* request line above CTL_REQUEST_MAX */
	CTL_ENEWLINE = -10006, /* a word contains a newline */
	CTL_EINVAL   = -10007, /* invalid argument (NULL pointer, empty path, ...) */
	CTL_EPATH    = -10008, /* socket path does not fit in sockaddr_un */
};

enum ctl_status {
	CTL_STATUS_OK = 0,  /* header said `ok`  */
	CTL_STATUS_ERR = 1, /* header said `err` */
};

struct ctl_response {
	enum ctl_status status;
	char *body; /* malloc'd, len bytes + a terminating NUL; never NULL after success */
	size_t len; /* body length (the LENGTH of the header) */
};

/* Message for a code returned by any function below (never NULL). */
const char *ctl_strerror(int err);

/*
 * Connects a SOCK_STREAM UNIX socket to `path`. On success stores the
 * descriptor (close-on-exec) in *fd and returns 0.
 */
int ctl_connect(const char *path, int *fd);

/*
 * Sets an inactivity timeout of `ms` milliseconds on sends and receives of
 * `fd` (0 = wait forever). Returns 0 or -errno.
 */
int ctl_set_timeout(int fd, unsigned int ms);

/*
 * Builds the request line `F W1 W2 ...\n` (F = 'j' if json else 't') from
 * `nwords` words in a malloc'd buffer (*out, NUL-terminated, *out_len bytes
 * not counting the NUL). Fails with CTL_ENEWLINE if a word contains '\n',
 * CTL_ETOOLONG if the line would exceed CTL_REQUEST_MAX bytes, -ENOMEM.
 * On failure *out is left NULL.
 */
int ctl_build_request(bool json, size_t nwords, const char *const *words,
		      char **out, size_t *out_len);

/*
 * Sends `len` bytes of `req` completely (retrying on short writes and EINTR).
 * Validates that req is one line: ends with '\n', has no other '\n', and
 * len <= CTL_REQUEST_MAX.
 */
int ctl_send_request(int fd, const char *req, size_t len);

/*
 * Reads one response (header + body) from `fd`. On success fills *resp
 * (caller frees with ctl_response_free) and returns 0; on failure *resp is
 * left empty (body NULL) and nothing needs freeing.
 */
int ctl_read_response(int fd, struct ctl_response *resp);

/*
 * Sends `req` (see ctl_send_request) and reads the response. When the daemon
 * has already closed the connection, what it said before closing is still
 * read: vgwd refuses a client over its limit with an `err` response and a
 * close, possibly before the request is sent (doc/interfaces.md).
 */
int ctl_transact(int fd, const char *req, size_t len, struct ctl_response *resp);

/* Frees the body and resets *resp; safe on an empty or already freed response. */
void ctl_response_free(struct ctl_response *resp);

#endif /* VGW_CTL_CLIENT_H */
