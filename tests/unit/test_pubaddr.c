/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_pubaddr.c - the registry of the gateway's public addresses
 * (lib/addr/pubaddr.h).
 *
 * Proves:
 *  - register: an EIP and a VIP are found with their kind, owner and count,
 *    and iteration visits each once;
 *  - refusal, in the texts the CLI has always printed: not a unicast host,
 *    a port subnet's network or broadcast address, a port's own address, an
 *    EIP over a VIP and a VIP over an EIP; a refused add changes nothing; a
 *    second EIP of one address passes the check (vpc.c says how it is
 *    mapped) but cannot be registered;
 *  - sharing: services on one VIP hold it together, it goes with the last;
 *  - unregister: a del of another kind or an unknown address does nothing;
 *  - lookups under churn: thousands of random adds and dels (growth and
 *    backward-shift deletion) agree with a plain array, and the table is
 *    empty (count 0, nothing to iterate) when the last address goes.
 * No EAL: the registry is plain slow-path memory; one port with 10.0.0.1/24.
 */
#include <stdlib.h>

#include "addr/pubaddr.h"
#include "core/gw.h"
#include "util/parse.h"
#include "unit.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define EIP1 A(203, 0, 113, 10)
#define VIP1 A(198, 51, 100, 1)

static char err[VGW_ERR_LEN];

static void setup_port(void)
{
	vgw_gw.n_ports = 1;
	snprintf(vgw_gw.ports[0].name, sizeof(vgw_gw.ports[0].name), "pub0");
	vgw_gw.ports[0].n_addrs = 1;
	vgw_gw.ports[0].addrs[0] = (struct vgw_port_addr){.ip = A(10, 0, 0, 1), .plen = 24};
}

static unsigned int count_iterated(void)
{
	unsigned int n = 0;
	uint32_t it = 0;
	const struct vgw_pubaddr *a;
	while (vgw_pubaddr_next(&it, &a))
		n++;
	return n;
}

static void test_register(void)
{
	setup_port();
	ASSERT_EQ(vgw_pubaddr_add(EIP1, VGW_PUBADDR_EIP, 100, err), 0);
	ASSERT_EQ(vgw_pubaddr_add(VIP1, VGW_PUBADDR_VIP, 3, err), 0);
	const struct vgw_pubaddr *a = vgw_pubaddr_find(EIP1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	ASSERT_EQ(a->kind, VGW_PUBADDR_EIP);
	ASSERT_EQ(a->owner, 100);
	ASSERT_EQ(a->refs, 1);
	CU_ASSERT(vgw_pubaddr_is(EIP1, VGW_PUBADDR_EIP));
	CU_ASSERT(!vgw_pubaddr_is(EIP1, VGW_PUBADDR_VIP));
	CU_ASSERT(vgw_pubaddr_is(VIP1, VGW_PUBADDR_VIP));
	CU_ASSERT_PTR_NULL(vgw_pubaddr_find(EIP1 + 1));
	ASSERT_EQ(vgw_pubaddr_count(VGW_PUBADDR_EIP), 1);
	ASSERT_EQ(vgw_pubaddr_count(VGW_PUBADDR_VIP), 1);
	ASSERT_EQ(count_iterated(), 2);
	ASSERT_STR(vgw_pubaddr_kind_name(VGW_PUBADDR_VIP), "vip");
	vgw_pubaddr_del(EIP1, VGW_PUBADDR_EIP);
	vgw_pubaddr_del(VIP1, VGW_PUBADDR_VIP);
	CU_ASSERT_PTR_NULL(vgw_pubaddr_find(EIP1));
	ASSERT_EQ(count_iterated(), 0);
}

/* rc -1, err is want, and the registry did not change. */
static void refused(int rc, const char *want)
{
	ASSERT_EQ(rc, -1);
	ASSERT_STR(err, want);
}

static void test_refusals(void)
{
	setup_port();
	refused(vgw_pubaddr_add(A(224, 0, 0, 1), VGW_PUBADDR_EIP, 1, err),
		"EIP 224.0.0.1 is not a unicast host address");
	refused(vgw_pubaddr_check(A(127, 0, 0, 1), VGW_PUBADDR_VIP, err),
		"VIP 127.0.0.1 is not a unicast host address");
	refused(vgw_pubaddr_add(A(10, 0, 0, 255), VGW_PUBADDR_VIP, 1, err),
		"VIP 10.0.0.255 is the network or broadcast address of port pub0's subnet");
	refused(vgw_pubaddr_add(A(10, 0, 0, 1), VGW_PUBADDR_EIP, 1, err),
		"EIP 10.0.0.1 is an address of this gateway or a VIP");
	ASSERT_EQ(count_iterated(), 0);

	ASSERT_EQ(vgw_pubaddr_add(EIP1, VGW_PUBADDR_EIP, 100, err), 0);
	ASSERT_EQ(vgw_pubaddr_add(VIP1, VGW_PUBADDR_VIP, 0, err), 0);
	refused(vgw_pubaddr_check(EIP1, VGW_PUBADDR_VIP, err),
		"VIP 203.0.113.10 is an address of this gateway or an EIP");
	refused(vgw_pubaddr_add(EIP1, VGW_PUBADDR_VIP, 0, err),
		"VIP 203.0.113.10 is an address of this gateway or an EIP");
	refused(vgw_pubaddr_add(VIP1, VGW_PUBADDR_EIP, 200, err),
		"EIP 198.51.100.1 is an address of this gateway or a VIP");
	/* the same kind: the owner's own check words it; EIPs are 1:1 */
	ASSERT_EQ(vgw_pubaddr_check(EIP1, VGW_PUBADDR_EIP, err), 0);
	refused(vgw_pubaddr_add(EIP1, VGW_PUBADDR_EIP, 200, err), "EIP 203.0.113.10 is already in use");
	/* nothing changed */
	ASSERT_EQ(vgw_pubaddr_find(EIP1)->owner, 100);
	ASSERT_EQ(vgw_pubaddr_find(EIP1)->refs, 1);
	ASSERT_EQ(vgw_pubaddr_find(VIP1)->kind, VGW_PUBADDR_VIP);
	ASSERT_EQ(count_iterated(), 2);
	vgw_pubaddr_del(EIP1, VGW_PUBADDR_EIP);
	vgw_pubaddr_del(VIP1, VGW_PUBADDR_VIP);
}

static void test_shared_vip(void)
{
	setup_port();
	ASSERT_EQ(vgw_pubaddr_add(VIP1, VGW_PUBADDR_VIP, 1, err), 0);
	ASSERT_EQ(vgw_pubaddr_add(VIP1, VGW_PUBADDR_VIP, 2, err), 0);
	ASSERT_EQ(vgw_pubaddr_find(VIP1)->refs, 2);
	ASSERT_EQ(vgw_pubaddr_count(VGW_PUBADDR_VIP), 1);
	/* another kind's del, or an unknown address: nothing happens */
	vgw_pubaddr_del(VIP1, VGW_PUBADDR_EIP);
	vgw_pubaddr_del(EIP1, VGW_PUBADDR_VIP);
	ASSERT_EQ(vgw_pubaddr_find(VIP1)->refs, 2);
	vgw_pubaddr_del(VIP1, VGW_PUBADDR_VIP);
	CU_ASSERT(vgw_pubaddr_is(VIP1, VGW_PUBADDR_VIP)); /* still the second service's */
	vgw_pubaddr_del(VIP1, VGW_PUBADDR_VIP);
	CU_ASSERT_PTR_NULL(vgw_pubaddr_find(VIP1));
	ASSERT_EQ(vgw_pubaddr_count(VGW_PUBADDR_VIP), 0);
}

#define N_ADDRS 4096

static void test_churn(void)
{
	setup_port();
	/* a small space (addresses 0..N-1 of 100.64/16-ish) so adds and dels
	 * collide and probe runs wrap */
	static bool have[N_ADDRS];
	memset(have, 0, sizeof(have));
	unsigned int n = 0, bad = 0;
	for (int round = 0; round < 200000; round++) {
		uint32_t i = unit_rand() % N_ADDRS;
		uint32_t ip = A(100, 64, 0, 0) + 1 + i;
		if (have[i]) {
			vgw_pubaddr_del(ip, VGW_PUBADDR_EIP);
			have[i] = false;
			n--;
		} else {
			bad += vgw_pubaddr_add(ip, VGW_PUBADDR_EIP, i, err) != 0;
			have[i] = true;
			n++;
		}
		if (round % 20000 == 0)
			for (uint32_t j = 0; j < N_ADDRS; j++) {
				const struct vgw_pubaddr *a = vgw_pubaddr_find(A(100, 64, 0, 0) + 1 + j);
				bad += have[j] != (a != NULL) || (a && a->owner != j);
			}
	}
	for (uint32_t j = 0; j < N_ADDRS; j++) {
		const struct vgw_pubaddr *a = vgw_pubaddr_find(A(100, 64, 0, 0) + 1 + j);
		bad += have[j] != (a != NULL) || (a && a->owner != j);
	}
	ASSERT_EQ(bad, 0);
	ASSERT_EQ(vgw_pubaddr_count(VGW_PUBADDR_EIP), n);
	ASSERT_EQ(count_iterated(), n);
	for (uint32_t j = 0; j < N_ADDRS; j++)
		if (have[j])
			vgw_pubaddr_del(A(100, 64, 0, 0) + 1 + j, VGW_PUBADDR_EIP);
	ASSERT_EQ(vgw_pubaddr_count(VGW_PUBADDR_EIP), 0);
	ASSERT_EQ(count_iterated(), 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"register, find, iterate, unregister", test_register},
		{"refusals in the CLI's words, nothing changed", test_refusals},
		{"services share a VIP", test_shared_vip},
		{"random churn agrees with an array", test_churn},
	};
	return unit_run("pubaddr", tests, sizeof(tests) / sizeof(tests[0]));
}
