/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xdp_sync.c - keeping the steering map equal to a wanted set
 * (lib/xdp/xdp_sync.c), against a fake map: an array the fake ops update,
 * which can refuse any request with an errno.
 *
 * Proves: vgw_xdp_normalize sorts by (ifindex, addr), merges one key's
 * kinds, keeps the VTEP's UDP port and clears pad (and the port of non-VTEP
 * entries); vgw_xdp_sync_same; vgw_xdp_sync_apply issues exactly the
 * differences (adds, deletes, value changes; nothing when equal), leaves a
 * refused update out of `have` (or at its old value) and a refused delete
 * in, retries exactly those next time, takes -ENOENT on delete as done, and
 * keeps its counters; vgw_xdp_sync_reset counts the drift (added, removed,
 * changed) and the next apply repairs exactly that. A randomized sequence
 * checks, after every apply, that `have` is the fake map and that, without
 * refusals, the fake map is the wanted set.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "unit.h"
#include "xdp/xdp_sync.h"

#define FAKE_MAX 256
#define LOG_MAX 256

/* A request the fake map saw: 'u'pdate or 'd'elete. */
struct op {
	char kind;
	struct vgw_xdp_entry e; /* key only for deletes */
};

/* A scripted refusal: the next request of that kind on that key fails. */
struct refusal {
	char kind;
	struct vgw_xdp_key k;
	int err; /* positive errno */
	bool used;
};

struct fake {
	struct vgw_xdp_entry e[FAKE_MAX]; /* unordered */
	size_t n;
	struct op log[LOG_MAX];
	size_t n_log;
	struct refusal refuse[8];
	size_t n_refuse;
	/* randomized test: refuse each request with this chance (percent) */
	unsigned refuse_pct, vanish_pct;
	size_t refused;  /* requests refused since last cleared */
	size_t vanished; /* deletes answered ENOENT, in all */
};

static bool key_eq(const struct vgw_xdp_key *a, const struct vgw_xdp_key *b)
{
	return a->ifindex == b->ifindex && a->addr == b->addr;
}

static struct vgw_xdp_entry *fake_find(struct fake *f, const struct vgw_xdp_key *k)
{
	for (size_t i = 0; i < f->n; i++)
		if (key_eq(&f->e[i].k, k))
			return &f->e[i];
	return NULL;
}

static int fake_script(struct fake *f, char kind, const struct vgw_xdp_key *k)
{
	for (size_t i = 0; i < f->n_refuse; i++) {
		struct refusal *r = &f->refuse[i];
		if (!r->used && r->kind == kind && key_eq(&r->k, k)) {
			r->used = true;
			return -r->err;
		}
	}
	if (f->refuse_pct && unit_rand() % 100 < f->refuse_pct) {
		static const int errs[] = {ENOSPC, ENOMEM, E2BIG, EPERM};
		return -errs[unit_rand() % 4];
	}
	return 0;
}

static int fake_update(void *ctx, const struct vgw_xdp_entry *e)
{
	struct fake *f = ctx;
	if (f->n_log < LOG_MAX)
		f->log[f->n_log++] = (struct op){'u', *e};
	int rc = fake_script(f, 'u', &e->k);
	if (rc) {
		f->refused++;
		return rc;
	}
	struct vgw_xdp_entry *x = fake_find(f, &e->k);
	if (x) {
		*x = *e;
		return 0;
	}
	if (f->n == FAKE_MAX)
		return -E2BIG;
	f->e[f->n++] = *e;
	return 0;
}

static int fake_del(void *ctx, const struct vgw_xdp_key *k)
{
	struct fake *f = ctx;
	if (f->n_log < LOG_MAX)
		f->log[f->n_log++] = (struct op){'d', {.k = *k}};
	int rc = fake_script(f, 'd', k);
	if (rc) {
		f->refused++;
		return rc;
	}
	struct vgw_xdp_entry *x = fake_find(f, k);
	/* someone else removed it just before us: the kernel says ENOENT */
	if (x && f->vanish_pct && unit_rand() % 100 < f->vanish_pct) {
		*x = f->e[--f->n];
		x = NULL;
	}
	if (!x) {
		f->vanished++;
		return -ENOENT;
	}
	*x = f->e[--f->n];
	return 0;
}

static const struct vgw_xdp_sync_ops fake_ops = {.update = fake_update, .del = fake_del};

static void fake_refuse(struct fake *f, char kind, struct vgw_xdp_key k, int err)
{
	f->refuse[f->n_refuse++] = (struct refusal){kind, k, err, false};
}

static void fake_clear_log(struct fake *f)
{
	f->n_log = 0;
	f->n_refuse = 0;
	f->refused = 0;
}

/* The test's own order (ifindex, then addr as a number): not the one under test. */
static int my_cmp(const void *pa, const void *pb)
{
	const struct vgw_xdp_entry *a = pa, *b = pb;
	if (a->k.ifindex != b->k.ifindex)
		return a->k.ifindex < b->k.ifindex ? -1 : 1;
	if (a->k.addr != b->k.addr)
		return a->k.addr < b->k.addr ? -1 : 1;
	return 0;
}

static bool entry_eq(const struct vgw_xdp_entry *a, const struct vgw_xdp_entry *b)
{
	return key_eq(&a->k, &b->k) && a->v.kind == b->v.kind && a->v.vxlan_port == b->v.vxlan_port;
}

static bool is(const struct vgw_xdp_entry *a, struct vgw_xdp_entry b)
{
	return entry_eq(a, &b);
}

static void dump(const char *what, const struct vgw_xdp_entry *e, size_t n)
{
	fprintf(stderr, "  %s (%zu):", what, n);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %u/%u:k%u,p%u", e[i].k.ifindex, e[i].k.addr, e[i].v.kind,
			e[i].v.vxlan_port);
	fprintf(stderr, "\n");
}

static struct vgw_xdp_entry *sorted_copy(const struct vgw_xdp_entry *a, size_t n)
{
	struct vgw_xdp_entry *c = malloc((n ? n : 1) * sizeof(*c));
	if (n)
		memcpy(c, a, n * sizeof(*c));
	qsort(c, n, sizeof(*c), my_cmp);
	return c;
}

/* a and b (each in any order) hold the same keys with the same values */
static bool set_eq(const struct vgw_xdp_entry *a, size_t na, const struct vgw_xdp_entry *b,
		   size_t nb)
{
	if (na != nb)
		return false;
	struct vgw_xdp_entry *ca = sorted_copy(a, na), *cb = sorted_copy(b, nb);
	bool ok = true;
	for (size_t i = 0; i < na && ok; i++)
		ok = entry_eq(&ca[i], &cb[i]);
	free(ca);
	free(cb);
	return ok;
}

#define ASSERT_SET(a, na, b, nb)                                                          \
	do {                                                                              \
		bool ok_ = set_eq(a, na, b, nb);                                          \
		if (!ok_) {                                                               \
			fprintf(stderr, "\n  %s:%d: %s != %s\n", __FILE__, __LINE__, #a, #b); \
			dump(#a, a, na);                                                  \
			dump(#b, b, nb);                                                  \
		}                                                                         \
		CU_assertImplementation(ok_, __LINE__, #a " == " #b, __FILE__, "", CU_FALSE); \
	} while (0)

#define ASSERT_HAVE(sy, w, nw) ASSERT_SET((sy)->have, (sy)->n_have, w, nw)
#define ASSERT_FAKE(fk, w, nw) ASSERT_SET((fk)->e, (fk)->n, w, nw)

static struct vgw_xdp_entry E(uint32_t ifindex, uint32_t addr, uint8_t kind, uint16_t port)
{
	return (struct vgw_xdp_entry){.k = {ifindex, addr}, .v = {.kind = kind, .vxlan_port = port}};
}

static struct vgw_xdp_key K(uint32_t ifindex, uint32_t addr)
{
	return (struct vgw_xdp_key){ifindex, addr};
}

/* the fake's log holds exactly these requests, in this order */
static void check_log(const char *file, int line, const struct fake *f, const struct op *want,
		      size_t n)
{
	bool ok = f->n_log == n;
	for (size_t i = 0; ok && i < n; i++)
		ok = f->log[i].kind == want[i].kind &&
		     (want[i].kind == 'd' ? key_eq(&f->log[i].e.k, &want[i].e.k)
					  : entry_eq(&f->log[i].e, &want[i].e));
	if (!ok) {
		fprintf(stderr, "\n  %s:%d: requests issued:", file, line);
		for (size_t i = 0; i < f->n_log; i++)
			fprintf(stderr, " %c %u/%u:k%u,p%u", f->log[i].kind, f->log[i].e.k.ifindex,
				f->log[i].e.k.addr, f->log[i].e.v.kind, f->log[i].e.v.vxlan_port);
		fprintf(stderr, "\n  wanted:");
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %c %u/%u:k%u,p%u", want[i].kind, want[i].e.k.ifindex,
				want[i].e.k.addr, want[i].e.v.kind, want[i].e.v.vxlan_port);
		fprintf(stderr, "\n");
	}
	CU_assertImplementation(ok, line, "requests issued", file, "", CU_FALSE);
}
#define CHECK_LOG(f, ...)                                                                 \
	do {                                                                              \
		static const struct op w_[] = {__VA_ARGS__};                              \
		check_log(__FILE__, __LINE__, f, w_, sizeof(w_) / sizeof(w_[0]));         \
	} while (0)
#define CHECK_NO_LOG(f) check_log(__FILE__, __LINE__, f, NULL, 0)
#define U(i, a, k, p) {'u', {{i, a}, {k, 0, p}}}
#define D(i, a) {'d', {{i, a}, {0, 0, 0}}}

#define EIP VGW_XDP_EIP
#define VIP VGW_XDP_VIP
#define VTEP VGW_XDP_VTEP

/* ---- normalize ---- */

static void test_normalize_sorts(void)
{
	struct vgw_xdp_entry e[] = {
		E(2, 1, EIP, 0), E(1, 9, VIP, 0), E(1, 3, EIP, 0), E(3, 0, EIP, 0),
		E(1, 0xffffffffu, VIP, 0), E(2, 0, VIP, 0),
	};
	ASSERT_EQ(vgw_xdp_normalize(e, 6), 6);
	/* ifindex first, then the address as a number */
	const struct vgw_xdp_entry want[] = {
		E(1, 3, EIP, 0), E(1, 9, VIP, 0), E(1, 0xffffffffu, VIP, 0),
		E(2, 0, VIP, 0), E(2, 1, EIP, 0), E(3, 0, EIP, 0),
	};
	for (size_t i = 0; i < 6; i++)
		CU_ASSERT(entry_eq(&e[i], &want[i]));
	ASSERT_EQ(vgw_xdp_normalize(e, 0), 0);
	/* the comparison on its own */
	struct vgw_xdp_key a = K(1, 9), b = K(2, 1), c = K(1, 9);
	CU_ASSERT(vgw_xdp_key_cmp(&a, &b) < 0);
	CU_ASSERT(vgw_xdp_key_cmp(&b, &a) > 0);
	ASSERT_EQ(vgw_xdp_key_cmp(&a, &c), 0);
}

static void test_normalize_merges(void)
{
	/* one address that is an EIP, a VIP and the VTEP: one entry, every
	 * kind, the VTEP's port; whatever order the kinds come in */
	for (int order = 0; order < 6; order++) {
		static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
					       {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
		const struct vgw_xdp_entry three[3] = {
			E(1, 5, EIP, 1111), /* a non-VTEP port is never taken */
			E(1, 5, VTEP, 4789),
			E(1, 5, VIP, 2222),
		};
		struct vgw_xdp_entry e[5];
		for (int i = 0; i < 3; i++)
			e[i] = three[perm[order][i]];
		e[3] = E(1, 4, EIP, 0);
		e[4] = E(1, 6, VIP, 0);
		ASSERT_EQ(vgw_xdp_normalize(e, 5), 3);
		CU_ASSERT(is(&e[0], E(1, 4, EIP, 0)));
		CU_ASSERT(is(&e[1], E(1, 5, EIP | VIP | VTEP, 4789)));
		CU_ASSERT(is(&e[2], E(1, 6, VIP, 0)));
	}
	/* the same address on two interfaces stays two entries */
	struct vgw_xdp_entry two[] = {E(2, 5, VTEP, 4789), E(1, 5, EIP, 0)};
	ASSERT_EQ(vgw_xdp_normalize(two, 2), 2);
	CU_ASSERT(is(&two[0], E(1, 5, EIP, 0)));
	CU_ASSERT(is(&two[1], E(2, 5, VTEP, 4789)));
	/* an entry given twice is one */
	struct vgw_xdp_entry dup[] = {E(1, 7, EIP, 0), E(1, 7, EIP, 0), E(1, 7, EIP, 0)};
	ASSERT_EQ(vgw_xdp_normalize(dup, 3), 1);
	CU_ASSERT(is(&dup[0], E(1, 7, EIP, 0)));
}

static void test_normalize_clears(void)
{
	struct vgw_xdp_entry e[] = {E(1, 1, EIP, 4789), E(1, 2, VIP, 7), E(1, 3, VTEP, 8472),
				    E(1, 4, EIP | VTEP, 4789)};
	for (int i = 0; i < 4; i++)
		e[i].v.pad = (uint8_t)(0xa0 + i);
	ASSERT_EQ(vgw_xdp_normalize(e, 4), 4);
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(e[i].v.pad, 0);
	ASSERT_EQ(e[0].v.vxlan_port, 0); /* not a VTEP: port cleared */
	ASSERT_EQ(e[1].v.vxlan_port, 0);
	ASSERT_EQ(e[2].v.vxlan_port, 8472); /* VTEP: kept */
	ASSERT_EQ(e[3].v.vxlan_port, 4789);
	ASSERT_EQ(e[3].v.kind, EIP | VTEP);
	/* a single entry is cleaned too */
	struct vgw_xdp_entry one = E(9, 9, VIP, 99);
	one.v.pad = 1;
	ASSERT_EQ(vgw_xdp_normalize(&one, 1), 1);
	ASSERT_EQ(one.v.pad, 0);
	ASSERT_EQ(one.v.vxlan_port, 0);
}

/* ---- same ---- */

static void test_same(void)
{
	struct vgw_xdp_sync s = {0};
	struct fake f = {0};
	CU_ASSERT(vgw_xdp_sync_same(&s, NULL, 0));
	struct vgw_xdp_entry w[] = {E(1, 1, EIP, 0), E(1, 2, VTEP, 4789)};
	CU_ASSERT(!vgw_xdp_sync_same(&s, w, 2));
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w, 2, &fake_ops, &f), 0);
	CU_ASSERT(vgw_xdp_sync_same(&s, w, 2));
	CU_ASSERT(!vgw_xdp_sync_same(&s, w, 1));  /* fewer */
	CU_ASSERT(!vgw_xdp_sync_same(&s, NULL, 0));
	struct vgw_xdp_entry x[] = {E(1, 1, EIP, 0), E(1, 3, VTEP, 4789)};
	CU_ASSERT(!vgw_xdp_sync_same(&s, x, 2)); /* another key */
	struct vgw_xdp_entry y[] = {E(1, 1, VIP, 0), E(1, 2, VTEP, 4789)};
	CU_ASSERT(!vgw_xdp_sync_same(&s, y, 2)); /* another kind */
	struct vgw_xdp_entry z[] = {E(1, 1, EIP, 0), E(1, 2, VTEP, 4790)};
	CU_ASSERT(!vgw_xdp_sync_same(&s, z, 2)); /* another port */
	struct vgw_xdp_entry i2[] = {E(2, 1, EIP, 0), E(2, 2, VTEP, 4789)};
	CU_ASSERT(!vgw_xdp_sync_same(&s, i2, 2)); /* another interface */
	vgw_xdp_sync_free(&s);
	ASSERT_EQ(s.n_have, 0);
	CU_ASSERT(s.have == NULL);
}

/* ---- apply ---- */

static void test_apply_add_change_delete(void)
{
	struct vgw_xdp_sync s = {0};
	struct fake f = {0};
	const struct vgw_xdp_entry w1[] = {E(1, 1, EIP, 0), E(1, 2, VIP, 0), E(2, 1, VTEP, 4789)};
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w1, 3, &fake_ops, &f), 0);
	CHECK_LOG(&f, U(1, 1, EIP, 0), U(1, 2, VIP, 0), U(2, 1, VTEP, 4789));
	ASSERT_HAVE(&s, w1, 3);
	ASSERT_FAKE(&f, w1, 3);
	ASSERT_EQ(s.updates, 3);
	ASSERT_EQ(s.deletes, 0);
	ASSERT_EQ(s.errors, 0);
	ASSERT_EQ(s.failed, 0);
	ASSERT_EQ(s.last_err, 0);

	/* equal: nothing issued */
	fake_clear_log(&f);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w1, 3, &fake_ops, &f), 0);
	CHECK_NO_LOG(&f);
	ASSERT_EQ(s.updates, 3);
	ASSERT_HAVE(&s, w1, 3);

	/* one value changes (kind), one port changes, one added, one kept */
	fake_clear_log(&f);
	const struct vgw_xdp_entry w2[] = {E(1, 1, EIP, 0), E(1, 2, EIP | VIP, 0),
					   E(1, 3, EIP, 0), E(2, 1, VTEP, 8472)};
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w2, 4, &fake_ops, &f), 0);
	CHECK_LOG(&f, U(1, 2, EIP | VIP, 0), U(1, 3, EIP, 0), U(2, 1, VTEP, 8472));
	ASSERT_HAVE(&s, w2, 4);
	ASSERT_FAKE(&f, w2, 4);
	ASSERT_EQ(s.updates, 6);
	ASSERT_EQ(s.deletes, 0);

	/* deletes: first, middle and last keys go */
	fake_clear_log(&f);
	const struct vgw_xdp_entry w3[] = {E(1, 3, EIP, 0)};
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w3, 1, &fake_ops, &f), 0);
	CHECK_LOG(&f, D(1, 1), D(1, 2), D(2, 1));
	ASSERT_HAVE(&s, w3, 1);
	ASSERT_FAKE(&f, w3, 1);
	ASSERT_EQ(s.updates, 6);
	ASSERT_EQ(s.deletes, 3);

	/* everything out (what vgwd does at stop), then an empty apply again */
	fake_clear_log(&f);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, NULL, 0, &fake_ops, &f), 0);
	CHECK_LOG(&f, D(1, 3));
	ASSERT_EQ(s.n_have, 0);
	ASSERT_EQ(f.n, 0);
	fake_clear_log(&f);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, NULL, 0, &fake_ops, &f), 0);
	CHECK_NO_LOG(&f);
	ASSERT_EQ(s.deletes, 4);
	ASSERT_EQ(s.errors, 0);
	vgw_xdp_sync_free(&s);
}

static void test_refused_update_retried(void)
{
	struct vgw_xdp_sync s = {0};
	struct fake f = {0};
	const struct vgw_xdp_entry w[] = {E(1, 1, EIP, 0), E(1, 2, VIP, 0), E(1, 3, EIP, 0)};
	fake_refuse(&f, 'u', K(1, 2), ENOSPC);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w, 3, &fake_ops, &f), 1);
	/* the others went through */
	CHECK_LOG(&f, U(1, 1, EIP, 0), U(1, 2, VIP, 0), U(1, 3, EIP, 0));
	const struct vgw_xdp_entry got[] = {E(1, 1, EIP, 0), E(1, 3, EIP, 0)};
	ASSERT_HAVE(&s, got, 2);
	ASSERT_FAKE(&f, got, 2);
	CU_ASSERT(!vgw_xdp_sync_same(&s, w, 3));
	ASSERT_EQ(s.updates, 2);
	ASSERT_EQ(s.errors, 1);
	ASSERT_EQ(s.failed, 1);
	ASSERT_EQ(s.last_err, ENOSPC);

	/* refused again, with another errno: last_err follows */
	fake_clear_log(&f);
	fake_refuse(&f, 'u', K(1, 2), ENOMEM);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w, 3, &fake_ops, &f), 1);
	CHECK_LOG(&f, U(1, 2, VIP, 0));
	ASSERT_EQ(s.errors, 2);
	ASSERT_EQ(s.failed, 1);
	ASSERT_EQ(s.last_err, ENOMEM);

	/* the retry asks for that key only */
	fake_clear_log(&f);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w, 3, &fake_ops, &f), 0);
	CHECK_LOG(&f, U(1, 2, VIP, 0));
	ASSERT_HAVE(&s, w, 3);
	ASSERT_FAKE(&f, w, 3);
	CU_ASSERT(vgw_xdp_sync_same(&s, w, 3));
	ASSERT_EQ(s.updates, 3);
	ASSERT_EQ(s.errors, 2); /* a total, not reset */
	ASSERT_EQ(s.failed, 0);
	ASSERT_EQ(s.last_err, 0);
	vgw_xdp_sync_free(&s);
}

static void test_refused_value_change_keeps_old(void)
{
	struct vgw_xdp_sync s = {0};
	struct fake f = {0};
	const struct vgw_xdp_entry w1[] = {E(1, 1, VTEP, 4789), E(1, 2, EIP, 0)};
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w1, 2, &fake_ops, &f), 0);
	fake_clear_log(&f);
	const struct vgw_xdp_entry w2[] = {E(1, 1, VTEP, 8472), E(1, 2, VIP, 0)};
	fake_refuse(&f, 'u', K(1, 1), EINVAL);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w2, 2, &fake_ops, &f), 1);
	CHECK_LOG(&f, U(1, 1, VTEP, 8472), U(1, 2, VIP, 0));
	/* the map still holds the old port, and so does `have` */
	const struct vgw_xdp_entry mid[] = {E(1, 1, VTEP, 4789), E(1, 2, VIP, 0)};
	ASSERT_HAVE(&s, mid, 2);
	ASSERT_FAKE(&f, mid, 2);
	ASSERT_EQ(s.last_err, EINVAL);
	fake_clear_log(&f);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w2, 2, &fake_ops, &f), 0);
	CHECK_LOG(&f, U(1, 1, VTEP, 8472));
	ASSERT_HAVE(&s, w2, 2);
	ASSERT_FAKE(&f, w2, 2);
	ASSERT_EQ(s.updates, 4);
	ASSERT_EQ(s.errors, 1);
	vgw_xdp_sync_free(&s);
}

static void test_refused_delete_stays(void)
{
	struct vgw_xdp_sync s = {0};
	struct fake f = {0};
	const struct vgw_xdp_entry w1[] = {E(1, 1, EIP, 0), E(1, 2, VIP, 0), E(1, 3, EIP, 0)};
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w1, 3, &fake_ops, &f), 0);
	fake_clear_log(&f);
	const struct vgw_xdp_entry w2[] = {E(1, 3, EIP, 0)};
	fake_refuse(&f, 'd', K(1, 2), EPERM);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w2, 1, &fake_ops, &f), 1);
	CHECK_LOG(&f, D(1, 1), D(1, 2));
	const struct vgw_xdp_entry mid[] = {E(1, 2, VIP, 0), E(1, 3, EIP, 0)};
	ASSERT_HAVE(&s, mid, 2);
	ASSERT_FAKE(&f, mid, 2);
	CU_ASSERT(!vgw_xdp_sync_same(&s, w2, 1));
	ASSERT_EQ(s.deletes, 1);
	ASSERT_EQ(s.errors, 1);
	ASSERT_EQ(s.failed, 1);
	ASSERT_EQ(s.last_err, EPERM);
	fake_clear_log(&f);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w2, 1, &fake_ops, &f), 0);
	CHECK_LOG(&f, D(1, 2));
	ASSERT_HAVE(&s, w2, 1);
	ASSERT_FAKE(&f, w2, 1);
	ASSERT_EQ(s.deletes, 2);
	ASSERT_EQ(s.failed, 0);
	ASSERT_EQ(s.last_err, 0);
	vgw_xdp_sync_free(&s);
}

/* a key already gone from the map (ENOENT) is deleted as far as we care */
static void test_delete_enoent_done(void)
{
	struct vgw_xdp_sync s = {0};
	struct fake f = {0};
	const struct vgw_xdp_entry w1[] = {E(1, 1, EIP, 0), E(1, 2, VIP, 0)};
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w1, 2, &fake_ops, &f), 0);
	f.n = 1; /* E(1, 2) removed behind our back, not audited yet */
	fake_clear_log(&f);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, NULL, 0, &fake_ops, &f), 0);
	CHECK_LOG(&f, D(1, 1), D(1, 2));
	ASSERT_EQ(s.n_have, 0);
	ASSERT_EQ(f.n, 0);
	ASSERT_EQ(s.deletes, 2);
	ASSERT_EQ(s.errors, 0);
	ASSERT_EQ(s.failed, 0);
	ASSERT_EQ(s.last_err, 0);
	vgw_xdp_sync_free(&s);
}

/* refusals of both kinds in one apply: counted one by one */
static void test_counters_mixed(void)
{
	struct vgw_xdp_sync s = {0};
	struct fake f = {0};
	const struct vgw_xdp_entry w1[] = {E(1, 1, EIP, 0), E(1, 2, EIP, 0), E(1, 3, EIP, 0),
					   E(1, 4, EIP, 0)};
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w1, 4, &fake_ops, &f), 0);
	fake_clear_log(&f);
	/* 1 deleted (refused), 2 changed (refused), 3 kept, 4 deleted, 5 and 6 added (5 refused) */
	const struct vgw_xdp_entry w2[] = {E(1, 2, VIP, 0), E(1, 3, EIP, 0), E(1, 5, EIP, 0),
					   E(1, 6, EIP, 0)};
	fake_refuse(&f, 'd', K(1, 1), EBUSY);
	fake_refuse(&f, 'u', K(1, 2), ENOMEM);
	fake_refuse(&f, 'u', K(1, 5), E2BIG);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w2, 4, &fake_ops, &f), 3);
	CHECK_LOG(&f, D(1, 1), U(1, 2, VIP, 0), D(1, 4), U(1, 5, EIP, 0), U(1, 6, EIP, 0));
	const struct vgw_xdp_entry mid[] = {E(1, 1, EIP, 0), E(1, 2, EIP, 0), E(1, 3, EIP, 0),
					    E(1, 6, EIP, 0)};
	ASSERT_HAVE(&s, mid, 4);
	ASSERT_FAKE(&f, mid, 4);
	ASSERT_EQ(s.updates, 5);
	ASSERT_EQ(s.deletes, 1);
	ASSERT_EQ(s.errors, 3);
	ASSERT_EQ(s.failed, 3);
	ASSERT_EQ(s.last_err, E2BIG); /* the last refusal, in key order */
	fake_clear_log(&f);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w2, 4, &fake_ops, &f), 0);
	CHECK_LOG(&f, D(1, 1), U(1, 2, VIP, 0), U(1, 5, EIP, 0));
	ASSERT_HAVE(&s, w2, 4);
	ASSERT_FAKE(&f, w2, 4);
	ASSERT_EQ(s.updates, 7);
	ASSERT_EQ(s.deletes, 2);
	ASSERT_EQ(s.errors, 3);
	ASSERT_EQ(s.failed, 0);
	ASSERT_EQ(s.last_err, 0);
	vgw_xdp_sync_free(&s);
}

/* ---- reset (audit) ---- */

static void test_reset_drift_repaired(void)
{
	struct vgw_xdp_sync s = {0};
	struct fake f = {0};
	const struct vgw_xdp_entry w[] = {E(1, 1, EIP, 0), E(1, 2, VTEP, 4789), E(1, 3, VIP, 0),
					  E(2, 1, EIP, 0)};
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w, 4, &fake_ops, &f), 0);

	/* read back unchanged (in another order): no drift */
	struct vgw_xdp_entry same[] = {w[3], w[1], w[0], w[2]};
	ASSERT_EQ(vgw_xdp_sync_reset(&s, same, 4), 0);
	ASSERT_HAVE(&s, w, 4);
	fake_clear_log(&f);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w, 4, &fake_ops, &f), 0);
	CHECK_NO_LOG(&f);

	/* behind vgwd's back: 1/2's port changed, 1/3 removed, 1/4 added,
	 * 2/1's kind changed; 1/1 untouched */
	f.n = 0;
	const struct vgw_xdp_entry drifted[] = {E(1, 4, EIP, 0), E(2, 1, VIP, 0), E(1, 1, EIP, 0),
						E(1, 2, VTEP, 9999)};
	for (size_t i = 0; i < 4; i++)
		f.e[f.n++] = drifted[i];
	struct vgw_xdp_entry read[4];
	memcpy(read, drifted, sizeof(read));
	ASSERT_EQ(vgw_xdp_sync_reset(&s, read, 4), 4);
	const struct vgw_xdp_entry sorted[] = {E(1, 1, EIP, 0), E(1, 2, VTEP, 9999), E(1, 4, EIP, 0),
					       E(2, 1, VIP, 0)};
	ASSERT_HAVE(&s, sorted, 4);
	CU_ASSERT(!vgw_xdp_sync_same(&s, w, 4));

	/* the next apply repairs exactly the drift */
	fake_clear_log(&f);
	ASSERT_EQ(vgw_xdp_sync_apply(&s, w, 4, &fake_ops, &f), 0);
	CHECK_LOG(&f, U(1, 2, VTEP, 4789), U(1, 3, VIP, 0), D(1, 4), U(2, 1, EIP, 0));
	ASSERT_HAVE(&s, w, 4);
	ASSERT_FAKE(&f, w, 4);

	/* an empty read-back: every key is drift; an empty `have` read as empty: none */
	ASSERT_EQ(vgw_xdp_sync_reset(&s, NULL, 0), 4);
	ASSERT_EQ(s.n_have, 0);
	ASSERT_EQ(vgw_xdp_sync_reset(&s, NULL, 0), 0);
	/* the read-back is normalized by the call (pad, stray port) */
	struct vgw_xdp_entry raw[] = {E(1, 3, VIP, 55), E(1, 1, EIP, 0)};
	raw[1].v.pad = 3;
	ASSERT_EQ(vgw_xdp_sync_reset(&s, raw, 2), 2);
	const struct vgw_xdp_entry clean[] = {E(1, 1, EIP, 0), E(1, 3, VIP, 0)};
	ASSERT_HAVE(&s, clean, 2);
	ASSERT_EQ(s.have[0].v.pad, 0);
	vgw_xdp_sync_free(&s);
}

/* ---- randomized ---- */

/* Keys: ifindex 1..3 x 12 addresses. A set is, per key, present or not and
 * its value: the test's own model of a map. */
#define R_IFS 3
#define R_ADDRS 12
#define R_KEYS (R_IFS * R_ADDRS)

struct model {
	bool in[R_KEYS];
	struct vgw_xdp_val v[R_KEYS];
};

static struct vgw_xdp_key r_key(int i)
{
	/* addresses in network order, like the real map */
	return K((uint32_t)(1 + i / R_ADDRS), htonl(0xc6336400u + (uint32_t)(i % R_ADDRS) * 37));
}

static int r_index(const struct vgw_xdp_key *k)
{
	for (int i = 0; i < R_KEYS; i++) {
		struct vgw_xdp_key x = r_key(i);
		if (key_eq(&x, k))
			return i;
	}
	return -1;
}

static void model_of(struct model *m, const struct vgw_xdp_entry *e, size_t n)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < n; i++) {
		int x = r_index(&e[i].k);
		CU_ASSERT_FATAL(x >= 0);
		m->in[x] = true;
		m->v[x] = e[i].v;
	}
}

static long model_diff(const struct model *a, const struct model *b)
{
	long d = 0;
	for (int i = 0; i < R_KEYS; i++)
		if (a->in[i] != b->in[i] ||
		    (a->in[i] && (a->v[i].kind != b->v[i].kind ||
				  a->v[i].vxlan_port != b->v[i].vxlan_port)))
			d++;
	return d;
}

/* the model's entries, sorted by my_cmp */
static size_t model_entries(const struct model *m, struct vgw_xdp_entry *out)
{
	size_t n = 0;
	for (int i = 0; i < R_KEYS; i++)
		if (m->in[i])
			out[n++] = (struct vgw_xdp_entry){.k = r_key(i), .v = m->v[i]};
	qsort(out, n, sizeof(*out), my_cmp);
	return n;
}

static void test_randomized(void)
{
	struct vgw_xdp_sync s = {0};
	struct fake *f = calloc(1, sizeof(*f));
	struct vgw_xdp_entry raw[64], want[R_KEYS], exp[R_KEYS];
	unsigned rounds_refused = 0, rounds_drift = 0;
	for (int round = 0; round < 3000; round++) {
		/* the wanted set, as xdp_ctl.c builds it: one entry per kind,
		 * possibly repeated, in no order; each key's VTEP port fixed
		 * for the round */
		uint16_t port[R_KEYS];
		for (int i = 0; i < R_KEYS; i++)
			port[i] = (uint16_t)(4789 + unit_rand() % 3);
		size_t n_raw = unit_rand() % 48;
		struct model wm;
		memset(&wm, 0, sizeof(wm));
		for (size_t i = 0; i < n_raw; i++) {
			int x = (int)(unit_rand() % R_KEYS);
			uint8_t kind = (uint8_t)(1u << (unit_rand() % 3));
			raw[i] = (struct vgw_xdp_entry){
				.k = r_key(x),
				.v = {.kind = kind,
				      .pad = (uint8_t)unit_rand(),
				      .vxlan_port = kind == VTEP ? port[x] : (uint16_t)unit_rand()},
			};
			wm.in[x] = true;
			wm.v[x].kind |= kind;
			if (wm.v[x].kind & VTEP)
				wm.v[x].vxlan_port = port[x];
		}
		size_t n = vgw_xdp_normalize(raw, n_raw);
		size_t n_exp = model_entries(&wm, exp);
		ASSERT_EQ(n, n_exp);
		bool norm_ok = n == n_exp;
		for (size_t i = 0; norm_ok && i < n; i++)
			norm_ok = entry_eq(&raw[i], &exp[i]) && raw[i].v.pad == 0;
		CU_ASSERT(norm_ok);
		memcpy(want, raw, n * sizeof(*want));

		/* sometimes the map changes behind vgwd's back, and an audit
		 * reads it back */
		if (unit_rand() % 100 < 15) {
			rounds_drift++;
			int changes = 1 + (int)(unit_rand() % 3);
			for (int c = 0; c < changes; c++) {
				int x = (int)(unit_rand() % R_KEYS);
				struct vgw_xdp_key k = r_key(x);
				struct vgw_xdp_entry *e = fake_find(f, &k);
				if (e && unit_rand() % 2) { /* removed */
					*e = f->e[--f->n];
				} else {                    /* added or rewritten */
					uint8_t kind = (uint8_t)(1 + unit_rand() % 7);
					struct vgw_xdp_entry ne = {
						.k = k,
						.v = {.kind = kind,
						      .vxlan_port = kind & VTEP ? (uint16_t)(4789 + unit_rand() % 3) : 0}};
					if (e)
						*e = ne;
					else
						f->e[f->n++] = ne;
				}
			}
			struct model before, now;
			model_of(&before, s.have, s.n_have);
			model_of(&now, f->e, f->n);
			struct vgw_xdp_entry *copy = malloc((f->n ? f->n : 1) * sizeof(*copy));
			memcpy(copy, f->e, f->n * sizeof(*copy));
			ASSERT_EQ(vgw_xdp_sync_reset(&s, copy, f->n), model_diff(&before, &now));
			free(copy);
			ASSERT_HAVE(&s, f->e, f->n);
		}

		/* every difference gets exactly one request */
		struct model hm;
		model_of(&hm, s.have, s.n_have);
		long diff = model_diff(&hm, &wm);
		bool refusing = unit_rand() % 2;
		fake_clear_log(f);
		f->refuse_pct = refusing ? 30 : 0;
		f->vanish_pct = 10;
		uint64_t errors = s.errors, deletes = s.deletes, updates = s.updates;
		size_t vanished = f->vanished;
		long left = vgw_xdp_sync_apply(&s, want, n, &fake_ops, f);
		ASSERT_EQ(left, (long)f->refused);
		ASSERT_EQ(f->n_log, diff);
		ASSERT_EQ(s.failed, f->refused);
		ASSERT_EQ(s.errors - errors, f->refused);
		/* an ENOENT is a delete done, not an error */
		size_t n_del = 0;
		for (size_t i = 0; i < f->n_log; i++)
			n_del += f->log[i].kind == 'd';
		ASSERT_EQ((s.updates - updates) + (s.deletes - deletes), f->n_log - f->refused);
		CU_ASSERT(s.deletes - deletes >= f->vanished - vanished);
		CU_ASSERT(s.deletes - deletes <= n_del);
		if (f->refused) {
			CU_ASSERT(s.last_err != 0);
		} else {
			ASSERT_EQ(s.last_err, 0);
		}
		rounds_refused += f->refused != 0;
		/* `have` is the map, exactly, and sorted */
		ASSERT_HAVE(&s, f->e, f->n);
		for (size_t i = 1; i < s.n_have; i++)
			CU_ASSERT(my_cmp(&s.have[i - 1], &s.have[i]) < 0);
		if (!f->refused) {
			ASSERT_FAKE(f, want, n);
			CU_ASSERT(vgw_xdp_sync_same(&s, want, n));
		} else {
			CU_ASSERT(!vgw_xdp_sync_same(&s, want, n));
		}
		if (CU_get_number_of_failures()) {
			fprintf(stderr, "\n  randomized: first failure in round %d\n", round);
			break;
		}
	}
	/* the sequence did exercise what it is for */
	CU_ASSERT(rounds_refused > 100);
	CU_ASSERT(rounds_drift > 100);
	CU_ASSERT(f->vanished > 100);
	/* and a final clean-up with no refusal empties the map */
	fake_clear_log(f);
	f->refuse_pct = f->vanish_pct = 0;
	ASSERT_EQ(vgw_xdp_sync_apply(&s, NULL, 0, &fake_ops, f), 0);
	ASSERT_EQ(f->n, 0);
	ASSERT_EQ(s.n_have, 0);
	vgw_xdp_sync_free(&s);
	free(f);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"normalize sorts by (ifindex, addr)", test_normalize_sorts},
		{"normalize merges one key's kinds, keeps the VTEP port", test_normalize_merges},
		{"normalize clears pad and non-VTEP ports", test_normalize_clears},
		{"sync_same", test_same},
		{"apply: adds, value changes, deletes, nothing when equal", test_apply_add_change_delete},
		{"apply: refused update left out, retried alone", test_refused_update_retried},
		{"apply: refused value change keeps the old value", test_refused_value_change_keeps_old},
		{"apply: refused delete stays in have", test_refused_delete_stays},
		{"apply: ENOENT on delete counts as done", test_delete_enoent_done},
		{"apply: counters over mixed refusals", test_counters_mixed},
		{"reset counts drift, apply repairs exactly it", test_reset_drift_repaired},
		{"randomized sets, refusals and drift against a fake map", test_randomized},
	};
	return unit_run("xdp-sync", tests, sizeof(tests) / sizeof(tests[0]));
}
