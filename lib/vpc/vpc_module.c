/* The vpc module: VPCs, endpoints, EIPs and the VTEP, their commands and
 * table sizes (core/module.h). */
#include <stdio.h>
#include <string.h>

#include "../cli/cli.h"
#include "../conf/settings.h"
#include "../core/gw.h"
#include "../core/module.h"
#include "vpc.h"
#include "vpc_dp.h"

struct vgw_vpc_conf vgw_vpc_conf;

static int endpoint_line(int argc, char **argv, char *err)
{
	return vgw_setting_max_entries(argc, argv, 16, 1u << 22, &vgw_vpc_conf.endpoint_max_entries,
				       err);
}

static int eip_line(int argc, char **argv, char *err)
{
	return vgw_setting_max_entries(argc, argv, 16, 1u << 22, &vgw_vpc_conf.eip_max_entries,
				       err);
}

static const struct vgw_setting settings[] = {
	{"endpoint-table", endpoint_line},
	{"eip-table", eip_line},
	{NULL, NULL},
};

static int vpc_settings_finish(char *err)
{
	(void)err;
	if (!vgw_vpc_conf.endpoint_max_entries)
		vgw_vpc_conf.endpoint_max_entries = 65536;
	if (!vgw_vpc_conf.eip_max_entries)
		vgw_vpc_conf.eip_max_entries = 65536;
	return 0;
}

static void vpc_settings_reset(void)
{
	memset(&vgw_vpc_conf, 0, sizeof(vgw_vpc_conf));
}

static void vpc_settings_config(struct vgw_buf *b)
{
	vgw_buf_printf(b, "endpoint-table max-entries %u\n", vgw_vpc_conf.endpoint_max_entries);
	vgw_buf_printf(b, "eip-table max-entries %u\n", vgw_vpc_conf.eip_max_entries);
}

static int init(char *err)
{
	vgw_gw.vpc = vgw_vpc_create(vgw_vpc_conf.endpoint_max_entries,
				    vgw_vpc_conf.eip_max_entries, vgw_gw.rcu, err);
	return vgw_gw.vpc ? 0 : -1;
}

static void fini(void)
{
	vgw_vpc_destroy(vgw_gw.vpc);
	vgw_gw.vpc = NULL;
}

uint16_t vgw_vpc_drop_base;
static const struct vgw_counter_desc drops[] = {VGW_VPC_DROPS(VGW_COUNTER_DESC)};

const struct vgw_module vgw_vpc_module = {
	.name = "vpc",
	.cmds = vgw_vpc_cmds,
	.settings = settings,
	.settings_finish = vpc_settings_finish,
	.settings_reset = vpc_settings_reset,
	.settings_config = vpc_settings_config,
	.running_config = vgw_vpc_running_config,
	.init = init,
	.fini = fini,
	.drops = {drops, VGW_VPC_DROP_N, &vgw_vpc_drop_base},
};
