/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_snat.c - the NAT gateway's configuration (lib/snat/snat_ctl.c), its
 * worker engine (snat_engine.c) on a fake clock, and the worker-private
 * hash table (snat_tab.c). The RFC requirements named in a test are the
 * ones it proves (RFC 4787, RFC 5382, RFC 5508).
 */
#include <stdlib.h>

#include "addr/pubaddr.h"
#include "cli/cli.h"
#include "snat/snat_module.h"
#include "gw_fixture.h"
#include "snat/snat.h"
#include "snat/snat_engine.h"
#include "snat/snat_flow.h"
#include "snat/snat_tab.h"

#define VNI 100
#define VM1 A(10, 0, 0, 5)
#define VM2 A(10, 0, 0, 6)
#define R1 A(198, 51, 100, 1)
#define R2 A(198, 51, 100, 2)
#define R3 A(198, 51, 100, 3)
#define P0 A(203, 0, 113, 10)

static struct vgw_snat_tables *T;

static void tables(unsigned int n_workers, enum vgw_snat_steer steer)
{
	if (!vgw_vpc_main) {
		vgw_vpc_main = vgw_vpc_create(64, 64, NULL, err);
		CU_ASSERT_FATAL(vgw_vpc_main != NULL);
		CU_ASSERT_FATAL(vgw_vpc_add(vgw_vpc_main, "blue", VNI, NULL, err) == 0);
	}
	vgw_snat_destroy(T);
	T = vgw_snat_create(NULL, n_workers, steer, err);
	CU_ASSERT_FATAL(T != NULL);
}

static int pool(const char *name, uint32_t lo, uint32_t hi, int filtering, int port_lo,
		int port_hi, int64_t cap)
{
	struct vgw_snat_pool_spec *s = calloc(1, sizeof(*s));
	s->n = 1;
	s->lo[0] = lo;
	s->hi[0] = hi;
	s->filtering = filtering;
	s->port_lo = port_lo;
	s->port_hi = port_hi;
	s->max_per_vm = cap;
	int rc = vgw_snat_pool_set(T, name, s, false, err);
	free(s);
	return rc;
}

static const struct vgw_ct_timeouts *to(void)
{
	static struct vgw_ct_timeouts t = {.tcp_established = 7440, .tcp_transitory = 240,
					   .tcp_time_wait = 240, .tcp_close = 10,
					   .tcp_unconfirmed = 240, .udp = 300,
					   .udp_unreplied = 300, .icmp = 60};
	return &t;
}

static struct vgw_snat_engine *engine(unsigned int idx, unsigned int n)
{
	struct vgw_snat_engine *s = vgw_snat_engine_create(T, idx, n, 4096, 4096, 1024, to(),
							   SOCKET_ID_ANY, err);
	CU_ASSERT_FATAL(s != NULL);
	return s;
}

static struct vgw_ct_entry *out_udp(struct vgw_snat_engine *s, uint32_t vm, uint16_t vport,
				    uint32_t remote, uint16_t rport, const struct vgw_snat_pool *p,
				    enum vgw_snat_verdict *v)
{
	struct vgw_ct_key rk = {.vni = VNI, .src = vm, .dst = remote, .sport = vport,
				.dport = rport, .proto = 17};
	return vgw_snat_out(s, &rk, vgw_ct_hash(&rk), p, NULL, v);
}

static struct vgw_ct_entry *in_udp(struct vgw_snat_engine *s, uint32_t remote, uint16_t rport,
				   uint32_t pub, uint16_t pport, uint8_t filtering,
				   enum vgw_snat_verdict *v)
{
	struct vgw_ct_key ok = {.vni = 0, .src = remote, .dst = pub, .sport = rport,
				.dport = pport, .proto = 17};
	return vgw_snat_in(s, &ok, vgw_ct_hash(&ok), filtering, NULL, v);
}

static void age_all(struct vgw_snat_engine *s)
{
	for (int i = 0; i < 200; i++)
		vgw_snat_engine_age(s, 4096);
}

/* ---- the private hash table against a reference ---- */

static void test_tab_churn(void)
{
	struct vgw_snat_tab t;
	CU_ASSERT_FATAL(vgw_snat_tab_create(&t, "t", 500, SOCKET_ID_ANY, err) == 0);
	static uint32_t ref[2048];
	for (int i = 0; i < 2048; i++)
		ref[i] = VGW_SNAT_TAB_NONE;
	uint32_t n = 0;
	for (int op = 0; op < 200000; op++) {
		uint32_t k = unit_rand() % 2048, v = unit_rand() % 1000;
		if (ref[k] == VGW_SNAT_TAB_NONE) {
			int rc = vgw_snat_tab_add(&t, k * 7919ull, k, v);
			if (n < 500) {
				CU_ASSERT_EQUAL(rc, 0);
				ref[k] = v;
				n++;
			} else {
				CU_ASSERT_EQUAL(rc, -1); /* full */
			}
		} else if (v & 1) {
			CU_ASSERT(vgw_snat_tab_del(&t, k * 7919ull, k));
			ref[k] = VGW_SNAT_TAB_NONE;
			n--;
		}
		uint32_t q = unit_rand() % 2048;
		if (vgw_snat_tab_get(&t, q * 7919ull, q) != ref[q]) {
			CU_FAIL("lookup disagrees with the reference");
			break;
		}
	}
	ASSERT_EQ(t.n, n);
	vgw_snat_tab_destroy(&t);
}

/* ---- configuration ---- */

static void test_conf_refusals(void)
{
	tables(2, VGW_SNAT_STEER_PORT);
	CU_ASSERT(pool("p", P0, P0 + 3, -1, -1, -1, -1) == 0);
	CU_ASSERT(pool("p", P0 + 8, P0 + 8, -1, -1, -1, -1) < 0);
	ASSERT_STR(err, "SNAT pool 'p' exists (snat pool replace changes it)");
	CU_ASSERT(pool("q", P0 + 3, P0 + 4, -1, -1, -1, -1) < 0);
	ASSERT_STR(err, "SNAT address 203.0.113.13 is in pool 'p'");
	CU_ASSERT(pool("q", NPORT0, NPORT0, -1, -1, -1, -1) < 0);
	ASSERT_STR(err, "SNAT address 10.1.0.1 is an address of this gateway or an EIP or a VIP");
	CU_ASSERT(pool("q", A(10, 1, 0, 255), A(10, 1, 0, 255), -1, -1, -1, -1) < 0);
	ASSERT_STR(err, "SNAT address 10.1.0.255 is the network or broadcast address of port p0's subnet");
	/* RFC 4787 REQ-3 (no port below 1024), whole blocks */
	CU_ASSERT(pool("q", P0 + 8, P0 + 8, -1, 512, 65535, -1) < 0);
	CU_ASSERT(strstr(err, "a range within 1024-65535 of whole 64-port blocks") != NULL);
	CU_ASSERT(pool("q", P0 + 8, P0 + 8, -1, 1024, 2000, -1) < 0);
	CU_ASSERT(pool("q", P0 + 9, P0 + 8, -1, -1, -1, -1) < 0);
	ASSERT_STR(err, "address range 203.0.113.19-203.0.113.18 is reversed");
	CU_ASSERT(pool("bad name", P0 + 8, P0 + 8, -1, -1, -1, -1) < 0);
	/* the address is a SNAT address now: an EIP there is refused */
	CU_ASSERT(vgw_pubaddr_check(P0, VGW_PUBADDR_EIP, err) < 0);
	ASSERT_STR(err, "EIP 203.0.113.10 is an address of this gateway or a SNAT address");
	CU_ASSERT(vgw_pubaddr_is(P0 + 3, VGW_PUBADDR_SNAT));
	/* bindings hold the VPC and the pool */
	CU_ASSERT(vgw_snat_bind(T, "blue", VNI, 0, 0, "p", err) == 0);
	CU_ASSERT(vgw_snat_bind(T, "blue", VNI, 0, 0, "p", err) < 0);
	ASSERT_STR(err, "VPC 'blue': the whole VPC is bound to pool 'p' (snat unbind first)");
	CU_ASSERT(vgw_snat_bind(T, "blue", VNI, A(10, 0, 1, 0), 24, "nope", err) < 0);
	ASSERT_STR(err, "no SNAT pool named 'nope'");
	CU_ASSERT(vgw_snat_pool_del(T, "p", err) < 0);
	ASSERT_STR(err, "SNAT pool 'p' is bound to a VPC (snat unbind first)");
	CU_ASSERT(vgw_vpc_del(vgw_vpc_main, "blue", err) < 0);
	CU_ASSERT(vgw_snat_unbind(T, "blue", VNI, A(10, 0, 1, 0), 24, err) < 0);
	ASSERT_STR(err, "VPC 'blue': 10.0.1.0/24 is not bound");
	CU_ASSERT(vgw_snat_unbind(T, "blue", VNI, 0, 0, err) == 0);
	CU_ASSERT(vgw_snat_pool_del(T, "p", err) == 0);
	CU_ASSERT(!vgw_pubaddr_is(P0, VGW_PUBADDR_SNAT));
	ASSERT_EQ(vgw_pubaddr_count(VGW_PUBADDR_SNAT), 0);
	/* steer address: an address per worker */
	tables(2, VGW_SNAT_STEER_ADDRESS);
	CU_ASSERT(pool("a", P0, P0, -1, -1, -1, -1) < 0);
	ASSERT_STR(err, "snat steer address: a pool needs an address per worker (2), got 1");
	CU_ASSERT(pool("a", P0, P0 + 1, -1, -1, -1, -1) == 0);
	const struct vgw_snat_pool *p = vgw_snat_pool_by_name(T, "a");
	CU_ASSERT(p->addrs[0].owner != p->addrs[1].owner);
	vgw_snat_destroy(T);
	T = NULL;
}

static void test_subnet_binding(void)
{
	tables(1, VGW_SNAT_STEER_PORT);
	CU_ASSERT_FATAL(pool("all", P0, P0, -1, -1, -1, -1) == 0);
	CU_ASSERT_FATAL(pool("web", P0 + 1, P0 + 1, -1, -1, -1, -1) == 0);
	CU_ASSERT_FATAL(vgw_snat_bind(T, "blue", VNI, 0, 0, "all", err) == 0);
	CU_ASSERT_FATAL(vgw_snat_bind(T, "blue", VNI, A(10, 0, 0, 0), 29, "web", err) == 0);
	const struct vgw_snat_binding *b = vgw_rmap_get(T->binds, &(uint32_t){VNI});
	CU_ASSERT_FATAL(b != NULL);
	CU_ASSERT_STRING_EQUAL(vgw_snat_pool_for(T, b, VM1)->name, "web");
	CU_ASSERT_STRING_EQUAL(vgw_snat_pool_for(T, b, A(10, 0, 0, 9))->name, "all");
	CU_ASSERT(vgw_snat_unbind(T, "blue", VNI, 0, 0, err) == 0);
	b = vgw_rmap_get(T->binds, &(uint32_t){VNI});
	CU_ASSERT(vgw_snat_pool_for(T, b, A(10, 0, 0, 9)) == NULL);
	CU_ASSERT(vgw_snat_unbind(T, "blue", VNI, A(10, 0, 0, 0), 29, err) == 0);
	vgw_snat_destroy(T);
	T = NULL;
}

/* ---- the engine ---- */

/* RFC 4787 REQ-1 / RFC 5382 REQ-1 (endpoint-independent mapping), REQ-2
 * (paired), REQ-11 (deterministic: the same inputs give the same mapping) */
static void test_eim_paired(void)
{
	tables(1, VGW_SNAT_STEER_PORT);
	CU_ASSERT_FATAL(pool("p", P0, P0 + 7, -1, -1, -1, -1) == 0);
	const struct vgw_snat_pool *p = vgw_snat_pool_by_name(T, "p");
	struct vgw_snat_engine *s = engine(0, 1);
	enum vgw_snat_verdict v;
	struct vgw_ct_entry *e1 = out_udp(s, VM1, 5000, R1, 53, p, &v);
	CU_ASSERT_FATAL(e1 != NULL);
	uint32_t pub = e1->vip;
	uint16_t pport = e1->vip_port;
	CU_ASSERT(pport >= 1024);
	struct vgw_ct_entry *e2 = out_udp(s, VM1, 5000, R2, 53, p, &v);
	struct vgw_ct_entry *e3 = out_udp(s, VM1, 5000, R3, 999, p, &v);
	CU_ASSERT_FATAL(e2 && e3 && e2 != e1 && e3 != e2);
	ASSERT_EQ(e2->vip, pub);
	ASSERT_EQ(e2->vip_port, pport);
	ASSERT_EQ(e3->vip_port, pport);
	ASSERT_EQ(s->n_map, 1);
	ASSERT_EQ(s->ct->n, 3);
	/* the same packet again: the same session */
	CU_ASSERT(out_udp(s, VM1, 5000, R1, 53, p, &v) == e1);
	/* another port of the VM: another mapping, the same address */
	for (uint16_t port = 6000; port < 6100; port++) {
		struct vgw_ct_entry *e = out_udp(s, VM1, port, R1, 53, p, &v);
		CU_ASSERT_FATAL(e != NULL);
		ASSERT_EQ(e->vip, pub);
	}
	/* REQ-11: a fresh engine given the same VM takes the same address */
	struct vgw_snat_engine *s2 = engine(0, 1);
	ASSERT_EQ(out_udp(s2, VM1, 5000, R1, 53, p, &v)->vip, pub);
	vgw_snat_engine_destroy(s2);
	vgw_snat_engine_destroy(s);
}

/* Port preservation: a VM's port is kept when its block is the VM's or
 * free; another VM's block, or a port out of the pool's range, is not */
static void test_port_preservation(void)
{
	tables(1, VGW_SNAT_STEER_PORT);
	CU_ASSERT_FATAL(pool("p", P0, P0, -1, -1, -1, -1) == 0);
	const struct vgw_snat_pool *p = vgw_snat_pool_by_name(T, "p");
	struct vgw_snat_engine *s = engine(0, 1);
	enum vgw_snat_verdict v;
	ASSERT_EQ(out_udp(s, VM1, 5000, R1, 53, p, &v)->vip_port, 5000);
	ASSERT_EQ(out_udp(s, VM1, 5001, R1, 53, p, &v)->vip_port, 5001); /* its block */
	uint16_t x = out_udp(s, VM2, 5002, R1, 53, p, &v)->vip_port;    /* VM1's block */
	CU_ASSERT(x >> 6 != 5002 >> 6);
	/* VM2 now holds x's block: its own next port there is kept */
	uint16_t y = (uint16_t)((x & ~63u) | ((x + 1) & 63u));
	ASSERT_EQ(out_udp(s, VM2, y, R1, 53, p, &v)->vip_port, y);
	uint16_t z = out_udp(s, VM1, 80, R1, 53, p, &v)->vip_port; /* below 1024 */
	CU_ASSERT(z >= 1024 && z >> 6 == 5000 >> 6);                 /* in VM1's block */
	vgw_snat_engine_destroy(s);
}

/* RFC 4787 REQ-3 / RFC 5382 REQ-7: no two live mappings share a public
 * address and port, none below 1024; with two workers each takes only the
 * ports it owns (replies find it: vgw_snat_port_owner) */
static void test_ports_unique_owned(void)
{
	tables(2, VGW_SNAT_STEER_PORT);
	CU_ASSERT_FATAL(pool("p", P0, P0 + 1, -1, -1, -1, 100000) == 0);
	const struct vgw_snat_pool *p = vgw_snat_pool_by_name(T, "p");
	struct vgw_snat_engine *s[2] = {engine(0, 2), engine(1, 2)};
	static uint8_t seen[2][65536];
	memset(seen, 0, sizeof(seen));
	enum vgw_snat_verdict v;
	for (int i = 0; i < 4000; i++) {
		unsigned int w = (unsigned int)i & 1;
		uint32_t vm = VM1 + (uint32_t)(i % 50);
		struct vgw_ct_entry *e = out_udp(s[w], vm, (uint16_t)(10000 + i), R1, 53, p, &v);
		CU_ASSERT_FATAL(e != NULL);
		CU_ASSERT(e->vip_port >= 1024);
		const struct vgw_snat_addr *a = vgw_rmap_get(T->addrs, &e->vip);
		CU_ASSERT_FATAL(a != NULL);
		ASSERT_EQ(vgw_snat_port_owner(a, e->vip_port, 2), w);
		uint8_t *x = &seen[e->vip - P0][e->vip_port];
		CU_ASSERT(*x == 0);
		*x = 1;
	}
	vgw_snat_engine_destroy(s[0]);
	vgw_snat_engine_destroy(s[1]);
}

/* The per-VM cap, exhaustion of a tiny pool, and ports coming back only
 * after their sessions time out (RFC 4787 REQ-5: UDP >= 2 min) */
static void test_cap_exhaustion_expiry(void)
{
	tables(1, VGW_SNAT_STEER_PORT);
	CU_ASSERT_FATAL(pool("tiny", P0, P0, -1, 1024, 1151, 100) == 0);
	const struct vgw_snat_pool *p = vgw_snat_pool_by_name(T, "tiny");
	struct vgw_snat_engine *s = engine(0, 1);
	enum vgw_snat_verdict v;
	for (int i = 0; i < 100; i++)
		CU_ASSERT_FATAL(out_udp(s, VM1, (uint16_t)(2000 + i), R1, 53, p, &v) != NULL);
	CU_ASSERT(out_udp(s, VM1, 3000, R1, 53, p, &v) == NULL);
	ASSERT_EQ(v, VGW_SNAT_VM_CAP);
	/* 128 ports in 2 blocks, both VM1's (64 + 36 mapped): no block for VM2,
	 * whose ports would be VM1's neighbours */
	ASSERT_EQ(s->n_blk, 2);
	CU_ASSERT(out_udp(s, VM2, 3000, R1, 53, p, &v) == NULL);
	ASSERT_EQ(v, VGW_SNAT_EXHAUSTED);
	ASSERT_EQ(s->st.exhausted, 1);
	ASSERT_EQ(s->st.vm_cap, 1);
	/* 299 s later nothing expired (UDP 300 s); VM1 refreshes one */
	s->now = 299;
	CU_ASSERT(out_udp(s, VM1, 2000, R1, 53, p, &v) != NULL);
	age_all(s);
	ASSERT_EQ(s->n_map, 100);
	s->now = 301;
	age_all(s);
	ASSERT_EQ(s->n_map, 1);
	ASSERT_EQ(s->n_blk, 1);
	CU_ASSERT(out_udp(s, VM2, 3000, R1, 53, p, &v) != NULL);
	s->now = 700;
	age_all(s);
	ASSERT_EQ(s->n_map, 0);
	ASSERT_EQ(s->n_vm, 0);
	ASSERT_EQ(s->n_blk, 0);
	ASSERT_EQ(s->ports[p->addrs[0].slot][1], 0);
	vgw_snat_engine_destroy(s);
}

/* Filtering, RFC 4787 REQ-8: endpoint-independent lets anyone reach a live
 * mapping, address-dependent only the remotes it sent to; no mapping: an
 * unsolicited drop (RFC 5382 REQ-4) */
static void test_filtering(void)
{
	for (int f = 0; f < 2; f++) {
		tables(1, VGW_SNAT_STEER_PORT);
		CU_ASSERT_FATAL(pool("p", P0, P0, f, -1, -1, -1) == 0);
		const struct vgw_snat_pool *p = vgw_snat_pool_by_name(T, "p");
		struct vgw_snat_engine *s = engine(0, 1);
		enum vgw_snat_verdict v;
		struct vgw_ct_entry *e = out_udp(s, VM1, 5000, R1, 53, p, &v);
		CU_ASSERT_FATAL(e != NULL);
		uint16_t pport = e->vip_port;
		/* the reply */
		struct vgw_ct_entry *r = in_udp(s, R1, 53, P0, pport, (uint8_t)f, &v);
		CU_ASSERT(r == e);
		CU_ASSERT(e->confirmed);
		/* the same remote from another port */
		r = in_udp(s, R1, 54, P0, pport, (uint8_t)f, &v);
		CU_ASSERT(r != NULL);
		if (r) {
			ASSERT_EQ(r->be_ip, VM1);
			ASSERT_EQ(r->be_port, 5000);
		}
		/* another remote */
		r = in_udp(s, R2, 53, P0, pport, (uint8_t)f, &v);
		if (f == VGW_SNAT_EIF) {
			CU_ASSERT(r != NULL);
		} else {
			CU_ASSERT(r == NULL);
			ASSERT_EQ(v, VGW_SNAT_FILTERED);
		}
		/* no mapping on that port */
		CU_ASSERT(in_udp(s, R1, 53, P0, (uint16_t)(pport ^ 1), (uint8_t)f, &v) == NULL);
		ASSERT_EQ(v, VGW_SNAT_UNSOLICITED);
		vgw_snat_engine_destroy(s);
	}
}

/* TCP, RFC 5382 REQ-5: an established connection lives 2 h 4 min idle, a
 * handshake that never completes the transitory 4 min */
static void test_tcp_timeouts(void)
{
	tables(1, VGW_SNAT_STEER_PORT);
	CU_ASSERT_FATAL(pool("p", P0, P0, -1, -1, -1, -1) == 0);
	const struct vgw_snat_pool *p = vgw_snat_pool_by_name(T, "p");
	struct vgw_snat_engine *s = engine(0, 1);
	enum vgw_snat_verdict v;
	struct vgw_ct_key rk = {.vni = VNI, .src = VM1, .dst = R1, .sport = 40000, .dport = 80,
				.proto = 6};
	struct vgw_ct_tcp_seg syn = {.flags = VGW_CT_TCP_SYN, .seq = 1000, .win = 65535,
				     .wscale = -1};
	struct vgw_ct_entry *e = vgw_snat_out(s, &rk, vgw_ct_hash(&rk), p, &syn, &v);
	CU_ASSERT_FATAL(e != NULL);
	ASSERT_EQ(vgw_ct_timeout(s->ct, e), 240);
	struct vgw_ct_key ok = {.vni = 0, .src = R1, .dst = e->vip, .sport = 80,
				.dport = e->vip_port, .proto = 6};
	struct vgw_ct_tcp_seg synack = {.flags = VGW_CT_TCP_SYN | VGW_CT_TCP_ACK, .seq = 5000,
					.ack = 1001, .win = 65535, .wscale = -1};
	CU_ASSERT(vgw_snat_in(s, &ok, vgw_ct_hash(&ok), VGW_SNAT_EIF, &synack, &v) == e);
	struct vgw_ct_tcp_seg ack = {.flags = VGW_CT_TCP_ACK, .seq = 1001, .ack = 5001,
				     .win = 65535, .wscale = -1};
	CU_ASSERT(vgw_snat_out(s, &rk, vgw_ct_hash(&rk), p, &ack, &v) == e);
	ASSERT_EQ(e->tcp.state, VGW_CT_TCP_ESTABLISHED);
	CU_ASSERT(e->confirmed);
	ASSERT_EQ(vgw_ct_timeout(s->ct, e), 7440);
	s->now = 7439;
	age_all(s);
	ASSERT_EQ(s->ct->n, 1);
	s->now = 7441;
	age_all(s);
	ASSERT_EQ(s->ct->n, 0);
	ASSERT_EQ(s->n_map, 0);
	vgw_snat_engine_destroy(s);
}

/* RFC 5382 REQ-2a: simultaneous open (both ends send a SYN) passes: every
 * segment finds the session, and the connection ends up established */
static void test_tcp_simultaneous_open(void)
{
	tables(1, VGW_SNAT_STEER_PORT);
	CU_ASSERT_FATAL(pool("p", P0, P0, VGW_SNAT_ADF, -1, -1, -1) == 0);
	const struct vgw_snat_pool *p = vgw_snat_pool_by_name(T, "p");
	struct vgw_snat_engine *s = engine(0, 1);
	enum vgw_snat_verdict v;
	struct vgw_ct_key rk = {.vni = VNI, .src = VM1, .dst = R1, .sport = 40000, .dport = 5000,
				.proto = 6};
	struct vgw_ct_tcp_seg syn_out = {.flags = VGW_CT_TCP_SYN, .seq = 100, .win = 65535,
					 .wscale = -1};
	struct vgw_ct_entry *e = vgw_snat_out(s, &rk, vgw_ct_hash(&rk), p, &syn_out, &v);
	CU_ASSERT_FATAL(e != NULL);
	struct vgw_ct_key ok = {.vni = 0, .src = R1, .dst = e->vip, .sport = 5000,
				.dport = e->vip_port, .proto = 6};
	struct vgw_ct_tcp_seg syn_in = {.flags = VGW_CT_TCP_SYN, .seq = 900, .win = 65535,
					.wscale = -1};
	CU_ASSERT(vgw_snat_in(s, &ok, vgw_ct_hash(&ok), VGW_SNAT_ADF, &syn_in, &v) == e);
	struct vgw_ct_tcp_seg sa_out = {.flags = VGW_CT_TCP_SYN | VGW_CT_TCP_ACK, .seq = 100,
					.ack = 901, .win = 65535, .wscale = -1};
	CU_ASSERT(vgw_snat_out(s, &rk, vgw_ct_hash(&rk), p, &sa_out, &v) == e);
	struct vgw_ct_tcp_seg sa_in = {.flags = VGW_CT_TCP_SYN | VGW_CT_TCP_ACK, .seq = 900,
				       .ack = 101, .win = 65535, .wscale = -1};
	CU_ASSERT(vgw_snat_in(s, &ok, vgw_ct_hash(&ok), VGW_SNAT_ADF, &sa_in, &v) == e);
	struct vgw_ct_tcp_seg ack = {.flags = VGW_CT_TCP_ACK, .seq = 101, .ack = 901,
				     .win = 65535, .wscale = -1, .len = 10};
	CU_ASSERT(vgw_snat_out(s, &rk, vgw_ct_hash(&rk), p, &ack, &v) == e);
	struct vgw_ct_tcp_seg ack_in = {.flags = VGW_CT_TCP_ACK, .seq = 901, .ack = 111,
					.win = 65535, .wscale = -1, .len = 10};
	CU_ASSERT(vgw_snat_in(s, &ok, vgw_ct_hash(&ok), VGW_SNAT_ADF, &ack_in, &v) == e);
	ASSERT_EQ(s->ct->n, 1);
	ASSERT_EQ(s->n_map, 1);
	printf("(state %s, timeout %u) ", vgw_ct_tcp_state_name(e->tcp.state),
	       vgw_ct_timeout(s->ct, e));
	vgw_snat_engine_destroy(s);
}

/* An address leaving its pool ends its sessions (the workers' sweep), and
 * comes back only once every engine has swept */
static void test_address_removed(void)
{
	tables(1, VGW_SNAT_STEER_PORT);
	CU_ASSERT_FATAL(pool("p", P0, P0, -1, -1, -1, -1) == 0);
	const struct vgw_snat_pool *p = vgw_snat_pool_by_name(T, "p");
	struct vgw_snat_engine *s = engine(0, 1);
	T->engines = 1;
	enum vgw_snat_verdict v;
	for (int i = 0; i < 10; i++)
		CU_ASSERT_FATAL(out_udp(s, VM1, (uint16_t)(5000 + i), R1, 53, p, &v) != NULL);
	struct vgw_snat_pool_spec *sp = calloc(1, sizeof(*sp));
	sp->n = 1;
	sp->lo[0] = sp->hi[0] = P0 + 1;
	sp->filtering = sp->port_lo = sp->port_hi = -1;
	sp->max_per_vm = -1;
	CU_ASSERT_FATAL(vgw_snat_pool_set(T, "p", sp, true, err) == 0);
	/* P0 back before the sweep: refused */
	sp->lo[0] = P0;
	sp->hi[0] = P0 + 1;
	CU_ASSERT(vgw_snat_pool_set(T, "p", sp, true, err) < 0);
	ASSERT_STR(err, "SNAT address 203.0.113.10 is still being released by the workers; "
			"try again in a second");
	p = vgw_snat_pool_by_name(T, "p");
	age_all(s);
	ASSERT_EQ(s->ct->n, 0);
	ASSERT_EQ(s->n_map, 0);
	ASSERT_EQ(s->st.stale_ended, 10);
	CU_ASSERT(vgw_snat_pool_set(T, "p", sp, true, err) == 0);
	/* new mappings use the address the VM has now */
	p = vgw_snat_pool_by_name(T, "p");
	struct vgw_ct_entry *e = out_udp(s, VM1, 5000, R1, 53, p, &v);
	CU_ASSERT(e != NULL && (e->vip == P0 || e->vip == P0 + 1));
	free(sp);
	vgw_snat_engine_destroy(s);
	vgw_snat_destroy(T);
	T = NULL;
}

/* The NIC rules agree with the owner function: every port of every pool
 * address matches exactly one rule per protocol, whose queue is the
 * worker vgw_snat_port_owner names */
static void test_flow_rules(void)
{
	for (unsigned int nw = 1; nw <= 3; nw++) {
		tables(nw, VGW_SNAT_STEER_PORT);
		CU_ASSERT_FATAL(pool("p", P0, P0 + 1, -1, -1, -1, -1) == 0);
		struct vgw_flow_rule r[64];
		uint32_t n = vgw_snat_flow_rules(T, nw, r, 64);
		/* residues: the power of two at or above the workers, TCP and UDP */
		uint32_t res = nw == 1 ? 0 : nw == 2 ? 2 : 4;
		ASSERT_EQ(n, 2 * res * 2);
		const struct vgw_snat_pool *p = vgw_snat_pool_by_name(T, "p");
		for (uint32_t port = 1024; port < 65536 && nw > 1; port += 37)
			for (uint8_t proto = 6; proto <= 17; proto += 11) {
				int hits = 0;
				for (uint32_t i = 0; i < n; i++) {
					if (r[i].dst != P0 || r[i].proto != proto ||
					    (port & r[i].dport_mask) != r[i].dport)
						continue;
					hits++;
					ASSERT_EQ(r[i].queue,
						  vgw_snat_port_owner(&p->addrs[0], (uint16_t)port, nw));
				}
				ASSERT_EQ(hits, 1);
			}
	}
	tables(2, VGW_SNAT_STEER_ADDRESS);
	CU_ASSERT_FATAL(pool("a", P0, P0 + 3, -1, -1, -1, -1) == 0);
	struct vgw_flow_rule r[8];
	ASSERT_EQ(vgw_snat_flow_rules(T, 2, r, 8), 4);
	const struct vgw_snat_pool *p = vgw_snat_pool_by_name(T, "a");
	for (uint32_t i = 0; i < 4; i++) {
		ASSERT_EQ(r[i].dst, p->addrs[i].ip);
		ASSERT_EQ(r[i].dst_mask, 0xffffffffu);
		ASSERT_EQ(r[i].proto, 0);
		ASSERT_EQ(r[i].queue, p->addrs[i].owner);
	}
	vgw_snat_destroy(T);
	T = NULL;
}

static int run(const char *line)
{
	struct vgw_buf out;
	vgw_buf_init(&out);
	int rc = vgw_cli_exec(line, false, &out, err);
	vgw_buf_free(&out);
	return rc;
}

/* The commands refuse bad input with the message the operator sees, and
 * the running config loads back to the same state */
static void test_cli_running_config(void)
{
	tables(1, VGW_SNAT_STEER_PORT);
	vgw_snat_main = T;
	ASSERT_EQ(run("snat pool add p addresses 203.0.113.10-203.0.113.12,203.0.113.20 "
		      "filtering address-dependent ports 2048-4095 max-mappings-per-vm 100"), 0);
	ASSERT_EQ(run("snat pool add q addresses 203.0.113.30"), 0);
	ASSERT_EQ(run("snat bind blue pool p subnet 10.0.0.0/24"), 0);
	ASSERT_EQ(run("snat bind blue pool q"), 0);
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{"snat pool add r addresses 203.0.113.40-", "invalid IPv4 address ''"},
		{"snat pool add r addresses 203.0.113.40 filtering full-cone",
		 "filtering: 'endpoint-independent' or 'address-dependent', not 'full-cone'"},
		{"snat pool add r addresses 203.0.113.40 ports 2048",
		 "ports: expected LO-HI, not '2048'"},
		{"snat pool add r addresses 203.0.113.40 max-mappings-per-vm 0", NULL},
		{"snat pool add r addresses 203.0.113.40 colour blue", NULL},
		{"snat pool replace nope addresses 203.0.113.40", "no SNAT pool named 'nope'"},
		{"snat bind red pool p", "no VPC named 'red'"},
		{"snat bind blue pool p subnet 10.0.0.1/24", NULL},
		{"snat bind blue pool p subnet 0.0.0.0/0",
		 "subnet: /0 is the whole VPC (leave subnet out)"},
		{"snat unbind blue subnet 10.9.0.0/16", "VPC 'blue': 10.9.0.0/16 is not bound"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT(run(bad[i].line) != 0);
		if (bad[i].msg && strcmp(err, bad[i].msg) != 0)
			fprintf(stderr, "\n  '%s': '%s', want '%s'", bad[i].line, err, bad[i].msg);
		CU_ASSERT(!bad[i].msg || strcmp(err, bad[i].msg) == 0);
	}
	struct vgw_buf a, b;
	vgw_buf_init(&a);
	vgw_buf_init(&b);
	vgw_snat_running_config(&a);
	CU_ASSERT_FATAL(a.data != NULL);
	CU_ASSERT(strstr(a.data, "snat pool add p addresses 203.0.113.10-203.0.113.12,203.0.113.20 "
				 "filtering address-dependent ports 2048-4095 "
				 "max-mappings-per-vm 100\n") != NULL);
	CU_ASSERT(strstr(a.data, "snat bind blue pool p subnet 10.0.0.0/24\n") != NULL);
	/* again, from the text alone */
	tables(1, VGW_SNAT_STEER_PORT);
	vgw_snat_main = T;
	char *text = strdup(a.data);
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		CU_ASSERT(run(l) == 0);
	free(text);
	vgw_snat_running_config(&b);
	CU_ASSERT(b.data && strcmp(a.data, b.data) == 0);
	vgw_buf_free(&a);
	vgw_buf_free(&b);
	vgw_snat_main = NULL;
	vgw_snat_destroy(T);
	T = NULL;
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"private hash table agrees with a reference under churn", test_tab_churn},
		{"pools and bindings refuse bad input with a message", test_conf_refusals},
		{"a subnet binding wins over the whole VPC's", test_subnet_binding},
		{"mappings are endpoint-independent, paired and deterministic", test_eim_paired},
		{"a VM's port is kept when its block allows", test_port_preservation},
		{"no two mappings share a public port; each worker uses its own",
		 test_ports_unique_owned},
		{"per-VM cap, exhaustion, and ports back only after the timeout",
		 test_cap_exhaustion_expiry},
		{"endpoint-independent and address-dependent filtering", test_filtering},
		{"TCP timeouts: established 2 h 4 min, transitory 4 min", test_tcp_timeouts},
		{"a removed address ends its sessions before it can come back",
		 test_address_removed},
		{"TCP simultaneous open passes", test_tcp_simultaneous_open},
		{"NIC rules send every public port to its owner", test_flow_rules},
		{"commands refuse bad input; running-config loads back", test_cli_running_config},
	};
	return unit_eal_run("snat", tests, sizeof(tests) / sizeof(tests[0]));
}
