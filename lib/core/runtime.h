/* Per-stage run-time accounting of the workers (`show runtime`).
 *
 * The data path (lib/dp/dispatch_dp.c) runs each burst as vectors, one per
 * stage; every call of a stage on a vector costs one TSC read, and adds to
 * that stage's calls, packets and cycles. The worker loop splits its own
 * time into busy (an iteration that moved packets) and idle (one that found
 * none) cycles.
 *
 * Writers: each worker writes its own struct vgw_runtime (in struct
 * vgw_worker) with plain stores. Readers (CLI, telemetry, slow path) sum the
 * workers' copies; a reader may see a counter a little stale, never torn
 * (64-bit stores). `runtime clear` records a baseline on the reader's side
 * instead of writing worker memory. */
#ifndef VGW_RUNTIME_H
#define VGW_RUNTIME_H

#include <stdint.h>

/* The stages, in dispatch order (a stage feeding a later one is the common
 * case; the dispatcher loops until every vector is empty, so an earlier
 * stage fed later — an ICMP error routed back — is run again). */
enum vgw_stage {
	VGW_STAGE_CLASSIFY,    /* received burst -> verdict per packet */
	VGW_STAGE_VXLAN_IN,    /* VXLAN from a hypervisor: checks, decapsulation */
	VGW_STAGE_VPC_OUT,     /* VM -> Internet: SNAT to its EIP */
	VGW_STAGE_SNAT,        /* the NAT gateway: VMs without an EIP through
				* shared pools, and what comes back */
	VGW_STAGE_IP4_ROUTE,   /* a packet we rewrote or originated: where to */
	VGW_STAGE_IP4_LOCAL,   /* to us: echo reply, host punt */
	VGW_STAGE_LB,          /* the connection tables: client -> VIP (conntrack,
				* Maglev, DNAT), backend replies, ICMP errors
				* about load-balanced flows */
	VGW_STAGE_EIP_IN,      /* Internet -> EIP: DNAT */
	VGW_STAGE_IP4_FORWARD, /* TTL, ECMP path, MTU */
	VGW_STAGE_TUNNEL_OUT,  /* frames the slow path originates into a VPC */
	VGW_STAGE_ICMP_ERROR,  /* ICMP errors we originate */
	VGW_STAGE_ETH_OUT,     /* next-hop MAC, TX batching */
	VGW_STAGE_N
};

/* "classify", "vxlan-in", ...: the names `show runtime` prints. */
extern const char *const vgw_stage_names[VGW_STAGE_N];

struct vgw_stage_rt {
	uint64_t calls;  /* vectors processed */
	uint64_t pkts;   /* packets in them */
	uint64_t cycles; /* TSC cycles spent in the stage */
};

struct vgw_runtime {
	struct vgw_stage_rt stage[VGW_STAGE_N];
	uint64_t loops;       /* worker loop iterations */
	uint64_t busy_cycles; /* in iterations that moved at least one packet */
	uint64_t idle_cycles; /* in iterations that found nothing to do */
	uint64_t sleeps;      /* idle iterations that ended in a `worker idle-sleep` */
};

#endif
