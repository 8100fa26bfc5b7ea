/* The log module's state: where lines go (the setting `log-output
 * stderr|syslog`) and the levels set by `log level TYPE LEVEL`, in the order
 * given.
 *
 * `log level` is a command (vgwctl, and the startup file's command part like
 * any command): it runs after EAL initialisation, so after EAL's own
 * `--log-level` options (which cover what logs during EAL init) and once
 * the drivers registered their types; a TYPE that matches no type is
 * refused (with FILE:LINE in the file). Each accepted line is kept here for
 * `show running-config` (its commands part); replaying the list in order
 * gives the same levels. A new line drops the earlier ones it covers (same
 * pattern, or a name its glob matches), so the list stays short whatever a
 * script repeats.
 *
 * Threads: main thread (settings, startup commands) and slow path
 * (commands). */
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

/* 0 when vgw_log_conf_record(pattern) would succeed, else -1 with err
 * (the list is full). */
int vgw_log_conf_fits(const char *pattern, char *err);
/* Adds the line to the list (dropping the earlier lines it covers); -1 with
 * err, nothing changed, when the list is full. */
int vgw_log_conf_record(const char *pattern, int level, char *err);

/* Sets the level of the types that pattern matches now; -1 with err when
 * none does. */
int vgw_log_apply(const char *pattern, int level, char *err);

/* The startup-file `log-output` line (settings.h: argv[0] == "log-output"). */
int vgw_log_setting(int argc, char **argv, char *err);
/* syslog off (the levels are state, not settings: commands) */
void vgw_log_settings_reset(void);
/* `log-output syslog` when set */
void vgw_log_settings_config(struct vgw_buf *b);
/* the `log level` lines (commands) */
void vgw_log_running_config(struct vgw_buf *b);

#endif
