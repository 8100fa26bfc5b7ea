/* Per-burst lookup memos of a worker: the answers a burst asks for again and
 * again (the VPC of a VNI, the underlay path to a hypervisor VTEP, the MAC
 * of a next hop: a few distinct keys for a burst of 32 packets) are looked
 * up once per burst instead of once per packet.
 *
 * Validity: an entry is tagged with the burst it was filled in (w->burst,
 * bumped by the worker loop before every RX burst and before the rings are
 * drained), and only an entry of the current burst answers. All of one
 * burst runs between two quiescent-state reports, so an RCU pointer kept
 * here (a VPC) cannot be freed while it answers; a value (a MAC) is at most
 * as old as the burst, exactly as if the burst's packets had been looked up
 * at its start. Direct-mapped, 8 ways; a collision just looks up again.
 * Workers only: the memo is part of struct vgw_worker. */
#ifndef VGW_DP_MEMO_H
#define VGW_DP_MEMO_H

#include "../fib/fib_dp.h"
#include "../neigh/neigh_dp.h"
#include "../vpc/vpc_dp.h"
#include "dp.h"

static inline unsigned int vgw_dp_memo_slot(uint32_t key)
{
	return (key * 0x9e3779b1u) >> (32 - 3); /* VGW_MEMO_WAYS = 8 */
}

/* The VPC of vni (NULL if none). */
static inline const struct vgw_vpc *vgw_dp_memo_vpc(struct vgw_worker *w, uint32_t vni)
{
	struct vgw_memo_vpc *c = &w->memo.vpc[vgw_dp_memo_slot(vni)];
	if (c->burst != w->burst || c->vni != vni) {
		c->vpc = vgw_vpc_of_vni(vni);
		c->vni = vni;
		c->burst = w->burst;
	}
	return c->vpc;
}

/* The underlay path to dst (a hypervisor VTEP): false if none. A path that
 * depends on the flow (ECMP) is not memoized. */
static inline bool vgw_dp_memo_path(struct vgw_worker *w, uint32_t dst, uint32_t hash, uint32_t *nh,
				    uint16_t *out)
{
	struct vgw_memo_path *c = &w->memo.path[vgw_dp_memo_slot(dst)];
	if (c->burst == w->burst && c->dst == dst) {
		*nh = c->nh;
		*out = c->out;
		return true;
	}
	const struct vgw_fib_route_target *rt = vgw_fib_lookup(vgw_fib_main, dst);
	if (!rt || !vgw_dp_ip4_path(rt, dst, hash, nh, out))
		return false;
	if (rt->kind == VGW_FIB_RT_CONNECTED || rt->n_paths <= 1) {
		c->dst = dst;
		c->nh = *nh;
		c->out = *out;
		c->burst = w->burst;
	}
	return true;
}

/* The MAC word of next hop nh on port out (vgw_neigh_mac); a miss is not
 * memoized, so the packets waiting for it are each punted as before. */
static inline uint64_t vgw_dp_memo_mac(struct vgw_worker *w, uint32_t nh, uint16_t out)
{
	struct vgw_memo_mac *c = &w->memo.mac[vgw_dp_memo_slot(nh ^ out)];
	if (c->burst == w->burst && c->ip == nh && c->port == out)
		return c->mac;
	uint64_t mac = vgw_neigh_mac(vgw_neigh_main, nh, out);
	if (mac & VGW_NEIGH_MAC_VALID) {
		c->ip = nh;
		c->port = out;
		c->mac = mac;
		c->burst = w->burst;
	}
	return mac;
}

#endif
