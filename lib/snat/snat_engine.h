/* A worker's SNAT state: mappings, VM records, port blocks and sessions,
 * and the translation decisions made on them (no packets here: the stage,
 * snat_dp.c, reads and rewrites headers; unit tests drive this on a fake
 * clock).
 *
 * Ownership: one engine per worker, made at start-up, read and written only
 * by its worker (no locks, no atomics but the generation it publishes); the
 * slow path reads the counters and usage arrays (stale, never torn). Every
 * VM is owned by one worker (vgw_snat_vm_owner), which holds its record,
 * its mappings and their sessions; replies reach that worker because it
 * takes ports only from blocks it owns (vgw_snat_port_owner), so the owner
 * of a reply is a function of its destination address and port, which NIC
 * rules (rte_flow) or the software handoff apply.
 *
 * Model (RFC 4787 / RFC 5382 terms):
 *   mapping  (VNI, VM address, VM port, protocol) -> (public address,
 *            public port): endpoint-independent (REQ-1), the same for every
 *            remote; alive while it has sessions, its port then free again.
 *   VM       (VNI, address) -> its public address, chosen at its first
 *            mapping and kept while it has any ("paired", REQ-2); its
 *            mapping count is capped by the pool (max-mappings-per-vm).
 *   block    64 consecutive ports of one public address and protocol, held
 *            by one VM while any of its ports is mapped: the VM's mappings
 *            fill its blocks before it takes another.
 *   session  one entry of a connection table (ct/ct.h), keys ORIG =
 *            remote:rport -> public:pport (VNI 0) and REPLY = VM:vport ->
 *            remote:rport in the VM's VNI (ICMP echo: the identifier as the
 *            VM's port, 0 as the remote's). Its TCP state and timeouts are
 *            ct's; `svc_id | (be_id & 0xff) << 16` holds the mapping's
 *            index (below 2^23), and bit 15 of be_id says the VM opened it (the tracker's ORIG side
 *            is the initiator, so its direction is flipped).
 *   filter   address-dependent filtering (REQ-8): (mapping, remote address)
 *            pairs with a session count, kept for the sessions of
 *            address-dependent pools only (be_id bit 14 says a session
 *            counts); an inbound packet on a mapping with no session passes
 *            only if its source is in the set. A pool switched to
 *            address-dependent filtering filters by the sessions made since.
 *
 * Memory: fixed at creation (vgw_snat_engine_memsize); nothing allocates
 * per packet. */
#ifndef VGW_SNAT_ENGINE_H
#define VGW_SNAT_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "../ct/ct.h"
#include "snat.h"
#include "snat_tab.h"

#define VGW_SNAT_PROTOS 3 /* TCP, UDP, ICMP echo */
#define VGW_SNAT_NIL UINT32_MAX
#define VGW_SNAT_FLIP 0x8000u /* be_id: the VM opened the session */
#define VGW_SNAT_ADF_REF 0x4000u /* be_id: the session counts in the filter set */

static inline unsigned int vgw_snat_pidx(uint8_t proto)
{
	return proto == 6 ? 0 : proto == 17 ? 1 : 2;
}

struct vgw_snat_map {
	uint32_t vni, vm_ip, pub_ip;
	uint16_t vm_port, pub_port;
	uint16_t slot;
	uint8_t proto;
	bool used : 1;
	bool detached : 1; /* its address left the pool: keys gone, dies with its sessions */
	uint32_t vm;       /* VM record */
	uint32_t blk;      /* its port's block */
	uint32_t sessions; /* free: the next free mapping */
};

struct vgw_snat_blk {
	uint64_t used;           /* ports of the block mapped */
	uint32_t vm;             /* holder; free: next free block */
	uint32_t prev, next;     /* the VM's blocks of this protocol */
	uint16_t slot, num;      /* address slot, block number (port >> 6) */
	uint8_t pidx;
};

struct vgw_snat_vm {
	uint32_t vni, ip, pub_ip;
	uint16_t slot;
	uint32_t maps;  /* free: the next free record */
	uint32_t head[VGW_SNAT_PROTOS]; /* its blocks */
};

/* Per-worker counters (worker writes, slow path reads). */
struct vgw_snat_wstats {
	uint64_t maps_created, maps_ended;
	uint64_t sessions_created, sessions_ended, sessions_evicted;
	uint64_t exhausted, vm_cap, sessions_full; /* also drops, per port */
	uint64_t stale_ended; /* sessions ended because their address was removed */
	uint64_t handoff_out, handoff_in; /* packets sent to the owner */
};

enum vgw_snat_verdict {
	VGW_SNAT_OK,
	VGW_SNAT_EXHAUSTED,   /* no free port on the VM's address */
	VGW_SNAT_VM_CAP,      /* the VM holds max-mappings-per-vm */
	VGW_SNAT_FULL,        /* session or mapping table full */
	VGW_SNAT_UNSOLICITED, /* inbound to no mapping */
	VGW_SNAT_FILTERED,    /* inbound from a remote the mapping never sent to (ADF) */
};

struct vgw_snat_engine {
	unsigned int idx, n_workers;
	uint32_t r_mask;   /* port steering: residues - 1 (vgw_snat_port_owner) */
	uint64_t own_word; /* port steering: blocks of a 64-block word this worker owns */
	uint64_t now;      /* seconds, set by the worker each loop (or a test) */
	uint64_t rnd;      /* xorshift state: where in a block a port is taken */
	const struct vgw_snat_tables *t;
	struct vgw_ct *ct;
	struct vgw_snat_map *map;
	uint32_t map_cap, map_free, n_map;
	struct vgw_snat_vm *vm;
	uint32_t vm_cap, vm_free, n_vm;
	struct vgw_snat_blk *blk;
	uint32_t blk_cap, blk_free, n_blk;
	struct vgw_snat_tab in, out, vms, adf;
	uint64_t (*taken)[VGW_SNAT_PROTOS][VGW_SNAT_BLOCKS / 64]; /* [slot]: blocks held */
	uint32_t (*ports)[VGW_SNAT_PROTOS];                        /* [slot]: ports mapped */
	/* removed addresses (vgw_snat_engine_sweep): the generation swept, and
	 * the sweep in progress */
	uint64_t swept_gen, sweep_gen;
	uint32_t sweep_at;
	bool sweeping;
	struct vgw_snat_wstats st;
};

/* Start-up. socket: NUMA node. */
struct vgw_snat_engine *vgw_snat_engine_create(const struct vgw_snat_tables *t, unsigned int idx,
					       unsigned int n_workers, uint32_t sessions,
					       uint32_t mappings, uint32_t vms,
					       const struct vgw_ct_timeouts *to, int socket,
					       char *err);
void vgw_snat_engine_destroy(struct vgw_snat_engine *s);
size_t vgw_snat_engine_memsize(uint32_t sessions, uint32_t mappings, uint32_t vms);

/* The worker that owns VM (vni, ip): its mappings and sessions live there. */
static inline unsigned int vgw_snat_vm_owner(uint32_t vni, uint32_t ip)
{
	return vgw_gw_owner((uint64_t)vni << 32 | ip);
}

/* Port steering: the residue of port (of any address): blocks are dealt to
 * residues round-robin, residue r to worker r % n_workers; mask = residues
 * - 1, residues the power of two at or above the worker count (so that a
 * NIC can match the residue's bits). */
static inline uint32_t vgw_snat_residue_mask(unsigned int n_workers)
{
	uint32_t r = 1;
	while (r < n_workers)
		r <<= 1;
	return r - 1;
}

/* The worker that owns public port `port` (TCP/UDP port, ICMP identifier)
 * of address a. */
static inline unsigned int vgw_snat_port_owner(const struct vgw_snat_addr *a, uint16_t port,
					       unsigned int n_workers)
{
	if (a->owner != VGW_SNAT_ANY_WORKER)
		return a->owner;
	return ((uint32_t)(port >> VGW_SNAT_BLOCK_SHIFT) & vgw_snat_residue_mask(n_workers)) %
	       n_workers;
}

/* The mapping of session e. */
static inline uint32_t vgw_snat_map_of(const struct vgw_ct_entry *e)
{
	return (uint32_t)e->svc_id | (uint32_t)(e->be_id & 0xff) << 16;
}

/* Outbound: the session of REPLY key rk (hash = vgw_ct_hash(rk); VM -> remote
 * in the VM's VNI), made when missing through the VM's mapping, or a new one
 * from pool. seg: the TCP segment (NULL for UDP and ICMP). NULL with *v
 * telling why. */
struct vgw_ct_entry *vgw_snat_out(struct vgw_snat_engine *s, const struct vgw_ct_key *rk,
				  uint32_t hash, const struct vgw_snat_pool *pool,
				  const struct vgw_ct_tcp_seg *seg, enum vgw_snat_verdict *v);

/* Inbound: the session of ORIG key ok (remote -> public address:port, VNI
 * 0), made when missing if a mapping holds the public port and filtering
 * lets the remote in. */
struct vgw_ct_entry *vgw_snat_in(struct vgw_snat_engine *s, const struct vgw_ct_key *ok,
				 uint32_t hash, uint8_t filtering,
				 const struct vgw_ct_tcp_seg *seg, enum vgw_snat_verdict *v);

/* Session lookup without creating or refreshing (ICMP errors, RFC 5508
 * REQ-6: an error neither keeps a session alive nor ends it). */
static inline struct vgw_ct_entry *vgw_snat_find(struct vgw_snat_engine *s,
						 const struct vgw_ct_key *k, enum vgw_ct_dir *dir)
{
	return vgw_ct_lookup(s->ct, k, dir);
}

/* Expiry and removed addresses: looks at up to budget sessions. */
void vgw_snat_engine_age(struct vgw_snat_engine *s, uint32_t budget);

/* The mapping index of (vni, ip, port, proto), or VGW_SNAT_NIL (tests, show). */
uint32_t vgw_snat_map_find(const struct vgw_snat_engine *s, uint32_t vni, uint32_t ip,
			   uint16_t port, uint8_t proto);

#endif
