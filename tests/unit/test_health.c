/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_health.c - active health checks (lib/lb/health.c) on gw_fixture.h's
 * gateway (EAL, rcu NULL, not parallel), with VPC tables holding "blue"
 * (VNI 100) and "red" (VNI 200) and services made by CLI lines. The checker's
 * ops capture every frame it tunnels and count its counters; the clock is
 * whatever the test passes to vgw_lb_health_tick / vgw_lb_health_input.
 *
 * Proves: the probe bytes (every field, IPv4 and TCP checksums recomputed
 * here independently), the first probe at the first tick and one per interval
 * per backend, fall timeouts -> down (counters, log, no Maglev slot), rise
 * SYN-ACKs -> up again with the exact RST answer, RST answers failing,
 * unmatched answers (wrong ack / VNI / address / port / flags, truncated,
 * duplicate, late) changing nothing, no probes for check none, admin down,
 * udp services or failed allocations, fresh state for a reused backend id or
 * a re-enabled backend, 1200 backends sharing the 1000 source ports, and no
 * mbuf leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "cli/cli.h"
#include "core/log.h"
#include "gw_fixture.h"
#include "cli_run.h"
#include "lb/health.h"
#include "lb/maglev.h"
#include "lb/service.h"
#include "vpc/vpc.h"

/* ---- the fake data path -------------------------------------------------- */
#define MAXCAP 4096
struct cap {
	uint8_t b[64];
	uint32_t data_len, pkt_len, vni;
};
static struct cap cap[MAXCAP];
static unsigned int ncap;
static uint64_t cnt[VGW_SP_CAP];
static bool alloc_fail;

static struct rte_mbuf *t_alloc(void)
{
	return alloc_fail ? NULL : rte_pktmbuf_alloc(vgw_gw.pool);
}

static void t_tx(struct rte_mbuf *m)
{
	if (ncap < MAXCAP) {
		struct cap *c = &cap[ncap++];
		c->data_len = rte_pktmbuf_data_len(m);
		c->pkt_len = rte_pktmbuf_pkt_len(m);
		c->vni = ((struct vgw_dp_mbuf_priv *)rte_mbuf_to_priv(m))->vni;
		memcpy(c->b, rte_pktmbuf_mtod(m, uint8_t *), c->data_len < 64 ? c->data_len : 64);
	}
	rte_pktmbuf_free(m);
}

static void t_count(int c, uint64_t n)
{
	if (c >= 0 && c < VGW_SP_CAP)
		cnt[c] += n;
}

static const struct vgw_lb_health_ops hops = {
	.alloc = t_alloc, .tunnel_tx = t_tx, .count = t_count};

/* Fresh VPC tables with blue (100) and red (200), no service, a fresh
 * checker, nothing captured or counted. */
static void reset(void)
{
	static bool once;
	if (!once) {
		vgw_buf_init(&out);
		once = true;
	}
	vgw_lb_fini();
	vgw_defer_reclaim();
	vgw_vpc_destroy(vgw_vpc_main);
	vgw_vpc_main = vgw_vpc_create(64, 64, NULL, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vgw_vpc_main);
	ASSERT_EQ(vgw_lb_init(NULL, err), 0);
	OK("vpc add blue vni 100");
	OK("vpc add red vni 200");
	vgw_lb_health_init(&hops);
	memset(cnt, 0, sizeof(cnt));
	ncap = 0;
	alloc_fail = false;
}

/* Every mbuf back in the pool: the checker frees what it is given. */
static void check_pool(void)
{
	ASSERT_EQ(rte_mempool_avail_count(vgw_gw.pool), pool_full);
}

/* ---- frames -------------------------------------------------------------- */
#define VIP A(198, 51, 100, 10)
#define IP(n) A(192, 168, 1, n)
#define WEB "service add web vip 198.51.100.10 port 80 proto tcp table-size 251"
#define CHK " check-interval 500 check-rise 2 check-fall 3"
#define BE(n) "backend add web vpc blue ip 192.168.1." #n " port 8080"
#define SYN 0x02
#define RST 0x04
#define ACK 0x10

static uint16_t g16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t g32(const uint8_t *p) { return (uint32_t)g16(p) << 16 | g16(p + 2); }
static void p16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static void p32(uint8_t *p, uint32_t v) { p16(p, (uint16_t)(v >> 16)), p16(p + 2, (uint16_t)v); }

static uint16_t sport_of(const struct cap *c) { return g16(c->b + 34); }
static uint32_t seq_of(const struct cap *c) { return g32(c->b + 38); }
static uint16_t ipid_of(const struct cap *c) { return g16(c->b + 18); }

/* TCP checksum over the pseudo-header, recomputed with unit.h's RFC 1071. */
static bool tcp_cksum_ok(const uint8_t *ip, const uint8_t *tcp, uint16_t len)
{
	uint8_t buf[12 + 64];
	memcpy(buf, ip + 12, 8);
	buf[8] = 0;
	buf[9] = 6;
	p16(buf + 10, len);
	memcpy(buf + 12, tcp, len);
	return unit_cksum_ok(buf, 12u + len);
}

#define FIELD(what, got, want)                                                          \
	do {                                                                            \
		unsigned long long g_ = (got), w_ = (want);                             \
		if (g_ != w_) {                                                         \
			fprintf(stderr, "\n  frame field %s: got %llu (0x%llx), want %llu\n", \
				what, g_, g_, w_);                                      \
			bad++;                                                          \
		}                                                                       \
	} while (0)

/* The bad fields of a segment the checker sent (a SYN probe or an RST):
 * [Eth zero MACs, IPv4][IPv4 from the VIP, DF, TTL 64][TCP from 61000-61999,
 * ack 0, window 1024], checksums right, in VPC vni. */
static int check_seg(const struct cap *c, uint32_t vni, uint32_t dst, uint16_t dport,
		     uint8_t flags)
{
	int bad = 0;
	const uint8_t *e = c->b, *ip = e + 14, *t = ip + 20;
	FIELD("data_len", c->data_len, 54);
	FIELD("pkt_len", c->pkt_len, 54);
	FIELD("vni", c->vni, vni);
	for (int i = 0; i < 12; i++)
		FIELD("mac byte", e[i], 0);
	FIELD("ethertype", g16(e + 12), 0x0800);
	FIELD("version/ihl", ip[0], 0x45);
	FIELD("tos", ip[1], 0);
	FIELD("tot_len", g16(ip + 2), 40);
	FIELD("frag", g16(ip + 6), 0x4000);
	FIELD("ttl", ip[8], 64);
	FIELD("proto", ip[9], 6);
	FIELD("src", g32(ip + 12), VIP);
	FIELD("dst", g32(ip + 16), dst);
	FIELD("ip cksum ok", unit_cksum_ok(ip, 20), 1);
	FIELD("sport in 61000-61999", g16(t) >= 61000 && g16(t) <= 61999, 1);
	FIELD("dport", g16(t + 2), dport);
	FIELD("ack", g32(t + 8), 0);
	FIELD("data offset", t[12], 0x50);
	FIELD("flags", t[13], flags);
	FIELD("window", g16(t + 14), 1024);
	FIELD("urgent", g16(t + 18), 0);
	FIELD("tcp cksum ok", tcp_cksum_ok(ip, t, 20), 1);
	return bad;
}

/* The last probe (SYN) sent to ip, or NULL. */
static const struct cap *probe_to(uint32_t ip)
{
	for (unsigned int i = ncap; i-- > 0;)
		if (g32(cap[i].b + 30) == ip && cap[i].b[47] == SYN)
			return &cap[i];
	return NULL;
}

/* An answer from the backend a probe went to, as the worker punts it. */
struct ans {
	uint32_t vni, src, dst, seq, ack;
	uint16_t sport, dport, len, tot, frag;
	uint8_t flags, proto;
};

static struct ans answer_to(const struct cap *p, uint8_t flags)
{
	return (struct ans){.vni = p->vni, .src = g32(p->b + 30), .dst = g32(p->b + 26),
			    .seq = 0x12345678, .ack = seq_of(p) + 1, .sport = g16(p->b + 36),
			    .dport = sport_of(p), .len = 54, .tot = 40, .flags = flags,
			    .proto = 6};
}

static void input(const struct ans *a, uint64_t now)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(vgw_gw.pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	uint8_t *e = (uint8_t *)rte_pktmbuf_append(m, a->len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	uint8_t f[54] = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00};
	uint8_t *ip = f + 14, *t = ip + 20;
	ip[0] = 0x45;
	p16(ip + 2, a->tot);
	p16(ip + 6, a->frag);
	ip[8] = 63;
	ip[9] = a->proto;
	p32(ip + 12, a->src);
	p32(ip + 16, a->dst);
	p16(ip + 10, unit_cksum(ip, 20));
	p16(t, a->sport);
	p16(t + 2, a->dport);
	p32(t + 4, a->seq);
	p32(t + 8, a->ack);
	t[12] = 0x50;
	t[13] = a->flags;
	p16(t + 14, 65535);
	uint8_t ph[32] = {0};
	memcpy(ph, ip + 12, 8);
	ph[9] = 6;
	ph[11] = 20;
	memcpy(ph + 12, t, 20);
	p16(t + 16, unit_cksum(ph, 32));
	memcpy(e, f, a->len < 54 ? a->len : 54);
	((struct vgw_dp_mbuf_priv *)rte_mbuf_to_priv(m))->vni = a->vni;
	vgw_lb_health_input(m, now);
}

/* Slots of backend i in the published table of s. */
static uint32_t slots(const struct vgw_lb_service_cfg *s, uint16_t i)
{
	uint32_t n = 0;
	for (uint32_t k = 0; k < s->pub->m; k++)
		n += s->pub->table[k] == i;
	return n;
}

/* ---- log capture --------------------------------------------------------- */
static char *logbuf;
static size_t loglen;
static FILE *log_fp;

static void log_start(void)
{
	log_fp = open_memstream(&logbuf, &loglen);
	rte_openlog_stream(log_fp);
	rte_log_set_level((uint32_t)vgw_logtype_lb, RTE_LOG_DEBUG);
}

/* The log since log_start (malloc'ed). */
static char *log_stop(void)
{
	rte_openlog_stream(NULL);
	rte_log_set_level((uint32_t)vgw_logtype_lb, RTE_LOG_ERR);
	fclose(log_fp);
	return logbuf;
}

/* ---- tests --------------------------------------------------------------- */
static void test_probe_bytes(void)
{
	reset();
	OK(WEB CHK);
	OK(BE(1));
	ASSERT_EQ(ncap, 0); /* nothing before the first tick */
	vgw_lb_health_tick(10000);
	ASSERT_EQ(ncap, 1);
	ASSERT_EQ(check_seg(&cap[0], 100, IP(1), 8080, SYN), 0);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_PROBE_TX)], 1);
	vgw_lb_health_tick(10499);
	ASSERT_EQ(ncap, 1);
	vgw_lb_health_tick(10500);
	ASSERT_EQ(ncap, 2);
	ASSERT_EQ(check_seg(&cap[1], 100, IP(1), 8080, SYN), 0);
	ASSERT_EQ(ipid_of(&cap[1]), (uint16_t)(ipid_of(&cap[0]) + 1));
	CU_ASSERT(sport_of(&cap[1]) != sport_of(&cap[0])); /* rotated */
	CU_ASSERT(seq_of(&cap[1]) != seq_of(&cap[0]));
	/* a new backend is probed at once, in its own VPC */
	OK("backend add web vpc red ip 10.9.9.9 port 443");
	vgw_lb_health_tick(10600);
	ASSERT_EQ(ncap, 3);
	ASSERT_EQ(check_seg(&cap[2], 200, A(10, 9, 9, 9), 443, SYN), 0);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_PROBE_TX)], 3);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_TIMEOUT)], 1);
	check_pool();
}

/* Ticks every 100 ms: one probe per interval per backend; an interval change
 * applies at once. */
static void test_schedule(void)
{
	reset();
	OK(WEB CHK);
	OK(BE(1));
	OK(BE(2));
	for (uint64_t t = 1000; t <= 6000; t += 100) {
		unsigned int before = ncap;
		vgw_lb_health_tick(t);
		ASSERT_EQ(ncap - before, (t % 500) == 0 ? 2 : 0);
	}
	unsigned int n1 = 0, n2 = 0;
	for (unsigned int i = 0; i < ncap; i++) {
		n1 += g32(cap[i].b + 30) == IP(1);
		n2 += g32(cap[i].b + 30) == IP(2);
	}
	ASSERT_EQ(n1, 11);
	ASSERT_EQ(n2, 11);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_TIMEOUT)], 20);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_DOWN)], 2); /* once each, not per timeout */
	/* ticks off the grid keep the cadence */
	vgw_lb_health_tick(6530);
	ASSERT_EQ(ncap, 24);
	vgw_lb_health_tick(6990);
	ASSERT_EQ(ncap, 24);
	vgw_lb_health_tick(7010);
	ASSERT_EQ(ncap, 26);
	/* a longer interval, then a shorter one applying at once */
	OK("service set web check-interval 60000");
	vgw_lb_health_tick(7500);
	ASSERT_EQ(ncap, 28); /* already scheduled */
	vgw_lb_health_tick(8000);
	ASSERT_EQ(ncap, 28); /* next at 67500 */
	OK("service set web check-interval 200");
	vgw_lb_health_tick(8100);
	ASSERT_EQ(ncap, 28);
	vgw_lb_health_tick(8300);
	ASSERT_EQ(ncap, 30);
	check_pool();
}

/* 192.168.1.2 answers its last probe. */
static void answer2(uint64_t now)
{
	struct ans a = answer_to(probe_to(IP(2)), SYN | ACK);
	input(&a, now);
}

static void test_fall_rise(void)
{
	reset();
	OK(WEB CHK);
	OK(BE(1));
	OK(BE(2));
	struct vgw_lb_service_cfg *s = vgw_lb_service_by_name("web");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	log_start();
	uint64_t t = 0;
	/* .2 answers every probe, .1 none */
	for (int i = 0; i < 3; i++, t += 500) {
		vgw_lb_health_tick(t);
		answer2(t + 10);
		ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_UNKNOWN);
		CU_ASSERT(slots(s, 0) > 0);
	}
	ASSERT_EQ(s->be[1].health, VGW_LB_HEALTH_UP);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_UP)], 1);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_TIMEOUT)], 2);
	vgw_lb_health_tick(t); /* third timeout */
	answer2(t + 10);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_DOWN);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_TIMEOUT)], 3);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_DOWN)], 1);
	ASSERT_EQ(slots(s, 0), 0);
	ASSERT_EQ(slots(s, 1), 251);
	char *log = log_stop();
	ASSERT_CONTAINS(log, "service web backend 192.168.1.1 port 8080 in VPC blue (VNI 100) "
			     "is down: 3 probes in a row failed, the last unanswered within 500 ms");
	ASSERT_CONTAINS(log, "service web backend 192.168.1.2 port 8080 in VPC blue (VNI 100) "
			     "is up");
	free(log);
	t += 500;
	vgw_lb_health_tick(t);
	answer2(t + 10);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_DOWN)], 1);
	/* .1 comes back: a SYN-ACK is answered by an RST */
	log_start();
	const struct cap *p = probe_to(IP(1));
	uint16_t sport = sport_of(p);
	uint32_t seq = seq_of(p);
	struct ans a = answer_to(p, SYN | ACK);
	unsigned int before = ncap;
	input(&a, t + 10);
	ASSERT_EQ(ncap, before + 1);
	ASSERT_EQ(check_seg(&cap[before], 100, IP(1), 8080, RST), 0);
	ASSERT_EQ(sport_of(&cap[before]), sport);
	ASSERT_EQ(seq_of(&cap[before]), (uint32_t)(seq + 1));
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_RX)], 6);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_DOWN); /* rise 2 */
	ASSERT_EQ(slots(s, 0), 0);
	t += 500;
	vgw_lb_health_tick(t);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_TIMEOUT)], 4); /* the answered probe did not time out */
	a = answer_to(probe_to(IP(1)), SYN | ACK);
	input(&a, t + 10);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_UP);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_UP)], 2);
	CU_ASSERT(slots(s, 0) > 0 && slots(s, 1) > 0);
	ASSERT_EQ(slots(s, 0) + slots(s, 1), 251);
	log = log_stop();
	ASSERT_CONTAINS(log, "service web backend 192.168.1.1 port 8080 in VPC blue (VNI 100) "
			     "is up: 2 probes in a row answered");
	free(log);
	check_pool();
}

/* An RST (host alive, port closed: the server stopped) fails the probe at
 * once, needs no answer, and fall of them make the backend down; a SYN-ACK
 * in between restarts the count. */
static void test_rst_fails(void)
{
	reset();
	OK(WEB CHK);
	OK(BE(1));
	struct vgw_lb_service_cfg *s = vgw_lb_service_by_name("web");
	vgw_lb_health_tick(0);
	struct ans a = answer_to(probe_to(IP(1)), SYN | ACK);
	input(&a, 5);
	vgw_lb_health_tick(500);
	a = answer_to(probe_to(IP(1)), SYN | ACK);
	input(&a, 505);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_UP);
	int sent = ncap;
	vgw_lb_health_tick(1000);
	a = answer_to(probe_to(IP(1)), RST | ACK);
	input(&a, 1005);
	ASSERT_EQ(ncap, sent + 1); /* the probe, no answer to an RST */
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_RX)], 3);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_UP); /* one failure of fall 3 */
	vgw_lb_health_tick(1500);
	a = answer_to(probe_to(IP(1)), SYN | ACK); /* a pass resets the count */
	input(&a, 1505);
	for (int i = 0; i < 2; i++) {
		vgw_lb_health_tick((uint64_t)(2000 + 500 * i));
		a = answer_to(probe_to(IP(1)), RST | ACK);
		input(&a, (uint64_t)(2005 + 500 * i));
	}
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_UP); /* two in a row, fall is 3 */
	vgw_lb_health_tick(3000);
	a = answer_to(probe_to(IP(1)), RST | ACK);
	input(&a, 3005);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_DOWN);
	ASSERT_EQ(s->pub->table[0], VGW_LB_MAGLEV_NONE);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_DOWN)], 1);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_TIMEOUT)], 0); /* known at once, no waiting */
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_UNMATCHED)], 0);
	check_pool();
}

/* Answers that match no probe are counted and change nothing. */
static void test_unmatched(void)
{
	reset();
	OK(WEB " check-interval 500 check-rise 1 check-fall 3");
	OK(BE(1));
	OK("service add other vip 198.51.100.20 port 80 proto tcp table-size 7 check none");
	struct vgw_lb_service_cfg *s = vgw_lb_service_by_name("web");
	vgw_lb_health_tick(0);
	const struct cap *p = probe_to(IP(1));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	struct ans good = answer_to(p, SYN | ACK), a;
	int n = 0;
#define BAD(field, value)                                                         \
	do {                                                                      \
		a = good;                                                         \
		a.field = value;                                                  \
		input(&a, 10);                                                    \
		n++;                                                              \
		if (cnt[VGW_LB_SP(HC_REPLY_UNMATCHED)] != (uint64_t)n)                \
			fprintf(stderr, "\n  %s = %s was matched\n", #field, #value); \
		ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_UNMATCHED)], n);                     \
	} while (0)
	BAD(ack, good.ack + 1);
	BAD(ack, good.ack - 1);
	BAD(ack, 0);
	BAD(vni, 200);
	BAD(vni, 101);
	BAD(src, IP(2));
	BAD(sport, 8081);
	BAD(dst, A(198, 51, 100, 20));
	BAD(dport, (uint16_t)(good.dport == 61999 ? 61000 : good.dport + 1));
	BAD(dport, 80);
	BAD(flags, ACK);
	BAD(flags, SYN);
	BAD(flags, RST);
	BAD(flags, ACK | 0x01);
	BAD(len, 50);   /* TCP header cut */
	BAD(tot, 60);   /* IPv4 length past the frame */
	BAD(tot, 36);   /* no room for a TCP header */
	BAD(frag, 0x2000); /* MF */
	BAD(proto, 17);
#undef BAD
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_RX)], 0);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_UNKNOWN);
	ASSERT_EQ(ncap, 1);
	/* the probe is still outstanding: the right answer matches */
	input(&good, 20);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_RX)], 1);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_UP);
	ASSERT_EQ(ncap, 2); /* the RST */
	input(&good, 30); /* a retransmitted SYN-ACK */
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_UNMATCHED)], n + 1);
	ASSERT_EQ(ncap, 2);
	/* late: the answer to a probe that already timed out */
	vgw_lb_health_tick(500);
	struct ans late = answer_to(probe_to(IP(1)), SYN | ACK);
	vgw_lb_health_tick(1000);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_TIMEOUT)], 1);
	input(&late, 1010);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_UNMATCHED)], n + 2);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_RX)], 1);
	/* and it did not reset the failures: two more and the backend is down */
	vgw_lb_health_tick(1500);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_UP);
	vgw_lb_health_tick(2000);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_DOWN);
	check_pool();
}

/* check none, udp services and admin-down backends are not probed; a
 * backend checked again starts with no history. */
static void test_not_probed(void)
{
	reset();
	OK(WEB " check none");
	OK(BE(1));
	OK("service add dns vip 198.51.100.10 port 53 proto udp table-size 7");
	OK("backend add dns vpc blue ip 192.168.1.53 port 53");
	OK("service add api vip 198.51.100.10 port 443 proto tcp table-size 7" CHK);
	OK("backend add api vpc blue ip 192.168.1.7 port 8443");
	OK("backend add api vpc blue ip 192.168.1.8 port 8443");
	OK("backend set api vpc blue ip 192.168.1.8 port 8443 state down");
	for (uint64_t t = 0; t <= 1000; t += 100)
		vgw_lb_health_tick(t);
	ASSERT_EQ(ncap, 3); /* .7 at 0, 500, 1000 */
	for (unsigned int i = 0; i < ncap; i++)
		ASSERT_EQ(g32(cap[i].b + 30), IP(7));
	/* .7 has failed twice; admin down forgets it */
	struct vgw_lb_service_cfg *s = vgw_lb_service_by_name("api");
	struct ans old = answer_to(probe_to(IP(7)), SYN | ACK);
	OK("backend set api vpc blue ip 192.168.1.7 port 8443 state down");
	input(&old, 1010); /* before the next tick */
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_UNMATCHED)], 1);
	vgw_lb_health_tick(1500);
	ASSERT_EQ(ncap, 3);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_TIMEOUT)], 2);
	input(&old, 1510);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_UNMATCHED)], 2);
	OK("backend set api vpc blue ip 192.168.1.7 port 8443 state up");
	vgw_lb_health_tick(1600); /* probed at once */
	ASSERT_EQ(ncap, 4);
	vgw_lb_health_tick(2100);
	vgw_lb_health_tick(2600);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_UNKNOWN); /* 2 fresh failures, not 4 */
	vgw_lb_health_tick(3100);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_DOWN);
	/* check none, then tcp again: fresh too */
	OK("service set api check none");
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_UNKNOWN);
	unsigned int before = ncap;
	vgw_lb_health_tick(3600);
	ASSERT_EQ(ncap, before);
	OK("service set api check tcp");
	vgw_lb_health_tick(3700);
	ASSERT_EQ(ncap, before + 1);
	vgw_lb_health_tick(4200);
	vgw_lb_health_tick(4700);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_UNKNOWN);
	/* no mbuf: nothing sent, and nothing to time out */
	OK("service set api check-fall 1");
	alloc_fail = true;
	uint64_t to = cnt[VGW_LB_SP(HC_TIMEOUT)], tx = cnt[VGW_LB_SP(HC_PROBE_TX)];
	before = ncap;
	vgw_lb_health_tick(5200); /* times out the 4700 probe, sends none */
	ASSERT_EQ(cnt[VGW_LB_SP(HC_TIMEOUT)], to + 1);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_DOWN);
	vgw_lb_health_tick(5700);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_TIMEOUT)], to + 1);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_PROBE_TX)], tx);
	ASSERT_EQ(ncap, before);
	alloc_fail = false;
	vgw_lb_health_tick(6200);
	ASSERT_EQ(ncap, before + 1);
	check_pool();
}

/* A deleted backend's id given to a new one: probed at once, no history. */
static void test_id_reuse(void)
{
	reset();
	OK(WEB CHK);
	OK(BE(1));
	struct vgw_lb_service_cfg *s = vgw_lb_service_by_name("web");
	uint16_t id = s->be[0].id;
	for (uint64_t t = 0; t <= 1500; t += 500)
		vgw_lb_health_tick(t);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_DOWN);
	struct ans old = answer_to(probe_to(IP(1)), SYN | ACK);
	OK("backend del web vpc blue ip 192.168.1.1 port 8080");
	input(&old, 1510); /* its backend is gone */
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_UNMATCHED)], 1);
	OK(BE(9));
	ASSERT_EQ(s->be[0].id, id);
	unsigned int before = ncap;
	vgw_lb_health_tick(1600);
	ASSERT_EQ(ncap, before + 1);
	ASSERT_EQ(g32(cap[before].b + 30), IP(9));
	input(&old, 1610); /* not the new backend's probe either */
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_UNMATCHED)], 2);
	vgw_lb_health_tick(2100);
	vgw_lb_health_tick(2600);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_UNKNOWN);
	vgw_lb_health_tick(3100);
	ASSERT_EQ(s->be[0].health, VGW_LB_HEALTH_DOWN);
	/* the same VIP, VPC, address and port, but in another service */
	OK("service add web2 vip 198.51.100.10 port 81 proto tcp table-size 7" CHK);
	vgw_lb_health_tick(3600);
	vgw_lb_health_tick(4100); /* .9 has failed 5 times, next probe at 4600 */
	OK("backend del web vpc blue ip 192.168.1.9 port 8080");
	OK("backend add web2 vpc blue ip 192.168.1.9 port 8080");
	struct vgw_lb_service_cfg *s2 = vgw_lb_service_by_name("web2");
	ASSERT_EQ(s2->be[0].id, id);
	before = ncap;
	vgw_lb_health_tick(4200);
	ASSERT_EQ(ncap, before + 1);
	vgw_lb_health_tick(4700);
	vgw_lb_health_tick(5200);
	ASSERT_EQ(s2->be[0].health, VGW_LB_HEALTH_UNKNOWN);
	vgw_lb_health_tick(5700);
	ASSERT_EQ(s2->be[0].health, VGW_LB_HEALTH_DOWN);
	check_pool();
}

/* 1200 backends share the 1000 source ports: every answer still finds its
 * probe, whether it heads its port's chain or not. */
static void test_many(void)
{
	reset();
	char cmd[160];
	for (int i = 0; i < 5; i++) {
		snprintf(cmd, sizeof(cmd),
			 "service add s%d vip 198.51.100.%d port 80 proto tcp table-size 251 "
			 "check-rise 1",
			 i, 10 + i);
		OK(cmd);
	}
	int fails = 0;
	for (uint32_t i = 0; i < 1200; i++) {
		char name[8];
		snprintf(name, sizeof(name), "s%u", i % 5);
		fails += vgw_lb_backend_add(name, i % 2 ? "blue" : "red",
					    A(10, 0, i / 200, i % 200 + 1), 8080, -1, err) != 0;
	}
	ASSERT_EQ(fails, 0);
	vgw_lb_health_tick(0);
	ASSERT_EQ(ncap, 1200);
	static struct cap probes[1200];
	memcpy(probes, cap, sizeof(probes));
	ncap = 0;
	int rst_bad = 0;
	for (int i = 0; i < 1200; i++) {
		struct ans a = answer_to(&probes[i], SYN | ACK);
		input(&a, 10);
		rst_bad += ncap != (unsigned int)(i + 1) ||
			   sport_of(&cap[ncap - 1]) != sport_of(&probes[i]) ||
			   seq_of(&cap[ncap - 1]) != seq_of(&probes[i]) + 1 ||
			   g32(cap[ncap - 1].b + 30) != g32(probes[i].b + 30) ||
			   cap[ncap - 1].vni != probes[i].vni;
	}
	ASSERT_EQ(rst_bad, 0);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_RX)], 1200);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_REPLY_UNMATCHED)], 0);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_UP)], 1200);
	int up = 0;
	for (int i = 0; i < 5; i++) {
		snprintf(cmd, sizeof(cmd), "s%d", i);
		const struct vgw_lb_service_cfg *s = vgw_lb_service_by_name(cmd);
		for (uint16_t j = 0; j < s->n_backends; j++)
			up += s->be[j].health == VGW_LB_HEALTH_UP;
	}
	ASSERT_EQ(up, 1200);
	vgw_lb_health_tick(2000);
	ASSERT_EQ(cnt[VGW_LB_SP(HC_TIMEOUT)], 0);
	check_pool();
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"probe bytes, first probe at once, per-backend VPC", test_probe_bytes},
		{"one probe per interval per backend, interval changes", test_schedule},
		{"fall timeouts -> down (no slots), rise SYN-ACKs -> up, RST answer",
		 test_fall_rise},
		{"an RST answer fails at once", test_rst_fails},
		{"unmatched answers change nothing", test_unmatched},
		{"check none, udp, admin down, no mbuf: no probes; fresh state after",
		 test_not_probed},
		{"reused backend id starts fresh", test_id_reuse},
		{"1200 backends over 1000 source ports", test_many},
	};
	return unit_eal_run("health", tests, sizeof(tests) / sizeof(tests[0]));
}
