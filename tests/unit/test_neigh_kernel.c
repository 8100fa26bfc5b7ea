/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_neigh_kernel.c - the neighbour table in kernel mode (lib/neigh,
 * "Kernel mode" in neigh.h) on the gateway of gw_fixture.h, where p1
 * (10.2.0.1/24) is made an af-xdp port (xdp_iface "xdp1", ifindex 41) and p0
 * stays an ARP port. Fake slow-path services: tx records every frame (port,
 * bytes), alloc takes from the test pool, count adds into an array of the
 * slow-path counters, kernel_resolve records its calls. EAL, not parallel.
 *
 * Proves:
 *  - a miss on p1 asks the kernel once (not per packet), queues the
 *    packets, and sends no ARP; the kernel's answer with a MAC makes a
 *    KERNEL entry and flushes the queue in order with that MAC;
 *  - retries: the tick asks again every retrans_ms until max_probes asks,
 *    then the entry fails and its queue is dropped (neigh_resolve_failed);
 *    reports without a MAC meanwhile change nothing (kneigh_unresolved);
 *  - a kernel delete, or a report without a MAC (FAILED), removes a KERNEL
 *    entry; KERNEL entries are never aged by the tick;
 *  - STALE: an entry vgwd asked for is asked for again (kneigh_stale_refresh),
 *    at most once per retrans_ms; one learned unasked is not, until a miss
 *    shows vgwd forwards to it;
 *  - static entries are never changed or removed by the kernel;
 *  - refused reports: an ARP-mode port, an address off the port's subnets,
 *    our own / network / broadcast address, a multicast or zero MAC, a full
 *    table;
 *  - no ARP is ever transmitted on p1 (requests, replies to a punted ARP,
 *    announcements), while p0 behaves as in ARP mode in the same table;
 *  - mark and sweep: after a dump, KERNEL entries it did not list are
 *    removed; pending and static entries are kept;
 *  - show neigh says kernel/STATE (JSON);
 *  - no mbuf leaks.
 * Proves (the follower, rtnl/neigh_follow.h, fed datagrams in memory and
 * sending through a fake sender instead of a socket):
 *  - reports reach the table; other interfaces, IPv6, malformed messages
 *    (about p1, or of no known interface) are counted apart; several
 *    messages in a datagram and a broken tail are framed right;
 *  - a query is RTM_GETNEIGH on xdp_ifindex; ENOENT, NONE, FAILED or STALE
 *    answers bring one NTF_USE; REACHABLE, PERMANENT, NOARP, INCOMPLETE
 *    answers none (a PERMANENT entry must never get NTF_USE); an answer is
 *    used once; a refused request is counted; a port that is not af-xdp or
 *    a failed send is counted, nothing sent;
 *  - end to end through the table: miss -> GET -> ENOENT -> NTF_USE ->
 *    notification -> queue flushed;
 *  - the dump at start: its request, entries it does not list swept on
 *    NLMSG_DONE, notifications during it kept; EBUSY retried.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <rte_mbuf.h>

#include "cli/cli.h"
#include "gw_fixture.h"
#include "neigh/neigh.h"
#include "neigh/neigh_dp.h"
#include "net/ip4.h"
#include "rtnl/neigh_follow.h"

#define KPORT 1
#define KIFINDEX 41

static const uint8_t KM[6] = {0x02, 0xcc, 0, 0, 0, 0x07}, KM2[6] = {0x02, 0xcc, 0, 0, 0, 0x08};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ZERO[6] = {0};

/* ---- fake slow-path services ------------------------------------------- */
struct txrec {
	uint16_t port, len;
	uint8_t d[128];
};
static struct txrec txr[64];
static int n_tx, bad_counter;
static uint64_t sp[VGW_SP_CAP];
static struct {
	uint16_t port;
	uint32_t ip;
} asks[64];
static int n_ask;

static void fake_tx(uint16_t port, struct rte_mbuf *m)
{
	if (n_tx < 64) {
		uint16_t len = rte_pktmbuf_data_len(m);
		txr[n_tx].port = port;
		txr[n_tx].len = len;
		memcpy(txr[n_tx].d, rte_pktmbuf_mtod(m, void *), len < 128 ? len : 128);
	}
	n_tx++;
	rte_pktmbuf_free(m);
}

static struct rte_mbuf *fake_alloc(void)
{
	return rte_pktmbuf_alloc(vgw_gw.pool);
}

static void fake_count(int c, uint64_t n)
{
	if (c < 0 || c >= VGW_SP_CAP)
		bad_counter++;
	else
		sp[c] += n;
}

static void fake_resolve(uint16_t port, uint32_t ip)
{
	if (n_ask < 64)
		asks[n_ask] = (typeof(asks[0])){port, ip};
	n_ask++;
}

static const struct vgw_neigh_ops ops = {
	.tx = fake_tx, .alloc = fake_alloc, .count = fake_count, .kernel_resolve = fake_resolve};

/* ARP frames sent on port (ethertype 0x0806 at offset 12). */
static int arp_tx_on(uint16_t port)
{
	int k = 0;
	for (int i = 0; i < n_tx && i < 64; i++)
		k += txr[i].port == port && txr[i].d[12] == 0x08 && txr[i].d[13] == 0x06;
	return k;
}

static struct vgw_neigh_table *nt_new(uint32_t cap, const struct vgw_neigh_ops *o)
{
	memset(sp, 0, sizeof(sp));
	n_tx = n_ask = bad_counter = 0;
	snprintf(vgw_gw.ports[KPORT].xdp_iface, sizeof(vgw_gw.ports[KPORT].xdp_iface), "xdp1");
	vgw_gw.ports[KPORT].xdp_ifindex = KIFINDEX;
	struct vgw_neigh_table *t = vgw_neigh_create(cap, NULL, o, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

static void nt_free(struct vgw_neigh_table *t)
{
	vgw_defer_reclaim();
	vgw_neigh_destroy(t);
	ASSERT_EQ(bad_counter, 0);
	ASSERT_EQ(arp_tx_on(KPORT), 0); /* whatever happened: no ARP on the af-xdp port */
	ASSERT_EQ(rte_mempool_avail_count(vgw_gw.pool), pool_full);
	vgw_gw.ports[KPORT].xdp_iface[0] = '\0';
	vgw_gw.ports[KPORT].xdp_ifindex = 0;
}

static struct rte_mbuf *ip_frame(uint8_t marker)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(vgw_gw.pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	uint8_t *d = (uint8_t *)rte_pktmbuf_append(m, 64);
	if (!d)
		abort();
	memset(d, 0, 64);
	memcpy(d + 6, MAC1, 6);
	d[12] = 0x08;
	d[40] = marker;
	return m;
}

static uint64_t mac_word(const uint8_t *m)
{
	uint64_t w = 0;
	for (int i = 0; i < 6; i++)
		w = w << 8 | m[i];
	return w | VGW_NEIGH_MAC_VALID;
}

/* The kernel reports (ip, p1). */
static void kup(struct vgw_neigh_table *t, uint32_t ip, uint16_t nud, const uint8_t *mac,
		uint64_t now)
{
	vgw_neigh_kernel_update(t, KPORT, ip, false, nud, mac, now);
}

static void kdel(struct vgw_neigh_table *t, uint32_t ip, uint64_t now)
{
	vgw_neigh_kernel_update(t, KPORT, ip, true, NUD_REACHABLE, KM, now);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_miss_asks_kernel(void)
{
	struct vgw_neigh_table *t = nt_new(16, &ops);
	const uint32_t nh = A(10, 2, 0, 9);
	for (int i = 0; i < 5; i++)
		vgw_neigh_resolve(t, nh, KPORT, ip_frame((uint8_t)i), 100);
	ASSERT_EQ(n_ask, 1); /* one request, not one per packet */
	ASSERT_EQ(asks[0].port, KPORT);
	ASSERT_EQ(asks[0].ip, nh);
	ASSERT_EQ(n_tx, 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_REQUEST_TX)], 0);
	struct vgw_neigh *n = vgw_neigh_find(t, nh, KPORT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	ASSERT_EQ(n->state, VGW_NEIGH_INCOMPLETE);
	ASSERT_EQ(n->qlen, 5);
	ASSERT_EQ(vgw_neigh_mac(t, nh, KPORT), 0);
	/* the kernel is still resolving: nothing changes */
	kup(t, nh, NUD_INCOMPLETE, NULL, 150);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_UNRESOLVED)], 1);
	ASSERT_EQ(n->qlen, 5);
	/* the answer flushes the queue in order with the kernel's MAC */
	kup(t, nh, NUD_REACHABLE, KM, 200);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_UPDATE)], 1);
	ASSERT_EQ(n->state, VGW_NEIGH_KERNEL);
	ASSERT_EQ(n->nud, NUD_REACHABLE);
	ASSERT_EQ(n->qlen, 0);
	ASSERT_EQ(n_tx, 5);
	for (int i = 0; i < 5; i++) {
		ASSERT_EQ(txr[i].port, KPORT);
		ASSERT_EQ(memcmp(txr[i].d, KM, 6), 0);
		ASSERT_EQ(txr[i].d[12], 0x08);
		ASSERT_EQ(txr[i].d[13], 0x00);
		ASSERT_EQ(txr[i].d[40], i);
	}
	CU_ASSERT(vgw_neigh_mac(t, nh, KPORT) == mac_word(KM));
	ASSERT_EQ(n_ask, 1);
	/* a later miss (the packet sat in the punt ring) goes out at once */
	vgw_neigh_resolve(t, nh, KPORT, ip_frame(9), 300);
	ASSERT_EQ(n_tx, 6);
	ASSERT_EQ(n_ask, 1);
	/* the MAC follows the kernel */
	kup(t, nh, NUD_REACHABLE, KM2, 400);
	CU_ASSERT(vgw_neigh_mac(t, nh, KPORT) == mac_word(KM2));
	/* KERNEL entries are not aged here */
	vgw_neigh_tick(t, 1000000000ull);
	CU_ASSERT(vgw_neigh_mac(t, nh, KPORT) == mac_word(KM2));
	ASSERT_EQ(n_ask, 1);
	/* show neigh */
	vgw_neigh_main = t;
	struct vgw_buf out;
	vgw_buf_init(&out);
	ASSERT_EQ(vgw_cli_exec("show neigh", true, &out, err), 0);
	ASSERT_STR(out.data, "{\"neighbors\":[{\"ip\":\"10.2.0.9\",\"mac\":\"02:cc:00:00:00:08\","
			     "\"port\":\"p1\",\"state\":\"kernel/reachable\",\"queued\":0}]}\n");
	kup(t, nh, NUD_PERMANENT, KM2, 500);
	ASSERT_EQ(vgw_cli_exec("show neigh", false, &out, err), 0);
	ASSERT_CONTAINS(out.data, "kernel/permanent");
	vgw_buf_free(&out);
	vgw_neigh_main = NULL;
	nt_free(t);
}

static void test_retries_then_fail(void)
{
	struct vgw_neigh_table *t = nt_new(16, &ops);
	const uint32_t nh = A(10, 2, 0, 9);
	const uint32_t R = t->retrans_ms;
	vgw_neigh_resolve(t, nh, KPORT, ip_frame(1), 0);
	vgw_neigh_resolve(t, nh, KPORT, ip_frame(2), 0);
	ASSERT_EQ(n_ask, 1);
	vgw_neigh_tick(t, R - 1);
	ASSERT_EQ(n_ask, 1);
	uint64_t now = R;
	for (int ask = 2; ask <= t->max_probes; ask++, now += R) {
		vgw_neigh_tick(t, now);
		ASSERT_EQ(n_ask, ask);
		ASSERT_EQ(asks[ask - 1].ip, nh);
		CU_ASSERT_PTR_NOT_NULL(vgw_neigh_find(t, nh, KPORT));
		/* an old attempt's FAILED report does not cut the wait short */
		kup(t, nh, NUD_FAILED, NULL, now);
		CU_ASSERT_PTR_NOT_NULL(vgw_neigh_find(t, nh, KPORT));
	}
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_RESOLVE_FAILED)], 0);
	vgw_neigh_tick(t, now);
	ASSERT_EQ(n_ask, t->max_probes); /* max_probes asks in all */
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, nh, KPORT));
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_RESOLVE_FAILED)], 2);
	ASSERT_EQ(n_tx, 0);
	ASSERT_EQ(t->n, 0);
	nt_free(t);

	/* without a kernel_resolve op: never asked, fails the same way */
	struct vgw_neigh_ops no_resolve = ops;
	no_resolve.kernel_resolve = NULL;
	t = nt_new(16, &no_resolve);
	vgw_neigh_resolve(t, nh, KPORT, ip_frame(1), 0);
	for (now = R; now <= (uint64_t)R * t->max_probes; now += R)
		vgw_neigh_tick(t, now);
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, nh, KPORT));
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_RESOLVE_FAILED)], 1);
	ASSERT_EQ(n_ask, 0);
	nt_free(t);
}

static void test_kernel_removes(void)
{
	struct vgw_neigh_table *t = nt_new(16, &ops);
	const uint32_t a = A(10, 2, 0, 20), b = A(10, 2, 0, 21);
	kup(t, a, NUD_REACHABLE, KM, 0); /* learned without being asked */
	kup(t, b, NUD_STALE, KM2, 0);
	ASSERT_EQ(t->n, 2);
	ASSERT_EQ(n_ask, 0);
	kdel(t, a, 10);
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, a, KPORT));
	ASSERT_EQ(vgw_neigh_mac(t, a, KPORT), 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_DELETE)], 1);
	kup(t, b, NUD_FAILED, NULL, 10); /* failed in the kernel: gone here too */
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, b, KPORT));
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_DELETE)], 2);
	/* about entries we do not hold */
	kdel(t, a, 20);
	kup(t, A(10, 2, 0, 22), NUD_INCOMPLETE, NULL, 20);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_UNRESOLVED)], 2);
	ASSERT_EQ(t->n, 0);
	/* a delete while our own request waits: the wait goes on */
	vgw_neigh_resolve(t, a, KPORT, ip_frame(1), 30);
	kdel(t, a, 40);
	struct vgw_neigh *n = vgw_neigh_find(t, a, KPORT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	ASSERT_EQ(n->qlen, 1);
	ASSERT_EQ(n_tx, 0);
	nt_free(t);
}

static void test_stale_refresh(void)
{
	struct vgw_neigh_table *t = nt_new(16, &ops);
	const uint32_t nh = A(10, 2, 0, 9), other = A(10, 2, 0, 10);
	const uint32_t R = t->retrans_ms;
	vgw_neigh_resolve(t, nh, KPORT, ip_frame(1), 0);
	ASSERT_EQ(n_ask, 1);
	/* answered STALE at once (the kernel's entry had aged): the ask that
	 * answer came from is still outstanding, no second one */
	kup(t, nh, NUD_STALE, KM, 5);
	ASSERT_EQ(n_ask, 1);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_STALE_REFRESH)], 0);
	ASSERT_EQ(n_tx, 1); /* the queued packet */
	kup(t, nh, NUD_REACHABLE, KM, 100);
	/* it ages in the kernel: asked again, once per retrans_ms */
	kup(t, nh, NUD_STALE, KM, 40000);
	ASSERT_EQ(n_ask, 2);
	ASSERT_EQ(asks[1].ip, nh);
	ASSERT_EQ(asks[1].port, KPORT);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_STALE_REFRESH)], 1);
	kup(t, nh, NUD_STALE, KM, 40000 + R - 1);
	ASSERT_EQ(n_ask, 2);
	kup(t, nh, NUD_DELAY, KM, 40000 + R);
	kup(t, nh, NUD_PROBE, KM, 40000 + R);
	ASSERT_EQ(n_ask, 2);
	kup(t, nh, NUD_STALE, KM, 40000 + R);
	ASSERT_EQ(n_ask, 3);
	ASSERT_EQ(vgw_neigh_find(t, nh, KPORT)->state, VGW_NEIGH_KERNEL); /* still used */
	CU_ASSERT(vgw_neigh_mac(t, nh, KPORT) == mac_word(KM));
	/* a neighbour vgwd never asked for is left to the kernel */
	kup(t, other, NUD_REACHABLE, KM2, 50000);
	kup(t, other, NUD_STALE, KM2, 90000);
	ASSERT_EQ(n_ask, 3);
	/* until a miss shows vgwd forwards to it */
	vgw_neigh_resolve(t, other, KPORT, ip_frame(2), 90001);
	ASSERT_EQ(n_ask, 3); /* known: sent at once, nothing to ask */
	kup(t, other, NUD_STALE, KM2, 130000);
	ASSERT_EQ(n_ask, 4);
	ASSERT_EQ(asks[3].ip, other);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_STALE_REFRESH)], 3);
	nt_free(t);
}

static void test_static_protected(void)
{
	struct vgw_neigh_table *t = nt_new(16, &ops);
	const uint32_t ip = A(10, 2, 0, 30);
	ASSERT_EQ(vgw_neigh_add_static(t, ip, KM, err), 0);
	struct vgw_neigh *n = vgw_neigh_find(t, ip, KPORT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	kup(t, ip, NUD_REACHABLE, KM2, 0);
	kup(t, ip, NUD_REACHABLE, KM, 0);
	kup(t, ip, NUD_FAILED, NULL, 0);
	kdel(t, ip, 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_STATIC_PROTECTED)], 4);
	ASSERT_EQ(n->state, VGW_NEIGH_STATIC);
	CU_ASSERT(vgw_neigh_mac(t, ip, KPORT) == mac_word(KM));
	/* a static entry over a kernel one takes it over */
	kup(t, A(10, 2, 0, 31), NUD_REACHABLE, KM2, 0);
	ASSERT_EQ(vgw_neigh_add_static(t, A(10, 2, 0, 31), KM, err), 0);
	kup(t, A(10, 2, 0, 31), NUD_REACHABLE, KM2, 0);
	CU_ASSERT(vgw_neigh_mac(t, A(10, 2, 0, 31), KPORT) == mac_word(KM));
	ASSERT_EQ(vgw_neigh_find(t, A(10, 2, 0, 31), KPORT)->state, VGW_NEIGH_STATIC);
	nt_free(t);
}

static void test_refused(void)
{
	struct vgw_neigh_table *t = nt_new(4, &ops);
	/* an ARP-mode port */
	vgw_neigh_kernel_update(t, 0, A(10, 1, 0, 2), false, NUD_REACHABLE, KM, 0);
	vgw_neigh_kernel_update(t, 7, A(10, 1, 0, 2), false, NUD_REACHABLE, KM, 0); /* no port */
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_OTHER_IF)], 2);
	/* not a neighbour address of p1's subnet */
	static const uint32_t bad_ip[] = {A(10, 1, 0, 2), A(192, 0, 2, 1), NPORT1, A(10, 2, 0, 0),
					  A(10, 2, 0, 255), A(224, 0, 0, 1)};
	for (size_t i = 0; i < sizeof(bad_ip) / sizeof(bad_ip[0]); i++)
		kup(t, bad_ip[i], NUD_REACHABLE, KM, 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_NOT_CONNECTED)], 6);
	/* MACs no neighbour has */
	kup(t, A(10, 2, 0, 5), NUD_NOARP, BCAST, 0);
	kup(t, A(10, 2, 0, 5), NUD_NOARP, (const uint8_t[]){0x01, 0, 0x5e, 0, 0, 1}, 0);
	kup(t, A(10, 2, 0, 5), NUD_PERMANENT, ZERO, 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_BAD_MAC)], 3);
	ASSERT_EQ(t->n, 0);
	/* the table cap */
	for (int i = 0; i < 5; i++)
		kup(t, A(10, 2, 0, 40 + i), NUD_REACHABLE, KM, 0);
	ASSERT_EQ(t->n, 4);
	ASSERT_EQ(sp[VGW_NEIGH_SP(NEIGH_TABLE_FULL)], 1);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_UPDATE)], 4);
	ASSERT_EQ(n_tx, 0);
	nt_free(t);
}

static void test_no_arp_on_kernel_port(void)
{
	struct vgw_neigh_table *t = nt_new(16, &ops);
	/* an ARP request for our own address punted from p1: not answered,
	 * nothing learned */
	struct rte_mbuf *m = rte_pktmbuf_alloc(vgw_gw.pool);
	uint8_t *d = (uint8_t *)rte_pktmbuf_append(m, 60);
	if (!d)
		abort();
	memset(d, 0, 60);
	memcpy(d, BCAST, 6);
	memcpy(d + 6, KM, 6);
	d[12] = 0x08;
	d[13] = 0x06;
	struct vgw_neigh_arp a = {
		.op = VGW_NEIGH_ARP_REQUEST, .spa = A(10, 2, 0, 9), .tpa = NPORT1};
	memcpy(a.sha, KM, 6);
	vgw_neigh_arp_build(d + 14, &a);
	vgw_neigh_arp_input(t, KPORT, m, 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_RX)], 1);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_KERNEL_PORT)], 1);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_REPLY_TX)], 0);
	ASSERT_EQ(t->n, 0);
	/* announcements: nothing sent, nothing counted */
	vgw_neigh_announce(t, KPORT, NPORT1);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_GRATUITOUS_TX)], 0);
	ASSERT_EQ(n_tx, 0);
	/* misses and their retries */
	vgw_neigh_resolve(t, A(10, 2, 0, 9), KPORT, ip_frame(1), 0);
	for (uint64_t now = 0; now < 10000; now += 100)
		vgw_neigh_tick(t, now);
	ASSERT_EQ(n_tx, 0);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_REQUEST_TX)], 0);

	/* p0, in the same table, still does ARP itself */
	vgw_neigh_resolve(t, A(10, 1, 0, 9), 0, ip_frame(2), 20000);
	ASSERT_EQ(arp_tx_on(0), 1);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_REQUEST_TX)], 1);
	vgw_neigh_announce(t, 0, NPORT0);
	ASSERT_EQ(arp_tx_on(0), 2);
	ASSERT_EQ(sp[VGW_NEIGH_SP(ARP_GRATUITOUS_TX)], 1);
	ASSERT_EQ(n_ask, 3); /* p1's three asks only */
	for (int i = 0; i < n_ask; i++)
		ASSERT_EQ(asks[i].port, KPORT);
	nt_free(t);
}

static void test_resync_sweep(void)
{
	struct vgw_neigh_table *t = nt_new(16, &ops);
	const uint32_t keep = A(10, 2, 0, 50), gone = A(10, 2, 0, 51), pend = A(10, 2, 0, 52),
		       stat = A(10, 2, 0, 53);
	kup(t, keep, NUD_REACHABLE, KM, 0);
	kup(t, gone, NUD_REACHABLE, KM2, 0);
	vgw_neigh_resolve(t, pend, KPORT, ip_frame(1), 0);
	ASSERT_EQ(vgw_neigh_add_static(t, stat, KM, err), 0);
	vgw_neigh_resolve(t, A(10, 1, 0, 9), 0, ip_frame(2), 0); /* an ARP-mode entry */
	ASSERT_EQ(t->n, 5);
	vgw_neigh_kernel_resync_begin(t);
	kup(t, keep, NUD_STALE, KM, 10); /* the dump lists it */
	ASSERT_EQ(vgw_neigh_kernel_sweep(t), 1);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_SWEPT)], 1);
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, gone, KPORT));
	CU_ASSERT_PTR_NOT_NULL(vgw_neigh_find(t, keep, KPORT));
	CU_ASSERT_PTR_NOT_NULL(vgw_neigh_find(t, pend, KPORT));
	CU_ASSERT_PTR_NOT_NULL(vgw_neigh_find(t, stat, KPORT));
	CU_ASSERT_PTR_NOT_NULL(vgw_neigh_find(t, A(10, 1, 0, 9), 0));
	ASSERT_EQ(vgw_neigh_kernel_sweep(t), 0); /* idempotent */
	/* an empty dump sweeps every kernel entry */
	vgw_neigh_kernel_resync_begin(t);
	ASSERT_EQ(vgw_neigh_kernel_sweep(t), 1);
	ASSERT_EQ(t->n, 3);
	nt_free(t);
}

/* ---- the follower ------------------------------------------------------ */

static struct {
	uint8_t d[256];
	size_t len;
} sent[16];
static int n_sent;
static bool send_fails;

static int fake_send(const void *msg, size_t len)
{
	if (send_fails) {
		errno = ENOBUFS;
		return -1;
	}
	if (n_sent < 16) {
		memcpy(sent[n_sent].d, msg, len < 256 ? len : 256);
		sent[n_sent].len = len;
	}
	n_sent++;
	return 0;
}

/* Header and ndmsg of sent message i. */
static void sent_hdr(int i, struct nlmsghdr *h, struct ndmsg *ndm)
{
	CU_ASSERT_FATAL(i < n_sent && i < 16);
	memcpy(h, sent[i].d, sizeof(*h));
	memcpy(ndm, sent[i].d + NLMSG_HDRLEN, sizeof(*ndm));
}

/* The IPv4 address of sent message i's NDA_DST (at its fixed place). */
static uint32_t sent_ip(int i)
{
	uint32_t be;
	memcpy(&be, sent[i].d + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ndmsg)) + 4, 4);
	return ntohl(be);
}

static void follow_new(struct vgw_neigh_table **t)
{
	*t = nt_new(16, &ops);
	ASSERT_EQ(vgw_gw.n_ports, 2);
	memset(vgw_gw.sp_stats, 0, sizeof(vgw_gw.sp_stats));
	vgw_neigh_main = *t;
	n_sent = 0;
	send_fails = false;
	vgw_kneigh_test_open(fake_send);
}

static void follow_free(struct vgw_neigh_table *t)
{
	vgw_kneigh_close();
	vgw_neigh_main = NULL;
	nt_free(t);
}

static uint8_t dg[4096];
static size_t dg_len;

/* Appends a neighbour message to the datagram being built. */
static struct nlmsghdr *put_neigh(uint16_t type, uint32_t seq, int32_t ifindex, uint32_t ip,
				  uint16_t state, const uint8_t *mac)
{
	struct nlmsghdr *n = mnl_nlmsg_put_header(dg + dg_len);
	n->nlmsg_type = type;
	n->nlmsg_seq = seq;
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(n, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	ndm->ndm_type = RTN_UNICAST;
	mnl_attr_put_u32(n, NDA_DST, htonl(ip));
	if (mac)
		mnl_attr_put(n, NDA_LLADDR, 6, mac);
	dg_len += NLMSG_ALIGN(n->nlmsg_len);
	return n;
}

static void put_ctl(uint16_t type, uint32_t seq, int32_t error)
{
	struct nlmsghdr *n = mnl_nlmsg_put_header(dg + dg_len);
	n->nlmsg_type = type;
	n->nlmsg_seq = seq;
	if (type == NLMSG_ERROR) {
		struct nlmsgerr *e = mnl_nlmsg_put_extra_header(n, sizeof(*e));
		e->error = error;
		e->msg.nlmsg_seq = seq;
	} else {
		int32_t *e = mnl_nlmsg_put_extra_header(n, sizeof(*e));
		*e = error;
	}
	dg_len += NLMSG_ALIGN(n->nlmsg_len);
}

static void flush_dg(void)
{
	vgw_kneigh_input(dg, dg_len);
	dg_len = 0;
}

/* Ends the start-up dump (requested by the first poll) with no entries. */
static void first_dump_empty(void)
{
	vgw_kneigh_poll(false);
	ASSERT_EQ(n_sent, 1);
	struct nlmsghdr h;
	struct ndmsg ndm;
	sent_hdr(0, &h, &ndm);
	put_ctl(NLMSG_DONE, h.nlmsg_seq, 0);
	flush_dg();
	n_sent = 0;
}

static void test_follow_reports(void)
{
	struct vgw_neigh_table *t;
	follow_new(&t);
	first_dump_empty();
	uint64_t *st = vgw_gw.sp_stats;
	put_neigh(RTM_NEWNEIGH, 0, KIFINDEX, A(10, 2, 0, 9), NUD_REACHABLE, KM);
	put_neigh(RTM_NEWNEIGH, 0, 99, A(10, 2, 0, 10), NUD_REACHABLE, KM); /* not af-xdp */
	struct nlmsghdr *v6 = put_neigh(RTM_NEWNEIGH, 0, KIFINDEX, A(10, 2, 0, 11), NUD_REACHABLE, KM);
	((struct ndmsg *)mnl_nlmsg_get_payload(v6))->ndm_family = AF_INET6;
	put_neigh(RTM_NEWNEIGH, 0, KIFINDEX, A(10, 2, 0, 12), NUD_REACHABLE, NULL); /* no MAC */
	put_neigh(RTM_NEWNEIGH, 0, 99, A(10, 2, 0, 13), NUD_REACHABLE, NULL);
	put_neigh(RTM_NEWNEIGH, 0, KIFINDEX, A(10, 2, 0, 14), NUD_STALE, KM2);
	flush_dg();
	ASSERT_EQ(st[VGW_KNEIGH_SP(KNEIGH_MSG)], 6);
	ASSERT_EQ(st[VGW_NEIGH_SP(KNEIGH_OTHER_IF)], 2);
	ASSERT_EQ(st[VGW_KNEIGH_SP(KNEIGH_IGNORED)], 1);
	ASSERT_EQ(st[VGW_KNEIGH_SP(KNEIGH_MALFORMED)], 1);
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_UPDATE)], 2);
	CU_ASSERT(vgw_neigh_mac(t, A(10, 2, 0, 9), KPORT) == mac_word(KM));
	CU_ASSERT(vgw_neigh_mac(t, A(10, 2, 0, 14), KPORT) == mac_word(KM2));
	ASSERT_EQ(vgw_neigh_find(t, A(10, 2, 0, 14), KPORT)->nud, NUD_STALE);
	ASSERT_EQ(t->n, 2);
	/* a delete, then a datagram whose tail is broken */
	put_neigh(RTM_DELNEIGH, 0, KIFINDEX, A(10, 2, 0, 9), NUD_REACHABLE, KM);
	size_t whole = dg_len;
	put_neigh(RTM_DELNEIGH, 0, KIFINDEX, A(10, 2, 0, 14), NUD_STALE, KM2);
	vgw_kneigh_input(dg, whole + 10); /* the second message cut short */
	dg_len = 0;
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_DELETE)], 1);
	ASSERT_EQ(st[VGW_KNEIGH_SP(KNEIGH_MALFORMED)], 2);
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, A(10, 2, 0, 9), KPORT));
	CU_ASSERT_PTR_NOT_NULL(vgw_neigh_find(t, A(10, 2, 0, 14), KPORT));
	ASSERT_EQ(n_sent, 0); /* reports alone ask nothing */
	follow_free(t);
}

/* Asks about ip on p1; returns the query's sequence number. */
static uint32_t query(uint32_t ip)
{
	int before = n_sent;
	vgw_kneigh_resolve(KPORT, ip);
	ASSERT_EQ(n_sent, before + 1);
	struct nlmsghdr h;
	struct ndmsg ndm;
	sent_hdr(before, &h, &ndm);
	ASSERT_EQ(h.nlmsg_type, RTM_GETNEIGH);
	ASSERT_EQ(h.nlmsg_flags, NLM_F_REQUEST);
	ASSERT_EQ(ndm.ndm_ifindex, KIFINDEX);
	ASSERT_EQ(sent_ip(before), ip);
	return h.nlmsg_seq;
}

/* Sent message i is NTF_USE for ip on p1. */
static void expect_use(int i, uint32_t ip)
{
	struct nlmsghdr h;
	struct ndmsg ndm;
	sent_hdr(i, &h, &ndm);
	ASSERT_EQ(h.nlmsg_type, RTM_NEWNEIGH);
	ASSERT_EQ(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE);
	ASSERT_EQ(ndm.ndm_flags, NTF_USE);
	ASSERT_EQ(ndm.ndm_state, 0);
	ASSERT_EQ(ndm.ndm_ifindex, KIFINDEX);
	ASSERT_EQ(sent_ip(i), ip);
}

static void test_follow_queries(void)
{
	struct vgw_neigh_table *t;
	follow_new(&t);
	first_dump_empty();
	uint64_t *st = vgw_gw.sp_stats;
	/* no entry in the kernel: NTF_USE */
	uint32_t s = query(A(10, 2, 0, 20));
	ASSERT_EQ(st[VGW_KNEIGH_SP(KNEIGH_QUERY_TX)], 1);
	put_ctl(NLMSG_ERROR, s, -ENOENT);
	flush_dg();
	ASSERT_EQ(n_sent, 2);
	expect_use(1, A(10, 2, 0, 20));
	ASSERT_EQ(st[VGW_KNEIGH_SP(KNEIGH_REQUEST_TX)], 1);
	/* ... which the kernel refuses: counted */
	struct nlmsghdr h;
	struct ndmsg ndm;
	sent_hdr(1, &h, &ndm);
	put_ctl(NLMSG_ERROR, h.nlmsg_seq, -EINVAL);
	flush_dg();
	ASSERT_EQ(st[VGW_KNEIGH_SP(KNEIGH_REQUEST_ERROR)], 1);
	ASSERT_EQ(n_sent, 2);
	/* answers by state */
	static const struct {
		uint16_t state;
		bool mac, use;
	} ans[] = {
		{NUD_REACHABLE, true, false}, {NUD_PERMANENT, true, false}, {NUD_NOARP, true, false},
		{NUD_DELAY, true, false},     {NUD_PROBE, true, false},     {NUD_INCOMPLETE, false, false},
		{NUD_STALE, true, true},      {NUD_FAILED, false, true},    {NUD_NONE, false, true},
	};
	for (size_t i = 0; i < sizeof(ans) / sizeof(ans[0]); i++) {
		uint32_t ip = A(10, 2, 0, (uint8_t)(30 + i));
		int before = n_sent;
		s = query(ip);
		put_neigh(RTM_NEWNEIGH, s, KIFINDEX, ip, ans[i].state, ans[i].mac ? KM : NULL);
		flush_dg();
		if (ans[i].use) {
			ASSERT_EQ(n_sent, before + 2);
			expect_use(before + 1, ip);
		} else {
			ASSERT_EQ(n_sent, before + 1); /* PERMANENT above all: never NTF_USE */
		}
		if (ans[i].mac)
			CU_ASSERT(vgw_neigh_mac(t, ip, KPORT) == mac_word(KM));
		/* the same answer again (or a stray seq): used once */
		put_neigh(RTM_NEWNEIGH, s, KIFINDEX, ip, ans[i].state, ans[i].mac ? KM : NULL);
		flush_dg();
		ASSERT_EQ(n_sent, before + 1 + ans[i].use);
	}
	/* an answer about another address than asked (cannot happen): no action */
	s = query(A(10, 2, 0, 60));
	int before = n_sent;
	put_neigh(RTM_NEWNEIGH, s, KIFINDEX, A(10, 2, 0, 61), NUD_FAILED, NULL);
	flush_dg();
	ASSERT_EQ(n_sent, before);
	/* nothing is sent for a port that is not af-xdp, or when sending fails */
	uint64_t errs = st[VGW_KNEIGH_SP(KNEIGH_REQUEST_ERROR)];
	vgw_kneigh_resolve(0, A(10, 1, 0, 9));
	vgw_kneigh_resolve(9, A(10, 1, 0, 9));
	send_fails = true;
	vgw_kneigh_resolve(KPORT, A(10, 2, 0, 70));
	send_fails = false;
	ASSERT_EQ(n_sent, before);
	ASSERT_EQ(st[VGW_KNEIGH_SP(KNEIGH_REQUEST_ERROR)], errs + 3);
	follow_free(t);
}

static void test_follow_end_to_end(void)
{
	struct vgw_neigh_ops real = ops;
	real.kernel_resolve = vgw_kneigh_resolve;
	struct vgw_neigh_table *t = nt_new(16, &real);
	memset(vgw_gw.sp_stats, 0, sizeof(vgw_gw.sp_stats));
	vgw_neigh_main = t;
	n_sent = 0;
	vgw_kneigh_test_open(fake_send);
	first_dump_empty();
	const uint32_t nh = A(10, 2, 0, 9);
	vgw_neigh_resolve(t, nh, KPORT, ip_frame(1), 0);
	vgw_neigh_resolve(t, nh, KPORT, ip_frame(2), 0);
	ASSERT_EQ(n_sent, 1); /* one query */
	struct nlmsghdr h;
	struct ndmsg ndm;
	sent_hdr(0, &h, &ndm);
	ASSERT_EQ(h.nlmsg_type, RTM_GETNEIGH);
	put_ctl(NLMSG_ERROR, h.nlmsg_seq, -ENOENT);
	flush_dg();
	ASSERT_EQ(n_sent, 2);
	expect_use(1, nh);
	/* the kernel resolves: INCOMPLETE, then REACHABLE (notifications) */
	put_neigh(RTM_NEWNEIGH, 0, KIFINDEX, nh, NUD_INCOMPLETE, NULL);
	put_neigh(RTM_NEWNEIGH, 0, KIFINDEX, nh, NUD_REACHABLE, KM);
	flush_dg();
	ASSERT_EQ(n_tx, 2);
	ASSERT_EQ(memcmp(txr[0].d, KM, 6), 0);
	ASSERT_EQ(txr[1].d[40], 2);
	ASSERT_EQ(vgw_neigh_find(t, nh, KPORT)->state, VGW_NEIGH_KERNEL);
	ASSERT_EQ(n_sent, 2);
	follow_free(t);
}

static void test_follow_dump(void)
{
	struct vgw_neigh_table *t;
	follow_new(&t);
	const uint32_t a = A(10, 2, 0, 40), b = A(10, 2, 0, 41), c = A(10, 2, 0, 42);
	/* known before the dump (as after an overrun) */
	put_neigh(RTM_NEWNEIGH, 0, KIFINDEX, a, NUD_REACHABLE, KM);
	put_neigh(RTM_NEWNEIGH, 0, KIFINDEX, b, NUD_REACHABLE, KM);
	flush_dg();
	ASSERT_EQ(t->n, 2);
	vgw_kneigh_poll(false);
	ASSERT_EQ(n_sent, 1);
	ASSERT_EQ(vgw_gw.sp_stats[VGW_KNEIGH_SP(KNEIGH_DUMP)], 1);
	struct nlmsghdr h;
	struct ndmsg ndm;
	sent_hdr(0, &h, &ndm);
	ASSERT_EQ(h.nlmsg_type, RTM_GETNEIGH);
	ASSERT_EQ(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	ASSERT_EQ(ndm.ndm_family, AF_INET);
	uint32_t d = h.nlmsg_seq;
	vgw_kneigh_poll(false); /* no second dump while one runs */
	ASSERT_EQ(n_sent, 1);
	/* the dump lists a; c is notified meanwhile; b is in neither */
	put_neigh(RTM_NEWNEIGH, d, KIFINDEX, a, NUD_STALE, KM);
	put_neigh(RTM_NEWNEIGH, 0, KIFINDEX, c, NUD_REACHABLE, KM2);
	flush_dg();
	ASSERT_EQ(t->n, 3); /* nothing swept before NLMSG_DONE */
	put_ctl(NLMSG_DONE, d, 0);
	flush_dg();
	CU_ASSERT_PTR_NOT_NULL(vgw_neigh_find(t, a, KPORT));
	CU_ASSERT_PTR_NULL(vgw_neigh_find(t, b, KPORT));
	CU_ASSERT_PTR_NOT_NULL(vgw_neigh_find(t, c, KPORT));
	ASSERT_EQ(sp[VGW_NEIGH_SP(KNEIGH_SWEPT)], 1);
	vgw_kneigh_poll(false);
	ASSERT_EQ(n_sent, 1); /* synced: no more dumps */
	follow_free(t);

	/* a dump refused with EBUSY is asked again, a little later */
	follow_new(&t);
	vgw_kneigh_poll(false);
	sent_hdr(0, &h, &ndm);
	put_ctl(NLMSG_ERROR, h.nlmsg_seq, -EBUSY);
	flush_dg();
	vgw_kneigh_poll(false);
	ASSERT_EQ(n_sent, 1);
	usleep(150 * 1000);
	vgw_kneigh_poll(false);
	ASSERT_EQ(n_sent, 2);
	ASSERT_EQ(vgw_gw.sp_stats[VGW_KNEIGH_SP(KNEIGH_DUMP)], 2);
	follow_free(t);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"kernel mode: a miss asks the kernel, the answer flushes", test_miss_asks_kernel},
		{"kernel mode: retries, then failure", test_retries_then_fail},
		{"kernel mode: delete / FAILED remove kernel entries", test_kernel_removes},
		{"kernel mode: STALE next hops asked again", test_stale_refresh},
		{"kernel mode: static entries protected", test_static_protected},
		{"kernel mode: refused reports", test_refused},
		{"kernel mode: no ARP on the af-xdp port, ARP on the other", test_no_arp_on_kernel_port},
		{"kernel mode: mark and sweep after a dump", test_resync_sweep},
		{"follower: reports, other interfaces, malformed, framing", test_follow_reports},
		{"follower: query, then NTF_USE only when needed", test_follow_queries},
		{"follower: miss to flush through the table", test_follow_end_to_end},
		{"follower: dump, sweep, EBUSY", test_follow_dump},
	};
	return unit_eal_run("neigh-kernel", tests, sizeof(tests) / sizeof(tests[0]));
}
