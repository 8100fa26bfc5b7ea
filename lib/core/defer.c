/* Deferred reclamation: see defer.h. A FIFO ring of (token, fn, obj, arg):
 * tokens grow monotonically, so reclaim stops at the first unfinished one. */
#include "defer.h"
#include "log.h"

#include <stdlib.h>

#include <rte_log.h>
#include <rte_rcu_qsbr.h>

struct item {
	uint64_t token;
	vgw_defer_fn fn;
	void *obj;
	uintptr_t arg;
};

static struct {
	struct rte_rcu_qsbr *rcu;
	struct item *items;
	size_t cap, head, n;
} q;

void vgw_defer_init(struct rte_rcu_qsbr *rcu)
{
	q.rcu = rcu;
}

static void free_obj(void *obj, uintptr_t arg)
{
	(void)arg;
	free(obj);
}

void vgw_defer_free(void *obj)
{
	if (obj)
		vgw_defer(free_obj, obj, 0);
}

int vgw_defer(vgw_defer_fn fn, void *obj, uintptr_t arg)
{
	if (q.n == q.cap) {
		size_t cap = q.cap ? q.cap * 2 : 1024;
		struct item *it = malloc(cap * sizeof(*it));
		if (!it) {
			VGW_LOG(ERR, core, "defer queue cannot grow: object leaked\n");
			return -1;
		}
		for (size_t i = 0; i < q.n; i++)
			it[i] = q.items[(q.head + i) % q.cap];
		free(q.items);
		q.items = it;
		q.cap = cap;
		q.head = 0;
	}
	struct item *it = &q.items[(q.head + q.n) % q.cap];
	it->token = q.rcu ? rte_rcu_qsbr_start(q.rcu) : 0;
	it->fn = fn;
	it->obj = obj;
	it->arg = arg;
	q.n++;
	return 0;
}

unsigned int vgw_defer_reclaim(void)
{
	unsigned int done = 0;
	while (q.n > 0) {
		struct item *it = &q.items[q.head];
		if (q.rcu && rte_rcu_qsbr_check(q.rcu, it->token, false) != 1)
			break;
		it->fn(it->obj, it->arg);
		q.head = (q.head + 1) % q.cap;
		q.n--;
		done++;
	}
	return done;
}

void vgw_defer_flush(void)
{
	if (q.rcu && q.n > 0)
		rte_rcu_qsbr_synchronize(q.rcu, RTE_QSBR_THRID_INVALID);
	vgw_defer_reclaim();
}

unsigned int vgw_defer_pending(void)
{
	return (unsigned int)q.n;
}
