/* Commands of the followed kernel table (rtnl_follow.h, krib.h). */
#include "../cli/cli.h"
#include "rtnl_follow.h"

static int cmd_show_kernel_routes(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	vgw_rtnl_format(ctx->f);
	return 0;
}

static int cmd_kernel_routes_resync(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return vgw_rtnl_resync(ctx->err);
}

const struct vgw_cmd vgw_rtnl_cmds[] = {
	{"show kernel-routes", "",
	 "the followed kernel table: routes installed, shadowed, refused by reason, resyncs", 0, 0,
	 cmd_show_kernel_routes},
	{"kernel-routes resync", "", "dump the followed kernel table again (mark and sweep)", 0, 0,
	 cmd_kernel_routes_resync},
	{NULL, NULL, NULL, 0, 0, NULL},
};
