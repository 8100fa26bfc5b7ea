/* A worker's private hash table: 16-byte keys to 32-bit values, fixed
 * capacity, open addressing with linear probing and backward-shift
 * deletion (no tombstones, so a table that churns forever never degrades).
 *
 * Ownership: one writer and reader, the worker that made nothing but this
 * table's own calls on it; no locks, no atomics, no allocation after
 * vgw_snat_tab_create. The SNAT engine (snat_engine.h) keeps its mapping,
 * VM and filter indexes in these: the keys are few words built by the
 * caller, and a miss (every new mapping looks up first) is one or two cache
 * lines.
 *
 * Sizing: the slot array is the next power of two at or above twice the
 * maximum key count, so the load stays at or below one half. */
#ifndef VGW_SNAT_TAB_H
#define VGW_SNAT_TAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VGW_SNAT_TAB_NONE UINT32_MAX

struct vgw_snat_tab_slot {
	uint64_t k0, k1;
	uint32_t val; /* VGW_SNAT_TAB_NONE: free */
	uint32_t pad;
};

struct vgw_snat_tab {
	struct vgw_snat_tab_slot *s;
	uint32_t mask;  /* slots - 1 */
	uint32_t max;   /* keys allowed */
	uint32_t n;     /* keys present */
};

/* 0, or -1 with err (memory). socket: NUMA node (SOCKET_ID_ANY). */
int vgw_snat_tab_create(struct vgw_snat_tab *t, const char *name, uint32_t max_keys, int socket,
			char *err);
void vgw_snat_tab_destroy(struct vgw_snat_tab *t);
/* Bytes vgw_snat_tab_create allocates for max_keys. */
size_t vgw_snat_tab_memsize(uint32_t max_keys);

static inline uint32_t vgw_snat_tab_hash(uint64_t k0, uint64_t k1)
{
	uint64_t h = (k0 ^ (k1 * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;
	h ^= h >> 31;
	h *= 0x94d049bb133111ebull;
	return (uint32_t)(h ^ h >> 32);
}

/* The value of key (k0, k1), or VGW_SNAT_TAB_NONE. */
static inline uint32_t vgw_snat_tab_get(const struct vgw_snat_tab *t, uint64_t k0, uint64_t k1)
{
	for (uint32_t i = vgw_snat_tab_hash(k0, k1) & t->mask;; i = (i + 1) & t->mask) {
		const struct vgw_snat_tab_slot *s = &t->s[i];
		if (s->val == VGW_SNAT_TAB_NONE)
			return VGW_SNAT_TAB_NONE;
		if (s->k0 == k0 && s->k1 == k1)
			return s->val;
	}
}

/* Adds a key that is not present (the caller looked it up); -1 when the
 * table holds max keys already. val != VGW_SNAT_TAB_NONE. */
int vgw_snat_tab_add(struct vgw_snat_tab *t, uint64_t k0, uint64_t k1, uint32_t val);
/* Replaces the value of a present key; -1 if absent. */
int vgw_snat_tab_set(struct vgw_snat_tab *t, uint64_t k0, uint64_t k1, uint32_t val);
/* Removes the key; false if it was absent. */
bool vgw_snat_tab_del(struct vgw_snat_tab *t, uint64_t k0, uint64_t k1);

#endif
