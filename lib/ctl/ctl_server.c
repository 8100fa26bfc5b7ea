/* Control socket server: see ctl_server.h. */
#include "ctl_server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_log.h>

#include "../cli/cli.h"

#define MAX_CLIENTS 64

struct client {
	int fd;
	char in[VGW_CLI_MAX_LINE + 2];
	size_t in_len;
	struct vgw_buf out;
	size_t out_off;
	bool close_after_flush;
};

static struct {
	int lfd;
	char path[108];
	struct client c[MAX_CLIENTS];
} srv = {.lfd = -1};

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
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, VGW_ERR_LEN, "socket: %s", strerror(errno));
		return -1;
	}
	/* a socket file left by a dead vgwd is removed; a live one is an error */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		snprintf(err, VGW_ERR_LEN, "another vgwd listens on %s", path);
		return -1;
	}
	close(fd);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0660) < 0 || listen(fd, 16) < 0) {
		snprintf(err, VGW_ERR_LEN, "cannot listen on %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int vgw_ctl_open(const char *path, int epfd, char *err)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		srv.c[i].fd = -1;
	srv.lfd = listen_on(path, err);
	if (srv.lfd < 0)
		return -1;
	snprintf(srv.path, sizeof(srv.path), "%s", path);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = VGW_CTL_TAG_LISTEN};
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, srv.lfd, &ev) < 0) {
		snprintf(err, VGW_ERR_LEN, "epoll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void drop_client(int epfd, struct client *c)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	vgw_buf_free(&c->out);
}

static void respond(struct client *c, bool ok, const char *body, size_t len)
{
	vgw_buf_printf(&c->out, "%s %zu\n", ok ? "ok" : "err", len);
	vgw_buf_append(&c->out, body, len);
}

static void run_line(struct client *c, char *line)
{
	bool json;
	if ((line[0] == 't' || line[0] == 'j') && (line[1] == ' ' || line[1] == '\0'))
		json = line[0] == 'j';
	else {
		const char *m = "bad request: expected 't' or 'j' then the command";
		respond(c, false, m, strlen(m));
		return;
	}
	struct vgw_buf out;
	vgw_buf_init(&out);
	char err[VGW_ERR_LEN];
	int rc = vgw_cli_exec(line + (line[1] ? 2 : 1), json, &out, err);
	if (rc < 0)
		respond(c, false, err, strlen(err));
	else
		respond(c, true, out.data ? out.data : "", out.len);
	vgw_buf_free(&out);
}

static void flush_out(int epfd, struct client *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			drop_client(epfd, c);
			return;
		}
		c->out_off += (size_t)n;
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = VGW_CTL_TAG_CLIENT +
							   (uint64_t)(c - srv.c)};
	if (c->out_off == c->out.len) {
		vgw_buf_reset(&c->out);
		c->out_off = 0;
		if (c->close_after_flush) {
			drop_client(epfd, c);
			return;
		}
	} else {
		ev.events = EPOLLOUT; /* stop reading until the answer is out */
	}
	epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void client_read(int epfd, struct client *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
			drop_client(epfd, c);
			return;
		}
		if (n < 0)
			break;
		c->in_len += (size_t)n;
		char *nl;
		while ((nl = memchr(c->in, '\n', c->in_len)) != NULL) {
			*nl = '\0';
			run_line(c, c->in);
			size_t used = (size_t)(nl - c->in) + 1;
			memmove(c->in, nl + 1, c->in_len - used);
			c->in_len -= used;
		}
		if (c->in_len >= VGW_CLI_MAX_LINE) {
			const char *m = "line too long (at most 4096 bytes)";
			respond(c, false, m, strlen(m));
			c->close_after_flush = true;
			c->in_len = 0;
			break;
		}
	}
	if (c->fd >= 0)
		flush_out(epfd, c);
}

static void accept_clients(int epfd)
{
	for (;;) {
		int fd = accept4(srv.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		int i;
		for (i = 0; i < MAX_CLIENTS && srv.c[i].fd >= 0; i++)
			;
		if (i == MAX_CLIENTS) {
			RTE_LOG(WARNING, USER1, "control socket: too many clients\n");
			close(fd);
			continue;
		}
		struct client *c = &srv.c[i];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		vgw_buf_init(&c->out);
		struct epoll_event ev = {.events = EPOLLIN, .data.u64 = VGW_CTL_TAG_CLIENT + (uint64_t)i};
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			c->fd = -1;
		}
	}
}

void vgw_ctl_event(int epfd, uint64_t tag, uint32_t events)
{
	if (tag == VGW_CTL_TAG_LISTEN) {
		accept_clients(epfd);
		return;
	}
	uint64_t i = tag - VGW_CTL_TAG_CLIENT;
	if (i >= MAX_CLIENTS || srv.c[i].fd < 0)
		return;
	struct client *c = &srv.c[i];
	if (events & (EPOLLERR | EPOLLHUP)) {
		drop_client(epfd, c);
		return;
	}
	if (events & EPOLLOUT)
		flush_out(epfd, c);
	else if (events & EPOLLIN)
		client_read(epfd, c);
}

void vgw_ctl_close(int epfd)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (srv.c[i].fd >= 0)
			drop_client(epfd, &srv.c[i]);
	if (srv.lfd >= 0) {
		close(srv.lfd);
		unlink(srv.path);
		srv.lfd = -1;
	}
}
