/* Startup file loader: settings first, then commands (see conf/vgw.conf).
 * vgw_load_settings() reads the file, applies the settings and keeps the
 * command lines; vgw_load_commands() runs them through the CLI once the
 * tables and ports exist. Errors name FILE:LINE.
 * Contract: main thread at start-up. */
#ifndef VGW_LOADER_H
#define VGW_LOADER_H

#include "../util/parse.h"

/* Starts from no kept command lines: those of an earlier call that were
 * never run are dropped. */
int vgw_load_settings(const char *path, char *err);
int vgw_load_commands(char *err);

/* Drops the kept command lines without running them (a start-up that stops
 * after the settings, tests that only read settings). */
void vgw_load_discard(void);

#endif
