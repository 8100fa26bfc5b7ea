/* The module table (core/module.h): every feature of vgwd, in start-up
 * order. Adding a module is its folder, its meson file and one line here.
 *
 * Why this order:
 *   core, stats, runtime   commands and settings only
 *   dp                     punt rings and limits before anything punts
 *   neigh, fib, vpc        the tables the commands fill (running-config
 *                          prints them in this order)
 *   lb, conntrack          services need the VPCs; the workers' connection
 *                          tables (fini: destroyed before the services)
 *   xdp                    checks the XDP program before the ports are set up,
 *                          fills its map before they start (its start runs
 *                          before port's), closes after them (fini reversed)
 *   port                   set up at init (the commands may name a port),
 *                          started at start, after everything they feed
 *   host                   taps need the ports' MACs
 *   rtnl, kneigh           kernel routes and neighbours: opened after the
 *                          startup commands (their routes shadow the kernel's)
 *   announce               last up (traffic can be served), first down */
#include <stddef.h>

#include "core/module.h"

#define VGW_MODULES(X)                                                          \
	X(core)                                                                 \
	X(stats)                                                                \
	X(runtime)                                                              \
	X(dp)                                                                   \
	X(neigh)                                                                \
	X(fib)                                                                  \
	X(vpc)                                                                  \
	X(lb)                                                                   \
	X(conntrack)                                                            \
	X(xdp)                                                                  \
	X(port)                                                                 \
	X(host)                                                                 \
	X(rtnl)                                                                 \
	X(kneigh)                                                               \
	X(announce)

/* test builds only: lib/debug and lib/testmod (meson_options.txt) */
#ifdef VGW_TEST_HOOKS
#define VGW_TEST_MODULES(X) X(debug)
#else
#define VGW_TEST_MODULES(X)
#endif

#define DECLARE(name) extern const struct vgw_module vgw_##name##_module;
VGW_MODULES(DECLARE)
VGW_TEST_MODULES(DECLARE)
#undef DECLARE

#define REF(name) &vgw_##name##_module,
const struct vgw_module *const vgw_modules[] = {VGW_MODULES(REF) VGW_TEST_MODULES(REF) NULL};
#undef REF
