/* RCU map: a fixed-size-key hash whose values are pointers to immutable
 * objects, read lock-free by workers while the slow path changes it.
 *
 * Writers: the slow path only (vgw_rmap_set/del), one thread. Readers:
 * workers and the slow path (vgw_rmap_get and the other inline lookups
 * below), without locks or atomic read-modify-writes.
 *
 * Layout: an index of 64-byte buckets (8 slots: a 16-bit signature and an
 * entry number each) over an array of entries (the 16-byte key and the
 * object pointer). A key's home bucket is hash & mask; when it is full the
 * key goes to the next bucket with a free slot (linear probing), and every
 * bucket it passed counts it in ovf. A lookup compares the 8 signatures of a
 * bucket with one vector compare, then the candidates' keys with two 64-bit
 * compares, and moves to the next bucket only while ovf says some key lives
 * beyond it. The index has at least 2 slots per key allowed (load <= 50%),
 * so most lookups read one bucket and one entry.
 *
 * Publication: set() of a new key writes its entry, counts it in the ovf of
 * the buckets it passes, then stores the slot's entry number and last its
 * signature, each a release store: a reader that sees the signature sees the
 * entry. set() on an existing key swaps the entry's object pointer with one
 * release store, so a reader sees the old object or the new one, never a mix.
 * del() clears the slot's signature and the entry's object pointer (a reader
 * that got that far finds the key absent), then uncounts the key along its
 * path.
 * Objects are never modified once published: a change is a new object. The
 * map does not own objects: set() and del() hand back the object they
 * unpublished and the caller frees it after a grace period (vgw_defer), since
 * a worker may still hold it.
 *
 * Entries of deleted keys: a reader may still be comparing a deleted key's
 * entry (or read a reused slot's new entry number with its old signature: the
 * key compare rejects it), so an entry is reused only after an RCU grace
 * period on the map's QSBR variable. There are 2 entries per key allowed (at
 * least 64); deleted ones wait in a FIFO with their grace-period token and
 * set() takes them back once the token has passed, without waiting: when
 * every spare entry still waits (a stalled worker, or heavy churn), set()
 * fails with "table full" rather than block the slow path.
 *
 * Cost: every key is stored zero-padded to VGW_RMAP_KEY_LEN (16) bytes and
 * hashed with CRC32-C (profiles in doc/performance.md). Keys longer than 16
 * bytes are refused at creation.
 *
 * Presence filter: one bit per filter slot (16 slots per key allowed), set
 * while some key hashes to the slot. Most lookups on the data path miss (an
 * EIP lookup for every routed packet, the hairpin check of every outbound
 * one); a clear bit answers them without touching the hash table. The slow
 * path sets the bit before it publishes a key and clears it after the last
 * key of the slot is deleted, so a reader never misses a key published
 * before its lookup started; a stale set bit only costs the full lookup. */
#ifndef VGW_RMAP_H
#define VGW_RMAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <emmintrin.h>
#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_prefetch.h>

#define VGW_RMAP_KEY_LEN 16
#define VGW_RMAP_BULK_MAX 64 /* lookups per vgw_rmap_get_bulk call */
#define VGW_RMAP_BUCKET_SLOTS 8

struct rte_rcu_qsbr;
struct vgw_rmap_spare;

/* One index bucket. sig[s] == 0: slot s is free. Written by the slow path
 * only (release stores); read by lookups. */
struct vgw_rmap_bucket {
	uint16_t sig[VGW_RMAP_BUCKET_SLOTS]; /* (uint16_t)(hash * 0x9e3779b1 >> 16) | 1 */
	uint32_t idx[VGW_RMAP_BUCKET_SLOTS]; /* entry number of slot s */
	uint32_t ovf; /* live keys whose probe path went past this bucket */
} __rte_cache_aligned;

/* One key. k0/k1 are written before the entry is published and not again
 * until a grace period after its key is deleted; obj is read and written
 * atomically (replace). 32 bytes: an entry never straddles two cache lines. */
struct vgw_rmap_entry {
	uint64_t k0, k1; /* the padded key, as two native-endian words */
	void *obj;
	uint64_t unused;
};

struct vgw_rmap {
	struct vgw_rmap_bucket *b;
	struct vgw_rmap_entry *e;
	uint32_t mask; /* buckets - 1 (a power of two) */
	uint32_t klen; /* the caller's key length, <= VGW_RMAP_KEY_LEN */
	uint32_t cap; /* live keys allowed */
	uint32_t n;   /* live keys */
	uint32_t fshift;          /* filter slot = hash >> fshift */
	_Atomic uint64_t *fbits;  /* the filter: worker-visible */
	uint16_t *fcount;         /* slow path: keys per filter slot (saturating) */
	struct vgw_rmap_spare *spare; /* slow path: free entries (rmap.c) */
};

/* rcu may be NULL when no reader runs concurrently (unit tests): entries of
 * deleted keys are then reused at once. */
struct vgw_rmap *vgw_rmap_create(const char *name, uint32_t key_len, uint32_t cap,
				 struct rte_rcu_qsbr *rcu, char *err);
void vgw_rmap_destroy(struct vgw_rmap *m);

/* Publishes obj under key. *old receives the object it replaced (NULL if the
 * key was new). Returns 0, or -1 with err when the map is full (cap live
 * keys, or no entry free of a grace period). */
int vgw_rmap_set(struct vgw_rmap *m, const void *key, void *obj, void **old, char *err);

/* Unpublishes key; returns its object (NULL if absent). */
void *vgw_rmap_del(struct vgw_rmap *m, const void *key);

/* Iteration (slow path): *next starts at 0; returns 0 at the end. *key
 * points at the stored (padded) key, whose first bytes are the caller's.
 * Deleting the key just returned does not disturb the iteration. */
int vgw_rmap_next(const struct vgw_rmap *m, uint32_t *next, const void **key, void **obj);

/* Slow path: the map's objects sorted by cmp (qsort's comparator, given
 * pointers to object pointers), in an array the caller frees; *n their
 * number. NULL when out of memory. */
const void **vgw_rmap_sorted(const struct vgw_rmap *m, int (*cmp)(const void *, const void *),
			     uint32_t *n);

/* The caller's key (len bytes) zero-padded to the stored length. */
static inline void vgw_rmap_key(const void *key, uint32_t len, uint8_t out[VGW_RMAP_KEY_LEN])
{
	memset(out, 0, VGW_RMAP_KEY_LEN);
	memcpy(out, key, len);
}

static inline uint32_t vgw_rmap_hash(const uint8_t k[VGW_RMAP_KEY_LEN])
{
	return rte_hash_crc(k, VGW_RMAP_KEY_LEN, 0);
}

static inline bool vgw_rmap_maybe(const struct vgw_rmap *m, uint32_t hash)
{
	uint32_t slot = hash >> m->fshift;
	return atomic_load_explicit(&m->fbits[slot >> 6], memory_order_relaxed) >> (slot & 63) & 1;
}

/* The slot signature: other bits than the bucket index, never 0 (free). */
static inline uint16_t vgw_rmap_sig(uint32_t hash)
{
	return (uint16_t)((hash * 0x9e3779b1u) >> 16) | 1;
}

/* Slots of b whose signature is sig, as a bit mask (two bits a slot: the
 * even one is kept). */
static inline unsigned int vgw_rmap_sig_match(const struct vgw_rmap_bucket *b, __m128i sig)
{
	__m128i v = _mm_load_si128((const __m128i *)b->sig);
	return (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi16(v, sig)) & 0x5555u;
}

/* The object of padded key k (hash: vgw_rmap_hash(k)), or NULL; the filter
 * is not consulted. The probe stops at a bucket no key went past, and after
 * every bucket at worst (deletes can leave a ring of counted buckets). */
static inline void *vgw_rmap_find(const struct vgw_rmap *m, const uint8_t *k, uint32_t hash)
{
	uint64_t k0, k1;
	memcpy(&k0, k, 8);
	memcpy(&k1, k + 8, 8);
	__m128i sig = _mm_set1_epi16((short)vgw_rmap_sig(hash));
	uint32_t bi = hash & m->mask;
	for (uint32_t left = m->mask + 1; left; left--) {
		const struct vgw_rmap_bucket *b = &m->b[bi];
		unsigned int hits = vgw_rmap_sig_match(b, sig);
		if (hits) {
			/* the signatures were read plainly: order the reads below */
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			do {
				uint32_t i = __atomic_load_n(&b->idx[__builtin_ctz(hits) / 2],
							     __ATOMIC_ACQUIRE);
				const struct vgw_rmap_entry *e = &m->e[i];
				if (e->k0 == k0 && e->k1 == k1)
					return __atomic_load_n(&e->obj, __ATOMIC_ACQUIRE);
				hits &= hits - 1;
			} while (hits);
		}
		if (!__atomic_load_n(&b->ovf, __ATOMIC_ACQUIRE))
			return NULL;
		bi = (bi + 1) & m->mask;
	}
	return NULL;
}

static inline void *vgw_rmap_lookup(const struct vgw_rmap *m, const void *key, uint32_t len)
{
	uint8_t k[VGW_RMAP_KEY_LEN];
	vgw_rmap_key(key, len, k);
	uint32_t hash = vgw_rmap_hash(k);
	if (!vgw_rmap_maybe(m, hash))
		return NULL;
	return vgw_rmap_find(m, k, hash);
}

/* As vgw_rmap_lookup, with the padded key k and its hash already computed
 * (one hash for lookups of the same key in several maps). */
static inline void *vgw_rmap_lookup_hashed(const struct vgw_rmap *m, const uint8_t *k,
					   uint32_t hash)
{
	if (!m->n || !vgw_rmap_maybe(m, hash))
		return NULL;
	return vgw_rmap_find(m, k, hash);
}

/* False when key is certainly absent (the filter alone, no table access);
 * true means "look it up". */
static inline bool vgw_rmap_may_have(const struct vgw_rmap *m, const void *key, uint32_t len)
{
	uint8_t k[VGW_RMAP_KEY_LEN];
	vgw_rmap_key(key, len, k);
	return vgw_rmap_maybe(m, vgw_rmap_hash(k));
}

/* key is a typed pointer: its size is known here, so the padding copy is a
 * constant-size move. */
#define vgw_rmap_get(m, key) vgw_rmap_lookup((m), (key), sizeof(*(key)))

/* n (<= VGW_RMAP_BULK_MAX) lookups at once: objs[i] is key i's object or
 * NULL. The home buckets of the keys the filter does not rule out are all
 * prefetched before the first is read, so their cache misses overlap.
 * keys[i] are padded keys (vgw_rmap_key). */
static inline void vgw_rmap_get_bulk(const struct vgw_rmap *m,
				     const uint8_t (*keys)[VGW_RMAP_KEY_LEN], unsigned int n,
				     void **objs)
{
	uint32_t hash[VGW_RMAP_BULK_MAX];
	uint8_t at[VGW_RMAP_BULK_MAX];
	unsigned int nk = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t h = vgw_rmap_hash(keys[i]);
		objs[i] = NULL;
		if (!vgw_rmap_maybe(m, h))
			continue;
		rte_prefetch0(&m->b[h & m->mask]);
		hash[nk] = h;
		at[nk++] = (uint8_t)i;
	}
	for (unsigned int j = 0; j < nk; j++)
		objs[at[j]] = vgw_rmap_find(m, keys[at[j]], hash[j]);
}

#endif
