/* The slow path: the main lcore's epoll loop. It owns every configuration
 * write. Each turn it waits up to 1 ms for the control socket, a module's
 * descriptor (core/module.h: fd) or a signal, then drains the workers' punt
 * rings into the modules' punt handlers, serves control requests a client's
 * per-turn quota left waiting, runs every module's poll (no sleep while any
 * of these has work left) and, every 100 ms, every module's tick and the
 * RCU reclamation. At SIGINT or SIGTERM it runs the modules' stop hooks (in
 * reverse table order; the workers still run) and returns. */
#ifndef VGW_SLOWPATH_H
#define VGW_SLOWPATH_H

#include <stdint.h>

#include "../util/parse.h"

/* Signals must be blocked (in every thread) before this is called. */
int vgw_slowpath_run(char *err);

uint64_t vgw_now_ms(void);

/* The timers, every 100 ms: every module's tick in table order, then the RCU
 * reclamation (the loop calls it; tests too). */
void vgw_slowpath_tick(uint64_t now_ms);


#endif
