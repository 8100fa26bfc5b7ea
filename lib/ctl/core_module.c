/* The core module (core/module.h): the commands every gateway has (help,
 * versions, running-config) and the core's settings (conf/settings.c). */
#include "../cli/cli.h"
#include "../conf/settings.h"
#include "../core/module.h"

const struct vgw_module vgw_core_module = {
	.name = "core",
	.cmds = vgw_core_cmds,
	.settings = vgw_core_settings,
	.settings_finish = vgw_core_settings_finish,
	.settings_reset = vgw_core_settings_reset,
	.settings_config = vgw_core_settings_config,
};
