/* The announce module (core/module.h): /32s of the EIPs and VIPs written to
 * the `kernel announce-table` for a routing daemon to advertise. Starts
 * after the ports (traffic can be served), stops first (withdrawn while the
 * workers still serve). */
#include "../cli/cli.h"
#include "../core/module.h"
#include "../ctl/slowpath.h"
#include "announce_ctl.h"
#include "announce_state.h"

static int start(char *err)
{
	return vgw_announce_init(vgw_now_ms(), err);
}

uint16_t vgw_announce_sp_base;
static const struct vgw_counter_desc sp_counters[] = {VGW_ANNOUNCE_COUNTERS(VGW_COUNTER_DESC, _)};

const struct vgw_module vgw_announce_module = {
	.name = "announce",
	.cmds = vgw_announce_cmds,
	.start = start,
	.stop = vgw_announce_stop,
	.fini = vgw_announce_fini,
	.tick = vgw_announce_tick,
	.sp_counters = {sp_counters, VGW_ANNOUNCE_SP_N, &vgw_announce_sp_base},
};
