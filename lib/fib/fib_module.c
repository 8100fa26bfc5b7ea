/* The fib module: the forwarding table, its `route` commands and its size
 * setting (core/module.h). */
#include "../cli/cli.h"
#include "../core/gw.h"
#include "../core/module.h"
#include "fib.h"
#include "route.h"

struct vgw_fib *vgw_fib_main;
struct vgw_fib_conf vgw_fib_conf;

static const struct vgw_setting settings[] = {
	{"fib", .key = "max-routes", .u32 = &vgw_fib_conf.max_routes, .min = 64, .max = 1u << 24,
	 .def = 65536},
	{NULL},
};

/* the table, then the port addresses' connected and local routes: the
 * startup commands' routes may go via their subnets */
static int init(char *err)
{
	vgw_fib_main = vgw_fib_create(vgw_fib_conf.max_routes, vgw_gw.rcu, err);
	if (!vgw_fib_main)
		return -1;
	return vgw_fib_route_install_connected(err);
}

static void fini(void)
{
	vgw_fib_destroy(vgw_fib_main);
	vgw_fib_main = NULL;
}

const struct vgw_module vgw_fib_module = {
	.name = "fib",
	.cmds = vgw_fib_cmds,
	.settings = settings,
	.running_config = vgw_fib_route_running_config,
	.init = init,
	.fini = fini,
};
