/* A worker's SNAT state (snat_engine.h). Worker only, but for creation. */
#include "snat_engine.h"

#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "../util/parse.h"

/* ---- keys of the private indexes ---- */

static inline uint64_t in_k0(uint32_t vni, uint32_t ip)
{
	return (uint64_t)vni << 32 | ip;
}

static inline uint64_t port_k1(uint16_t port, uint8_t proto)
{
	return (uint64_t)port << 8 | proto;
}

/* ---- creation ---- */

size_t vgw_snat_engine_memsize(uint32_t sessions, uint32_t mappings, uint32_t vms)
{
	return sizeof(struct vgw_snat_engine) + vgw_ct_memsize(sessions) +
	       (size_t)mappings * (sizeof(struct vgw_snat_map) + sizeof(struct vgw_snat_blk)) +
	       (size_t)vms * sizeof(struct vgw_snat_vm) + 2 * vgw_snat_tab_memsize(mappings) +
	       vgw_snat_tab_memsize(vms) + vgw_snat_tab_memsize(sessions) +
	       (size_t)VGW_SNAT_MAX_SLOTS * (sizeof(*((struct vgw_snat_engine *)0)->taken) +
					     sizeof(*((struct vgw_snat_engine *)0)->ports));
}

static void on_evict(const struct vgw_ct_entry *e, void *arg);

struct vgw_snat_engine *vgw_snat_engine_create(const struct vgw_snat_tables *t, unsigned int idx,
					       unsigned int n_workers, uint32_t sessions,
					       uint32_t mappings, uint32_t vms,
					       const struct vgw_ct_timeouts *to, int socket,
					       char *err)
{
	char name[32];
	if (mappings >= (1u << 23) || !mappings || !vms || !sessions) {
		snprintf(err, VGW_ERR_LEN, "snat: %u mappings, %u VMs, %u sessions per worker",
			 mappings, vms, sessions);
		return NULL;
	}
	snprintf(name, sizeof(name), "snat%u", idx);
	struct vgw_snat_engine *s = rte_zmalloc_socket(name, sizeof(*s), 64, socket);
	if (!s) {
		snprintf(err, VGW_ERR_LEN, "out of memory for SNAT worker %u", idx);
		return NULL;
	}
	s->idx = idx;
	s->n_workers = n_workers ? n_workers : 1;
	s->r_mask = vgw_snat_residue_mask(s->n_workers);
	for (unsigned int b = 0; b < 64; b++)
		if (((b & s->r_mask) % s->n_workers) == idx)
			s->own_word |= 1ull << b;
	s->rnd = 0x9e3779b97f4a7c15ull ^ ((uint64_t)idx << 17 | 1);
	s->t = t;
	/* every mapping holds a session: more mappings than sessions never
	 * live; one more than that is the new mapping of a session whose
	 * insert is about to evict another (and with it, maybe, a mapping) */
	if (mappings > sessions)
		mappings = sessions;
	mappings++;
	s->map_cap = mappings;
	s->vm_cap = vms;
	s->blk_cap = mappings; /* a block holds at least one mapping */
	snprintf(name, sizeof(name), "snat_ct%u", idx);
	s->ct = vgw_ct_create(name, sessions, socket, to, err);
	if (!s->ct)
		goto fail;
	s->ct->on_evict = on_evict;
	s->ct->evict_arg = s;
	s->map = rte_zmalloc_socket("snat_map", sizeof(*s->map) * mappings, 64, socket);
	s->vm = rte_zmalloc_socket("snat_vm", sizeof(*s->vm) * vms, 64, socket);
	s->blk = rte_zmalloc_socket("snat_blk", sizeof(*s->blk) * s->blk_cap, 64, socket);
	s->taken = rte_zmalloc_socket("snat_taken", sizeof(*s->taken) * VGW_SNAT_MAX_SLOTS, 64,
				      socket);
	s->ports = rte_zmalloc_socket("snat_ports", sizeof(*s->ports) * VGW_SNAT_MAX_SLOTS, 64,
				      socket);
	if (!s->map || !s->vm || !s->blk || !s->taken || !s->ports) {
		snprintf(err, VGW_ERR_LEN, "out of memory for SNAT worker %u (%u mappings)", idx,
			 mappings);
		goto fail;
	}
	if (vgw_snat_tab_create(&s->in, "snat_in", mappings, socket, err) < 0 ||
	    vgw_snat_tab_create(&s->out, "snat_out", mappings, socket, err) < 0 ||
	    vgw_snat_tab_create(&s->vms, "snat_vms", vms, socket, err) < 0 ||
	    vgw_snat_tab_create(&s->adf, "snat_adf", sessions, socket, err) < 0)
		goto fail;
	for (uint32_t i = 0; i < mappings; i++)
		s->map[i].sessions = i + 1 < mappings ? i + 1 : VGW_SNAT_NIL;
	for (uint32_t i = 0; i < vms; i++)
		s->vm[i].maps = i + 1 < vms ? i + 1 : VGW_SNAT_NIL;
	for (uint32_t i = 0; i < s->blk_cap; i++)
		s->blk[i].vm = i + 1 < s->blk_cap ? i + 1 : VGW_SNAT_NIL;
	s->map_free = s->vm_free = s->blk_free = 0;
	return s;
fail:
	vgw_snat_engine_destroy(s);
	return NULL;
}

void vgw_snat_engine_destroy(struct vgw_snat_engine *s)
{
	if (!s)
		return;
	vgw_ct_destroy(s->ct);
	rte_free(s->map);
	rte_free(s->vm);
	rte_free(s->blk);
	rte_free(s->taken);
	rte_free(s->ports);
	vgw_snat_tab_destroy(&s->in);
	vgw_snat_tab_destroy(&s->out);
	vgw_snat_tab_destroy(&s->vms);
	vgw_snat_tab_destroy(&s->adf);
	rte_free(s);
}

/* ---- VM records ---- */

static uint32_t vm_get(struct vgw_snat_engine *s, uint32_t vni, uint32_t ip)
{
	return vgw_snat_tab_get(&s->vms, in_k0(vni, ip), 0);
}

static void vm_put(struct vgw_snat_engine *s, uint32_t i)
{
	struct vgw_snat_vm *v = &s->vm[i];
	vgw_snat_tab_del(&s->vms, in_k0(v->vni, v->ip), 0);
	v->maps = s->vm_free;
	s->vm_free = i;
	s->n_vm--;
}

/* Some block of a's ports in [lo, hi] this worker may take and does not
 * hold: its number, or -1. */
static int free_block(struct vgw_snat_engine *s, const struct vgw_snat_addr *a, unsigned int pi,
		      uint16_t lo, uint16_t hi)
{
	if (a->owner != VGW_SNAT_ANY_WORKER && a->owner != s->idx)
		return -1;
	uint64_t own = a->owner == VGW_SNAT_ANY_WORKER ? s->own_word : ~0ull;
	unsigned int blo = lo >> VGW_SNAT_BLOCK_SHIFT, bhi = hi >> VGW_SNAT_BLOCK_SHIFT;
	unsigned int wlo = blo / 64, whi = bhi / 64, nw = whi - wlo + 1;
	/* start at a random word: the blocks of one address spread */
	s->rnd ^= s->rnd << 13, s->rnd ^= s->rnd >> 7, s->rnd ^= s->rnd << 17;
	unsigned int start = (unsigned int)(s->rnd % nw);
	for (unsigned int k = 0; k < nw; k++) {
		unsigned int w = wlo + (start + k) % nw;
		uint64_t range = ~0ull;
		if (w == blo / 64)
			range &= ~0ull << (blo % 64);
		if (w == bhi / 64 && bhi % 64 != 63)
			range &= (1ull << (bhi % 64 + 1)) - 1;
		uint64_t f = ~s->taken[a->slot][pi][w] & own & range;
		if (f)
			return (int)(w * 64 + (unsigned int)__builtin_ctzll(f));
	}
	return -1;
}

/* The VM's record, made (with its paired address) when it has none; NIL
 * with *v when it cannot be. */
static uint32_t vm_take(struct vgw_snat_engine *s, uint32_t vni, uint32_t ip,
			const struct vgw_snat_pool *pool, unsigned int pi,
			enum vgw_snat_verdict *v)
{
	uint32_t i = vm_get(s, vni, ip);
	bool stale = i != VGW_SNAT_TAB_NONE &&
		     atomic_load_explicit(&((struct vgw_snat_tables *)s->t)->slot_ip[s->vm[i].slot],
					  memory_order_relaxed) != s->vm[i].pub_ip;
	if (i != VGW_SNAT_TAB_NONE && !stale)
		return i;
	if (!stale && s->vm_free == VGW_SNAT_NIL) {
		*v = VGW_SNAT_FULL;
		return VGW_SNAT_NIL;
	}
	/* the paired address: from a hash of the VM, the first of the pool's
	 * that this worker may take a block of (RFC 4787 REQ-2: kept while
	 * the VM has mappings; a new one only when it left the pool) */
	const struct vgw_snat_addr *a = NULL;
	uint32_t h = vgw_snat_tab_hash(in_k0(vni, ip), 0);
	for (uint32_t k = 0; k < pool->n_addrs && !a; k++) {
		const struct vgw_snat_addr *c = &pool->addrs[(h + k) % pool->n_addrs];
		if (free_block(s, c, pi, pool->port_lo, pool->port_hi) >= 0)
			a = c;
	}
	if (!a) {
		*v = VGW_SNAT_EXHAUSTED;
		return VGW_SNAT_NIL;
	}
	if (stale) {
		s->vm[i].pub_ip = a->ip;
		s->vm[i].slot = a->slot;
		return i;
	}
	i = s->vm_free;
	struct vgw_snat_vm *r = &s->vm[i];
	s->vm_free = r->maps;
	*r = (struct vgw_snat_vm){.vni = vni, .ip = ip, .pub_ip = a->ip, .slot = a->slot,
				  .head = {VGW_SNAT_NIL, VGW_SNAT_NIL, VGW_SNAT_NIL}};
	vgw_snat_tab_add(&s->vms, in_k0(vni, ip), 0, i); /* cannot fail: vm_cap keys */
	s->n_vm++;
	return i;
}

/* ---- blocks and ports ---- */

static void blk_unlink(struct vgw_snat_engine *s, struct vgw_snat_vm *r, uint32_t bi)
{
	struct vgw_snat_blk *b = &s->blk[bi];
	if (b->prev != VGW_SNAT_NIL)
		s->blk[b->prev].next = b->next;
	else
		r->head[b->pidx] = b->next;
	if (b->next != VGW_SNAT_NIL)
		s->blk[b->next].prev = b->prev;
}

static void blk_push(struct vgw_snat_engine *s, struct vgw_snat_vm *r, uint32_t bi)
{
	struct vgw_snat_blk *b = &s->blk[bi];
	b->prev = VGW_SNAT_NIL;
	b->next = r->head[b->pidx];
	if (b->next != VGW_SNAT_NIL)
		s->blk[b->next].prev = bi;
	r->head[b->pidx] = bi;
}

/* A free port of block b whose (address, port, protocol) no mapping holds
 * (a removed-and-re-added address may still have detached ones), or -1. */
/* Whether a free bit of a block may still be some mapping's port: only
 * after an address left a pool (a removed address's mappings are detached
 * from their blocks' addresses until the sweep; snat.h). Until then a free
 * bit is a free port, and the table lookup (a cache miss in a big table)
 * is saved. */
static inline bool ports_may_clash(const struct vgw_snat_engine *s)
{
	return s->t && atomic_load_explicit(&((struct vgw_snat_tables *)s->t)->gen,
					    memory_order_relaxed) != 0;
}

static int block_port(struct vgw_snat_engine *s, const struct vgw_snat_blk *b, uint32_t pub_ip,
		      uint8_t proto)
{
	bool check = ports_may_clash(s);
	uint64_t f = ~b->used;
	/* from a random bit: ports are not handed out in sequence */
	s->rnd ^= s->rnd << 13, s->rnd ^= s->rnd >> 7, s->rnd ^= s->rnd << 17;
	unsigned int r = (unsigned int)(s->rnd & 63);
	f = r ? (f >> r | f << (64 - r)) : f;
	while (f) {
		unsigned int bit = ((unsigned int)__builtin_ctzll(f) + r) & 63;
		uint16_t port = (uint16_t)(b->num << VGW_SNAT_BLOCK_SHIFT | bit);
		if (!check ||
		    vgw_snat_tab_get(&s->out, pub_ip, port_k1(port, proto)) == VGW_SNAT_TAB_NONE)
			return (int)bit;
		f &= f - 1;
	}
	return -1;
}

/* Bit `bit` of block b if it is free and no mapping holds its port. */
static bool bit_free(const struct vgw_snat_engine *s, const struct vgw_snat_blk *b,
		     unsigned int bit, uint32_t pub_ip, uint8_t proto)
{
	uint16_t port = (uint16_t)(b->num << VGW_SNAT_BLOCK_SHIFT | bit);
	return !(b->used >> bit & 1) &&
	       (!ports_may_clash(s) ||
		vgw_snat_tab_get(&s->out, pub_ip, port_k1(port, proto)) == VGW_SNAT_TAB_NONE);
}

/* Takes a port for a mapping of VM r from its port `want`: the same port
 * when the VM's blocks hold it free, or when its block is free to take
 * (port preservation: the VM's own ephemeral choice is kept, RFC 4787
 * allows it), else any free port of the VM's blocks of the protocol, else
 * of a new block. Sets *bi and the port; -1 when none is free. */
static int port_take(struct vgw_snat_engine *s, uint32_t ri, const struct vgw_snat_pool *pool,
		     uint8_t proto, uint16_t want, uint32_t *bi_out, uint16_t *port)
{
	struct vgw_snat_vm *r = &s->vm[ri];
	unsigned int pi = vgw_snat_pidx(proto);
	unsigned int blo = pool->port_lo >> VGW_SNAT_BLOCK_SHIFT;
	unsigned int bhi = pool->port_hi >> VGW_SNAT_BLOCK_SHIFT;
	unsigned int wnum = want >> VGW_SNAT_BLOCK_SHIFT, wbit = want & (VGW_SNAT_BLOCK_PORTS - 1);
	bool want_ok = wnum >= blo && wnum <= bhi;
	for (uint32_t bi = r->head[pi]; want_ok && bi != VGW_SNAT_NIL; bi = s->blk[bi].next) {
		struct vgw_snat_blk *b = &s->blk[bi];
		if (b->num != wnum || b->slot != r->slot)
			continue;
		if (bit_free(s, b, wbit, r->pub_ip, proto)) {
			b->used |= 1ull << wbit;
			*bi_out = bi;
			*port = want;
			return 0;
		}
		break;
	}
	for (uint32_t bi = r->head[pi]; bi != VGW_SNAT_NIL; bi = s->blk[bi].next) {
		struct vgw_snat_blk *b = &s->blk[bi];
		/* a block out of the pool's current range, or of an address the
		 * VM no longer has, only drains */
		if (b->used == ~0ull || b->num < blo || b->num > bhi || b->slot != r->slot)
			continue;
		int bit = block_port(s, b, r->pub_ip, proto);
		if (bit < 0)
			continue;
		b->used |= 1ull << bit;
		*bi_out = bi;
		*port = (uint16_t)(b->num << VGW_SNAT_BLOCK_SHIFT | (unsigned int)bit);
		return 0;
	}
	if (s->blk_free == VGW_SNAT_NIL)
		return -1;
	const struct vgw_snat_addr a = {.ip = r->pub_ip, .slot = r->slot,
					.owner = s->t && s->t->steer == VGW_SNAT_STEER_ADDRESS
							 ? (uint8_t)s->idx
							 : VGW_SNAT_ANY_WORKER};
	int num = -1;
	uint64_t own = a.owner == VGW_SNAT_ANY_WORKER ? s->own_word : ~0ull;
	if (want_ok && (own >> (wnum % 64) & 1) && !(s->taken[r->slot][pi][wnum / 64] >> (wnum % 64) & 1))
		num = (int)wnum;
	if (num < 0)
		num = free_block(s, &a, pi, pool->port_lo, pool->port_hi);
	if (num < 0)
		return -1;
	uint32_t bi = s->blk_free;
	struct vgw_snat_blk *b = &s->blk[bi];
	s->blk_free = b->vm;
	*b = (struct vgw_snat_blk){.vm = ri, .slot = r->slot, .num = (uint16_t)num,
				   .pidx = (uint8_t)pi};
	s->taken[r->slot][pi][num / 64] |= 1ull << (num % 64);
	s->n_blk++;
	blk_push(s, r, bi);
	int bit = (unsigned int)num == wnum && bit_free(s, b, wbit, r->pub_ip, proto)
			  ? (int)wbit
			  : block_port(s, b, r->pub_ip, proto);
	if (bit < 0)
		bit = 0; /* a fresh block: no mapping holds its ports */
	b->used |= 1ull << bit;
	*bi_out = bi;
	*port = (uint16_t)(num << VGW_SNAT_BLOCK_SHIFT | bit);
	return 0;
}

static void port_put(struct vgw_snat_engine *s, const struct vgw_snat_map *m)
{
	struct vgw_snat_blk *b = &s->blk[m->blk];
	b->used &= ~(1ull << (m->pub_port & (VGW_SNAT_BLOCK_PORTS - 1)));
	s->ports[m->slot][b->pidx]--;
	if (b->used)
		return;
	/* the block's last port: back to the worker's free blocks */
	blk_unlink(s, &s->vm[b->vm], m->blk);
	s->taken[b->slot][b->pidx][b->num / 64] &= ~(1ull << (b->num % 64));
	b->vm = s->blk_free;
	s->blk_free = m->blk;
	s->n_blk--;
}

/* ---- mappings ---- */

uint32_t vgw_snat_map_find(const struct vgw_snat_engine *s, uint32_t vni, uint32_t ip,
			   uint16_t port, uint8_t proto)
{
	uint32_t i = vgw_snat_tab_get(&s->in, in_k0(vni, ip), port_k1(port, proto));
	return i == VGW_SNAT_TAB_NONE ? VGW_SNAT_NIL : i;
}

static void map_detach(struct vgw_snat_engine *s, struct vgw_snat_map *m)
{
	if (m->detached)
		return;
	vgw_snat_tab_del(&s->in, in_k0(m->vni, m->vm_ip), port_k1(m->vm_port, m->proto));
	vgw_snat_tab_del(&s->out, m->pub_ip, port_k1(m->pub_port, m->proto));
	m->detached = true;
}

static void map_put(struct vgw_snat_engine *s, uint32_t mi)
{
	struct vgw_snat_map *m = &s->map[mi];
	map_detach(s, m);
	port_put(s, m);
	struct vgw_snat_vm *r = &s->vm[m->vm];
	if (--r->maps == 0)
		vm_put(s, m->vm);
	m->used = false;
	m->sessions = s->map_free;
	s->map_free = mi;
	s->n_map--;
	s->st.maps_ended++;
}

/* A new mapping for the VM's (vni, ip, port, proto), holding one session
 * reference already; NIL with *v. */
static uint32_t map_new(struct vgw_snat_engine *s, const struct vgw_ct_key *rk,
			const struct vgw_snat_pool *pool, enum vgw_snat_verdict *v)
{
	if (s->map_free == VGW_SNAT_NIL) {
		*v = VGW_SNAT_FULL;
		return VGW_SNAT_NIL;
	}
	unsigned int pi = vgw_snat_pidx(rk->proto);
	uint32_t ri = vm_take(s, rk->vni, rk->src, pool, pi, v);
	if (ri == VGW_SNAT_NIL)
		return VGW_SNAT_NIL;
	struct vgw_snat_vm *r = &s->vm[ri];
	uint32_t bi;
	uint16_t port;
	if (r->maps >= pool->max_per_vm) {
		*v = VGW_SNAT_VM_CAP;
	} else if (port_take(s, ri, pool, rk->proto, rk->sport, &bi, &port) < 0) {
		*v = VGW_SNAT_EXHAUSTED;
	} else {
		uint32_t mi = s->map_free;
		struct vgw_snat_map *m = &s->map[mi];
		s->map_free = m->sessions;
		*m = (struct vgw_snat_map){.vni = rk->vni, .vm_ip = rk->src, .pub_ip = r->pub_ip,
					   .vm_port = rk->sport, .pub_port = port,
					   .slot = r->slot, .proto = rk->proto, .used = true,
					   .vm = ri, .blk = bi, .sessions = 1};
		/* neither can fail: both hold at most map_cap keys */
		vgw_snat_tab_add(&s->in, in_k0(rk->vni, rk->src), port_k1(rk->sport, rk->proto), mi);
		vgw_snat_tab_add(&s->out, r->pub_ip, port_k1(port, rk->proto), mi);
		r->maps++;
		s->ports[r->slot][pi]++;
		s->n_map++;
		s->st.maps_created++;
		return mi;
	}
	if (r->maps == 0)
		vm_put(s, ri);
	return VGW_SNAT_NIL;
}

/* ---- sessions ---- */

static void adf_ref(struct vgw_snat_engine *s, uint32_t mi, uint32_t remote, int d)
{
	uint32_t n = vgw_snat_tab_get(&s->adf, mi, remote);
	if (n == VGW_SNAT_TAB_NONE) {
		if (d > 0)
			vgw_snat_tab_add(&s->adf, mi, remote, 1); /* sessions bound it */
		return;
	}
	if (d < 0 && n <= 1)
		vgw_snat_tab_del(&s->adf, mi, remote);
	else
		vgw_snat_tab_set(&s->adf, mi, remote, (uint32_t)((int)n + d));
}

/* Session e ends (expired, evicted, or ended here): its mapping loses it. */
static void session_gone(struct vgw_snat_engine *s, const struct vgw_ct_entry *e)
{
	uint32_t mi = vgw_snat_map_of(e);
	struct vgw_snat_map *m = &s->map[mi];
	if (e->be_id & VGW_SNAT_ADF_REF)
		adf_ref(s, mi, e->c_ip, -1);
	s->st.sessions_ended++;
	if (--m->sessions == 0)
		map_put(s, mi);
}

static void on_evict(const struct vgw_ct_entry *e, void *arg)
{
	struct vgw_snat_engine *s = arg;
	s->st.sessions_evicted++;
	session_gone(s, e);
}

static void on_expire(const struct vgw_ct_entry *e, void *arg)
{
	session_gone(arg, e);
}

static void end_session(struct vgw_snat_engine *s, struct vgw_ct_entry *e)
{
	session_gone(s, e);
	vgw_ct_delete(s->ct, e);
}

/* The mapping's address left its pool (snat.h: slot_ip). */
static inline bool map_stale(const struct vgw_snat_engine *s, const struct vgw_snat_map *m)
{
	return atomic_load_explicit(&((struct vgw_snat_tables *)s->t)->slot_ip[m->slot],
				    memory_order_relaxed) != m->pub_ip;
}

/* A session of mapping mi (which holds a reference for it already) between
 * its VM and remote:rport; NULL when the table is full. */
static struct vgw_ct_entry *session_new(struct vgw_snat_engine *s, uint32_t mi, uint32_t remote,
					uint16_t rport, bool vm_opened, bool adf,
					const struct vgw_ct_tcp_seg *seg)
{
	const struct vgw_snat_map *m = &s->map[mi];
	bool icmp = m->proto == 1;
	struct vgw_ct_key ok = {.vni = 0, .src = remote, .dst = m->pub_ip,
				.sport = icmp ? 0 : rport, .dport = m->pub_port, .proto = m->proto};
	struct vgw_ct_key rk = {.vni = m->vni, .src = m->vm_ip, .dst = remote,
				.sport = m->vm_port, .dport = ok.sport, .proto = m->proto};
	enum vgw_ct_insert_result res;
	struct vgw_ct_entry *e = vgw_ct_insert(s->ct, &ok, &rk, s->now, &res);
	if (!e)
		return NULL;
	e->svc_id = (uint16_t)mi;
	e->be_id = (uint16_t)((mi >> 16) | (vm_opened ? VGW_SNAT_FLIP : 0) |
			      (adf ? VGW_SNAT_ADF_REF : 0));
	if (seg) {
		vgw_ct_tcp_init(&e->tcp, seg);
		vgw_ct_touch(s->ct, e, s->now);
	}
	if (adf) /* endpoint-independent pools need no filter set */
		adf_ref(s, mi, remote, 1);
	s->st.sessions_created++;
	return e;
}

/* A packet of session e went by in key direction d: TCP state, the
 * confirmation (a reply to whoever opened it), the deadline. */
static void session_seen(struct vgw_snat_engine *s, struct vgw_ct_entry *e, enum vgw_ct_dir d,
			 const struct vgw_ct_tcp_seg *seg)
{
	enum vgw_ct_dir td = (enum vgw_ct_dir)(d ^ ((e->be_id & VGW_SNAT_FLIP) ? 1 : 0));
	if (seg) {
		vgw_ct_tcp_update(&e->tcp, td, seg);
		if (e->tcp.confirmed)
			vgw_ct_confirm(s->ct, e, s->now);
	} else if (td == VGW_CT_REPLY) {
		vgw_ct_confirm(s->ct, e, s->now);
	}
	vgw_ct_touch(s->ct, e, s->now);
}

/* The live session of key k (hash) found as its direction `dir`, seen
 * (state, deadline); NULL when there is none (one on a removed address is
 * ended here). */
static struct vgw_ct_entry *session_hit(struct vgw_snat_engine *s, const struct vgw_ct_key *k,
					uint32_t hash, enum vgw_ct_dir dir,
					const struct vgw_ct_tcp_seg *seg)
{
	enum vgw_ct_dir d;
	struct vgw_ct_entry *e = vgw_ct_lookup_hashed(s->ct, k, hash, &d);
	if (!e || d != dir)
		return NULL;
	if (likely(!map_stale(s, &s->map[vgw_snat_map_of(e)]))) {
		session_seen(s, e, dir, seg);
		return e;
	}
	s->st.stale_ended++;
	end_session(s, e);
	return NULL;
}

/* A new session of mapping mi, which holds a reference for it already
 * (taken before the insert, which may evict); on failure the reference
 * goes, and with it the mapping if it was its only one. */
static struct vgw_ct_entry *session_add(struct vgw_snat_engine *s, uint32_t mi, uint32_t remote,
					uint16_t rport, bool vm_opened, bool adf,
					const struct vgw_ct_tcp_seg *seg, enum vgw_snat_verdict *v)
{
	struct vgw_ct_entry *e = session_new(s, mi, remote, rport, vm_opened, adf, seg);
	if (!e) {
		s->st.sessions_full++;
		*v = VGW_SNAT_FULL;
		if (--s->map[mi].sessions == 0)
			map_put(s, mi);
		return NULL;
	}
	*v = VGW_SNAT_OK;
	return e;
}

struct vgw_ct_entry *vgw_snat_out(struct vgw_snat_engine *s, const struct vgw_ct_key *rk,
				  uint32_t hash, const struct vgw_snat_pool *pool,
				  const struct vgw_ct_tcp_seg *seg, enum vgw_snat_verdict *v)
{
	struct vgw_ct_entry *e = session_hit(s, rk, hash, VGW_CT_REPLY, seg);
	if (e) {
		*v = VGW_SNAT_OK;
		return e;
	}
	/* the VM's mapping (endpoint-independent), or a new one */
	uint32_t mi = vgw_snat_map_find(s, rk->vni, rk->src, rk->sport, rk->proto);
	if (mi != VGW_SNAT_NIL && map_stale(s, &s->map[mi])) {
		map_detach(s, &s->map[mi]);
		mi = VGW_SNAT_NIL;
	}
	if (mi != VGW_SNAT_NIL) {
		s->map[mi].sessions++; /* held across the insert, which may evict */
	} else {
		mi = map_new(s, rk, pool, v);
		if (mi == VGW_SNAT_NIL) {
			s->st.exhausted += *v == VGW_SNAT_EXHAUSTED;
			s->st.vm_cap += *v == VGW_SNAT_VM_CAP;
			s->st.sessions_full += *v == VGW_SNAT_FULL;
			return NULL;
		}
	}
	return session_add(s, mi, rk->dst, rk->dport, true, pool->filtering == VGW_SNAT_ADF, seg,
			   v);
}

struct vgw_ct_entry *vgw_snat_in(struct vgw_snat_engine *s, const struct vgw_ct_key *ok,
				 uint32_t hash, uint8_t filtering,
				 const struct vgw_ct_tcp_seg *seg, enum vgw_snat_verdict *v)
{
	struct vgw_ct_entry *e = session_hit(s, ok, hash, VGW_CT_ORIG, seg);
	if (e) {
		*v = VGW_SNAT_OK;
		return e;
	}
	/* no session: the mapping of the public port, if the filter lets the
	 * remote in (a new session then: simultaneous open, or a remote's
	 * first packet to an endpoint-independent mapping) */
	uint32_t mi = vgw_snat_tab_get(&s->out, ok->dst, port_k1(ok->dport, ok->proto));
	if (mi == VGW_SNAT_TAB_NONE || map_stale(s, &s->map[mi])) {
		*v = VGW_SNAT_UNSOLICITED;
		return NULL;
	}
	if (filtering == VGW_SNAT_ADF &&
	    vgw_snat_tab_get(&s->adf, mi, ok->src) == VGW_SNAT_TAB_NONE) {
		*v = VGW_SNAT_FILTERED;
		return NULL;
	}
	s->map[mi].sessions++;
	return session_add(s, mi, ok->src, ok->sport, false, filtering == VGW_SNAT_ADF, seg, v);
}

/* ---- ageing and removed addresses ---- */

void vgw_snat_engine_age(struct vgw_snat_engine *s, uint32_t budget)
{
	if (s->ct->n)
		vgw_ct_age(s->ct, s->now, budget, on_expire, s);
	/* an address left a pool: end every session of its mappings, a
	 * budget at a time, then say so (the slow path reuses the slot) */
	struct vgw_snat_tables *t = (struct vgw_snat_tables *)s->t;
	if (!t)
		return;
	if (!s->sweeping) {
		uint64_t g = atomic_load_explicit(&t->gen, memory_order_acquire);
		if (g == s->swept_gen)
			return;
		s->sweep_gen = g;
		s->sweep_at = 0;
		s->sweeping = true;
	}
	uint32_t end = s->sweep_at + budget < s->ct->cap ? s->sweep_at + budget : s->ct->cap;
	for (uint32_t i = s->sweep_at; i < end; i++) {
		struct vgw_ct_entry *e = &s->ct->e[i];
		if (e->used && map_stale(s, &s->map[vgw_snat_map_of(e)])) {
			s->st.stale_ended++;
			end_session(s, e);
		}
	}
	s->sweep_at = end;
	if (end == s->ct->cap) {
		s->sweeping = false;
		s->swept_gen = s->sweep_gen;
		atomic_store_explicit(&t->swept[s->idx], s->sweep_gen, memory_order_release);
	}
}
