/* The log module's state: where lines go (`log syslog on|off`) and the
 * levels set by `log level TYPE LEVEL`, in the order given.
 *
 * One grammar for the startup file and vgwctl: `log level` is a setting
 * (so a level holds from EAL's own lines on, and `show running-config`
 * prints it among the settings) and a command (at run time). Both record
 * the line here; the list is what running-config prints, and replaying it
 * in order gives the same levels. A new line drops the earlier ones it
 * covers (same pattern, or a name its glob matches), so the list stays
 * short whatever a script repeats.
 *
 * When a level takes effect: a command, at once. A setting, after EAL
 * initialisation (the module's init): EAL's `--log-level` options are
 * applied during it and would otherwise override the file's `log level`
 * lines; and DPDK's drivers register their types then. So a startup-file
 * level for a type that exists after EAL is checked there, and one that
 * matches no type stops vgwd.
 *
 * Threads: main thread (settings, init) and slow path (commands). */
#ifndef VGW_LOG_CONF_H
#define VGW_LOG_CONF_H

#include <stdbool.h>

struct vgw_buf;

#define VGW_LOG_MAX_LEVELS 64

struct vgw_log_level_line {
	char pattern[64];
	int level; /* RTE_LOG_EMERG .. RTE_LOG_DEBUG */
};

struct vgw_log_conf {
	bool syslog;
	int n;
	struct vgw_log_level_line lv[VGW_LOG_MAX_LEVELS];
};

extern struct vgw_log_conf vgw_log_conf;

/* Checks a TYPE and a LEVEL word; 0 with *level, or -1 with err (saying
 * what is allowed). */
int vgw_log_parse_level(const char *type, const char *level_word, int *level, char *err);

/* Adds the line to the list (dropping the earlier lines it covers); -1 with
 * err when the list is full. */
int vgw_log_conf_record(const char *pattern, int level, char *err);

/* Sets the level of the types that pattern matches now; -1 with err when
 * none does. */
int vgw_log_apply(const char *pattern, int level, char *err);

/* The startup-file `log` line (settings.h: argv[0] == "log"). */
int vgw_log_setting(int argc, char **argv, char *err);
void vgw_log_settings_reset(void);
/* `log syslog on` when on, then the `log level` lines */
void vgw_log_settings_config(struct vgw_buf *b);

#endif
