/* FIB control side: RIB bookkeeping, LPM updates, RCU publication (fib.h). */
#include "fib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lpm.h>
#include <rte_malloc.h>

#include "../core/defer.h"

struct rib_key {
	uint32_t prefix;
	uint8_t len;
	uint8_t pad[3];
};

const char *vgw_route_source_name(uint8_t source)
{
	switch (source) {
	case VGW_RS_LOCAL: return "local";
	case VGW_RS_CONNECTED: return "connected";
	case VGW_RS_STATIC: return "static";
	case VGW_RS_KERNEL: return "kernel";
	}
	return "?";
}

struct vgw_fib *vgw_fib_create(uint32_t max_routes, struct rte_rcu_qsbr *rcu, char *err)
{
	struct vgw_fib *fib = calloc(1, sizeof(*fib));
	if (!fib)
		goto nomem;
	fib->max = max_routes;
	atomic_init(&fib->default_slot, VGW_FIB_NO_SLOT);
	struct rte_lpm_config lc = {
		.max_rules = max_routes,
		.number_tbl8s = max_routes / 16 > 1024 ? max_routes / 16 : 1024,
	};
	fib->lpm = rte_lpm_create("vgw_fib", SOCKET_ID_ANY, &lc);
	if (!fib->lpm) {
		snprintf(err, VGW_ERR_LEN, "cannot create LPM for %u routes: %s", max_routes,
			 rte_strerror(rte_errno));
		goto fail;
	}
	if (rcu) {
		struct rte_lpm_rcu_config rc = {.v = rcu, .mode = RTE_LPM_QSBR_MODE_DQ};
		if (rte_lpm_rcu_qsbr_add(fib->lpm, &rc) != 0) {
			snprintf(err, VGW_ERR_LEN, "cannot attach RCU to the LPM: %s",
				 rte_strerror(rte_errno));
			goto fail;
		}
	}
	struct rte_hash_parameters hp = {
		.name = "vgw_rib",
		.entries = max_routes < 8 ? 8 : max_routes,
		.key_len = sizeof(struct rib_key),
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
	};
	fib->rib = rte_hash_create(&hp);
	fib->targets = rte_zmalloc("vgw_fib_targets", sizeof(*fib->targets) * max_routes, 64);
	fib->routes = calloc(max_routes, sizeof(*fib->routes));
	fib->free_slots = malloc(sizeof(uint32_t) * max_routes);
	if (!fib->rib || !fib->targets || !fib->routes || !fib->free_slots)
		goto nomem;
	for (uint32_t i = 0; i < max_routes; i++)
		fib->free_slots[i] = max_routes - 1 - i;
	fib->n_free = max_routes;
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
	if (fib->targets)
		for (uint32_t i = 0; i < fib->max; i++)
			free(atomic_load(&fib->targets[i]));
	rte_lpm_free(fib->lpm);
	rte_hash_free(fib->rib);
	rte_free(fib->targets);
	free(fib->routes);
	free(fib->free_slots);
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

const struct vgw_route_target *vgw_fib_target(const struct vgw_fib *fib, uint32_t slot)
{
	return atomic_load_explicit(&fib->targets[slot], memory_order_relaxed);
}

static void free_target(void *obj, uintptr_t arg)
{
	(void)arg;
	free(obj);
}

/* Deferred: the target is unreachable and the slot may be reused. */
static void free_target_and_slot(void *obj, uintptr_t arg)
{
	struct vgw_fib *fib = obj;
	uint32_t slot = (uint32_t)arg;
	free(atomic_load_explicit(&fib->targets[slot], memory_order_relaxed));
	atomic_store_explicit(&fib->targets[slot], NULL, memory_order_relaxed);
	fib->free_slots[fib->n_free++] = slot;
}

int vgw_fib_set(struct vgw_fib *fib, uint32_t prefix, uint8_t len, uint8_t source,
		const struct vgw_route_target *t, bool replace, char *err)
{
	char pfx[VGW_PREFIX_STRLEN];
	if (len > 32 || (prefix & ~vgw_prefix_mask(len))) {
		snprintf(err, VGW_ERR_LEN, "invalid prefix %s", vgw_prefix_str(prefix, len, pfx));
		return -1;
	}
	if (t->kind == VGW_RT_VIA && (t->n_paths == 0 || t->n_paths > VGW_ECMP_MAX)) {
		snprintf(err, VGW_ERR_LEN, "a route needs 1 to %d next hops", VGW_ECMP_MAX);
		return -1;
	}
	struct vgw_route_target *nt = malloc(sizeof(*nt));
	if (!nt) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	*nt = *t;

	int slot = vgw_fib_find(fib, prefix, len);
	if (slot >= 0) {
		if (!replace) {
			free(nt);
			snprintf(err, VGW_ERR_LEN, "route %s exists (use 'route replace')",
				 vgw_prefix_str(prefix, len, pfx));
			return -1;
		}
		struct vgw_route_target *old =
			atomic_load_explicit(&fib->targets[slot], memory_order_relaxed);
		atomic_store_explicit(&fib->targets[slot], nt, memory_order_release);
		fib->routes[slot].source = source;
		vgw_defer(free_target, old, 0);
		return 0;
	}
	if (fib->n_free == 0) {
		free(nt);
		snprintf(err, VGW_ERR_LEN, "FIB full (%u routes, see 'fib max-routes')", fib->max);
		return -1;
	}
	uint32_t s = fib->free_slots[fib->n_free - 1];
	/* publish the target before the LPM entry that leads workers to it */
	atomic_store_explicit(&fib->targets[s], nt, memory_order_release);
	int rc = 0;
	if (len == 0)
		atomic_store_explicit(&fib->default_slot, s, memory_order_release);
	else
		rc = rte_lpm_add(fib->lpm, prefix, len, s);
	if (rc != 0) {
		atomic_store_explicit(&fib->targets[s], NULL, memory_order_relaxed);
		free(nt); /* never reachable: the LPM add failed */
		snprintf(err, VGW_ERR_LEN, "cannot add %s to the LPM: %s",
			 vgw_prefix_str(prefix, len, pfx), rte_strerror(-rc));
		return -1;
	}
	struct rib_key k = key_of(prefix, len);
	if (rte_hash_add_key_data(fib->rib, &k, (void *)(uintptr_t)s) < 0) {
		if (len == 0)
			atomic_store_explicit(&fib->default_slot, VGW_FIB_NO_SLOT,
					      memory_order_release);
		else
			rte_lpm_delete(fib->lpm, prefix, len);
		atomic_store_explicit(&fib->targets[s], NULL, memory_order_release);
		vgw_defer(free_target, nt, 0);
		snprintf(err, VGW_ERR_LEN, "RIB full");
		return -1;
	}
	fib->n_free--;
	fib->routes[s] = (struct vgw_route){.prefix = prefix, .len = len, .source = source,
					    .in_use = true};
	fib->n_routes++;
	return 0;
}

int vgw_fib_del(struct vgw_fib *fib, uint32_t prefix, uint8_t len, char *err)
{
	char pfx[VGW_PREFIX_STRLEN];
	int slot = vgw_fib_find(fib, prefix, len);
	if (slot < 0) {
		snprintf(err, VGW_ERR_LEN, "no route %s", vgw_prefix_str(prefix, len, pfx));
		return -1;
	}
	int rc = 0;
	if (len == 0)
		atomic_store_explicit(&fib->default_slot, VGW_FIB_NO_SLOT, memory_order_release);
	else
		rc = rte_lpm_delete(fib->lpm, prefix, len);
	if (rc != 0) {
		snprintf(err, VGW_ERR_LEN, "cannot delete %s from the LPM: %s",
			 vgw_prefix_str(prefix, len, pfx), rte_strerror(-rc));
		return -1;
	}
	struct rib_key k = key_of(prefix, len);
	rte_hash_del_key(fib->rib, &k);
	fib->routes[slot].in_use = false;
	fib->n_routes--;
	/* workers that already matched the old LPM entry still find the target
	 * until the grace period ends; then target and slot are released */
	vgw_defer(free_target_and_slot, fib, (uintptr_t)slot);
	return 0;
}

static const struct vgw_fib *sort_fib;

static int cmp_slot(const void *a, const void *b)
{
	const struct vgw_route *x = &sort_fib->routes[*(const uint32_t *)a];
	const struct vgw_route *y = &sort_fib->routes[*(const uint32_t *)b];
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
