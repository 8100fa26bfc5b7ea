/* Control socket server: see ctl_server.h. */
#include "ctl_server.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
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

#include "../cli/cli.h"
#include "../core/gw.h"
#include "../core/log.h"
#include "ctl_line.h"

/* Listener backlog: connections beyond it wait in connect() (or fail with
 * EAGAIN), they are never dropped by vgwd itself. */
#define BACKLOG 64
/* Rate of the refusal/eviction/idle log lines; the counters count them all. */
#define LOG_EVERY_MS 1000

struct client {
	int fd;                /* -1: free slot */
	uint32_t events;       /* epoll mask registered now */
	bool closing;          /* answer what is pending, read nothing more, close */
	bool peer_eof;         /* the client shut its side: serve what is buffered, close */
	bool cred;             /* uid/pid below are valid */
	uid_t uid;
	pid_t pid;
	uint64_t active_ms;    /* last complete request or output progress */
	uint64_t turn;         /* loop turn `left` counts for */
	int left;              /* requests it may still run in that turn */
	size_t in_len;
	size_t out_off;        /* bytes of out already sent */
	struct vgw_buf out;
	char in[VGW_CLI_MAX_LINE]; /* one request line, its '\n' included, fits */
};

static struct {
	int lfd;
	int epfd;
	char path[108];
	dev_t dev; /* the socket file created, removed at close only if still it */
	ino_t ino;
	uint64_t turn;
	uint64_t last_log_ms;
	struct client c[VGW_CTL_MAX_CLIENTS];
} srv = {.lfd = -1, .epfd = -1};

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One log line per LOG_EVERY_MS for the events a client can repeat at will. */
static bool log_allowed(uint64_t now)
{
	if (srv.last_log_ms && now - srv.last_log_ms < LOG_EVERY_MS)
		return false;
	srv.last_log_ms = now;
	return true;
}

/* ------------------------------------------------------------------ listen */

/* Refuses what is at path unless it is a socket nobody accepts on, which a
 * dead vgwd left behind and is removed. */
static int clear_path(const char *path, const struct sockaddr_un *sa, char *err)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, VGW_ERR_LEN, "control socket %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, VGW_ERR_LEN,
			 "control socket path %s exists and is not a socket: left as it is, "
			 "remove it or choose another `control socket`", path);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, VGW_ERR_LEN, "socket: %s", strerror(errno));
		return -1;
	}
	int rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	int e = errno;
	close(fd);
	/* EAGAIN: a listener whose backlog is full is alive too */
	if (rc == 0 || e == EAGAIN) {
		snprintf(err, VGW_ERR_LEN, "another vgwd is listening on %s", path);
		return -1;
	}
	if (e != ECONNREFUSED && e != ENOENT) {
		snprintf(err, VGW_ERR_LEN, "control socket %s: cannot tell whether it is in use: %s",
			 path, strerror(e));
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		snprintf(err, VGW_ERR_LEN, "cannot remove the stale socket %s: %s", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* `control group NAME`: the socket file's group, so that its members run
 * vgwctl without root (mode 0660). Changed before listen(): nobody can
 * connect before it holds. */
static int set_group(const char *path, char *err)
{
	const char *name = vgw_gw.set.socket_group;
	if (!name[0])
		return 0;
	errno = 0;
	struct group *g = getgrnam(name);
	if (!g) {
		snprintf(err, VGW_ERR_LEN, "control group %s: %s", name,
			 errno ? strerror(errno) : "no such group (addgroup --system it)");
		return -1;
	}
	if (chown(path, (uid_t)-1, g->gr_gid) < 0) {
		snprintf(err, VGW_ERR_LEN, "control group %s: chgrp %s: %s", name, path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int listen_on(const char *path, char *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, VGW_ERR_LEN, "control socket path too long");
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	/* create the parent directory when it is missing (e.g. /run/vgw) */
	char dir[108];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			snprintf(err, VGW_ERR_LEN, "cannot create %s: %s", dir, strerror(errno));
			return -1;
		}
	}
	if (clear_path(path, &sa, err) < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, VGW_ERR_LEN, "socket: %s", strerror(errno));
		return -1;
	}
	/* bind() creates the file with 0777 & ~umask: 0660 from the first
	 * instant, whatever umask vgwd was started with (a later chmod would
	 * leave a window). The workers create no files meanwhile. */
	mode_t old = umask(0117);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	umask(old);
	struct stat st;
	if (rc == 0 && set_group(path, err) < 0) {
		unlink(path);
		close(fd);
		return -1;
	}
	if (rc < 0 || lstat(path, &st) < 0 || listen(fd, BACKLOG) < 0) {
		snprintf(err, VGW_ERR_LEN, "cannot listen on %s: %s", path,
			 strerror(rc < 0 ? e : errno));
		close(fd);
		return -1;
	}
	srv.dev = st.st_dev;
	srv.ino = st.st_ino;
	return fd;
}

int vgw_ctl_open(const char *path, int epfd, char *err)
{
	for (int i = 0; i < VGW_CTL_MAX_CLIENTS; i++)
		srv.c[i].fd = -1;
	srv.lfd = listen_on(path, err);
	if (srv.lfd < 0)
		return -1;
	srv.epfd = epfd;
	snprintf(srv.path, sizeof(srv.path), "%s", path);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = VGW_CTL_TAG_LISTEN};
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, srv.lfd, &ev) < 0) {
		snprintf(err, VGW_ERR_LEN, "epoll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* ----------------------------------------------------------------- clients */

static void drop_client(struct client *c)
{
	epoll_ctl(srv.epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	vgw_buf_free(&c->out);
}

static size_t pending_out(const struct client *c)
{
	return c->out.len - c->out_off;
}

static bool has_line(const struct client *c)
{
	return memchr(c->in, '\n', c->in_len) != NULL;
}

/* Nothing buffered either way: the client may be evicted for a new one. */
static bool is_idle(const struct client *c)
{
	return c->fd >= 0 && !c->closing && pending_out(c) == 0 && !has_line(c);
}

static void respond(struct client *c, bool ok, const char *body, size_t len)
{
	vgw_buf_printf(&c->out, "%s %zu\n", ok ? "ok" : "err", len);
	vgw_buf_append(&c->out, body, len);
}

/* Last words to a client about to be closed: one best-effort send, so that a
 * client reading (vgwctl, even after EPIPE on its send) learns why. */
static void say_goodbye(int fd, const char *msg)
{
	char b[256];
	int n = snprintf(b, sizeof(b), "err %zu\n%s", strlen(msg), msg);
	if (n > 0 && (size_t)n < sizeof(b))
		(void)!send(fd, b, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void audit(const struct client *c, const char *cmd, int rc, const char *err)
{
	char who[48];
	if (c->cred)
		snprintf(who, sizeof(who), "uid=%u pid=%d", (unsigned int)c->uid, (int)c->pid);
	else
		snprintf(who, sizeof(who), "uid=? pid=?");
	/* cmd has no control bytes (ctl_line.h): it cannot forge log lines */
	VGW_LOG(NOTICE, ctl, "audit: %s \"%s\" %s%s\n", who, cmd,
		rc == 0 ? "ok" : "refused: ", rc == 0 ? "" : err);
}

/* Runs one request line (its '\n' replaced by '\0', len bytes before it). */
static void run_line(struct client *c, char *line, size_t len)
{
	char err[VGW_ERR_LEN];
	bool json;
	const char *cmd;
	if (vgw_ctl_line_check(line, len, &json, &cmd, err) < 0) {
		vgw_gw.sp_stats[VGW_SP_CTL_BAD_REQUEST]++;
		respond(c, false, err, strlen(err));
		return;
	}
	struct vgw_buf out;
	vgw_buf_init(&out);
	int rc = vgw_cli_run(cmd, (json ? VGW_CLI_JSON : 0) | VGW_CLI_PREFIX, &out, err);
	if (!vgw_cli_read_only(cmd))
		audit(c, cmd, rc, err);
	if (rc < 0)
		respond(c, false, err, strlen(err));
	else
		respond(c, true, out.data ? out.data : "", out.len);
	vgw_buf_free(&out);
}

/* Sends what the kernel takes; keeps the unsent rest at the start of out so
 * that out never holds more than the unsent bytes plus one answer. */
static void flush_out(struct client *c, uint64_t now)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			drop_client(c);
			return;
		}
		c->out_off += (size_t)n;
		c->active_ms = now;
	}
	if (c->out_off == c->out.len) {
		vgw_buf_reset(&c->out);
		c->out_off = 0;
	} else if (c->out_off > 0) {
		memmove(c->out.data, c->out.data + c->out_off, c->out.len - c->out_off);
		c->out.len -= c->out_off;
		c->out_off = 0;
	}
}

/* Registers what the client may do next, or closes it when it is done. */
static void rearm(struct client *c)
{
	bool pending = pending_out(c) > 0;
	if ((c->closing || (c->peer_eof && !has_line(c))) && !pending) {
		drop_client(c);
		return;
	}
	uint32_t ev = 0;
	bool may_read = !c->closing && !c->peer_eof;
	if (may_read && pending_out(c) < VGW_CTL_OUT_MAX)
		ev |= EPOLLIN;
	else if (may_read && (c->events & EPOLLIN))
		vgw_gw.sp_stats[VGW_SP_CTL_PAUSED]++; /* reading stops: backpressure */
	if (pending)
		ev |= EPOLLOUT;
	if (ev == c->events)
		return;
	struct epoll_event e = {.events = ev,
				.data.u64 = VGW_CTL_TAG_CLIENT + (uint64_t)(c - srv.c)};
	if (epoll_ctl(srv.epfd, EPOLL_CTL_MOD, c->fd, &e) < 0) {
		drop_client(c);
		return;
	}
	c->events = ev;
}

/* Runs the client's buffered requests and reads more, within its quota for
 * this turn and while its unsent answers stay under VGW_CTL_OUT_MAX. */
static void serve(struct client *c, uint64_t now)
{
	if (c->turn != srv.turn) {
		c->turn = srv.turn;
		c->left = VGW_CTL_QUOTA;
	}
	flush_out(c, now);
	while (c->fd >= 0 && !c->closing && c->left > 0 && pending_out(c) < VGW_CTL_OUT_MAX) {
		char *nl = memchr(c->in, '\n', c->in_len);
		if (nl) {
			size_t len = (size_t)(nl - c->in);
			*nl = '\0';
			run_line(c, c->in, len);
			memmove(c->in, nl + 1, c->in_len - len - 1);
			c->in_len -= len + 1;
			c->left--;
			c->active_ms = now;
			flush_out(c, now);
			continue;
		}
		if (c->in_len == sizeof(c->in)) {
			/* no '\n' in a full buffer: the line is over the limit; nothing
			 * of it runs and nothing more is read */
			char m[VGW_ERR_LEN];
			snprintf(m, sizeof(m), "line too long (at most %d bytes with the newline)",
				 VGW_CLI_MAX_LINE);
			vgw_gw.sp_stats[VGW_SP_CTL_BAD_REQUEST]++;
			respond(c, false, m, strlen(m));
			c->closing = true;
			c->in_len = 0;
			break;
		}
		if (c->peer_eof)
			break;
		ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
		if (n == 0) {
			c->peer_eof = true; /* a partial last line is dropped */
			c->in_len = 0;
			break;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			drop_client(c);
			return;
		}
		c->in_len += (size_t)n;
	}
	if (c->fd >= 0)
		flush_out(c, now);
	if (c->fd >= 0)
		rearm(c);
}

/* The slot for a new client: a free one, else the longest-idle client with
 * nothing pending, which is told and closed; -1 when every client is busy. */
static int take_slot(uint64_t now)
{
	int victim = -1;
	for (int i = 0; i < VGW_CTL_MAX_CLIENTS; i++) {
		if (srv.c[i].fd < 0)
			return i;
		if (is_idle(&srv.c[i]) &&
		    (victim < 0 || srv.c[i].active_ms < srv.c[victim].active_ms))
			victim = i;
	}
	if (victim < 0)
		return -1;
	struct client *v = &srv.c[victim];
	char m[160];
	snprintf(m, sizeof(m), "closed: idle for %llu ms, slot given to a new client "
		 "(at most %d control clients)", (unsigned long long)(now - v->active_ms),
		 VGW_CTL_MAX_CLIENTS);
	say_goodbye(v->fd, m);
	vgw_gw.sp_stats[VGW_SP_CTL_EVICTED]++;
	if (log_allowed(now))
		VGW_LOG(INFO, ctl, "control socket: %d clients: idle client (uid=%d pid=%d) "
			"closed for a new one (ctl_evicted counts them)\n", VGW_CTL_MAX_CLIENTS,
			v->cred ? (int)v->uid : -1, v->cred ? (int)v->pid : -1);
	drop_client(v);
	return victim;
}

static void accept_clients(void)
{
	uint64_t now = mono_ms();
	for (;;) {
		int fd = accept4(srv.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		int i = take_slot(now);
		if (i < 0) {
			char m[96];
			snprintf(m, sizeof(m), "too many control clients (%d), all busy: try again",
				 VGW_CTL_MAX_CLIENTS);
			say_goodbye(fd, m);
			close(fd);
			vgw_gw.sp_stats[VGW_SP_CTL_REFUSED]++;
			if (log_allowed(now))
				VGW_LOG(WARNING, ctl, "control socket: %s (ctl_refused counts them)\n", m);
			continue;
		}
		struct client *c = &srv.c[i];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->active_ms = now;
		c->turn = srv.turn - 1; /* a fresh quota */
		vgw_buf_init(&c->out);
		struct ucred uc;
		socklen_t ul = sizeof(uc);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &ul) == 0 && ul == sizeof(uc)) {
			c->cred = true;
			c->uid = uc.uid;
			c->pid = uc.pid;
		}
		c->events = EPOLLIN;
		struct epoll_event ev = {.events = EPOLLIN,
					 .data.u64 = VGW_CTL_TAG_CLIENT + (uint64_t)i};
		if (epoll_ctl(srv.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			c->fd = -1;
		}
	}
}

void vgw_ctl_event(int epfd, uint64_t tag, uint32_t events)
{
	(void)epfd; /* the one given to vgw_ctl_open */
	if (tag == VGW_CTL_TAG_LISTEN) {
		accept_clients();
		return;
	}
	uint64_t i = tag - VGW_CTL_TAG_CLIENT;
	if (i >= VGW_CTL_MAX_CLIENTS || srv.c[i].fd < 0)
		return;
	struct client *c = &srv.c[i];
	if (events & (EPOLLERR | EPOLLHUP)) {
		drop_client(c); /* the peer is gone: its answers cannot be delivered */
		return;
	}
	serve(c, mono_ms());
}

bool vgw_ctl_poll(uint64_t now_ms)
{
	bool more = false;
	for (int i = 0; i < VGW_CTL_MAX_CLIENTS; i++) {
		struct client *c = &srv.c[i];
		if (c->fd < 0)
			continue;
		if (!c->closing && has_line(c) && pending_out(c) < VGW_CTL_OUT_MAX)
			serve(c, now_ms); /* left over by the quota: no EPOLLIN will come */
		if (c->fd < 0)
			continue;
		if (!c->closing && has_line(c) && pending_out(c) < VGW_CTL_OUT_MAX) {
			more = true;
			continue;
		}
		if (now_ms >= c->active_ms + VGW_CTL_IDLE_MS) {
			if (pending_out(c) == 0) {
				char m[64];
				snprintf(m, sizeof(m), "closed: idle for %u s", VGW_CTL_IDLE_MS / 1000);
				say_goodbye(c->fd, m);
			}
			vgw_gw.sp_stats[VGW_SP_CTL_IDLE_CLOSED]++;
			if (log_allowed(now_ms))
				VGW_LOG(INFO, ctl, "control socket: client (uid=%d pid=%d) idle "
					"for %u s: closed (ctl_idle_closed counts them)\n",
					c->cred ? (int)c->uid : -1, c->cred ? (int)c->pid : -1,
					VGW_CTL_IDLE_MS / 1000);
			drop_client(c);
		}
	}
	srv.turn++;
	return more;
}

void vgw_ctl_close(int epfd)
{
	(void)epfd;
	for (int i = 0; i < VGW_CTL_MAX_CLIENTS; i++)
		if (srv.c[i].fd >= 0)
			drop_client(&srv.c[i]);
	if (srv.lfd >= 0) {
		close(srv.lfd);
		/* remove the file only if it is still the socket we created */
		struct stat st;
		if (lstat(srv.path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == srv.dev &&
		    st.st_ino == srv.ino)
			unlink(srv.path);
		srv.lfd = -1;
	}
}
