/* Active health checks of load-balanced backends: see health.h.
 *
 * One probe state per backend counter id (the ids are global, < 8192). A state
 * is in use ("active") while its backend is checked; it remembers who the
 * backend is (service slot, VIP, VNI, address, port) so that an id handed to
 * another backend, or a backend that stopped being checked (deleted, admin
 * down, check none) and came back, starts over with no history.
 *
 * Answers are matched through their destination port: every probe takes the
 * next source port of 61000-61999, and the states with an outstanding probe
 * sit in one doubly linked chain per port, so an answer looks at a handful of
 * candidates (8192 backends / 1000 ports) and verifies the whole tuple and
 * ack == seq + 1. Slow path only: no locking, no allocation but mbufs. */
#include "health.h"

#include <stdbool.h>
#include <string.h>

#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "../core/gw.h"
#include "../core/log.h"
#include "../core/ratelog.h"
#include "../net/cksum.h"
#include "../net/ip4.h"
#include "../util/parse.h"
#include "../vpc/vpc.h"
#include "service.h"

#define SPORT_BASE VGW_LB_HC_SPORT_BASE
#define SPORT_N VGW_LB_HC_SPORT_N
#define NONE 0xffff
#define FRAME_LEN 54 /* Ethernet 14 + IPv4 20 + TCP 20 */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

struct hc_state {
	uint64_t due_ms; /* when the next probe goes */
	uint64_t gen;    /* tick that last saw the backend checked */
	uint32_t vip, vni, ip; /* identity, with svc and port */
	uint32_t seq;          /* of the outstanding probe */
	uint16_t svc, port;
	uint16_t sport;        /* of the outstanding probe */
	uint16_t prev, next;   /* chain of sport, while outstanding */
	uint8_t active, outstanding, passes, fails;
};

static struct vgw_lb_health_ops ops;
static struct hc_state st[VGW_LB_BACKEND_IDS];
static uint16_t chain[SPORT_N];
static uint64_t gen;
static uint16_t next_sport, ip_id;

/* Transitions are logged, at most VGW_RATELOG_PER_S lines a second: a
 * switch or a VLAN going away takes thousands of backends down at once. */
static struct vgw_ratelog transitions = {
	.what = "health", .type = &vgw_logtype_lb, .type_name = "vgw.lb"};

static void count(int c)
{
	if (ops.count)
		ops.count(c, 1);
}

static void unlink_probe(uint16_t id)
{
	struct hc_state *h = &st[id];
	if (!h->outstanding)
		return;
	if (h->prev != NONE)
		st[h->prev].next = h->next;
	else
		chain[h->sport - SPORT_BASE] = h->next;
	if (h->next != NONE)
		st[h->next].prev = h->prev;
	h->outstanding = 0;
}

static void link_probe(uint16_t id, uint16_t sport, uint32_t seq)
{
	struct hc_state *h = &st[id];
	uint16_t *head = &chain[sport - SPORT_BASE];
	h->sport = sport;
	h->seq = seq;
	h->prev = NONE;
	h->next = *head;
	if (*head != NONE)
		st[*head].prev = id;
	*head = id;
	h->outstanding = 1;
}

static void reset(uint16_t id)
{
	unlink_probe(id);
	memset(&st[id], 0, sizeof(st[id]));
}

void vgw_lb_health_init(const struct vgw_lb_health_ops *o)
{
	ops = *o;
	memset(st, 0, sizeof(st));
	memset(chain, 0xff, sizeof(chain));
	gen = 0;
	next_sport = 0;
	ip_id = 0;
}

/* Writes [Eth][IPv4][TCP] of a segment from vip:sport to ip:port into a new
 * mbuf and hands it to worker 0 for tunnelling into VPC vni. */
static bool send_tcp(uint32_t vni, uint32_t vip, uint32_t ip, uint16_t sport, uint16_t port,
		     uint32_t seq, uint8_t flags)
{
	struct rte_mbuf *m = ops.alloc ? ops.alloc() : NULL;
	if (!m)
		return false;
	uint8_t *f = (uint8_t *)rte_pktmbuf_append(m, FRAME_LEN);
	if (!f) {
		rte_pktmbuf_free(m);
		return false;
	}
	memset(f, 0, FRAME_LEN);
	f[12] = 0x08; /* IPv4; MACs are the worker's to fill */
	uint8_t *p = f + 14, *t = p + 20;
	p[0] = 0x45;
	p[3] = 40; /* total length */
	p[4] = (uint8_t)(ip_id >> 8);
	p[5] = (uint8_t)ip_id;
	ip_id++;
	p[6] = 0x40; /* DF: a SYN never needs fragmenting */
	p[8] = 64;
	p[9] = 6;
	vgw_ip4_put(p + 12, vip);
	vgw_ip4_put(p + 16, ip);
	vgw_ip4_set_cksum(p);
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(port >> 8);
	t[3] = (uint8_t)port;
	vgw_ip4_put(t + 4, seq);
	t[12] = 5 << 4; /* data offset, no options */
	t[13] = flags;
	t[14] = 1024 >> 8; /* window */
	/* pseudo-header: addresses, protocol, TCP length */
	uint32_t sum = vgw_cksum_partial(p + 12, 8, 6 + 20);
	uint16_t ck = (uint16_t)~vgw_cksum_fold(vgw_cksum_partial(t, 20, sum));
	t[16] = (uint8_t)(ck >> 8);
	t[17] = (uint8_t)ck;
	struct vgw_dp_mbuf_priv *pv = rte_mbuf_to_priv(m);
	*pv = (struct vgw_dp_mbuf_priv){.vni = vni};
	ops.tunnel_tx(m);
	return true;
}

/* "service web backend 192.168.1.1 port 8080 in VPC blue (VNI 100)" */
static const char *who(const struct vgw_lb_service_cfg *s, const struct vgw_lb_backend_cfg *b,
		       char *buf, size_t len)
{
	char a[VGW_IP4_STRLEN];
	const struct vgw_vpc *v = vgw_vpc_main ? vgw_vpc_by_vni(vgw_vpc_main, b->vni) : NULL;
	snprintf(buf, len, "service %s backend %s port %u in VPC %s (VNI %u)", s->name,
		 vgw_ip4_str(b->ip, a), b->port, v ? v->name : "?", b->vni);
	return buf;
}

/* One probe result; moves the backend's health after rise / fall in a row. */
static void verdict(struct vgw_lb_service_cfg *s, struct vgw_lb_backend_cfg *b, bool pass,
		    bool refused, uint64_t now_ms)
{
	struct hc_state *h = &st[b->id];
	char buf[160], line[256];
	if (pass) {
		h->fails = 0;
		if (h->passes < UINT8_MAX)
			h->passes++;
		if (h->passes >= s->check.rise && b->health != VGW_LB_HEALTH_UP) {
			vgw_lb_backend_health(s, b, VGW_LB_HEALTH_UP);
			count(VGW_LB_SP(HC_UP));
			snprintf(line, sizeof(line), "%s is up: %u probes in a row answered",
				 who(s, b, buf, sizeof(buf)), h->passes);
			vgw_ratelog_at(&transitions, now_ms / 1000, RTE_LOG_NOTICE, line);
		}
		return;
	}
	h->passes = 0;
	if (h->fails < UINT8_MAX)
		h->fails++;
	if (h->fails >= s->check.fall && b->health != VGW_LB_HEALTH_DOWN) {
		vgw_lb_backend_health(s, b, VGW_LB_HEALTH_DOWN);
		count(VGW_LB_SP(HC_DOWN));
		if (refused)
			snprintf(line, sizeof(line),
				 "%s is down: %u probes in a row failed, the last refused (RST)",
				 who(s, b, buf, sizeof(buf)), h->fails);
		else
			snprintf(line, sizeof(line),
				 "%s is down: %u probes in a row failed, the last unanswered "
				 "within %u ms",
				 who(s, b, buf, sizeof(buf)), h->fails, s->check.interval_ms);
		vgw_ratelog_at(&transitions, now_ms / 1000, RTE_LOG_WARNING, line);
	}
}

static bool same_backend(const struct hc_state *h, const struct vgw_lb_service_cfg *s, uint16_t svc,
			 const struct vgw_lb_backend_cfg *b)
{
	return h->active && h->svc == svc && h->vip == s->key.vip && h->vni == b->vni &&
	       h->ip == b->ip && h->port == b->port;
}

static void check_backend(struct vgw_lb_service_cfg *s, uint16_t svc, struct vgw_lb_backend_cfg *b,
			  uint64_t now_ms)
{
	if (b->id >= VGW_LB_BACKEND_IDS)
		return;
	struct hc_state *h = &st[b->id];
	uint32_t ival = s->check.interval_ms;
	if (!same_backend(h, s, svc, b)) {
		reset(b->id);
		*h = (struct hc_state){.due_ms = now_ms, .vip = s->key.vip, .vni = b->vni,
				       .ip = b->ip, .svc = svc, .port = b->port,
				       .prev = NONE, .next = NONE, .active = 1};
	}
	h->gen = gen;
	if (h->due_ms > now_ms + ival) /* the interval was shortened */
		h->due_ms = now_ms + ival;
	if (now_ms < h->due_ms)
		return;
	if (h->outstanding) {
		unlink_probe(b->id);
		count(VGW_LB_SP(HC_TIMEOUT));
		verdict(s, b, false, false, now_ms);
	}
	/* keep the cadence of the schedule, not of the ~100 ms ticks */
	h->due_ms += ival;
	if (h->due_ms <= now_ms)
		h->due_ms = now_ms + ival;
	uint16_t sport = (uint16_t)(SPORT_BASE + next_sport);
	next_sport = (uint16_t)((next_sport + 1) % SPORT_N);
	uint32_t seq = (uint32_t)rte_rand();
	if (send_tcp(b->vni, s->key.vip, b->ip, sport, b->port, seq, TCP_SYN)) {
		link_probe(b->id, sport, seq);
		count(VGW_LB_SP(HC_PROBE_TX));
	}
}

void vgw_lb_health_tick(uint64_t now_ms)
{
	if (!ops.tunnel_tx || !vgw_lb.svc)
		return;
	gen++;
	for (uint16_t i = 0; i < VGW_LB_SVC_MAX; i++) {
		struct vgw_lb_service_cfg *s = &vgw_lb.svc[i];
		if (!s->used || s->check.kind != VGW_LB_CHECK_TCP)
			continue;
		for (uint16_t j = 0; j < s->n_backends; j++)
			if (s->be[j].admin != VGW_LB_BE_DOWN)
				check_backend(s, i, &s->be[j], now_ms);
	}
	/* Backends no longer checked forget their history and probes. */
	for (uint16_t id = 0; id < VGW_LB_BACKEND_IDS; id++)
		if (st[id].active && st[id].gen != gen)
			reset(id);
}

/* The checked backend that state id stands for, or NULL if it is gone. */
static struct vgw_lb_backend_cfg *backend_of(uint16_t id, struct vgw_lb_service_cfg **sp)
{
	const struct hc_state *h = &st[id];
	struct vgw_lb_service_cfg *s = vgw_lb.svc ? &vgw_lb.svc[h->svc] : NULL;
	if (!s || !s->used || s->check.kind != VGW_LB_CHECK_TCP)
		return NULL;
	for (uint16_t j = 0; j < s->n_backends; j++) {
		struct vgw_lb_backend_cfg *b = &s->be[j];
		if (b->id == id) {
			*sp = s;
			return same_backend(h, s, h->svc, b) && b->admin != VGW_LB_BE_DOWN ? b
											   : NULL;
		}
	}
	return NULL;
}

/* Finds the outstanding probe that a segment answers; NONE if none. */
static uint16_t match(const uint8_t *p, const uint8_t *t, uint32_t vni)
{
	uint16_t dport = (uint16_t)(t[2] << 8 | t[3]);
	uint8_t flags = t[13];
	if (dport < SPORT_BASE || dport >= SPORT_BASE + SPORT_N || !(flags & TCP_ACK) ||
	    !(flags & (TCP_SYN | TCP_RST)))
		return NONE;
	uint32_t src = vgw_ip4_src(p), dst = vgw_ip4_dst(p);
	uint16_t sport = (uint16_t)(t[0] << 8 | t[1]);
	uint32_t ack = (uint32_t)t[8] << 24 | (uint32_t)t[9] << 16 | (uint32_t)t[10] << 8 | t[11];
	for (uint16_t id = chain[dport - SPORT_BASE]; id != NONE; id = st[id].next) {
		const struct hc_state *h = &st[id];
		if (h->ip == src && h->port == sport && h->vip == dst && h->vni == vni &&
		    h->sport == dport && ack == h->seq + 1)
			return id;
	}
	return NONE;
}

void vgw_lb_health_input(struct rte_mbuf *m, uint64_t now_ms)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	uint32_t vni = ((const struct vgw_dp_mbuf_priv *)rte_mbuf_to_priv(m))->vni;
	const uint8_t *p = f + 14;
	uint16_t id = NONE;
	if (len >= 14 + VGW_IP4_MIN_HDR && p[0] >> 4 == 4 && p[9] == 6 &&
	    !vgw_ip4_is_fragment(p)) {
		uint32_t hl = (uint32_t)(p[0] & 0xf) * 4;
		uint32_t tot = (uint32_t)(p[2] << 8 | p[3]);
		if (hl >= VGW_IP4_MIN_HDR && tot >= hl + 20 && 14 + tot <= len)
			id = match(p, p + hl, vni);
	}
	struct vgw_lb_service_cfg *s = NULL;
	struct vgw_lb_backend_cfg *b = id != NONE ? backend_of(id, &s) : NULL;
	if (!b) {
		count(VGW_LB_SP(HC_REPLY_UNMATCHED));
		rte_pktmbuf_free(m);
		return;
	}
	struct hc_state *h = &st[id];
	bool syn_ack = !(p[(p[0] & 0xf) * 4 + 13] & TCP_RST);
	uint16_t sport = h->sport;
	uint32_t seq = h->seq;
	unlink_probe(id);
	count(VGW_LB_SP(HC_REPLY_RX));
	rte_pktmbuf_free(m);
	/* The backend holds a half-open connection: release it now rather
	 * than let it retransmit its SYN-ACK. An RST means the host is alive
	 * but nothing listens: the service is down, known without waiting. */
	if (syn_ack)
		send_tcp(h->vni, h->vip, h->ip, sport, h->port, seq + 1, TCP_RST);
	verdict(s, b, syn_ack, !syn_ack, now_ms);
}
