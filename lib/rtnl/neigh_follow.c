/* Kernel neighbour follower: see neigh_follow.h. Slow path only. */
#include "neigh_follow.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <rte_log.h>

#include "../core/gw.h"
#include "../core/log.h"
#include "../core/ratelog.h"
#include "../neigh/neigh.h"
#include "../util/parse.h"
#include "neigh_parse.h"
#include "nl_sock.h"


enum query_kind { Q_NONE, Q_GET, Q_USE };

static const struct vgw_rtnl_nl_ops ops; /* the hooks, below */

static struct {
	struct vgw_rtnl_nl_sock s;
	/* what a query or request with sequence number s was about, at
	 * q[s % VGW_KNEIGH_FOLLOW_QUERIES]; an answer whose slot was reused is
	 * applied as a plain report and the table's timer asks again */
	struct query {
		uint32_t seq;
		uint8_t kind; /* enum query_kind */
		uint16_t port;
		uint32_t ip;
	} q[VGW_KNEIGH_FOLLOW_QUERIES];
	struct vgw_ratelog log;
} F = {.s = {.ops = &ops, .fd = -1}};

static void count(int c)
{
	vgw_gw.sp_stats[c]++;
}

/* Bad input from the kernel must not flood the log. */
static void nlog(const char *fmt, ...)
{
	char line[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	F.log.what = "kernel neighbours";
	VGW_RATELOG_TYPE(&F.log, rtnl);
	vgw_ratelog(&F.log, vgw_rtnl_nl_now_ms() / 1000, line);
}

bool vgw_kneigh_wanted(void)
{
	for (int p = 0; p < vgw_gw.n_ports; p++)
		if (vgw_port_kernel_neigh(&vgw_gw.ports[p]))
			return true;
	return false;
}

int vgw_kneigh_fd(void)
{
	return F.s.fd;
}

/* Our port index of a kernel ifindex, -1 unless it is an af-xdp port's. */
static int xdp_port_of_ifindex(int32_t ifindex)
{
	if (ifindex <= 0)
		return -1;
	for (int p = 0; p < vgw_gw.n_ports; p++)
		if (vgw_port_kernel_neigh(&vgw_gw.ports[p]) && vgw_gw.ports[p].xdp_ifindex == ifindex)
			return p;
	return -1;
}

/* The query or request that sequence number seq answers, taken out of the
 * table (each is answered once), or NULL. */
static struct query *take_query(uint32_t seq)
{
	struct query *q = &F.q[seq % VGW_KNEIGH_FOLLOW_QUERIES];
	if (seq == 0 || q->seq != seq || q->kind == Q_NONE)
		return NULL;
	return q;
}

static void send_query(enum query_kind kind, uint16_t port, uint32_t ip)
{
	uint8_t m[VGW_KNEIGH_REQ_LEN];
	uint32_t seq = vgw_rtnl_nl_next_seq(&F.s);
	int32_t ifindex = vgw_gw.ports[port].xdp_ifindex;
	size_t len = kind == Q_GET ? vgw_kneigh_msg_get(m, sizeof(m), seq, ifindex, ip)
				   : vgw_kneigh_msg_use(m, sizeof(m), seq, ifindex, ip);
	char s[VGW_IP4_STRLEN];
	if (vgw_rtnl_nl_send(&F.s, m, len) < 0) {
		count(VGW_KNEIGH_SP(KNEIGH_REQUEST_ERROR));
		nlog("cannot ask the kernel about %s on %s: %s", vgw_ip4_str(ip, s),
		     vgw_gw.ports[port].xdp_iface, strerror(errno));
		return;
	}
	F.q[seq % VGW_KNEIGH_FOLLOW_QUERIES] = (struct query){seq, (uint8_t)kind, port, ip};
	count(kind == Q_GET ? VGW_KNEIGH_SP(KNEIGH_QUERY_TX) : VGW_KNEIGH_SP(KNEIGH_REQUEST_TX));
}

void vgw_kneigh_resolve(uint16_t port, uint32_t ip)
{
	if (!F.s.active || port >= vgw_gw.n_ports || !vgw_port_kernel_neigh(&vgw_gw.ports[port]) ||
	    vgw_gw.ports[port].xdp_ifindex <= 0) {
		count(VGW_KNEIGH_SP(KNEIGH_REQUEST_ERROR));
		return;
	}
	send_query(Q_GET, port, ip);
}

/* After the kernel answered a query about (port, ip) with state: NTF_USE
 * when it has nothing valid to give (or only STALE); never when the entry is
 * PERMANENT or NOARP (NTF_USE would demote a PERMANENT one), nor while the
 * kernel is resolving already (INCOMPLETE) or confirming (DELAY, PROBE). */
static bool wants_use(uint16_t state)
{
	return state == NUD_NONE || (state & (NUD_FAILED | NUD_STALE));
}

static void dump_request(struct nlmsghdr *nlh)
{
	nlh->nlmsg_type = RTM_GETNEIGH;
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
}

/* Counts, marks, sweeps, logs: what the socket module reports. */
static void on_event(enum vgw_rtnl_nl_event e)
{
	if (e == VGW_RTNL_NL_DUMP_SENT) {
		count(VGW_KNEIGH_SP(KNEIGH_DUMP));
		vgw_neigh_kernel_resync_begin(vgw_neigh_main);
	} else if (e == VGW_RTNL_NL_DUMP_DONE) {
		uint32_t swept = vgw_neigh_kernel_sweep(vgw_neigh_main);
		VGW_LOG(NOTICE, rtnl, "kernel neighbours synced: %u entries, %u swept\n",
			vgw_neigh_main->n, swept);
	} else if (e == VGW_RTNL_NL_OVERRUN) {
		count(VGW_KNEIGH_SP(KNEIGH_OVERRUN));
		nlog("netlink overrun (ENOBUFS): neighbour notifications were lost, resyncing");
	} else if (e == VGW_RTNL_NL_FOREIGN) {
		count(VGW_KNEIGH_SP(KNEIGH_FOREIGN));
	} /* receive errors are logged only; an interrupted dump needs nothing */
}

/* An NLMSG_ERROR that answers no dump: to a query or request, or an ack. */
static void error_answer(uint32_t seq, int error)
{
	struct query *q = take_query(seq);
	if (!q || error == 0)
		return; /* not ours, or an ack */
	struct query was = *q;
	q->kind = Q_NONE;
	if (was.kind == Q_GET && error == ENOENT) {
		send_query(Q_USE, was.port, was.ip); /* the kernel has no entry: make one */
		return;
	}
	char s[VGW_IP4_STRLEN];
	count(VGW_KNEIGH_SP(KNEIGH_REQUEST_ERROR));
	nlog("the kernel refused a %s about %s on %s: %s", was.kind == Q_GET ? "query" : "request",
	     vgw_ip4_str(was.ip, s), vgw_gw.ports[was.port].xdp_iface, strerror(error));
}

/* A neighbour message (or anything else the parser judges). */
static void neigh_message(const void *p, size_t len, uint32_t seq)
{
	struct vgw_kneigh_msg r;
	count(VGW_KNEIGH_SP(KNEIGH_MSG));
	enum vgw_kneigh_msg_result res = vgw_kneigh_parse(p, len, &r);
	if (res != VGW_KNEIGH_MSG_OK && !vgw_kneigh_msg_is_error(res)) {
		count(VGW_KNEIGH_SP(KNEIGH_IGNORED));
		return;
	}
	int port = xdp_port_of_ifindex(r.ifindex);
	/* a malformed message about an interface we do not follow is not ours
	 * to complain about; one whose interface is unknown is */
	if (port < 0 && (res == VGW_KNEIGH_MSG_OK || r.ifindex != 0)) {
		count(VGW_NEIGH_SP(KNEIGH_OTHER_IF));
		return;
	}
	if (res != VGW_KNEIGH_MSG_OK) {
		count(VGW_KNEIGH_SP(KNEIGH_MALFORMED));
		nlog("malformed neighbour message refused (%s)", vgw_kneigh_msg_result_names[res]);
		return;
	}
	vgw_neigh_kernel_update(vgw_neigh_main, (uint16_t)port, r.ip, r.op == VGW_KNEIGH_MSG_DEL,
				r.state, r.has_mac ? r.mac : NULL, vgw_rtnl_nl_now_ms());
	/* the answer to our query: ask the kernel to act if it has to */
	struct query *q = take_query(seq);
	if (q && q->kind == Q_GET && q->port == port && q->ip == r.ip) {
		q->kind = Q_NONE;
		if (r.op == VGW_KNEIGH_MSG_ADD && wants_use(r.state))
			send_query(Q_USE, (uint16_t)port, r.ip);
	}
}

static const struct vgw_rtnl_nl_ops ops = {
	.dump_request = dump_request,
	.message = neigh_message,
	.error = error_answer,
	.event = on_event,
	.log = nlog,
};

void vgw_kneigh_input(const void *buf, size_t len)
{
	vgw_rtnl_nl_input(&F.s, buf, len);
}

void vgw_kneigh_poll(bool readable)
{
	vgw_rtnl_nl_poll(&F.s, VGW_KNEIGH_FOLLOW_BUDGET, readable);
}

void vgw_kneigh_test_open(int (*send)(const void *msg, size_t len))
{
	vgw_kneigh_close(); /* the queries of a previous test too */
	vgw_rtnl_nl_test_open(&F.s, send);
	snprintf(F.s.dump_name, sizeof(F.s.dump_name), "dump");
}

int vgw_kneigh_open(char *err)
{
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		const struct vgw_port *pt = &vgw_gw.ports[p];
		if (vgw_port_kernel_neigh(pt) && pt->xdp_ifindex <= 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: interface %s has no ifindex yet", pt->name,
				 pt->xdp_iface);
			return -1;
		}
	}
	if (vgw_rtnl_nl_open(&F.s, RTMGRP_NEIGH, false, (int)VGW_KNEIGH_FOLLOW_RCVBUF,
			     " (neighbours)", err) < 0)
		return -1;
	snprintf(F.s.dump_name, sizeof(F.s.dump_name), "dump");
	vgw_kneigh_poll(false); /* the first dump */
	VGW_LOG(NOTICE, rtnl, "following kernel neighbours (netlink receive buffer %d bytes)\n",
		F.s.rcvbuf);
	return 0;
}

void vgw_kneigh_close(void)
{
	vgw_rtnl_nl_close(&F.s);
	struct vgw_rtnl_nl_sock s = F.s;
	memset(&F, 0, sizeof(F));
	F.s = s;
}
