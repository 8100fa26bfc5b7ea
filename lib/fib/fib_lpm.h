/* Writing the FIB's DIR-24-8 lookup tables (part of the FIB, see fib.h).
 *
 * Workers look up with rte_lpm_lookup() (fib_dp.h), which reads the public
 * tables of struct rte_lpm: tbl24 (one entry per /24) and tbl8 groups (256
 * entries, for /24s that hold longer prefixes). We do not fill them with
 * rte_lpm_add()/rte_lpm_delete(): rte_lpm keeps its rules in one array per
 * depth and scans it linearly on every add and delete, so loading a table is
 * quadratic — 200,000 prefixes took 13.6 s and 20,000 deletes 1.9 s on the
 * test machine, a full table several minutes. The FIB already has a RIB
 * (the (prefix, len) -> slot hash), which answers the one question an update
 * needs — the longest route covering a deleted prefix — in at most 31
 * lookups. So these functions write the entries themselves, exactly as
 * rte_lpm's own writer would (same bit layout and depth rules, single 32-bit
 * atomic stores, a new tbl8 group filled before the tbl24 entry that points
 * to it is published with release semantics), and nobody calls rte_lpm's
 * control functions on this LPM. A tbl8 group that is no longer needed is
 * unlinked at once and returned to the free stack after an RCU grace period.
 * Contract: slow path only. Depth 1-32 (the default route lives outside the
 * LPM, see fib.h). */
#ifndef VGW_FIB_LPM_H
#define VGW_FIB_LPM_H

#include <stdbool.h>
#include <stdint.h>

#include "fib.h"

/* The longest route covering a prefix, or none (valid false). */
struct vgw_fib_lpm_cover {
	bool valid;
	uint8_t depth;
	uint32_t nh; /* its slot */
};

/* Points prefix/depth at nh wherever no longer prefix does. The prefix must
 * not be in the LPM yet. Returns 0, or -ENOSPC when it needs a tbl8 group
 * and none is free (nothing written). */
int vgw_fib_lpm_add(struct vgw_fib *fib, uint32_t prefix, uint8_t depth, uint32_t nh);
/* Removes prefix/depth: its entries take the covering route's value. */
void vgw_fib_lpm_del(struct vgw_fib *fib, uint32_t prefix, uint8_t depth,
		     const struct vgw_fib_lpm_cover *cover);
/* tbl8 groups not free (in use, or waiting for a grace period). */
uint32_t vgw_fib_lpm_tbl8_used(const struct vgw_fib *fib);

#endif
