/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_rmap.c - the RCU map (lib/core/rmap.c) alone, without EAL: plain
 * memory, rcu NULL or a QSBR variable made here with one reader thread id.
 *
 * Proves: set/get/del/replace and what they hand back; cap live keys and the
 * "table full" refusal; keys crowded into one home bucket spill into the next
 * ones, are all found, absent ones are not, and the overflow counts return to
 * 0 as they go; a probe ends even when deletes leave every bucket counted;
 * iteration visits each live key once, also while deleting; the bulk lookup
 * equals single lookups; a deleted key's entry is not reused before a grace
 * period, and set refuses clearly when every spare entry still waits for one.
 */
#include <stdlib.h>

#include <rte_rcu_qsbr.h>

#include "core/rmap.h"
#include "util/parse.h"
#include "unit.h"

static char err[VGW_ERR_LEN];

/* A distinct non-NULL object for key i. */
static void *obj(uint32_t i)
{
	return (void *)(uintptr_t)(0x1000 + i * 8);
}

static uint32_t home(const struct vgw_rmap *m, uint32_t key)
{
	uint8_t k[VGW_RMAP_KEY_LEN];
	vgw_rmap_key(&key, sizeof(key), k);
	return vgw_rmap_hash(k) & m->mask;
}

/* Keys (uint32_t, from *from up) whose home bucket is b. */
static uint32_t next_homed(const struct vgw_rmap *m, uint32_t b, uint32_t *from)
{
	while (home(m, *from) != b)
		(*from)++;
	return (*from)++;
}

static uint32_t ovf_sum(const struct vgw_rmap *m)
{
	uint32_t s = 0;
	for (uint32_t b = 0; b <= m->mask; b++)
		s += m->b[b].ovf;
	return s;
}

static uint32_t used_slots(const struct vgw_rmap *m)
{
	uint32_t s = 0;
	for (uint32_t b = 0; b <= m->mask; b++)
		for (int i = 0; i < VGW_RMAP_BUCKET_SLOTS; i++)
			s += m->b[b].sig[i] != 0;
	return s;
}

static bool bucket_full(const struct vgw_rmap_bucket *b)
{
	for (int s = 0; s < VGW_RMAP_BUCKET_SLOTS; s++)
		if (!b->sig[s])
			return false;
	return true;
}

/* Entry number of a live key (through the iteration), or -1. */
static int64_t entry_of(const struct vgw_rmap *m, uint32_t key)
{
	uint32_t it = 0;
	const void *k;
	void *o;
	while (vgw_rmap_next(m, &it, &k, &o))
		if (memcmp(k, &key, sizeof(key)) == 0)
			return (const struct vgw_rmap_entry *)k - m->e;
	return -1;
}

/* vgw_rmap_find without the filter. */
static void *find(const struct vgw_rmap *m, uint32_t key)
{
	uint8_t k[VGW_RMAP_KEY_LEN];
	vgw_rmap_key(&key, sizeof(key), k);
	return vgw_rmap_find(m, k, vgw_rmap_hash(k));
}

static void test_basic(void)
{
	struct { uint32_t vni; uint64_t ip; } a = {7, 0x0a000001}, b = {7, 0x0a000002};
	struct vgw_rmap *m = vgw_rmap_create("basic", sizeof(a), 100, NULL, err);
	CU_ASSERT_FATAL(m != NULL);
	void *old = obj(99);
	CU_ASSERT(vgw_rmap_get(m, &a) == NULL);
	ASSERT_EQ(vgw_rmap_set(m, &a, obj(1), &old, err), 0);
	CU_ASSERT(old == NULL);
	ASSERT_EQ(m->n, 1);
	CU_ASSERT(vgw_rmap_get(m, &a) == obj(1));
	CU_ASSERT(vgw_rmap_get(m, &b) == NULL);
	CU_ASSERT(vgw_rmap_may_have(m, &a, sizeof(a)));
	/* replace: same entry, the old object back, n unchanged */
	ASSERT_EQ(vgw_rmap_set(m, &a, obj(2), &old, err), 0);
	CU_ASSERT(old == obj(1));
	ASSERT_EQ(m->n, 1);
	CU_ASSERT(vgw_rmap_get(m, &a) == obj(2));
	uint8_t k[VGW_RMAP_KEY_LEN];
	vgw_rmap_key(&a, sizeof(a), k);
	CU_ASSERT(vgw_rmap_lookup_hashed(m, k, vgw_rmap_hash(k)) == obj(2));
	ASSERT_EQ(vgw_rmap_set(m, &b, obj(3), &old, err), 0);
	CU_ASSERT(vgw_rmap_del(m, &a) == obj(2));
	CU_ASSERT(vgw_rmap_del(m, &a) == NULL);
	CU_ASSERT(vgw_rmap_get(m, &a) == NULL);
	CU_ASSERT(vgw_rmap_get(m, &b) == obj(3));
	ASSERT_EQ(m->n, 1);
	CU_ASSERT(vgw_rmap_del(m, &b) == obj(3));
	ASSERT_EQ(m->n, 0);
	/* the filter bits went with the keys */
	CU_ASSERT(!vgw_rmap_may_have(m, &a, sizeof(a)));
	CU_ASSERT(!vgw_rmap_may_have(m, &b, sizeof(b)));
	CU_ASSERT(vgw_rmap_lookup_hashed(m, k, vgw_rmap_hash(k)) == NULL);
	vgw_rmap_destroy(m);

	CU_ASSERT(vgw_rmap_create("long", VGW_RMAP_KEY_LEN + 1, 10, NULL, err) == NULL);
	ASSERT_CONTAINS(err, "at most 16");
}

static void test_cap(void)
{
	struct vgw_rmap *m = vgw_rmap_create("cap", sizeof(uint32_t), 10, NULL, err);
	CU_ASSERT_FATAL(m != NULL);
	ASSERT_EQ(m->cap, 10);
	void *old;
	for (uint32_t i = 0; i < 10; i++)
		ASSERT_EQ(vgw_rmap_set(m, &i, obj(i), &old, err), 0);
	uint32_t extra = 10;
	err[0] = 0;
	ASSERT_EQ(vgw_rmap_set(m, &extra, obj(10), &old, err), -1);
	ASSERT_CONTAINS(err, "table full (10 entries)");
	CU_ASSERT(vgw_rmap_get(m, &extra) == NULL);
	ASSERT_EQ(m->n, 10);
	/* a replace needs no room */
	uint32_t five = 5;
	ASSERT_EQ(vgw_rmap_set(m, &five, obj(55), &old, err), 0);
	CU_ASSERT(old == obj(5));
	CU_ASSERT(vgw_rmap_del(m, &five) == obj(55));
	ASSERT_EQ(vgw_rmap_set(m, &extra, obj(10), &old, err), 0);
	CU_ASSERT(vgw_rmap_del(m, &extra) == obj(10));
	/* rcu NULL: churn far beyond the entries reuses them at once */
	for (uint32_t i = 100; i < 1100; i++) {
		ASSERT_EQ(vgw_rmap_set(m, &five, obj(i), &old, err), 0);
		CU_ASSERT(vgw_rmap_del(m, &five) == obj(i));
	}
	for (uint32_t i = 0; i <= 10; i++)
		CU_ASSERT(vgw_rmap_get(m, &i) == (i == 5 || i == 10 ? NULL : obj(i)));
	vgw_rmap_destroy(m);
}

/* 20 keys of one home bucket in a map of 8 buckets fill it and the next one
 * and spill into a third; then the same across the wrap from the last bucket
 * to the first. */
static void test_crowded(void)
{
	struct vgw_rmap *m = vgw_rmap_create("crowd", sizeof(uint32_t), 32, NULL, err);
	CU_ASSERT_FATAL(m != NULL);
	ASSERT_EQ(m->mask, 7);
	for (uint32_t pass = 0; pass < 2; pass++) {
		uint32_t hb = pass ? m->mask : 0, from = 1;
		enum { N = 20 };
		uint32_t in[N], out[N];
		void *old;
		for (int i = 0; i < N; i++) {
			in[i] = next_homed(m, hb, &from);
			out[i] = next_homed(m, hb, &from);
			ASSERT_EQ(vgw_rmap_set(m, &in[i], obj(in[i]), &old, err), 0);
		}
		ASSERT_EQ(m->b[hb].ovf, N - 8);
		ASSERT_EQ(m->b[(hb + 1) & m->mask].ovf, N - 16);
		for (int i = 0; i < N; i++) {
			CU_ASSERT(vgw_rmap_get(m, &in[i]) == obj(in[i]));
			CU_ASSERT(find(m, out[i]) == NULL);
		}
		for (int i = 0; i < N; i += 2)
			CU_ASSERT(vgw_rmap_del(m, &in[i]) == obj(in[i]));
		for (int i = 0; i < N; i++) {
			CU_ASSERT(vgw_rmap_get(m, &in[i]) == (i % 2 ? obj(in[i]) : NULL));
			CU_ASSERT(find(m, out[i]) == NULL);
		}
		/* new keys take the freed slots of the home bucket first */
		for (int i = 0; i < N; i += 2)
			ASSERT_EQ(vgw_rmap_set(m, &out[i], obj(out[i]), &old, err), 0);
		for (int i = 0; i < N; i++) {
			CU_ASSERT(vgw_rmap_get(m, &in[i]) == (i % 2 ? obj(in[i]) : NULL));
			CU_ASSERT(vgw_rmap_get(m, &out[i]) == (i % 2 ? NULL : obj(out[i])));
		}
		for (int i = 0; i < N; i++) {
			CU_ASSERT(vgw_rmap_del(m, &in[i]) == (i % 2 ? obj(in[i]) : NULL));
			CU_ASSERT(vgw_rmap_del(m, &out[i]) == (i % 2 ? NULL : obj(out[i])));
		}
		ASSERT_EQ(m->n, 0);
		ASSERT_EQ(ovf_sum(m), 0);
		ASSERT_EQ(used_slots(m), 0);
	}
	vgw_rmap_destroy(m);
}

/* Keys that went past a full bucket keep it counted after the keys that
 * filled it are gone: step by step every bucket ends up counted with only 8
 * live keys. A lookup of an absent key (bypassing the filter) still ends. */
static void test_counted_ring(void)
{
	struct vgw_rmap *m = vgw_rmap_create("ring", sizeof(uint32_t), 32, NULL, err);
	CU_ASSERT_FATAL(m != NULL);
	uint32_t from = 1, passer[8];
	void *old;
	for (uint32_t b = 0; b <= m->mask; b++) {
		uint32_t fill[8], nf = 0;
		while (!bucket_full(&m->b[b])) {
			fill[nf] = next_homed(m, b, &from);
			ASSERT_EQ(vgw_rmap_set(m, &fill[nf], obj(fill[nf]), &old, err), 0);
			nf++;
		}
		passer[b] = next_homed(m, b, &from);
		ASSERT_EQ(vgw_rmap_set(m, &passer[b], obj(passer[b]), &old, err), 0);
		for (uint32_t i = 0; i < nf; i++)
			CU_ASSERT(vgw_rmap_del(m, &fill[i]) == obj(fill[i]));
	}
	ASSERT_EQ(m->n, 8);
	for (uint32_t b = 0; b <= m->mask; b++)
		ASSERT_EQ(m->b[b].ovf, 1);
	for (uint32_t b = 0; b <= m->mask; b++)
		CU_ASSERT(find(m, passer[b]) == obj(passer[b]));
	for (uint32_t i = 0; i < 100; i++)
		CU_ASSERT(find(m, 0x80000000u + i) == NULL);
	for (uint32_t b = 0; b <= m->mask; b++)
		CU_ASSERT(vgw_rmap_del(m, &passer[b]) == obj(passer[b]));
	ASSERT_EQ(ovf_sum(m), 0);
	vgw_rmap_destroy(m);
}

/* Random keys up to the cap, deletes and re-adds, compared with a model. */
static void test_random(void)
{
	enum { CAP = 500, SPACE = 2000 };
	struct vgw_rmap *m = vgw_rmap_create("random", 12, CAP, NULL, err);
	CU_ASSERT_FATAL(m != NULL);
	static bool live[SPACE];
	uint32_t n = 0;
	void *old;
	for (int round = 0; round < 20000; round++) {
		uint32_t i = unit_rand() % SPACE;
		uint8_t key[12] = {0};
		memcpy(key + 4, &i, 4);
		if (live[i]) {
			CU_ASSERT(vgw_rmap_del(m, key) == obj(i));
			live[i] = false, n--;
		} else if (n < CAP) {
			ASSERT_EQ(vgw_rmap_set(m, key, obj(i), &old, err), 0);
			live[i] = true, n++;
		}
	}
	ASSERT_EQ(m->n, n);
	uint32_t bad = 0;
	for (uint32_t i = 0; i < SPACE; i++) {
		uint8_t key[12] = {0};
		memcpy(key + 4, &i, 4);
		bad += vgw_rmap_lookup(m, key, 12) != (live[i] ? obj(i) : NULL);
	}
	ASSERT_EQ(bad, 0);
	ASSERT_EQ(used_slots(m), n);
	for (uint32_t i = 0; i < SPACE; i++) {
		uint8_t key[12] = {0};
		memcpy(key + 4, &i, 4);
		if (live[i])
			vgw_rmap_del(m, key);
		live[i] = false;
	}
	ASSERT_EQ(ovf_sum(m), 0);
	vgw_rmap_destroy(m);
}

static void test_iterate(void)
{
	enum { N = 300 };
	struct vgw_rmap *m = vgw_rmap_create("iter", sizeof(uint32_t), N, NULL, err);
	CU_ASSERT_FATAL(m != NULL);
	uint32_t it = 0;
	const void *k;
	void *o;
	CU_ASSERT(vgw_rmap_next(m, &it, &k, &o) == 0);
	void *old;
	for (uint32_t i = 0; i < N; i++)
		ASSERT_EQ(vgw_rmap_set(m, &i, obj(i), &old, err), 0);
	for (uint32_t i = 0; i < N; i += 3)
		vgw_rmap_del(m, &i);
	static uint8_t seen[N];
	uint32_t visits = 0;
	it = 0;
	while (vgw_rmap_next(m, &it, &k, &o)) {
		uint32_t key;
		memcpy(&key, k, sizeof(key));
		CU_ASSERT_FATAL(key < N);
		CU_ASSERT(o == obj(key));
		/* the stored key is padded with zeros */
		static const uint8_t zero[VGW_RMAP_KEY_LEN - 4];
		CU_ASSERT(memcmp((const uint8_t *)k + 4, zero, sizeof(zero)) == 0);
		seen[key]++;
		visits++;
	}
	ASSERT_EQ(visits, m->n);
	for (uint32_t i = 0; i < N; i++)
		ASSERT_EQ(seen[i], i % 3 ? 1 : 0);
	/* deleting what it just returned (vpc.c's destroy does) */
	it = 0;
	visits = 0;
	while (vgw_rmap_next(m, &it, &k, &o)) {
		uint32_t key;
		memcpy(&key, k, sizeof(key));
		CU_ASSERT(vgw_rmap_del(m, &key) == obj(key));
		visits++;
	}
	ASSERT_EQ(visits, N - (N + 2) / 3);
	ASSERT_EQ(m->n, 0);
	vgw_rmap_destroy(m);
}

static void test_bulk(void)
{
	struct vgw_rmap *m = vgw_rmap_create("bulk", sizeof(uint32_t), 1000, NULL, err);
	CU_ASSERT_FATAL(m != NULL);
	void *old;
	for (uint32_t i = 0; i < 1000; i += 2)
		ASSERT_EQ(vgw_rmap_set(m, &i, obj(i), &old, err), 0);
	for (uint32_t round = 0; round < 50; round++) {
		uint8_t keys[VGW_RMAP_BULK_MAX][VGW_RMAP_KEY_LEN];
		void *objs[VGW_RMAP_BULK_MAX];
		unsigned int n = 1 + unit_rand() % VGW_RMAP_BULK_MAX;
		for (unsigned int j = 0; j < n; j++) {
			uint32_t key = unit_rand() % 1200;
			vgw_rmap_key(&key, sizeof(key), keys[j]);
		}
		vgw_rmap_get_bulk(m, (const uint8_t(*)[VGW_RMAP_KEY_LEN])keys, n, objs);
		for (unsigned int j = 0; j < n; j++) {
			uint32_t key;
			memcpy(&key, keys[j], sizeof(key));
			CU_ASSERT(objs[j] == vgw_rmap_get(m, &key));
			CU_ASSERT(objs[j] == (key < 1000 && key % 2 == 0 ? obj(key) : NULL));
		}
	}
	vgw_rmap_destroy(m);
}

/* A QSBR variable with one reader (thread id 0), online: entries of deleted
 * keys wait until it reports quiescent. */
static void test_grace(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(1);
	struct rte_rcu_qsbr *v = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN(sz, RTE_CACHE_LINE_SIZE));
	CU_ASSERT_FATAL(v != NULL);
	ASSERT_EQ(rte_rcu_qsbr_init(v, 1), 0);
	ASSERT_EQ(rte_rcu_qsbr_thread_register(v, 0), 0);
	rte_rcu_qsbr_thread_online(v, 0);
	/* cap 4: 64 entries */
	struct vgw_rmap *m = vgw_rmap_create("grace", sizeof(uint32_t), 4, v, err);
	CU_ASSERT_FATAL(m != NULL);
	void *old;
	uint32_t a = 1;
	ASSERT_EQ(vgw_rmap_set(m, &a, obj(a), &old, err), 0);
	int64_t ea = entry_of(m, a);
	CU_ASSERT_FATAL(ea >= 0);
	CU_ASSERT(vgw_rmap_del(m, &a) == obj(a));
	/* 63 more keys come and go, each in an entry of its own */
	for (uint32_t i = 100; i < 163; i++) {
		ASSERT_EQ(vgw_rmap_set(m, &i, obj(i), &old, err), 0);
		int64_t ei = entry_of(m, i);
		CU_ASSERT(ei >= 0 && ei != ea);
		CU_ASSERT(vgw_rmap_del(m, &i) == obj(i));
	}
	/* every entry waits now: a new key is refused, and says why */
	uint32_t b = 2;
	err[0] = 0;
	ASSERT_EQ(vgw_rmap_set(m, &b, obj(b), &old, err), -1);
	ASSERT_CONTAINS(err, "table full: 64 keys waiting for a grace period");
	ASSERT_EQ(m->n, 0);
	CU_ASSERT(vgw_rmap_get(m, &b) == NULL);
	/* the reader passes a quiescent state: the oldest entry (a's) comes back */
	rte_rcu_qsbr_quiescent(v, 0);
	ASSERT_EQ(vgw_rmap_set(m, &b, obj(b), &old, err), 0);
	ASSERT_EQ(entry_of(m, b), ea);
	CU_ASSERT(vgw_rmap_get(m, &b) == obj(b));
	CU_ASSERT(vgw_rmap_get(m, &a) == NULL);
	/* a replace needs no entry */
	ASSERT_EQ(vgw_rmap_set(m, &b, obj(3), &old, err), 0);
	CU_ASSERT(old == obj(b));
	rte_rcu_qsbr_thread_offline(v, 0);
	vgw_rmap_destroy(m);
	free(v);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"set, get, replace, del; what each hands back", test_basic},
		{"cap live keys; table full; rcu NULL reuses entries at once", test_cap},
		{"keys crowded in one home bucket spill over and come back (and across the wrap)",
		 test_crowded},
		{"every bucket counted after deletes: a probe still ends", test_counted_ring},
		{"random set/del against a model", test_random},
		{"iteration visits each live key once, also while deleting", test_iterate},
		{"bulk lookup equals single lookups", test_bulk},
		{"a deleted key's entry waits for a grace period; table full says so", test_grace},
	};
	return unit_run("rmap", tests, sizeof(tests) / sizeof(tests[0]));
}
