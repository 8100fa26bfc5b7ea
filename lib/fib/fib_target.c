/* Shared route targets: see fib_target.h. A chained hash of nodes whose first
 * member is the worker-visible target, so a target pointer is its node. */
#include "fib_target.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <rte_jhash.h>

#include "../core/defer.h"

struct node {
	struct vgw_fib_route_target t; /* first: workers see &node->t */
	uint32_t refs;
	uint32_t hash;
	struct node *next;
};

struct vgw_fib_targets {
	struct node **b;
	uint32_t mask; /* buckets - 1 (a power of two) */
	uint32_t n;
};

struct vgw_fib_targets *vgw_fib_targets_create(void)
{
	struct vgw_fib_targets *ix = calloc(1, sizeof(*ix));
	if (!ix)
		return NULL;
	ix->b = calloc(64, sizeof(*ix->b));
	if (!ix->b) {
		free(ix);
		return NULL;
	}
	ix->mask = 63;
	return ix;
}

void vgw_fib_targets_destroy(struct vgw_fib_targets *ix)
{
	if (!ix)
		return;
	for (uint32_t i = 0; i <= ix->mask; i++)
		for (struct node *n = ix->b[i], *nx; n; n = nx) {
			nx = n->next;
			free(n);
		}
	free(ix->b);
	free(ix);
}

/* Only the fields that mean something for the kind, padding zeroed, so that
 * equal routes compare equal with memcmp. */
static void canonical(struct vgw_fib_route_target *c, const struct vgw_fib_route_target *t)
{
	memset(c, 0, sizeof(*c));
	c->kind = t->kind;
	if (t->kind == VGW_FIB_RT_VIA) {
		c->n_paths = t->n_paths;
		for (unsigned int i = 0; i < t->n_paths && i < VGW_FIB_ECMP_MAX; i++) {
			c->paths[i].gw = t->paths[i].gw;
			c->paths[i].port = t->paths[i].port;
		}
	} else {
		c->port = t->port;
		c->bcast = t->bcast;
	}
}

static void grow(struct vgw_fib_targets *ix)
{
	uint32_t nb = (ix->mask + 1) * 2;
	struct node **b = calloc(nb, sizeof(*b));
	if (!b)
		return; /* longer chains, still correct */
	for (uint32_t i = 0; i <= ix->mask; i++)
		for (struct node *n = ix->b[i], *nx; n; n = nx) {
			nx = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	free(ix->b);
	ix->b = b;
	ix->mask = nb - 1;
}

const struct vgw_fib_route_target *vgw_fib_target_hold(struct vgw_fib *fib,
						       const struct vgw_fib_route_target *t)
{
	struct vgw_fib_targets *ix = fib->tgts;
	struct vgw_fib_route_target c;
	canonical(&c, t);
	uint32_t h = rte_jhash(&c, sizeof(c), 0);
	for (struct node *n = ix->b[h & ix->mask]; n; n = n->next)
		if (n->hash == h && memcmp(&n->t, &c, sizeof(c)) == 0) {
			n->refs++;
			return &n->t;
		}
	struct node *n = malloc(sizeof(*n));
	if (!n)
		return NULL;
	n->t = c;
	n->refs = 1;
	n->hash = h;
	n->next = ix->b[h & ix->mask];
	ix->b[h & ix->mask] = n;
	if (++ix->n > ix->mask + 1)
		grow(ix);
	return &n->t;
}

static void free_node(void *obj, uintptr_t arg)
{
	(void)arg;
	free(obj);
}

void vgw_fib_target_release(struct vgw_fib *fib, const struct vgw_fib_route_target *t)
{
	if (!t)
		return;
	struct vgw_fib_targets *ix = fib->tgts;
	struct node *n = (struct node *)(uintptr_t)t;
	if (--n->refs > 0)
		return;
	struct node **pp = &ix->b[n->hash & ix->mask];
	while (*pp && *pp != n)
		pp = &(*pp)->next;
	if (*pp)
		*pp = n->next;
	ix->n--;
	/* a worker that matched a route to this target just before the change
	 * may still read it */
	vgw_defer(free_node, n, 0);
}

uint32_t vgw_fib_targets_count(const struct vgw_fib *fib)
{
	return fib->tgts ? fib->tgts->n : 0;
}
