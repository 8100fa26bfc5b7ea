/* The fib module: the forwarding table, its `route` commands and its size
 * setting (core/module.h). */
#include <stdio.h>
#include <string.h>

#include "../cli/cli.h"
#include "../conf/settings.h"
#include "../core/gw.h"
#include "../core/module.h"
#include "fib.h"
#include "route.h"

struct vgw_fib_conf vgw_fib_conf;

/* fib max-routes N */
static int fib_line(int argc, char **argv, char *err)
{
	if (argc != 3 || strcmp(argv[1], "max-routes") != 0) {
		snprintf(err, VGW_ERR_LEN, "fib: expected 'max-routes N'");
		return -1;
	}
	return vgw_setting_u32("fib max-routes", argv[2], 64, 1u << 24, &vgw_fib_conf.max_routes,
			       err);
}

static const struct vgw_setting settings[] = {{"fib", fib_line}, {NULL, NULL}};

static int fib_settings_finish(char *err)
{
	(void)err;
	if (!vgw_fib_conf.max_routes)
		vgw_fib_conf.max_routes = 65536;
	return 0;
}

static void fib_settings_reset(void)
{
	memset(&vgw_fib_conf, 0, sizeof(vgw_fib_conf));
}

static void fib_settings_config(struct vgw_buf *b)
{
	vgw_buf_printf(b, "fib max-routes %u\n", vgw_fib_conf.max_routes);
}

/* the table, then the port addresses' connected and local routes: the
 * startup commands' routes may go via their subnets */
static int init(char *err)
{
	vgw_gw.fib = vgw_fib_create(vgw_fib_conf.max_routes, vgw_gw.rcu, err);
	if (!vgw_gw.fib)
		return -1;
	return vgw_fib_route_install_connected(err);
}

static void fini(void)
{
	vgw_fib_destroy(vgw_gw.fib);
	vgw_gw.fib = NULL;
}

const struct vgw_module vgw_fib_module = {
	.name = "fib",
	.cmds = vgw_fib_cmds,
	.settings = settings,
	.settings_finish = fib_settings_finish,
	.settings_reset = fib_settings_reset,
	.settings_config = fib_settings_config,
	.running_config = vgw_fib_route_running_config,
	.init = init,
	.fini = fini,
};
