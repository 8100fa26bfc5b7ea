/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ctl_client.c - CUnit tests of the vgwctl framing code
 * (app/vgwctl/ctl_client.c, protocol in doc/interfaces.md).
 *
 * Contract: exits 0 when every test passes, 1 otherwise; needs no daemon,
 * no privileges and no network (socketpair()s and one UNIX socket in a
 * mkdtemp() directory under $TMPDIR or /tmp, removed at the end). Each
 * "server" is a thread that reads the request line and answers with canned
 * bytes, optionally in several pieces with pauses (split reads), then either
 * closes or waits for the client to close. Every client socket gets a
 * 5 s timeout and the process an alarm(), so a framing bug shows up as a
 * failure instead of a hang.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include "ctl_client.h"

#define CLIENT_TIMEOUT_MS 5000u
#define WATCHDOG_S 120u

/* ------------------------------------------------------------------------ */
/* Canned-response server thread on one end of a socketpair.                */

struct chunk {
	const char *p;
	size_t len;
};

struct server {
	int fd;                    /* server end */
	const struct chunk *chunks;
	size_t nchunks;
	unsigned int delay_us;     /* pause before each chunk (forces split reads) */
	bool read_request;         /* read one request line before answering */
	bool close_after;          /* close right after the last chunk, else wait for EOF */
	char req[CTL_REQUEST_MAX + 2];
	size_t req_len;
	pthread_t th;
};

static void sleep_us(unsigned int us)
{
	struct timespec ts = { .tv_sec = us / 1000000u, .tv_nsec = (long)(us % 1000000u) * 1000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Reads one line (up to '\n' included) byte by byte; returns its length. */
static size_t read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		char c;
		ssize_t r = recv(fd, &c, 1, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		buf[n++] = c;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	return n;
}

static void send_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void drain_until_eof(int fd)
{
	char buf[256];

	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
	}
}

static void *server_main(void *arg)
{
	struct server *s = arg;

	if (s->read_request)
		s->req_len = read_line(s->fd, s->req, sizeof(s->req));
	for (size_t i = 0; i < s->nchunks; i++) {
		if (s->delay_us)
			sleep_us(s->delay_us);
		send_all(s->fd, s->chunks[i].p, s->chunks[i].len);
	}
	if (!s->close_after)
		drain_until_eof(s->fd);
	close(s->fd);
	s->fd = -1;
	return NULL;
}

/*
 * Starts a server answering with `chunks`; returns the client end (with the
 * safety timeout set) or -1.
 */
static int server_start(struct server *s, const struct chunk *chunks, size_t nchunks,
			unsigned int delay_us, bool read_request, bool close_after)
{
	int sv[2];

	memset(s, 0, sizeof(*s));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	s->fd = sv[1];
	s->chunks = chunks;
	s->nchunks = nchunks;
	s->delay_us = delay_us;
	s->read_request = read_request;
	s->close_after = close_after;
	if (pthread_create(&s->th, NULL, server_main, s) != 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (ctl_set_timeout(sv[0], CLIENT_TIMEOUT_MS) != 0) {
		close(sv[0]);
		pthread_join(s->th, NULL);
		return -1;
	}
	return sv[0];
}

/* Closes the client end (unblocks a draining server) and joins the thread. */
static void server_stop(struct server *s, int client_fd)
{
	if (client_fd >= 0)
		close(client_fd);
	pthread_join(s->th, NULL);
}

#define CH(str) { (str), sizeof(str) - 1 }

/*
 * Sends "t show version\n", has the server answer with `chunks`, and returns
 * ctl_transact's code; *resp holds the response. Checks the server got the
 * request intact.
 */
static int run_canned(const struct chunk *chunks, size_t nchunks, unsigned int delay_us,
		      bool close_after, struct ctl_response *resp)
{
	static const char req[] = "t show version\n";
	struct server s;
	int fd, rc;

	fd = server_start(&s, chunks, nchunks, delay_us, true, close_after);
	CU_ASSERT_FATAL(fd >= 0);
	rc = ctl_transact(fd, req, sizeof(req) - 1, resp);
	server_stop(&s, fd);
	CU_ASSERT_EQUAL(s.req_len, sizeof(req) - 1);
	CU_ASSERT_STRING_EQUAL(s.req, req);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Request building and validation.                                         */

static void test_build_basic(void)
{
	const char *w[] = { "route", "add", "10.0.0.0/24", "via", "192.0.2.1" };
	char *req = NULL;
	size_t len = 0;

	CU_ASSERT_EQUAL(ctl_build_request(false, 5, w, &req, &len), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	CU_ASSERT_STRING_EQUAL(req, "t route add 10.0.0.0/24 via 192.0.2.1\n");
	CU_ASSERT_EQUAL(len, strlen(req));
	free(req);

	CU_ASSERT_EQUAL(ctl_build_request(true, 2, w, &req, &len), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	CU_ASSERT_STRING_EQUAL(req, "j route add\n");
	CU_ASSERT_EQUAL(len, 12);
	free(req);

	/* A word may contain blanks: joined verbatim with single spaces. */
	const char *w2[] = { "show route" };
	CU_ASSERT_EQUAL(ctl_build_request(false, 1, w2, &req, &len), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	CU_ASSERT_STRING_EQUAL(req, "t show route\n");
	free(req);
}

static void test_build_refusals(void)
{
	const char *nl[] = { "show", "ro\nute" };
	const char *nl_end[] = { "show\n" };
	char *req = (char *)1;
	size_t len = 99;

	CU_ASSERT_EQUAL(ctl_build_request(false, 2, nl, &req, &len), CTL_ENEWLINE);
	CU_ASSERT_PTR_NULL(req);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_EQUAL(ctl_build_request(false, 1, nl_end, &req, &len), CTL_ENEWLINE);
	CU_ASSERT_EQUAL(ctl_build_request(false, 0, nl, &req, &len), CTL_EINVAL);
	CU_ASSERT_EQUAL(ctl_build_request(false, 1, NULL, &req, &len), CTL_EINVAL);
	CU_ASSERT_EQUAL(ctl_build_request(false, 1, nl, NULL, &len), CTL_EINVAL);
	CU_ASSERT_EQUAL(ctl_build_request(false, 1, nl, &req, NULL), CTL_EINVAL);
	const char *with_null[] = { "show", NULL };
	CU_ASSERT_EQUAL(ctl_build_request(false, 2, with_null, &req, &len), CTL_EINVAL);
}

static void test_build_length_limit(void)
{
	/* "t " + word + "\n": word of 4093 bytes gives exactly 4096. */
	size_t big = 3 * CTL_REQUEST_MAX;
	char *word = malloc(big + 1);
	char *req = NULL;
	size_t len = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(word);
	memset(word, 'a', big);

	word[CTL_REQUEST_MAX - 3] = '\0';
	const char *w1[] = { word };
	CU_ASSERT_EQUAL(ctl_build_request(false, 1, w1, &req, &len), 0);
	CU_ASSERT_EQUAL(len, CTL_REQUEST_MAX);
	CU_ASSERT_PTR_NOT_NULL(req);
	if (req != NULL) {
		CU_ASSERT_EQUAL(req[len - 1], '\n');
		CU_ASSERT_EQUAL(req[len], '\0');
		CU_ASSERT_EQUAL(strlen(req), len);
	}
	free(req);
	req = NULL;

	word[CTL_REQUEST_MAX - 3] = 'a';
	word[CTL_REQUEST_MAX - 2] = '\0'; /* one byte over */
	CU_ASSERT_EQUAL(ctl_build_request(false, 1, w1, &req, &len), CTL_ETOOLONG);
	CU_ASSERT_PTR_NULL(req);

	word[CTL_REQUEST_MAX - 2] = 'a';
	word[big] = '\0'; /* far over */
	CU_ASSERT_EQUAL(ctl_build_request(true, 1, w1, &req, &len), CTL_ETOOLONG);

	/* Many words: spaces count too. 2048 one-byte words = 2 + 2048*2 > 4096. */
	const char **many = calloc(2048, sizeof(*many));
	CU_ASSERT_PTR_NOT_NULL_FATAL(many);
	for (size_t i = 0; i < 2048; i++)
		many[i] = "x";
	CU_ASSERT_EQUAL(ctl_build_request(false, 2048, many, &req, &len), CTL_ETOOLONG);
	/* 2047 words: 2 + 2047*2 - 1 + 1 = 4096 exactly ("t" + " x"*2047 + "\n"). */
	CU_ASSERT_EQUAL(ctl_build_request(false, 2047, many, &req, &len), 0);
	CU_ASSERT_EQUAL(len, CTL_REQUEST_MAX);
	free(req);
	free(many);
	free(word);
}

static void test_send_validation(void)
{
	int sv[2];
	char *big;

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CU_ASSERT_EQUAL(ctl_send_request(sv[0], "t show", 6), CTL_EINVAL); /* no '\n' */
	CU_ASSERT_EQUAL(ctl_send_request(sv[0], "t a\nb\n", 6), CTL_ENEWLINE);
	CU_ASSERT_EQUAL(ctl_send_request(sv[0], "x show\n", 7), CTL_EINVAL);
	CU_ASSERT_EQUAL(ctl_send_request(sv[0], "t\n", 2), CTL_EINVAL);
	CU_ASSERT_EQUAL(ctl_send_request(sv[0], NULL, 5), CTL_EINVAL);
	CU_ASSERT_EQUAL(ctl_send_request(-1, "t show\n", 7), CTL_EINVAL);

	big = malloc(CTL_REQUEST_MAX + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'a', CTL_REQUEST_MAX + 1);
	big[0] = 't';
	big[1] = ' ';
	big[CTL_REQUEST_MAX] = '\n';
	CU_ASSERT_EQUAL(ctl_send_request(sv[0], big, CTL_REQUEST_MAX + 1), CTL_ETOOLONG);
	free(big);

	/* Nothing was written by the refused calls. */
	char c;
	CU_ASSERT_EQUAL(recv(sv[1], &c, 1, MSG_DONTWAIT), -1);

	/* A valid one arrives intact. */
	CU_ASSERT_EQUAL(ctl_send_request(sv[0], "j show port\n", 12), 0);
	char buf[32];
	CU_ASSERT_EQUAL(recv(sv[1], buf, sizeof(buf), 0), 12);
	CU_ASSERT_EQUAL(memcmp(buf, "j show port\n", 12), 0);
	close(sv[0]);
	close(sv[1]);
}

static void test_send_to_closed_peer(void)
{
	int sv[2];

	/* Must fail cleanly, not kill the process with SIGPIPE. */
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	close(sv[1]);
	CU_ASSERT_EQUAL(ctl_send_request(sv[0], "t show version\n", 15), CTL_ECLOSED);
	close(sv[0]);
}

/* A daemon that answers and closes before the request is sent (vgwd refusing
 * a client over its limit): the answer is read, not lost to EPIPE. */
static void test_answer_before_request(void)
{
	static const char refusal[] = "err 35\ntoo many control clients (128 busy)";
	struct ctl_response r;
	int sv[2];

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CU_ASSERT_FATAL(send(sv[1], refusal, sizeof(refusal) - 1, 0) == (ssize_t)(sizeof(refusal) - 1));
	close(sv[1]);
	CU_ASSERT_EQUAL(ctl_transact(sv[0], "t show version\n", 15, &r), 0);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_ERR);
	CU_ASSERT_EQUAL(r.len, 35u);
	CU_ASSERT(r.body != NULL && strcmp(r.body, "too many control clients (128 busy)") == 0);
	ctl_response_free(&r);
	close(sv[0]);

	/* closed without a word: still "daemon closed the connection" */
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	close(sv[1]);
	CU_ASSERT_EQUAL(ctl_transact(sv[0], "t show version\n", 15, &r), CTL_ECLOSED);
	CU_ASSERT(r.body == NULL);
	close(sv[0]);
}

/* ------------------------------------------------------------------------ */
/* Responses.                                                               */

static void test_ok_response(void)
{
	static const struct chunk c[] = { CH("ok 12\nvgw 0.1.0\nxx") };
	struct ctl_response r;

	CU_ASSERT_EQUAL(run_canned(c, 1, 0, false, &r), 0);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_OK);
	CU_ASSERT_EQUAL(r.len, 12);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.body);
	CU_ASSERT_EQUAL(memcmp(r.body, "vgw 0.1.0\nxx", 12), 0);
	CU_ASSERT_EQUAL(r.body[12], '\0');
	ctl_response_free(&r);
	CU_ASSERT_PTR_NULL(r.body);
	ctl_response_free(&r); /* idempotent */
}

static void test_err_response(void)
{
	static const struct chunk c[] = { CH("err 14\nno such route\n") };
	struct ctl_response r;

	CU_ASSERT_EQUAL(run_canned(c, 1, 0, true, &r), 0);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_ERR);
	CU_ASSERT_EQUAL(r.len, 14);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.body);
	CU_ASSERT_STRING_EQUAL(r.body, "no such route\n");
	ctl_response_free(&r);
}

static void test_empty_body(void)
{
	static const struct chunk c[] = { CH("ok 0\n") };
	struct ctl_response r;

	CU_ASSERT_EQUAL(run_canned(c, 1, 0, false, &r), 0);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_OK);
	CU_ASSERT_EQUAL(r.len, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.body);
	CU_ASSERT_STRING_EQUAL(r.body, "");
	ctl_response_free(&r);

	/* Leading zeros are still a decimal number. */
	static const struct chunk c2[] = { CH("err 003\nbad") };
	CU_ASSERT_EQUAL(run_canned(c2, 1, 0, false, &r), 0);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_ERR);
	CU_ASSERT_EQUAL(r.len, 3);
	CU_ASSERT_STRING_EQUAL(r.body, "bad");
	ctl_response_free(&r);
}

static void test_body_with_nul(void)
{
	static const struct chunk c[] = { { "ok 5\na\0b\0c", 10 } };
	struct ctl_response r;

	CU_ASSERT_EQUAL(run_canned(c, 1, 0, false, &r), 0);
	CU_ASSERT_EQUAL(r.len, 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.body);
	CU_ASSERT_EQUAL(memcmp(r.body, "a\0b\0c", 5), 0);
	ctl_response_free(&r);
}

static void test_split_reads(void)
{
	/* Header split inside STATUS, inside LENGTH, and at the '\n'; body in pieces. */
	static const struct chunk c[] = {
		CH("o"), CH("k 2"), CH("6"), CH("\nabc"), CH("defghijklm"),
		CH("nopqrstuv"), CH("w"), CH("xyz"),
	};
	struct ctl_response r;

	CU_ASSERT_EQUAL(run_canned(c, sizeof(c) / sizeof(c[0]), 20000, false, &r), 0);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_OK);
	CU_ASSERT_EQUAL(r.len, 26);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.body);
	CU_ASSERT_STRING_EQUAL(r.body, "abcdefghijklmnopqrstuvwxyz");
	ctl_response_free(&r);
}

static void test_split_bytewise(void)
{
	static const char resp[] = "err 9\nbad word\n";
	struct chunk c[sizeof(resp) - 1];
	struct ctl_response r;

	for (size_t i = 0; i < sizeof(resp) - 1; i++) {
		c[i].p = resp + i;
		c[i].len = 1;
	}
	CU_ASSERT_EQUAL(run_canned(c, sizeof(resp) - 1, 2000, false, &r), 0);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_ERR);
	CU_ASSERT_EQUAL(r.len, 9);
	CU_ASSERT_STRING_EQUAL(r.body, "bad word\n");
	ctl_response_free(&r);
}

/* Builds "ok N\n" + N pattern bytes sent in odd-sized chunks; checks every byte. */
static void check_large_body(size_t n, size_t piece, unsigned int delay_us)
{
	char hdr[32];
	char *body = malloc(n);
	size_t nch = 1 + (n + piece - 1) / piece;
	struct chunk *c = calloc(nch, sizeof(*c));
	struct ctl_response r;
	size_t i, k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	for (i = 0; i < n; i++)
		body[i] = (char)('A' + (i * 7 + i / 251) % 26);
	snprintf(hdr, sizeof(hdr), "ok %zu\n", n);
	c[0].p = hdr;
	c[0].len = strlen(hdr);
	for (i = 0, k = 1; i < n; i += piece, k++) {
		c[k].p = body + i;
		c[k].len = n - i < piece ? n - i : piece;
	}
	CU_ASSERT_EQUAL(run_canned(c, k, delay_us, true, &r), 0);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_OK);
	CU_ASSERT_EQUAL(r.len, n);
	CU_ASSERT_PTR_NOT_NULL(r.body);
	if (r.body != NULL && r.len == n) {
		CU_ASSERT_EQUAL(memcmp(r.body, body, n), 0);
		CU_ASSERT_EQUAL(r.body[n], '\0');
	}
	ctl_response_free(&r);
	free(c);
	free(body);
}

static void test_large_body(void)
{
	check_large_body(64 * 1024, 65536, 0);        /* exactly the first chunk */
	check_large_body(64 * 1024 + 1, 4096, 0);     /* one byte into the realloc */
	check_large_body(300 * 1024 + 17, 7001, 0);   /* several reallocs */
	check_large_body(5 * 1024 * 1024 + 3, 1 << 20, 1000); /* 5 MiB in 1 MiB writes */
}

static void test_close_mid_body(void)
{
	static const struct chunk c[] = { CH("ok 100\n"), CH("only part of it") };
	struct ctl_response r;

	CU_ASSERT_EQUAL(run_canned(c, 2, 10000, true, &r), CTL_ETRUNC);
	CU_ASSERT_PTR_NULL(r.body);
	CU_ASSERT_EQUAL(r.len, 0);
	ctl_response_free(&r);

	/* Large announced body, connection closed after 70 000 bytes. */
	char *part = malloc(70000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(part);
	memset(part, 'z', 70000);
	struct chunk c2[] = { CH("ok 1000000\n"), { part, 70000 } };
	CU_ASSERT_EQUAL(run_canned(c2, 2, 0, true, &r), CTL_ETRUNC);
	CU_ASSERT_PTR_NULL(r.body);
	free(part);
}

static void test_close_mid_header(void)
{
	static const struct chunk c[] = { CH("ok 1") };
	struct ctl_response r;

	CU_ASSERT_EQUAL(run_canned(c, 1, 0, true, &r), CTL_ETRUNC);
	CU_ASSERT_PTR_NULL(r.body);
}

static void test_close_before_response(void)
{
	struct ctl_response r;

	CU_ASSERT_EQUAL(run_canned(NULL, 0, 0, true, &r), CTL_ECLOSED);
	CU_ASSERT_PTR_NULL(r.body);
}

static void test_malformed_headers(void)
{
	static const char *const bad[] = {
		"OK 5\nhello",   /* status is case-sensitive */
		"ok\n",          /* no length */
		"ok \n",         /* empty length */
		"ok  5\nhello",  /* two spaces */
		"ok 5 \nhello",  /* trailing space */
		"ok -1\n",       /* sign */
		"ok +1\nx",      /* sign */
		"ok 5x\nhello",  /* junk after digits */
		"ok 0x10\n",     /* not decimal */
		"ok 5\r\nhello", /* CR */
		"yes 5\nhello",  /* unknown status */
		"error 5\nhello",
		"\n",            /* empty header */
		"ok\t5\nhello",  /* tab */
	};
	struct ctl_response r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct chunk c = { bad[i], strlen(bad[i]) };
		int rc = run_canned(&c, 1, 0, false, &r);

		if (rc != CTL_EPROTO)
			fprintf(stderr, "\n  header %zu (%s): got %d\n", i, bad[i], rc);
		CU_ASSERT_EQUAL(rc, CTL_EPROTO);
		CU_ASSERT_PTR_NULL(r.body);
	}

	/* NUL inside the header. */
	struct chunk cn = { "ok\0005\nhello", sizeof("ok\0005\nhello") - 1 };
	CU_ASSERT_EQUAL(run_canned(&cn, 1, 0, false, &r), CTL_EPROTO);

	/* A header with no newline in sight: must stop at CTL_HEADER_MAX, not hang. */
	char longhdr[4 * CTL_HEADER_MAX];
	memset(longhdr, '1', sizeof(longhdr));
	memcpy(longhdr, "ok ", 3);
	struct chunk cl = { longhdr, sizeof(longhdr) };
	CU_ASSERT_EQUAL(run_canned(&cl, 1, 0, false, &r), CTL_EPROTO);

	/* Binary junk (say, a TLS hello) from a peer that keeps the connection
	 * open: rejected at the first impossible byte, without waiting. */
	struct chunk cj = { "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11 };
	CU_ASSERT_EQUAL(run_canned(&cj, 1, 0, false, &r), CTL_EPROTO);
}

static void test_length_too_big(void)
{
	struct ctl_response r;
	char hdr[64];

	static const struct chunk c1[] = { CH("ok 99999999999999999999999999\n") };
	CU_ASSERT_EQUAL(run_canned(c1, 1, 0, false, &r), CTL_ETOOBIG);
	CU_ASSERT_PTR_NULL(r.body);

	static const struct chunk c2[] = { CH("ok 18446744073709551616\n") }; /* 2^64 */
	CU_ASSERT_EQUAL(run_canned(c2, 1, 0, false, &r), CTL_ETOOBIG);

	snprintf(hdr, sizeof(hdr), "err %zu\n", CTL_BODY_MAX + 1);
	struct chunk c3 = { hdr, strlen(hdr) };
	CU_ASSERT_EQUAL(run_canned(&c3, 1, 0, false, &r), CTL_ETOOBIG);

	/* Exactly the limit is accepted as a header (the body then is cut short). */
	snprintf(hdr, sizeof(hdr), "ok %zu\nabc", CTL_BODY_MAX);
	struct chunk c4 = { hdr, strlen(hdr) };
	CU_ASSERT_EQUAL(run_canned(&c4, 1, 0, true, &r), CTL_ETRUNC);

	/* Too big but with junk after the digits is a malformed header. */
	static const struct chunk c5[] = { CH("ok 99999999999999999999999999z\n") };
	CU_ASSERT_EQUAL(run_canned(c5, 1, 0, false, &r), CTL_EPROTO);
}

static void test_back_to_back_responses(void)
{
	/* Two responses in one write: the first read must not eat the second. */
	static const struct chunk c[] = { CH("ok 3\nabcerr 2\nnook 0\n") };
	struct ctl_response r;
	struct server s;
	int fd;

	fd = server_start(&s, c, 1, 0, false, false);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(ctl_read_response(fd, &r), 0);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(r.body, "abc");
	ctl_response_free(&r);
	CU_ASSERT_EQUAL(ctl_read_response(fd, &r), 0);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(r.body, "no");
	ctl_response_free(&r);
	CU_ASSERT_EQUAL(ctl_read_response(fd, &r), 0);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_OK);
	CU_ASSERT_EQUAL(r.len, 0);
	ctl_response_free(&r);
	server_stop(&s, fd);
}

static void test_timeout(void)
{
	struct ctl_response r;
	struct server s;
	int fd;

	/* Server reads the request and never answers. */
	fd = server_start(&s, NULL, 0, 0, true, false);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(ctl_set_timeout(fd, 200), 0);
	CU_ASSERT_EQUAL(ctl_transact(fd, "t show stats\n", 13, &r), -ETIMEDOUT);
	CU_ASSERT_PTR_NULL(r.body);
	server_stop(&s, fd);

	/* Server stalls in the middle of the body. */
	static const struct chunk c[] = { CH("ok 10\nabc") };
	fd = server_start(&s, c, 1, 0, true, false);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(ctl_set_timeout(fd, 200), 0);
	CU_ASSERT_EQUAL(ctl_transact(fd, "t show stats\n", 13, &r), -ETIMEDOUT);
	CU_ASSERT_PTR_NULL(r.body);
	server_stop(&s, fd);

	CU_ASSERT_EQUAL(ctl_set_timeout(-1, 10), CTL_EINVAL);
}

static void test_bad_args(void)
{
	struct ctl_response r;

	CU_ASSERT_EQUAL(ctl_read_response(-1, &r), CTL_EINVAL);
	CU_ASSERT_PTR_NULL(r.body);
	CU_ASSERT_EQUAL(ctl_read_response(0, NULL), CTL_EINVAL);
	ctl_response_free(NULL);
}

static void test_strerror(void)
{
	static const int codes[] = {
		0, CTL_EPROTO, CTL_ECLOSED, CTL_ETRUNC, CTL_ETOOBIG, CTL_ETOOLONG,
		CTL_ENEWLINE, CTL_EINVAL, CTL_EPATH, -ENOENT, -ECONNREFUSED,
		-ETIMEDOUT, 12345, -99999, INT_MIN,
	};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *m = ctl_strerror(codes[i]);

		CU_ASSERT_PTR_NOT_NULL(m);
		if (m != NULL)
			CU_ASSERT(m[0] != '\0');
	}
	CU_ASSERT_STRING_EQUAL(ctl_strerror(-ENOENT), strerror(ENOENT));
}

/* ------------------------------------------------------------------------ */
/* Real UNIX socket: connect by path, several requests on one connection.   */

struct echo_server {
	int lfd;
	int nreq;
	pthread_t th;
};

/* Accepts one connection; answers each request with `ok` + "echo:<line>". */
static void *echo_main(void *arg)
{
	struct echo_server *e = arg;
	char line[CTL_REQUEST_MAX + 2];
	int fd;

	do
		fd = accept(e->lfd, NULL, NULL);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return NULL;
	for (;;) {
		size_t n = read_line(fd, line, sizeof(line));
		char hdr[64], *body;
		int blen;

		if (n == 0 || line[n - 1] != '\n')
			break;
		line[n - 1] = '\0';
		blen = asprintf(&body, "echo:%s", line);
		if (blen < 0)
			break;
		snprintf(hdr, sizeof(hdr), "%s %d\n",
			 strcmp(line, "t fail") == 0 ? "err" : "ok", blen);
		send_all(fd, hdr, strlen(hdr));
		send_all(fd, body, (size_t)blen);
		free(body);
		e->nreq++;
	}
	close(fd);
	return NULL;
}

static void test_unix_socket(void)
{
	char dir_tmpl[] = "/tmp/vgwctl-test-XXXXXX";
	char *dir = mkdtemp(dir_tmpl);
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct sockaddr_un sa;
	struct echo_server e = { .lfd = -1, .nreq = 0 };
	struct ctl_response r;
	char *req;
	size_t len;
	int fd = -1;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	CU_ASSERT_FATAL((size_t)snprintf(path, sizeof(path), "%s/vgwd.sock", dir) < sizeof(path));

	/* Nobody listening yet. */
	CU_ASSERT_EQUAL(ctl_connect(path, &fd), -ENOENT);
	CU_ASSERT_EQUAL(fd, -1);

	e.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(e.lfd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	CU_ASSERT_FATAL(bind(e.lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CU_ASSERT_FATAL(listen(e.lfd, 4) == 0);
	CU_ASSERT_FATAL(pthread_create(&e.th, NULL, echo_main, &e) == 0);

	CU_ASSERT_EQUAL(ctl_connect(path, &fd), 0);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(ctl_set_timeout(fd, CLIENT_TIMEOUT_MS), 0);

	const char *w1[] = { "show", "version" };
	CU_ASSERT_EQUAL_FATAL(ctl_build_request(true, 2, w1, &req, &len), 0);
	CU_ASSERT_EQUAL(ctl_transact(fd, req, len, &r), 0);
	free(req);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(r.body, "echo:j show version");
	ctl_response_free(&r);

	const char *w2[] = { "fail" };
	CU_ASSERT_EQUAL_FATAL(ctl_build_request(false, 1, w2, &req, &len), 0);
	CU_ASSERT_EQUAL(ctl_transact(fd, req, len, &r), 0);
	free(req);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(r.body, "echo:t fail");
	ctl_response_free(&r);

	/* Same connection still usable after an `err`. */
	CU_ASSERT_EQUAL(ctl_transact(fd, "t show neigh\n", 13, &r), 0);
	CU_ASSERT_EQUAL(r.status, CTL_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(r.body, "echo:t show neigh");
	ctl_response_free(&r);

	close(fd);
	pthread_join(e.th, NULL);
	CU_ASSERT_EQUAL(e.nreq, 3);
	close(e.lfd);

	/* Path exists but nobody listens any more. */
	CU_ASSERT_EQUAL(ctl_connect(path, &fd), -ECONNREFUSED);
	unlink(path);
	rmdir(dir);

	/* Invalid paths. */
	char longpath[sizeof(sa.sun_path) + 8];
	memset(longpath, 'p', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	CU_ASSERT_EQUAL(ctl_connect(longpath, &fd), CTL_EPATH);
	longpath[sizeof(sa.sun_path)] = '\0'; /* strlen == sizeof(sun_path): no room for NUL */
	CU_ASSERT_EQUAL(ctl_connect(longpath, &fd), CTL_EPATH);
	CU_ASSERT_EQUAL(ctl_connect("", &fd), CTL_EINVAL);
	CU_ASSERT_EQUAL(ctl_connect(NULL, &fd), CTL_EINVAL);
	CU_ASSERT_EQUAL(ctl_connect(path, NULL), CTL_EINVAL);
}

/* ------------------------------------------------------------------------ */

int main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "build request", test_build_basic },
		{ "build request refusals", test_build_refusals },
		{ "build request 4096-byte limit", test_build_length_limit },
		{ "send validation", test_send_validation },
		{ "send to closed peer (no SIGPIPE)", test_send_to_closed_peer },
		{ "answer sent before the request is read", test_answer_before_request },
		{ "ok response", test_ok_response },
		{ "err response", test_err_response },
		{ "empty body", test_empty_body },
		{ "body with NUL bytes", test_body_with_nul },
		{ "split reads", test_split_reads },
		{ "byte-by-byte reads", test_split_bytewise },
		{ "body larger than 64 KiB", test_large_body },
		{ "close mid-body", test_close_mid_body },
		{ "close mid-header", test_close_mid_header },
		{ "close before response", test_close_before_response },
		{ "malformed headers", test_malformed_headers },
		{ "length too big", test_length_too_big },
		{ "back-to-back responses", test_back_to_back_responses },
		{ "timeout", test_timeout },
		{ "bad arguments", test_bad_args },
		{ "strerror", test_strerror },
		{ "UNIX socket end to end", test_unix_socket },
	};
	CU_pSuite suite;
	unsigned int failures;

	signal(SIGPIPE, SIG_DFL); /* a missing MSG_NOSIGNAL must be noticed */
	alarm(WATCHDOG_S);        /* a hang is a failure */

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("ctl_client", NULL, NULL);
	if (suite == NULL)
		goto fail;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			goto fail;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		goto fail;
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
fail:
	fprintf(stderr, "CUnit error: %s\n", CU_get_error_msg());
	CU_cleanup_registry();
	return 1;
}
