/* The VPC feature's worker side: what the data path may ask of the VPC
 * tables (vpc.h; RCU-published by the slow path, read here within a burst,
 * between two quiescent-state reports), and the VPC's stages. Other modules'
 * worker code asks through these accessors, never through vgw_gw.vpc. */
#ifndef VGW_VPC_DP_H
#define VGW_VPC_DP_H

#include "../core/gw.h"
#include "../core/rmap.h"
#include "vpc.h"

/* The VPC of VNI vni, or NULL (dp/memo.h keeps the answer for a burst). */
static inline const struct vgw_vpc *vgw_vpc_of_vni(uint32_t vni)
{
	return vgw_rmap_get(vgw_gw.vpc->vpc_by_vni, &vni);
}

/* The EIP whose public address is eip (host order), or NULL. */
static inline const struct vgw_eip *vgw_vpc_eip(uint32_t eip)
{
	return vgw_rmap_get(vgw_gw.vpc->eip_by_pub, &eip);
}

/* The public-address map, for bulk lookups (classify) and for lookups that
 * share one key hash with other maps (anti-spoofing). */
static inline const struct vgw_rmap *vgw_vpc_eip_map(void)
{
	return vgw_gw.vpc->eip_by_pub;
}

/* The EIP of VM ip in VPC vni, or NULL. */
static inline const struct vgw_eip *vgw_vpc_eip_of_vm(uint32_t vni, uint32_t ip)
{
	struct vgw_vpc_key k = {.vni = vni, .ip = ip};
	return vgw_rmap_get(vgw_gw.vpc->eip_by_priv, &k);
}

/* The endpoint (VM) ip of VPC vni, or NULL. */
static inline const struct vgw_endpoint *vgw_vpc_endpoint(uint32_t vni, uint32_t ip)
{
	struct vgw_vpc_key k = {.vni = vni, .ip = ip};
	return vgw_rmap_get(vgw_gw.vpc->endpoints, &k);
}

/* A known hypervisor VTEP. */
static inline bool vgw_vpc_is_hv(uint32_t ip)
{
	return vgw_rmap_get(vgw_gw.vpc->hvs, &ip) != NULL;
}

/* The gateway's own VTEP address and VXLAN UDP port (0 when unset). */
static inline void vgw_vpc_vtep(uint32_t *ip, uint16_t *port)
{
	vgw_vtep_get(vgw_gw.vpc, ip, port);
}

/* The stages (vpc/..._dp.c; dp/dp.h has what each is told per packet). */
void vgw_stage_eip_in(struct vgw_worker *w, const struct vgw_vec *v);    /* eip_in_dp.c */
void vgw_stage_vxlan_in(struct vgw_worker *w, const struct vgw_vec *v);  /* vxlan_in_dp.c */
void vgw_stage_vpc_out(struct vgw_worker *w, const struct vgw_vec *v);   /* vxlan_in_dp.c */
void vgw_stage_tunnel_out(struct vgw_worker *w, const struct vgw_vec *v); /* tunnel_dp.c */

#endif
