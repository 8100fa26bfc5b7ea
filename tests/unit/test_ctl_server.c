/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ctl_server.c - CUnit tests of the control socket server
 * (lib/ctl/ctl_server.c) against hostile clients, without EAL: the test is
 * the slow-path loop (epoll_wait + vgw_ctl_event + vgw_ctl_poll) and every
 * client, in one thread, with non-blocking sockets. Only state-free commands
 * run (show version, help, stats clear, a route del that fails parsing).
 *
 * Proves:
 *  - the socket path: a regular file there is refused and left intact; a
 *    socket a live process listens on is refused; a stale socket is
 *    replaced; the socket is 0660 although the umask is 000;
 *  - requests: answers in order; a line with a NUL or another control byte is
 *    answered `err` and not run; a line over 4096 bytes gets `err` and the
 *    connection is closed; requests followed by EOF are all answered;
 *  - quota: 40 pipelined requests are served 16 per turn, and vgw_ctl_poll
 *    says more is pending until the last one has run;
 *  - backpressure: a client that never reads is no longer read once its
 *    unsent answers pass the bound (its send() blocks before 60,000 requests),
 *    another client is answered meanwhile, and when it reads at last it gets
 *    every answer, in order;
 *  - slots: with 128 idle clients a new one is served and the oldest is told
 *    and closed (ctl_evicted); with 128 busy clients a new one is refused with
 *    `err` (ctl_refused); a client idle for 60 s is told and closed
 *    (ctl_idle_closed);
 *  - audit: a changing command logs `audit: uid=U pid=P "CMD" ok` or
 *    `refused: MSG`; a read-only one logs nothing.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_log.h>

#include "core/gw.h"
#include "ctl/ctl_server.h"
#include "unit.h"

static char dir[64];
static char sock_path[128];
static int epfd = -1;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t sp(int counter)
{
	return vgw_gw.sp_stats[counter];
}

/* One slow-path loop turn; returns what vgw_ctl_poll said. */
static bool turn(void)
{
	struct epoll_event evs[64];
	int n = epoll_wait(epfd, evs, 64, 0);
	for (int i = 0; i < n; i++)
		vgw_ctl_event(epfd, evs[i].data.u64, evs[i].events);
	return vgw_ctl_poll(now_ms());
}

static void turns(int n)
{
	for (int i = 0; i < n; i++)
		turn();
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int client(void)
{
	int fd = connect_to(sock_path);
	CU_ASSERT_FATAL(fd >= 0);
	turns(2); /* accepted */
	return fd;
}

static void send_str(int fd, const char *s, size_t len)
{
	size_t off = 0;
	for (int i = 0; off < len && i < 10000; i++) {
		ssize_t n = send(fd, s + off, len - off, MSG_NOSIGNAL);
		if (n > 0)
			off += (size_t)n;
		else
			turn();
	}
	CU_ASSERT(off == len);
}

/* What a client has received so far, read as the loop turns. */
struct rx {
	char *data;
	size_t len, cap;
	bool eof;
};

static void rx_read(int fd, struct rx *r)
{
	for (;;) {
		if (r->cap - r->len < 65536) {
			r->cap = r->cap ? r->cap * 2 : 1 << 20;
			r->data = realloc(r->data, r->cap + 1);
		}
		ssize_t n = recv(fd, r->data + r->len, r->cap - r->len, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			r->eof = true;
		if (n <= 0)
			break;
		r->len += (size_t)n;
	}
	r->data[r->len] = '\0';
}

/* Number of complete responses at the start of r; body of the last in last. */
static int rx_responses(const struct rx *r, int *n_ok, char *last, size_t last_cap)
{
	size_t off = 0;
	int n = 0;
	*n_ok = 0;
	while (off < r->len) {
		char *nl = memchr(r->data + off, '\n', r->len - off);
		if (!nl)
			break;
		size_t blen = strtoul(strchr(r->data + off, ' ') + 1, NULL, 10);
		size_t body = (size_t)(nl - r->data) + 1;
		if (body + blen > r->len)
			break;
		*n_ok += strncmp(r->data + off, "ok ", 3) == 0;
		if (last)
			snprintf(last, last_cap, "%.*s", (int)blen, r->data + body);
		off = body + blen;
		n++;
	}
	return n;
}

/* Turns the loop until fd has want responses (or 2000 turns); returns them. */
static int wait_responses(int fd, struct rx *r, int want, char *last, size_t cap)
{
	int ok, n = 0;
	for (int i = 0; i < 2000; i++) {
		rx_read(fd, r);
		n = rx_responses(r, &ok, last, cap);
		if (n >= want || r->eof)
			break;
		turn();
	}
	return n;
}

static void rx_free(struct rx *r)
{
	free(r->data);
	memset(r, 0, sizeof(*r));
}

/* One request, one response: its body in body, 1 for ok, 0 for err, -1 none. */
static int ask(int fd, const char *req, char *body, size_t cap)
{
	struct rx r = {0};
	send_str(fd, req, strlen(req));
	int ok = -1;
	if (wait_responses(fd, &r, 1, body, cap) == 1)
		ok = strncmp(r.data, "ok ", 3) == 0;
	rx_free(&r);
	return ok;
}

/* Closes fds and lets the server see it. */
static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	turns(3);
}

/* ------------------------------------------------------------------ tests */

static void test_path_refusals(void)
{
	char err[VGW_ERR_LEN] = "";
	char other[160];

	/* a regular file: refused, untouched */
	FILE *f = fopen(sock_path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs("precious\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(vgw_ctl_open(sock_path, epfd, err), -1);
	ASSERT_CONTAINS(err, "exists and is not a socket");
	char buf[32] = "";
	f = fopen(sock_path, "r");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	ASSERT_STR(buf, "precious\n");
	unlink(sock_path);

	/* a socket someone listens on: refused */
	snprintf(other, sizeof(other), "%s/live.sock", dir);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", other);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(l >= 0 && bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
			listen(l, 4) == 0);
	err[0] = '\0';
	CU_ASSERT_EQUAL(vgw_ctl_open(other, epfd, err), -1);
	ASSERT_CONTAINS(err, "another vgwd is listening on");
	close(l);
	struct stat st;
	CU_ASSERT(lstat(other, &st) == 0 && S_ISSOCK(st.st_mode));
	unlink(other);
}

/* Opens the server every later test uses, over a stale socket, umask 000. */
static void test_open_stale_umask(void)
{
	char err[VGW_ERR_LEN] = "";
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	close(s); /* the file stays: a dead daemon's socket */
	mode_t old = umask(0);
	int rc = vgw_ctl_open(sock_path, epfd, err);
	umask(old);
	if (rc != 0)
		fprintf(stderr, "\n  vgw_ctl_open: %s\n", err);
	CU_ASSERT_FATAL(rc == 0);
	struct stat st;
	CU_ASSERT_FATAL(lstat(sock_path, &st) == 0);
	CU_ASSERT(S_ISSOCK(st.st_mode));
	ASSERT_EQ(st.st_mode & 07777, 0660);
	CU_ASSERT_EQUAL(umask(old), old); /* restored */
}

static void test_requests(void)
{
	char body[256];
	int fd = client();
	ASSERT_EQ(ask(fd, "t show version\n", body, sizeof(body)), 1);
	ASSERT_CONTAINS(body, "version");

	/* NUL inside: err, the part before it does not run */
	uint64_t bad = sp(VGW_SP_CTL_BAD_REQUEST);
	static const char nul[] = "t help\0 route\n";
	struct rx r = {0};
	send_str(fd, nul, sizeof(nul) - 1);
	ASSERT_EQ(wait_responses(fd, &r, 1, body, sizeof(body)), 1);
	CU_ASSERT(strncmp(r.data, "err ", 4) == 0);
	ASSERT_CONTAINS(body, "control byte 0x00 at offset 6");
	rx_free(&r);
	ASSERT_EQ(ask(fd, "t show \x1bversion\n", body, sizeof(body)), 0);
	ASSERT_EQ(sp(VGW_SP_CTL_BAD_REQUEST), bad + 2);
	/* the connection still serves */
	ASSERT_EQ(ask(fd, "j show version\n", body, sizeof(body)), 1);
	ASSERT_CONTAINS(body, "\"version\"");
	close_all(&fd, 1);

	/* over-long line: err, then closed; nothing after it is read */
	fd = client();
	static char big[6000];
	memset(big, 'x', sizeof(big));
	memcpy(big, "t help ", 7);
	send_str(fd, big, sizeof(big));
	send_str(fd, "\nt show version\n", 16);
	ASSERT_EQ(wait_responses(fd, &r, 2, body, sizeof(body)), 1);
	ASSERT_CONTAINS(body, "line too long");
	for (int i = 0; i < 100 && !r.eof; i++) {
		turn();
		rx_read(fd, &r);
	}
	CU_ASSERT(r.eof);
	ASSERT_EQ(sp(VGW_SP_CTL_BAD_REQUEST), bad + 3);
	rx_free(&r);
	close_all(&fd, 1);

	/* requests then EOF: every one answered, then closed */
	fd = client();
	send_str(fd, "t show version\nt help\nt show version\n", 37);
	shutdown(fd, SHUT_WR);
	int ok;
	wait_responses(fd, &r, 3, NULL, 0);
	for (int i = 0; i < 100 && !r.eof; i++) {
		turn();
		rx_read(fd, &r);
	}
	ASSERT_EQ(rx_responses(&r, &ok, NULL, 0), 3);
	ASSERT_EQ(ok, 3);
	CU_ASSERT(r.eof);
	rx_free(&r);
	close_all(&fd, 1);
}

static void test_quota(void)
{
	int fd = client();
	char req[40 * 15 + 1] = "";
	for (int i = 0; i < 40; i++)
		strcat(req, "t show version\n");
	send_str(fd, req, strlen(req));
	struct epoll_event ev[8];
	int n = 0;
	for (int i = 0; i < 100 && n == 0; i++)
		n = epoll_wait(epfd, ev, 8, 10);
	for (int i = 0; i < n; i++)
		vgw_ctl_event(epfd, ev[i].data.u64, ev[i].events);
	struct rx r = {0};
	int ok;
	rx_read(fd, &r);
	ASSERT_EQ(rx_responses(&r, &ok, NULL, 0), 16);
	CU_ASSERT(vgw_ctl_poll(now_ms()) == true); /* same turn: nothing more */
	rx_read(fd, &r);
	ASSERT_EQ(rx_responses(&r, &ok, NULL, 0), 16);
	CU_ASSERT(vgw_ctl_poll(now_ms()) == true); /* next turn: 16 more */
	rx_read(fd, &r);
	ASSERT_EQ(rx_responses(&r, &ok, NULL, 0), 32);
	CU_ASSERT(vgw_ctl_poll(now_ms()) == false); /* the last 8: done */
	rx_read(fd, &r);
	ASSERT_EQ(rx_responses(&r, &ok, NULL, 0), 40);
	ASSERT_EQ(ok, 40);
	rx_free(&r);
	close_all(&fd, 1);
}

static void test_backpressure(void)
{
	uint64_t paused = sp(VGW_SP_CTL_PAUSED);
	int a = client();
	/* 100 requests per send; stop when the server no longer takes them */
	char chunk[100 * 15 + 1] = "";
	for (int i = 0; i < 100; i++)
		strcat(chunk, "t show version\n");
	size_t len = strlen(chunk), sent = 0, off = 0;
	int stalled = 0;
	while (sent < 60000 && stalled < 200) {
		ssize_t k = send(a, chunk + off, len - off, MSG_NOSIGNAL);
		if (k > 0) {
			off += (size_t)k;
			if (off == len) {
				off = 0;
				sent += 100;
			}
			stalled = 0;
		} else {
			stalled++;
		}
		turn();
	}
	fprintf(stderr, "\n  non-reader: %zu requests sent when the server stopped reading\n", sent);
	CU_ASSERT(sent < 60000);
	CU_ASSERT(sp(VGW_SP_CTL_PAUSED) > paused);

	/* another client is served at once */
	char body[256];
	int b = client();
	ASSERT_EQ(ask(b, "t show version\n", body, sizeof(body)), 1);

	/* the non-reader reads at last: every answer, in order */
	if (off) {
		send_str(a, chunk + off, len - off);
		sent += 100;
	}
	struct rx r = {0};
	int ok, n = 0;
	for (int i = 0; i < 20000 && n < (int)sent; i++) {
		rx_read(a, &r);
		n = rx_responses(&r, &ok, NULL, 0);
		turn();
	}
	ASSERT_EQ(n, sent);
	ASSERT_EQ(ok, sent);
	rx_free(&r);
	int fds[2] = {a, b};
	close_all(fds, 2);
}

static void test_slots(void)
{
	int fds[VGW_CTL_MAX_CLIENTS + 2];
	char body[256];
	uint64_t evicted = sp(VGW_SP_CTL_EVICTED), refused = sp(VGW_SP_CTL_REFUSED);
	for (int i = 0; i < VGW_CTL_MAX_CLIENTS; i++) {
		fds[i] = connect_to(sock_path);
		CU_ASSERT_FATAL(fds[i] >= 0);
		turn();
		if (i == 0)
			usleep(2000); /* the first is the oldest by a clear margin */
	}
	turns(3);
	/* full of idle clients: a new one is served, the oldest evicted */
	int n = connect_to(sock_path);
	CU_ASSERT_FATAL(n >= 0);
	ASSERT_EQ(ask(n, "t show version\n", body, sizeof(body)), 1);
	ASSERT_EQ(sp(VGW_SP_CTL_EVICTED), evicted + 1);
	struct rx r = {0};
	wait_responses(fds[0], &r, 1, body, sizeof(body));
	ASSERT_CONTAINS(body, "closed: idle for");
	for (int i = 0; i < 100 && !r.eof; i++) {
		turn();
		rx_read(fds[0], &r);
	}
	CU_ASSERT(r.eof);
	rx_free(&r);
	close(fds[0]);
	fds[0] = n;

	/* every client busy (unsent answers): a new one is refused */
	char req[1000 * 15 + 1] = "";
	for (int i = 0; i < 1000; i++)
		strcat(req, "t show version\n");
	for (int i = 0; i < VGW_CTL_MAX_CLIENTS; i++)
		send_str(fds[i], req, strlen(req));
	turns(300);
	int m = connect_to(sock_path);
	CU_ASSERT_FATAL(m >= 0);
	turns(3);
	wait_responses(m, &r, 1, body, sizeof(body));
	CU_ASSERT(strncmp(r.data ? r.data : "", "err ", 4) == 0);
	ASSERT_CONTAINS(body, "too many control clients (128)");
	CU_ASSERT(r.eof);
	ASSERT_EQ(sp(VGW_SP_CTL_REFUSED), refused + 1);
	ASSERT_EQ(sp(VGW_SP_CTL_EVICTED), evicted + 1);
	rx_free(&r);
	close(m);
	close_all(fds, VGW_CTL_MAX_CLIENTS);
}

static void test_idle_timeout(void)
{
	uint64_t idle = sp(VGW_SP_CTL_IDLE_CLOSED);
	int a = client(), b = client();
	send_str(b, "t show ver", 10); /* a partial line is no request */
	turns(3);
	CU_ASSERT(vgw_ctl_poll(now_ms() + VGW_CTL_IDLE_MS - 1000) == false);
	ASSERT_EQ(sp(VGW_SP_CTL_IDLE_CLOSED), idle);
	vgw_ctl_poll(now_ms() + VGW_CTL_IDLE_MS + 1);
	ASSERT_EQ(sp(VGW_SP_CTL_IDLE_CLOSED), idle + 2);
	char body[128];
	struct rx r = {0};
	wait_responses(a, &r, 1, body, sizeof(body));
	ASSERT_STR(body, "closed: idle for 60 s");
	rx_read(a, &r);
	CU_ASSERT(r.eof);
	rx_free(&r);
	int fds[2] = {a, b};
	close_all(fds, 2);
}

static void test_audit(void)
{
	FILE *log = tmpfile();
	CU_ASSERT_FATAL(log != NULL);
	rte_openlog_stream(log);
	char body[256];
	int fd = client();
	ASSERT_EQ(ask(fd, "t show version\n", body, sizeof(body)), 1);
	ASSERT_EQ(ask(fd, "t route del 10.0.0.0/33\n", body, sizeof(body)), 0);
	ASSERT_EQ(ask(fd, "t stats clear\n", body, sizeof(body)), 1);
	rte_openlog_stream(NULL);
	fflush(log);
	rewind(log);
	static char text[8192];
	size_t n = fread(text, 1, sizeof(text) - 1, log);
	text[n] = '\0';
	fclose(log);
	char want[160];
	snprintf(want, sizeof(want), "audit: uid=%u pid=%d \"route del 10.0.0.0/33\" refused: ",
		 (unsigned int)getuid(), (int)getpid());
	ASSERT_CONTAINS(text, want);
	snprintf(want, sizeof(want), "audit: uid=%u pid=%d \"stats clear\" ok\n",
		 (unsigned int)getuid(), (int)getpid());
	ASSERT_CONTAINS(text, want);
	CU_ASSERT(strstr(text, "show version") == NULL);
	close_all(&fd, 1);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/vgw-ctl-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	snprintf(sock_path, sizeof(sock_path), "%s/vgwd.sock", dir);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	alarm(120); /* a hang is a failure */
	static const struct unit_test tests[] = {
		{"socket path: non-socket file and live listener refused", test_path_refusals},
		{"socket path: stale socket replaced, 0660 under umask 000", test_open_stale_umask},
		{"requests: answers, control bytes, over-long line, EOF", test_requests},
		{"quota: 16 requests per client per turn, poll says more", test_quota},
		{"backpressure: a non-reader stops being read, loses nothing", test_backpressure},
		{"slots: idle evicted for a new client, refusal when all busy", test_slots},
		{"idle timeout", test_idle_timeout},
		{"audit line for changing commands", test_audit},
	};
	int rc = unit_run("ctl-server", tests, sizeof(tests) / sizeof(tests[0]));
	vgw_ctl_close(epfd);
	close(epfd);
	unlink(sock_path);
	rmdir(dir);
	return rc;
}
