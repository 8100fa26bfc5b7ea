/* Packet trace on the workers: marking received packets, recording their
 * steps and their end (trace.h has who writes what, trace_dp.h the cost
 * when off). Runs on workers, and only for traced packets or while a trace
 * is armed. */
#include "trace_dp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>

#include "../util/parse.h"

struct vgw_trace_ctl vgw_trace;
uint64_t vgw_trace_flag;

/* The record of a packet that carries the flag; NULL for a handle that
 * names no live record (a flag left on an mbuf by a path that recorded no
 * end: the pool hands it out again with its old private area). */
static struct vgw_trace_rec *rec_of(const struct rte_mbuf *m)
{
	const struct vgw_dp_mbuf_priv *pr = rte_mbuf_to_priv((struct rte_mbuf *)(uintptr_t)m);
	unsigned int wi = pr->trace >> 8, slot = pr->trace & 0xff;
	if (wi >= VGW_MAX_WORKERS || !vgw_trace.rec[wi])
		return NULL;
	struct vgw_trace_rec *r = &vgw_trace.rec[wi][slot];
	if (atomic_load_explicit(&r->state, memory_order_acquire) != VGW_TRACE_LIVE)
		return NULL;
	return r;
}

static uint16_t copy_head(const struct rte_mbuf *m, uint8_t *dst)
{
	uint32_t n = rte_pktmbuf_pkt_len(m);
	if (n > VGW_TRACE_HDR)
		n = VGW_TRACE_HDR;
	const void *p = rte_pktmbuf_read(m, 0, n, dst);
	if (!p)
		return 0;
	if (p != dst)
		memcpy(dst, p, n);
	return (uint16_t)n;
}

/* The next free slot of this worker's array, or NULL (all used in this
 * generation, or held by packets still on their way). */
static struct vgw_trace_rec *claim(struct vgw_worker *w, struct vgw_trace_wk *k, uint64_t now)
{
	struct vgw_trace_rec *base = vgw_trace.rec[w->idx];
	uint64_t stale = rte_get_tsc_hz() * VGW_TRACE_STALE_S;
	while (k->next < VGW_TRACE_MAX) {
		struct vgw_trace_rec *r = &base[k->next++];
		if (atomic_load_explicit(&r->state, memory_order_acquire) == VGW_TRACE_LIVE &&
		    now - r->tsc < stale)
			continue; /* its packet is still on its way */
		return r;
	}
	return NULL;
}

void vgw_trace_rx(struct vgw_worker *w, uint16_t port, uint16_t queue, struct rte_mbuf **ms,
		  uint16_t n)
{
	struct vgw_trace_wk *k = &vgw_trace.wk[w->idx];
	/* gen before want: trace clear lowers want before it moves gen */
	uint32_t gen = atomic_load_explicit(&vgw_trace.gen, memory_order_acquire);
	uint32_t want = atomic_load_explicit(&vgw_trace.want[w->idx], memory_order_acquire);
	if (atomic_load_explicit(&k->gen, memory_order_relaxed) != gen) {
		atomic_store_explicit(&k->gen, gen, memory_order_relaxed);
		k->next = 0;
		atomic_store_explicit(&k->taken, 0, memory_order_relaxed);
	}
	uint32_t taken = atomic_load_explicit(&k->taken, memory_order_relaxed);
	uint32_t pf = atomic_load_explicit(&vgw_trace.port, memory_order_relaxed);
	bool mark = taken < want && (pf == VGW_TRACE_ANY_PORT || pf == port);
	uint64_t now = rte_rdtsc();
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = ms[i];
		/* a flag left over from a packet whose end was not seen */
		m->ol_flags &= ~vgw_trace_flag;
		if (!mark)
			continue;
		struct vgw_trace_rec *r = claim(w, k, now);
		if (!r) {
			mark = false;
			continue;
		}
		unsigned int s = atomic_load_explicit(&r->seq, memory_order_relaxed);
		atomic_store_explicit(&r->seq, s + 1, memory_order_relaxed);
		atomic_thread_fence(memory_order_release); /* odd before the fields */
		atomic_store_explicit(&r->state, VGW_TRACE_LIVE, memory_order_relaxed);
		r->worker = (uint8_t)w->idx;
		r->n_steps = r->lost_steps = 0;
		r->end = VGW_TRACE_END_NONE;
		r->end_worker = 0;
		r->end_code = 0;
		r->port = port;
		r->queue = queue;
		r->gen = gen;
		r->id = ++taken;
		r->tsc = now;
		r->end_tsc = 0;
		r->len_in = rte_pktmbuf_pkt_len(m);
		r->cap_in = copy_head(m, r->hdr_in);
		r->len_out = 0;
		r->cap_out = 0;
		atomic_store_explicit(&r->seq, s + 2, memory_order_release);
		struct vgw_dp_mbuf_priv *pr = rte_mbuf_to_priv(m);
		pr->trace = (uint16_t)(w->idx << 8 | (unsigned int)(r - vgw_trace.rec[w->idx]));
		m->ol_flags |= vgw_trace_flag;
		if (taken >= want)
			mark = false;
	}
	atomic_store_explicit(&k->taken, taken, memory_order_relaxed);
}

static struct vgw_trace_step *step(struct vgw_worker *w, struct vgw_trace_rec *r,
				   unsigned int s, bool enter)
{
	if (r->n_steps == VGW_TRACE_STEPS) {
		if (r->lost_steps < UINT8_MAX)
			r->lost_steps++;
		return NULL;
	}
	struct vgw_trace_step *st = &r->step[r->n_steps++];
	st->stage = (uint8_t)s;
	st->worker = (uint8_t)w->idx;
	st->enter = enter;
	st->note[0] = '\0';
	return st;
}

/* written at start-up (vgw_trace_describer), read by workers */
static vgw_trace_describe_fn describers[VGW_STAGE_N];

void vgw_trace_describer(unsigned int s, vgw_trace_describe_fn fn)
{
	if (s < VGW_STAGE_N)
		describers[s] = fn;
}

/* What a stage is told (dp/dp.h, struct vgw_pkt per stage), in words: by
 * the stage's module when it gave a describer; the stages note what they
 * find themselves. */
static void describe(struct vgw_trace_step *st, unsigned int s, const struct vgw_pkt *p)
{
	char a[VGW_IP4_STRLEN];
	if (describers[s]) {
		describers[s](p, st->note, sizeof(st->note));
		return;
	}
	switch (s) {
	case VGW_STAGE_VPC_OUT:
	case VGW_STAGE_TUNNEL_OUT:
		snprintf(st->note, sizeof(st->note), "vni %u", p->arg);
		break;
	case VGW_STAGE_ETH_OUT:
		vgw_ip4_str(p->arg, a);
		snprintf(st->note, sizeof(st->note), "next hop %s port %s", a,
			 p->out < vgw_gw.n_ports ? vgw_gw.ports[p->out].name : "?");
		break;
	case VGW_STAGE_ICMP_ERROR:
		snprintf(st->note, sizeof(st->note), "make ICMP error type %u code %u",
			 (unsigned int)(p->out >> 8), (unsigned int)(p->out & 0xff));
		break;
	default:
		break;
	}
}

void vgw_trace_stage(struct vgw_worker *w, unsigned int s, const struct vgw_vec *v)
{
	for (uint32_t i = 0; i < v->n; i++) {
		if (!(v->m[i]->ol_flags & vgw_trace_flag))
			continue;
		struct vgw_trace_rec *r = rec_of(v->m[i]);
		struct vgw_trace_step *st = r ? step(w, r, s, true) : NULL;
		if (st)
			describe(st, s, &v->p[i]);
	}
}

void vgw_trace_notef(struct vgw_worker *w, const struct rte_mbuf *m, unsigned int s,
		     const char *fmt, ...)
{
	struct vgw_trace_rec *r = rec_of(m);
	struct vgw_trace_step *st = r ? step(w, r, s, false) : NULL;
	if (!st)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->note, sizeof(st->note), fmt, ap);
	va_end(ap);
}

void vgw_trace_finish(struct vgw_worker *w, struct rte_mbuf *m, unsigned int end, uint16_t code)
{
	m->ol_flags &= ~vgw_trace_flag;
	struct vgw_trace_rec *r = rec_of(m);
	if (!r)
		return;
	r->end = (uint8_t)end;
	r->end_code = code;
	r->end_worker = (uint8_t)w->idx;
	r->end_tsc = rte_rdtsc();
	r->len_out = rte_pktmbuf_pkt_len(m);
	r->cap_out = copy_head(m, r->hdr_out);
	/* the last write: the slow path may read it from now on */
	atomic_store_explicit(&r->state, VGW_TRACE_DONE, memory_order_release);
}
