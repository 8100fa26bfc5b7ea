/* The dispatcher: runs the stages over their vectors until every vector is
 * empty (dp.h has the model). Runs on workers.
 *
 * The stage of the lowest non-empty vector runs next (enum vgw_stage order,
 * core/runtime.h): the common paths only ever push to later stages, so each
 * stage runs once a burst with every packet it will get; a packet sent back
 * to an earlier stage (an ICMP error or an echo reply to ip4-route) makes
 * that stage run again. eth-out comes last and therefore sees the whole
 * burst's output at once. Each call costs one TSC read, charged to the
 * stage in the worker's run-time counters (`show runtime`). */
#include "dp.h"

#include "../lb/lb_dp.h"
#include "../snat/snat_dp.h"
#include "../vpc/vpc_dp.h"

static inline void account(struct vgw_worker *w, enum vgw_stage s, uint32_t n, uint64_t *t)
{
	uint64_t now = rte_rdtsc();
	struct vgw_stage_rt *rt = &w->rt.stage[s];
	rt->calls++;
	rt->pkts += n;
	rt->cycles += now - *t;
	*t = now;
}

void vgw_dp_stage(struct vgw_worker *w, enum vgw_stage s)
{
	struct vgw_vec *v = &w->vec[s];
	if (unlikely(w->trace_on))
		vgw_trace_stage(w, s, v);
	/* a stage never pushes to itself: its vector is stable while it runs */
	switch (s) {
	case VGW_STAGE_VXLAN_IN: vgw_vpc_stage_vxlan_in(w, v); break;
	case VGW_STAGE_VPC_OUT: vgw_vpc_stage_vpc_out(w, v); break;
	case VGW_STAGE_SNAT: vgw_snat_stage(w, v); break;
	case VGW_STAGE_IP4_ROUTE: vgw_dp_stage_ip4_route(w, v); break;
	case VGW_STAGE_IP4_LOCAL: vgw_dp_stage_ip4_local(w, v); break;
	case VGW_STAGE_LB: vgw_lb_stage(w, v); break;
	case VGW_STAGE_EIP_IN: vgw_vpc_stage_eip_in(w, v); break;
	case VGW_STAGE_IP4_FORWARD: vgw_dp_stage_ip4_forward(w, v); break;
	case VGW_STAGE_TUNNEL_OUT: vgw_vpc_stage_tunnel_out(w, v); break;
	case VGW_STAGE_ICMP_ERROR: vgw_dp_stage_icmp_error(w, v); break;
	case VGW_STAGE_ETH_OUT: vgw_dp_stage_eth_out(w, v); break;
	default: /* classify has no vector: it fills the others */
		break;
	}
	v->n = 0;
	w->pending &= ~(1u << s);
}

void vgw_dp_run(struct vgw_worker *w, enum vgw_stage charge, uint32_t n, uint64_t t)
{
	if (charge < VGW_STAGE_N)
		account(w, charge, n, &t);
	while (w->pending) {
		enum vgw_stage s = (enum vgw_stage)__builtin_ctz(w->pending);
		uint32_t done = w->vec[s].n;
		vgw_dp_stage(w, s);
		account(w, s, done, &t);
	}
}
