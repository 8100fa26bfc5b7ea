/* Start-up settings: the first part of the startup file (see conf/vgw.conf).
 *
 * Settings are lines of the same grammar as commands (words, '#' comments)
 * but only valid in the file, before the first command, because they shape
 * what EAL and the ports are. Each module owns its settings (core/module.h:
 * its `settings` words, parsers, finish, reset and printer) and keeps their
 * values in its own configuration; this file routes a line to the module
 * that owns its first word and runs the other steps over every module. The
 * core's own settings (eal, lcores, control, mbufs) live here too. Nothing
 * here touches DPDK, so it runs before rte_eal_init() and in unit tests.
 * Contract: main thread, before workers exist; every module's configuration
 * is read-only once the settings are finished. */
#ifndef VGW_SETTINGS_H
#define VGW_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/parse.h"
#include "../cli/cli.h"
#include "../core/module.h"

/* EAL words kept from all `eal` lines together (one line holds at most
 * VGW_CLI_MAX_WORDS - 1 of them: several lines may be needed) */
#define VGW_MAX_EAL_ARGS 64

struct vgw_startup {
	char *eal_args[VGW_MAX_EAL_ARGS]; /* strdup'ed words of `eal` lines */
	int n_eal_args;
	/* "FILE:LINE" of the setting line being applied (the loader sets it
	 * around vgw_settings_line), "" otherwise: a setting may keep it to
	 * name its line in errors found later, when the ports start */
	char where[VGW_WHERE_LEN];
};

extern struct vgw_startup vgw_startup;

/* True if the line's first word names a setting. */
bool vgw_settings_is_setting(const char *first_word);

/* The setting word nearest to w within max_dist edits (*dist gets its
 * distance), or NULL: for "did you mean" in the loader's errors. */
const char *vgw_settings_closest(const char *w, unsigned int max_dist, unsigned int *dist);

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

/* For the modules' parsers: v as a number in [min, max] into *out; the
 * error names `what`. 0, or -1 with err. */
int vgw_setting_u32(const char *what, const char *v, uint64_t min, uint64_t max, uint32_t *out,
		    char *err);

/* The core module's part (lib/ctl/core_module.c). */
extern const struct vgw_setting vgw_core_settings[];
int vgw_core_settings_finish(char *err);
void vgw_core_settings_reset(void);
void vgw_core_settings_config(struct vgw_buf *b);

/* Its commands (the *_cli.c files), ended by words == NULL. */
extern const struct vgw_cmd vgw_core_cmds[];

#endif
