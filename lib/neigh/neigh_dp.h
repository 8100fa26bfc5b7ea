/* Worker-side neighbour lookup (contract in neigh.h). */
#ifndef VGW_NEIGH_DP_H
#define VGW_NEIGH_DP_H

#include <rte_hash.h>

#include "neigh.h"

/* Returns the MAC word (VGW_NEIGH_MAC_VALID set) or 0 when unresolved. */
static inline uint64_t vgw_neigh_mac(const struct vgw_neigh_table *t, uint32_t ip, uint16_t port)
{
	struct vgw_neigh_key k = {.ip = ip, .port = port, .pad = 0};
	void *data;
	if (rte_hash_lookup_data(t->h, &k, &data) < 0)
		return 0;
	return atomic_load_explicit(&t->e[(uintptr_t)data].mac, memory_order_acquire);
}

#endif
