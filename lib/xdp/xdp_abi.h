/* The contract between vgw's XDP program (vgw_xdp.bpf.c, in the kernel) and
 * vgwd (xdp_ctl.c, xdp_port.c). Included by both: only kernel UAPI types.
 *
 * Steering map (VGW_XDP_ADDRS_MAP): which destination addresses, on which
 * interface, belong to the gateway. A BPF hash pinned by name under the
 * bpffs root (libbpf LIBBPF_PIN_BY_NAME), so every interface the program is
 * attached to shares one map and vgwd can open it by path. Keyed by
 * (ingress ifindex, address) so that two vgwd processes on one host, each
 * owning its own interfaces, never touch each other's entries. (Ifindexes
 * are per network namespace: vgwd processes in different namespaces must
 * not share one bpffs mount; under `ip netns exec` each has its own.)
 *   writer: vgwd's slow path only (xdp_ctl.c), from its configuration: EIPs
 *           and VIP addresses on public ports, the VTEP (with its UDP port)
 *           on underlay ports; cleared of the interface's entries at start
 *           and at stop.
 *   reader: the XDP program, per packet (lock-free BPF hash lookup).
 *
 * Socket map (xsks_map, the name DPDK's af_xdp PMD looks for): receive
 * queue -> AF_XDP socket; one per attachment, filled by the PMD.
 *
 * Counters (VGW_XDP_STATS_MAP): per-CPU array, one per attachment, not
 * pinned; vgwd finds it through the attached program's map ids. */
#ifndef VGW_XDP_ABI_H
#define VGW_XDP_ABI_H

#include <linux/types.h>

#define VGW_XDP_PIN_ROOT "/sys/fs/bpf"
#define VGW_XDP_ADDRS_MAP "vgw_xdp_addrs"
#define VGW_XDP_STATS_MAP "vgw_xdp_stats"
/* the program's name as the kernel reports it (bpf_prog_info.name, at most
 * 15 characters): how vgwd recognises its own program left behind by a
 * crash */
#define VGW_XDP_PROG_NAME "vgw_xdp_steer"
/* addresses over all interfaces of the host (the map is allocated on
 * demand: BPF_F_NO_PREALLOC) */
#define VGW_XDP_ADDRS_MAX (1u << 20)
#define VGW_XDP_QUEUES_MAX 64

struct vgw_xdp_key {
	__u32 ifindex; /* the receiving interface */
	__u32 addr;    /* IPv4 destination, network order */
};

/* kind bits: what the address is; traffic is steered when any bit matches */
#define VGW_XDP_EIP 0x1  /* every IPv4 packet to it */
#define VGW_XDP_VIP 0x2  /* every IPv4 packet to it */
#define VGW_XDP_VTEP 0x4 /* UDP to vxlan_port only: the rest (SSH, BGP, ping
			  * to the host's own address) stays with the kernel */

struct vgw_xdp_val {
	__u8 kind;
	__u8 pad;
	__u16 vxlan_port; /* network order; VTEP only */
};

/* per-CPU counters, by index */
#define VGW_XDP_STATS(X)                                                        \
	X(REDIRECT, "redirect", "steered to vgwd's AF_XDP socket")             \
	X(PASS, "pass", "not the gateway's: passed to the kernel")             \
	X(NO_SOCKET, "no_socket", "the gateway's, but no vgwd socket on the receiving queue: passed") \
	X(SHORT, "short", "headers shorter than they claim: passed")

#define VGW_X_ENUM(id, name, help) VGW_XDP_ST_##id,
enum vgw_xdp_stat { VGW_XDP_STATS(VGW_X_ENUM) VGW_XDP_ST_MAX };
#undef VGW_X_ENUM

#endif
