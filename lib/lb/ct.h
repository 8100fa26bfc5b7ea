/* Per-worker connection table for load-balanced flows.
 *
 * Ownership: one table per worker, created at start-up, read and written only
 * by its worker (the steering rule in doc/architecture.md sends both
 * directions of a flow to the same worker), so there are no locks and no
 * atomics. Nothing allocates after creation: entries come from a fixed array,
 * the key index is this module's own hash table (below), sized at creation.
 *
 * Each entry is found by two keys: ORIG (client -> VIP, as it arrives from
 * the Internet; vni 0) and REPLY (backend -> client, inside the backend's
 * VNI). Expiry is a deadline in caller-defined ticks (seconds on workers, a
 * fake clock in tests), recomputed from the state on every packet; ageing
 * scans a bounded number of slots per call so it never stalls the worker.
 *
 * Confirmation (issue 14: spoofed packets must not lock the table): an entry
 * is "confirmed" only when its caller says the flow proved itself — for TCP
 * the tracker's verdict (ct_tcp.h: a completed three-way handshake, or a
 * picked-up flow the backend answered with an ACK), for UDP and ICMP any
 * reply. Until then it lives on the short `tcp_unconfirmed` / `udp_unreplied`
 * timeouts and sits on the unconfirmed list. When full, a new flow evicts the
 * oldest unconfirmed entry (spoofed SYN and ACK floods, scans go first);
 * confirmed connections are never evicted; if no unconfirmed entry exists
 * the new flow is refused (ct_full).
 *
 * Memory (about 120 bytes a flow; doc/performance.md): an entry holds both
 * keys in 24 bytes, since the REPLY key repeats the client's address and
 * port and the ORIG key's VNI is 0 — so `reply` must be the backend ->
 * client direction of `orig` (reply.dst = orig.src, reply.dport =
 * orig.sport, same protocol; orig.vni = 0). The index is an array of 64-byte
 * buckets, each 8 slots of (16-bit signature, entry << 1 | direction), at
 * most 75% full on average, plus a pool of overflow buckets (a quarter of
 * the array) chained from a full bucket: a lookup reads one bucket line and
 * the entry; no keys are stored twice. Deadlines live in their own array
 * (4 bytes a slot) so that ageing scans sequential lines. Free entries are
 * chained through lru_next. */
#ifndef VGW_CT_H
#define VGW_CT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <emmintrin.h>
#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_prefetch.h>

#include "ct_tcp.h"

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
	uint32_t tcp_unconfirmed; /* until the flow is confirmed (see above) */
	uint32_t udp;
	uint32_t udp_unreplied;
	uint32_t icmp;
};

extern const struct vgw_ct_timeouts vgw_ct_default_timeouts;

/* 60 bytes. */
struct vgw_ct_entry {
	/* ORIG: c_ip:c_port -> vip:vip_port (vni 0);
	 * REPLY: be_ip:be_port -> c_ip:c_port in be_vni */
	uint32_t c_ip, vip, be_vni, be_ip;
	uint16_t c_port, vip_port, be_port;
	uint8_t proto;
	bool used : 1;
	bool confirmed : 1; /* see "Confirmation" above */
	bool closed : 1; /* counted as ended (TIME_WAIT or CLOSE reached) */
	uint32_t lru_prev, lru_next; /* unconfirmed list (indexes), VGW_CT_NIL at ends;
				      * a free entry: next free in lru_next */
	uint16_t svc_id;
	uint16_t be_id;
	struct vgw_ct_tcp tcp;
};

#define VGW_CT_NIL UINT32_MAX

/* CLASH: the reply key already belongs to another flow (one client ip:port
 * talking to two VIPs that share a backend ip:port — the backend's replies
 * could not be told apart). */
enum vgw_ct_insert_result { VGW_CT_NEW, VGW_CT_NEW_EVICTED, VGW_CT_FULL, VGW_CT_CLASH };

struct vgw_ct_stats {
	uint64_t created, expired, evicted, full, deleted;
	uint64_t confirmed; /* entries that proved their flow (see above) */
};

/* One cache line of the index. sig 0 = free slot. */
#define VGW_CT_SLOTS 8
struct vgw_ct_bucket {
	uint16_t sig[VGW_CT_SLOTS];
	uint32_t ref[VGW_CT_SLOTS]; /* entry << 1 | direction */
	uint32_t next;              /* overflow bucket + 1, 0 = none */
	uint32_t pad[3];
} __rte_cache_aligned;

struct vgw_ct {
	struct vgw_ct_bucket *b;    /* mask + 1 buckets */
	struct vgw_ct_bucket *pool; /* overflow buckets, chained through their link */
	uint32_t mask;
	uint32_t pool_free;         /* first free overflow bucket + 1, 0 = none */
	struct vgw_ct_entry *e;
	uint32_t *exp;              /* deadline of each entry, UINT32_MAX when free */
	uint32_t cap;
	uint32_t n;
	uint32_t keys;              /* index slots in use (2 per entry) */
	uint32_t free_head;         /* free entries, chained through lru_next */
	uint32_t unconfirmed_head, unconfirmed_tail; /* oldest at head */
	uint32_t n_unconfirmed;
	uint32_t age_cursor;
	size_t bytes;               /* memory of the table, index and deadlines */
	struct vgw_ct_timeouts to;
	struct vgw_ct_stats st;
	/* optional, set by the owner after create: called with an entry just
	 * before an insert evicts it (the owner's counters) */
	void (*on_evict)(const struct vgw_ct_entry *e, void *arg);
	void *evict_arg;
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

/* A packet of e went by (either direction): re-arms expiry from e's state. */
void vgw_ct_touch(struct vgw_ct *ct, struct vgw_ct_entry *e, uint64_t now);

/* e's flow proved itself (see "Confirmation"): it leaves the unconfirmed
 * list for good and takes its state's full timeout. Returns true the first
 * time only (the caller counts the connection then). */
bool vgw_ct_confirm(struct vgw_ct *ct, struct vgw_ct_entry *e, uint64_t now);

void vgw_ct_delete(struct vgw_ct *ct, struct vgw_ct_entry *e);

/* Looks at up to budget slots from the cursor; deletes expired entries,
 * calling on_expire(e, arg) first (counters). Returns how many expired. */
uint32_t vgw_ct_age(struct vgw_ct *ct, uint64_t now, uint32_t budget,
		    void (*on_expire)(const struct vgw_ct_entry *e, void *arg), void *arg);

/* The index hash of a key; its bucket is ct->b[hash & ct->mask]. */
static inline uint32_t vgw_ct_hash(const struct vgw_ct_key *k)
{
	uint32_t h = rte_hash_crc_4byte(k->src, k->vni);
	h = rte_hash_crc_4byte(k->dst, h);
	h = rte_hash_crc_4byte((uint32_t)k->sport << 16 | k->dport, h);
	return rte_hash_crc_4byte(k->proto, h);
}

/* The slot signature: other bits than the bucket index, never 0. */
static inline uint16_t vgw_ct_sig(uint32_t h)
{
	return (uint16_t)((h * 0x9e3779b1u) >> 16) | 1;
}

/* Slots of b whose signature is sig, as a bit mask (two bits a slot: the
 * even one is kept). */
static inline unsigned int vgw_ct_sig_match(const struct vgw_ct_bucket *b, uint16_t sig)
{
	__m128i v = _mm_load_si128((const __m128i *)b->sig);
	__m128i m = _mm_cmpeq_epi16(v, _mm_set1_epi16((short)sig));
	return (unsigned int)_mm_movemask_epi8(m) & 0x5555u;
}

/* Batching (a burst's lookups overlap their cache misses): first fetch the
 * bucket of each key (hash from vgw_ct_hash), a few packets later the
 * entries its signature points to; the lookup then finds both in cache. A
 * table of a million flows misses the cache twice per lookup otherwise. */
static inline void vgw_ct_prefetch_bucket(const struct vgw_ct *ct, uint32_t hash)
{
	rte_prefetch0(&ct->b[hash & ct->mask]);
}

static inline void vgw_ct_prefetch_entry(const struct vgw_ct *ct, uint32_t hash)
{
	const struct vgw_ct_bucket *b = &ct->b[hash & ct->mask];
	for (unsigned int bits = vgw_ct_sig_match(b, vgw_ct_sig(hash)); bits; bits &= bits - 1)
		rte_prefetch0(&ct->e[b->ref[__builtin_ctz(bits) / 2] >> 1]);
}

/* Key dir of entry e. */
struct vgw_ct_key vgw_ct_key_of(const struct vgw_ct_entry *e, enum vgw_ct_dir dir);

/* e's deadline (ticks). */
static inline uint64_t vgw_ct_expires(const struct vgw_ct *ct, const struct vgw_ct_entry *e)
{
	return ct->exp[e - ct->e];
}

/* The memory one table of cap entries takes (what vgw_ct_create allocates),
 * in bytes: for the bench report and doc/performance.md. */
size_t vgw_ct_memsize(uint32_t cap);

/* The timeout of e's current state. */
uint32_t vgw_ct_timeout(const struct vgw_ct *ct, const struct vgw_ct_entry *e);

#endif
