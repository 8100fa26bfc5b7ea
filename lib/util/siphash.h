/* SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): a keyed hash whose outputs an attacker who does not know the
 * 128-bit key cannot predict, so it cannot aim packets at one Maglev slot or
 * one backend. Pure function, any thread; vgw uses it where a choice must be
 * the same on every gateway node (the key is configured cluster-wide) yet
 * unpredictable from outside. */
#ifndef VGW_SIPHASH_H
#define VGW_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct vgw_siphash_key {
	uint64_t k0, k1; /* the key's bytes 0-7 and 8-15, little-endian */
};

uint64_t vgw_siphash24(const struct vgw_siphash_key *key, const void *data, size_t len);

#endif
