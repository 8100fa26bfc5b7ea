/* Test hook: make a worker hang on purpose (built only with
 * `meson -Dtest_hooks=true`, which defines VGW_TEST_HOOKS; release builds
 * contain neither the command nor the check in the worker loop).
 *
 * `debug worker-stall WORKER MS` (stall_cli.c, slow path) stores MS into
 * vgw_debug_stall_ms[WORKER]. That worker reads its slot once per loop; when
 * it is non-zero the worker clears it and spins for MS milliseconds without
 * polling its queues and without reporting an RCU quiescent state: to the
 * announce watch (announce/announce_watch.h) it looks exactly like a hung
 * worker, and the defer queue frees nothing meanwhile. The spin ends early
 * when vgwd stops.
 *
 * Contract: the slow path writes a slot (relaxed store: the value is all
 * there is to publish), only its worker reads and clears it (exchange). */
#ifndef VGW_DEBUG_STALL_H
#define VGW_DEBUG_STALL_H

#ifdef VGW_TEST_HOOKS

#include <stdatomic.h>
#include <stdint.h>

#include <rte_cycles.h>

#include "../core/gw.h"
#include "../cli/cli.h"

#define VGW_DEBUG_STALL_MAX_MS 60000

extern _Atomic uint32_t vgw_debug_stall_ms[VGW_MAX_WORKERS];

/* Called by worker idx once per loop. */
static inline void vgw_debug_stall_point(unsigned int idx)
{
	if (likely(atomic_load_explicit(&vgw_debug_stall_ms[idx], memory_order_relaxed) == 0))
		return;
	uint32_t ms = atomic_exchange_explicit(&vgw_debug_stall_ms[idx], 0, memory_order_relaxed);
	uint64_t end = rte_rdtsc() + rte_get_tsc_hz() / 1000 * ms;
	while (rte_rdtsc() < end && !atomic_load_explicit(&vgw_gw.stop, memory_order_relaxed))
		rte_pause();
}

/* Its commands (stall_cli.c), ended by words == NULL. */
extern const struct vgw_cmd vgw_debug_cmds[];

#endif /* VGW_TEST_HOOKS */

#endif
