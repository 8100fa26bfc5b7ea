/* The log module (core/module.h): the `log-output` setting, the `log level`
 * and `show log` commands (log_conf.h, log_cli.c). The types and the stream
 * are lib/core/log.h; vgwd opens the stream on stderr first thing, and this
 * module moves it to syslog when asked, before EAL (prepare) so that EAL's
 * own lines go there too. */
#include "../cli/cli.h"
#include "../conf/settings.h"
#include "../core/log.h"
#include "../core/module.h"
#include "../util/parse.h"
#include "log_conf.h"

/* log_cli.c */
extern const struct vgw_cmd vgw_log_cmds[];

static const struct vgw_setting settings[] = {{"log-output", vgw_log_setting}, {NULL, NULL}};

static int prepare(char *err)
{
	if (vgw_log_conf.syslog && vgw_log_open(VGW_LOG_SYSLOG) < 0) {
		snprintf(err, VGW_ERR_LEN, "log-output syslog: cannot make the log stream");
		return -1;
	}
	return 0;
}

const struct vgw_module vgw_log_module = {
	.name = "log",
	.cmds = vgw_log_cmds,
	.settings = settings,
	.settings_reset = vgw_log_settings_reset,
	.settings_config = vgw_log_settings_config,
	.prepare = prepare,
	.running_config = vgw_log_running_config,
};
