/* The SNAT module's worker side: what the data path asks of the pool
 * addresses (snat.h, RCU-published, read within a burst), the stage and
 * its drop reasons. Other modules' worker code asks through these
 * accessors, never through vgw_snat_main. */
#ifndef VGW_SNAT_DP_H
#define VGW_SNAT_DP_H

#include <stdint.h>

#include "../core/drop.h"
#include "../core/gw.h"
#include "../core/rmap.h"
#include "snat.h"

/* The snat module's drop reasons (data path, per port). */
#define VGW_SNAT_DROPS(X, P) \
	X(P, SNAT_FRAGMENT, "snat_fragment", "IP fragment to or from a SNAT mapping (not reassembled)") \
	X(P, SNAT_L4_SHORT, "snat_l4_short", "TCP/UDP/ICMP header truncated (SNAT)") \
	X(P, SNAT_PROTO_UNSUPPORTED, "snat_proto_unsupported", "SNAT of a protocol other than TCP, UDP and ICMP echo") \
	X(P, SNAT_PORTS_EXHAUSTED, "snat_ports_exhausted", "new SNAT mapping while the VM's pool address has no free port") \
	X(P, SNAT_VM_CAP, "snat_vm_cap", "new SNAT mapping over the pool's max-mappings-per-vm") \
	X(P, SNAT_SESSIONS_FULL, "snat_sessions_full", "new SNAT session or mapping while the worker's table is full") \
	X(P, SNAT_UNSOLICITED, "snat_unsolicited", "inbound to a SNAT address and port no mapping holds") \
	X(P, SNAT_FILTERED, "snat_filtered", "inbound from a remote the mapping never sent to (address-dependent filtering)") \
	X(P, SNAT_ICMP_UNTRANSLATABLE, "snat_icmp_untranslatable", "ICMP error about no SNAT session (or quoting no TCP, UDP or echo request)")

VGW_COUNTER_SET(VGW_SNAT_DROPS, VGW_SNAT_DROP, vgw_snat_drop_base);
#define VGW_SNAT_DROP(id) VGW_COUNTER(vgw_snat_drop_base, VGW_SNAT_DROP, id)

/* What the snat stage is told per packet (struct vgw_pkt out). */
enum vgw_snat_kind {
	VGW_SNAT_OUT = 0,     /* a VM's packet without EIP (vpc-out); arg = VNI */
	VGW_SNAT_IN = 1,      /* to a pool address; obj = the address */
	VGW_SNAT_ICMP_IN = 2, /* an ICMP error to a pool address; obj = the address */
};

/* The pool-address map (keys uint32_t, host order), for bulk lookups
 * (classify) and lookups that share one key hash (anti-spoofing). */
static inline const struct vgw_rmap *vgw_snat_addr_map(void)
{
	return vgw_snat_main->addrs;
}

/* False when ip is certainly no pool address (no table access beyond the
 * map's presence filter). */
static inline bool vgw_snat_may_be_addr(uint32_t ip)
{
	const struct vgw_rmap *m = vgw_snat_main->addrs;
	return m->n && vgw_rmap_may_have(m, &ip, sizeof(ip));
}

static inline const struct vgw_snat_addr *vgw_snat_addr_find(uint32_t ip)
{
	return vgw_rmap_get(vgw_snat_main->addrs, &ip);
}

/* The stage (snat_dp.c): every packet that meets a worker's SNAT state. */
void vgw_snat_stage(struct vgw_worker *w, struct vgw_vec *v);

#endif
