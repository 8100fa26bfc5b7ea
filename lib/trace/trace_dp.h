/* Packet trace, the workers' side (trace.h has the model and who writes
 * what). Every hook first tests w->trace_on, a worker field the loop
 * refreshes once a loop: with no trace armed that is the only cost, a
 * predictable branch on a hot line. Runs on workers: no locks, no
 * allocation, no system calls; formatting a note (snprintf) happens only
 * for traced packets, at most VGW_TRACE_MAX per worker and trace add. */
#ifndef VGW_TRACE_DP_H
#define VGW_TRACE_DP_H

#include <rte_mbuf.h>

#include "trace.h"

static inline bool vgw_trace_is(const struct vgw_worker *w, const struct rte_mbuf *m)
{
	return unlikely(w->trace_on) && (m->ol_flags & vgw_trace_flag);
}

/* trace_dp.c, the slow parts, called only for traced packets or when on. */
/* The loop's once-per-loop refresh of w->trace_on. */
static inline void vgw_trace_loop(struct vgw_worker *w)
{
	w->trace_on = atomic_load_explicit(&vgw_trace.on, memory_order_relaxed);
}
/* Marks the packets of a received burst this worker still has to trace. */
void vgw_trace_rx(struct vgw_worker *w, uint16_t port, uint16_t queue, struct rte_mbuf **ms,
		  uint16_t n);
/* The traced packets of stage s's vector entered it (the dispatcher). */
void vgw_trace_stage(struct vgw_worker *w, unsigned int s, const struct vgw_vec *v);
/* Start-up (a module's init, before the workers run): fn words what a
 * packet entering stage s was told (its struct vgw_pkt: the EIP, the
 * service), in the dispatcher's record of the entry, so that a stage can
 * say what the packet's verdict found at no cost when nothing is traced. */
typedef void (*vgw_trace_describe_fn)(const struct vgw_pkt *p, char *note, size_t n);
void vgw_trace_describer(unsigned int s, vgw_trace_describe_fn fn);
/* A note about what stage s found for m (printf-style, VGW_TRACE_NOTE). */
void vgw_trace_notef(struct vgw_worker *w, const struct rte_mbuf *m, unsigned int s,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* m's trace ends: how (enum vgw_trace_end) and its code; the frame as it is
 * now is kept as "after". Clears m's flag. */
void vgw_trace_finish(struct vgw_worker *w, struct rte_mbuf *m, unsigned int end,
		      uint16_t code);

#define vgw_trace_note(w, m, s, ...)                                           \
	do {                                                                   \
		if (vgw_trace_is((w), (m)))                                    \
			vgw_trace_notef((w), (m), (s), __VA_ARGS__);           \
	} while (0)

static inline void vgw_trace_end(struct vgw_worker *w, struct rte_mbuf *m, unsigned int end,
				 uint16_t code)
{
	if (vgw_trace_is(w, m))
		vgw_trace_finish(w, m, end, code);
}

#endif
