/* RCU map: a fixed-size-key hash whose values are pointers to immutable
 * objects, read lock-free by workers while the slow path changes it.
 *
 * Writers: the slow path only (vgw_rmap_set/del). Readers: workers and the
 * slow path (vgw_rmap_get, inline in rmap_dp.h-free form below).
 * Publication: rte_hash in lock-free mode; set() on an existing key swaps the
 * value pointer with one atomic store, so a reader sees the old object or the
 * new one, never a mix. Objects are never modified once published: a change is
 * a new object. The map does not own objects: set() and del() hand back the
 * object they unpublished and the caller frees it after a grace period
 * (vgw_defer), since a worker may still hold it. Key slots of deleted keys are
 * reclaimed by rte_hash's own RCU defer queue.
 *
 * Cost: every key is stored zero-padded to VGW_RMAP_KEY_LEN (16) bytes and
 * hashed with CRC32-C: rte_hash compares 16-byte keys with one vector
 * compare but calls libc memcmp for 4/8/12-byte ones, and jhash cost more
 * than the rest of the lookup (profiles in doc/performance.md). Keys longer
 * than 16 bytes are refused at creation.
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

#include <rte_hash.h>
#include <rte_hash_crc.h>

#define VGW_RMAP_KEY_LEN 16
#define VGW_RMAP_BULK_MAX 64 /* rte_hash's RTE_HASH_LOOKUP_BULK_MAX */

struct rte_rcu_qsbr;

struct vgw_rmap {
	struct rte_hash *h;
	uint32_t klen; /* the caller's key length, <= VGW_RMAP_KEY_LEN */
	uint32_t cap; /* live keys allowed */
	uint32_t n;   /* live keys */
	uint32_t fshift;          /* filter slot = hash >> fshift */
	_Atomic uint64_t *fbits;  /* the filter: worker-visible */
	uint16_t *fcount;         /* slow path: keys per filter slot (saturating) */
};

/* rcu may be NULL when no reader runs concurrently (unit tests). */
struct vgw_rmap *vgw_rmap_create(const char *name, uint32_t key_len, uint32_t cap,
				 struct rte_rcu_qsbr *rcu, char *err);
void vgw_rmap_destroy(struct vgw_rmap *m);

/* Publishes obj under key. *old receives the object it replaced (NULL if the
 * key was new). Returns 0, or -1 with err when the map is full. */
int vgw_rmap_set(struct vgw_rmap *m, const void *key, void *obj, void **old, char *err);

/* Unpublishes key; returns its object (NULL if absent). */
void *vgw_rmap_del(struct vgw_rmap *m, const void *key);

/* Iteration (slow path): *next starts at 0; returns 0 at the end. *key
 * points at the stored (padded) key, whose first bytes are the caller's. */
int vgw_rmap_next(const struct vgw_rmap *m, uint32_t *next, const void **key, void **obj);

/* The caller's key (len bytes) zero-padded to the stored length. */
static inline void vgw_rmap_key(const void *key, uint32_t len, uint8_t out[VGW_RMAP_KEY_LEN])
{
	memset(out, 0, VGW_RMAP_KEY_LEN);
	memcpy(out, key, len);
}

static inline uint32_t vgw_rmap_hash(const uint8_t k[VGW_RMAP_KEY_LEN])
{
	return rte_hash_crc(k, VGW_RMAP_KEY_LEN, 0); /* as rte_hash computes it */
}

static inline bool vgw_rmap_maybe(const struct vgw_rmap *m, uint32_t hash)
{
	uint32_t slot = hash >> m->fshift;
	return atomic_load_explicit(&m->fbits[slot >> 6], memory_order_relaxed) >> (slot & 63) & 1;
}

static inline void *vgw_rmap_lookup(const struct vgw_rmap *m, const void *key, uint32_t len)
{
	uint8_t k[VGW_RMAP_KEY_LEN];
	void *obj;
	vgw_rmap_key(key, len, k);
	uint32_t hash = vgw_rmap_hash(k);
	if (!vgw_rmap_maybe(m, hash) || rte_hash_lookup_with_hash_data(m->h, k, hash, &obj) < 0)
		return NULL;
	return obj;
}

/* As vgw_rmap_lookup, with the padded key k and its hash already computed
 * (one hash for lookups of the same key in several maps). */
static inline void *vgw_rmap_lookup_hashed(const struct vgw_rmap *m, const uint8_t *k,
					   uint32_t hash)
{
	void *obj;
	if (!m->n || !vgw_rmap_maybe(m, hash) ||
	    rte_hash_lookup_with_hash_data(m->h, k, hash, &obj) < 0)
		return NULL;
	return obj;
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
 * NULL. The keys the filter does not rule out go to one rte_hash bulk call,
 * which interleaves their bucket fetches. keys[i] are padded keys
 * (vgw_rmap_key). */
static inline void vgw_rmap_get_bulk(const struct vgw_rmap *m,
				     const uint8_t (*keys)[VGW_RMAP_KEY_LEN], unsigned int n,
				     void **objs)
{
	const void *kp[VGW_RMAP_BULK_MAX];
	uint32_t hash[VGW_RMAP_BULK_MAX];
	uint8_t at[VGW_RMAP_BULK_MAX];
	void *found[VGW_RMAP_BULK_MAX];
	unsigned int nk = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t h = vgw_rmap_hash(keys[i]);
		objs[i] = NULL;
		if (!vgw_rmap_maybe(m, h))
			continue;
		kp[nk] = keys[i];
		hash[nk] = h;
		at[nk++] = (uint8_t)i;
	}
	if (!nk)
		return;
	uint64_t hit = 0;
	rte_hash_lookup_with_hash_bulk_data(m->h, kp, hash, nk, &hit, found);
	for (unsigned int j = 0; j < nk; j++)
		if (hit >> j & 1)
			objs[at[j]] = found[j];
}

#endif
