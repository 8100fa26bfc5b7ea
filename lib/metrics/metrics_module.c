/* The metrics module (core/module.h): `metrics listen ADDRESS:PORT` and a
 * small HTTP server on the slow path for Prometheus (metrics.h).
 *
 * The server: one listening socket (the module's descriptor: the loop
 * wakes when a scraper connects), at most MAX_CLIENTS connections, each
 * read until the end of its request head (at most REQ_MAX bytes), answered
 * once (GET /metrics: the exposition; anything else: 404) and closed. Every
 * socket is non-blocking: a client that stops reading or writing is closed
 * after IDLE_MS, and one over the limit is refused at once. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../conf/settings.h"
#include "../core/module.h"
#include "../net/ip4.h"
#include "../util/parse.h"
#include "metrics.h"

#define MAX_CLIENTS 8
#define REQ_MAX 4096
#define IDLE_MS 5000

static struct {
	uint32_t ip; /* host order */
	uint16_t port; /* 0: off */
} conf;

static struct client {
	int fd; /* -1: free */
	char req[REQ_MAX];
	size_t req_len;
	struct vgw_buf out; /* the answer, sent from `sent` */
	size_t sent;
	uint64_t since_ms;
} clients[MAX_CLIENTS];

static int lfd = -1;
static int64_t started;

/* metrics listen ADDRESS:PORT */
static int metrics_line(int argc, char **argv, char *err)
{
	if (argc != 3 || strcmp(argv[1], "listen") != 0) {
		snprintf(err, VGW_ERR_LEN, "metrics: expected 'listen ADDRESS:PORT'");
		return -1;
	}
	char a[32];
	const char *colon = strrchr(argv[2], ':');
	if (!colon || (size_t)(colon - argv[2]) >= sizeof(a)) {
		snprintf(err, VGW_ERR_LEN, "metrics listen: expected ADDRESS:PORT, not '%s'", argv[2]);
		return -1;
	}
	memcpy(a, argv[2], (size_t)(colon - argv[2]));
	a[colon - argv[2]] = '\0';
	uint64_t port;
	if (vgw_parse_ip4(a, &conf.ip, err) < 0 ||
	    vgw_parse_u64(colon + 1, 1, 65535, &port, err) < 0) {
		char e[VGW_ERR_LEN];
		snprintf(e, sizeof(e), "metrics listen: %s", err);
		snprintf(err, VGW_ERR_LEN, "%s", e);
		return -1;
	}
	conf.port = (uint16_t)port;
	return 0;
}

static const struct vgw_setting settings[] = {{"metrics", metrics_line}, {NULL}};

static void settings_reset(void)
{
	memset(&conf, 0, sizeof(conf));
}

static void settings_config(struct vgw_buf *b)
{
	char x[VGW_IP4_STRLEN];
	if (conf.port)
		vgw_buf_printf(b, "metrics listen %s:%u\n", vgw_ip4_str(conf.ip, x), conf.port);
}

static void drop_client(struct client *c)
{
	close(c->fd);
	c->fd = -1;
	vgw_buf_free(&c->out);
}

static int init(char *err)
{
	started = (int64_t)time(NULL);
	for (int i = 0; i < MAX_CLIENTS; i++)
		clients[i].fd = -1;
	if (!conf.port)
		return 0;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(conf.port),
				 .sin_addr.s_addr = htonl(conf.ip)};
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 16) < 0) {
		char x[VGW_IP4_STRLEN];
		snprintf(err, VGW_ERR_LEN, "metrics listen %s:%u: %s", vgw_ip4_str(conf.ip, x),
			 conf.port, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		lfd = -1;
		return -1;
	}
	return 0;
}

static void fini(void)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0)
			drop_client(&clients[i]);
	if (lfd >= 0)
		close(lfd);
	lfd = -1;
}

static int fd(void)
{
	return lfd;
}

/* The answer to the request head in c->req. */
static void answer(struct client *c)
{
	struct vgw_buf body;
	vgw_buf_init(&body);
	vgw_buf_init(&c->out);
	const char *status = "404 Not Found", *type = "text/plain; charset=utf-8";
	if (strncmp(c->req, "GET /metrics ", 13) == 0 || strncmp(c->req, "GET /metrics?", 13) == 0) {
		vgw_metrics_render(&body, started);
		status = "200 OK";
		type = "text/plain; version=0.0.4; charset=utf-8";
	} else {
		vgw_buf_puts(&body, "vgwd serves /metrics only\n");
	}
	if (body.oom) {
		status = "500 Internal Server Error";
		vgw_buf_reset(&body);
	}
	vgw_buf_printf(&c->out,
		       "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		       "Connection: close\r\n\r\n",
		       status, type, body.len);
	if (body.len)
		vgw_buf_append(&c->out, body.data, body.len);
	vgw_buf_free(&body);
	c->sent = 0;
}

/* One step of client c; true when it moved (bytes in or out): the loop
 * turns again at once. A client that does not move is looked at again on
 * the next turn (at least every tick), so an idle one costs no spinning. */
static bool step(struct client *c, uint64_t now_ms)
{
	if (now_ms - c->since_ms > IDLE_MS) {
		drop_client(c);
		return false;
	}
	if (!c->out.data) {
		ssize_t n = recv(c->fd, c->req + c->req_len, sizeof(c->req) - 1 - c->req_len, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			drop_client(c);
			return false;
		}
		if (n <= 0)
			return false;
		c->req_len += (size_t)n;
		c->req[c->req_len] = '\0';
		if (!strstr(c->req, "\r\n\r\n") && !strstr(c->req, "\n\n")) {
			if (c->req_len >= sizeof(c->req) - 1) /* a head too long: nothing */
				drop_client(c);
			return true;
		}
		answer(c);
	}
	ssize_t n = send(c->fd, c->out.data + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		drop_client(c);
		return false;
	}
	if (n <= 0)
		return false;
	c->sent += (size_t)n;
	if (c->sent == c->out.len)
		drop_client(c);
	return true;
}

static bool poll_clients(bool ready, uint64_t now_ms)
{
	if (lfd < 0)
		return false;
	while (ready) {
		int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0)
			break;
		int i = 0;
		while (i < MAX_CLIENTS && clients[i].fd >= 0)
			i++;
		if (i == MAX_CLIENTS) { /* bounded: refused at once */
			close(c);
			continue;
		}
		clients[i] = (struct client){.fd = c, .since_ms = now_ms};
	}
	bool busy = false;
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0)
			busy |= step(&clients[i], now_ms);
	return busy;
}

const struct vgw_module vgw_metrics_module = {
	.name = "metrics",
	.settings = settings,
	.settings_reset = settings_reset,
	.settings_config = settings_config,
	.init = init,
	.fini = fini,
	.fd = fd,
	.poll = poll_clients,
};
