/* The vpc module: VPCs, endpoints, EIPs and the VTEP, their commands and
 * table sizes (core/module.h). */
#include "../cli/cli.h"
#include "../core/gw.h"
#include "../core/module.h"
#include "vpc.h"
#include "vpc_dp.h"
#include "../trace/trace_dp.h"

struct vgw_vpc_tables *vgw_vpc_main;
struct vgw_vpc_conf vgw_vpc_conf;

static const struct vgw_setting settings[] = {
	{"endpoint-table", .key = "max-entries", .u32 = &vgw_vpc_conf.endpoint_max_entries,
	 .min = 16, .max = 1u << 22, .def = 65536},
	{"eip-table", .key = "max-entries", .u32 = &vgw_vpc_conf.eip_max_entries, .min = 16,
	 .max = 1u << 22, .def = 65536},
	{NULL},
};

static int init(char *err)
{
	vgw_vpc_main = vgw_vpc_create(vgw_vpc_conf.endpoint_max_entries,
				    vgw_vpc_conf.eip_max_entries, vgw_gw.rcu, err);
	/* a traced packet's entry into eip-in names its EIP (trace/trace_dp.h) */
	vgw_trace_describer(VGW_STAGE_EIP_IN, vgw_vpc_trace_eip_in);
	return vgw_vpc_main ? 0 : -1;
}

static void fini(void)
{
	vgw_vpc_destroy(vgw_vpc_main);
	vgw_vpc_main = NULL;
}

uint16_t vgw_vpc_drop_base;
static const struct vgw_counter_desc drops[] = {VGW_VPC_DROPS(VGW_COUNTER_DESC, _)};

const struct vgw_module vgw_vpc_module = {
	.name = "vpc",
	.cmds = vgw_vpc_cmds,
	.names = vgw_vpc_names,
	.settings = settings,
	.running_config = vgw_vpc_running_config,
	.init = init,
	.fini = fini,
	.drops = {drops, VGW_VPC_DROP_N, &vgw_vpc_drop_base},
};
