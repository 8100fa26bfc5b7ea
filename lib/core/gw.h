/* The gateway's process-wide state.
 *
 * Ownership: `vgw_gw` is built at start-up by the main thread (settings, ports,
 * tables) before any worker runs. After that the slow path (main lcore) is the
 * only writer of configuration; workers only read tables published through
 * RCU (`rcu`) and write their own `struct vgw_worker` (counters, tx buffers).
 * Fields marked "start-up" never change once workers run. */
#ifndef VGW_GW_H
#define VGW_GW_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_rcu_qsbr.h>

#include "../util/parse.h"
#include "drop.h"
#include "runtime.h"

#define VGW_MAX_PORTS 8
#define VGW_MAX_WORKERS 16
#define VGW_MAX_ADDRS 8
#define VGW_PORT_NAME_LEN 16
#define VGW_DEVARGS_LEN 256
#define VGW_BURST 32
#define VGW_PUNT_RING_SIZE 1024
#define VGW_INJECT_RING_SIZE 1024
#define VGW_HANDOFF_RING_SIZE 1024
/* kinds of handed-off packets (dp/handoff.h), 0 unused */
#define VGW_HANDOFF_KINDS 16
#define VGW_TUNNEL_RING_SIZE 256

/* Why a worker hands a packet to the slow path. Each reason has its own ring
 * and rate limit per worker (struct vgw_punt_q), so a flood of one kind
 * (ARP, say) cannot starve another (health-check answers). */
enum vgw_punt_reason {
	VGW_PUNT_ARP = 1,
	VGW_PUNT_NEIGH_MISS = 2,
	VGW_PUNT_HEALTH = 3,
	VGW_PUNT_HOST = 4, /* to-self traffic for the host port of m->port */
	VGW_PUNT_N
};

struct vgw_ct_worker;
struct rte_ring;
struct rte_mbuf;
struct rte_mempool;
struct rte_eth_dev_tx_buffer;

enum vgw_port_role { VGW_ROLE_PUBLIC, VGW_ROLE_UNDERLAY };

struct vgw_port_addr {
	uint32_t ip; /* host order */
	uint8_t plen;
};

/* start-up: all fields */
struct vgw_port {
	char name[VGW_PORT_NAME_LEN];
	char dev[VGW_DEVARGS_LEN];
	enum vgw_port_role role;
	uint16_t id; /* DPDK port id */
	bool probed; /* the device exists: id is valid, vgw_port_close closes it */
	struct rte_ether_addr mac;
	bool mac_configured;
	/* The MTU in effect: the configured one, or the kernel interface's
	 * (af_packet, af-xdp), as the device accepted it (port/port_mtu.h). */
	uint16_t mtu;
	uint16_t mtu_conf; /* `mtu N` of the startup file, 0 when none */
	/* "FILE:LINE" of the port's line, for errors found when it starts;
	 * "" when it came from elsewhere (unit tests) */
	char where[VGW_WHERE_LEN];
	struct vgw_port_addr addrs[VGW_MAX_ADDRS];
	int n_addrs;
	uint16_t nb_rxq;
	bool tx_ip_cksum; /* TX offload of the IPv4 header checksum enabled */
	/* Host port (exception path, lib/host): the Linux interface that mirrors
	 * this port; "" when the port has none. */
	char host_name[VGW_PORT_NAME_LEN];
	uint16_t host_id; /* DPDK port id of that tap */
	int host_ifindex; /* its Linux ifindex; 0 until vgw_host_init made it */
	/* AF_XDP mode (lib/xdp, `af-xdp IFNAME`): the Linux interface this port
	 * runs on, "" for other ports. The kernel keeps the interface (its
	 * addresses, ARP, SSH, BGP); vgw's XDP program steers only the gateway's
	 * traffic to vgwd, and the neighbour table learns MACs from the kernel
	 * (RTM_NEWNEIGH) instead of ARP. */
	char xdp_iface[VGW_PORT_NAME_LEN];
	int xdp_ifindex; /* its Linux ifindex; 0 until vgw_xdp_prepare */
	/* Slow path -> worker 0: packets the slow path sends (ARP, resolved
	 * queues). SPSC: the slow path enqueues, worker 0 drains and transmits. */
	struct rte_ring *inject;
};

/* Per worker, per port counters: plain stores by the owning worker, summed by
 * readers (a torn read is impossible on 64-bit, staleness is acceptable). */
struct vgw_port_stats {
	uint64_t rx;
	uint64_t tx;
	uint64_t drop[VGW_DROP_CAP]; /* core/drop.h: every module's reasons */
} __rte_cache_aligned;

/* Per-burst lookup memos of a worker (dp/memo.h has the validity rule). */
#define VGW_MEMO_WAYS 8
struct vgw_memo {
	struct vgw_memo_vpc {
		uint64_t burst;
		uint32_t vni;
		const struct vgw_vpc *vpc;
	} vpc[VGW_MEMO_WAYS];
	struct vgw_memo_path {
		uint64_t burst;
		uint32_t dst, nh;
		uint16_t out;
	} path[VGW_MEMO_WAYS];
	struct vgw_memo_mac {
		uint64_t burst;
		uint32_t ip;
		uint16_t port;
		uint64_t mac;
	} mac[VGW_MEMO_WAYS];
};

struct vgw_vpc;

/* What a stage of the data path knows about a packet in a vector, beyond the
 * packet itself (dp/dp.h has who sets which field). 16 bytes. */
struct vgw_pkt {
	const void *obj; /* the verdict's object: EIP, service, route target */
	uint32_t arg;    /* VNI; next hop (eth-out); ICMP rest (icmp-error) */
	uint16_t out;    /* out port (eth-out); type << 8 | code (icmp-error); flags */
	uint8_t in_port; /* received on (our index): drops are counted there */
	uint8_t seq;     /* arrival order in its burst: eth-out keeps it per port */
};

/* The packets waiting for one stage (dp/dispatch_dp.c). A burst of at most
 * VGW_BURST packets is run through the stages until every vector is empty,
 * and every stage passes on at most one packet for each it takes (an ICMP
 * error or an echo reply replaces its packet), so no vector holds more. */
struct vgw_vec {
	uint32_t n;
	struct rte_mbuf *m[VGW_BURST];
	struct vgw_pkt p[VGW_BURST];
};

struct vgw_worker {
	unsigned int lcore;
	unsigned int idx; /* also the RCU thread id and the TX queue */
	struct {
		uint16_t port; /* our index */
		uint16_t queue;
	} rxq[VGW_MAX_PORTS];
	int n_rxq;
	struct rte_eth_dev_tx_buffer *txb[VGW_MAX_PORTS];
	/* Worker -> slow path, one queue per reason (index enum
	 * vgw_punt_reason; 0 unused): an SPSC ring the slow path drains, and a
	 * token bucket kept as GCRA (host/host_dp.h, vgw_gcra_allow) whose
	 * `tat` only this worker writes; cost and slack are start-up values
	 * from the `punt` settings (host-port punt-rate/-burst for HOST). */
	struct vgw_punt_q {
		struct rte_ring *ring;
		uint64_t tat, cost, slack;
	} punt[VGW_PUNT_N];
	/* ICMP errors this worker originates (dp/ip4_local_dp.c): the same GCRA, from
	 * the `icmp-error rate/burst` settings */
	uint64_t icmp_tat, icmp_cost, icmp_slack;
	/* This worker -> worker i: packets of a flow that worker i owns
	 * (dp/handoff.h; doc/architecture.md, "Connection tracking"). SPSC,
	 * NULL for self and with one worker. */
	struct rte_ring *handoff[VGW_MAX_WORKERS];
	/* packets other workers handed to this one, per kind (dp/handoff.h):
	 * this worker writes, readers sum */
	uint64_t handoff_in[VGW_HANDOFF_KINDS];
	struct vgw_ct_worker *lb; /* conntrack and LB counters, start-up pointer */
	/* worker only: tags memo entries (dp/memo.h); 64 bits so that it never
	 * wraps back to a stale entry's tag */
	uint64_t burst;
	struct vgw_memo memo;     /* worker only */
	/* worker only: the stages' vectors, and a bit per stage whose vector
	 * holds packets (dp/dispatch_dp.c) */
	uint32_t pending;
	/* worker only: packet trace armed (trace/trace.h), read from the
	 * shared control block once a loop */
	bool trace_on;
	struct vgw_vec vec[VGW_STAGE_N];
	struct vgw_port_stats stats[VGW_MAX_PORTS];
	struct vgw_runtime rt; /* worker only writes; show runtime reads (runtime.h) */
} __rte_cache_aligned;

/* The core's settings (conf/settings.c); each module keeps its own in its
 * folder (core/module.h). Written by the settings loader, start-up. */
struct vgw_settings {
	char socket_path[108];
	/* `control group NAME`: the socket's group ("" = vgwd's own), resolved
	 * when the socket is created (lib/ctl/ctl_server.c) */
	char socket_group[33];
	char lcores[128];
	uint32_t mbufs; /* 0 = computed */
};

struct vgw_gw {
	struct vgw_settings set;                 /* start-up */
	struct vgw_port ports[VGW_MAX_PORTS];    /* start-up */
	int n_ports;
	uint16_t port_of_dpdk[RTE_MAX_ETHPORTS]; /* DPDK id -> our index, start-up */
	struct vgw_worker workers[VGW_MAX_WORKERS];
	unsigned int n_workers;                  /* start-up */
	struct rte_mempool *pool;                /* start-up */
	/* the largest frame of any port (the port module's prepare): the
	 * mbufs' data room, start-up */
	uint32_t data_room;
	struct rte_rcu_qsbr *rcu;                /* start-up */
	/* Slow path -> worker 0: inner frames (Ethernet + IPv4) the slow path
	 * originates into a VPC (health checks); priv.vni names the VPC, the
	 * worker tunnels them like inbound traffic. SPSC. */
	struct rte_ring *tunnel;
	uint64_t sp_stats[VGW_SP_CAP];           /* slow path only (core/drop.h) */
	atomic_bool stop;                        /* set by the slow path to end workers */
	/* Worker ownership of flows (vgw_gw_owner): a random odd
	 * multiplier and an addend drawn once per process (start-up), so that
	 * nobody outside can aim flows at one worker's table or max-conns
	 * share. Only this process's workers must agree on them. */
	uint64_t owner_mul, owner_add;
	/* One bit per port address (vgw_local_filter_bit), set once the ports
	 * are known (vgw_gw_local_filter_init, start-up): lets the data path
	 * rule out "one of our addresses" with one load and a shift. */
	uint64_t local_filter;
	bool running;                            /* ports started, workers launched */
};

extern struct vgw_gw vgw_gw;

/* The worker (0 .. n_workers - 1) that owns the flows of key: what a module
 * that keeps per-worker state steers on (dp/handoff.h), a key both
 * directions of a flow can compute (lb: client ip << 16 | port). Any thread;
 * reads start-up fields only. */
static inline unsigned int vgw_gw_owner(uint64_t key)
{
	/* multiply-add with a per-process random odd multiplier and addend
	 * (owner_mul/owner_add): both directions agree, and nobody outside
	 * can aim flows at one worker. Then a xor-shift-multiply round:
	 * alone, multiply-add maps keys in arithmetic progression (sequential
	 * client ports) to a Weyl sequence, whose high bits for some
	 * multipliers stay in one worker's range for tens of flows */
	uint64_t h = key * (vgw_gw.owner_mul | 1) + vgw_gw.owner_add;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (unsigned int)(((h & 0xffffffffu) * vgw_gw.n_workers) >> 32);
}

/* Per-mbuf private area: what a worker tells the slow path about a punt,
 * or another worker about a handed-off packet (dp/handoff.h). */
struct vgw_dp_mbuf_priv {
	uint32_t nh_ip; /* host order, NEIGH_MISS */
	union {
		uint32_t vni; /* HEALTH, tunnel ring: the packet's VPC */
		uint32_t arg; /* handoff: the arg given to vgw_dp_handoff */
	};
	uint16_t out_port; /* our index, NEIGH_MISS */
	uint16_t in_port;  /* handoff: the port it was received on (counters) */
	uint8_t reason;    /* enum vgw_punt_reason */
	uint8_t kind;      /* handoff: its kind (vgw_dp_handoff_kind) */
	/* trace/trace.h: the packet's record, worker << 8 | slot; valid only
	 * while the mbuf carries the trace flag */
	uint16_t trace;
};

static inline unsigned int vgw_local_filter_bit(uint32_t ip)
{
	return (unsigned int)((ip * 0x9e3779b1u) >> 26);
}
/* Start-up, after the ports: fills local_filter. */
void vgw_gw_local_filter_init(void);

/* Start-up: draws owner_mul / owner_add from the kernel's random source. */
int vgw_gw_seed(char *err);

/* Slow path: the services the modules give their tables (neighbour ops,
 * health-check ops, announce ops): an mbuf of the pool, and adding n to a
 * slow-path counter. */
struct rte_mbuf *vgw_gw_sp_alloc(void);
void vgw_gw_sp_count(int counter, uint64_t n);

/* Port helpers used by both threads (read-only data after start-up). */
int vgw_port_by_name(const char *name);
/* Port whose connected subnet holds ip (-1 if none); addr_out is set to that
 * address's index. */
int vgw_port_connected(uint32_t ip, int *addr_out);
bool vgw_ip_is_local(uint32_t ip);
/* The port's neighbours come from the kernel, not from ARP (AF_XDP mode). */
static inline bool vgw_port_kernel_neigh(const struct vgw_port *p)
{
	return p->xdp_iface[0] != '\0';
}
/* Port whose subnet has ip as its network or broadcast address (-1 if none;
 * /31 and /32 have neither). */
int vgw_ip_subnet_edge(uint32_t ip);

#endif
