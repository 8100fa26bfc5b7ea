/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_announce.c - announcements (lib/announce): the decision, the worker
 * liveness state machine, the reconciliation with a fake kernel, and the
 * netlink requests as bytes.
 *
 * Proves:
 *  - decide: every EIP is announced; a VIP is announced when one service on
 *    it has one backend that is admin up, weight > 0 and passing its check
 *    (or unchecked and not down); not when its backends are all down, all
 *    draining, all weight 0, failing or not yet checked, nor with no
 *    backend; one row per address, sorted, the best verdict of the services
 *    sharing it; nothing while the workers start or stall;
 *  - watch: alive after the first passed token, stalled when a token stays
 *    unpassed for more than VGW_ANNOUNCE_STALL_MS (not at exactly that), one
 *    event per transition, recovered on the next pass, no stall after a
 *    slow-path hiccup whose token was passed; on a real rte_rcu_qsbr,
 *    liveness tokens and the defer queue's grace periods (core/defer.c) pass
 *    and wait together, neither holding the other back;
 *  - sync: adds what is wanted, deletes what is not, deletions first;
 *    installed follows the kernel's answers only: a refused add stays
 *    withdrawn with its errno and is retried next tick, a refused delete
 *    stays announced; a removed EIP is deleted, then its row dropped; at
 *    most VGW_ANNOUNCE_MAX_ADDS adds a tick; counters; a stall withdraws every
 *    route and the recovery announces them again;
 *  - audit: a route gone from the kernel is added again; an unknown route
 *    of vgw's protocol becomes a stale row and is deleted; withdraw_all;
 *  - netlink: RTM_NEWROUTE / RTM_DELROUTE carry the flags, header fields and
 *    attributes announce_kernel.h specifies (tables above 255 included).
 * No EAL, no kernel: the kernel is a fake set of addresses, the RCU reader
 * is the test itself.
 */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_rcu_qsbr.h>

#include "announce/announce_decide.h"
#include "announce/announce_kernel.h"
#include "announce/announce_state.h"
#include "announce/announce_watch.h"
#include "core/defer.h"
#include "core/drop.h"
#include "unit.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define EIP1 A(203, 0, 113, 100)
#define EIP2 A(203, 0, 113, 101)
#define VIP1 A(198, 51, 100, 80)
#define VIP2 A(198, 51, 100, 81)

/* ------------------------------------------------------------ fixtures */

static struct vgw_lb_backend_cfg be(uint8_t admin, uint16_t weight, uint8_t health)
{
	return (struct vgw_lb_backend_cfg){.vni = 100, .ip = A(192, 168, 1, 10), .port = 80,
					.weight = weight, .admin = admin, .health = health};
}

static const struct vgw_lb_backend_cfg UP_OK = {.weight = 1, .admin = VGW_LB_BE_UP,
					     .health = VGW_LB_HEALTH_UP};

static struct vgw_announce_svc svc(uint32_t vip, uint8_t check, const struct vgw_lb_backend_cfg *b,
				   uint16_t n)
{
	return (struct vgw_announce_svc){.vip = vip, .check = check, .n_backends = n, .be = b};
}

/* The one candidate of a single service. */
static struct vgw_announce_cand one_vip(uint8_t check, const struct vgw_lb_backend_cfg *b,
					uint16_t n)
{
	struct vgw_announce_svc s = svc(VIP1, check, b, n);
	struct vgw_announce_cand c[1];
	CU_ASSERT_FATAL(vgw_announce_decide(NULL, 0, &s, 1, VGW_ANNOUNCE_R_NONE, c) == 1);
	ASSERT_EQ(c[0].ip, VIP1);
	ASSERT_EQ(c[0].kind, VGW_ANNOUNCE_VIP);
	return c[0];
}

/* A fake kernel: the set of installed /32s, requests that fail on demand. */
#define KMAX 8192
static struct {
	bool has[KMAX];       /* indexed by ip & (KMAX - 1) */
	uint32_t fail_ip;     /* requests for this address fail... */
	int fail_err;         /* ...with this errno (0: none fail) */
	int calls, adds, dels;
	bool del_before_add;  /* every delete of a call came before its adds */
	uint64_t counters[VGW_SP_CAP];
} k;

static void fake_apply(void *ctx, struct vgw_announce_op *ops, size_t n)
{
	(void)ctx;
	k.calls++;
	bool seen_add = false;
	for (size_t i = 0; i < n; i++) {
		struct vgw_announce_op *op = &ops[i];
		if (op->add)
			seen_add = true;
		else if (seen_add)
			k.del_before_add = false;
		if (k.fail_err && op->ip == k.fail_ip) {
			op->err = k.fail_err;
			continue;
		}
		op->err = 0;
		k.has[op->ip & (KMAX - 1)] = op->add;
		if (op->add)
			k.adds++;
		else
			k.dels++;
	}
}

static void fake_count(int c, uint64_t n)
{
	k.counters[c] += n;
}

static const struct vgw_announce_ops fake = {.apply = fake_apply, .count = fake_count};

static void k_reset(void)
{
	memset(&k, 0, sizeof(k));
	k.del_before_add = true;
}

static bool k_has(uint32_t ip)
{
	return k.has[ip & (KMAX - 1)];
}

static const struct vgw_announce_row *row(const struct vgw_announce_state *s, uint32_t ip)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].ip == ip)
			return &s->rows[i];
	return NULL;
}

/* One tick of the decision and the reconciliation. */
static void tick(struct vgw_announce_state *s, const uint32_t *eips, size_t ne,
		 const struct vgw_announce_svc *svcs, size_t ns, uint8_t hold, uint64_t now)
{
	struct vgw_announce_cand c[16];
	CU_ASSERT_FATAL(ne + ns <= 16);
	size_t n = vgw_announce_decide(eips, ne, svcs, ns, hold, c);
	ASSERT_EQ(vgw_announce_sync(s, c, n, now, &fake), 0);
}

/* ------------------------------------------------------------ decide */

static void test_eip_always(void)
{
	uint32_t eips[] = {EIP2, EIP1};
	struct vgw_announce_cand c[2];
	ASSERT_EQ(vgw_announce_decide(eips, 2, NULL, 0, VGW_ANNOUNCE_R_NONE, c), 2);
	ASSERT_EQ(c[0].ip, EIP1); /* sorted */
	ASSERT_EQ(c[1].ip, EIP2);
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(c[i].kind, VGW_ANNOUNCE_EIP);
		ASSERT_EQ(c[i].want, true);
		ASSERT_STR(vgw_announce_reason_name(c[i].reason), "elastic ip");
	}
}

static void test_vip_one_healthy(void)
{
	struct vgw_lb_backend_cfg b[3] = {be(VGW_LB_BE_DOWN, 1, VGW_LB_HEALTH_UP),
				       be(VGW_LB_BE_UP, 1, VGW_LB_HEALTH_DOWN), UP_OK};
	struct vgw_announce_cand c = one_vip(VGW_LB_CHECK_TCP, b, 3);
	ASSERT_EQ(c.want, true);
	ASSERT_STR(vgw_announce_reason_name(c.reason), "healthy backend");
	c = one_vip(VGW_LB_CHECK_TCP, b, 2); /* without the healthy one */
	ASSERT_EQ(c.want, false);
	ASSERT_STR(vgw_announce_reason_name(c.reason), "no healthy backend");
}

static void test_vip_all_down(void)
{
	struct vgw_lb_backend_cfg b[2] = {be(VGW_LB_BE_DOWN, 1, VGW_LB_HEALTH_UP),
				       be(VGW_LB_BE_DOWN, 5, VGW_LB_HEALTH_UNKNOWN)};
	ASSERT_EQ(one_vip(VGW_LB_CHECK_TCP, b, 2).want, false);
	ASSERT_EQ(one_vip(VGW_LB_CHECK_NONE, b, 2).want, false);
}

static void test_vip_drain_only(void)
{
	struct vgw_lb_backend_cfg b[2] = {be(VGW_LB_BE_DRAIN, 1, VGW_LB_HEALTH_UP),
				       be(VGW_LB_BE_DRAIN, 3, VGW_LB_HEALTH_UP)};
	struct vgw_announce_cand c = one_vip(VGW_LB_CHECK_TCP, b, 2);
	ASSERT_EQ(c.want, false);
	ASSERT_EQ(c.reason, VGW_ANNOUNCE_R_NO_HEALTHY);
	ASSERT_EQ(one_vip(VGW_LB_CHECK_NONE, b, 2).want, false);
}

static void test_vip_weight_zero(void)
{
	struct vgw_lb_backend_cfg b[1] = {be(VGW_LB_BE_UP, 0, VGW_LB_HEALTH_UP)};
	ASSERT_EQ(one_vip(VGW_LB_CHECK_TCP, b, 1).want, false);
	ASSERT_EQ(one_vip(VGW_LB_CHECK_NONE, b, 1).want, false);
	b[0].weight = 1;
	ASSERT_EQ(one_vip(VGW_LB_CHECK_TCP, b, 1).want, true);
}

static void test_vip_health(void)
{
	struct vgw_lb_backend_cfg b[1] = {be(VGW_LB_BE_UP, 1, VGW_LB_HEALTH_DOWN)};
	ASSERT_EQ(one_vip(VGW_LB_CHECK_TCP, b, 1).want, false); /* failing */
	b[0].health = VGW_LB_HEALTH_UNKNOWN;
	ASSERT_EQ(one_vip(VGW_LB_CHECK_TCP, b, 1).want, false); /* not checked yet */
	ASSERT_EQ(one_vip(VGW_LB_CHECK_NONE, b, 1).want, true);  /* no check */
	b[0].health = VGW_LB_HEALTH_UP;
	ASSERT_EQ(one_vip(VGW_LB_CHECK_TCP, b, 1).want, true);
	/* the helper itself */
	ASSERT_EQ(vgw_announce_backend_healthy(&b[0], VGW_LB_CHECK_TCP), true);
	b[0].health = VGW_LB_HEALTH_DOWN;
	ASSERT_EQ(vgw_announce_backend_healthy(&b[0], VGW_LB_CHECK_NONE), false);
}

static void test_vip_no_backend(void)
{
	struct vgw_announce_cand c = one_vip(VGW_LB_CHECK_TCP, NULL, 0);
	ASSERT_EQ(c.want, false);
	ASSERT_STR(vgw_announce_reason_name(c.reason), "no backend");
}

static void test_two_services_one_vip(void)
{
	struct vgw_lb_backend_cfg down[1] = {be(VGW_LB_BE_UP, 1, VGW_LB_HEALTH_DOWN)};
	struct vgw_lb_backend_cfg ok[1] = {UP_OK};
	/* :80 failing, :443 healthy, :53/udp without backends; in every order */
	struct vgw_announce_svc s[3] = {svc(VIP1, VGW_LB_CHECK_TCP, down, 1), svc(VIP1, VGW_LB_CHECK_TCP, ok, 1),
				   svc(VIP1, VGW_LB_CHECK_NONE, NULL, 0)};
	for (int rot = 0; rot < 3; rot++) {
		struct vgw_announce_svc r[3] = {s[rot], s[(rot + 1) % 3], s[(rot + 2) % 3]};
		struct vgw_announce_cand c[3];
		ASSERT_EQ(vgw_announce_decide(NULL, 0, r, 3, VGW_ANNOUNCE_R_NONE, c), 1);
		ASSERT_EQ(c[0].want, true);
		ASSERT_EQ(c[0].reason, VGW_ANNOUNCE_R_HEALTHY);
	}
	/* without the healthy one: the failing one's reason beats "no backend" */
	struct vgw_announce_svc r[2] = {s[2], s[0]};
	struct vgw_announce_cand c[2];
	ASSERT_EQ(vgw_announce_decide(NULL, 0, r, 2, VGW_ANNOUNCE_R_NONE, c), 1);
	ASSERT_EQ(c[0].want, false);
	ASSERT_EQ(c[0].reason, VGW_ANNOUNCE_R_NO_HEALTHY);
}

static void test_hold(void)
{
	uint32_t eips[] = {EIP1};
	struct vgw_lb_backend_cfg ok[1] = {UP_OK};
	struct vgw_announce_svc s[1] = {svc(VIP1, VGW_LB_CHECK_TCP, ok, 1)};
	struct vgw_announce_cand c[2];
	uint8_t holds[] = {VGW_ANNOUNCE_R_STARTING, VGW_ANNOUNCE_R_STALLED};
	for (int h = 0; h < 2; h++) {
		ASSERT_EQ(vgw_announce_decide(eips, 1, s, 1, holds[h], c), 2);
		for (int i = 0; i < 2; i++) {
			ASSERT_EQ(c[i].want, false);
			ASSERT_EQ(c[i].reason, holds[h]);
		}
	}
	ASSERT_STR(vgw_announce_reason_name(VGW_ANNOUNCE_R_STALLED), "workers stalled");
	ASSERT_EQ(c[0].kind, VGW_ANNOUNCE_VIP); /* 198.51.100.80 sorts first */
	ASSERT_EQ(c[1].kind, VGW_ANNOUNCE_EIP);
}

/* ------------------------------------------------------------ watch */

static void test_watch(void)
{
	struct vgw_announce_watch w;
	vgw_announce_watch_init(&w, 1000);
	ASSERT_EQ(w.state, VGW_ANNOUNCE_W_STARTING);
	ASSERT_EQ(vgw_announce_watch_step(&w, 1000, false), VGW_ANNOUNCE_WATCH_START);
	ASSERT_EQ(vgw_announce_watch_step(&w, 1100, true),
		  VGW_ANNOUNCE_WATCH_START | VGW_ANNOUNCE_WATCH_ALIVE);
	ASSERT_EQ(w.state, VGW_ANNOUNCE_W_RUNNING);
	ASSERT_EQ(w.since_ms, 1100);
	/* a token passed each tick: nothing to report */
	ASSERT_EQ(vgw_announce_watch_step(&w, 1200, true), VGW_ANNOUNCE_WATCH_START);
	/* unpassed since 1200: exactly VGW_ANNOUNCE_STALL_MS is still fine */
	for (uint64_t t = 1300; t <= 1200 + VGW_ANNOUNCE_STALL_MS; t += 100)
		ASSERT_EQ(vgw_announce_watch_step(&w, t, false), 0);
	ASSERT_EQ(w.state, VGW_ANNOUNCE_W_RUNNING);
	ASSERT_EQ(vgw_announce_watch_step(&w, 1201 + VGW_ANNOUNCE_STALL_MS, false),
		  VGW_ANNOUNCE_WATCH_STALLED);
	ASSERT_EQ(w.state, VGW_ANNOUNCE_W_STALLED);
	ASSERT_EQ(vgw_announce_watch_step(&w, 5000, false), 0); /* reported once */
	ASSERT_EQ(vgw_announce_watch_step(&w, 5100, true),
		  VGW_ANNOUNCE_WATCH_START | VGW_ANNOUNCE_WATCH_RECOVERED);
	ASSERT_EQ(w.state, VGW_ANNOUNCE_W_RUNNING);
	ASSERT_STR(vgw_announce_workers_name(w.state), "running");
	/* the slow path itself was away for 3 s, the workers passed meanwhile */
	ASSERT_EQ(vgw_announce_watch_step(&w, 8100, true), VGW_ANNOUNCE_WATCH_START);
	ASSERT_EQ(w.state, VGW_ANNOUNCE_W_RUNNING);
	/* workers that never pass: starting, then stalled */
	vgw_announce_watch_init(&w, 0);
	vgw_announce_watch_step(&w, 0, false);
	ASSERT_EQ(vgw_announce_watch_step(&w, VGW_ANNOUNCE_STALL_MS, false), 0);
	ASSERT_EQ(w.state, VGW_ANNOUNCE_W_STARTING);
	ASSERT_EQ(vgw_announce_watch_step(&w, VGW_ANNOUNCE_STALL_MS + 100, false),
		  VGW_ANNOUNCE_WATCH_STALLED);
}

/* The liveness tokens and the defer queue (core/defer.c) share one RCU
 * variable: extra tokens never hold back a grace period the queue waits for,
 * and the queue's tokens never hold back ours. A real rte_rcu_qsbr with one
 * reader thread (this one, reporting by hand). */
static void count_free(void *obj, uintptr_t arg)
{
	(void)arg;
	(*(int *)obj)++;
}

static void test_watch_tokens_and_defer(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(1);
	struct rte_rcu_qsbr *v = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN(sz, RTE_CACHE_LINE_SIZE));
	CU_ASSERT_FATAL(v != NULL);
	ASSERT_EQ(rte_rcu_qsbr_init(v, 1), 0);
	ASSERT_EQ(rte_rcu_qsbr_thread_register(v, 0), 0);
	rte_rcu_qsbr_thread_online(v, 0);
	vgw_defer_init(v);
	int freed = 0;

	/* defer first, then a liveness token: one report passes both */
	ASSERT_EQ(vgw_defer(count_free, &freed, 0), 0);
	uint64_t t = rte_rcu_qsbr_start(v);
	ASSERT_EQ(rte_rcu_qsbr_check(v, t, false), 0);
	ASSERT_EQ(vgw_defer_reclaim(), 0);
	rte_rcu_qsbr_quiescent(v, 0);
	ASSERT_EQ(vgw_defer_reclaim(), 1);
	ASSERT_EQ(rte_rcu_qsbr_check(v, t, false), 1);

	/* the other order, and 100 tokens nobody checks in between */
	t = rte_rcu_qsbr_start(v);
	ASSERT_EQ(vgw_defer(count_free, &freed, 0), 0);
	for (int i = 0; i < 100; i++)
		rte_rcu_qsbr_start(v);
	ASSERT_EQ(vgw_defer_reclaim(), 0);
	rte_rcu_qsbr_quiescent(v, 0);
	ASSERT_EQ(rte_rcu_qsbr_check(v, t, false), 1);
	ASSERT_EQ(vgw_defer_reclaim(), 1);
	ASSERT_EQ(freed, 2);

	/* a reader that stops reporting holds both back, without blocking */
	t = rte_rcu_qsbr_start(v);
	ASSERT_EQ(vgw_defer(count_free, &freed, 0), 0);
	ASSERT_EQ(rte_rcu_qsbr_check(v, t, false), 0);
	ASSERT_EQ(vgw_defer_reclaim(), 0);
	/* an offline reader (a worker that ended) is quiescent for both */
	rte_rcu_qsbr_thread_offline(v, 0);
	ASSERT_EQ(rte_rcu_qsbr_check(v, t, false), 1);
	ASSERT_EQ(vgw_defer_reclaim(), 1);
	ASSERT_EQ(freed, 3);
	vgw_defer_init(NULL);
	free(v);
}

/* ------------------------------------------------------------ sync */

static void test_sync_basic(void)
{
	k_reset();
	struct vgw_announce_state s = {0};
	uint32_t eips[] = {EIP1, EIP2};
	struct vgw_lb_backend_cfg b[1] = {be(VGW_LB_BE_UP, 1, VGW_LB_HEALTH_DOWN)};
	struct vgw_announce_svc sv[1] = {svc(VIP1, VGW_LB_CHECK_TCP, b, 1)};
	tick(&s, eips, 2, sv, 1, VGW_ANNOUNCE_R_NONE, 100);
	ASSERT_EQ(s.n, 3);
	CU_ASSERT(k_has(EIP1) && k_has(EIP2) && !k_has(VIP1));
	ASSERT_EQ(row(&s, EIP1)->installed, true);
	ASSERT_EQ(row(&s, VIP1)->installed, false);
	ASSERT_EQ(row(&s, VIP1)->reason, VGW_ANNOUNCE_R_NO_HEALTHY);
	ASSERT_EQ(k.counters[VGW_ANNOUNCE_SP(ANN_ANNOUNCE)], 2);

	/* nothing changed: no request at all */
	int calls = k.calls;
	tick(&s, eips, 2, sv, 1, VGW_ANNOUNCE_R_NONE, 200);
	ASSERT_EQ(k.calls, calls);

	/* the backend passes: the VIP goes in */
	b[0].health = VGW_LB_HEALTH_UP;
	tick(&s, eips, 2, sv, 1, VGW_ANNOUNCE_R_NONE, 300);
	CU_ASSERT(k_has(VIP1));
	ASSERT_EQ(row(&s, VIP1)->installed, true);
	ASSERT_EQ(row(&s, VIP1)->since_ms, 300);
	/* fails, and EIP2 is deleted: both go, in one call, deletions first */
	b[0].health = VGW_LB_HEALTH_DOWN;
	k.del_before_add = true;
	tick(&s, eips, 1, sv, 1, VGW_ANNOUNCE_R_NONE, 400);
	CU_ASSERT(!k_has(VIP1) && !k_has(EIP2) && k_has(EIP1));
	ASSERT_EQ(s.n, 2); /* EIP2's row is gone once withdrawn */
	CU_ASSERT(row(&s, EIP2) == NULL);
	ASSERT_EQ(row(&s, VIP1)->installed, false);
	ASSERT_EQ(k.counters[VGW_ANNOUNCE_SP(ANN_WITHDRAW)], 2);
	/* a new EIP and the VIP back in the same tick as a deletion */
	b[0].health = VGW_LB_HEALTH_UP;
	uint32_t eips2[] = {EIP2};
	tick(&s, eips2, 1, sv, 1, VGW_ANNOUNCE_R_NONE, 500);
	CU_ASSERT(!k_has(EIP1) && k_has(EIP2) && k_has(VIP1));
	ASSERT_EQ(k.del_before_add, true);
	ASSERT_EQ(k.counters[VGW_ANNOUNCE_SP(ANN_ERROR)], 0);
	vgw_announce_state_free(&s);
}

static void test_sync_failures(void)
{
	k_reset();
	struct vgw_announce_state s = {0};
	uint32_t eips[] = {EIP1, EIP2};
	k.fail_ip = EIP2;
	k.fail_err = ENETDOWN;
	tick(&s, eips, 2, NULL, 0, VGW_ANNOUNCE_R_NONE, 100);
	CU_ASSERT(k_has(EIP1) && !k_has(EIP2));
	ASSERT_EQ(row(&s, EIP2)->installed, false);
	ASSERT_EQ(row(&s, EIP2)->err, ENETDOWN);
	ASSERT_EQ(row(&s, EIP2)->want, true);
	ASSERT_EQ(k.counters[VGW_ANNOUNCE_SP(ANN_ERROR)], 1);
	ASSERT_EQ(k.counters[VGW_ANNOUNCE_SP(ANN_ANNOUNCE)], 1);
	/* still failing: retried every tick */
	tick(&s, eips, 2, NULL, 0, VGW_ANNOUNCE_R_NONE, 200);
	ASSERT_EQ(k.counters[VGW_ANNOUNCE_SP(ANN_ERROR)], 2);
	/* the device came up */
	k.fail_err = 0;
	tick(&s, eips, 2, NULL, 0, VGW_ANNOUNCE_R_NONE, 300);
	CU_ASSERT(k_has(EIP2));
	ASSERT_EQ(row(&s, EIP2)->installed, true);
	ASSERT_EQ(row(&s, EIP2)->err, 0);
	/* a refused delete: still announced, the row stays until it goes */
	k.fail_ip = EIP1;
	k.fail_err = EPERM;
	tick(&s, eips + 1, 1, NULL, 0, VGW_ANNOUNCE_R_NONE, 400);
	CU_ASSERT(k_has(EIP1));
	ASSERT_EQ(row(&s, EIP1)->installed, true);
	ASSERT_EQ(row(&s, EIP1)->want, false);
	ASSERT_EQ(row(&s, EIP1)->reason, VGW_ANNOUNCE_R_REMOVED);
	ASSERT_EQ(row(&s, EIP1)->err, EPERM);
	k.fail_err = 0;
	tick(&s, eips + 1, 1, NULL, 0, VGW_ANNOUNCE_R_NONE, 500);
	CU_ASSERT(!k_has(EIP1));
	CU_ASSERT(row(&s, EIP1) == NULL);
	vgw_announce_state_free(&s);
}

static void test_sync_cap(void)
{
	k_reset();
	struct vgw_announce_state s = {0};
	size_t n = VGW_ANNOUNCE_MAX_ADDS + 100;
	struct vgw_announce_cand *c = calloc(n, sizeof(*c));
	CU_ASSERT_FATAL(c != NULL);
	for (size_t i = 0; i < n; i++)
		c[i] = (struct vgw_announce_cand){.ip = A(10, 0, 0, 0) + (uint32_t)i, .kind = VGW_ANNOUNCE_EIP,
					     .reason = VGW_ANNOUNCE_R_EIP, .want = true};
	ASSERT_EQ(vgw_announce_sync(&s, c, n, 100, &fake), 0);
	ASSERT_EQ(k.adds, VGW_ANNOUNCE_MAX_ADDS);
	ASSERT_EQ(vgw_announce_installed(&s), VGW_ANNOUNCE_MAX_ADDS);
	ASSERT_EQ(vgw_announce_sync(&s, c, n, 200, &fake), 0);
	ASSERT_EQ(k.adds, n);
	ASSERT_EQ(vgw_announce_installed(&s), n);
	/* withdrawals are not capped */
	ASSERT_EQ(vgw_announce_sync(&s, NULL, 0, 300, &fake), 0);
	ASSERT_EQ(k.dels, n);
	ASSERT_EQ(s.n, 0);
	free(c);
	vgw_announce_state_free(&s);
}

/* The watch drives the hold: a stall withdraws every route, the recovery
 * announces them again. */
static void test_stall_withdraws_all(void)
{
	k_reset();
	struct vgw_announce_state s = {0};
	struct vgw_announce_watch w;
	uint32_t eips[] = {EIP1, EIP2};
	struct vgw_lb_backend_cfg ok[1] = {UP_OK};
	struct vgw_announce_svc sv[2] = {svc(VIP1, VGW_LB_CHECK_TCP, ok, 1), svc(VIP2, VGW_LB_CHECK_NONE, ok, 1)};
	bool workers_alive = true;
	uint64_t now = 0;
	vgw_announce_watch_init(&w, now);
	int stalls = 0, recoveries = 0;
	for (int t = 0; t < 60; t++, now += 100) {
		/* workers hang from 1.0 s to 3.0 s */
		workers_alive = now < 1000 || now >= 3000;
		unsigned int ev = vgw_announce_watch_step(&w, now, workers_alive);
		stalls += !!(ev & VGW_ANNOUNCE_WATCH_STALLED);
		recoveries += !!(ev & VGW_ANNOUNCE_WATCH_RECOVERED);
		uint8_t hold = w.state == VGW_ANNOUNCE_W_RUNNING    ? VGW_ANNOUNCE_R_NONE
			       : w.state == VGW_ANNOUNCE_W_STARTING ? VGW_ANNOUNCE_R_STARTING
							       : VGW_ANNOUNCE_R_STALLED;
		tick(&s, eips, 2, sv, 2, hold, now);
		size_t in = vgw_announce_installed(&s);
		if (now == 0) /* not proven alive yet */
			ASSERT_EQ(in, 0);
		if (now >= 100 && now < 1000 + VGW_ANNOUNCE_STALL_MS)
			ASSERT_EQ(in, 4);
		/* the token started at 0.9 s (the last pass) is overdue
		 * VGW_ANNOUNCE_STALL_MS + one tick later */
		if (now >= 1000 + VGW_ANNOUNCE_STALL_MS && now < 3000) {
			ASSERT_EQ(in, 0);
			ASSERT_EQ(row(&s, VIP1)->reason, VGW_ANNOUNCE_R_STALLED);
		}
		if (now >= 3000)
			ASSERT_EQ(in, 4);
	}
	ASSERT_EQ(stalls, 1);
	ASSERT_EQ(recoveries, 1);
	CU_ASSERT(k_has(EIP1) && k_has(EIP2) && k_has(VIP1) && k_has(VIP2));
	ASSERT_EQ(k.counters[VGW_ANNOUNCE_SP(ANN_ANNOUNCE)], 8);
	ASSERT_EQ(k.counters[VGW_ANNOUNCE_SP(ANN_WITHDRAW)], 4);
	vgw_announce_state_free(&s);
}

static void test_audit(void)
{
	k_reset();
	struct vgw_announce_state s = {0};
	/* start-up: two leftovers in the kernel, no row */
	uint32_t left[] = {EIP1, A(192, 0, 2, 1)};
	k.has[EIP1 & (KMAX - 1)] = k.has[A(192, 0, 2, 1) & (KMAX - 1)] = true;
	ASSERT_EQ(vgw_announce_audit(&s, left, 2, 10), 0);
	ASSERT_EQ(s.n, 2);
	ASSERT_EQ(row(&s, EIP1)->kind, VGW_ANNOUNCE_STALE);
	ASSERT_EQ(row(&s, EIP1)->installed, true);
	ASSERT_EQ(vgw_announce_withdraw_all(&s, VGW_ANNOUNCE_R_LEFTOVER, 10, &fake), 0);
	CU_ASSERT(!k_has(EIP1) && !k_has(A(192, 0, 2, 1)));
	uint32_t eips[] = {EIP1, EIP2};
	tick(&s, eips, 2, NULL, 0, VGW_ANNOUNCE_R_NONE, 100);
	ASSERT_EQ(s.n, 2);
	ASSERT_EQ(vgw_announce_installed(&s), 2);
	/* someone flushed EIP2 and added a route of our protocol */
	uint32_t now_in[] = {A(10, 9, 9, 9), EIP1};
	ASSERT_EQ(vgw_announce_audit(&s, now_in, 2, 200), 0);
	ASSERT_EQ(row(&s, EIP2)->installed, false);
	ASSERT_EQ(row(&s, A(10, 9, 9, 9))->reason, VGW_ANNOUNCE_R_LEFTOVER);
	k.has[EIP2 & (KMAX - 1)] = false;
	k.has[A(10, 9, 9, 9) & (KMAX - 1)] = true;
	tick(&s, eips, 2, NULL, 0, VGW_ANNOUNCE_R_NONE, 300);
	CU_ASSERT(k_has(EIP2) && !k_has(A(10, 9, 9, 9)));
	ASSERT_EQ(s.n, 2);
	ASSERT_EQ(vgw_announce_installed(&s), 2);
	/* stop */
	ASSERT_EQ(vgw_announce_withdraw_all(&s, VGW_ANNOUNCE_R_STOPPING, 400, &fake), 0);
	CU_ASSERT(!k_has(EIP1) && !k_has(EIP2));
	ASSERT_EQ(row(&s, EIP1)->reason, VGW_ANNOUNCE_R_STOPPING);
	vgw_announce_state_free(&s);
}

/* ------------------------------------------------------------ netlink */

struct attrs {
	const struct nlattr *tb[RTA_MAX + 1];
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	if (mnl_attr_get_type(a) <= RTA_MAX)
		at->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void test_netlink_msgs(void)
{
	char buf[VGW_ANNOUNCE_NL_MSG_MAX];
	size_t len = vgw_announce_nl_route_msg(buf, true, EIP1, 101, 7, 42);
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	ASSERT_EQ(len, h->nlmsg_len);
	CU_ASSERT(len <= VGW_ANNOUNCE_NL_MSG_MAX);
	ASSERT_EQ(h->nlmsg_type, RTM_NEWROUTE);
	ASSERT_EQ(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE);
	ASSERT_EQ(h->nlmsg_seq, 42);
	const struct rtmsg *r = mnl_nlmsg_get_payload(h);
	ASSERT_EQ(r->rtm_family, AF_INET);
	ASSERT_EQ(r->rtm_dst_len, 32);
	ASSERT_EQ(r->rtm_table, 101);
	ASSERT_EQ(r->rtm_protocol, 250);
	ASSERT_EQ(r->rtm_scope, RT_SCOPE_LINK);
	ASSERT_EQ(r->rtm_type, RTN_UNICAST);
	struct attrs at = {0};
	ASSERT_EQ(mnl_attr_parse(h, sizeof(*r), attr_cb, &at), MNL_CB_OK);
	CU_ASSERT_FATAL(at.tb[RTA_DST] && at.tb[RTA_TABLE] && at.tb[RTA_OIF]);
	ASSERT_EQ(ntohl(mnl_attr_get_u32(at.tb[RTA_DST])), EIP1);
	ASSERT_EQ(mnl_attr_get_u32(at.tb[RTA_TABLE]), 101);
	ASSERT_EQ(mnl_attr_get_u32(at.tb[RTA_OIF]), 7);

	/* delete, in a table that does not fit the header */
	len = vgw_announce_nl_route_msg(buf, false, VIP1, 100000, 7, 43);
	ASSERT_EQ(h->nlmsg_type, RTM_DELROUTE);
	ASSERT_EQ(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ASSERT_EQ(r->rtm_table, RT_TABLE_UNSPEC);
	ASSERT_EQ(r->rtm_protocol, 250);
	ASSERT_EQ(r->rtm_scope, RT_SCOPE_NOWHERE); /* any scope, any device */
	memset(&at, 0, sizeof(at));
	ASSERT_EQ(mnl_attr_parse(h, sizeof(*r), attr_cb, &at), MNL_CB_OK);
	CU_ASSERT(at.tb[RTA_OIF] == NULL);
	ASSERT_EQ(mnl_attr_get_u32(at.tb[RTA_TABLE]), 100000);
	ASSERT_EQ(ntohl(mnl_attr_get_u32(at.tb[RTA_DST])), VIP1);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"decide: every EIP announced", test_eip_always},
		{"decide: VIP with one healthy backend", test_vip_one_healthy},
		{"decide: VIP with all backends down", test_vip_all_down},
		{"decide: VIP with only draining backends", test_vip_drain_only},
		{"decide: VIP whose backends weigh 0", test_vip_weight_zero},
		{"decide: health failing / unknown / no check", test_vip_health},
		{"decide: VIP without backends", test_vip_no_backend},
		{"decide: services sharing a VIP, one healthy", test_two_services_one_vip},
		{"decide: nothing while workers start or stall", test_hold},
		{"watch: alive, stalled, recovered", test_watch},
		{"watch: tokens and the defer queue share the RCU variable", test_watch_tokens_and_defer},
		{"sync: add, delete, deletions first", test_sync_basic},
		{"sync: refused requests retried, installed = acked", test_sync_failures},
		{"sync: adds capped per tick", test_sync_cap},
		{"sync: a stall withdraws all, recovery re-announces", test_stall_withdraws_all},
		{"audit: vanished routes re-added, leftovers deleted", test_audit},
		{"netlink: request bytes", test_netlink_msgs},
	};
	return unit_run("announce", tests, sizeof(tests) / sizeof(tests[0]));
}
