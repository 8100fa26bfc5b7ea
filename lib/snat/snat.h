/* The NAT gateway (SNAT): VMs without an EIP reach the Internet through
 * shared pools of public addresses. This header is the configuration's
 * contract; snat_engine.h is the workers' translation state, snat_dp.h what
 * the data path asks.
 *
 * Objects (slow path builds them, workers read them):
 *   pool     a name, its addresses, filtering (endpoint-independent or
 *            address-dependent, RFC 4787 REQ-8), the port range handed out
 *            (whole 64-port blocks) and the per-VM mapping cap. Immutable:
 *            a change makes a new pool object, published in pools[id] with
 *            one atomic store and freed after a grace period.
 *   address  one public address of a pool: its slot (a gateway-wide index
 *            the workers' block bitmaps use), its pool and filtering, and
 *            under `snat steer address` the worker that owns all its ports.
 *            Published in the `addrs` map (ip -> address), which classify
 *            and ip4-route look up; also in slot_ip[slot] (0 = free), which
 *            the workers compare with a mapping's address to drop mappings
 *            of deleted addresses.
 *   binding  per VNI, the rules that send a VM's traffic to a pool: a
 *            subnet of the VPC or the whole VPC (prefix 0), longest prefix
 *            first. Published in the `binds` map (vni -> binding).
 *
 * Consistency: every command validates everything first, then registers
 * the public addresses (addr/pubaddr.h: refused if an EIP, a VIP or a
 * gateway address), then publishes; a failure after registering undoes
 * it, so a refused command changes nothing.
 *
 * Threads: the slow path is the only writer (one thread, no locks); workers
 * read within a burst (RCU, core/rmap.h). */
#ifndef VGW_SNAT_H
#define VGW_SNAT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/gw.h"
#include "../ct/ct.h"

#define VGW_SNAT_MAX_POOLS 64
#define VGW_SNAT_MAX_SLOTS 1024 /* pool addresses, all pools together */
#define VGW_SNAT_MAX_BIND_RULES 64 /* per VPC */
#define VGW_SNAT_NAME_LEN 32
#define VGW_SNAT_BLOCK_SHIFT 6 /* 64 ports a block */
#define VGW_SNAT_BLOCK_PORTS (1u << VGW_SNAT_BLOCK_SHIFT)
#define VGW_SNAT_BLOCKS (65536u >> VGW_SNAT_BLOCK_SHIFT)
#define VGW_SNAT_ANY_WORKER 0xff

enum vgw_snat_filtering { VGW_SNAT_EIF = 0, VGW_SNAT_ADF = 1 };
enum vgw_snat_steer { VGW_SNAT_STEER_PORT = 0, VGW_SNAT_STEER_ADDRESS = 1 };

struct vgw_snat_addr {
	uint32_t ip;       /* host order */
	uint16_t slot;
	uint8_t pool;      /* pool id */
	uint8_t filtering; /* enum vgw_snat_filtering, the pool's */
	uint8_t owner;     /* steer address: the worker; else VGW_SNAT_ANY_WORKER */
};

struct vgw_snat_pool {
	char name[VGW_SNAT_NAME_LEN];
	uint8_t id;
	uint8_t filtering;
	uint16_t port_lo, port_hi; /* whole blocks: lo % 64 == 0, (hi + 1) % 64 == 0 */
	uint32_t max_per_vm;       /* mappings a VM may hold, all protocols */
	uint32_t n_addrs;
	struct vgw_snat_addr addrs[]; /* ascending ip */
};

struct vgw_snat_rule {
	uint32_t net; /* host order, host bits 0 */
	uint8_t plen; /* 0: the whole VPC */
	uint8_t pool;
};

struct vgw_snat_binding {
	uint32_t vni;
	uint32_t n;
	struct vgw_snat_rule r[]; /* longest prefix first */
};

struct vgw_snat_tables {
	struct vgw_rmap *addrs; /* uint32_t ip -> struct vgw_snat_addr */
	struct vgw_rmap *binds; /* uint32_t vni -> struct vgw_snat_binding */
	struct vgw_snat_pool *_Atomic pools[VGW_SNAT_MAX_POOLS];
	_Atomic uint32_t slot_ip[VGW_SNAT_MAX_SLOTS];
	/* Removed addresses: gen counts removals (slow path writes); each
	 * engine, having ended every session of a mapping on a removed
	 * address, publishes the generation it swept in swept[worker]. A slot,
	 * or an address, is used again only once every engine swept its
	 * removal (`engines`: how many run; 0, none to wait for). */
	_Atomic uint64_t gen;
	_Atomic uint64_t swept[VGW_MAX_WORKERS];
	unsigned int engines;
	/* slow path only */
	uint64_t freed_gen[VGW_SNAT_MAX_SLOTS]; /* the gen that freed the slot */
	uint32_t freed_ip[VGW_SNAT_MAX_SLOTS];
	struct rte_rcu_qsbr *rcu;
	unsigned int n_workers; /* at creation; address ownership */
	enum vgw_snat_steer steer;
};

extern struct vgw_snat_tables *vgw_snat_main;

/* Startup settings (snat_module.c), start-up only. */
struct vgw_snat_conf {
	uint32_t max_sessions; /* all workers */
	uint32_t max_mappings; /* all workers */
	uint32_t max_vms;      /* all workers */
	uint32_t steer;        /* enum vgw_snat_steer */
	struct vgw_ct_timeouts to;
};
extern struct vgw_snat_conf vgw_snat_conf;

/* Slow path. */
struct vgw_snat_tables *vgw_snat_create(struct rte_rcu_qsbr *rcu, unsigned int n_workers,
					enum vgw_snat_steer steer, char *err);
void vgw_snat_destroy(struct vgw_snat_tables *t);

/* A pool's settings as a command gives them (snat_cli.c parses). */
struct vgw_snat_pool_spec {
	uint32_t n;
	uint32_t lo[VGW_SNAT_MAX_SLOTS], hi[VGW_SNAT_MAX_SLOTS]; /* address ranges */
	int filtering;  /* -1: default (add) or unchanged (replace) */
	int32_t port_lo, port_hi; /* -1: default or unchanged */
	int64_t max_per_vm; /* -1: default or unchanged */
};
#define VGW_SNAT_DEFAULT_MAX_PER_VM 4096

/* add: a new pool; replace: an existing pool's addresses and settings, in
 * one step (an address it loses takes its mappings with it). */
int vgw_snat_pool_set(struct vgw_snat_tables *t, const char *name,
		      const struct vgw_snat_pool_spec *s, bool replace, char *err);
int vgw_snat_pool_del(struct vgw_snat_tables *t, const char *name, char *err);
const struct vgw_snat_pool *vgw_snat_pool_by_name(const struct vgw_snat_tables *t,
						  const char *name);
/* VPC vni (named vpc in messages) sends net/plen (0/0: the whole VPC) to
 * pool `pool`. */
int vgw_snat_bind(struct vgw_snat_tables *t, const char *vpc, uint32_t vni, uint32_t net,
		  uint8_t plen, const char *pool, char *err);
int vgw_snat_unbind(struct vgw_snat_tables *t, const char *vpc, uint32_t vni, uint32_t net,
		    uint8_t plen, char *err);

/* The pool for VM ip of VPC vni, or NULL (data path and slow path). */
static inline const struct vgw_snat_pool *vgw_snat_pool_for(const struct vgw_snat_tables *t,
							    const struct vgw_snat_binding *b,
							    uint32_t ip)
{
	for (uint32_t i = 0; i < b->n; i++) {
		const struct vgw_snat_rule *r = &b->r[i];
		uint32_t mask = r->plen ? ~0u << (32 - r->plen) : 0;
		if ((ip & mask) == r->net)
			return atomic_load_explicit(&t->pools[r->pool], memory_order_acquire);
	}
	return NULL;
}

#endif
