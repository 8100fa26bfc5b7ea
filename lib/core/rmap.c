/* RCU map: see rmap.h. */
#include "rmap.h"

#include <stdio.h>
#include <stdlib.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>

#include "../util/parse.h"

struct vgw_rmap *vgw_rmap_create(const char *name, uint32_t key_len, uint32_t cap,
				 struct rte_rcu_qsbr *rcu, char *err)
{
	struct vgw_rmap *m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return NULL;
	}
	if (key_len > VGW_RMAP_KEY_LEN) {
		snprintf(err, VGW_ERR_LEN, "hash %s: key of %u bytes (at most %d)", name, key_len,
			 VGW_RMAP_KEY_LEN);
		free(m);
		return NULL;
	}
	m->klen = key_len;
	m->cap = cap;
	struct rte_hash_parameters hp = {
		.name = name,
		/* headroom: deleted keys hold their slot until a grace period */
		.entries = cap * 2 < 64 ? 64 : cap * 2,
		.key_len = VGW_RMAP_KEY_LEN,
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = rcu ? RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF : 0,
	};
	m->h = rte_hash_create(&hp);
	if (!m->h) {
		snprintf(err, VGW_ERR_LEN, "cannot create hash %s: %s", name,
			 rte_strerror(rte_errno));
		free(m);
		return NULL;
	}
	/* 16 filter slots per key allowed, a power of two from 4096 to 2^24 */
	uint32_t log2 = 12;
	while (log2 < 24 && (1u << log2) < (uint64_t)cap * 16)
		log2++;
	m->fshift = 32 - log2;
	m->fbits = calloc((1u << log2) / 64, sizeof(*m->fbits));
	m->fcount = calloc(1u << log2, sizeof(*m->fcount));
	if (!m->fbits || !m->fcount) {
		snprintf(err, VGW_ERR_LEN, "out of memory for hash %s", name);
		vgw_rmap_destroy(m);
		return NULL;
	}
	if (rcu) {
		struct rte_hash_rcu_config rc = {.v = rcu, .mode = RTE_HASH_QSBR_MODE_DQ};
		if (rte_hash_rcu_qsbr_add(m->h, &rc) != 0) {
			snprintf(err, VGW_ERR_LEN, "cannot attach RCU to hash %s", name);
			vgw_rmap_destroy(m);
			return NULL;
		}
	}
	return m;
}

void vgw_rmap_destroy(struct vgw_rmap *m)
{
	if (!m)
		return;
	rte_hash_free(m->h);
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

int vgw_rmap_set(struct vgw_rmap *m, const void *key, void *obj, void **old, char *err)
{
	uint8_t k[VGW_RMAP_KEY_LEN];
	vgw_rmap_key(key, m->klen, k);
	*old = vgw_rmap_lookup(m, key, m->klen);
	if (!*old && m->n >= m->cap) {
		snprintf(err, VGW_ERR_LEN, "table full (%u entries)", m->cap);
		return -1;
	}
	uint32_t slot = vgw_rmap_hash(k) >> m->fshift;
	if (!*old) {
		/* the filter first: a reader that finds the key must pass it */
		if (m->fcount[slot] != UINT16_MAX && m->fcount[slot]++ == 0)
			atomic_fetch_or_explicit(&m->fbits[slot >> 6], 1ull << (slot & 63),
						 memory_order_release);
	}
	int rc = rte_hash_add_key_data(m->h, k, obj);
	if (rc < 0) {
		if (!*old)
			filter_put(m, slot);
		snprintf(err, VGW_ERR_LEN, "table full (%u entries): %s", m->cap, rte_strerror(-rc));
		return -1;
	}
	if (!*old)
		m->n++;
	return 0;
}

void *vgw_rmap_del(struct vgw_rmap *m, const void *key)
{
	uint8_t k[VGW_RMAP_KEY_LEN];
	vgw_rmap_key(key, m->klen, k);
	void *obj = vgw_rmap_lookup(m, key, m->klen);
	if (obj && rte_hash_del_key(m->h, k) >= 0) {
		m->n--;
		filter_put(m, vgw_rmap_hash(k) >> m->fshift);
	}
	return obj;
}

int vgw_rmap_next(const struct vgw_rmap *m, uint32_t *next, const void **key, void **obj)
{
	return rte_hash_iterate(m->h, key, obj, next) >= 0;
}
