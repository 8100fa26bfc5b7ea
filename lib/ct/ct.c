/* Per-worker connection table: see ct.h. */
#include "ct.h"

#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "../util/parse.h"

const struct vgw_ct_timeouts vgw_ct_default_timeouts = {
	.tcp_established = 7440, /* RFC 5382 REQ-5: at least 2 h 4 min */
	.tcp_transitory = 240,   /* RFC 5382: at least 4 min */
	.tcp_time_wait = 240,    /* 2 MSL */
	.tcp_close = 10,
	.tcp_unconfirmed = 30,   /* a handshake retried 3 times (1+2+4 s) still fits */
	.udp = 300,              /* RFC 4787 REQ-5: at least 2 min, 5 min recommended */
	.udp_unreplied = 120,
	.icmp = 60,
};

_Static_assert(sizeof(struct vgw_ct_bucket) == 64, "a bucket is one cache line");
_Static_assert(sizeof(struct vgw_ct_entry) == 64, "an entry is one cache line");
_Static_assert(sizeof(struct vgw_ct_tcp) == 24, "the TCP tracker fills the entry's last 24 bytes");
_Static_assert(offsetof(struct vgw_ct_entry, c_ip) == offsetof(struct vgw_ct_entry, be_ip) + 4 &&
		       offsetof(struct vgw_ct_entry, vip) == offsetof(struct vgw_ct_entry, c_ip) + 4 &&
		       offsetof(struct vgw_ct_entry, c_port) ==
			       offsetof(struct vgw_ct_entry, be_port) + 2 &&
		       offsetof(struct vgw_ct_entry, vip_port) ==
			       offsetof(struct vgw_ct_entry, c_port) + 2,
	       "key_is reads each key's address and port pairs whole");

/* Geometry: one bucket of 12 slots per 6 keys (3 flows), an overflow pool
 * of 1/16 of that: at full load a Poisson bucket load of 6 passes 12 in
 * under 1% of the buckets. */
#define KEYS_PER_BUCKET 6

static uint32_t n_buckets(uint32_t cap)
{
	uint64_t nb = ((uint64_t)cap * 2 + KEYS_PER_BUCKET - 1) / KEYS_PER_BUCKET;
	return nb ? (uint32_t)nb : 1;
}

static uint32_t n_pool(uint32_t nb)
{
	return nb / 16 + 16;
}

static uint32_t n_groups(uint32_t cap)
{
	return (cap + VGW_CT_AGE_GROUP - 1) / VGW_CT_AGE_GROUP;
}

size_t vgw_ct_memsize(uint32_t cap)
{
	uint32_t nb = n_buckets(cap);
	return sizeof(struct vgw_ct) + (size_t)(nb + n_pool(nb)) * sizeof(struct vgw_ct_bucket) +
	       (size_t)cap * sizeof(struct vgw_ct_entry) + (size_t)n_groups(cap) * sizeof(uint32_t);
}

static inline struct vgw_ct_key key_of(const struct vgw_ct_entry *e, enum vgw_ct_dir dir)
{
	if (dir == VGW_CT_ORIG)
		return (struct vgw_ct_key){.src = e->c_ip, .dst = e->vip, .sport = e->c_port,
					   .dport = e->vip_port, .proto = e->proto};
	return (struct vgw_ct_key){.vni = e->be_vni, .src = e->be_ip, .dst = e->c_ip,
				   .sport = e->be_port, .dport = e->c_port, .proto = e->proto};
}

struct vgw_ct_key vgw_ct_key_of(const struct vgw_ct_entry *e, enum vgw_ct_dir dir)
{
	return key_of(e, dir);
}

/* vgw_ct_hash(key_of(e, dir)), from the entry's fields. */
static inline uint32_t hash_of(const struct vgw_ct_entry *e, enum vgw_ct_dir dir)
{
	if (dir == VGW_CT_ORIG)
		return vgw_ct_hash_words(0, (uint64_t)e->vip << 32 | e->c_ip,
					 (uint64_t)e->proto << 32 | (uint32_t)e->vip_port << 16 |
						 e->c_port);
	return vgw_ct_hash_words(e->be_vni, (uint64_t)e->c_ip << 32 | e->be_ip,
				 (uint64_t)e->proto << 32 | (uint32_t)e->c_port << 16 | e->be_port);
}

/* Whether k is e's key dir: REPLY's (src, dst) addresses and ports sit at
 * be_ip and be_port, ORIG's one field further (ct.h), so each pair is one
 * load from the entry; the key's side is assembled from its fields (see
 * vgw_ct_hash). */
static inline bool key_is(const struct vgw_ct_entry *e, uint32_t dir, const struct vgw_ct_key *k)
{
	const uint8_t *p = (const uint8_t *)e;
	size_t o = dir == VGW_CT_ORIG;
	uint64_t ea, ka = (uint64_t)k->dst << 32 | k->src;
	uint32_t ep, kp = (uint32_t)k->dport << 16 | k->sport;
	memcpy(&ea, p + offsetof(struct vgw_ct_entry, be_ip) + 4 * o, 8);
	memcpy(&ep, p + offsetof(struct vgw_ct_entry, be_port) + 2 * o, 4);
	uint32_t vni = dir == VGW_CT_ORIG ? 0 : e->be_vni;
	return ((ea ^ ka) | (ep ^ kp) | (vni ^ k->vni) | (uint32_t)(e->proto ^ k->proto)) == 0;
}

static uint32_t tcp_state_timeout(const struct vgw_ct_timeouts *to, unsigned int state,
				  bool confirmed)
{
	uint32_t t;
	switch (state) {
	case VGW_CT_TCP_ESTABLISHED: t = to->tcp_established; break;
	case VGW_CT_TCP_TIME_WAIT: t = to->tcp_time_wait; break;
	case VGW_CT_TCP_CLOSE: t = to->tcp_close; break;
	default: t = to->tcp_transitory; break;
	}
	/* an unproved flow never outlives the short timeout */
	return !confirmed && to->tcp_unconfirmed < t ? to->tcp_unconfirmed : t;
}

static inline uint32_t timeout_of(const struct vgw_ct *ct, const struct vgw_ct_entry *e)
{
	if (likely(e->proto == 6)) {
		uint8_t st = e->tcp.state;
		/* (no other state exists; NONE's timeout is the default's) */
		return ct->tcp_timeout[e->confirmed]
				      [st < VGW_CT_TCP_N_STATES ? st : VGW_CT_TCP_NONE];
	}
	if (e->proto == 17)
		return e->confirmed ? ct->to.udp : ct->to.udp_unreplied;
	return ct->to.icmp;
}

uint32_t vgw_ct_timeout(const struct vgw_ct *ct, const struct vgw_ct_entry *e)
{
	return timeout_of(ct, e);
}

/* The rest of find(): the slots `bits` of b whose signature matched, then
 * b's chain. Out of line, so that a miss (most lookups of a new flow, and
 * the reply-key check of every insert) costs no register saves. */
static __attribute__((noinline)) struct vgw_ct_entry *
find_slow(struct vgw_ct *ct, const struct vgw_ct_key *k, uint32_t h,
	  const struct vgw_ct_bucket *b, unsigned int bits, enum vgw_ct_dir *dir)
{
	uint32_t tag = vgw_ct_tag(h);
	for (;;) {
		for (; bits; bits &= bits - 1) {
			uint32_t ref = b->ref[__builtin_ctz(bits)];
			if ((ref & ~VGW_CT_REF_MASK) != tag)
				continue;
			ref &= VGW_CT_REF_MASK;
			struct vgw_ct_entry *e = &ct->e[ref >> 1];
			if (key_is(e, ref & 1, k)) {
				*dir = (enum vgw_ct_dir)(ref & 1);
				return e;
			}
		}
		if (!b->next)
			return NULL;
		b = &ct->pool[b->next - 1];
		bits = vgw_ct_sig_match(b, vgw_ct_sig(h));
	}
}

/* The entry of key k (hash h), NULL if absent. */
static inline struct vgw_ct_entry *find(struct vgw_ct *ct, const struct vgw_ct_key *k,
					uint32_t h, enum vgw_ct_dir *dir)
{
	const struct vgw_ct_bucket *b = &ct->b[vgw_ct_bucket_of(ct, h)];
	unsigned int bits = vgw_ct_sig_match(b, vgw_ct_sig(h));
	if (likely(!bits && !b->next))
		return NULL;
	return find_slow(ct, k, h, b, bits, dir);
}

struct vgw_ct_entry *vgw_ct_lookup_hashed(struct vgw_ct *ct, const struct vgw_ct_key *key,
					  uint32_t hash, enum vgw_ct_dir *dir)
{
	return find(ct, key, hash, dir);
}

struct vgw_ct_entry *vgw_ct_lookup(struct vgw_ct *ct, const struct vgw_ct_key *key,
				   enum vgw_ct_dir *dir)
{
	return find(ct, key, vgw_ct_hash(key), dir);
}

/* Adds hash h -> ref (entry << 1 | direction); false when the overflow pool
 * is exhausted. */
static inline bool index_add(struct vgw_ct *ct, uint32_t h, uint32_t ref)
{
	struct vgw_ct_bucket *b = &ct->b[vgw_ct_bucket_of(ct, h)];
	for (;;) {
		unsigned int free = vgw_ct_sig_match(b, 0);
		if (likely(free)) {
			unsigned int s = (unsigned int)__builtin_ctz(free);
			b->sig[s] = vgw_ct_sig(h);
			b->ref[s] = vgw_ct_tag(h) | ref;
			ct->keys++;
			return true;
		}
		if (!b->next)
			break;
		b = &ct->pool[b->next - 1];
	}
	if (!ct->pool_free)
		return false;
	uint32_t o = ct->pool_free;
	struct vgw_ct_bucket *nb = &ct->pool[o - 1];
	ct->pool_free = nb->next;
	memset(nb, 0, sizeof(*nb));
	nb->sig[0] = vgw_ct_sig(h);
	nb->ref[0] = vgw_ct_tag(h) | ref;
	b->next = o;
	ct->keys++;
	return true;
}

/* Removes the slot of hash h -> ref (present); an emptied overflow bucket
 * goes back to the pool. Matches the reference, not the key: no entry is
 * read. */
static inline void index_del(struct vgw_ct *ct, uint32_t h, uint32_t ref)
{
	uint8_t sig = vgw_ct_sig(h);
	uint32_t want = vgw_ct_tag(h) | ref;
	struct vgw_ct_bucket *prev = NULL, *b = &ct->b[vgw_ct_bucket_of(ct, h)];
	for (;;) {
		for (unsigned int bits = vgw_ct_sig_match(b, sig); bits; bits &= bits - 1) {
			unsigned int s = (unsigned int)__builtin_ctz(bits);
			if (b->ref[s] != want)
				continue;
			b->sig[s] = 0;
			ct->keys--;
			if (prev && vgw_ct_sig_match(b, 0) == (1u << VGW_CT_SLOTS) - 1) {
				uint32_t o = prev->next;
				prev->next = b->next;
				b->next = ct->pool_free;
				ct->pool_free = o;
			}
			return;
		}
		if (!b->next)
			return;
		prev = b;
		b = &ct->pool[b->next - 1];
	}
}

struct vgw_ct *vgw_ct_create(const char *name, uint32_t cap, int socket,
			     const struct vgw_ct_timeouts *to, char *err)
{
	if (cap > VGW_CT_MAX_ENTRIES) {
		snprintf(err, VGW_ERR_LEN, "conntrack %s: %u entries, at most %u", name, cap,
			 VGW_CT_MAX_ENTRIES);
		return NULL;
	}
	struct vgw_ct *ct = rte_zmalloc_socket(name, sizeof(*ct), 64, socket);
	if (!ct) {
		snprintf(err, VGW_ERR_LEN, "out of memory for conntrack %s", name);
		return NULL;
	}
	ct->cap = cap;
	ct->to = to ? *to : vgw_ct_default_timeouts;
	for (unsigned int c = 0; c < 2; c++)
		for (unsigned int st = 0; st < VGW_CT_TCP_N_STATES; st++)
			ct->tcp_timeout[c][st] = tcp_state_timeout(&ct->to, st, c);
	ct->unconfirmed_head = ct->unconfirmed_tail = VGW_CT_NIL;
	ct->victim = VGW_CT_NIL;
	uint32_t nb = n_buckets(cap), np = n_pool(nb), ng = n_groups(cap);
	ct->nb = nb;
	ct->b = rte_zmalloc_socket(name, (size_t)nb * sizeof(*ct->b), 64, socket);
	ct->pool = rte_zmalloc_socket(name, (size_t)np * sizeof(*ct->pool), 64, socket);
	ct->e = rte_zmalloc_socket(name, sizeof(*ct->e) * cap, 64, socket);
	ct->age_min = rte_malloc_socket(name, sizeof(uint32_t) * ng, 64, socket);
	if (!ct->b || !ct->pool || !ct->e || !ct->age_min) {
		snprintf(err, VGW_ERR_LEN, "cannot create conntrack %s (%u entries): %s", name, cap,
			 rte_strerror(rte_errno));
		vgw_ct_destroy(ct);
		return NULL;
	}
	ct->bytes = vgw_ct_memsize(cap);
	for (uint32_t i = 0; i < np; i++)
		ct->pool[i].next = i + 1 < np ? i + 2 : 0;
	ct->pool_free = 1;
	for (uint32_t i = 0; i < cap; i++) {
		ct->e[i].lru_next = i + 1 < cap ? i + 1 : VGW_CT_NIL;
		ct->e[i].exp = UINT32_MAX;
	}
	for (uint32_t g = 0; g < ng; g++)
		ct->age_min[g] = UINT32_MAX;
	ct->free_head = cap ? 0 : VGW_CT_NIL;
	return ct;
}

void vgw_ct_destroy(struct vgw_ct *ct)
{
	if (!ct)
		return;
	rte_free(ct->b);
	rte_free(ct->pool);
	rte_free(ct->e);
	rte_free(ct->age_min);
	rte_free(ct);
}

static void lru_unlink(struct vgw_ct *ct, struct vgw_ct_entry *e)
{
	if (e->lru_prev != VGW_CT_NIL)
		ct->e[e->lru_prev].lru_next = e->lru_next;
	else
		ct->unconfirmed_head = e->lru_next;
	if (e->lru_next != VGW_CT_NIL)
		ct->e[e->lru_next].lru_prev = e->lru_prev;
	else
		ct->unconfirmed_tail = e->lru_prev;
}

/* Takes e (index i, key hashes h) out of the table; the caller counts why. */
static void unlink_entry(struct vgw_ct *ct, struct vgw_ct_entry *e, uint32_t i,
			 const uint32_t h[2])
{
	if (!e->confirmed) {
		lru_unlink(ct, e);
		ct->n_unconfirmed--;
	}
	index_del(ct, h[VGW_CT_ORIG], i << 1 | VGW_CT_ORIG);
	index_del(ct, h[VGW_CT_REPLY], i << 1 | VGW_CT_REPLY);
	if (ct->victim == i)
		ct->victim = VGW_CT_NIL;
	e->used = false;
	e->exp = UINT32_MAX;
	e->lru_next = ct->free_head;
	ct->free_head = i;
	ct->n--;
}

static void unlink_entry_rehash(struct vgw_ct *ct, struct vgw_ct_entry *e)
{
	uint32_t h[2] = {hash_of(e, VGW_CT_ORIG), hash_of(e, VGW_CT_REPLY)};
	unlink_entry(ct, e, (uint32_t)(e - ct->e), h);
}

void vgw_ct_delete(struct vgw_ct *ct, struct vgw_ct_entry *e)
{
	unlink_entry_rehash(ct, e);
	ct->st.deleted++;
}

/* Under a flood every insert evicts the list's head, whose entry and two
 * buckets are cold in a big table: fetch the next victim's buckets (its
 * entry was fetched one eviction earlier) and the entry after it, so the
 * next evictions find them in cache; its hashes are kept for then. */
static inline void prefetch_victims(struct vgw_ct *ct)
{
	uint32_t v = ct->unconfirmed_head;
	if (v == VGW_CT_NIL)
		return;
	const struct vgw_ct_entry *e = &ct->e[v];
	ct->victim = v;
	ct->victim_hash[VGW_CT_ORIG] = hash_of(e, VGW_CT_ORIG);
	ct->victim_hash[VGW_CT_REPLY] = hash_of(e, VGW_CT_REPLY);
	vgw_ct_prefetch_bucket(ct, ct->victim_hash[VGW_CT_ORIG]);
	vgw_ct_prefetch_bucket(ct, ct->victim_hash[VGW_CT_REPLY]);
	if (e->lru_next != VGW_CT_NIL)
		rte_prefetch0(&ct->e[e->lru_next]);
}

/* The oldest flow that never proved itself makes room. */
static void evict(struct vgw_ct *ct)
{
	uint32_t v = ct->unconfirmed_head;
	struct vgw_ct_entry *e = &ct->e[v];
	if (ct->on_evict)
		ct->on_evict(e, ct->evict_arg);
	if (ct->victim == v)
		unlink_entry(ct, e, v, ct->victim_hash);
	else
		unlink_entry_rehash(ct, e);
	ct->st.evicted++;
	prefetch_victims(ct);
}

/* Deadlines are stored in 32 bits (ticks are seconds on workers). Every
 * deadline written lowers its group's bound (see "Memory" in ct.h). */
static inline void set_deadline(struct vgw_ct *ct, struct vgw_ct_entry *e, uint32_t i,
				uint64_t now)
{
	uint64_t d = now + timeout_of(ct, e);
	uint32_t x = d < UINT32_MAX ? (uint32_t)d : UINT32_MAX - 1;
	e->exp = x;
	uint32_t *m = &ct->age_min[i / VGW_CT_AGE_GROUP];
	if (x < *m)
		*m = x;
}

struct vgw_ct_entry *vgw_ct_insert_hashed(struct vgw_ct *ct, const struct vgw_ct_key *orig,
					  uint32_t orig_hash, const struct vgw_ct_key *reply,
					  uint64_t now, enum vgw_ct_insert_result *res)
{
	*res = VGW_CT_NEW;
	uint32_t reply_hash = vgw_ct_hash(reply);
	enum vgw_ct_dir d;
	if (find(ct, reply, reply_hash, &d)) {
		*res = VGW_CT_CLASH;
		return NULL;
	}
	if (unlikely(orig->vni != 0 || reply->dst != orig->src || reply->dport != orig->sport ||
		     reply->proto != orig->proto)) {
		/* not the two directions of one flow (ct.h): a caller bug */
		ct->st.full++;
		*res = VGW_CT_FULL;
		return NULL;
	}
	if (ct->free_head == VGW_CT_NIL) {
		if (ct->unconfirmed_head == VGW_CT_NIL) {
			ct->st.full++;
			*res = VGW_CT_FULL;
			return NULL;
		}
		evict(ct);
		*res = VGW_CT_NEW_EVICTED;
	}
	uint32_t i = ct->free_head;
	if (unlikely(!index_add(ct, orig_hash, i << 1 | VGW_CT_ORIG))) {
		ct->st.full++;
		*res = VGW_CT_FULL;
		return NULL; /* the entry stays free */
	}
	if (unlikely(!index_add(ct, reply_hash, i << 1 | VGW_CT_REPLY))) {
		index_del(ct, orig_hash, i << 1 | VGW_CT_ORIG);
		ct->st.full++;
		*res = VGW_CT_FULL;
		return NULL;
	}
	struct vgw_ct_entry *e = &ct->e[i];
	ct->free_head = e->lru_next;
	/* newest at the tail of the unconfirmed list */
	uint32_t tail = ct->unconfirmed_tail;
	*e = (struct vgw_ct_entry){
		.be_ip = reply->src, .c_ip = orig->src, .vip = orig->dst, .be_vni = reply->vni,
		.be_port = reply->sport, .c_port = orig->sport, .vip_port = orig->dport,
		.proto = orig->proto, .used = true, .lru_prev = tail, .lru_next = VGW_CT_NIL,
	};
	if (tail != VGW_CT_NIL)
		ct->e[tail].lru_next = i;
	else
		ct->unconfirmed_head = i;
	ct->unconfirmed_tail = i;
	ct->n_unconfirmed++;
	ct->n++;
	ct->st.created++;
	set_deadline(ct, e, i, now);
	return e;
}

struct vgw_ct_entry *vgw_ct_insert(struct vgw_ct *ct, const struct vgw_ct_key *orig,
				   const struct vgw_ct_key *reply, uint64_t now,
				   enum vgw_ct_insert_result *res)
{
	return vgw_ct_insert_hashed(ct, orig, vgw_ct_hash(orig), reply, now, res);
}

void vgw_ct_touch(struct vgw_ct *ct, struct vgw_ct_entry *e, uint64_t now)
{
	set_deadline(ct, e, (uint32_t)(e - ct->e), now);
}

bool vgw_ct_confirm(struct vgw_ct *ct, struct vgw_ct_entry *e, uint64_t now)
{
	if (e->confirmed)
		return false;
	lru_unlink(ct, e);
	ct->n_unconfirmed--;
	e->confirmed = true;
	ct->st.confirmed++;
	set_deadline(ct, e, (uint32_t)(e - ct->e), now);
	return true;
}

/* Looks at the same slots, in the same order, as a scan of every entry's
 * deadline would, but a whole group whose bound is in the future counts as
 * looked at without reading its entries. A group scanned whole in one call
 * gets its bound back up to its entries' smallest deadline. */
uint32_t vgw_ct_age(struct vgw_ct *ct, uint64_t now, uint32_t budget,
		    void (*on_expire)(const struct vgw_ct_entry *e, void *arg), void *arg)
{
	uint32_t n = 0, left = budget < ct->cap ? budget : ct->cap;
	uint32_t i = ct->age_cursor;
	uint32_t gmin = UINT32_MAX;
	bool whole = false; /* this call scans i's group from its first entry */
	while (left) {
		uint32_t g = i / VGW_CT_AGE_GROUP;
		if (i % VGW_CT_AGE_GROUP == 0) {
			uint32_t gn = ct->cap - i < VGW_CT_AGE_GROUP ? ct->cap - i : VGW_CT_AGE_GROUP;
			if (gn <= left && now < ct->age_min[g]) {
				left -= gn;
				i = i + gn == ct->cap ? 0 : i + gn;
				continue;
			}
			gmin = UINT32_MAX;
			whole = true;
		}
		left--;
		struct vgw_ct_entry *e = &ct->e[i];
		uint32_t x = e->exp;
		if (now < x || x == UINT32_MAX) { /* also skips free slots */
			gmin = x < gmin ? x : gmin;
		} else {
			if (on_expire)
				on_expire(e, arg);
			unlink_entry_rehash(ct, e);
			ct->st.expired++;
			n++;
		}
		i = i + 1 == ct->cap ? 0 : i + 1;
		if (whole && i % VGW_CT_AGE_GROUP == 0) { /* (0 after a partial last group) */
			ct->age_min[g] = gmin;
			whole = false;
		}
	}
	ct->age_cursor = i;
	return n;
}

void vgw_ct_index_stats(const struct vgw_ct *ct, struct vgw_ct_index_stats *st)
{
	*st = (struct vgw_ct_index_stats){.buckets = ct->nb, .pool = n_pool(ct->nb)};
	for (uint32_t i = 0; i < ct->nb; i++) {
		const struct vgw_ct_bucket *b = &ct->b[i];
		uint32_t len = 1;
		st->overflowed += b->next != 0;
		for (b = b->next ? &ct->pool[b->next - 1] : NULL; b;
		     b = b->next ? &ct->pool[b->next - 1] : NULL) {
			len++;
			st->pool_used++;
			st->keys_overflow += (uint32_t)__builtin_popcount(
				~vgw_ct_sig_match(b, 0) & ((1u << VGW_CT_SLOTS) - 1));
		}
		st->longest = len > st->longest ? len : st->longest;
	}
}
