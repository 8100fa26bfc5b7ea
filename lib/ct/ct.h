/* A generic per-worker connection table: each entry found by two keys.
 * Infrastructure (lib/ct, not a module): the load balancer's conntrack
 * module (lb/ct_worker.h) creates one per worker, and so will SNAT.
 *
 * Ownership: one table per worker, created at start-up, read and written only
 * by its worker (its user steers both directions of a flow to the same
 * worker: for lb, the steering rule in doc/architecture.md), so there are no
 * locks and no atomics. Nothing allocates after creation: entries come from a
 * fixed array, the key index is this table's own hash index (below), sized
 * at creation.
 *
 * Each entry is found by two keys with one layout rule: ORIG, the
 * direction that arrives from the Internet, in vni 0, and REPLY, the way
 * back from inside a VNI, whose destination is ORIG's source (reply.dst =
 * orig.src, reply.dport = orig.sport, same protocol). For the load balancer
 * ORIG is client -> VIP:port and REPLY backend -> client in the backend's
 * VNI; for SNAT, ORIG is remote -> public address:port and REPLY VM ->
 * remote in the VM's VNI. The entry's field names (c_ = the remote side,
 * vip = the public address, be_ = the inside side) are the load balancer's.
 * Expiry is a deadline in caller-defined ticks (seconds on workers, a
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
 * Memory (87 bytes a flow at 1M entries; doc/performance.md):
 * - the entry: 64 bytes, cache-aligned — both keys, the deadline, the
 *   unconfirmed-list links, the service and backend ids and the 24-byte
 *   TCP tracker (ct_tcp.h) — so a packet reads one index line and one entry
 *   line. Both keys fit in 24 bytes since the REPLY key repeats the client's
 *   address and port and the ORIG key's VNI is 0 — so `reply` must be the
 *   backend -> client direction of `orig` (reply.dst = orig.src,
 *   reply.dport = orig.sport, same protocol; orig.vni = 0).
 * - the index: 22.7 bytes — 64-byte buckets of 12 slots, each an 8-bit
 *   signature (0 = free) and a 32-bit reference (entry << 1 | direction,
 *   and 7 more bits of the hash above), one bucket per 6 keys (two a flow),
 *   so half full on average, plus a pool of overflow buckets (1/16 of that)
 *   chained from a full one. A full table of a million flows has under 1%
 *   of its buckets overflowed and under 0.3% of its keys in the pool
 *   (tests/unit/test_ct_index.c): a lookup reads one bucket line, and a
 *   miss reads an entry for nothing about once in 5000.
 * - ageing: 0.25 bytes — for each group of 16 entries a lower bound of
 *   their deadlines (every deadline written lowers it; the scan of a whole
 *   group raises it back), so that ageing skips the groups with nothing
 *   due without reading their entries' lines (reading every entry's line
 *   cost a worker 7-9% of its time once).
 * Free entries are chained through lru_next. An entry's index fits 24
 * bits: at most 2^24 entries (what conntrack max-entries allows). */
#ifndef VGW_CT_H
#define VGW_CT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <emmintrin.h>
#ifdef __SSE4_2__
#include <nmmintrin.h>
#endif
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

/* 64 bytes, one cache line (the array is cache-aligned). The addresses
 * and ports are laid out so that each key's (src, dst) and (sport, dport)
 * pairs are adjacent: REPLY's at be_ip and be_port, ORIG's one field on. */
struct vgw_ct_entry {
	/* ORIG: c_ip:c_port -> vip:vip_port (vni 0);
	 * REPLY: be_ip:be_port -> c_ip:c_port in be_vni */
	uint32_t be_ip, c_ip, vip, be_vni;
	uint16_t be_port, c_port, vip_port;
	uint8_t proto;
	bool used : 1;
	bool confirmed : 1; /* see "Confirmation" above */
	bool closed : 1; /* counted as ended (TIME_WAIT or CLOSE reached) */
	uint16_t svc_id;
	uint16_t be_id;
	uint32_t exp; /* deadline in ticks, UINT32_MAX when free: vgw_ct_expires() */
	uint32_t lru_prev, lru_next; /* unconfirmed list (indexes), VGW_CT_NIL at ends;
				      * a free entry: next free in lru_next */
	struct vgw_ct_tcp tcp;
} __rte_cache_aligned;

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
#define VGW_CT_SLOTS 12
struct vgw_ct_bucket {
	uint8_t sig[VGW_CT_SLOTS];
	uint32_t next;              /* overflow bucket + 1, 0 = none */
	uint32_t ref[VGW_CT_SLOTS]; /* hash tag | entry << 1 | direction */
} __rte_cache_aligned;

#define VGW_CT_MAX_ENTRIES (1u << 24)
#define VGW_CT_REF_MASK ((VGW_CT_MAX_ENTRIES << 1) - 1) /* entry << 1 | direction */

/* Entries per ageing group (the `age_min` summary, see "Memory"). */
#define VGW_CT_AGE_GROUP 16

struct vgw_ct {
	struct vgw_ct_bucket *b;    /* nb buckets */
	struct vgw_ct_bucket *pool; /* overflow buckets, chained through their link */
	uint32_t nb;
	uint32_t pool_free;         /* first free overflow bucket + 1, 0 = none */
	struct vgw_ct_entry *e;
	uint32_t *age_min;          /* per group of VGW_CT_AGE_GROUP entries: <= their deadlines */
	uint32_t cap;
	uint32_t n;
	uint32_t keys;              /* index slots in use (2 per entry) */
	uint32_t free_head;         /* free entries, chained through lru_next */
	uint32_t unconfirmed_head, unconfirmed_tail; /* oldest at head */
	uint32_t n_unconfirmed;
	uint32_t age_cursor;
	uint32_t victim;            /* the entry victim_hash belongs to, VGW_CT_NIL if none */
	uint32_t victim_hash[2];    /* its ORIG and REPLY hashes (the next eviction's) */
	size_t bytes;               /* memory of the entries, index and ageing bounds */
	struct vgw_ct_timeouts to;  /* read-only after vgw_ct_create */
	uint32_t tcp_timeout[2][VGW_CT_TCP_N_STATES]; /* from `to`: [confirmed][state] */
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

/* vgw_ct_lookup for a caller that already has the key's hash (hash =
 * vgw_ct_hash(key)), e.g. from vgw_ct_prefetch_bucket a few packets
 * earlier: the hash is computed once per packet. A vector of lookups is
 * then: hash and prefetch the bucket of each key; a few keys later, or in
 * a second pass, vgw_ct_prefetch_entry; then vgw_ct_lookup_hashed each in
 * turn. Results are only good until the next insert or delete: a packet
 * that creates an entry must be seen by the next packet of its flow in the
 * same vector, so look up when the packet is processed, not all at once
 * before. */
struct vgw_ct_entry *vgw_ct_lookup_hashed(struct vgw_ct *ct, const struct vgw_ct_key *key,
					  uint32_t hash, enum vgw_ct_dir *dir);

/* Adds a flow (keys copied, state from the first packet set by the caller
 * after). NULL when full (*res = VGW_CT_FULL) or when reply is taken
 * (VGW_CT_CLASH); nothing changes then. */
struct vgw_ct_entry *vgw_ct_insert(struct vgw_ct *ct, const struct vgw_ct_key *orig,
				   const struct vgw_ct_key *reply, uint64_t now,
				   enum vgw_ct_insert_result *res);

/* vgw_ct_insert with orig's hash (orig_hash = vgw_ct_hash(orig)): the one
 * the caller's lookup of orig just missed with. The reply key's bucket is
 * read first (is that key taken?) and is the one cold line of an insert in
 * a big table: a caller with several new flows in a vector gains by
 * fetching it ahead, vgw_ct_prefetch_bucket(ct, vgw_ct_hash(&reply)), once
 * it knows the backend. */
struct vgw_ct_entry *vgw_ct_insert_hashed(struct vgw_ct *ct, const struct vgw_ct_key *orig,
					  uint32_t orig_hash, const struct vgw_ct_key *reply,
					  uint64_t now, enum vgw_ct_insert_result *res);

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

/* The index hash of a key given as its words: CRC32-C of (src, dst) and
 * (sport, dport, proto), 8 bytes a step, seeded with the VNI. With SSE4.2
 * (the build's -march) the instruction itself: rte_hash_crc_8byte, which
 * gives the same value, checks the CPU on every call and cannot be
 * scheduled. */
static inline uint32_t vgw_ct_hash_words(uint32_t vni, uint64_t addrs, uint64_t ports)
{
#ifdef __SSE4_2__
	return (uint32_t)_mm_crc32_u64(_mm_crc32_u64(vni, addrs), ports);
#else
	return rte_hash_crc_8byte(ports, rte_hash_crc_8byte(addrs, vni));
#endif
}

/* The index hash of a key; its bucket is ct->b[vgw_ct_bucket_of(ct, hash)].
 * The words are assembled from the fields, not loaded 8 bytes at a time: a
 * key the caller just wrote field by field would stall the load (no store
 * forwarding across two stores). */
static inline uint32_t vgw_ct_hash(const struct vgw_ct_key *k)
{
	return vgw_ct_hash_words(k->vni, (uint64_t)k->dst << 32 | k->src,
				 (uint64_t)k->proto << 32 | (uint32_t)k->dport << 16 | k->sport);
}

/* The bucket: the high bits of the hash times an odd constant, scaled to
 * the bucket count (any, not only a power of two). CRC is linear, so the
 * clients of a structured range (consecutive addresses and ports) would
 * share a few high-bit patterns and crowd some buckets; the multiplication
 * carries the low bits up. The signature and tag take the hash's low bits. */
static inline uint32_t vgw_ct_bucket_of(const struct vgw_ct *ct, uint32_t h)
{
	return (uint32_t)(((uint64_t)(h * 0x9e3779b1u) * ct->nb) >> 32);
}

/* The slot signature: never 0 (a free slot). */
static inline uint8_t vgw_ct_sig(uint32_t h)
{
	uint8_t s = (uint8_t)h;
	return (uint8_t)(s + (s == 0));
}

/* The hash bits a slot's reference keeps above VGW_CT_REF_MASK. */
static inline uint32_t vgw_ct_tag(uint32_t h)
{
	return (h << 17) & ~VGW_CT_REF_MASK;
}

/* Slots of b whose signature is sig, as a bit mask. */
static inline unsigned int vgw_ct_sig_match(const struct vgw_ct_bucket *b, uint8_t sig)
{
	__m128i v = _mm_load_si128((const __m128i *)b->sig); /* the 12 signatures and next */
	__m128i m = _mm_cmpeq_epi8(v, _mm_set1_epi8((char)sig));
	return (unsigned int)_mm_movemask_epi8(m) & ((1u << VGW_CT_SLOTS) - 1);
}

/* Batching (a burst's lookups overlap their cache misses): first fetch the
 * bucket of each key (hash from vgw_ct_hash), a few packets later the
 * entries its signature points to; the lookup (vgw_ct_lookup_hashed) then
 * finds both in cache. A table of a million flows misses the cache twice
 * per lookup otherwise. */
static inline void vgw_ct_prefetch_bucket(const struct vgw_ct *ct, uint32_t hash)
{
	rte_prefetch0(&ct->b[vgw_ct_bucket_of(ct, hash)]);
}

static inline void vgw_ct_prefetch_entry(const struct vgw_ct *ct, uint32_t hash)
{
	const struct vgw_ct_bucket *b = &ct->b[vgw_ct_bucket_of(ct, hash)];
	uint32_t tag = vgw_ct_tag(hash);
	for (unsigned int bits = vgw_ct_sig_match(b, vgw_ct_sig(hash)); bits; bits &= bits - 1) {
		uint32_t ref = b->ref[__builtin_ctz(bits)];
		if ((ref & ~VGW_CT_REF_MASK) == tag)
			rte_prefetch0(&ct->e[(ref & VGW_CT_REF_MASK) >> 1]);
	}
}

/* Key dir of entry e. */
struct vgw_ct_key vgw_ct_key_of(const struct vgw_ct_entry *e, enum vgw_ct_dir dir);

/* e's deadline (ticks). */
static inline uint64_t vgw_ct_expires(const struct vgw_ct *ct, const struct vgw_ct_entry *e)
{
	(void)ct;
	return e->exp;
}

/* The memory one table of cap entries takes (what vgw_ct_create allocates),
 * in bytes: for the bench report and doc/performance.md. */
size_t vgw_ct_memsize(uint32_t cap);

/* The timeout of e's current state. */
uint32_t vgw_ct_timeout(const struct vgw_ct *ct, const struct vgw_ct_entry *e);

/* How full the index is (tests, bench; reads every bucket: not for workers
 * in steady state). */
struct vgw_ct_index_stats {
	uint32_t buckets;          /* the bucket array */
	uint32_t pool, pool_used;  /* overflow buckets, and those in a chain */
	uint32_t overflowed;       /* buckets of the array with a chain */
	uint32_t keys_overflow;    /* keys in overflow buckets */
	uint32_t longest;          /* buckets in the longest chain, head included */
};
void vgw_ct_index_stats(const struct vgw_ct *ct, struct vgw_ct_index_stats *st);

#endif
