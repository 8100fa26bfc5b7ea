/* The xdp module: AF_XDP ports' program and steering map (core/module.h).
 * In the table before the port module: the program is checked before the
 * ports are set up (init), and the map is filled before they start
 * (start); torn down after the ports are closed (fini runs in reverse). */
#include <stdio.h>
#include <string.h>

#include "../cli/cli.h"
#include "../conf/settings.h"
#include "../core/gw.h"
#include "../core/module.h"
#include "../ctl/slowpath.h"
#include "xdp_ctl.h"
#include "xdp_port.h"

struct vgw_xdp_conf vgw_xdp_conf;

/* xdp program PATH: the XDP object AF_XDP ports load (default: vgw_xdp.o
 * next to vgwd, else where `ninja install` put it). */
static int xdp_line(int argc, char **argv, char *err)
{
	if (argc != 3 || strcmp(argv[1], "program") != 0) {
		snprintf(err, VGW_ERR_LEN, "xdp: expected 'program PATH'");
		return -1;
	}
	/* devargs hold it with the rest of the af_xdp options: keep room */
	if (argv[2][0] != '/' || strlen(argv[2]) >= sizeof(vgw_xdp_conf.program) - 96 ||
	    strchr(argv[2], ',')) {
		snprintf(err, VGW_ERR_LEN,
			 "xdp program: an absolute path of under %zu bytes without ','",
			 sizeof(vgw_xdp_conf.program) - 96);
		return -1;
	}
	snprintf(vgw_xdp_conf.program, sizeof(vgw_xdp_conf.program), "%s", argv[2]);
	return 0;
}

static const struct vgw_setting settings[] = {{"xdp", xdp_line}, {NULL, NULL}};

static void xdp_settings_reset(void)
{
	memset(&vgw_xdp_conf, 0, sizeof(vgw_xdp_conf));
}

static void xdp_settings_config(struct vgw_buf *b)
{
	if (vgw_xdp_conf.program[0])
		vgw_buf_printf(b, "xdp program %s\n", vgw_xdp_conf.program);
}

/* the ports are set up (port module's init) and the startup commands
 * applied: record the attachment, steer the configuration's addresses */
static int start(char *err)
{
	if (vgw_xdp_started(err) < 0)
		return -1;
	return vgw_xdp_map_init(vgw_now_ms(), err);
}

static void stop(uint64_t now)
{
	(void)now;
	vgw_xdp_map_stop();
}

/* after the PMD's own detach (the port module's fini): anything it left
 * (a port that failed half-way) goes too */
static void fini(void)
{
	vgw_xdp_map_fini();
	vgw_xdp_close();
}

const struct vgw_module vgw_xdp_module = {
	.name = "xdp",
	.cmds = vgw_xdp_cmds,
	.settings = settings,
	.settings_reset = xdp_settings_reset,
	.settings_config = xdp_settings_config,
	.init = vgw_xdp_prepare,
	.start = start,
	.stop = stop,
	.fini = fini,
	.tick = vgw_xdp_map_tick,
};
