/* Worker-side FIB lookup (see fib.h for the publication contract).
 * Runs on workers: no locks, no allocation; acquire loads pair with the slow
 * path's release stores. */
#ifndef VGW_FIB_DP_H
#define VGW_FIB_DP_H

#include <rte_lpm.h>

#include "fib.h"

static inline const struct vgw_route_target *vgw_fib_lookup(const struct vgw_fib *fib,
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

#endif
