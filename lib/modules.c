/* The module table (core/module.h): every feature of vgwd, in start-up
 * order, as listed in modules.list (and modules-test.list in test builds).
 * Adding a module is its folder, its meson.build and one line there.
 *
 * Why this order:
 *   core, stats, runtime   commands and settings only
 *   log                    right after core: its prepare moves the log to
 *                          syslog (when asked) before the others' prepare
 *                          and EAL log
 *   dp                     punt rings and limits before anything punts
 *   trace                  its records and mbuf flag before any worker runs
 *   neigh, fib, vpc        the tables the commands fill (running-config
 *                          prints them in this order)
 *   lb, conntrack          services need the VPCs; the workers' connection
 *                          tables (fini: destroyed before the services)
 *   snat                   pools and bindings refer to VPCs (running-config
 *                          prints them after); the workers' engines and the
 *                          handoff kinds exist before the startup commands
 *   xdp                    checks the XDP program before the ports are set up,
 *                          fills its map before they start (its start runs
 *                          before port's), closes after them (fini reversed)
 *   port                   set up at init (the commands may name a port),
 *                          started at start, after everything they feed
 *   host                   taps need the ports' MACs
 *   rtnl, kneigh           kernel routes and neighbours: opened after the
 *                          startup commands (their routes shadow the kernel's)
 *   announce               last up (traffic can be served), first down
 *   metrics                the Prometheus endpoint: reads what all the others
 *                          count, serves from the slow path */
#include <stddef.h>

#include "core/module.h"

#define DECLARE(folder, name) extern const struct vgw_module vgw_##name##_module;
#define X DECLARE
#include "modules.list"
#ifdef VGW_TEST_HOOKS
#include "modules-test.list"
#endif
#undef X

#define REF(folder, name) &vgw_##name##_module,
#define X REF
const struct vgw_module *const vgw_modules[] = {
#include "modules.list"
#ifdef VGW_TEST_HOOKS
#include "modules-test.list"
#endif
	NULL,
};
#undef X
