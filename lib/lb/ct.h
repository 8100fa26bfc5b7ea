/* Per-worker connection table for load-balanced flows.
 *
 * Ownership: one table per worker, created at start-up, read and written only
 * by its worker (the steering rule in doc/architecture.md sends both
 * directions of a flow to the same worker), so there are no locks and no
 * atomics. Nothing allocates after creation: entries come from a fixed array,
 * the key index is an rte_hash sized for two keys per entry.
 *
 * Each entry is found by two keys: ORIG (client -> VIP, as it arrives from
 * the Internet; vni 0) and REPLY (backend -> client, inside the backend's
 * VNI). Expiry is a deadline in caller-defined ticks (seconds on workers, a
 * fake clock in tests), recomputed from the state on every packet; ageing
 * scans a bounded number of slots per call so it never stalls the worker.
 *
 * When full, a new flow evicts the oldest entry that never saw a reply
 * (SYN floods and scans go first); established connections are never
 * evicted; if no unreplied entry exists the new flow is refused. */
#ifndef VGW_CT_H
#define VGW_CT_H

#include <stdbool.h>
#include <stdint.h>

#include "ct_tcp.h"

struct rte_hash;

struct vgw_ct_key {
	uint32_t vni;  /* 0 for the ORIG (public) side */
	uint32_t src;  /* host order */
	uint32_t dst;
	uint16_t sport; /* ICMP: the echo id in both */
	uint16_t dport;
	uint8_t proto;
	uint8_t pad[3];
};

/* Timeouts in ticks (seconds in vgwd). Defaults respect RFC 5382 (TCP
 * established >= 2 h 4 min, transitory >= 4 min) and RFC 4787 (UDP >= 2 min). */
struct vgw_ct_timeouts {
	uint32_t tcp_established;
	uint32_t tcp_transitory; /* SYN_SENT, SYN_RECV, FIN_WAIT, LAST_ACK */
	uint32_t tcp_time_wait;
	uint32_t tcp_close;      /* after a valid RST */
	uint32_t udp;
	uint32_t udp_unreplied;
	uint32_t icmp;
};

extern const struct vgw_ct_timeouts vgw_ct_default_timeouts;

struct vgw_ct_entry {
	struct vgw_ct_key key[2]; /* [VGW_CT_ORIG], [VGW_CT_REPLY] */
	uint64_t expires;
	uint32_t lru_prev, lru_next; /* unreplied list (indexes), VGW_CT_NIL at ends */
	uint16_t svc_id;
	uint16_t be_id;
	bool used;
	bool replied;
	bool closed; /* counted as ended (TIME_WAIT or CLOSE reached) */
	struct vgw_ct_tcp tcp;
};

#define VGW_CT_NIL UINT32_MAX

/* CLASH: the reply key already belongs to another flow (one client ip:port
 * talking to two VIPs that share a backend ip:port — the backend's replies
 * could not be told apart). */
enum vgw_ct_insert_result { VGW_CT_NEW, VGW_CT_NEW_EVICTED, VGW_CT_FULL, VGW_CT_CLASH };

struct vgw_ct_stats {
	uint64_t created, expired, evicted, full, deleted;
};

struct vgw_ct {
	struct rte_hash *h;
	struct vgw_ct_entry *e;
	uint32_t cap;
	uint32_t n;
	uint32_t *free_idx;
	uint32_t n_free;
	uint32_t unreplied_head, unreplied_tail; /* oldest at head */
	uint32_t age_cursor;
	/* Each slot's deadline (e[i].expires), UINT64_MAX when free: ageing
	 * reads 8 bytes a slot here instead of an entry's cache line, so the
	 * scan costs a few sequential lines per call even on a cold table. */
	uint64_t *exp;
	struct vgw_ct_timeouts to;
	struct vgw_ct_stats st;
};

/* socket: NUMA node for the memory (SOCKET_ID_ANY). name must be unique. */
struct vgw_ct *vgw_ct_create(const char *name, uint32_t cap, int socket,
			     const struct vgw_ct_timeouts *to, char *err);
void vgw_ct_destroy(struct vgw_ct *ct);

/* Finds the entry of key; *dir tells which of its keys matched. */
struct vgw_ct_entry *vgw_ct_lookup(struct vgw_ct *ct, const struct vgw_ct_key *key,
				   enum vgw_ct_dir *dir);

/* Adds a flow (keys copied, state from the first packet set by the caller
 * after). NULL when full (*res = VGW_CT_FULL) or when reply is taken
 * (VGW_CT_CLASH); nothing changes then. */
struct vgw_ct_entry *vgw_ct_insert(struct vgw_ct *ct, const struct vgw_ct_key *orig,
				   const struct vgw_ct_key *reply, uint64_t now,
				   enum vgw_ct_insert_result *res);

/* A packet of e went by in direction dir: notes a reply, re-arms expiry. */
void vgw_ct_touch(struct vgw_ct *ct, struct vgw_ct_entry *e, enum vgw_ct_dir dir, uint64_t now);

void vgw_ct_delete(struct vgw_ct *ct, struct vgw_ct_entry *e);

/* Looks at up to budget slots from the cursor; deletes expired entries,
 * calling on_expire(e, arg) first (counters). Returns how many expired. */
uint32_t vgw_ct_age(struct vgw_ct *ct, uint64_t now, uint32_t budget,
		    void (*on_expire)(const struct vgw_ct_entry *e, void *arg), void *arg);

/* The timeout of e's current state. */
uint32_t vgw_ct_timeout(const struct vgw_ct *ct, const struct vgw_ct_entry *e);

#endif
