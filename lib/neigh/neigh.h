/* Neighbour table: IPv4 -> MAC per port, resolved by ARP in the slow path.
 *
 * Writers: the slow path only (ARP input, resolution, timers, CLI).
 * Readers: workers, through vgw_neigh_mac() in neigh_dp.h.
 * Publication: an rte_hash (lock-free readers, RCU-reclaimed key slots) maps
 * (ip, port) to an index into `e`; the worker reads e[i].mac, one 64-bit word
 * written atomically by the slow path (bit 63 = valid, low 48 bits = MAC). A
 * deleted entry's index is reused only after an RCU grace period.
 *
 * States: INCOMPLETE (ARP requests sent, packets queued, bounded), REACHABLE
 * (confirmed; ages to STALE after reachable_ms), STALE (still used, re-probed;
 * removed if it stays silent), STATIC (from the CLI, never overwritten by ARP,
 * never aged), KERNEL (below).
 *
 * ARP policy (rules in arp.h, vgw_neigh_arp_learn_decide): an entry's MAC is set by
 * the first reply to our own broadcast request (INCOMPLETE -> REACHABLE) and
 * never changed by a later ARP. An ARP claiming another MAC for a REACHABLE or
 * STALE entry is refused (arp_mac_change_refused) and makes the entry verify
 * the MAC it has: STALE with `verify` set, unicast probes to the old MAC. An
 * answer from the old MAC confirms it (arp_verify_confirmed); max_probes
 * unanswered probes fail it (arp_verify_failed): the MAC is withdrawn and the
 * entry is INCOMPLETE again, resolved by broadcast, and the first reply to
 * that request sets the MAC, which may then be the new one. Each refused ARP
 * costs at most one probe, and none while a verification runs.
 *
 * Queues: each INCOMPLETE entry queues up to VGW_NEIGH_QLEN packets, and all
 * queues together at most queued_max (neigh_queue_global_full beyond), so
 * that unresolved next hops cannot drain the mbuf pool.
 *
 * Kernel mode: on a port where vgw_port_kernel_neigh() holds (af-xdp), the
 * kernel keeps the interface and does ARP; vgwd never sends ARP there (no
 * request, reply or announcement) and drops ARP punted from it. A miss
 * creates an INCOMPLETE entry that queues packets as in ARP mode and asks the
 * kernel through ops.kernel_resolve, again every retrans_ms up to max_probes
 * times, then fails like ARP mode. The kernel's neighbours arrive through
 * vgw_neigh_kernel_update() (the follower, rtnl/neigh_follow.h): a usable MAC
 * makes a KERNEL entry (flushing the queue); a delete, or a report without a
 * MAC, removes a KERNEL entry. KERNEL entries are not aged by the tick (the
 * kernel ages them); `nud` keeps the kernel's state for show. A KERNEL entry
 * vgwd asked for (`asked`: a next hop it forwards to) that the kernel reports
 * STALE is asked for again, so that the kernel, which sees none of the
 * gateway's traffic, keeps confirming it. Static entries are never changed
 * by the kernel. After a dump (start-up, overrun) the follower sweeps the
 * KERNEL entries the dump did not list (kgen: mark and sweep). */
#ifndef VGW_NEIGH_H
#define VGW_NEIGH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/drop.h"
#include "arp.h"
#include "../cli/cli.h"

/* The neigh module's slow-path counters (core/drop.h): VGW_NEIGH_SP(x)
 * is x's index in the dense array once registered. */
#define VGW_NEIGH_COUNTERS(X, P) \
	X(P, ARP_RX, "arp_rx", "ARP packets received") \
	X(P, ARP_BAD, "arp_bad", "malformed or unsupported ARP, or a multicast, zero or own sender MAC") \
	X(P, ARP_REPLY_TX, "arp_reply_tx", "ARP replies sent for own addresses") \
	X(P, ARP_REQUEST_TX, "arp_request_tx", "ARP requests sent to resolve next hops") \
	X(P, ARP_UNSOLICITED_IGNORED, "arp_unsolicited_ignored", "ARP for an unknown IP that is no request addressed to us") \
	X(P, ARP_SENDER_NOT_CONNECTED, "arp_sender_not_connected", "ARP sender outside the port's subnets, a subnet edge or an address the gateway answers for") \
	X(P, ARP_STATIC_PROTECTED, "arp_static_protected", "ARP tried to change a static entry") \
	X(P, ARP_MAC_CHANGE_REFUSED, "arp_mac_change_refused", "ARP claiming another MAC for a learned neighbour: refused, the old MAC is verified") \
	X(P, ARP_VERIFY_CONFIRMED, "arp_verify_confirmed", "verifications the old MAC answered: the neighbour keeps it") \
	X(P, ARP_VERIFY_FAILED, "arp_verify_failed", "verifications the old MAC left unanswered: resolved again by broadcast") \
	X(P, ARP_INCOMPLETE_IGNORED, "arp_incomplete_ignored", "ARP about a next hop being resolved that is no reply to our request: ignored") \
	X(P, NEIGH_QUEUE_GLOBAL_FULL, "neigh_queue_global_full", "packets dropped: all resolution queues together at their bound") \
	X(P, NEIGH_TABLE_FULL, "neigh_table_full", "neighbour table at its cap") \
	X(P, NEIGH_QUEUE_FULL, "neigh_queue_full", "packets dropped: resolution queue full") \
	X(P, NEIGH_RESOLVE_FAILED, "neigh_resolve_failed", "packets dropped: next hop did not answer") \
	X(P, INJECT_RING_FULL, "inject_ring_full", "slow path transmit ring full") \
	X(P, ARP_PROXY_REPLY_TX, "arp_proxy_reply_tx", "proxy ARP replies sent for EIPs and VIPs") \
	X(P, ARP_GRATUITOUS_TX, "arp_gratuitous_tx", "gratuitous ARP announcements sent for EIPs and VIPs") \
	X(P, ARP_KERNEL_PORT, "arp_kernel_port", "ARP punted from an af-xdp port, where the kernel does ARP: dropped") \
	X(P, KNEIGH_BAD_MAC, "kneigh_bad_mac", "kernel neighbours ignored: multicast or zero MAC") \
	X(P, KNEIGH_DELETE, "kneigh_delete", "kernel-learned entries removed: deleted, failed or without a MAC in the kernel") \
	X(P, KNEIGH_NOT_CONNECTED, "kneigh_not_connected", "kernel neighbours ignored: not a neighbour address of the port's subnets") \
	X(P, KNEIGH_OTHER_IF, "kneigh_other_if", "kernel neighbours ignored: their interface is no af-xdp port") \
	X(P, KNEIGH_STALE_REFRESH, "kneigh_stale_refresh", "next hops vgwd asked for, reported STALE: the kernel is asked to confirm them") \
	X(P, KNEIGH_STATIC_PROTECTED, "kneigh_static_protected", "kernel neighbours ignored: a static entry holds the address") \
	X(P, KNEIGH_SWEPT, "kneigh_swept", "kernel-learned entries a dump no longer listed: removed") \
	X(P, KNEIGH_UNRESOLVED, "kneigh_unresolved", "kernel neighbours without a MAC that changed nothing (unknown, or still resolving)") \
	X(P, KNEIGH_UPDATE, "kneigh_update", "kernel neighbours with a MAC applied (entry created or refreshed)")

VGW_COUNTER_SET(VGW_NEIGH_COUNTERS, VGW_NEIGH_SP, vgw_neigh_sp_base);
#define VGW_NEIGH_SP(id) VGW_COUNTER(vgw_neigh_sp_base, VGW_NEIGH_SP, id)

#define VGW_NEIGH_QLEN 16
/* Default bound on the packets queued in all entries together: a quarter of
 * the 4096 spare mbufs app/vgwd sizes its pool with, where 16 per entry
 * times the table's entries would be far more than the pool holds. */
#define VGW_NEIGH_QUEUED_MAX 1024
#define VGW_NEIGH_MAC_VALID (1ull << 63)

enum vgw_neigh_state {
	VGW_NEIGH_INCOMPLETE,
	VGW_NEIGH_REACHABLE,
	VGW_NEIGH_STALE,
	VGW_NEIGH_STATIC,
	VGW_NEIGH_KERNEL, /* learned from the kernel (kernel-mode ports) */
};

struct rte_mbuf;
struct rte_hash;
struct rte_rcu_qsbr;

/* The gateway's neighbour table: created by the neigh module's init
 * (neigh_module.c), NULL before and after; the pointer is a start-up value,
 * the contents are written by the slow path and read by workers (above). */
struct vgw_neigh_table;
extern struct vgw_neigh_table *vgw_neigh_main;

/* `neigh-table max-entries N` (neigh_module.c): written by the settings
 * loader, read only once the settings are finished. */
struct vgw_neigh_conf {
	uint32_t max_entries;
};
extern struct vgw_neigh_conf vgw_neigh_conf;

/* Slow path: gratuitous ARP for ip (a new EIP or VIP address) on every
 * public port (neigh_module.c). */
void vgw_neigh_announce_public(uint32_t ip);

struct vgw_neigh_key {
	uint32_t ip;
	uint16_t port;
	uint16_t pad;
};

struct vgw_neigh {
	_Atomic uint64_t mac; /* worker-visible */
	/* slow path only: */
	uint32_t ip;
	uint16_t port;
	uint8_t state;
	uint8_t probes;
	bool used;
	bool asked;    /* kernel mode: vgwd asked the kernel for it (it forwards to it) */
	bool verify;   /* STALE because an ARP claimed another MAC (see ARP policy) */
	uint16_t nud;  /* KERNEL: the kernel's state (NUD_*) */
	uint32_t kgen; /* KERNEL: resync generation that last reported it */
	/* ARP mode: next probe or expiry; kernel mode: no request to the kernel
	 * for this entry before then (one outstanding request per neighbour) */
	uint64_t deadline_ms;
	uint16_t qlen;
	struct rte_mbuf *q[VGW_NEIGH_QLEN];
};

/* Slow-path services the table needs (replaced by unit tests). */
struct vgw_neigh_ops {
	/* sends a packet out of a port; takes ownership */
	void (*tx)(uint16_t port, struct rte_mbuf *m);
	struct rte_mbuf *(*alloc)(void);
	void (*count)(int sp_counter, uint64_t n);
	/* optional: true if ARP for ip on port is answered by proxy (EIPs, VIPs) */
	bool (*proxied)(uint16_t port, uint32_t ip);
	/* kernel mode: ask the kernel to resolve (or re-confirm) ip on port;
	 * the answer comes back through vgw_neigh_kernel_update(). NULL: never
	 * asked (the entry then fails after max_probes * retrans_ms) */
	void (*kernel_resolve)(uint16_t port, uint32_t ip);
};

struct vgw_neigh_table {
	struct rte_hash *h;
	struct vgw_neigh *e;
	uint32_t cap; /* max entries */
	uint32_t n;
	uint32_t *free_idx;
	uint32_t n_free;
	uint32_t reachable_ms;
	uint32_t retrans_ms;
	uint8_t max_probes;
	uint32_t queued;     /* packets in all entries' queues */
	uint32_t queued_max; /* bound on queued (VGW_NEIGH_QUEUED_MAX unless changed) */
	uint32_t kgen; /* current resync generation of KERNEL entries */
	struct vgw_neigh_ops ops;
};

/* Main thread, before the workers run: who asks the kernel (ops
 * kernel_resolve) — the kneigh module's, set by it (lib/rtnl), so that this
 * module needs nothing of the kernel follower. */
void vgw_neigh_set_kernel_resolve(struct vgw_neigh_table *t,
				  void (*fn)(uint16_t port, uint32_t ip));
struct vgw_neigh_table *vgw_neigh_create(uint32_t cap, struct rte_rcu_qsbr *rcu,
					 const struct vgw_neigh_ops *ops, char *err);
void vgw_neigh_destroy(struct vgw_neigh_table *t);

struct vgw_neigh *vgw_neigh_find(struct vgw_neigh_table *t, uint32_t ip, uint16_t port);

/* A worker could not send m to (ip, port): queue it and resolve. Owns m;
 * dropped (counted) when the entry's queue or all queues are full. */
void vgw_neigh_resolve(struct vgw_neigh_table *t, uint32_t ip, uint16_t port,
		       struct rte_mbuf *m, uint64_t now_ms);
/* An ARP packet arrived on port (m starts at the Ethernet header). Owns m.
 * Malformed ARP (arp_bad) changes nothing; the rest follows the ARP policy. */
void vgw_neigh_arp_input(struct vgw_neigh_table *t, uint16_t port, struct rte_mbuf *m,
			 uint64_t now_ms);
/* Sends a gratuitous ARP (announcement) for ip out of port. */
void vgw_neigh_announce(struct vgw_neigh_table *t, uint16_t port, uint32_t ip);
/* Ages entries, retries resolution; call every ~100 ms. */
void vgw_neigh_tick(struct vgw_neigh_table *t, uint64_t now_ms);

/* Kernel mode (called by the neighbour follower): the kernel's entry for
 * (ip, port) changed. del: it was deleted; nud: its state (NUD_*); mac: its
 * MAC when the state is valid, else NULL. Validated here: port must be a
 * kernel-mode port, ip a neighbour address of its subnets, mac unicast. */
void vgw_neigh_kernel_update(struct vgw_neigh_table *t, uint16_t port, uint32_t ip, bool del,
			     uint16_t nud, const uint8_t *mac, uint64_t now_ms);
/* A dump of the kernel's table starts: what it reports from now on is marked. */
void vgw_neigh_kernel_resync_begin(struct vgw_neigh_table *t);
/* The dump is complete: KERNEL entries it did not mark are removed
 * (kneigh_swept). Returns how many. */
uint32_t vgw_neigh_kernel_sweep(struct vgw_neigh_table *t);

int vgw_neigh_add_static(struct vgw_neigh_table *t, uint32_t ip, const uint8_t mac[6],
			 char *err);
int vgw_neigh_del(struct vgw_neigh_table *t, uint32_t ip, char *err);

const char *vgw_neigh_state_name(uint8_t state);
/* The kernel's state of a KERNEL entry: "reachable", "stale", ... */
const char *vgw_neigh_nud_name(uint16_t nud);

struct vgw_buf;
/* `neigh add` lines that rebuild the static entries (neigh_cli.c). */
void vgw_neigh_running_config(struct vgw_buf *b);

static inline void vgw_neigh_mac_bytes(uint64_t w, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(w >> (40 - 8 * i));
}

/* Its commands (the *_cli.c files), ended by words == NULL. */
extern const struct vgw_cmd vgw_neigh_cmds[];

#endif
