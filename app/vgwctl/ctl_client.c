/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_client.c - framing of the vgwd control-socket protocol (client side).
 *
 * Contract: see ctl_client.h. In short: requests are one validated line of at
 * most CTL_REQUEST_MAX bytes sent completely with MSG_NOSIGNAL; responses are
 * read as a strictly parsed `ok|err LENGTH\n` header (read byte by byte so
 * that nothing after the response is consumed; a byte that cannot occur in
 * a header is rejected at once) followed by exactly LENGTH
 * body bytes in a buffer that grows as data arrives (a bogus LENGTH does not
 * cause a huge allocation up front). EOF at any point of a response is an
 * error; EINTR is retried; a receive/send timeout is reported as -ETIMEDOUT.
 */
#include "ctl_client.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/* First allocation for a body; grows by doubling up to LENGTH. */
#define CTL_BODY_CHUNK ((size_t)64 * 1024)

const char *ctl_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case CTL_EPROTO:
		return "protocol error: malformed response header";
	case CTL_ECLOSED:
		return "daemon closed the connection";
	case CTL_ETRUNC:
		return "daemon closed the connection in the middle of a response";
	case CTL_ETOOBIG:
		return "protocol error: response body too large";
	case CTL_ETOOLONG:
		return "request line too long (limit is 4096 bytes including the newline)";
	case CTL_ENEWLINE:
		return "a word contains a newline";
	case CTL_EINVAL:
		return "invalid argument";
	case CTL_EPATH:
		return "socket path too long";
	default:
		break;
	}
	if (err < 0 && err > -10000)
		return strerror(-err);
	return "unknown error";
}

/* errno after a failed send/recv, as a negative code (timeouts unified). */
static int sock_errno(void)
{
	int e = errno;

	if (e == EAGAIN || e == EWOULDBLOCK)
		return -ETIMEDOUT;
	return e > 0 ? -e : -EIO;
}

int ctl_connect(const char *path, int *fd)
{
	struct sockaddr_un sa;
	size_t plen;
	int s;

	if (path == NULL || fd == NULL || path[0] == '\0')
		return CTL_EINVAL;
	*fd = -1;
	plen = strlen(path);
	if (plen >= sizeof(sa.sun_path))
		return CTL_EPATH;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, plen + 1);

	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (const struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(s);
		return -e;
	}
	*fd = s;
	return 0;
}

int ctl_set_timeout(int fd, unsigned int ms)
{
	struct timeval tv;

	if (fd < 0)
		return CTL_EINVAL;
	tv.tv_sec = (time_t)(ms / 1000u);
	tv.tv_usec = (suseconds_t)((ms % 1000u) * 1000u);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		return -errno;
	return 0;
}

int ctl_build_request(bool json, size_t nwords, const char *const *words,
		      char **out, size_t *out_len)
{
	size_t total, i, pos;
	char *buf;

	if (out == NULL || out_len == NULL)
		return CTL_EINVAL;
	*out = NULL;
	*out_len = 0;
	if (nwords == 0 || words == NULL)
		return CTL_EINVAL;

	/* "F" + for each word " WORD" + "\n"; stop counting once over the limit. */
	total = 2;
	for (i = 0; i < nwords; i++) {
		size_t wl;

		if (words[i] == NULL)
			return CTL_EINVAL;
		wl = strlen(words[i]);
		if (memchr(words[i], '\n', wl) != NULL)
			return CTL_ENEWLINE;
		if (total <= CTL_REQUEST_MAX) {
			if (wl > CTL_REQUEST_MAX)
				total = CTL_REQUEST_MAX + 1;
			else
				total += 1 + wl;
		}
	}
	if (total > CTL_REQUEST_MAX)
		return CTL_ETOOLONG;

	buf = malloc(total + 1);
	if (buf == NULL)
		return -ENOMEM;
	pos = 0;
	buf[pos++] = json ? 'j' : 't';
	for (i = 0; i < nwords; i++) {
		size_t wl = strlen(words[i]);

		buf[pos++] = ' ';
		memcpy(buf + pos, words[i], wl);
		pos += wl;
	}
	buf[pos++] = '\n';
	buf[pos] = '\0';
	*out = buf;
	*out_len = pos;
	return 0;
}

int ctl_send_request(int fd, const char *req, size_t len)
{
	size_t off = 0;

	if (fd < 0 || req == NULL || len < 3)
		return CTL_EINVAL;
	if (len > CTL_REQUEST_MAX)
		return CTL_ETOOLONG;
	if ((req[0] != 't' && req[0] != 'j') || req[1] != ' ')
		return CTL_EINVAL;
	if (req[len - 1] != '\n')
		return CTL_EINVAL;
	if (memchr(req, '\n', len - 1) != NULL)
		return CTL_ENEWLINE;

	while (off < len) {
		ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE || errno == ECONNRESET)
				return CTL_ECLOSED;
			return sock_errno();
		}
		off += (size_t)n;
	}
	return 0;
}

/* recv() retrying EINTR: >0 bytes, 0 on EOF, <0 error code. */
static ssize_t recv_some(int fd, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = recv(fd, buf, len, 0);

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno == ECONNRESET)
			return 0; /* treated like EOF by the callers */
		return sock_errno();
	}
}

/*
 * Reads the header line byte by byte (so nothing past it is consumed);
 * returns its length without '\n' (stored NUL-terminated in hdr) or an
 * error code.
 */
static int read_header(int fd, char *hdr, size_t cap)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = recv_some(fd, &c, 1);

		if (r < 0)
			return (int)r;
		if (r == 0)
			return n == 0 ? CTL_ECLOSED : CTL_ETRUNC;
		if (c == '\n') {
			hdr[n] = '\0';
			return (int)n;
		}
		/* Only "ok", "err", ' ' and digits can appear: reject anything
		 * else at once rather than waiting for a '\n' that may never come. */
		if (!((c >= '0' && c <= '9') || c == ' ' || c == 'o' || c == 'k' ||
		      c == 'e' || c == 'r'))
			return CTL_EPROTO;
		if (n + 1 >= cap) /* no room left for this byte + the NUL */
			return CTL_EPROTO;
		hdr[n++] = c;
	}
}

/* Parses "ok N" / "err N" strictly: one space, 1+ decimal digits, nothing else. */
static int parse_header(const char *hdr, size_t hlen, enum ctl_status *status,
			size_t *len)
{
	const char *p;
	uint64_t v = 0;
	bool too_big = false;

	if (hlen >= 3 && memcmp(hdr, "ok ", 3) == 0) {
		*status = CTL_STATUS_OK;
		p = hdr + 3;
	} else if (hlen >= 4 && memcmp(hdr, "err ", 4) == 0) {
		*status = CTL_STATUS_ERR;
		p = hdr + 4;
	} else {
		return CTL_EPROTO;
	}
	if (p == hdr + hlen)
		return CTL_EPROTO; /* no digits */
	for (; p < hdr + hlen; p++) {
		if (*p < '0' || *p > '9')
			return CTL_EPROTO;
		if (!too_big) {
			v = v * 10u + (uint64_t)(*p - '0');
			if (v > (uint64_t)CTL_BODY_MAX)
				too_big = true;
		}
	}
	if (too_big)
		return CTL_ETOOBIG;
	*len = (size_t)v;
	return 0;
}

int ctl_read_response(int fd, struct ctl_response *resp)
{
	char hdr[CTL_HEADER_MAX];
	enum ctl_status status;
	size_t len = 0, got = 0, cap;
	char *buf;
	int rc;

	if (resp == NULL)
		return CTL_EINVAL;
	resp->status = CTL_STATUS_ERR;
	resp->body = NULL;
	resp->len = 0;
	if (fd < 0)
		return CTL_EINVAL;

	rc = read_header(fd, hdr, sizeof(hdr));
	if (rc < 0)
		return rc;
	rc = parse_header(hdr, (size_t)rc, &status, &len);
	if (rc < 0)
		return rc;

	cap = len < CTL_BODY_CHUNK ? len : CTL_BODY_CHUNK;
	buf = malloc(cap + 1);
	if (buf == NULL)
		return -ENOMEM;
	while (got < len) {
		ssize_t r;

		if (got == cap) {
			size_t ncap = cap > len / 2 ? len : cap * 2;
			char *nbuf = realloc(buf, ncap + 1);

			if (nbuf == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
			cap = ncap;
		}
		r = recv_some(fd, buf + got, cap - got);
		if (r <= 0) {
			free(buf);
			return r == 0 ? CTL_ETRUNC : (int)r;
		}
		got += (size_t)r;
	}
	buf[len] = '\0';
	resp->status = status;
	resp->body = buf;
	resp->len = len;
	return 0;
}

int ctl_transact(int fd, const char *req, size_t len, struct ctl_response *resp)
{
	int rc;

	if (resp != NULL) {
		resp->status = CTL_STATUS_ERR;
		resp->body = NULL;
		resp->len = 0;
	}
	rc = ctl_send_request(fd, req, len);
	if (rc == CTL_ECLOSED) {
		/* a refusal (or goodbye) may wait in the receive queue */
		int r = ctl_read_response(fd, resp);

		return r == 0 ? 0 : CTL_ECLOSED;
	}
	if (rc < 0)
		return rc;
	return ctl_read_response(fd, resp);
}

void ctl_response_free(struct ctl_response *resp)
{
	if (resp == NULL)
		return;
	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
	resp->status = CTL_STATUS_ERR;
}
