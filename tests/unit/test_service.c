/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_service.c - L4 load-balanced services (lib/lb: service.c and the
 * commands of service_cli.c) on gw_fixture.h's gateway (p0 10.1.0.1/24, p1
 * 10.2.0.1/24 underlay, EAL, rcu NULL, not parallel), with VPC tables holding
 * "blue" (VNI 100) and "red" (VNI 200), and a FIB and a neighbour table so
 * that `show running-config` works.
 *
 * Proves: the validation of service add and backend add/set/del (doc/cli.md's
 * list of refusals), VIPs and EIPs excluding each other, `vpc del` of a VPC
 * with backends, full services / backends, that every refused command leaves
 * running-config and show service [NAME] byte-identical, the published Maglev
 * table (weights, drain/down/weight 0, health down/up, the slots column, order
 * independence), the running-config round trip, the JSON keys, and no heap
 * growth over add/set/del cycles.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/defer.h"
#include "fib/route.h"
#include "gw_fixture.h"
#include "cli_run.h"
#include "lb/maglev.h"
#include "lb/service.h"
#include "neigh/neigh.h"
#include "vpc/vpc.h"


static void nop_tx(uint16_t port, struct rte_mbuf *m) { (void)port; rte_pktmbuf_free(m); }
static struct rte_mbuf *pool_alloc(void) { return rte_pktmbuf_alloc(vgw_gw.pool); }
static void nop_count(int c, uint64_t n) { (void)c, (void)n; }
static const struct vgw_neigh_ops ops = {.tx = nop_tx, .alloc = pool_alloc, .count = nop_count};

/* Fresh VPC tables with no VPC, fresh services (the first time: p1
 * underlay, a FIB, a neighbour table). */
static void reset_empty(void)
{
	if (!vgw_fib_main) {
		vgw_gw.ports[1].role = VGW_ROLE_UNDERLAY;
		snprintf(vgw_gw.set.lcores, sizeof(vgw_gw.set.lcores), "0");
		snprintf(vgw_gw.set.socket_path, sizeof(vgw_gw.set.socket_path), "/tmp/x.sock");
		vgw_fib_main = vgw_fib_create(64, NULL, err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(vgw_fib_main);
		ASSERT_EQ(vgw_fib_route_install_connected(err), 0);
		vgw_neigh_main = vgw_neigh_create(16, NULL, &ops, err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(vgw_neigh_main);
		vgw_buf_init(&out);
	}
	vgw_lb_fini();
	vgw_defer_reclaim();
	vgw_vpc_destroy(vgw_vpc_main);
	vgw_vpc_main = vgw_vpc_create(64, 64, NULL, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vgw_vpc_main);
	ASSERT_EQ(vgw_lb_init(NULL, err), 0);
}

/* ... and the VPCs blue (100) and red (200). */
static void reset(void)
{
	reset_empty();
	OK("vpc add blue vni 100");
	OK("vpc add red vni 200");
}

/* running-config, show vpc / eip / service, and show service NAME of every
 * service, in JSON (own buffers: err is kept). */
static char *snapshot(void)
{
	struct vgw_buf b;
	vgw_buf_init(&b);
	char e[VGW_ERR_LEN], cmd[64];
	static const char *const cmds[] = {"show running-config", "show vpc", "show eip",
					   "show service"};
	for (size_t i = 0; i < 4; i++)
		if (vgw_cli_exec(cmds[i], i > 0, &b, e) != 0)
			vgw_buf_printf(&b, "[%s failed: %s]", cmds[i], e);
	for (int i = 0; i < VGW_LB_SVC_MAX; i++) {
		if (!vgw_lb.svc[i].used)
			continue;
		snprintf(cmd, sizeof(cmd), "show service %s", vgw_lb.svc[i].name);
		if (vgw_cli_exec(cmd, true, &b, e) != 0)
			vgw_buf_printf(&b, "[%s failed: %s]", cmd, e);
	}
	return b.data ? b.data : strdup("");
}

#include "refuse.h"

static const struct vgw_lb_svc *pub_of(uint32_t vip, uint16_t port, uint8_t proto)
{
	struct vgw_lb_svc_key k = {.vip = vip, .port = port, .proto = proto};
	return vgw_rmap_get(vgw_lb.by_vip, &k);
}

/* slots[i]: slots of be[i] in v's table; returns the VGW_LB_MAGLEV_NONE slots. */
static uint32_t count_slots(const struct vgw_lb_svc *v, uint32_t *slots)
{
	uint32_t none = 0;
	memset(slots, 0, sizeof(*slots) * VGW_LB_SVC_BACKENDS_MAX);
	for (uint32_t i = 0; i < v->m; i++) {
		if (v->table[i] == VGW_LB_MAGLEV_NONE)
			none++;
		else if (v->table[i] < v->n_backends)
			slots[v->table[i]]++;
		else
			none += 1000000; /* out of range index: fails every check */
	}
	return none;
}

#define VIP A(198, 51, 100, 10)
#define WEB "service add web vip 198.51.100.10 port 80 proto tcp"
#define BE(n) "backend add web vpc blue ip 192.168.1." #n " port 8080"

/* ---- service add --------------------------------------------------------- */
static void test_service_add(void)
{
	reset();
	OK("eip add 203.0.113.10 vpc blue ip 192.168.1.10");
	OK(WEB);
	const struct vgw_lb_service_cfg *s = vgw_lb_service_by_name("web");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	ASSERT_EQ(s->m, VGW_LB_MAGLEV_DEFAULT_M);
	ASSERT_EQ(s->max_conns, 0);
	const struct vgw_lb_svc *v = pub_of(VIP, 80, 6);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_PTR_EQUAL(v, s->pub);
	ASSERT_EQ(v->n_backends, 0);
	uint32_t slots[VGW_LB_SVC_BACKENDS_MAX];
	ASSERT_EQ(count_slots(v, slots), VGW_LB_MAGLEV_DEFAULT_M); /* every slot NONE */
	/* names */
	REFUSED(vgw_lb_service_add("", (struct vgw_lb_svc_key){VIP, 81, 6, 0}, 7, 0, err),
		"invalid service name ''");
	REFUSE("service add 9web vip 198.51.100.10 port 81 proto tcp", "invalid service name");
	REFUSE("service add -web vip 198.51.100.10 port 81 proto tcp", "starting with a letter");
	REFUSE("service add abcdefghijklmnopqrstuvwxyz012345 vip 198.51.100.10 port 81 proto tcp",
	       "1-31 letters");
	REFUSED(vgw_lb_service_add("a b", (struct vgw_lb_svc_key){VIP, 81, 6, 0}, 7, 0, err),
		"invalid service name");
	OK("service add abcdefghijklmnopqrstuvwxyz01234 vip 198.51.100.10 port 90 proto tcp");
	OK("service add a-b_c.D9 vip 198.51.100.10 port 91 proto tcp");
	/* protocol, port */
	REFUSE("service add x vip 198.51.100.10 port 81 proto icmp",
	       "proto must be tcp or udp, not 'icmp'");
	REFUSED(vgw_lb_service_add("x", (struct vgw_lb_svc_key){VIP, 81, 1, 0}, 7, 0, err),
		"protocol must be tcp or udp");
	REFUSE("service add x vip 198.51.100.10 port 0 proto tcp", "out of range [1, 65535]");
	REFUSE("service add x vip 198.51.100.10 port 65536 proto tcp", "out of range");
	REFUSE("service add x vip 198.51.100.10 port abc proto tcp", "invalid number 'abc'");
	REFUSED(vgw_lb_service_add("x", (struct vgw_lb_svc_key){VIP, 0, 6, 0}, 7, 0, err),
		"port 0 is not valid");
	REFUSE("service add x vip 198.51.100.10 proto tcp", "missing argument");
	REFUSE("service add x vip 198.51.100.10 prot 81 proto tcp", "unexpected 'prot'");
	REFUSE("service add x vip 198.51.100.10 port 81 proto tcp weight 3", "unexpected 'weight'");
	/* VIP */
	static const char *const bad[] = {"0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255"};
	char cmd[160], want[100];
	for (size_t i = 0; i < 4; i++) {
		snprintf(cmd, sizeof(cmd), "service add x vip %s port 81 proto tcp", bad[i]);
		snprintf(want, sizeof(want), "VIP %s is not a unicast host address", bad[i]);
		REFUSE(cmd, want);
	}
	REFUSE("service add x vip 198.51.100 port 81 proto tcp", "");
	REFUSE("service add x vip 10.1.0.1 port 81 proto tcp",
	       "VIP 10.1.0.1 is an address of this gateway or an EIP");
	REFUSE("service add x vip 10.2.0.1 port 81 proto tcp", "an address of this gateway");
	REFUSE("service add x vip 203.0.113.10 port 81 proto tcp",
	       "VIP 203.0.113.10 is an address of this gateway or an EIP");
	/* table size */
	REFUSE("service add x vip 198.51.100.10 port 81 proto tcp table-size 65536",
	       "table-size 65536 must be a prime up to 1048573");
	REFUSE("service add x vip 198.51.100.10 port 81 proto tcp table-size 1", "out of range [2, 1048573]");
	REFUSE("service add x vip 198.51.100.10 port 81 proto tcp table-size 0", "out of range [2, 1048573]");
	REFUSE("service add x vip 198.51.100.10 port 81 proto tcp table-size 1048576",
	       "number '1048576' out of range");
	REFUSE("service add x vip 198.51.100.10 port 81 proto tcp table-size 1048583",
	       "out of range [2, 1048573]"); /* a prime, too large */
	REFUSED(vgw_lb_service_add("x", (struct vgw_lb_svc_key){VIP, 81, 6, 0}, 1048583, 0, err),
		"table-size 1048583 must be a prime up to 1048573");
	REFUSED(vgw_lb_service_add("x", (struct vgw_lb_svc_key){VIP, 81, 6, 0}, 0, 0, err),
		"must be a prime");
	REFUSE("service add x vip 198.51.100.10 port 81 proto tcp max-conns -1", "invalid number '-1'");
	OK("service add big vip 198.51.100.10 port 82 proto tcp table-size 1048573 max-conns 5");
	ASSERT_EQ(pub_of(VIP, 82, 6)->m, 1048573);
	ASSERT_EQ(vgw_lb_service_by_name("big")->max_conns, 5);
	OK("service add tiny vip 198.51.100.10 port 83 proto tcp table-size 2");
	/* duplicates */
	REFUSE("service add web vip 198.51.100.11 port 80 proto tcp", "service 'web' already exists");
	REFUSE("service add x vip 198.51.100.10 port 80 proto tcp",
	       "a service for 198.51.100.10 port 80 tcp already exists");
	OK("service add webu vip 198.51.100.10 port 80 proto udp"); /* other protocol */
	OK("service add web2 vip 198.51.100.10 port 8080 proto tcp"); /* other port */
	REFUSE("service add x vip 198.51.100.10 port 80 proto udp", "port 80 udp already exists");
	CU_ASSERT_PTR_NULL(vgw_lb_service_by_name("x"));
	ASSERT_EQ(vgw_lb.by_vip->n, 7);
	/* del frees the name and the VIP:port */
	REFUSE("service del nosuch", "no service named 'nosuch'");
	OK("service del web");
	CU_ASSERT_PTR_NULL(pub_of(VIP, 80, 6));
	OK("service add x vip 198.51.100.10 port 80 proto tcp");
	OK("service add web vip 198.51.100.12 port 80 proto tcp");
}

/* 1024 services and the 1025th refused. */
static void test_service_full(void)
{
	reset();
	int fails = 0;
	for (int i = 0; i < VGW_LB_SVC_MAX; i++) {
		char name[16];
		snprintf(name, sizeof(name), "s%d", i);
		fails += vgw_lb_service_add(name,
					    (struct vgw_lb_svc_key){VIP, (uint16_t)(i + 1), 6, 0},
					    7, 0, err) != 0;
	}
	ASSERT_EQ(fails, 0);
	ASSERT_EQ(vgw_lb.by_vip->n, VGW_LB_SVC_MAX);
	REFUSE("service add last vip 198.51.100.10 port 5000 proto tcp table-size 7",
	       "at most 1024 services");
	OK("service del s17");
	OK("service add last vip 198.51.100.10 port 5000 proto tcp table-size 7");
	CU_ASSERT_PTR_NOT_NULL(pub_of(VIP, 5000, 6));
}

/* ---- VIPs vs EIPs, VPCs with backends ----------------------------------- */
static void test_cross_checks(void)
{
	reset();
	OK(WEB " table-size 7");
	REFUSE("eip add 198.51.100.10 vpc blue ip 192.168.1.10",
	       "EIP 198.51.100.10 is an address of this gateway or a VIP");
	OK(BE(10));
	OK(BE(11));
	OK("backend add web vpc red ip 192.168.1.10 port 8080");
	ASSERT_EQ(vgw_lb_backends_in(100), 2);
	REFUSE("vpc del blue", "VPC 'blue' is in use by 0 endpoint(s), 0 EIP(s) and 2 backend(s) or SNAT binding(s)");
	REFUSE("vpc del red", "and 1 backend(s) or SNAT binding(s)");
	OK("backend del web vpc blue ip 192.168.1.10 port 8080");
	REFUSE("vpc del blue", "and 1 backend(s) or SNAT binding(s)");
	OK("backend del web vpc blue ip 192.168.1.11 port 8080");
	OK("vpc del blue");
	OK("service del web"); /* its backends go with it */
	ASSERT_EQ(vgw_lb_backends_in(200), 0);
	OK("vpc del red");
	OK("vpc add blue vni 100");
	OK("eip add 198.51.100.10 vpc blue ip 192.168.1.10"); /* no longer a VIP */
}

/* ---- backends ------------------------------------------------------------ */
static void test_backend(void)
{
	reset();
	OK(WEB " table-size 7");
	REFUSE("backend add nosuch vpc blue ip 192.168.1.10 port 8080", "no service named 'nosuch'");
	REFUSE("backend add web vpc green ip 192.168.1.10 port 8080", "no VPC named 'green'");
	OK(BE(10));
	const struct vgw_lb_service_cfg *s = vgw_lb_service_by_name("web");
	ASSERT_EQ(s->be[0].weight, 1);
	ASSERT_EQ(s->be[0].admin, VGW_LB_BE_UP);
	REFUSE(BE(10), "backend 192.168.1.10 port 8080 in VPC 'blue' is already in 'web'");
	REFUSE(BE(10) " weight 5", "already in 'web'");
	OK("backend add web vpc red ip 192.168.1.10 port 8080"); /* another VPC */
	OK("backend add web vpc blue ip 192.168.1.10 port 8081"); /* another port */
	REFUSE(BE(11) " weight 1001", "out of range [0, 1000]");
	REFUSE(BE(11) " weight -1", "invalid number '-1'");
	REFUSE(BE(11) " weight abc", "invalid number 'abc'");
	REFUSED(vgw_lb_backend_add("web", "blue", A(192, 168, 1, 11), 8080, 1001, err),
		"weight 1001 out of range 0-1000");
	REFUSE("backend add web vpc blue ip 192.168.1.11 port 0", "out of range [1, 65535]");
	REFUSED(vgw_lb_backend_add("web", "blue", A(192, 168, 1, 11), 0, 1, err),
		"backend 192.168.1.11 port 0 is not a unicast host and port");
	REFUSE("backend add web vpc blue ip 127.0.0.1 port 8080", "is not a unicast host");
	REFUSE("backend add web vpc blue ip 224.0.0.1 port 8080", "is not a unicast host");
	REFUSE(BE(11) " state drain", "state is set with 'backend set'");
	OK(BE(11) " weight 0");
	ASSERT_EQ(s->be[3].weight, 0);
	OK(BE(12) " weight 1000");
	ASSERT_EQ(s->n_backends, 5);
	/* set */
	REFUSE("backend set web vpc blue ip 192.168.1.12 port 8080",
	       "nothing to set: give weight and/or state");
	REFUSE("backend set web vpc blue ip 192.168.1.12 port 8080 state off",
	       "state must be up, down or drain, not 'off'");
	REFUSE("backend set web vpc blue ip 192.168.1.12 port 8080 weight 1001", "out of range");
	REFUSE("backend set web vpc blue ip 192.168.1.99 port 8080 weight 2",
	       "no backend 192.168.1.99 port 8080 in VPC 'blue' in 'web'");
	REFUSE("backend set web vpc green ip 192.168.1.12 port 8080 weight 2", "no VPC named");
	REFUSE("backend set nosuch vpc blue ip 192.168.1.12 port 8080 weight 2", "no service");
	REFUSED(vgw_lb_backend_set("web", "blue", A(192, 168, 1, 12), 8080, 1001, -1, err),
		"weight 1001 out of range");
	OK("backend set web vpc blue ip 192.168.1.12 port 8080 state drain");
	ASSERT_EQ(s->be[4].admin, VGW_LB_BE_DRAIN);
	ASSERT_EQ(s->be[4].weight, 1000);
	OK("backend set web vpc blue ip 192.168.1.12 port 8080 weight 7 state down");
	ASSERT_EQ(s->be[4].admin, VGW_LB_BE_DOWN);
	ASSERT_EQ(s->be[4].weight, 7);
	OK("backend set web vpc blue ip 192.168.1.12 port 8080 state up");
	ASSERT_EQ(s->be[4].admin, VGW_LB_BE_UP);
	/* del */
	REFUSE("backend del web vpc blue ip 192.168.1.99 port 8080", "no backend 192.168.1.99");
	REFUSE("backend del web vpc green ip 192.168.1.10 port 8080", "no VPC named 'green'");
	REFUSE("backend del nosuch vpc blue ip 192.168.1.10 port 8080", "no service named");
	REFUSE("backend del web vpc blue ip 192.168.1.10 port 8080 weight 1", "too many arguments");
	OK("backend del web vpc red ip 192.168.1.10 port 8080");
	ASSERT_EQ(s->n_backends, 4);
	ASSERT_EQ(s->pub->n_backends, 4);
	ASSERT_EQ(s->be[1].port, 8081); /* order kept */
	REFUSE("backend del web vpc red ip 192.168.1.10 port 8080", "no backend");
}

/* 256 backends in a service and the 257th refused. */
static void test_backend_full(void)
{
	reset();
	OK(WEB " table-size 7");
	int fails = 0;
	for (uint32_t i = 0; i < VGW_LB_SVC_BACKENDS_MAX; i++)
		fails += vgw_lb_backend_add("web", "blue", A(192, 168, 2 + i / 200, 1 + i % 200),
					    8080, -1, err) != 0;
	ASSERT_EQ(fails, 0);
	ASSERT_EQ(vgw_lb_service_by_name("web")->pub->n_backends, VGW_LB_SVC_BACKENDS_MAX);
	REFUSE("backend add web vpc red ip 192.168.1.10 port 8080", "at most 256 backends per service");
	OK("backend del web vpc blue ip 192.168.2.5 port 8080");
	OK("backend add web vpc red ip 192.168.1.10 port 8080");
	OK("service add web2 vip 198.51.100.10 port 81 proto tcp table-size 7");
	OK("backend add web2 vpc red ip 192.168.1.10 port 8080"); /* other service */
}

/* ---- the published Maglev table ----------------------------------------- */

/* Every backend's slots from `show service NAME` (text) equal slots[]. */
static void check_show_slots(const char *name, const uint32_t *slots, uint16_t n)
{
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "show service %s", name);
	ASSERT_EQ(run(cmd, false), 0);
	char *hdr = strstr(out.data, "SLOTS");
	CU_ASSERT_PTR_NOT_NULL_FATAL(hdr);
	while (hdr > out.data && hdr[-1] != '\n')
		hdr--;
	/* the column of "slots" in the header row */
	int col = -1, k = 0;
	char *copy = strdup(hdr), *save = NULL, *line = strtok_r(copy, "\n", &save), *s2 = NULL;
	for (char *w = strtok_r(line, " ", &s2); w; w = strtok_r(NULL, " ", &s2), k++)
		if (strcmp(w, "SLOTS") == 0)
			col = k;
	CU_ASSERT_FATAL(col >= 0);
	uint16_t rows = 0;
	for (line = strtok_r(NULL, "\n", &save); line && rows < n; line = strtok_r(NULL, "\n", &save)) {
		k = 0;
		for (char *w = strtok_r(line, " ", &s2); w; w = strtok_r(NULL, " ", &s2), k++)
			if (k == col)
				ASSERT_EQ(strtoul(w, NULL, 10), slots[rows]);
		rows++;
	}
	ASSERT_EQ(rows, n);
	free(copy);
}

static void test_publication(void)
{
	reset();
	OK(WEB);
	OK(BE(1) " weight 1");
	OK(BE(2) " weight 2");
	OK(BE(3) " weight 3");
	struct vgw_lb_service_cfg *s = vgw_lb_service_by_name("web");
	const struct vgw_lb_svc *v = pub_of(VIP, 80, 6);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_PTR_EQUAL(v, s->pub);
	ASSERT_EQ(v->n_backends, 3);
	ASSERT_EQ(v->m, 65537);
	ASSERT_EQ(v->be[2].ip, A(192, 168, 1, 3));
	ASSERT_EQ(v->be[2].vni, 100);
	ASSERT_EQ(v->be[2].port, 8080);
	uint32_t slots[VGW_LB_SVC_BACKENDS_MAX];
	ASSERT_EQ(count_slots(v, slots), 0);
	for (int i = 0; i < 3; i++) {
		double want = 65537.0 * (i + 1) / 6, got = slots[i];
		if (got < want * 0.97 || got > want * 1.03)
			fprintf(stderr, "\n  backend %d: %u slots, want %.0f +-3%%\n", i, slots[i], want);
		CU_ASSERT(got >= want * 0.97 && got <= want * 1.03);
	}
	check_show_slots("web", slots, 3);
	/* drain, down and weight 0 hold no slot */
	OK(BE(4) " weight 0");
	OK(BE(5) " weight 5");
	OK(BE(6) " weight 5");
	OK("backend set web vpc blue ip 192.168.1.5 port 8080 state drain");
	OK("backend set web vpc blue ip 192.168.1.6 port 8080 state down");
	v = pub_of(VIP, 80, 6);
	ASSERT_EQ(v->n_backends, 6);
	ASSERT_EQ(count_slots(v, slots), 0);
	ASSERT_EQ(slots[3], 0);
	ASSERT_EQ(slots[4], 0);
	ASSERT_EQ(slots[5], 0);
	ASSERT_EQ(slots[0] + slots[1] + slots[2], 65537);
	check_show_slots("web", slots, 6);
	ASSERT_EQ(run("show service web", true), 0);
	ASSERT_CONTAINS(out.data, "\"backends\":6,\"usable\":3");
	/* health down removes the slots, up restores exactly the same table */
	uint16_t *saved = malloc(65537 * sizeof(*saved));
	memcpy(saved, v->table, 65537 * sizeof(*saved));
	vgw_lb_backend_health(s, &s->be[1], VGW_LB_HEALTH_UP); /* unknown -> up: still usable */
	CU_ASSERT_PTR_EQUAL(pub_of(VIP, 80, 6), v);
	vgw_lb_backend_health(s, &s->be[1], VGW_LB_HEALTH_DOWN);
	const struct vgw_lb_svc *v2 = pub_of(VIP, 80, 6);
	CU_ASSERT_PTR_NOT_EQUAL(v2, v);
	CU_ASSERT_PTR_EQUAL(v2, s->pub);
	ASSERT_EQ(count_slots(v2, slots), 0);
	ASSERT_EQ(slots[1], 0);
	ASSERT_EQ(slots[0] + slots[2], 65537);
	check_show_slots("web", slots, 6);
	ASSERT_EQ(run("show service web", true), 0);
	ASSERT_CONTAINS(out.data, "\"health\":\"down\"");
	ASSERT_CONTAINS(out.data, "\"usable\":2");
	vgw_lb_backend_health(s, &s->be[1], VGW_LB_HEALTH_UP);
	v = pub_of(VIP, 80, 6);
	CU_ASSERT_PTR_NOT_EQUAL(v, v2);
	CU_ASSERT(memcmp(saved, v->table, 65537 * sizeof(*saved)) == 0);
	/* all down: every slot NONE */
	OK("backend set web vpc blue ip 192.168.1.1 port 8080 weight 0");
	OK("backend set web vpc blue ip 192.168.1.2 port 8080 state drain");
	OK("backend set web vpc blue ip 192.168.1.3 port 8080 state down");
	ASSERT_EQ(count_slots(pub_of(VIP, 80, 6), slots), 65537);
	/* back as they were: the same table again */
	OK("backend set web vpc blue ip 192.168.1.1 port 8080 weight 1");
	OK("backend set web vpc blue ip 192.168.1.2 port 8080 state up");
	OK("backend set web vpc blue ip 192.168.1.3 port 8080 state up");
	CU_ASSERT(memcmp(saved, pub_of(VIP, 80, 6)->table, 65537 * sizeof(*saved)) == 0);
	free(saved);
	vgw_defer_reclaim();
	ASSERT_EQ(vgw_defer_pending(), 0);
}

/* Two services with the same backends added in different orders (as on two
 * gateway nodes) send every slot to the same backend. */
static void test_order_independence(void)
{
	reset();
	OK("service add a vip 198.51.100.10 port 80 proto tcp table-size 4099");
	OK("service add b vip 198.51.100.20 port 80 proto tcp table-size 4099");
	static const char *const be[] = {"vpc blue ip 192.168.1.1 port 80 weight 3",
					 "vpc blue ip 192.168.1.2 port 80 weight 1",
					 "vpc red ip 192.168.1.1 port 80 weight 2",
					 "vpc blue ip 192.168.1.1 port 81 weight 1",
					 "vpc red ip 192.168.1.9 port 80 weight 7"};
	char cmd[128];
	for (int i = 0; i < 5; i++) {
		snprintf(cmd, sizeof(cmd), "backend add a %s", be[i]);
		OK(cmd);
		snprintf(cmd, sizeof(cmd), "backend add b %s", be[(i * 2 + 3) % 5]);
		OK(cmd);
	}
	const struct vgw_lb_svc *a = pub_of(A(198, 51, 100, 10), 80, 6);
	const struct vgw_lb_svc *b = pub_of(A(198, 51, 100, 20), 80, 6);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_FATAL(a->be[0].ip != b->be[0].ip || a->be[0].vni != b->be[0].vni ||
			a->be[0].port != b->be[0].port); /* the orders differ */
	uint32_t diff = 0, none = 0;
	for (uint32_t i = 0; i < 4099; i++) {
		if (a->table[i] == VGW_LB_MAGLEV_NONE || b->table[i] == VGW_LB_MAGLEV_NONE) {
			none++;
			continue;
		}
		const struct vgw_lb_svc_backend *x = &a->be[a->table[i]], *y = &b->be[b->table[i]];
		diff += x->vni != y->vni || x->ip != y->ip || x->port != y->port;
	}
	ASSERT_EQ(none, 0);
	ASSERT_EQ(diff, 0);
}

/* Backends in VPCs whose VNIs differ only above bit 15 (100 and 65636 =
 * 0x10064) with the same address are distinct backends: the table must not
 * depend on their order (regression: a key of vni << 48 ^ ip << 16 ^ port
 * dropped the VNI's top 8 bits and made both keys equal). */
static void test_vni_key_distinct(void)
{
	reset();
	OK("vpc add green vni 65636");
	OK("service add a vip 198.51.100.10 port 80 proto tcp table-size 4099");
	OK("service add b vip 198.51.100.20 port 80 proto tcp table-size 4099");
	OK("backend add a vpc blue ip 192.168.1.1 port 80");
	OK("backend add a vpc green ip 192.168.1.1 port 80");
	OK("backend add b vpc green ip 192.168.1.1 port 80");
	OK("backend add b vpc blue ip 192.168.1.1 port 80");
	const struct vgw_lb_svc *x = pub_of(A(198, 51, 100, 10), 80, 6);
	const struct vgw_lb_svc *y = pub_of(A(198, 51, 100, 20), 80, 6);
	uint32_t diff = 0;
	for (uint32_t i = 0; i < 4099; i++)
		diff += x->be[x->table[i]].vni != y->be[y->table[i]].vni;
	if (diff)
		fprintf(stderr, "\n  %u of 4099 slots go to another VPC's backend\n", diff);
	ASSERT_EQ(diff, 0);
}

/* Like eip add, service add refuses the network and broadcast addresses of
 * a port's subnet (regression: they were accepted). */
static void test_vip_subnet_edge(void)
{
	reset();
	REFUSE("service add x vip 10.1.0.255 port 80 proto tcp table-size 7",
	       "network or broadcast address");
	REFUSE("service add y vip 10.2.0.0 port 80 proto tcp table-size 7",
	       "network or broadcast address");
}

/* ---- running-config and JSON ------------------------------------------- */
static void test_running_config(void)
{
	reset();
	OK("service add web vip 198.51.100.10 port 80 proto tcp table-size 251 max-conns 1000");
	OK("service add dns vip 198.51.100.10 port 53 proto udp");
	OK("service del web");
	OK("service add web vip 198.51.100.10 port 80 proto tcp table-size 251 max-conns 1000 "
	   "check-interval 500 check-fall 2");
	OK(BE(1) " weight 3");
	OK(BE(2) " weight 0");
	OK(BE(3));
	OK(BE(4));
	OK("backend add web vpc red ip 192.168.1.1 port 8080 weight 1000");
	OK("backend set web vpc blue ip 192.168.1.3 port 8080 state drain");
	OK("backend set web vpc blue ip 192.168.1.4 port 8080 state down");
	OK("backend add dns vpc red ip 192.168.1.53 port 53");
	ASSERT_EQ(run("show running-config", false), 0);
	char *first = strdup(out.data);
	ASSERT_CONTAINS(first,
		"service add web vip 198.51.100.10 port 80 proto tcp table-size 251 max-conns 1000 "
		"check tcp check-interval 500 check-rise 2 check-fall 2\n"
		"backend add web vpc blue ip 192.168.1.1 port 8080 weight 3\n"
		"backend add web vpc blue ip 192.168.1.2 port 8080 weight 0\n"
		"backend add web vpc blue ip 192.168.1.3 port 8080 weight 1\n"
		"backend set web vpc blue ip 192.168.1.3 port 8080 state drain\n"
		"backend add web vpc blue ip 192.168.1.4 port 8080 weight 1\n"
		"backend set web vpc blue ip 192.168.1.4 port 8080 state down\n"
		"backend add web vpc red ip 192.168.1.1 port 8080 weight 1000\n"
		"service add dns vip 198.51.100.10 port 53 proto udp table-size 65537 max-conns 0 "
		"check none check-interval 800 check-rise 2 check-fall 2\n"
		"backend add dns vpc red ip 192.168.1.53 port 53 weight 1\n");
	CU_ASSERT(strstr(first, "vpc add blue") < strstr(first, "service add"));
	uint16_t *tab = malloc(251 * sizeof(*tab));
	memcpy(tab, vgw_lb_service_by_name("web")->pub->table, 251 * sizeof(*tab));
	/* replay everything on empty tables */
	reset_empty();
	const char *cmds = strstr(first, "# commands\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cmds);
	char *copy = strdup(cmds), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (line[0] != '#')
			OK(line);
	free(copy);
	ASSERT_EQ(run("show running-config", false), 0);
	ASSERT_STR(out.data, first);
	free(first);
	CU_ASSERT(memcmp(tab, pub_of(VIP, 80, 6)->table, 251 * sizeof(*tab)) == 0);
	free(tab);
}

static void test_json(void)
{
	reset();
	ASSERT_EQ(run("show service", true), 0);
	ASSERT_STR(out.data, "{\"services\":[]}\n");
	REFUSE("show service web", "no service named 'web'");
	OK(WEB " table-size 7 max-conns 9");
	OK(BE(1) " weight 2");
	OK("backend add web vpc red ip 192.168.1.2 port 8080");
	OK("backend set web vpc red ip 192.168.1.2 port 8080 state drain");
	ASSERT_EQ(run("show service", true), 0);
	ASSERT_STR(out.data, "{\"services\":[{\"name\":\"web\",\"vip\":\"198.51.100.10\",\"port\":80,"
			     "\"proto\":\"tcp\",\"scheduler\":\"maglev\",\"table_size\":7,"
			     "\"max_conns\":9,\"check\":\"tcp\",\"check_interval_ms\":800,"
			     "\"check_rise\":2,\"check_fall\":2,\"backends\":2,\"usable\":1,"
			     "\"active_conns\":0,\"total_conns\":0,\"established_conns\":0,\"packets_in\":0,\"bytes_in\":0,\"packets_out\":0,\"bytes_out\":0}]}\n");
	ASSERT_EQ(run("show service web", true), 0);
	ASSERT_STR(out.data, "{\"name\":\"web\",\"vip\":\"198.51.100.10\",\"port\":80,"
			     "\"proto\":\"tcp\",\"scheduler\":\"maglev\",\"table_size\":7,"
			     "\"max_conns\":9,\"check\":\"tcp\",\"check_interval_ms\":800,"
			     "\"check_rise\":2,\"check_fall\":2,\"backends\":2,\"usable\":1,"
			     "\"active_conns\":0,\"total_conns\":0,\"established_conns\":0,\"packets_in\":0,\"bytes_in\":0,\"packets_out\":0,\"bytes_out\":0,\"backend\":["
			     "{\"vpc\":\"blue\",\"ip\":\"192.168.1.1\",\"port\":8080,\"weight\":2,"
			     "\"state\":\"up\",\"health\":\"unknown\",\"slots\":7,"
			     "\"active_conns\":0,\"total_conns\":0,\"established_conns\":0,\"packets_in\":0,\"bytes_in\":0,\"packets_out\":0,\"bytes_out\":0},"
			     "{\"vpc\":\"red\",\"ip\":\"192.168.1.2\",\"port\":8080,\"weight\":1,"
			     "\"state\":\"drain\",\"health\":\"unknown\",\"slots\":0,"
			     "\"active_conns\":0,\"total_conns\":0,\"established_conns\":0,\"packets_in\":0,\"bytes_in\":0,\"packets_out\":0,\"bytes_out\":0}]}\n");
	OK("show service web");
	ASSERT_CONTAINS(out.data, "192.168.1.2");
	ASSERT_CONTAINS(out.data, "drain");
}

/* ---- leaks --------------------------------------------------------------- */
static size_t heap(void)
{
	vgw_defer_reclaim();
	return mallinfo2().uordblks;
}

/* Adds, changes, refuses and deletes one service and its backends; returns
 * the failures. */
static int cycle(void)
{
	struct vgw_lb_svc_key k = {VIP, 80, 6, 0};
	int bad = vgw_lb_service_add("web", k, 251, 0, err) != 0;
	bad += vgw_lb_service_add("web2", k, 251, 0, err) != -1;
	for (uint32_t i = 0; i < 8; i++) {
		uint32_t ip = A(192, 168, 1, 10 + i);
		bad += vgw_lb_backend_add("web", i % 2 ? "blue" : "red", ip, 80, (int)i, err) != 0;
		bad += vgw_lb_backend_add("web", i % 2 ? "blue" : "red", ip, 80, 1, err) != -1;
		bad += vgw_lb_backend_set("web", i % 2 ? "blue" : "red", ip, 80, 5, VGW_LB_BE_DRAIN,
					  err) != 0;
		bad += vgw_lb_backend_set("web", i % 2 ? "blue" : "red", ip, 80, -1, VGW_LB_BE_UP, err) != 0;
		bad += vgw_lb_backend_set("web", "blue", ip, 81, 5, -1, err) != -1;
	}
	struct vgw_lb_service_cfg *s = vgw_lb_service_by_name("web");
	vgw_lb_backend_health(s, &s->be[3], VGW_LB_HEALTH_DOWN);
	vgw_lb_backend_health(s, &s->be[3], VGW_LB_HEALTH_UP);
	bad += vgw_vpc_del(vgw_vpc_main, "blue", err) != -1;
	for (uint32_t i = 0; i < 4; i++)
		bad += vgw_lb_backend_del("web", i % 2 ? "blue" : "red", A(192, 168, 1, 10 + i), 80,
					  err) != 0;
	bad += vgw_lb_service_del("web", err) != 0; /* with 4 backends left */
	vgw_defer_reclaim();
	return bad;
}

/* check options and service set: validation with no change, defaults, and
 * `check none` forgetting verdicts. */
static void test_check_options(void)
{
	reset();
	REFUSE("service add dns vip 198.51.100.10 port 53 proto udp check tcp",
	       "check tcp needs a tcp service");
	REFUSE(WEB " check-interval 99", "");
	REFUSE(WEB " check-interval 60001", "");
	REFUSE(WEB " check-rise 0", "");
	REFUSE(WEB " check-fall 11", "");
	REFUSE(WEB " check maybe", "check must be tcp or none");
	CU_ASSERT_PTR_NULL(vgw_lb_service_by_name("web")); /* nothing half-added */
	OK(WEB);
	struct vgw_lb_service_cfg *s = vgw_lb_service_by_name("web");
	CU_ASSERT_FATAL(s != NULL);
	/* the defaults: a dead backend down within 3 s (service.h) */
	CU_ASSERT(s->check.kind == VGW_LB_CHECK_TCP && s->check.interval_ms == 800 &&
		  s->check.rise == 2 && s->check.fall == 2);
	OK("service add dns vip 198.51.100.10 port 53 proto udp");
	CU_ASSERT(vgw_lb_service_by_name("dns")->check.kind == VGW_LB_CHECK_NONE);
	REFUSE("service set web", "nothing to set");
	REFUSE("service set nope max-conns 1", "no service named 'nope'");
	REFUSE("service set dns check tcp", "check tcp needs a tcp service");
	REFUSE("service set web check-rise 11", "");
	REFUSE("service set web max-conns 5 check-fall 0", ""); /* nothing half-set */
	OK("service set web max-conns 5 check-interval 700 check-rise 1");
	CU_ASSERT(s->max_conns == 5 && s->pub->max_conns == 5 && s->check.interval_ms == 700 &&
		  s->check.rise == 1 && s->check.fall == 2);
	OK(BE(1));
	vgw_lb_backend_health(s, &s->be[0], VGW_LB_HEALTH_DOWN);
	CU_ASSERT(s->pub->table[0] == VGW_LB_MAGLEV_NONE);
	OK("service set web check none");
	CU_ASSERT(s->be[0].health == VGW_LB_HEALTH_UNKNOWN && s->pub->table[0] == 0);
}

/* The worker-side markers follow every add/del: VIP addresses, and backend
 * (VNI, IP, port, protocol) tuples shared by several services. */
static void test_markers(void)
{
	reset();
	uint32_t be = A(192, 168, 1, 1);
	CU_ASSERT(!vgw_lb_is_vip_addr(VIP));
	OK(WEB);
	OK("service add web2 vip 198.51.100.10 port 81 proto tcp");
	CU_ASSERT(vgw_lb_is_vip_addr(VIP));
	CU_ASSERT(!vgw_lb_is_vip_addr(VIP + 1));
	OK(BE(1));
	OK("backend add web2 vpc blue ip 192.168.1.1 port 8080");
	CU_ASSERT(vgw_lb_is_backend(100, be, 8080, 6));
	CU_ASSERT(!vgw_lb_is_backend(100, be, 8080, 17));
	CU_ASSERT(!vgw_lb_is_backend(200, be, 8080, 6));
	CU_ASSERT(!vgw_lb_is_backend(100, be, 8081, 6));
	OK("backend del web vpc blue ip 192.168.1.1 port 8080");
	CU_ASSERT(vgw_lb_is_backend(100, be, 8080, 6)); /* still web2's */
	OK("service del web");
	CU_ASSERT(vgw_lb_is_vip_addr(VIP)); /* still web2's */
	OK("service del web2");
	CU_ASSERT(!vgw_lb_is_backend(100, be, 8080, 6));
	CU_ASSERT(!vgw_lb_is_vip_addr(VIP));
	CU_ASSERT(vgw_lb.vip_addrs->n == 0 && vgw_lb.be_ports->n == 0);
}

static void test_no_leak(void)
{
	reset();
	int bad = 0;
	for (int i = 0; i < 5; i++)
		bad += cycle();
	size_t h0 = heap();
	for (int i = 0; i < 200; i++)
		bad += cycle();
	size_t h1 = heap();
	ASSERT_EQ(bad, 0);
	ASSERT_EQ(vgw_lb.by_vip->n, 0);
	int ids = 0;
	for (int i = 0; i < VGW_LB_BACKEND_IDS; i++)
		ids += vgw_lb.be_id_used[i];
	ASSERT_EQ(ids, 0); /* counter slots released */
	CU_ASSERT(h1 <= h0 + 1024);
	if (h1 > h0 + 1024)
		fprintf(stderr, "\n  heap grew by %zu bytes over 200 cycles\n", h1 - h0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"service add: names, proto, port, VIP, table-size, duplicates", test_service_add},
		{"1024 services and no more", test_service_full},
		{"VIP vs EIP, vpc del with backends", test_cross_checks},
		{"backend add/set/del validation", test_backend},
		{"256 backends per service and no more", test_backend_full},
		{"published Maglev table: weights, drain/down/0, health, slots", test_publication},
		{"Maglev table independent of backend order", test_order_independence},
		{"same IP:port in VNIs 100 and 65636: distinct Maglev keys (regression)",
		 test_vni_key_distinct},
		{"VIP on a subnet's network/broadcast address refused",
		 test_vip_subnet_edge},
		{"running-config round trip", test_running_config},
		{"JSON of show service [NAME]", test_json},
		{"check options and service set", test_check_options},
		{"VIP address and backend port markers", test_markers},
		{"no leak: add/set/del cycles", test_no_leak},
	};
	return unit_eal_run("service", tests, sizeof(tests) / sizeof(tests[0]));
}
