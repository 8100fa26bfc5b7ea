/* DIR-24-8 writer: see fib_lpm.h.
 *
 * An entry holds (next hop, depth of the route it came from, valid). A route
 * of depth d owns the entries in its range whose depth is d; it may take over
 * an entry whose depth is <= d (a shorter or no route) and leaves longer ones
 * alone. A tbl24 entry with valid and valid_group set points to a tbl8 group
 * instead; every entry of a group in use has valid_group set, as rte_lpm
 * does. */
#include "fib_lpm.h"

#include <errno.h>

#include <rte_lpm.h>

#include "../core/defer.h"

typedef struct rte_lpm_tbl_entry ent_t;

#define GROUP 256u /* RTE_LPM_TBL8_GROUP_NUM_ENTRIES */

static inline ent_t load(const ent_t *e)
{
	ent_t v;
	__atomic_load(e, &v, __ATOMIC_RELAXED);
	return v;
}

static inline void store(ent_t *e, ent_t v, int order)
{
	__atomic_store(e, &v, order);
}

static inline ent_t route_ent(uint32_t nh, uint8_t depth, bool in_tbl8)
{
	ent_t e = {0};
	e.next_hop = nh;
	e.valid = 1;
	e.valid_group = in_tbl8;
	e.depth = depth;
	return e;
}

/* What a covering route (or none) looks like at one level. */
static inline ent_t cover_ent(const struct vgw_fib_lpm_cover *c, bool in_tbl8)
{
	if (c && c->valid)
		return route_ent(c->nh, c->depth, in_tbl8);
	ent_t e = {0};
	e.valid_group = in_tbl8;
	return e;
}

static inline bool is_group(ent_t e)
{
	return e.valid && e.valid_group;
}

static inline ent_t *group(const struct vgw_fib *fib, uint32_t g)
{
	return &fib->lpm->tbl8[(size_t)g * GROUP];
}

/* Entries [lo, lo + n) of one group: take over those of depth <= depth. */
static void group_add(ent_t *t8, uint32_t lo, uint32_t n, uint32_t nh, uint8_t depth)
{
	ent_t v = route_ent(nh, depth, true);
	for (uint32_t j = lo; j < lo + n; j++) {
		ent_t e = load(&t8[j]);
		if (!e.valid || e.depth <= depth)
			store(&t8[j], v, __ATOMIC_RELAXED);
	}
}

int vgw_fib_lpm_add(struct vgw_fib *fib, uint32_t prefix, uint8_t depth, uint32_t nh)
{
	ent_t *tbl24 = fib->lpm->tbl24;
	if (depth <= 24) {
		uint32_t first = prefix >> 8, n = 1u << (24 - depth);
		ent_t v = route_ent(nh, depth, false);
		for (uint32_t i = first; i < first + n; i++) {
			ent_t e = load(&tbl24[i]);
			if (is_group(e))
				group_add(group(fib, e.next_hop), 0, GROUP, nh, depth);
			else if (!e.valid || e.depth <= depth)
				store(&tbl24[i], v, __ATOMIC_RELAXED);
		}
		return 0;
	}
	uint32_t i = prefix >> 8;
	ent_t e = load(&tbl24[i]);
	uint32_t lo = prefix & 0xff, n = 1u << (32 - depth);
	if (is_group(e)) {
		group_add(group(fib, e.next_hop), lo, n, nh, depth);
		return 0;
	}
	if (fib->n_free_tbl8 == 0)
		return -ENOSPC;
	uint32_t g = fib->free_tbl8[--fib->n_free_tbl8];
	ent_t *t8 = group(fib, g);
	/* the new group starts as a copy of what the /24 resolves to today */
	ent_t fill = e.valid ? route_ent(e.next_hop, e.depth, true) : cover_ent(NULL, true);
	for (uint32_t j = 0; j < GROUP; j++)
		store(&t8[j], fill, __ATOMIC_RELAXED);
	group_add(t8, lo, n, nh, depth);
	ent_t link = {0};
	link.next_hop = g;
	link.valid = 1;
	link.valid_group = 1;
	/* workers follow the link only once the group is complete */
	store(&tbl24[i], link, __ATOMIC_RELEASE);
	return 0;
}

static void group_release(void *obj, uintptr_t g)
{
	struct vgw_fib *fib = obj;
	fib->free_tbl8[fib->n_free_tbl8++] = (uint32_t)g;
}

/* Entries [lo, lo + n) of one group: those of depth `depth` take the cover. */
static void group_del(ent_t *t8, uint32_t lo, uint32_t n, uint8_t depth, ent_t repl)
{
	for (uint32_t j = lo; j < lo + n; j++) {
		ent_t e = load(&t8[j]);
		if (e.valid && e.depth == depth)
			store(&t8[j], repl, __ATOMIC_RELAXED);
	}
}

void vgw_fib_lpm_del(struct vgw_fib *fib, uint32_t prefix, uint8_t depth,
		     const struct vgw_fib_lpm_cover *cover)
{
	ent_t *tbl24 = fib->lpm->tbl24;
	ent_t repl8 = cover_ent(cover, true);
	if (depth <= 24) {
		uint32_t first = prefix >> 8, n = 1u << (24 - depth);
		ent_t repl24 = cover_ent(cover, false);
		for (uint32_t i = first; i < first + n; i++) {
			ent_t e = load(&tbl24[i]);
			if (is_group(e))
				group_del(group(fib, e.next_hop), 0, GROUP, depth, repl8);
			else if (e.valid && e.depth == depth)
				store(&tbl24[i], repl24, __ATOMIC_RELAXED);
		}
		return;
	}
	uint32_t i = prefix >> 8;
	ent_t e = load(&tbl24[i]);
	if (!is_group(e))
		return; /* not in the LPM */
	ent_t *t8 = group(fib, e.next_hop);
	group_del(t8, prefix & 0xff, 1u << (32 - depth), depth, repl8);
	for (uint32_t j = 0; j < GROUP; j++) {
		ent_t x = load(&t8[j]);
		if (x.valid && x.depth > 24)
			return; /* the group still carries a longer prefix */
	}
	/* Only what the /24 itself resolves to is left, the same in every
	 * entry: fold it back into tbl24 and free the group after the workers
	 * that followed the old link are done with it. */
	ent_t x = load(&t8[0]);
	store(&tbl24[i], x.valid ? route_ent(x.next_hop, x.depth, false) : cover_ent(NULL, false),
	      __ATOMIC_RELEASE);
	vgw_defer(group_release, fib, e.next_hop);
}

uint32_t vgw_fib_lpm_tbl8_used(const struct vgw_fib *fib)
{
	return fib->n_tbl8 - fib->n_free_tbl8;
}
