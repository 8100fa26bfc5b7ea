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
 * reclaimed by rte_hash's own RCU defer queue. */
#ifndef VGW_RMAP_H
#define VGW_RMAP_H

#include <stdint.h>

#include <rte_hash.h>

struct rte_rcu_qsbr;

struct vgw_rmap {
	struct rte_hash *h;
	uint32_t cap; /* live keys allowed */
	uint32_t n;   /* live keys */
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

/* Iteration (slow path): *next starts at 0; returns 0 at the end. */
int vgw_rmap_next(const struct vgw_rmap *m, uint32_t *next, const void **key, void **obj);

static inline void *vgw_rmap_get(const struct vgw_rmap *m, const void *key)
{
	void *obj;
	if (rte_hash_lookup_data(m->h, key, &obj) < 0)
		return NULL;
	return obj;
}

#endif
