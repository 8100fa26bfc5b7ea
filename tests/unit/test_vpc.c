/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vpc.c - the tenant tables (lib/vpc: vpc.c and the commands of
 * vpc_cli.c) on gw_fixture.h's gateway with p0 10.1.0.1/24 public and p1
 * 10.2.0.1/24 underlay (EAL, rcu NULL, not parallel). A FIB and a neighbour
 * table exist so that `show running-config` works.
 *
 * Proves: the validation of vpc / vtep / endpoint / eip add, replace and del
 * (doc/cli.md's list of refusals), that every refused command leaves
 * running-config and show vtep/vpc/eip/endpoint byte-identical, that replace
 * moves an endpoint and the hypervisor counts follow, full tables, 1:1 EIPs
 * removed both ways, the running-config round trip, the JSON of the show
 * commands, and no heap growth over add/move/del cycles or after
 * vgw_vpc_destroy. (vgw_cli_kv is tested in test_cli.c.)
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
#include "neigh/neigh.h"
#include "vpc/vpc.h"

#define T (vgw_vpc_main)
#define EP_MAC "02:aa:00:00:00:01"


static void nop_tx(uint16_t port, struct rte_mbuf *m) { (void)port; rte_pktmbuf_free(m); }
static struct rte_mbuf *pool_alloc(void) { return rte_pktmbuf_alloc(vgw_gw.pool); }
static void nop_count(int c, uint64_t n) { (void)c, (void)n; }
static const struct vgw_neigh_ops ops = {.tx = nop_tx, .alloc = pool_alloc, .count = nop_count};

/* Fresh VPC tables (and, the first time, p1 underlay, a FIB, a neighbour table). */
static void tables_reset(uint32_t max_ep, uint32_t max_eip)
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
	vgw_defer_reclaim();
	vgw_vpc_destroy(T);
	T = vgw_vpc_create(max_ep, max_eip, NULL, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(T);
}

/* Everything a change could touch, as text (own buffers: err is kept). */
static char *snapshot(void)
{
	static const char *const cmds[][2] = {{"show running-config", ""}, {"show vtep", "j"},
					      {"show vpc", "j"}, {"show eip", "j"},
					      {"show endpoint", "j"}};
	struct vgw_buf b;
	vgw_buf_init(&b);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char e[VGW_ERR_LEN];
		if (vgw_cli_exec(cmds[i][0], cmds[i][1][0] != '\0', &b, e) != 0)
			vgw_buf_printf(&b, "[%s failed: %s]", cmds[i][0], e);
	}
	return b.data ? b.data : strdup("");
}

#include "refuse.h"

static const void *get2(const struct vgw_rmap *m, uint32_t vni, uint32_t ip)
{
	struct vgw_vpc_key k = {.vni = vni, .ip = ip};
	return vgw_rmap_get(m, &k);
}
#define ep(vni, ip) ((const struct vgw_vpc_endpoint *)get2(T->endpoints, vni, ip))
#define eip_priv(vni, ip) ((const struct vgw_vpc_eip *)get2(T->eip_by_priv, vni, ip))
static const struct vgw_vpc_hv *hv(uint32_t ip) { return vgw_rmap_get(T->hvs, &ip); }
static const struct vgw_vpc_eip *eip_pub(uint32_t eip) { return vgw_rmap_get(T->eip_by_pub, &eip); }

/* ---- VPCs --------------------------------------------------------------- */
static void test_vpc_add(void)
{
	tables_reset(16, 16);
	OK("vpc add blue vni 100");
	const struct vgw_vpc *v = vgw_vpc_by_name(T, "blue");
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	ASSERT_EQ(v->vni, 100);
	char b[VGW_MAC_STRLEN];
	ASSERT_STR(vgw_mac_str(v->gw_mac, b), "02:76:67:00:00:64");
	CU_ASSERT_PTR_EQUAL(vgw_vpc_by_vni(T, 100), v);
	OK("vpc add red vni 1193046"); /* 0x123456 */
	ASSERT_STR(vgw_mac_str(vgw_vpc_by_name(T, "red")->gw_mac, b), "02:76:67:12:34:56");
	uint8_t m[6];
	vgw_vpc_default_mac(0xabcdef, m);
	ASSERT_STR(vgw_mac_str(m, b), "02:76:67:ab:cd:ef");
	OK("vpc add v1 vni 1");
	OK("vpc add Vmax vni 16777215");
	OK("vpc add a-b_c.D9 vni 7 gateway-mac 02:aa:bb:cc:dd:ee");
	ASSERT_STR(vgw_mac_str(vgw_vpc_by_vni(T, 7)->gw_mac, b), "02:aa:bb:cc:dd:ee");
	OK("vpc add abcdefghijklmnopqrstuvwxyz01234 vni 8"); /* 31 characters */
	ASSERT_EQ(T->vpc_by_vni->n, 6);

	/* VNI */
	REFUSE("vpc add green vni 0", "VNI: number '0' out of range [1, 16777215]");
	REFUSE("vpc add green vni 16777216", "VNI: number '16777216' out of range");
	REFUSE("vpc add green vni abc", "VNI: invalid number 'abc'");
	REFUSE("vpc add green vni -1", "VNI");
	REFUSE("vpc add green vni 5x", "VNI");
	REFUSED(vgw_vpc_add(T, "green", 0, NULL, err), "VNI 0 out of range 1-16777215");
	REFUSED(vgw_vpc_add(T, "green", 16777216, NULL, err), "VNI 16777216 out of range");
	/* names */
	REFUSED(vgw_vpc_add(T, "", 5, NULL, err), "invalid VPC name ''");
	REFUSE("vpc add abcdefghijklmnopqrstuvwxyz012345 vni 5", "invalid VPC name");
	REFUSE("vpc add 9lives vni 5", "starting with a letter");
	REFUSE("vpc add -x vni 5", "invalid VPC name");
	REFUSE("vpc add _x vni 5", "invalid VPC name");
	REFUSE("vpc add a/b vni 5", "letters, digits, '-', '_' and '.' only");
	REFUSE("vpc add a,b vni 5", "invalid VPC name 'a,b'");
	REFUSED(vgw_vpc_add(T, "a b", 5, NULL, err), "invalid VPC name 'a b'");
	REFUSED(vgw_vpc_add(T, "a\tb", 5, NULL, err), "invalid VPC name");
	REFUSED(vgw_vpc_add(T, "\xc3\xa9t\xc3\xa9", 5, NULL, err), "invalid VPC name");
	/* duplicates */
	REFUSE("vpc add blue vni 101", "VPC 'blue' already exists");
	REFUSE("vpc add green vni 100", "VNI 100 is already used by VPC 'blue'");
	/* gateway MAC */
	REFUSE("vpc add green vni 5 gateway-mac 01:00:5e:00:00:01",
	       "gateway-mac 01:00:5e:00:00:01 is not a unicast MAC");
	REFUSE("vpc add green vni 5 gateway-mac 03:00:00:00:00:01", "not a unicast MAC");
	REFUSE("vpc add green vni 5 gateway-mac ff:ff:ff:ff:ff:ff", "not a unicast MAC");
	REFUSE("vpc add green vni 5 gateway-mac 00:00:00:00:00:00", "not a unicast MAC");
	REFUSE("vpc add green vni 5 gateway-mac zz:00:00:00:00:01", "");
	REFUSE("vpc add green vni 5 gateway-mac", "'gateway-mac' needs a value");
	REFUSE("vpc add green vni 5 vni 6", "'vni' given twice");
	REFUSE("vpc add green gateway-mac 02:00:00:00:00:01", "missing 'vni'");
	REFUSE("vpc add green vnid 5", "unexpected 'vnid'");
	CU_ASSERT_PTR_NULL(vgw_vpc_by_name(T, "green"));
	CU_ASSERT_PTR_NULL(vgw_vpc_by_vni(T, 5));
	ASSERT_EQ(T->vpc_by_vni->n, 6);
}

static void test_vpc_del(void)
{
	tables_reset(16, 16);
	OK("vpc add blue vni 100");
	OK("vpc add green vni 5");
	REFUSE("vpc del nosuch", "no VPC named 'nosuch'");
	OK("vpc del green");
	CU_ASSERT_PTR_NULL(vgw_vpc_by_name(T, "green"));
	CU_ASSERT_PTR_NULL(vgw_vpc_by_vni(T, 5));
	REFUSE("vpc del green", "no VPC named 'green'");
	OK("vpc add yellow vni 5"); /* the VNI and the name are free again */
	OK("vpc add green vni 6");
	/* in use */
	OK("endpoint add blue 192.168.1.10 mac " EP_MAC " vtep 10.2.0.20");
	OK("endpoint add blue 192.168.1.11 mac " EP_MAC " vtep 10.2.0.20");
	OK("eip add 203.0.113.10 vpc blue ip 192.168.1.10");
	uint32_t n_ep, n_eip;
	vgw_vpc_usage(T, 100, &n_ep, &n_eip);
	ASSERT_EQ(n_ep, 2);
	ASSERT_EQ(n_eip, 1);
	REFUSE("vpc del blue", "VPC 'blue' is in use by 2 endpoint(s), 1 EIP(s) and 0 backend(s) or SNAT binding(s)");
	OK("endpoint del blue 192.168.1.10");
	OK("endpoint del blue 192.168.1.11");
	REFUSE("vpc del blue", "VPC 'blue' is in use by 0 endpoint(s), 1 EIP(s) and 0 backend(s) or SNAT binding(s)");
	OK("eip del 203.0.113.10");
	OK("endpoint add blue 192.168.1.12 mac " EP_MAC " vtep 10.2.0.20");
	REFUSE("vpc del blue", "in use by 1 endpoint(s), 0 EIP(s) and 0 backend(s) or SNAT binding(s)");
	OK("endpoint del blue 192.168.1.12");
	OK("vpc del blue");
	ASSERT_EQ(T->vpc_by_vni->n, 2);
}

/* 4096 VPCs, and the 4097th refused. */
static void test_vpc_full(void)
{
	tables_reset(16, 16);
	char name[32];
	int fails = 0;
	for (uint32_t i = 0; i < VGW_VPC_MAX; i++) {
		snprintf(name, sizeof(name), "v%u", i);
		fails += vgw_vpc_add(T, name, 1000 + i, NULL, err) != 0;
	}
	ASSERT_EQ(fails, 0);
	ASSERT_EQ(T->vpc_by_vni->n, VGW_VPC_MAX);
	REFUSE("vpc add last vni 999", "full");
	OK("vpc del v17");
	OK("vpc add last vni 999");
	ASSERT_EQ(vgw_vpc_by_name(T, "v4095")->vni, 1000 + 4095);
}

/* ---- VTEP --------------------------------------------------------------- */
static void test_vtep(void)
{
	tables_reset(16, 16);
	uint32_t ip = 1;
	uint16_t port = 1;
	vgw_vpc_vtep_get(T, &ip, &port);
	ASSERT_EQ(ip, 0);
	ASSERT_EQ(port, 0);
	REFUSE("vtep del", "no VTEP is configured");
	REFUSE("vtep add 10.1.0.1", "10.1.0.1 is not an address of an underlay port");
	REFUSE("vtep add 10.2.0.9", "10.2.0.9 is not an address of an underlay port");
	REFUSE("vtep add 192.0.2.1", "not an address of an underlay port");
	REFUSE("vtep add 0.0.0.0", "");
	REFUSE("vtep add 10.2.0.1 udp-port 0", "number '0' out of range [1, 65535]");
	REFUSE("vtep add 10.2.0.1 udp-port 65536", "number '65536' out of range");
	REFUSE("vtep add 10.2.0.1 udp-port abc", "invalid number 'abc'");
	REFUSE("vtep add 10.2.0.1 udp-port", "'udp-port' needs a value");
	REFUSE("vtep add 10.2.0.1 port 4789", "unexpected 'port'");
	REFUSE("vtep add 10.2.0", "");
	REFUSED(vgw_vpc_vtep_add(T, NPORT1, 0, err), "UDP port 0 is not valid");
	OK("vtep add 10.2.0.1");
	vgw_vpc_vtep_get(T, &ip, &port);
	ASSERT_EQ(ip, NPORT1);
	ASSERT_EQ(port, 4789);
	REFUSE("vtep add 10.2.0.1 udp-port 8472",
	       "a VTEP is already configured (10.2.0.1 udp-port 4789)");
	OK("vtep del");
	vgw_vpc_vtep_get(T, &ip, &port);
	ASSERT_EQ(ip, 0);
	OK("vtep add 10.2.0.1 udp-port 65535");
	vgw_vpc_vtep_get(T, &ip, &port);
	ASSERT_EQ(port, 65535);
	OK("vtep del");
	/* any address of an underlay port; none of a public one */
	vgw_gw.ports[1].addrs[1] = (struct vgw_port_addr){.ip = A(10, 3, 0, 1), .plen = 24};
	vgw_gw.ports[1].n_addrs = 2;
	ASSERT_EQ(vgw_vpc_vtep_add(T, A(10, 3, 0, 1), 8472, err), 0);
	vgw_vpc_vtep_get(T, &ip, &port);
	ASSERT_EQ(ip, A(10, 3, 0, 1));
	ASSERT_EQ(port, 8472);
	ASSERT_EQ(vgw_vpc_vtep_del(T, err), 0);
	vgw_gw.ports[1].n_addrs = 1;
	REFUSED(vgw_vpc_vtep_add(T, A(10, 3, 0, 1), 8472, err),
		"not an address of an underlay port");
	REFUSED(vgw_vpc_vtep_add(T, NPORT0, 4789, err), "not an address of an underlay port");
	REFUSED(vgw_vpc_vtep_del(T, err), "no VTEP is configured");
}

/* ---- endpoints ---------------------------------------------------------- */
#define IP10 A(192, 168, 1, 10)
#define IP11 A(192, 168, 1, 11)
#define HV20 A(10, 2, 0, 20)
#define HV21 A(10, 2, 0, 21)

static void test_endpoint_validation(void)
{
	tables_reset(16, 16);
	OK("vpc add blue vni 100");
	REFUSE("endpoint add nosuch 192.168.1.10 mac " EP_MAC " vtep 10.2.0.20",
	       "no VPC named 'nosuch'");
	static const char *const bad_ip[] = {"0.0.0.0", "0.1.2.3", "127.0.0.1", "224.0.0.1",
					     "240.0.0.1", "255.255.255.255"};
	char cmd[160], want[100];
	for (size_t i = 0; i < sizeof(bad_ip) / sizeof(bad_ip[0]); i++) {
		snprintf(cmd, sizeof(cmd), "endpoint add blue %s mac " EP_MAC " vtep 10.2.0.20",
			 bad_ip[i]);
		snprintf(want, sizeof(want), "endpoint address %s is not a unicast host address",
			 bad_ip[i]);
		REFUSE(cmd, want);
		snprintf(cmd, sizeof(cmd), "endpoint add blue 192.168.1.10 mac " EP_MAC " vtep %s",
			 bad_ip[i]);
		snprintf(want, sizeof(want), "hypervisor VTEP %s is not a unicast host address",
			 bad_ip[i]);
		REFUSE(cmd, want);
	}
	REFUSE("endpoint add blue 192.168.1.300 mac " EP_MAC " vtep 10.2.0.20", "");
	REFUSE("endpoint add blue 192.168.1.10 mac " EP_MAC " vtep 10.2.0.255",
	       "hypervisor VTEP 10.2.0.255 is the network or broadcast address of port p1");
	REFUSE("endpoint add blue 192.168.1.10 mac 01:00:5e:00:00:01 vtep 10.2.0.20",
	       "endpoint MAC 01:00:5e:00:00:01 is not a unicast MAC");
	REFUSE("endpoint add blue 192.168.1.10 mac 00:00:00:00:00:00 vtep 10.2.0.20",
	       "is not a unicast MAC");
	REFUSE("endpoint add blue 192.168.1.10 mac ff:ff:ff:ff:ff:ff vtep 10.2.0.20",
	       "is not a unicast MAC");
	REFUSE("endpoint add blue 192.168.1.10 mac 02:aa:00:00:00 vtep 10.2.0.20", "");
	REFUSE("endpoint add blue 192.168.1.10 mac " EP_MAC " vtep 10.2.0.1",
	       "hypervisor VTEP 10.2.0.1 is an address of this gateway");
	REFUSE("endpoint add blue 192.168.1.10 mac " EP_MAC " vtep 10.1.0.1",
	       "hypervisor VTEP 10.1.0.1 is an address of this gateway");
	REFUSE("endpoint add blue 192.168.1.10 mac " EP_MAC " hv 10.2.0.20", "unexpected 'hv'");
	REFUSE("endpoint add blue 192.168.1.10 mac " EP_MAC " mac " EP_MAC, "'mac' given twice");
	REFUSE("endpoint replace blue 192.168.1.10 mac " EP_MAC " vtep 10.2.0.1",
	       "is an address of this gateway");
	REFUSE("endpoint del blue 192.168.1.10", "no endpoint 192.168.1.10 in VPC 'blue'");
	REFUSE("endpoint del nosuch 192.168.1.10", "no VPC named 'nosuch'");
	REFUSE("show endpoint nosuch", "no VPC named 'nosuch'");
	ASSERT_EQ(T->endpoints->n, 0);
	ASSERT_EQ(T->hvs->n, 0);
}

static void test_endpoint_replace(void)
{
	tables_reset(16, 16);
	OK("vpc add blue vni 100");
	OK("vpc add red vni 200");
	OK("endpoint add blue 192.168.1.10 mac 02:aa:00:00:00:10 vtep 10.2.0.20");
	const struct vgw_vpc_endpoint *e = ep(100, IP10);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	ASSERT_EQ(e->vtep, HV20);
	ASSERT_EQ(e->mac[5], 0x10);
	ASSERT_EQ(hv(HV20)->refs, 1);
	REFUSE("endpoint add blue 192.168.1.10 mac 02:aa:00:00:00:99 vtep 10.2.0.21",
	       "endpoint 192.168.1.10 in VPC 'blue' exists; 'endpoint replace' moves it");
	OK("endpoint add blue 192.168.1.11 mac 02:aa:00:00:00:11 vtep 10.2.0.20");
	ASSERT_EQ(hv(HV20)->refs, 2);
	/* move .10 to another hypervisor with a new MAC */
	OK("endpoint replace blue 192.168.1.10 mac 02:aa:00:00:00:1a vtep 10.2.0.21");
	e = ep(100, IP10);
	ASSERT_EQ(e->vtep, HV21);
	ASSERT_EQ(e->mac[5], 0x1a);
	ASSERT_EQ(hv(HV20)->refs, 1);
	ASSERT_EQ(hv(HV21)->refs, 1);
	ASSERT_EQ(T->endpoints->n, 2);
	/* the last endpoint leaves .20: it is no longer a known hypervisor */
	OK("endpoint replace blue 192.168.1.11 mac 02:aa:00:00:00:11 vtep 10.2.0.21");
	CU_ASSERT_PTR_NULL(hv(HV20));
	ASSERT_EQ(hv(HV21)->refs, 2);
	ASSERT_EQ(T->hvs->n, 1);
	/* same hypervisor, new MAC: counts unchanged */
	OK("endpoint replace blue 192.168.1.11 mac 02:aa:00:00:00:1b vtep 10.2.0.21");
	ASSERT_EQ(ep(100, IP11)->mac[5], 0x1b);
	ASSERT_EQ(hv(HV21)->refs, 2);
	/* replace of a new endpoint adds it */
	OK("endpoint replace blue 192.168.1.12 mac 02:aa:00:00:00:12 vtep 10.2.0.21");
	ASSERT_EQ(hv(HV21)->refs, 3);
	/* the same IP in another VPC is another endpoint */
	OK("endpoint add red 192.168.1.10 mac 02:bb:00:00:00:10 vtep 10.2.0.30");
	ASSERT_EQ(T->endpoints->n, 4);
	ASSERT_EQ(ep(100, IP10)->vtep, HV21);
	ASSERT_EQ(ep(200, IP10)->vtep, A(10, 2, 0, 30));
	ASSERT_EQ(ep(200, IP10)->mac[1], 0xbb);
	ASSERT_EQ(run("show endpoint red", true), 0);
	ASSERT_STR(out.data, "{\"endpoints\":[{\"vpc\":\"red\",\"vni\":200,\"ip\":\"192.168.1.10\","
			     "\"mac\":\"02:bb:00:00:00:10\",\"vtep\":\"10.2.0.30\"}]}\n");
	OK("endpoint del red 192.168.1.10");
	CU_ASSERT_PTR_NULL(ep(200, IP10));
	CU_ASSERT_PTR_NOT_NULL(ep(100, IP10));
	CU_ASSERT_PTR_NULL(hv(A(10, 2, 0, 30)));
	OK("endpoint del blue 192.168.1.10");
	ASSERT_EQ(hv(HV21)->refs, 2);
	OK("endpoint del blue 192.168.1.11");
	OK("endpoint del blue 192.168.1.12");
	ASSERT_EQ(T->endpoints->n, 0);
	ASSERT_EQ(T->hvs->n, 0);
	vgw_defer_reclaim();
	ASSERT_EQ(vgw_defer_pending(), 0);
}

static void test_endpoint_full(void)
{
	tables_reset(2, 2);
	OK("vpc add blue vni 100");
	OK("endpoint add blue 192.168.1.10 mac " EP_MAC " vtep 10.2.0.20");
	OK("endpoint add blue 192.168.1.11 mac " EP_MAC " vtep 10.2.0.20");
	REFUSE("endpoint add blue 192.168.1.12 mac " EP_MAC " vtep 10.2.0.20",
	       "endpoint table full (2 entries)");
	REFUSE("endpoint replace blue 192.168.1.12 mac " EP_MAC " vtep 10.2.0.21",
	       "endpoint table full (2 entries)");
	/* a full table still lets an endpoint change */
	OK("endpoint replace blue 192.168.1.11 mac 02:aa:00:00:00:02 vtep 10.2.0.20");
	OK("endpoint replace blue 192.168.1.11 mac 02:aa:00:00:00:02 vtep 10.2.0.21");
	ASSERT_EQ(hv(HV20)->refs, 1);
	ASSERT_EQ(hv(HV21)->refs, 1);
	OK("endpoint del blue 192.168.1.10");
	OK("endpoint add blue 192.168.1.12 mac " EP_MAC " vtep 10.2.0.20");
	ASSERT_EQ(T->endpoints->n, 2);
}

/* A move inserts the new hypervisor before it releases the old one: with
 * the endpoint table full and every endpoint on its own hypervisor, the
 * hypervisor map still has room for it (regression: it was refused). */
static void test_endpoint_move_when_full(void)
{
	tables_reset(2, 2);
	OK("vpc add blue vni 100");
	OK("endpoint add blue 192.168.1.10 mac " EP_MAC " vtep 10.2.0.20");
	OK("endpoint add blue 192.168.1.11 mac " EP_MAC " vtep 10.2.0.21");
	OK("endpoint replace blue 192.168.1.10 mac " EP_MAC " vtep 10.2.0.22");
	ASSERT_EQ(ep(100, IP10)->vtep, A(10, 2, 0, 22));
	CU_ASSERT_PTR_NULL(hv(HV20));
}

/* ---- EIPs --------------------------------------------------------------- */
static void test_eip(void)
{
	tables_reset(16, 16);
	OK("vpc add blue vni 100");
	OK("vpc add red vni 200");
	OK("endpoint add blue 192.168.1.10 mac " EP_MAC " vtep 10.2.0.20");
	OK("eip add 203.0.113.10 vpc blue ip 192.168.1.10");
	const struct vgw_vpc_eip *e = eip_pub(A(203, 0, 113, 10));
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_PTR_EQUAL(eip_priv(100, IP10), e);
	ASSERT_EQ(e->vni, 100);
	ASSERT_EQ(e->ip, IP10);
	REFUSE("eip add 203.0.113.10 vpc red ip 192.168.1.20",
	       "EIP 203.0.113.10 already maps to 192.168.1.10 in VPC 'blue'");
	REFUSE("eip add 203.0.113.10 vpc blue ip 192.168.1.10", "already maps to");
	REFUSE("eip add 203.0.113.11 vpc blue ip 192.168.1.10",
	       "192.168.1.10 in VPC 'blue' already has EIP 203.0.113.10");
	/* the same private address in another VPC is another mapping */
	OK("eip add 203.0.113.11 vpc red ip 192.168.1.10");
	CU_ASSERT_PTR_EQUAL(eip_priv(200, IP10), eip_pub(A(203, 0, 113, 11)));
	REFUSE("eip add 203.0.113.12 vpc nosuch ip 192.168.1.10", "no VPC named 'nosuch'");
	REFUSE("eip add 10.1.0.255 vpc blue ip 192.168.1.20",
	       "EIP 10.1.0.255 is the network or broadcast address of port p0's subnet");
	REFUSE("eip add 10.1.0.0 vpc blue ip 192.168.1.20", "network or broadcast");
	REFUSE("eip add 10.1.0.1 vpc blue ip 192.168.1.20",
	       "EIP 10.1.0.1 is an address of this gateway");
	REFUSE("eip add 10.2.0.1 vpc blue ip 192.168.1.20", "is an address of this gateway");
	static const char *const bad[] = {"0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255"};
	char cmd[128], want[100];
	for (size_t i = 0; i < 4; i++) {
		snprintf(cmd, sizeof(cmd), "eip add %s vpc blue ip 192.168.1.20", bad[i]);
		snprintf(want, sizeof(want), "EIP %s is not a unicast host address", bad[i]);
		REFUSE(cmd, want);
		snprintf(cmd, sizeof(cmd), "eip add 203.0.113.12 vpc blue ip %s", bad[i]);
		snprintf(want, sizeof(want), "private address %s is not a unicast host address",
			 bad[i]);
		REFUSE(cmd, want);
	}
	REFUSE("eip add 203.0.113.12 vpc blue vpc red", "'vpc' given twice");
	REFUSE("eip add 203.0.113.12 vpc blue addr 192.168.1.20", "unexpected 'addr'");
	REFUSE("eip add 203.0.113 vpc blue ip 192.168.1.20", "");
	REFUSE("eip del 203.0.113.99", "no EIP 203.0.113.99");
	ASSERT_EQ(T->eip_by_pub->n, 2);
	ASSERT_EQ(T->eip_by_priv->n, 2);
	/* del removes both directions */
	OK("eip del 203.0.113.10");
	CU_ASSERT_PTR_NULL(eip_pub(A(203, 0, 113, 10)));
	CU_ASSERT_PTR_NULL(eip_priv(100, IP10));
	ASSERT_EQ(T->eip_by_pub->n, 1);
	ASSERT_EQ(T->eip_by_priv->n, 1);
	REFUSE("eip del 203.0.113.10", "no EIP 203.0.113.10");
	OK("eip add 203.0.113.12 vpc blue ip 192.168.1.10"); /* private side free */
	OK("eip add 203.0.113.10 vpc blue ip 192.168.1.20"); /* public side free */
	ASSERT_EQ(eip_pub(A(203, 0, 113, 10))->ip, A(192, 168, 1, 20));
	CU_ASSERT_PTR_EQUAL(eip_priv(100, IP10), eip_pub(A(203, 0, 113, 12)));
	/* an EIP without an endpoint is allowed; show eip says so */
	ASSERT_EQ(run("show eip", true), 0);
	ASSERT_STR(out.data,
		   "{\"eips\":[{\"eip\":\"203.0.113.10\",\"vpc\":\"blue\",\"vni\":100,"
		   "\"ip\":\"192.168.1.20\",\"endpoint\":false},{\"eip\":\"203.0.113.11\","
		   "\"vpc\":\"red\",\"vni\":200,\"ip\":\"192.168.1.10\",\"endpoint\":false},"
		   "{\"eip\":\"203.0.113.12\",\"vpc\":\"blue\",\"vni\":100,\"ip\":\"192.168.1.10\","
		   "\"endpoint\":true}]}\n");
}

static void test_eip_full(void)
{
	tables_reset(16, 2);
	OK("vpc add blue vni 100");
	OK("eip add 203.0.113.10 vpc blue ip 192.168.1.10");
	OK("eip add 203.0.113.11 vpc blue ip 192.168.1.11");
	REFUSE("eip add 203.0.113.12 vpc blue ip 192.168.1.12", "EIP table full (2 entries)");
	CU_ASSERT_PTR_NULL(eip_priv(100, A(192, 168, 1, 12)));
	OK("eip del 203.0.113.10");
	OK("eip add 203.0.113.12 vpc blue ip 192.168.1.12");
	ASSERT_EQ(T->eip_by_pub->n, 2);
	ASSERT_EQ(T->eip_by_priv->n, 2);
}

/* ---- running-config and JSON ------------------------------------------- */
static void test_running_config(void)
{
	tables_reset(16, 16);
	OK("vpc add red vni 200 gateway-mac 02:00:00:00:c8:01");
	OK("vpc add blue vni 100");
	OK("vpc add empty vni 300");
	OK("vtep add 10.2.0.1 udp-port 8472");
	OK("endpoint add red 192.168.1.10 mac 02:bb:00:00:00:10 vtep 10.2.0.30");
	OK("endpoint add blue 192.168.1.11 mac 02:aa:00:00:00:11 vtep 10.2.0.20");
	OK("endpoint add blue 192.168.1.10 mac 02:aa:00:00:00:10 vtep 10.2.0.20");
	OK("endpoint replace blue 192.168.1.10 mac 02:aa:00:00:00:1a vtep 10.2.0.21");
	OK("eip add 203.0.113.11 vpc red ip 192.168.1.10");
	OK("eip add 203.0.113.10 vpc blue ip 192.168.1.10");
	OK("eip add 203.0.113.12 vpc blue ip 192.168.1.99");
	ASSERT_EQ(run("show running-config", false), 0);
	char *first = strdup(out.data);
	const char *vpc_part = strstr(first, "vpc add");
	ASSERT_STR(vpc_part, "vpc add blue vni 100 gateway-mac 02:76:67:00:00:64\n"
			     "vpc add empty vni 300 gateway-mac 02:76:67:00:01:2c\n"
			     "vpc add red vni 200 gateway-mac 02:00:00:00:c8:01\n"
			     "vtep add 10.2.0.1 udp-port 8472\n"
			     "endpoint add blue 192.168.1.10 mac 02:aa:00:00:00:1a vtep 10.2.0.21\n"
			     "endpoint add blue 192.168.1.11 mac 02:aa:00:00:00:11 vtep 10.2.0.20\n"
			     "endpoint add red 192.168.1.10 mac 02:bb:00:00:00:10 vtep 10.2.0.30\n"
			     "eip add 203.0.113.10 vpc blue ip 192.168.1.10\n"
			     "eip add 203.0.113.11 vpc red ip 192.168.1.10\n"
			     "eip add 203.0.113.12 vpc blue ip 192.168.1.99\n");
	ASSERT_EQ(run("show running-config", true), 0);
	ASSERT_CONTAINS(out.data, "\"vtep add 10.2.0.1 udp-port 8472\",\"endpoint add blue");
	/* replay the commands on empty tables */
	tables_reset(16, 16);
	const char *cmds = strstr(first, "# commands\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cmds);
	char *copy = strdup(cmds), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		OK(line);
	free(copy);
	ASSERT_EQ(run("show running-config", false), 0);
	ASSERT_STR(out.data, first);
	free(first);
	ASSERT_EQ(hv(HV20)->refs, 1);
	ASSERT_EQ(hv(HV21)->refs, 1);
}

static void test_json(void)
{
	tables_reset(16, 16);
	ASSERT_EQ(run("show vtep", true), 0);
	ASSERT_STR(out.data, "{\"address\":null,\"udp_port\":0,\"hypervisors\":[]}\n");
	ASSERT_EQ(run("show vpc", true), 0);
	ASSERT_STR(out.data, "{\"vpcs\":[]}\n");
	OK("vpc add blue vni 100");
	OK("vpc add red vni 200 gateway-mac 02:00:00:00:c8:01");
	OK("vtep add 10.2.0.1");
	OK("endpoint add blue 192.168.1.10 mac 02:aa:00:00:00:10 vtep 10.2.0.21");
	OK("endpoint add blue 192.168.1.11 mac 02:aa:00:00:00:11 vtep 10.2.0.20");
	OK("endpoint add red 192.168.1.10 mac 02:bb:00:00:00:10 vtep 10.2.0.20");
	OK("eip add 203.0.113.10 vpc blue ip 192.168.1.10");
	ASSERT_EQ(run("show vpc", true), 0);
	ASSERT_STR(out.data,
		   "{\"vpcs\":[{\"name\":\"blue\",\"vni\":100,"
		   "\"gateway_mac\":\"02:76:67:00:00:64\",\"endpoints\":2,\"eips\":1},"
		   "{\"name\":\"red\",\"vni\":200,\"gateway_mac\":\"02:00:00:00:c8:01\","
		   "\"endpoints\":1,\"eips\":0}]}\n");
	ASSERT_EQ(run("show vtep", true), 0);
	ASSERT_STR(out.data, "{\"address\":\"10.2.0.1\",\"udp_port\":4789,\"hypervisors\":["
			     "{\"vtep\":\"10.2.0.20\",\"endpoints\":2},"
			     "{\"vtep\":\"10.2.0.21\",\"endpoints\":1}]}\n");
	ASSERT_EQ(run("show endpoint", true), 0);
	ASSERT_STR(out.data,
		   "{\"endpoints\":[{\"vpc\":\"blue\",\"vni\":100,\"ip\":\"192.168.1.10\",\"mac\":"
		   "\"02:aa:00:00:00:10\",\"vtep\":\"10.2.0.21\"},{\"vpc\":\"blue\",\"vni\":100,"
		   "\"ip\":\"192.168.1.11\",\"mac\":\"02:aa:00:00:00:11\",\"vtep\":\"10.2.0.20\"},"
		   "{\"vpc\":\"red\",\"vni\":200,\"ip\":\"192.168.1.10\",\"mac\":"
		   "\"02:bb:00:00:00:10\",\"vtep\":\"10.2.0.20\"}]}\n");
	ASSERT_EQ(run("show endpoint blue", true), 0);
	ASSERT_CONTAINS(out.data, "\"192.168.1.11\"");
	CU_ASSERT_PTR_NULL(strstr(out.data, "\"red\""));
	ASSERT_EQ(run("show eip", true), 0);
	ASSERT_STR(out.data, "{\"eips\":[{\"eip\":\"203.0.113.10\",\"vpc\":\"blue\",\"vni\":100,"
			     "\"ip\":\"192.168.1.10\",\"endpoint\":true}]}\n");
	/* text output names the same things */
	OK("show vpc");
	ASSERT_CONTAINS(out.data, "blue");
	ASSERT_CONTAINS(out.data, "02:76:67:00:00:64");
	OK("show vtep");
	ASSERT_CONTAINS(out.data, "10.2.0.20");
}

/* ---- leaks --------------------------------------------------------------- */
static size_t heap(void)
{
	vgw_defer_reclaim();
	return mallinfo2().uordblks;
}

/* Everything one can add, move, refuse and delete; returns the failures. */
static int cycle(struct vgw_vpc_tables *t)
{
	static const uint8_t mac[6] = {2, 0xaa, 0, 0, 0, 1};
	int bad = vgw_vpc_add(t, "blue", 100, NULL, err) != 0;
	for (uint32_t i = 0; i < 8; i++) {
		bad += vgw_vpc_endpoint_set(t, "blue", IP10 + i, mac, HV20, false, err) != 0;
		bad += vgw_vpc_endpoint_set(t, "blue", IP10 + i, mac, HV21 + i, true, err) != 0;
		bad += vgw_vpc_endpoint_set(t, "blue", IP10 + i, mac, NPORT1, true, err) != -1;
		bad += vgw_vpc_eip_add(t, A(203, 0, 113, 10 + i), "blue", IP10 + i, err) != 0;
		bad += vgw_vpc_eip_add(t, A(203, 0, 113, 100 + i), "blue", IP10 + i, err) != -1;
	}
	bad += vgw_vpc_del(t, "blue", err) != -1;
	for (uint32_t i = 0; i < 8; i++) {
		bad += vgw_vpc_eip_del(t, A(203, 0, 113, 10 + i), err) != 0;
		bad += vgw_vpc_endpoint_del(t, "blue", IP10 + i, err) != 0;
	}
	bad += vgw_vpc_del(t, "blue", err) != 0;
	vgw_defer_reclaim();
	return bad;
}

/* The heap returns to its level after 200 cycles, and after destroying
 * filled tables (one leaked object per cycle would be >= 6 KB). */
static void test_no_leak(void)
{
	tables_reset(16, 16);
	int bad = 0;
	for (int i = 0; i < 5; i++)
		bad += cycle(T);
	size_t h0 = heap();
	for (int i = 0; i < 200; i++)
		bad += cycle(T);
	size_t h1 = heap();
	ASSERT_EQ(bad, 0);
	CU_ASSERT(h1 <= h0 + 1024);
	if (h1 > h0 + 1024)
		fprintf(stderr, "\n  heap grew by %zu bytes over 200 cycles\n", h1 - h0);
	struct vgw_vpc_tables *t = vgw_vpc_create(16, 16, NULL, err);
	vgw_vpc_destroy(t); /* warm-up */
	h0 = heap();
	t = vgw_vpc_create(16, 16, NULL, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	static const uint8_t mac[6] = {2, 0xaa, 0, 0, 0, 1};
	ASSERT_EQ(vgw_vpc_add(t, "blue", 100, NULL, err), 0);
	for (uint32_t i = 0; i < 8; i++) {
		ASSERT_EQ(vgw_vpc_endpoint_set(t, "blue", IP10 + i, mac, HV20 + i, false, err), 0);
		ASSERT_EQ(vgw_vpc_eip_add(t, A(203, 0, 113, 10 + i), "blue", IP10 + i, err), 0);
	}
	vgw_vpc_destroy(t);
	h1 = heap();
	CU_ASSERT(h1 <= h0 + 256);
	if (h1 > h0 + 256)
		fprintf(stderr, "\n  heap grew by %zu bytes after destroy\n", h1 - h0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"vpc add: names, VNIs, MACs, duplicates", test_vpc_add},
		{"vpc del: unknown, in use", test_vpc_del},
		{"4096 VPCs and no more", test_vpc_full},
		{"vtep add/del", test_vtep},
		{"endpoint validation", test_endpoint_validation},
		{"endpoint replace moves, hypervisor counts", test_endpoint_replace},
		{"endpoint table full", test_endpoint_full},
		{"endpoint move with a full table, one hypervisor per endpoint",
		 test_endpoint_move_when_full},
		{"eip add/del", test_eip},
		{"EIP table full", test_eip_full},
		{"running-config round trip", test_running_config},
		{"JSON of show vpc/vtep/endpoint/eip", test_json},
		{"no leak: cycles, destroy", test_no_leak},
	};
	return unit_eal_run("vpc", tests, sizeof(tests) / sizeof(tests[0]));
}
