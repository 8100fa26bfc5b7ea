/* Start-up settings: the first part of the startup file (see conf/vgw.conf).
 *
 * Settings are lines of the same grammar as commands (words, '#' comments)
 * but only valid in the file, before the first command, because they shape
 * what EAL and the ports are. vgw_settings_line() validates one line and
 * records it into vgw_gw.set / vgw_gw.ports; nothing here touches DPDK, so it
 * runs before rte_eal_init() and in unit tests.
 * Contract: main thread, before workers exist. */
#ifndef VGW_SETTINGS_H
#define VGW_SETTINGS_H

#include <stdbool.h>

#include "../util/buf.h"
#include "../util/parse.h"

/* EAL words kept from all `eal` lines together (one line holds at most
 * VGW_CLI_MAX_WORDS - 1 of them: several lines may be needed) */
#define VGW_MAX_EAL_ARGS 64

struct vgw_startup {
	char *eal_args[VGW_MAX_EAL_ARGS]; /* strdup'ed words of `eal` lines */
	int n_eal_args;
};

extern struct vgw_startup vgw_startup;

/* True if the line's first word names a setting. */
bool vgw_settings_is_setting(const char *first_word);

/* Applies one setting line given as words. 0, or -1 with err. */
int vgw_settings_line(int argc, char **argv, char *err);

/* Fills defaults and checks the whole set (at least one port...). */
int vgw_settings_finish(char *err);

/* Prints the settings back in startup-file form: text that
 * vgw_load_settings() reads back to the same settings, whose running config
 * is the same text byte for byte (tests/unit/test_conf_gen.c checks it on
 * generated settings). Every line keeps to the loader's limits
 * (VGW_CLI_MAX_WORDS words, VGW_CLI_MAX_LINE - 1 bytes): the EAL words may
 * take several `eal` lines. */
void vgw_settings_running_config(struct vgw_buf *b);

void vgw_settings_reset(void);

#endif
