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
_Static_assert(sizeof(struct vgw_ct_entry) == 60, "entry size is in doc/performance.md");

/* Geometry: buckets = the smallest power of two holding 2 keys per entry at
 * 6 of 8 slots, overflow pool = a quarter of that (a Poisson bucket load
 * of 6 passes 8 in about 15% of buckets). */
static uint32_t n_buckets(uint32_t cap)
{
	uint64_t need = ((uint64_t)cap * 2 + 5) / 6;
	uint32_t nb = 16;
	while (nb < need)
		nb <<= 1;
	return nb;
}

static uint32_t n_pool(uint32_t nb)
{
	return nb / 4 + 16;
}

size_t vgw_ct_memsize(uint32_t cap)
{
	uint32_t nb = n_buckets(cap);
	return sizeof(struct vgw_ct) + (size_t)(nb + n_pool(nb)) * sizeof(struct vgw_ct_bucket) +
	       (size_t)cap * (sizeof(struct vgw_ct_entry) + sizeof(uint32_t));
}

struct vgw_ct_key vgw_ct_key_of(const struct vgw_ct_entry *e, enum vgw_ct_dir dir)
{
	if (dir == VGW_CT_ORIG)
		return (struct vgw_ct_key){.src = e->c_ip, .dst = e->vip, .sport = e->c_port,
					   .dport = e->vip_port, .proto = e->proto};
	return (struct vgw_ct_key){.vni = e->be_vni, .src = e->be_ip, .dst = e->c_ip,
				   .sport = e->be_port, .dport = e->c_port, .proto = e->proto};
}

static inline bool key_is(const struct vgw_ct_entry *e, uint32_t dir, const struct vgw_ct_key *k)
{
	if (k->proto != e->proto)
		return false;
	if (dir == VGW_CT_ORIG)
		return k->vni == 0 && k->src == e->c_ip && k->dst == e->vip &&
		       k->sport == e->c_port && k->dport == e->vip_port;
	return k->vni == e->be_vni && k->src == e->be_ip && k->dst == e->c_ip &&
	       k->sport == e->be_port && k->dport == e->c_port;
}

static inline struct vgw_ct_bucket *next_of(struct vgw_ct *ct, const struct vgw_ct_bucket *b)
{
	return b->next ? &ct->pool[b->next - 1] : NULL;
}

/* The bucket and slot holding key (hash h); NULL if absent. */
static struct vgw_ct_bucket *find(struct vgw_ct *ct, const struct vgw_ct_key *k, uint32_t h,
				  unsigned int *slot)
{
	uint16_t sig = vgw_ct_sig(h);
	for (struct vgw_ct_bucket *b = &ct->b[h & ct->mask]; b; b = next_of(ct, b)) {
		for (unsigned int bits = vgw_ct_sig_match(b, sig); bits; bits &= bits - 1) {
			unsigned int s = (unsigned int)__builtin_ctz(bits) / 2;
			uint32_t ref = b->ref[s];
			if (key_is(&ct->e[ref >> 1], ref & 1, k)) {
				*slot = s;
				return b;
			}
		}
	}
	return NULL;
}

struct vgw_ct_entry *vgw_ct_lookup(struct vgw_ct *ct, const struct vgw_ct_key *key,
				   enum vgw_ct_dir *dir)
{
	unsigned int s;
	struct vgw_ct_bucket *b = find(ct, key, vgw_ct_hash(key), &s);
	if (!b)
		return NULL;
	*dir = (enum vgw_ct_dir)(b->ref[s] & 1);
	return &ct->e[b->ref[s] >> 1];
}

/* Adds key -> ref; false when the overflow pool is exhausted. */
static bool index_add(struct vgw_ct *ct, const struct vgw_ct_key *k, uint32_t ref)
{
	uint32_t h = vgw_ct_hash(k);
	uint16_t sig = vgw_ct_sig(h);
	struct vgw_ct_bucket *b = &ct->b[h & ct->mask];
	for (;;) {
		unsigned int free = vgw_ct_sig_match(b, 0);
		if (free) {
			unsigned int s = (unsigned int)__builtin_ctz(free) / 2;
			b->sig[s] = sig;
			b->ref[s] = ref;
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
	nb->sig[0] = sig;
	nb->ref[0] = ref;
	b->next = o;
	ct->keys++;
	return true;
}

/* Removes the slot of key k (present); an emptied overflow bucket goes back
 * to the pool. */
static void index_del(struct vgw_ct *ct, const struct vgw_ct_key *k)
{
	uint32_t h = vgw_ct_hash(k);
	unsigned int s;
	struct vgw_ct_bucket *b = find(ct, k, h, &s);
	if (!b)
		return;
	b->sig[s] = 0;
	ct->keys--;
	struct vgw_ct_bucket *head = &ct->b[h & ct->mask];
	if (b == head || vgw_ct_sig_match(b, 0) != 0x5555u)
		return;
	struct vgw_ct_bucket *prev = head;
	while (next_of(ct, prev) != b)
		prev = next_of(ct, prev);
	uint32_t o = prev->next;
	prev->next = b->next;
	b->next = ct->pool_free;
	ct->pool_free = o;
}

struct vgw_ct *vgw_ct_create(const char *name, uint32_t cap, int socket,
			     const struct vgw_ct_timeouts *to, char *err)
{
	struct vgw_ct *ct = rte_zmalloc_socket(name, sizeof(*ct), 64, socket);
	if (!ct) {
		snprintf(err, VGW_ERR_LEN, "out of memory for conntrack %s", name);
		return NULL;
	}
	ct->cap = cap;
	ct->to = to ? *to : vgw_ct_default_timeouts;
	ct->unconfirmed_head = ct->unconfirmed_tail = VGW_CT_NIL;
	uint32_t nb = n_buckets(cap), np = n_pool(nb);
	ct->mask = nb - 1;
	ct->b = rte_zmalloc_socket(name, (size_t)nb * sizeof(*ct->b), 64, socket);
	ct->pool = rte_zmalloc_socket(name, (size_t)np * sizeof(*ct->pool), 64, socket);
	ct->e = rte_zmalloc_socket(name, sizeof(*ct->e) * cap, 64, socket);
	ct->exp = rte_malloc_socket(name, sizeof(uint32_t) * cap, 64, socket);
	if (!ct->b || !ct->pool || !ct->e || !ct->exp) {
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
		ct->exp[i] = UINT32_MAX;
	}
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
	rte_free(ct->exp);
	rte_free(ct);
}

static void lru_unlink(struct vgw_ct *ct, struct vgw_ct_entry *e)
{
	uint32_t i = (uint32_t)(e - ct->e);
	if (e->lru_prev != VGW_CT_NIL)
		ct->e[e->lru_prev].lru_next = e->lru_next;
	else if (ct->unconfirmed_head == i)
		ct->unconfirmed_head = e->lru_next;
	if (e->lru_next != VGW_CT_NIL)
		ct->e[e->lru_next].lru_prev = e->lru_prev;
	else if (ct->unconfirmed_tail == i)
		ct->unconfirmed_tail = e->lru_prev;
	e->lru_prev = e->lru_next = VGW_CT_NIL;
}

void vgw_ct_delete(struct vgw_ct *ct, struct vgw_ct_entry *e)
{
	uint32_t i = (uint32_t)(e - ct->e);
	if (!e->confirmed) {
		lru_unlink(ct, e);
		ct->n_unconfirmed--;
	}
	struct vgw_ct_key o = vgw_ct_key_of(e, VGW_CT_ORIG), r = vgw_ct_key_of(e, VGW_CT_REPLY);
	index_del(ct, &o);
	index_del(ct, &r);
	e->used = false;
	ct->exp[i] = UINT32_MAX;
	e->lru_next = ct->free_head;
	ct->free_head = i;
	ct->n--;
	ct->st.deleted++;
}

static uint32_t tcp_state_timeout(const struct vgw_ct *ct, uint8_t state)
{
	switch (state) {
	case VGW_TCP_ESTABLISHED: return ct->to.tcp_established;
	case VGW_TCP_TIME_WAIT: return ct->to.tcp_time_wait;
	case VGW_TCP_CLOSE: return ct->to.tcp_close;
	default: return ct->to.tcp_transitory;
	}
}

uint32_t vgw_ct_timeout(const struct vgw_ct *ct, const struct vgw_ct_entry *e)
{
	switch (e->proto) {
	case 6: {
		uint32_t t = tcp_state_timeout(ct, e->tcp.state);
		/* an unproved flow never outlives the short timeout */
		return !e->confirmed && ct->to.tcp_unconfirmed < t ? ct->to.tcp_unconfirmed : t;
	}
	case 17:
		return e->confirmed ? ct->to.udp : ct->to.udp_unreplied;
	default:
		return ct->to.icmp;
	}
}

/* Under a flood every insert evicts the list's head, whose entry and two
 * buckets are cold in a big table: fetch the next victim's buckets (its
 * entry was fetched one eviction earlier) and the entry after it, so the
 * next evictions find them in cache. */
static inline void prefetch_victims(const struct vgw_ct *ct)
{
	uint32_t v = ct->unconfirmed_head;
	if (v == VGW_CT_NIL)
		return;
	const struct vgw_ct_entry *e = &ct->e[v];
	struct vgw_ct_key o = vgw_ct_key_of(e, VGW_CT_ORIG), r = vgw_ct_key_of(e, VGW_CT_REPLY);
	vgw_ct_prefetch_bucket(ct, vgw_ct_hash(&o));
	vgw_ct_prefetch_bucket(ct, vgw_ct_hash(&r));
	if (e->lru_next != VGW_CT_NIL)
		rte_prefetch0(&ct->e[e->lru_next]);
}

/* Deadlines are stored in 32 bits (ticks are seconds on workers). */
static inline uint32_t deadline(uint64_t now, uint32_t timeout)
{
	uint64_t d = now + timeout;
	return d < UINT32_MAX ? (uint32_t)d : UINT32_MAX - 1;
}

struct vgw_ct_entry *vgw_ct_insert(struct vgw_ct *ct, const struct vgw_ct_key *orig,
				   const struct vgw_ct_key *reply, uint64_t now,
				   enum vgw_ct_insert_result *res)
{
	*res = VGW_CT_NEW;
	unsigned int s;
	if (find(ct, reply, vgw_ct_hash(reply), &s)) {
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
		/* the oldest flow that never proved itself makes room */
		if (ct->on_evict)
			ct->on_evict(&ct->e[ct->unconfirmed_head], ct->evict_arg);
		vgw_ct_delete(ct, &ct->e[ct->unconfirmed_head]);
		ct->st.deleted--;
		ct->st.evicted++;
		*res = VGW_CT_NEW_EVICTED;
		prefetch_victims(ct);
	}
	uint32_t i = ct->free_head;
	struct vgw_ct_entry *e = &ct->e[i];
	uint32_t next_free = e->lru_next;
	memset(e, 0, sizeof(*e));
	e->c_ip = orig->src;
	e->vip = orig->dst;
	e->c_port = orig->sport;
	e->vip_port = orig->dport;
	e->proto = orig->proto;
	e->be_vni = reply->vni;
	e->be_ip = reply->src;
	e->be_port = reply->sport;
	if (!index_add(ct, orig, i << 1 | VGW_CT_ORIG)) {
		ct->st.full++;
		*res = VGW_CT_FULL;
		return NULL; /* the entry stays free: free_head unchanged */
	}
	if (!index_add(ct, reply, i << 1 | VGW_CT_REPLY)) {
		index_del(ct, orig);
		ct->st.full++;
		*res = VGW_CT_FULL;
		return NULL;
	}
	ct->free_head = next_free;
	e->used = true;
	/* newest at the tail of the unconfirmed list */
	e->lru_next = VGW_CT_NIL;
	e->lru_prev = ct->unconfirmed_tail;
	if (ct->unconfirmed_tail != VGW_CT_NIL)
		ct->e[ct->unconfirmed_tail].lru_next = i;
	else
		ct->unconfirmed_head = i;
	ct->unconfirmed_tail = i;
	ct->n_unconfirmed++;
	ct->n++;
	ct->st.created++;
	ct->exp[i] = deadline(now, vgw_ct_timeout(ct, e));
	return e;
}

void vgw_ct_touch(struct vgw_ct *ct, struct vgw_ct_entry *e, uint64_t now)
{
	ct->exp[e - ct->e] = deadline(now, vgw_ct_timeout(ct, e));
}

bool vgw_ct_confirm(struct vgw_ct *ct, struct vgw_ct_entry *e, uint64_t now)
{
	if (e->confirmed)
		return false;
	lru_unlink(ct, e);
	ct->n_unconfirmed--;
	e->confirmed = true;
	ct->st.confirmed++;
	ct->exp[e - ct->e] = deadline(now, vgw_ct_timeout(ct, e));
	return true;
}

uint32_t vgw_ct_age(struct vgw_ct *ct, uint64_t now, uint32_t budget,
		    void (*on_expire)(const struct vgw_ct_entry *e, void *arg), void *arg)
{
	uint32_t n = 0;
	for (uint32_t k = 0; k < budget && k < ct->cap; k++) {
		uint32_t i = ct->age_cursor;
		ct->age_cursor = i + 1 == ct->cap ? 0 : i + 1;
		if (now < ct->exp[i] || ct->exp[i] == UINT32_MAX) /* also skips free slots */
			continue;
		struct vgw_ct_entry *e = &ct->e[i];
		if (on_expire)
			on_expire(e, arg);
		vgw_ct_delete(ct, e);
		ct->st.deleted--;
		ct->st.expired++;
		n++;
	}
	return n;
}
