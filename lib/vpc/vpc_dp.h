/* The VPC feature's worker side: what the data path may ask of the VPC
 * tables (vpc.h; RCU-published by the slow path, read here within a burst,
 * between two quiescent-state reports), and the VPC's stages. Other modules'
 * worker code asks through these accessors, never through vgw_vpc_main. */
#ifndef VGW_VPC_DP_H
#define VGW_VPC_DP_H

#include <stdint.h>

#include "../core/drop.h"
#include "../core/gw.h"
#include "../core/rmap.h"
#include "vpc.h"

/* The vpc module's drop reasons (data path, per port) (core/drop.h): VGW_VPC_DROP(x)
 * is x's index in the dense array once registered. */
#define VGW_VPC_DROPS(X, P) \
	X(P, VXLAN_MALFORMED, "vxlan_malformed", "UDP/VXLAN header short or inconsistent") \
	X(P, VXLAN_OUTER_FRAGMENT, "vxlan_outer_fragment", "fragmented outer VXLAN packet") \
	X(P, VXLAN_UNKNOWN_VTEP, "vxlan_unknown_vtep", "VXLAN from an address that is no configured VTEP") \
	X(P, VXLAN_NO_I_FLAG, "vxlan_no_i_flag", "VXLAN I flag clear (no valid VNI)") \
	X(P, VXLAN_UNKNOWN_VNI, "vxlan_unknown_vni", "VNI of no configured VPC") \
	X(P, VXLAN_INNER_NOT_IPV4, "vxlan_inner_not_ipv4", "inner frame short or not IPv4") \
	X(P, VXLAN_INNER_WRONG_MAC, "vxlan_inner_wrong_mac", "inner destination MAC is not the VPC gateway's") \
	X(P, VXLAN_SRC_NOT_ENDPOINT, "vxlan_src_not_endpoint", "inner source is no endpoint of the VNI") \
	X(P, VXLAN_SRC_WRONG_VTEP, "vxlan_src_wrong_vtep", "inner source lives behind another VTEP") \
	X(P, VPC_NO_EIP, "vpc_no_eip", "outbound from an endpoint without an EIP") \
	X(P, VTEP_NOT_CONFIGURED, "vtep_not_configured", "EIP traffic while the gateway has no VTEP") \
	X(P, EIP_NO_ENDPOINT, "eip_no_endpoint", "inbound to an EIP whose private address has no endpoint") \
	X(P, VXLAN_MTU_EXCEEDED, "vxlan_mtu_exceeded", "encapsulated packet over the underlay MTU (ICMP sent if DF)") \
	X(P, NAT_ICMP_UNTRANSLATABLE, "nat_icmp_untranslatable", "ICMP error whose quoted packet does not match the mapping")

VGW_COUNTER_SET(VGW_VPC_DROPS, VGW_VPC_DROP, vgw_vpc_drop_base);
#define VGW_VPC_DROP(id) VGW_COUNTER(vgw_vpc_drop_base, VGW_VPC_DROP, id)

/* The VPC of VNI vni, or NULL (dp/memo.h keeps the answer for a burst). */
static inline const struct vgw_vpc *vgw_vpc_of_vni(uint32_t vni)
{
	return vgw_rmap_get(vgw_vpc_main->vpc_by_vni, &vni);
}

/* The EIP whose public address is eip (host order), or NULL. */
static inline const struct vgw_vpc_eip *vgw_vpc_eip_find(uint32_t eip)
{
	return vgw_rmap_get(vgw_vpc_main->eip_by_pub, &eip);
}

/* The public-address map, for bulk lookups (classify) and for lookups that
 * share one key hash with other maps (anti-spoofing). */
static inline const struct vgw_rmap *vgw_vpc_eip_map(void)
{
	return vgw_vpc_main->eip_by_pub;
}

/* The EIP of VM ip in VPC vni, or NULL. */
static inline const struct vgw_vpc_eip *vgw_vpc_eip_of_vm(uint32_t vni, uint32_t ip)
{
	struct vgw_vpc_key k = {.vni = vni, .ip = ip};
	return vgw_rmap_get(vgw_vpc_main->eip_by_priv, &k);
}

/* The endpoint (VM) ip of VPC vni, or NULL. */
static inline const struct vgw_vpc_endpoint *vgw_vpc_endpoint_find(uint32_t vni, uint32_t ip)
{
	struct vgw_vpc_key k = {.vni = vni, .ip = ip};
	return vgw_rmap_get(vgw_vpc_main->endpoints, &k);
}

/* A known hypervisor VTEP. */
static inline bool vgw_vpc_is_hv(uint32_t ip)
{
	return vgw_rmap_get(vgw_vpc_main->hvs, &ip) != NULL;
}

/* The gateway's own VTEP address and VXLAN UDP port (0 when unset). */
static inline void vgw_vpc_vtep(uint32_t *ip, uint16_t *port)
{
	vgw_vpc_vtep_get(vgw_vpc_main, ip, port);
}

/* Decapsulated packets that are not a VM's own traffic (vxlan-in).
 *
 * vxlan-in owns the rule; another module claims what it needs by handing
 * vxlan-in its tables once, so that vpc never asks that module (the lb:
 * its backends' replies to clients, and the answers to its health probes,
 * which the slow path sent through tunnel-out). After the checks and
 * decapsulation, a TCP or UDP packet (not a fragment, ports present):
 *   - from no (VNI, source, source port, protocol) in `ports`: the VM's
 *     own, to vpc-out;
 *   - else to an address in `answer_addrs` (the gateway's own, where the
 *     probes leave from): the answer to a probe if it is TCP with ACK, a
 *     whole header, to a port in [answer_port, answer_port + answer_ports):
 *     punted for `answer_punt` with priv.vni set; anything else dropped for
 *     `answer_drop`;
 *   - else to stage `stage`, told out = `kind`, arg = the VNI.
 * ports: keys struct vgw_vpc_port_key (vpc.h); answer_addrs: keys uint32_t (host
 * order); only presence counts. Both stay the same objects, whose owner
 * changes their contents under RCU, from vgw_vpc_claim_set() until the
 * next call.
 *
 * Threads: set on the main thread (init, fini) while no worker runs; the
 * workers read it without synchronisation. */

struct vgw_vpc_claim {
	const struct vgw_rmap *ports;
	const struct vgw_rmap *answer_addrs;
	enum vgw_stage stage;
	uint16_t kind;
	uint16_t answer_port, answer_ports;
	enum vgw_punt_reason answer_punt;
	int answer_drop; /* its index once the counters are registered */
};

/* Where vpc-out sends a VM's packet when the VM has no EIP: `stage` (another
 * module's: the NAT gateway's), told out = kind, arg = the VNI; that stage
 * counts vpc_no_eip for a VM it cannot serve either. VGW_STAGE_N (the
 * default): dropped here, vpc_no_eip. Main thread, while no worker runs
 * (module init and fini); workers read it without synchronisation. */
void vgw_vpc_no_eip_set(enum vgw_stage stage, uint16_t kind); /* vxlan_in_dp.c */

/* Claims (a copy of *c), or gives back the claim (c NULL: every
 * decapsulated packet is the VM's own). vxlan_in_dp.c. */
void vgw_vpc_claim_set(const struct vgw_vpc_claim *c);

/* The stages (vpc/..._dp.c; dp/dp.h has what each is told per packet). */
void vgw_vpc_stage_eip_in(struct vgw_worker *w, const struct vgw_vec *v);    /* eip_in_dp.c */
/* eip_in_dp.c: the EIP a packet entering eip-in was sent to, for the trace
 * (trace/trace_dp.h vgw_trace_describer) */
void vgw_vpc_trace_eip_in(const struct vgw_pkt *p, char *note, size_t n);
void vgw_vpc_stage_vxlan_in(struct vgw_worker *w, const struct vgw_vec *v);  /* vxlan_in_dp.c */
void vgw_vpc_stage_vpc_out(struct vgw_worker *w, const struct vgw_vec *v);   /* vxlan_in_dp.c */
void vgw_vpc_stage_tunnel_out(struct vgw_worker *w, const struct vgw_vec *v); /* tunnel_dp.c */

#endif
