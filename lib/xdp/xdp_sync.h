/* Keeping the pinned steering map equal to a wanted set (pure logic).
 *
 * The slow path (xdp_ctl.c) builds the wanted entries from the configuration
 * every tick; vgw_xdp_sync_apply() compares them with what the map is known
 * to hold (`have`, both sorted by key) and issues only the differences
 * through `ops` (bpf_map_update_elem / _delete_elem in vgwd, fakes in the
 * unit tests). A refused update leaves the key out of `have` (or at its old
 * value), a refused delete leaves it in: the next call retries exactly
 * those. An audit replaces `have` with what the map really holds
 * (vgw_xdp_sync_reset), so a change made behind vgwd's back is repaired by
 * the next apply.
 *
 * Contract: slow path only; no DPDK call; allocation only to grow `have`. */
#ifndef VGW_XDP_SYNC_H
#define VGW_XDP_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdp_abi.h"

struct vgw_xdp_entry {
	struct vgw_xdp_key k;
	struct vgw_xdp_val v;
};

struct vgw_xdp_sync_ops {
	/* 0 or -errno */
	int (*update)(void *ctx, const struct vgw_xdp_entry *e);
	int (*del)(void *ctx, const struct vgw_xdp_key *k);
};

struct vgw_xdp_sync {
	struct vgw_xdp_entry *have; /* sorted by key */
	size_t n_have, cap;
	uint64_t updates, deletes, errors; /* requests the map took / refused */
	uint32_t failed;                   /* differences the last apply left */
	int last_err;                      /* errno of the last refusal, 0 if none */
};

/* Sorts e by key and merges entries of one key (kinds ORed, the VTEP's UDP
 * port kept). Returns the new count. */
size_t vgw_xdp_normalize(struct vgw_xdp_entry *e, size_t n);
/* true when want (normalized) equals have. */
bool vgw_xdp_sync_same(const struct vgw_xdp_sync *s, const struct vgw_xdp_entry *want,
		       size_t n);
/* Applies want - have. Returns the number of differences left (refused
 * requests), or -1 when memory ran out (nothing changed). */
long vgw_xdp_sync_apply(struct vgw_xdp_sync *s, const struct vgw_xdp_entry *want, size_t n,
			const struct vgw_xdp_sync_ops *ops, void *ctx);
/* `have` := e (normalized by the call). Returns how many keys differ from
 * the previous `have` (drift the next apply repairs), -1 when out of memory. */
long vgw_xdp_sync_reset(struct vgw_xdp_sync *s, struct vgw_xdp_entry *e, size_t n);
void vgw_xdp_sync_free(struct vgw_xdp_sync *s);

int vgw_xdp_key_cmp(const struct vgw_xdp_key *a, const struct vgw_xdp_key *b);

#endif
