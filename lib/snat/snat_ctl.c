/* SNAT configuration: pools, their addresses and the VPC bindings
 * (snat.h). Slow path only. Every change validates first, registers public
 * addresses, then publishes; a failure on the way undoes what it did. */
#include "snat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../addr/pubaddr.h"
#include "../core/defer.h"
#include "../core/rmap.h"
#include "../net/ip4.h"
#include "../util/parse.h"
#include "../vpc/vpc.h"

struct vgw_snat_tables *vgw_snat_main;

static struct vgw_snat_pool *pool_at(const struct vgw_snat_tables *t, unsigned int id)
{
	return atomic_load_explicit(&((struct vgw_snat_tables *)t)->pools[id],
				    memory_order_relaxed);
}

struct vgw_snat_tables *vgw_snat_create(struct rte_rcu_qsbr *rcu, unsigned int n_workers,
					enum vgw_snat_steer steer, char *err)
{
	static unsigned int seq; /* map names are process-wide */
	struct vgw_snat_tables *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return NULL;
	}
	char a[32], b[32];
	snprintf(a, sizeof(a), "vgw_snata%u", seq);
	snprintf(b, sizeof(b), "vgw_snatb%u", seq);
	seq++;
	t->rcu = rcu;
	t->n_workers = n_workers ? n_workers : 1;
	t->steer = steer;
	t->addrs = vgw_rmap_create(a, sizeof(uint32_t), VGW_SNAT_MAX_SLOTS, rcu, err);
	if (t->addrs)
		t->binds = vgw_rmap_create(b, sizeof(uint32_t), 4096, rcu, err);
	if (!t->binds) {
		vgw_snat_destroy(t);
		return NULL;
	}
	return t;
}

void vgw_snat_destroy(struct vgw_snat_tables *t)
{
	if (!t)
		return;
	for (unsigned int i = 0; i < VGW_SNAT_MAX_POOLS; i++) {
		struct vgw_snat_pool *p = pool_at(t, i);
		for (uint32_t j = 0; p && j < p->n_addrs; j++)
			vgw_pubaddr_del(p->addrs[j].ip, VGW_PUBADDR_SNAT);
		free(p);
	}
	uint32_t it = 0;
	const void *k;
	void *o;
	while (t->binds && vgw_rmap_next(t->binds, &it, &k, &o)) {
		const struct vgw_snat_binding *bd = o;
		for (uint32_t i = 0; vgw_vpc_main && i < bd->n; i++)
			vgw_vpc_release(vgw_vpc_main, bd->vni);
		free(o);
	}
	vgw_rmap_destroy(t->addrs);
	vgw_rmap_destroy(t->binds);
	free(t);
}

const struct vgw_snat_pool *vgw_snat_pool_by_name(const struct vgw_snat_tables *t,
						  const char *name)
{
	for (unsigned int i = 0; i < VGW_SNAT_MAX_POOLS; i++) {
		const struct vgw_snat_pool *p = pool_at(t, i);
		if (p && strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

static const struct vgw_snat_addr *addr_of(const struct vgw_snat_tables *t, uint32_t ip)
{
	return vgw_rmap_get(t->addrs, &ip);
}

static bool pool_bound(const struct vgw_snat_tables *t, uint8_t id)
{
	uint32_t it = 0;
	const void *k;
	void *o;
	while (vgw_rmap_next(t->binds, &it, &k, &o)) {
		const struct vgw_snat_binding *b = o;
		for (uint32_t i = 0; i < b->n; i++)
			if (b->r[i].pool == id)
				return true;
	}
	return false;
}

/* The removals every engine has swept (snat.h). */
static uint64_t swept_all(const struct vgw_snat_tables *t)
{
	uint64_t min = UINT64_MAX;
	for (unsigned int i = 0; i < t->engines; i++) {
		uint64_t g = atomic_load_explicit(&((struct vgw_snat_tables *)t)->swept[i],
						  memory_order_acquire);
		min = g < min ? g : min;
	}
	return min;
}

/* Takes address a out of service (its map entry and registration are the
 * caller's): the engines end its sessions, then its slot is free. */
static void slot_release(struct vgw_snat_tables *t, const struct vgw_snat_addr *a)
{
	uint64_t g = atomic_load_explicit(&t->gen, memory_order_relaxed) + 1;
	t->freed_gen[a->slot] = g;
	t->freed_ip[a->slot] = a->ip;
	atomic_store_explicit(&t->slot_ip[a->slot], 0, memory_order_release);
	atomic_store_explicit(&t->gen, g, memory_order_release);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= VGW_SNAT_NAME_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '-' || s[i] == '_' || s[i] == '.' || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* The expanded, sorted addresses of s (at most VGW_SNAT_MAX_SLOTS); -1 with
 * err on a reversed range, too many or a duplicate. */
static int expand(const struct vgw_snat_pool_spec *s, uint32_t *ips, uint32_t *n, char *err)
{
	char x[VGW_IP4_STRLEN], y[VGW_IP4_STRLEN];
	uint64_t total = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		if (s->hi[i] < s->lo[i]) {
			snprintf(err, VGW_ERR_LEN, "address range %s-%s is reversed",
				 vgw_ip4_str(s->lo[i], x), vgw_ip4_str(s->hi[i], y));
			return -1;
		}
		total += (uint64_t)s->hi[i] - s->lo[i] + 1;
		if (total > VGW_SNAT_MAX_SLOTS) {
			snprintf(err, VGW_ERR_LEN, "a pool holds at most %u addresses",
				 VGW_SNAT_MAX_SLOTS);
			return -1;
		}
		for (uint64_t a = s->lo[i]; a <= s->hi[i]; a++)
			ips[(*n)++] = (uint32_t)a;
	}
	qsort(ips, *n, sizeof(*ips), cmp_u32);
	for (uint32_t i = 1; i < *n; i++)
		if (ips[i] == ips[i - 1]) {
			snprintf(err, VGW_ERR_LEN, "address %s is listed twice", vgw_ip4_str(ips[i], x));
			return -1;
		}
	return 0;
}

/* Address ownership under `snat steer address`: an address keeps its
 * worker for life (its mappings live there); a new one goes to the worker
 * with the fewest addresses of the pool. */
static uint8_t least_loaded(const struct vgw_snat_pool *p, uint32_t upto, unsigned int n_workers)
{
	uint32_t cnt[256] = {0};
	for (uint32_t i = 0; i < upto; i++)
		if (p->addrs[i].owner < n_workers)
			cnt[p->addrs[i].owner]++;
	unsigned int best = 0;
	for (unsigned int w = 1; w < n_workers; w++)
		if (cnt[w] < cnt[best])
			best = w;
	return (uint8_t)best;
}

int vgw_snat_pool_set(struct vgw_snat_tables *t, const char *name,
		      const struct vgw_snat_pool_spec *s, bool replace, char *err)
{
	char x[VGW_IP4_STRLEN];
	if (!valid_name(name)) {
		snprintf(err, VGW_ERR_LEN,
			 "pool name '%s': 1 to %d letters, digits, '-', '_' or '.'", name,
			 VGW_SNAT_NAME_LEN - 1);
		return -1;
	}
	struct vgw_snat_pool *old = (struct vgw_snat_pool *)vgw_snat_pool_by_name(t, name);
	if (replace && !old) {
		snprintf(err, VGW_ERR_LEN, "no SNAT pool named '%s'", name);
		return -1;
	}
	if (!replace && old) {
		snprintf(err, VGW_ERR_LEN, "SNAT pool '%s' exists (snat pool replace changes it)",
			 name);
		return -1;
	}
	int id = old ? old->id : -1;
	for (unsigned int i = 0; id < 0 && i < VGW_SNAT_MAX_POOLS; i++)
		if (!pool_at(t, i))
			id = (int)i;
	if (id < 0) {
		snprintf(err, VGW_ERR_LEN, "at most %d SNAT pools", VGW_SNAT_MAX_POOLS);
		return -1;
	}
	int filtering = s->filtering >= 0 ? s->filtering : old ? old->filtering : VGW_SNAT_EIF;
	int32_t lo = s->port_lo >= 0 ? s->port_lo : old ? old->port_lo : 1024;
	int32_t hi = s->port_hi >= 0 ? s->port_hi : old ? old->port_hi : 65535;
	int64_t cap = s->max_per_vm >= 0 ? s->max_per_vm
			: old	       ? old->max_per_vm
				       : VGW_SNAT_DEFAULT_MAX_PER_VM;
	/* RFC 4787 REQ-3 / RFC 6056: ports below 1024 are not handed out */
	if (lo < 1024 || hi > 65535 || lo > hi || lo % VGW_SNAT_BLOCK_PORTS ||
	    (hi + 1) % VGW_SNAT_BLOCK_PORTS) {
		snprintf(err, VGW_ERR_LEN,
			 "ports %d-%d: a range within 1024-65535 of whole %u-port blocks "
			 "(LO a multiple of %u, HI + 1 a multiple of %u)",
			 lo, hi, VGW_SNAT_BLOCK_PORTS, VGW_SNAT_BLOCK_PORTS, VGW_SNAT_BLOCK_PORTS);
		return -1;
	}
	uint32_t *ips = malloc(sizeof(*ips) * VGW_SNAT_MAX_SLOTS);
	uint32_t n = 0;
	if (!ips) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	if (expand(s, ips, &n, err) < 0)
		goto fail;
	if (n == 0) {
		snprintf(err, VGW_ERR_LEN, "a pool needs at least one address");
		goto fail;
	}
	if (t->steer == VGW_SNAT_STEER_ADDRESS && n < t->n_workers) {
		snprintf(err, VGW_ERR_LEN,
			 "snat steer address: a pool needs an address per worker (%u), got %u",
			 t->n_workers, n);
		goto fail;
	}
	/* every address: free, or this pool's already */
	uint32_t fresh = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct vgw_snat_addr *a = addr_of(t, ips[i]);
		if (a && a->pool != id) {
			snprintf(err, VGW_ERR_LEN, "SNAT address %s is in pool '%s'",
				 vgw_ip4_str(ips[i], x), pool_at(t, a->pool)->name);
			goto fail;
		}
		if (!a) {
			if (vgw_pubaddr_check(ips[i], VGW_PUBADDR_SNAT, err) < 0)
				goto fail;
			fresh++;
		}
	}
	/* a slot, or an address, that left a pool comes back once every
	 * worker ended the sessions on it (snat.h) */
	uint64_t swept = swept_all(t);
	bool slot_used[VGW_SNAT_MAX_SLOTS];
	uint32_t free_slots = 0;
	for (unsigned int i = 0; i < VGW_SNAT_MAX_SLOTS; i++) {
		bool draining = t->freed_gen[i] > swept;
		slot_used[i] = draining ||
			       atomic_load_explicit(&t->slot_ip[i], memory_order_relaxed) != 0;
		free_slots += !slot_used[i];
		for (uint32_t j = 0; draining && j < n; j++)
			if (t->freed_ip[i] == ips[j] && !addr_of(t, ips[j])) {
				snprintf(err, VGW_ERR_LEN,
					 "SNAT address %s is still being released by the workers; "
					 "try again in a second",
					 vgw_ip4_str(ips[j], x));
				goto fail;
			}
	}
	if (fresh > free_slots) {
		snprintf(err, VGW_ERR_LEN, "SNAT pools hold at most %u addresses together",
			 VGW_SNAT_MAX_SLOTS);
		goto fail;
	}
	struct vgw_snat_pool *p = calloc(1, sizeof(*p) + n * sizeof(p->addrs[0]));
	if (!p) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		goto fail;
	}
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->id = (uint8_t)id;
	p->filtering = (uint8_t)filtering;
	p->port_lo = (uint16_t)lo;
	p->port_hi = (uint16_t)hi;
	p->max_per_vm = (uint32_t)cap;
	p->n_addrs = n;
	/* survivors keep slot and owner; new ones take free slots */
	unsigned int next_slot = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct vgw_snat_addr *a = &p->addrs[i];
		const struct vgw_snat_addr *was = addr_of(t, ips[i]);
		a->ip = ips[i];
		a->pool = (uint8_t)id;
		a->filtering = (uint8_t)filtering;
		if (was) {
			a->slot = was->slot;
			a->owner = was->owner;
			continue;
		}
		while (slot_used[next_slot])
			next_slot++;
		slot_used[next_slot] = true;
		a->slot = (uint16_t)next_slot;
		a->owner = VGW_SNAT_ANY_WORKER;
	}
	/* new addresses (no owner yet: not counted by least_loaded) in turn */
	if (t->steer == VGW_SNAT_STEER_ADDRESS)
		for (uint32_t i = 0; i < n; i++)
			if (p->addrs[i].owner == VGW_SNAT_ANY_WORKER)
				p->addrs[i].owner = least_loaded(p, n, t->n_workers);
	/* register the new addresses; then publish */
	uint32_t reg = 0;
	for (; reg < n; reg++) {
		if (addr_of(t, p->addrs[reg].ip))
			continue;
		if (vgw_pubaddr_add(p->addrs[reg].ip, VGW_PUBADDR_SNAT, (uint32_t)id, err) < 0)
			goto unregister;
	}
	uint32_t pub = 0;
	for (; pub < n; pub++) {
		void *was = NULL;
		if (vgw_rmap_set(t->addrs, &p->addrs[pub].ip, &p->addrs[pub], &was, err) < 0)
			goto unpublish;
	}
	for (uint32_t i = 0; i < n; i++)
		atomic_store_explicit(&t->slot_ip[p->addrs[i].slot], p->addrs[i].ip,
				      memory_order_release);
	/* the addresses this pool lost */
	for (uint32_t i = 0; old && i < old->n_addrs; i++) {
		const struct vgw_snat_addr *a = &old->addrs[i];
		if (bsearch(&a->ip, ips, n, sizeof(*ips), cmp_u32))
			continue;
		vgw_rmap_del(t->addrs, &a->ip);
		vgw_pubaddr_del(a->ip, VGW_PUBADDR_SNAT);
		slot_release(t, a);
	}
	atomic_store_explicit(&t->pools[id], p, memory_order_release);
	vgw_defer_free(old);
	free(ips);
	return 0;

unpublish:
	/* back to the old objects (or none) for what was set */
	for (uint32_t i = 0; i < pub; i++) {
		const struct vgw_snat_addr *was = NULL;
		for (uint32_t j = 0; old && j < old->n_addrs; j++)
			if (old->addrs[j].ip == p->addrs[i].ip)
				was = &old->addrs[j];
		void *ignored;
		char e2[VGW_ERR_LEN];
		if (was)
			vgw_rmap_set(t->addrs, &was->ip, (void *)was, &ignored, e2);
		else
			vgw_rmap_del(t->addrs, &p->addrs[i].ip);
	}
	reg = n;
unregister:
	for (uint32_t i = 0; i < reg; i++) {
		bool existed = false;
		for (uint32_t j = 0; old && j < old->n_addrs; j++)
			existed |= old->addrs[j].ip == p->addrs[i].ip;
		if (!existed)
			vgw_pubaddr_del(p->addrs[i].ip, VGW_PUBADDR_SNAT);
	}
	/* a grace period: a worker may have seen the new objects */
	vgw_defer_free(p);
fail:
	free(ips);
	return -1;
}

int vgw_snat_pool_del(struct vgw_snat_tables *t, const char *name, char *err)
{
	struct vgw_snat_pool *p = (struct vgw_snat_pool *)vgw_snat_pool_by_name(t, name);
	if (!p) {
		snprintf(err, VGW_ERR_LEN, "no SNAT pool named '%s'", name);
		return -1;
	}
	if (pool_bound(t, p->id)) {
		snprintf(err, VGW_ERR_LEN, "SNAT pool '%s' is bound to a VPC (snat unbind first)",
			 name);
		return -1;
	}
	for (uint32_t i = 0; i < p->n_addrs; i++) {
		vgw_rmap_del(t->addrs, &p->addrs[i].ip);
		vgw_pubaddr_del(p->addrs[i].ip, VGW_PUBADDR_SNAT);
		slot_release(t, &p->addrs[i]);
	}
	atomic_store_explicit(&t->pools[p->id], NULL, memory_order_release);
	vgw_defer_free(p);
	return 0;
}

static int cmp_rule(const void *a, const void *b)
{
	const struct vgw_snat_rule *x = a, *y = b;
	if (x->plen != y->plen)
		return x->plen > y->plen ? -1 : 1;
	return x->net < y->net ? -1 : x->net > y->net;
}

/* Publishes vni's rules (n of them; none: the binding goes). */
static int publish_binding(struct vgw_snat_tables *t, uint32_t vni, const struct vgw_snat_rule *r,
			   uint32_t n, char *err)
{
	if (!n) {
		vgw_defer_free(vgw_rmap_del(t->binds, &vni));
		return 0;
	}
	struct vgw_snat_binding *b = malloc(sizeof(*b) + n * sizeof(b->r[0]));
	if (!b) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	b->vni = vni;
	b->n = n;
	memcpy(b->r, r, n * sizeof(*r));
	qsort(b->r, n, sizeof(b->r[0]), cmp_rule);
	void *old = NULL;
	if (vgw_rmap_set(t->binds, &vni, b, &old, err) < 0) {
		free(b);
		return -1;
	}
	vgw_defer_free(old);
	return 0;
}

static const char *subnet_str(uint32_t net, uint8_t plen, char *buf, size_t len)
{
	char x[VGW_IP4_STRLEN];
	if (!plen)
		snprintf(buf, len, "the whole VPC");
	else
		snprintf(buf, len, "%s/%u", vgw_ip4_str(net, x), plen);
	return buf;
}

int vgw_snat_bind(struct vgw_snat_tables *t, const char *vpc, uint32_t vni, uint32_t net,
		  uint8_t plen, const char *pool, char *err)
{
	char sb[40];
	const struct vgw_snat_pool *p = vgw_snat_pool_by_name(t, pool);
	if (!p) {
		snprintf(err, VGW_ERR_LEN, "no SNAT pool named '%s'", pool);
		return -1;
	}
	const struct vgw_snat_binding *b = vgw_rmap_get(t->binds, &vni);
	uint32_t n = b ? b->n : 0;
	if (n >= VGW_SNAT_MAX_BIND_RULES) {
		snprintf(err, VGW_ERR_LEN, "VPC '%s': at most %d SNAT bindings", vpc,
			 VGW_SNAT_MAX_BIND_RULES);
		return -1;
	}
	struct vgw_snat_rule r[VGW_SNAT_MAX_BIND_RULES];
	for (uint32_t i = 0; i < n; i++) {
		r[i] = b->r[i];
		if (r[i].net == net && r[i].plen == plen) {
			snprintf(err, VGW_ERR_LEN, "VPC '%s': %s is bound to pool '%s' (snat unbind first)",
				 vpc, subnet_str(net, plen, sb, sizeof(sb)), pool_at(t, r[i].pool)->name);
			return -1;
		}
	}
	r[n++] = (struct vgw_snat_rule){.net = net, .plen = plen, .pool = p->id};
	if (vgw_vpc_hold(vgw_vpc_main, vni) < 0) {
		snprintf(err, VGW_ERR_LEN, "no VPC named '%s'", vpc);
		return -1;
	}
	if (publish_binding(t, vni, r, n, err) < 0) {
		vgw_vpc_release(vgw_vpc_main, vni);
		return -1;
	}
	return 0;
}

int vgw_snat_unbind(struct vgw_snat_tables *t, const char *vpc, uint32_t vni, uint32_t net,
		    uint8_t plen, char *err)
{
	char sb[40];
	const struct vgw_snat_binding *b = vgw_rmap_get(t->binds, &vni);
	struct vgw_snat_rule r[VGW_SNAT_MAX_BIND_RULES];
	uint32_t n = 0;
	bool found = false;
	for (uint32_t i = 0; b && i < b->n; i++) {
		if (b->r[i].net == net && b->r[i].plen == plen)
			found = true;
		else
			r[n++] = b->r[i];
	}
	if (!found) {
		snprintf(err, VGW_ERR_LEN, "VPC '%s': %s is not bound", vpc,
			 subnet_str(net, plen, sb, sizeof(sb)));
		return -1;
	}
	if (publish_binding(t, vni, r, n, err) < 0)
		return -1;
	vgw_vpc_release(vgw_vpc_main, vni);
	return 0;
}
