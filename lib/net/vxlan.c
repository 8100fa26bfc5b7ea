/* VXLAN outer headers: see vxlan.h. */
#include "vxlan.h"

#include <string.h>

#include "cksum.h"
#include "ip4.h"

enum vgw_vxlan_err vgw_vxlan_parse(const uint8_t *p, uint32_t len, uint32_t *vni)
{
	if (len < VGW_VXLAN_HLEN)
		return VGW_VXLAN_SHORT;
	if (!(p[0] & VGW_VXLAN_FLAG_I))
		return VGW_VXLAN_NO_I;
	*vni = (uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6];
	return VGW_VXLAN_OK;
}
