/* The module table: how a feature plugs into vgwd.
 *
 * A module (port, fib, neigh, vpc, lb, host, announce, rtnl, xdp, ...) is a
 * folder of lib/ that describes itself once, in a `const struct vgw_module`:
 * its commands, its startup-file settings, its running-config sections, its
 * start-up and shut-down steps, its slow-path timer, file descriptor and punt
 * handlers, and its counters. lib/modules.list lists every module, one line
 * each, in order; lib/modules.c makes the array of it (vgw_modules) and
 * lib/meson.build builds each one's folder. The central code is loops over
 * it:
 *
 *   conf/settings.c   a setting line goes to the module that owns its first
 *                     word; finish, reset and the settings' running config
 *                     run over every module
 *   cli/cli.c         the commands are every module's `cmds`
 *   ctl/core_cli.c    show running-config: every module's `running_config`
 *   app/vgwd/main.c   prepare, init, start and fini, in table order (fini in
 *                     reverse)
 *   ctl/slowpath.c    fds, poll, tick, punt handlers and stop
 *   stats, telemetry  drop reasons and slow-path counters
 *
 * Order: the array's order is the start-up order. Phases, each a pass over
 * the whole table:
 *   settings    the startup file's settings lines (main thread, before EAL;
 *               unit tests run it without DPDK), then settings_finish
 *   prepare     before EAL: may read the kernel (interface MTUs)
 *   init        after EAL and the shared state (core/gw.h: workers, RCU,
 *               pool, rings): tables, ports, taps. Before the startup
 *               commands, which may name what init made.
 *   start       after the startup commands, before the workers run: what
 *               must see the configuration (kernel routes that static ones
 *               shadow, the XDP map before traffic, ports started)
 *   stop        slow path, at SIGTERM, in reverse order: the workers still
 *               run (withdraw announcements before traffic stops)
 *   fini        main thread, workers gone, in reverse order; must accept a
 *               module whose init failed or never ran
 * Every hook may be NULL. A hook that fails writes err and returns -1: vgwd
 * prints it and exits non-zero (fini still runs for every module).
 *
 * Threads: the table is constant; hooks run on the main thread or the slow
 * path as said above, never on a worker.
 *
 * Not in the table (yet): a module's data-path stages (enum vgw_stage,
 * core/runtime.h; dp/dispatch_dp.c calls them) and the punt reasons (the
 * data path's own enum, gw.h: each has its ring and limit per worker; a
 * module names the reasons it serves in `punts`). */
#ifndef VGW_MODULE_H
#define VGW_MODULE_H

#include <stdbool.h>
#include <stdint.h>

struct vgw_buf;
struct vgw_cmd;
struct vgw_cli_names;
struct rte_mbuf;

/* One startup-file setting: lines whose first word is `word`, either
 *   - parsed by `parse`, which gets the whole line as words (argv[0] ==
 *     word; 0, or -1 with err), the module printing, defaulting and
 *     resetting it (settings_config, settings_finish, settings_reset); or
 *   - a number, `word key N` (`word N` when key is NULL) in [min, max] into
 *     *u32, which conf/settings.c parses, sets to `def` when the file left
 *     it out (0: stays 0, "computed"), resets and prints back (when not 0):
 *     the grammar of table sizes and the like, written once.
 * A word may have several number entries (one per key); a word's lines that
 * match none of them go to its entry with a parse function, if any. */
struct vgw_setting {
	const char *word;
	int (*parse)(int argc, char **argv, char *err);
	const char *key;
	uint32_t *u32;
	uint32_t min, max, def;
	const char *arg; /* the value's name in messages ("PPS"); NULL: "N" */
};

/* A packet the workers punted for a reason this module serves (gw.h enum
 * vgw_punt_reason); fn consumes m. Slow path. */
struct vgw_punt_handler {
	int reason;
	void (*fn)(struct rte_mbuf *m, uint64_t now_ms);
};

/* A counter of a module's set: its name (stats, JSON and telemetry key) and
 * what it counts. */
struct vgw_counter_desc {
	const char *name;
	const char *help;
};

/* A module's counters: n names; *base is their first index in the dense
 * array (per port drops: struct vgw_port_stats; slow path: vgw_gw.sp_stats),
 * set once by vgw_counters_register() (core/drop.c) before anything counts. */
struct vgw_counter_set {
	const struct vgw_counter_desc *desc;
	uint16_t n;
	uint16_t *base;
};

struct vgw_module {
	const char *name;
	const struct vgw_cmd *cmds;         /* ended by words == NULL; or NULL */
	const struct vgw_setting *settings; /* ended by word == NULL; or NULL */
	/* object names for completion (cli/cli.h); ended by placeholder == NULL */
	const struct vgw_cli_names *names;
	/* defaults for what the file left unset, checks of the whole set */
	int (*settings_finish)(char *err);
	/* back to "nothing set" (unit tests load several files) */
	void (*settings_reset)(void);
	/* the settings in startup-file form: text that loads back to the same
	 * settings (tests/unit/test_conf_gen.c) */
	void (*settings_config)(struct vgw_buf *b);
	/* the commands that rebuild the module's state (show running-config) */
	void (*running_config)(struct vgw_buf *b);
	/* mbufs the module may hold at once (rings, queues): the pool is their
	 * sum (unless `mbufs N` says); asked after init's shared state */
	uint32_t (*mbufs)(void);
	int (*prepare)(char *err);
	int (*init)(char *err);
	int (*start)(char *err);
	void (*stop)(uint64_t now_ms);
	void (*fini)(void);
	/* slow path, every 100 ms */
	void (*tick)(uint64_t now_ms);
	/* slow path: a descriptor to wait on (-1: none now), asked once when
	 * the loop starts; poll runs every turn, ready when the descriptor
	 * became readable; true when work is left (the loop does not sleep) */
	int (*fd)(void);
	bool (*poll)(bool ready, uint64_t now_ms);
	const struct vgw_punt_handler *punts; /* ended by fn == NULL; or NULL */
	struct vgw_counter_set drops;       /* data path, per port */
	struct vgw_counter_set sp_counters; /* slow path */
};

/* The table (lib/modules.c), ended by NULL. */
extern const struct vgw_module *const vgw_modules[];

#define VGW_FOREACH_MODULE(m)                                                  \
	for (const struct vgw_module *const *m##_it = vgw_modules, *m;         \
	     (m = *m##_it) != NULL; m##_it++)

#endif
