/* FIB control side: RIB bookkeeping, slots, publication (fib.h). The LPM
 * tables are written by fib_lpm.c, shared targets live in fib_target.c. */
#include "fib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lpm.h>
#include <rte_malloc.h>

#include "../core/defer.h"
#include "fib_lpm.h"
#include "fib_target.h"

struct rib_key {
	uint32_t prefix;
	uint8_t len;
	uint8_t pad[3];
};

const char *vgw_fib_route_source_name(uint8_t source)
{
	switch (source) {
	case VGW_FIB_RS_LOCAL: return "local";
	case VGW_FIB_RS_CONNECTED: return "connected";
	case VGW_FIB_RS_STATIC: return "static";
	case VGW_FIB_RS_KERNEL: return "kernel";
	}
	return "?";
}

/* One tbl8 group (1 KiB) per 16 routes of capacity: a /25-/32 needs the
 * group of its /24, shared with the other long prefixes of that /24. A real
 * Internet table has a few thousand such /24s; our own addresses take one
 * each (local /32 inside a connected subnet). */
static uint32_t tbl8_groups(uint32_t max_routes)
{
	return max_routes / 16 > 1024 ? max_routes / 16 : 1024;
}

struct vgw_fib *vgw_fib_create(uint32_t max_routes, struct rte_rcu_qsbr *rcu, char *err)
{
	(void)rcu; /* reclamation goes through vgw_defer (core/defer.h) */
	struct vgw_fib *fib = calloc(1, sizeof(*fib));
	if (!fib)
		goto nomem;
	fib->max = max_routes;
	atomic_init(&fib->default_slot, VGW_FIB_NO_SLOT);
	fib->n_tbl8 = tbl8_groups(max_routes);
	/* max_rules: rte_lpm's own rule array is never used (fib_lpm.h) */
	struct rte_lpm_config lc = {.max_rules = 1, .number_tbl8s = fib->n_tbl8};
	fib->lpm = rte_lpm_create("vgw_fib", SOCKET_ID_ANY, &lc);
	if (!fib->lpm) {
		snprintf(err, VGW_ERR_LEN, "cannot create LPM for %u routes: %s", max_routes,
			 rte_strerror(rte_errno));
		goto fail;
	}
	struct rte_hash_parameters hp = {
		.name = "vgw_rib",
		.entries = max_routes < 8 ? 8 : max_routes,
		.key_len = sizeof(struct rib_key),
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
		/* never refuse a key while fewer than `entries` are stored */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	fib->rib = rte_hash_create(&hp);
	fib->targets = rte_zmalloc("vgw_fib_targets", sizeof(*fib->targets) * max_routes, 64);
	fib->routes = calloc(max_routes, sizeof(*fib->routes));
	fib->free_slots = malloc(sizeof(uint32_t) * max_routes);
	fib->free_tbl8 = malloc(sizeof(uint32_t) * fib->n_tbl8);
	fib->tgts = vgw_fib_targets_create();
	if (!fib->rib || !fib->targets || !fib->routes || !fib->free_slots || !fib->free_tbl8 ||
	    !fib->tgts)
		goto nomem;
	for (uint32_t i = 0; i < max_routes; i++)
		fib->free_slots[i] = max_routes - 1 - i;
	fib->n_free = max_routes;
	for (uint32_t i = 0; i < fib->n_tbl8; i++)
		fib->free_tbl8[i] = fib->n_tbl8 - 1 - i;
	fib->n_free_tbl8 = fib->n_tbl8;
	return fib;
nomem:
	snprintf(err, VGW_ERR_LEN, "out of memory creating a FIB of %u routes", max_routes);
fail:
	vgw_fib_destroy(fib);
	return NULL;
}

void vgw_fib_destroy(struct vgw_fib *fib)
{
	if (!fib)
		return;
	vgw_fib_targets_destroy(fib->tgts);
	rte_lpm_free(fib->lpm);
	rte_hash_free(fib->rib);
	rte_free(fib->targets);
	free(fib->routes);
	free(fib->free_slots);
	free(fib->free_tbl8);
	free(fib);
}

static struct rib_key key_of(uint32_t prefix, uint8_t len)
{
	struct rib_key k;
	memset(&k, 0, sizeof(k));
	k.prefix = prefix;
	k.len = len;
	return k;
}

int vgw_fib_find(const struct vgw_fib *fib, uint32_t prefix, uint8_t len)
{
	struct rib_key k = key_of(prefix, len);
	void *data;
	if (rte_hash_lookup_data(fib->rib, &k, &data) < 0)
		return -1;
	return (int)(uintptr_t)data;
}

const struct vgw_fib_route_target *vgw_fib_target(const struct vgw_fib *fib, uint32_t slot)
{
	return atomic_load_explicit(&fib->targets[slot], memory_order_relaxed);
}

void vgw_fib_set_proto(struct vgw_fib *fib, uint32_t slot, uint8_t proto)
{
	fib->routes[slot].proto = proto;
}

/* Deferred: no worker can reach the slot any more; it may be reused. */
static void release_slot(void *obj, uintptr_t arg)
{
	struct vgw_fib *fib = obj;
	uint32_t slot = (uint32_t)arg;
	atomic_store_explicit(&fib->targets[slot], NULL, memory_order_relaxed);
	fib->free_slots[fib->n_free++] = slot;
}

/* The longest route strictly shorter than len covering prefix (depth >= 1:
 * the default route is not in the LPM). */
static struct vgw_fib_lpm_cover cover_of(const struct vgw_fib *fib, uint32_t prefix, uint8_t len)
{
	for (int l = len - 1; l >= 1; l--) {
		int s = vgw_fib_find(fib, prefix & vgw_prefix_mask((uint8_t)l), (uint8_t)l);
		if (s >= 0)
			return (struct vgw_fib_lpm_cover){.valid = true, .depth = (uint8_t)l,
						      .nh = (uint32_t)s};
	}
	return (struct vgw_fib_lpm_cover){.valid = false};
}

static void set_source(struct vgw_fib *fib, uint32_t slot, uint8_t source)
{
	fib->n_by_source[fib->routes[slot].source]--;
	fib->routes[slot].source = source;
	fib->routes[slot].proto = 0;
	fib->n_by_source[source]++;
}

int vgw_fib_set(struct vgw_fib *fib, uint32_t prefix, uint8_t len, uint8_t source,
		const struct vgw_fib_route_target *t, bool replace, char *err)
{
	char pfx[VGW_PREFIX_STRLEN];
	if (len > 32 || (prefix & ~vgw_prefix_mask(len)) || source > VGW_FIB_RS_KERNEL) {
		snprintf(err, VGW_ERR_LEN, "invalid prefix %s", vgw_prefix_str(prefix, len, pfx));
		return -EINVAL;
	}
	if (t->kind == VGW_FIB_RT_VIA && (t->n_paths == 0 || t->n_paths > VGW_FIB_ECMP_MAX)) {
		snprintf(err, VGW_ERR_LEN, "a route needs 1 to %d next hops", VGW_FIB_ECMP_MAX);
		return -EINVAL;
	}
	int slot = vgw_fib_find(fib, prefix, len);
	if (slot >= 0 && !replace) {
		snprintf(err, VGW_ERR_LEN, "route %s exists (use 'route replace')",
			 vgw_prefix_str(prefix, len, pfx));
		return -EEXIST;
	}
	if (slot < 0 && fib->n_free == 0) {
		snprintf(err, VGW_ERR_LEN, "FIB full (%u routes, see 'fib max-routes')", fib->max);
		return -ENOSPC;
	}
	const struct vgw_fib_route_target *nt = vgw_fib_target_hold(fib, t);
	if (!nt) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return -ENOMEM;
	}
	if (slot >= 0) {
		const struct vgw_fib_route_target *old =
			atomic_load_explicit(&fib->targets[slot], memory_order_relaxed);
		atomic_store_explicit(&fib->targets[slot], (struct vgw_fib_route_target *)nt,
				      memory_order_release);
		set_source(fib, (uint32_t)slot, source);
		vgw_fib_target_release(fib, old); /* freed after a grace period if last */
		return 0;
	}
	uint32_t s = fib->free_slots[fib->n_free - 1];
	struct rib_key k = key_of(prefix, len);
	if (rte_hash_add_key_data(fib->rib, &k, (void *)(uintptr_t)s) < 0) {
		vgw_fib_target_release(fib, nt);
		snprintf(err, VGW_ERR_LEN, "RIB full");
		return -ENOSPC;
	}
	/* publish the target before the LPM entries that lead workers to it */
	atomic_store_explicit(&fib->targets[s], (struct vgw_fib_route_target *)nt,
			      memory_order_release);
	int rc = 0;
	if (len == 0)
		atomic_store_explicit(&fib->default_slot, s, memory_order_release);
	else
		rc = vgw_fib_lpm_add(fib, prefix, len, s);
	if (rc != 0) {
		/* never reachable: nothing in the LPM leads to slot s */
		rte_hash_del_key(fib->rib, &k);
		atomic_store_explicit(&fib->targets[s], NULL, memory_order_relaxed);
		vgw_fib_target_release(fib, nt);
		snprintf(err, VGW_ERR_LEN, "FIB full: no free tbl8 group for %s (%u groups)",
			 vgw_prefix_str(prefix, len, pfx), fib->n_tbl8);
		return rc;
	}
	fib->n_free--;
	fib->routes[s] = (struct vgw_fib_route){.prefix = prefix, .len = len, .source = source,
					    .in_use = true};
	fib->n_by_source[source]++;
	fib->n_routes++;
	return 0;
}

int vgw_fib_del(struct vgw_fib *fib, uint32_t prefix, uint8_t len, char *err)
{
	char pfx[VGW_PREFIX_STRLEN];
	int slot = vgw_fib_find(fib, prefix, len);
	if (slot < 0) {
		snprintf(err, VGW_ERR_LEN, "no route %s", vgw_prefix_str(prefix, len, pfx));
		return -ENOENT;
	}
	if (len == 0) {
		atomic_store_explicit(&fib->default_slot, VGW_FIB_NO_SLOT, memory_order_release);
	} else {
		struct vgw_fib_lpm_cover c = cover_of(fib, prefix, len);
		vgw_fib_lpm_del(fib, prefix, len, &c);
	}
	struct rib_key k = key_of(prefix, len);
	rte_hash_del_key(fib->rib, &k);
	fib->routes[slot].in_use = false;
	fib->n_by_source[fib->routes[slot].source]--;
	fib->n_routes--;
	/* workers that already matched the old LPM entry still find the target
	 * until the grace period ends; then the slot is released (and the
	 * target freed, if this was its last route) */
	vgw_fib_target_release(fib, atomic_load_explicit(&fib->targets[slot],
							 memory_order_relaxed));
	vgw_defer(release_slot, fib, (uintptr_t)slot);
	return 0;
}

static const struct vgw_fib *sort_fib;

static int cmp_slot(const void *a, const void *b)
{
	const struct vgw_fib_route *x = &sort_fib->routes[*(const uint32_t *)a];
	const struct vgw_fib_route *y = &sort_fib->routes[*(const uint32_t *)b];
	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	return (int)x->len - (int)y->len;
}

uint32_t *vgw_fib_sorted(const struct vgw_fib *fib, uint32_t *n)
{
	uint32_t *v = malloc(sizeof(uint32_t) * (fib->n_routes + 1));
	if (!v)
		return NULL;
	uint32_t k = 0;
	for (uint32_t i = 0; i < fib->max && k < fib->n_routes; i++)
		if (fib->routes[i].in_use)
			v[k++] = i;
	sort_fib = fib;
	qsort(v, k, sizeof(uint32_t), cmp_slot);
	*n = k;
	return v;
}

void vgw_fib_summary(const struct vgw_fib *fib, struct vgw_fib_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->routes = fib->n_routes;
	s->max = fib->max;
	memcpy(s->by_source, fib->n_by_source, sizeof(s->by_source));
	s->targets = vgw_fib_targets_count(fib);
	s->tbl8_used = vgw_fib_lpm_tbl8_used(fib);
	s->tbl8_max = fib->n_tbl8;
	/* what the sizes imply, not an allocator's measurement (rte_hash's
	 * own layout is estimated at its key slots plus one 64-byte bucket per
	 * 8 entries) */
	uint64_t max = fib->max;
	s->bytes = sizeof(struct rte_lpm) + (uint64_t)fib->n_tbl8 * 256 * 4 +
		   max * (sizeof(*fib->targets) + sizeof(*fib->routes) + sizeof(uint32_t)) +
		   (uint64_t)fib->n_tbl8 * sizeof(uint32_t) + max * (sizeof(struct rib_key) + 16) +
		   max / 8 * 64 +
		   (uint64_t)s->targets * (sizeof(struct vgw_fib_route_target) + 16);
}
