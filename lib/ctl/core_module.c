/* The core module (core/module.h): the commands every gateway has (help,
 * versions, running-config), the core's settings (conf/settings.c) and
 * counters (core/drop.h: the data path's own drop reasons, the control
 * socket's counters). */
#include "../cli/cli.h"
#include "../conf/settings.h"
#include "../core/drop.h"
#include "../core/module.h"

/* First in the table: its counters' bases are 0, so their indexes are the
 * constants of core/drop.h (vgw_counters_register checks it). */
static uint16_t drop_base, sp_base;
static const struct vgw_counter_desc drops[] = {VGW_DROP_REASONS(VGW_COUNTER_DESC, _)};
static const struct vgw_counter_desc sp_counters[] = {VGW_SP_COUNTERS(VGW_COUNTER_DESC, _)};

const struct vgw_module vgw_core_module = {
	.name = "core",
	.cmds = vgw_core_cmds,
	.settings = vgw_core_settings,
	.settings_finish = vgw_core_settings_finish,
	.settings_reset = vgw_core_settings_reset,
	.settings_config = vgw_core_settings_config,
	.drops = {drops, VGW_DROP_CORE_N, &drop_base},
	.sp_counters = {sp_counters, VGW_SP_CORE_N, &sp_base},
};
