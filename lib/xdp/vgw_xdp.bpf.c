/* vgw's XDP program: steer the gateway's traffic to vgwd, pass the rest.
 *
 * Attached (by DPDK's af_xdp PMD, devarg xdp_prog) to an interface the
 * kernel keeps. For each IPv4 frame it looks up (ingress ifindex, destination
 * address) in the pinned steering map (xdp_abi.h); a hit is redirected to the
 * AF_XDP socket of the receiving queue, everything else — ARP, IPv6, the
 * host's own SSH, BGP and ping — goes on to the kernel untouched. VTEP
 * entries steer only UDP to the VXLAN port, so the VTEP may be the host's
 * own address.
 *
 * A hit whose queue has no vgwd socket (vgwd stopped, or the NIC has more
 * queues than vgwd binds) falls back to XDP_PASS: the kernel sees it, as it
 * would without the program, and the no_socket counter says so.
 *
 * Built by meson with clang for the bpf target (-g: libbpf needs the BTF
 * of the map definitions). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xdp_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VGW_XDP_ADDRS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vgw_xdp_key);
	__type(value, struct vgw_xdp_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vgw_xdp_addrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, VGW_XDP_QUEUES_MAX);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VGW_XDP_ST_MAX);
	__type(key, __u32);
	__type(value, __u64);
} vgw_xdp_stats SEC(".maps");

static __always_inline int count(__u32 idx, int verdict)
{
	__u64 *c = bpf_map_lookup_elem(&vgw_xdp_stats, &idx);
	if (c)
		*c += 1;
	return verdict;
}

SEC("xdp")
int vgw_xdp_steer(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return count(VGW_XDP_ST_SHORT, XDP_PASS);
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return count(VGW_XDP_ST_PASS, XDP_PASS);
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return count(VGW_XDP_ST_SHORT, XDP_PASS);

	struct vgw_xdp_key k = {.ifindex = ctx->ingress_ifindex, .addr = ip->daddr};
	struct vgw_xdp_val *v = bpf_map_lookup_elem(&vgw_xdp_addrs, &k);
	if (!v)
		return count(VGW_XDP_ST_PASS, XDP_PASS);

	if (!(v->kind & (VGW_XDP_EIP | VGW_XDP_VIP))) {
		/* VTEP only: UDP to the VXLAN port, first fragment or whole */
		if (ip->protocol != IPPROTO_UDP || (ip->frag_off & bpf_htons(0x1fff)))
			return count(VGW_XDP_ST_PASS, XDP_PASS);
		__u32 ihl = ip->ihl * 4u;
		if (ihl < sizeof(*ip))
			return count(VGW_XDP_ST_SHORT, XDP_PASS);
		struct udphdr *udp = (void *)ip + ihl;
		if ((void *)(udp + 1) > end)
			return count(VGW_XDP_ST_SHORT, XDP_PASS);
		if (udp->dest != v->vxlan_port)
			return count(VGW_XDP_ST_PASS, XDP_PASS);
	}
	/* the fallback action (low bits of flags) is taken when the queue has
	 * no socket */
	long rc = bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
	if (rc == XDP_REDIRECT)
		return count(VGW_XDP_ST_REDIRECT, XDP_REDIRECT);
	return count(VGW_XDP_ST_NO_SOCKET, (int)rc);
}

char _license[] SEC("license") = "Dual BSD/GPL";
