/* testmod: a module that exists to prove the module table (test builds
 * only, lib/modules-test.list). It is registered by one line there and
 * edits no other file, yet has what a feature has: a startup setting
 * (`testmod-greeting WORD`), commands (`testmod add|del NAME`, `show
 * testmod`), a running-config section, start/stop hooks, a timer (an added
 * item is ready after VGW_TESTMOD_AGE ticks, each counted), a drop reason
 * and a slow-path counter (tests/unit/test_modules.c and the
 * pkt scenario module-table check each of them through the generic code).
 *
 * Threads: everything here runs on the main thread (settings, hooks) or the
 * slow path (commands, tick); no worker reads it. Its drop reason is
 * registered but no data path counts it (a module's stages are its own
 * code, outside the table). */
#ifndef VGW_TESTMOD_H
#define VGW_TESTMOD_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/drop.h"

#define VGW_TESTMOD_ITEMS 8
/* timer ticks an item waits before it is ready (each counted) */
#define VGW_TESTMOD_AGE 3
#define VGW_TESTMOD_NAME_LEN 32

#define VGW_TESTMOD_DROPS(X, P) X(P, DROPPED, "testmod_dropped", "test module: never counted")
#define VGW_TESTMOD_COUNTERS(X, P) X(P, TICKS, "testmod_ticks", "test module: ticks an item waited")

VGW_COUNTER_SET(VGW_TESTMOD_DROPS, VGW_TESTMOD_DROP, vgw_testmod_drop_base);
#define VGW_TESTMOD_DROP(id) VGW_COUNTER(vgw_testmod_drop_base, VGW_TESTMOD_DROP, id)
VGW_COUNTER_SET(VGW_TESTMOD_COUNTERS, VGW_TESTMOD_SP, vgw_testmod_sp_base);
#define VGW_TESTMOD_SP(id) VGW_COUNTER(vgw_testmod_sp_base, VGW_TESTMOD_SP, id)

/* Its state, for the tests: the setting, the items, what the hooks saw. */
struct vgw_testmod {
	char greeting[VGW_TESTMOD_NAME_LEN];
	struct vgw_testmod_item {
		char name[VGW_TESTMOD_NAME_LEN];
		uint8_t left; /* ticks until ready */
	} items[VGW_TESTMOD_ITEMS];
	int n_items;
	uint64_t ticks; /* every tick */
	bool started, stopped;
};
extern struct vgw_testmod vgw_testmod;

#endif
