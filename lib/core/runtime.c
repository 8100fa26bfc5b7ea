/* Stage names of runtime.h. */
#include "runtime.h"

const char *const vgw_stage_names[VGW_STAGE_N] = {
	[VGW_STAGE_CLASSIFY] = "classify",	 [VGW_STAGE_VXLAN_IN] = "vxlan-in",
	[VGW_STAGE_VPC_OUT] = "vpc-out", [VGW_STAGE_SNAT] = "snat",	 [VGW_STAGE_IP4_ROUTE] = "ip4-route",
	[VGW_STAGE_IP4_LOCAL] = "ip4-local",	 [VGW_STAGE_LB] = "lb",
	[VGW_STAGE_EIP_IN] = "eip-in",		 [VGW_STAGE_IP4_FORWARD] = "ip4-forward",
	[VGW_STAGE_TUNNEL_OUT] = "tunnel-out",	 [VGW_STAGE_ICMP_ERROR] = "icmp-error",
	[VGW_STAGE_ETH_OUT] = "eth-out",
};
