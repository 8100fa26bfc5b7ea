/* Maglev consistent hashing (Eisenbud et al., NSDI 2016), weighted.
 *
 * A lookup table of M slots (M prime) maps a flow hash to a backend:
 * backend = table[hash % M]. The table is a pure function of the set of
 * (key, weight) pairs — not of their order — so every gateway node that has
 * the same backends builds the same table and picks the same backend for a
 * flow. Each backend walks its own permutation of the slots (offset and skip
 * from its key) and claims free slots in turns proportional to its weight;
 * removing one backend frees only its slots plus a small share of others.
 * Pure, allocation only in vgw_lb_maglev_build (slow path). */
#ifndef VGW_LB_MAGLEV_H
#define VGW_LB_MAGLEV_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/siphash.h"

#define VGW_LB_MAGLEV_NONE 0xffffu /* slot of a table with no usable backend */
#define VGW_LB_MAGLEV_DEFAULT_M 65537u
#define VGW_LB_MAGLEV_MAX_M 1048573u /* largest prime below 2^20 */
#define VGW_LB_MAGLEV_MAX_BACKENDS 0xfffeu

struct vgw_lb_maglev_backend {
	uint64_t key;    /* stable identity (e.g. VNI, IP, port) */
	uint32_t weight; /* 0 = gets no slot (down or draining) */
};

bool vgw_lb_is_prime(uint32_t m);

/* Fills table[0..m-1] with indexes into b. m must be prime, n at most
 * VGW_LB_MAGLEV_MAX_BACKENDS, keys distinct. Returns the number of backends with
 * a weight (0: every slot is VGW_LB_MAGLEV_NONE), -1 on bad arguments or OOM. */
int vgw_lb_maglev_build(const struct vgw_lb_maglev_backend *b, uint32_t n, uint32_t m,
			uint16_t *table);

/* A flow's place in the table: SipHash-2-4 of its 5-tuple (host order)
 * under key, the cluster-wide `maglev key`. Every gateway node with the same
 * key and backends picks the same backend for a flow; without the key
 * nobody can aim flows at one slot or backend. Called for new flows only. */
uint32_t vgw_lb_maglev_flow_hash(const struct vgw_siphash_key *key, uint32_t src, uint32_t dst,
				 uint16_t sport, uint16_t dport, uint8_t proto);

/* The key used when none is configured: public, so predictable (vgwd warns). */
extern const struct vgw_siphash_key vgw_lb_maglev_default_key;

static inline uint16_t vgw_lb_maglev_pick(const uint16_t *table, uint32_t m, uint32_t hash)
{
	return table[hash % m];
}

#endif
