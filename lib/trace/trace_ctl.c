/* Packet trace, the slow path's side: arming, clearing and reading the
 * workers' records (trace.h has who writes what), and the module (its
 * records and mbuf flag are made at init, before any worker runs). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>

#include "../cli/cli.h"
#include "../core/module.h"
#include "../util/parse.h"
#include "trace.h"

extern const struct vgw_cmd vgw_trace_cmds[]; /* trace_cli.c */

int vgw_trace_add(uint32_t n, uint32_t port, char *err)
{
	if (!vgw_trace_flag) {
		snprintf(err, VGW_ERR_LEN, "trace: not initialised");
		return -1;
	}
	if (n == 0 || n > VGW_TRACE_MAX) {
		snprintf(err, VGW_ERR_LEN, "trace add: N must be 1 to %u", VGW_TRACE_MAX);
		return -1;
	}
	/* checked for every worker before any is armed: all or nothing */
	for (unsigned int i = 0; i < vgw_gw.n_workers; i++) {
		uint32_t want = atomic_load_explicit(&vgw_trace.want[i], memory_order_relaxed);
		if (want + n > VGW_TRACE_MAX) {
			snprintf(err, VGW_ERR_LEN,
				 "trace add: at most %u packets per worker until 'trace clear' "
				 "(%u already asked)",
				 VGW_TRACE_MAX, want);
			return -1;
		}
	}
	atomic_store_explicit(&vgw_trace.port, port, memory_order_relaxed);
	for (unsigned int i = 0; i < vgw_gw.n_workers; i++) {
		uint32_t want = atomic_load_explicit(&vgw_trace.want[i], memory_order_relaxed);
		/* release: a worker that sees the new count sees the port */
		atomic_store_explicit(&vgw_trace.want[i], want + n, memory_order_release);
	}
	atomic_store_explicit(&vgw_trace.on, true, memory_order_release);
	return 0;
}

void vgw_trace_clear(void)
{
	atomic_store_explicit(&vgw_trace.on, false, memory_order_relaxed);
	/* want first, then the generation: a worker that sees the new
	 * generation sees nothing asked in it */
	for (unsigned int i = 0; i < VGW_MAX_WORKERS; i++)
		atomic_store_explicit(&vgw_trace.want[i], 0, memory_order_release);
	unsigned int g = atomic_load_explicit(&vgw_trace.gen, memory_order_relaxed);
	atomic_store_explicit(&vgw_trace.gen, g + 1, memory_order_release);
}

static int by_time(const void *a, const void *b)
{
	const struct vgw_trace_rec *x = a, *y = b;
	if (x->tsc != y->tsc)
		return x->tsc < y->tsc ? -1 : 1;
	return x->worker != y->worker ? (x->worker < y->worker ? -1 : 1)
				      : (x->id < y->id ? -1 : x->id > y->id);
}

unsigned int vgw_trace_collect(struct vgw_trace_rec *out, unsigned int max, unsigned int *live)
{
	unsigned int n = 0, in_flight = 0;
	uint32_t gen = atomic_load_explicit(&vgw_trace.gen, memory_order_acquire);
	for (unsigned int wi = 0; wi < vgw_gw.n_workers && vgw_trace.rec[wi]; wi++) {
		for (unsigned int i = 0; i < VGW_TRACE_MAX && n < max; i++) {
			struct vgw_trace_rec *r = &vgw_trace.rec[wi][i];
			/* a sequence read: the copy counts only if the owner
			 * did not reclaim the record meanwhile */
			unsigned int s1 = atomic_load_explicit(&r->seq, memory_order_acquire);
			if (s1 & 1)
				continue;
			unsigned char st = atomic_load_explicit(&r->state, memory_order_acquire);
			if (st == VGW_TRACE_FREE)
				continue;
			memcpy(&out[n], r, sizeof(*r));
			atomic_thread_fence(memory_order_acquire);
			if (atomic_load_explicit(&r->seq, memory_order_relaxed) != s1 ||
			    out[n].gen != gen)
				continue;
			if (st == VGW_TRACE_LIVE)
				in_flight++; /* its fields are still being written */
			else
				n++;
		}
	}
	qsort(out, n, sizeof(*out), by_time);
	if (live)
		*live = in_flight;
	return n;
}

static int init(char *err)
{
	static const struct rte_mbuf_dynflag desc = {.name = "vgw_dynflag_trace"};
	int bit = rte_mbuf_dynflag_register(&desc);
	if (bit < 0) {
		snprintf(err, VGW_ERR_LEN, "trace: cannot register an mbuf flag: %s",
			 strerror(rte_errno));
		return -1;
	}
	for (unsigned int i = 0; i < vgw_gw.n_workers; i++) {
		if (vgw_trace.rec[i])
			continue; /* initialised again (tests) */
		vgw_trace.rec[i] = rte_zmalloc("vgw_trace", sizeof(struct vgw_trace_rec) * VGW_TRACE_MAX,
					       RTE_CACHE_LINE_SIZE);
		if (!vgw_trace.rec[i]) {
			snprintf(err, VGW_ERR_LEN, "trace: no memory for %u records of worker %u",
				 VGW_TRACE_MAX, i);
			return -1;
		}
	}
	atomic_store(&vgw_trace.port, VGW_TRACE_ANY_PORT);
	vgw_trace_flag = 1ULL << bit;
	return 0;
}

static void fini(void)
{
	atomic_store(&vgw_trace.on, false);
	vgw_trace_flag = 0;
	for (unsigned int i = 0; i < VGW_MAX_WORKERS; i++) {
		rte_free(vgw_trace.rec[i]);
		vgw_trace.rec[i] = NULL;
	}
}

const struct vgw_module vgw_trace_module = {
	.name = "trace",
	.cmds = vgw_trace_cmds,
	.init = init,
	.fini = fini,
};
