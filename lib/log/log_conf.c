/* `log` settings and levels: see log_conf.h. */
#include "log_conf.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "../core/log.h"
#include "../util/buf.h"
#include "../util/parse.h"

struct vgw_log_conf vgw_log_conf;

int vgw_log_parse_level(const char *type, const char *level_word, int *level, char *err)
{
	if (vgw_log_check_pattern(type, err) < 0)
		return -1;
	int l = vgw_log_level_parse(level_word);
	if (l < 0) {
		snprintf(err, VGW_ERR_LEN, "bad log level '%.32s': expected %s", level_word,
			 VGW_LOG_LEVELS);
		return -1;
	}
	*level = l;
	return 0;
}

/* a glob over an earlier line's name (vgw.* over vgw.lb) sets what that
 * line set, later: the earlier line says nothing any more */
static bool covers(const char *pattern, const char *earlier)
{
	return strcmp(earlier, pattern) == 0 || fnmatch(pattern, earlier, 0) == 0;
}

int vgw_log_conf_fits(const char *pattern, char *err)
{
	int kept = 0;
	for (int i = 0; i < vgw_log_conf.n; i++)
		kept += !covers(pattern, vgw_log_conf.lv[i].pattern);
	if (kept < VGW_LOG_MAX_LEVELS)
		return 0;
	snprintf(err, VGW_ERR_LEN,
		 "too many log level lines (%d): use a pattern (vgw.*) for several types",
		 VGW_LOG_MAX_LEVELS);
	return -1;
}

int vgw_log_conf_record(const char *pattern, int level, char *err)
{
	struct vgw_log_conf *c = &vgw_log_conf;
	if (vgw_log_conf_fits(pattern, err) < 0)
		return -1;
	int kept = 0;
	for (int i = 0; i < c->n; i++)
		if (!covers(pattern, c->lv[i].pattern))
			c->lv[kept++] = c->lv[i];
	c->n = kept;
	snprintf(c->lv[c->n].pattern, sizeof(c->lv[c->n].pattern), "%s", pattern);
	c->lv[c->n].level = level;
	c->n++;
	return 0;
}

int vgw_log_apply(const char *pattern, int level, char *err)
{
	int n = vgw_log_set_level(pattern, level);
	if (n < 0) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	if (n == 0) {
		snprintf(err, VGW_ERR_LEN,
			 "no log type matches '%s' (`show log all` lists them)", pattern);
		return -1;
	}
	return 0;
}

int vgw_log_setting(int argc, char **argv, char *err)
{
	if (argc != 2 || (strcmp(argv[1], "stderr") != 0 && strcmp(argv[1], "syslog") != 0)) {
		snprintf(err, VGW_ERR_LEN, "log-output: expected stderr or syslog");
		return -1;
	}
	vgw_log_conf.syslog = strcmp(argv[1], "syslog") == 0;
	return 0;
}

void vgw_log_settings_reset(void)
{
	vgw_log_conf.syslog = false;
}

void vgw_log_settings_config(struct vgw_buf *b)
{
	if (vgw_log_conf.syslog)
		vgw_buf_puts(b, "log-output syslog\n");
}

void vgw_log_running_config(struct vgw_buf *b)
{
	for (int i = 0; i < vgw_log_conf.n; i++)
		vgw_buf_printf(b, "log level %s %s\n", vgw_log_conf.lv[i].pattern,
			       vgw_log_level_name(vgw_log_conf.lv[i].level));
}
