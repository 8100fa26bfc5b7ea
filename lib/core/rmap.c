/* RCU map: see rmap.h. Slow path only: creation, set, del, iteration and
 * the entries of deleted keys waiting for a grace period. */
#include "rmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <rte_rcu_qsbr.h>

#include "../util/parse.h"

/* Entries not in the index: free ones (a stack) and deleted ones waiting for
 * their grace period (a FIFO, oldest first, so its head passes first). */
struct vgw_rmap_spare {
	struct rte_rcu_qsbr *rcu;
	uint32_t nentries;
	uint32_t *free;
	uint32_t nfree;
	struct {
		uint32_t idx;
		uint64_t token;
	} *wait;
	uint32_t whead, nwait; /* ring of nentries */
};

/* Plain memory, cache-line aligned (no EAL needed: unit tests). A large
 * table asks for transparent huge pages, as rte_malloc's hugepages gave
 * rte_hash: a random lookup then costs no TLB miss of its own. */
static void *zalloc_aligned(size_t size)
{
	const size_t huge = 2u << 20;
	size_t align = size >= huge ? huge : RTE_CACHE_LINE_SIZE;
	size = RTE_ALIGN_CEIL(size, align);
	void *p = aligned_alloc(align, size);
	if (!p)
		return NULL;
	if (align == huge)
		(void)madvise(p, size, MADV_HUGEPAGE); /* a hint: fine if refused */
	memset(p, 0, size);
	return p;
}

struct vgw_rmap *vgw_rmap_create(const char *name, uint32_t key_len, uint32_t cap,
				 struct rte_rcu_qsbr *rcu, char *err)
{
	if (key_len > VGW_RMAP_KEY_LEN) {
		snprintf(err, VGW_ERR_LEN, "hash %s: key of %u bytes (at most %d)", name, key_len,
			 VGW_RMAP_KEY_LEN);
		return NULL;
	}
	if (cap > (1u << 24)) {
		snprintf(err, VGW_ERR_LEN, "hash %s: %u keys (at most %u)", name, cap, 1u << 24);
		return NULL;
	}
	struct vgw_rmap *m = calloc(1, sizeof(*m));
	struct vgw_rmap_spare *sp = calloc(1, sizeof(*sp));
	if (!m || !sp) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		free(m);
		free(sp);
		return NULL;
	}
	m->spare = sp;
	m->klen = key_len;
	m->cap = cap;
	/* headroom: deleted keys hold their entry until a grace period */
	sp->rcu = rcu;
	sp->nentries = cap * 2 < 64 ? 64 : cap * 2;
	/* at least 2 index slots per key allowed: load <= 50% */
	uint32_t nb = 8;
	while ((uint64_t)nb * VGW_RMAP_BUCKET_SLOTS < (uint64_t)cap * 2)
		nb *= 2;
	m->mask = nb - 1;
	m->b = zalloc_aligned((size_t)nb * sizeof(*m->b));
	m->e = zalloc_aligned((size_t)sp->nentries * sizeof(*m->e));
	sp->free = malloc((size_t)sp->nentries * sizeof(*sp->free));
	sp->wait = malloc((size_t)sp->nentries * sizeof(*sp->wait));
	/* 16 filter slots per key allowed, a power of two from 4096 to 2^24 */
	uint32_t log2 = 12;
	while (log2 < 24 && (1u << log2) < (uint64_t)cap * 16)
		log2++;
	m->fshift = 32 - log2;
	m->fbits = calloc((1u << log2) / 64, sizeof(*m->fbits));
	m->fcount = calloc(1u << log2, sizeof(*m->fcount));
	if (!m->b || !m->e || !sp->free || !sp->wait || !m->fbits || !m->fcount) {
		snprintf(err, VGW_ERR_LEN, "out of memory for hash %s", name);
		vgw_rmap_destroy(m);
		return NULL;
	}
	/* entry 0 on top of the stack: a fresh map fills its entries in order */
	for (uint32_t i = 0; i < sp->nentries; i++)
		sp->free[i] = sp->nentries - 1 - i;
	sp->nfree = sp->nentries;
	return m;
}

void vgw_rmap_destroy(struct vgw_rmap *m)
{
	if (!m)
		return;
	if (m->spare) {
		free(m->spare->free);
		free(m->spare->wait);
		free(m->spare);
	}
	free(m->b);
	free(m->e);
	free(m->fbits);
	free(m->fcount);
	free(m);
}

/* One key of the slot is gone; the bit clears with the last one (a saturated
 * count stays set: the bit is then only a hint). */
static void filter_put(struct vgw_rmap *m, uint32_t slot)
{
	if (m->fcount[slot] == UINT16_MAX || --m->fcount[slot] != 0)
		return;
	atomic_fetch_and_explicit(&m->fbits[slot >> 6], ~(1ull << (slot & 63)),
				  memory_order_release);
}

static void filter_get(struct vgw_rmap *m, uint32_t slot)
{
	if (m->fcount[slot] != UINT16_MAX && m->fcount[slot]++ == 0)
		atomic_fetch_or_explicit(&m->fbits[slot >> 6], 1ull << (slot & 63),
					 memory_order_release);
}

/* A free entry: the free stack, else the oldest deleted ones whose grace
 * period has passed (checked without waiting). UINT32_MAX if none. */
static uint32_t entry_alloc(struct vgw_rmap_spare *sp)
{
	while (!sp->nfree && sp->nwait &&
	       rte_rcu_qsbr_check(sp->rcu, sp->wait[sp->whead].token, false) == 1) {
		sp->free[sp->nfree++] = sp->wait[sp->whead].idx;
		sp->whead = (sp->whead + 1) % sp->nentries;
		sp->nwait--;
	}
	return sp->nfree ? sp->free[--sp->nfree] : UINT32_MAX;
}

/* Entry i's key was deleted: a reader may still be reading it. */
static void entry_release(struct vgw_rmap_spare *sp, uint32_t i)
{
	if (!sp->rcu) {
		sp->free[sp->nfree++] = i;
		return;
	}
	uint32_t tail = (sp->whead + sp->nwait) % sp->nentries;
	sp->wait[tail].idx = i;
	sp->wait[tail].token = rte_rcu_qsbr_start(sp->rcu);
	sp->nwait++;
}

/* Where padded key k lives: its bucket (*bi) and slot, or -1. */
static int locate(const struct vgw_rmap *m, const uint8_t *k, uint32_t hash, uint32_t *bi)
{
	uint64_t k0, k1;
	memcpy(&k0, k, 8);
	memcpy(&k1, k + 8, 8);
	uint16_t sig = vgw_rmap_sig(hash);
	uint32_t b = hash & m->mask;
	for (uint32_t left = m->mask + 1; left; left--) {
		for (int s = 0; s < VGW_RMAP_BUCKET_SLOTS; s++) {
			const struct vgw_rmap_entry *e = &m->e[m->b[b].idx[s]];
			if (m->b[b].sig[s] == sig && e->k0 == k0 && e->k1 == k1) {
				*bi = b;
				return s;
			}
		}
		if (!m->b[b].ovf)
			return -1;
		b = (b + 1) & m->mask;
	}
	return -1;
}

/* Publishes a new key (entry i) in the first bucket of its path with a free
 * slot; the table is at most half full, so there is one. */
static void index_insert(struct vgw_rmap *m, uint32_t hash, uint32_t i)
{
	uint32_t b = hash & m->mask;
	for (;;) {
		for (int s = 0; s < VGW_RMAP_BUCKET_SLOTS; s++) {
			if (m->b[b].sig[s])
				continue;
			__atomic_store_n(&m->b[b].idx[s], i, __ATOMIC_RELEASE);
			__atomic_store_n(&m->b[b].sig[s], vgw_rmap_sig(hash), __ATOMIC_RELEASE);
			return;
		}
		/* full: readers of this bucket must look further */
		__atomic_store_n(&m->b[b].ovf, m->b[b].ovf + 1, __ATOMIC_RELEASE);
		b = (b + 1) & m->mask;
	}
}

int vgw_rmap_set(struct vgw_rmap *m, const void *key, void *obj, void **old, char *err)
{
	uint8_t k[VGW_RMAP_KEY_LEN];
	vgw_rmap_key(key, m->klen, k);
	uint32_t hash = vgw_rmap_hash(k), bi;
	int s = locate(m, k, hash, &bi);
	if (s >= 0) {
		struct vgw_rmap_entry *e = &m->e[m->b[bi].idx[s]];
		*old = e->obj;
		__atomic_store_n(&e->obj, obj, __ATOMIC_RELEASE);
		return 0;
	}
	*old = NULL;
	if (m->n >= m->cap) {
		snprintf(err, VGW_ERR_LEN, "table full (%u entries)", m->cap);
		return -1;
	}
	uint32_t i = entry_alloc(m->spare);
	if (i == UINT32_MAX) {
		snprintf(err, VGW_ERR_LEN,
			 "table full: %u keys waiting for a grace period (%u live, %u allowed)",
			 m->spare->nwait, m->n, m->cap);
		return -1;
	}
	struct vgw_rmap_entry *e = &m->e[i];
	memcpy(&e->k0, k, 8);
	memcpy(&e->k1, k + 8, 8);
	__atomic_store_n(&e->obj, obj, __ATOMIC_RELAXED); /* published by the index */
	/* the filter first: a reader that finds the key must pass it */
	filter_get(m, hash >> m->fshift);
	index_insert(m, hash, i);
	m->n++;
	return 0;
}

void *vgw_rmap_del(struct vgw_rmap *m, const void *key)
{
	uint8_t k[VGW_RMAP_KEY_LEN];
	vgw_rmap_key(key, m->klen, k);
	uint32_t hash = vgw_rmap_hash(k), bi;
	int s = locate(m, k, hash, &bi);
	if (s < 0)
		return NULL;
	uint32_t i = m->b[bi].idx[s];
	void *obj = m->e[i].obj;
	__atomic_store_n(&m->b[bi].sig[s], 0, __ATOMIC_RELEASE);
	/* a reader past the key compare now finds it absent; and no stale
	 * pointer hides the object from LeakSanitizer */
	__atomic_store_n(&m->e[i].obj, NULL, __ATOMIC_RELEASE);
	for (uint32_t b = hash & m->mask; b != bi; b = (b + 1) & m->mask)
		__atomic_store_n(&m->b[b].ovf, m->b[b].ovf - 1, __ATOMIC_RELEASE);
	filter_put(m, hash >> m->fshift);
	m->n--;
	entry_release(m->spare, i);
	return obj;
}

int vgw_rmap_next(const struct vgw_rmap *m, uint32_t *next, const void **key, void **obj)
{
	uint32_t slots = (m->mask + 1) * VGW_RMAP_BUCKET_SLOTS;
	for (uint32_t p = *next; p < slots; p++) {
		const struct vgw_rmap_bucket *b = &m->b[p / VGW_RMAP_BUCKET_SLOTS];
		uint32_t s = p % VGW_RMAP_BUCKET_SLOTS;
		if (!b->sig[s])
			continue;
		const struct vgw_rmap_entry *e = &m->e[b->idx[s]];
		*key = &e->k0;
		*obj = e->obj;
		*next = p + 1;
		return 1;
	}
	*next = slots;
	return 0;
}

const void **vgw_rmap_sorted(const struct vgw_rmap *m, int (*cmp)(const void *, const void *),
			     uint32_t *n)
{
	const void **v = malloc(sizeof(*v) * (m->n + 1));
	if (!v)
		return NULL;
	uint32_t it = 0, k = 0;
	const void *key;
	void *o;
	while (k < m->n && vgw_rmap_next(m, &it, &key, &o))
		v[k++] = o;
	qsort(v, k, sizeof(*v), cmp);
	*n = k;
	return v;
}
