/* Worker-side FIB lookup (see fib.h for the publication contract).
 * Runs on workers: no locks, no allocation; acquire loads pair with the slow
 * path's release stores. */
#ifndef VGW_FIB_DP_H
#define VGW_FIB_DP_H

#include <rte_lpm.h>

#include "fib.h"

#define VGW_FIB_BULK_MAX 64

static inline const struct vgw_fib_route_target *vgw_fib_lookup(const struct vgw_fib *fib,
								uint32_t dst)
{
	uint32_t slot;
	if (rte_lpm_lookup(fib->lpm, dst, &slot) != 0) {
		slot = atomic_load_explicit(&fib->default_slot, memory_order_acquire);
		if (slot == VGW_FIB_NO_SLOT)
			return NULL;
	}
	/* NULL while a deleted route's slot waits for its grace period */
	return atomic_load_explicit(&fib->targets[slot], memory_order_acquire);
}

/* n (<= VGW_FIB_BULK_MAX) lookups at once (rte_lpm's bulk lookup interleaves the
 * table reads): out[i] is dst[i]'s target, as vgw_fib_lookup would give. */
static inline void vgw_fib_lookup_bulk(const struct vgw_fib *fib, const uint32_t *dst,
				       unsigned int n, const struct vgw_fib_route_target **out)
{
	uint32_t hop[VGW_FIB_BULK_MAX];
	RTE_ASSERT(n <= VGW_FIB_BULK_MAX);
	rte_lpm_lookup_bulk(fib->lpm, dst, hop, n);
	uint32_t def = atomic_load_explicit(&fib->default_slot, memory_order_acquire);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t slot = hop[i] & RTE_LPM_LOOKUP_SUCCESS ? hop[i] & 0x00ffffff : def;
		out[i] = slot == VGW_FIB_NO_SLOT
				 ? NULL
				 : atomic_load_explicit(&fib->targets[slot], memory_order_acquire);
	}
}

#endif
