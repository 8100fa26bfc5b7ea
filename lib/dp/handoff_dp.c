/* Worker-to-worker handoff: see handoff.h. */
#include "handoff.h"

#include <string.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "dp.h"

/* written by module inits before workers run, read-only afterwards */
static struct {
	const char *name;
	vgw_dp_handoff_fixup_fn fixup;
	enum vgw_stage stage;
	uint16_t out;
} kinds[VGW_HANDOFF_KINDS];
static unsigned int n_kinds = 1; /* kind 0 is never given out */

int vgw_dp_handoff_kind(const char *name, enum vgw_stage stage, uint16_t out,
			vgw_dp_handoff_fixup_fn fixup)
{
	unsigned int k = 1;
	while (k < n_kinds && strcmp(kinds[k].name, name) != 0)
		k++;
	if (k == VGW_HANDOFF_KINDS)
		return -1;
	if (k == n_kinds)
		n_kinds++;
	kinds[k].name = name;
	kinds[k].fixup = fixup;
	kinds[k].stage = stage;
	kinds[k].out = out;
	return (int)k;
}

void vgw_dp_handoff(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		    unsigned int owner, uint8_t kind, uint32_t arg)
{
	struct vgw_dp_mbuf_priv *pr = vgw_dp_mbuf_priv(m);
	pr->kind = kind;
	pr->arg = arg;
	pr->in_port = in_port;
	vgw_trace_note(w, m, kinds[kind].stage, "handed to worker %u (%s)", owner,
		       kinds[kind].name);
	if (unlikely(rte_ring_sp_enqueue(w->handoff[owner], m) != 0))
		vgw_dp_drop(w, in_port, VGW_DROP_HANDOFF_RING_FULL, m);
}

static void handed(struct vgw_worker *w, struct rte_mbuf *m, uint8_t seq)
{
	const struct vgw_dp_mbuf_priv *pr = vgw_dp_mbuf_priv(m);
	uint8_t k = pr->kind;
	RTE_ASSERT(k > 0 && k < n_kinds);
	struct vgw_pkt p = {.arg = pr->arg, .out = kinds[k].out, .in_port = (uint8_t)pr->in_port,
			    .seq = seq};
	w->handoff_in[k]++;
	if (kinds[k].fixup && !kinds[k].fixup(w, m, &p))
		return;
	vgw_dp_push(w, kinds[k].stage, m, &p);
}

unsigned int vgw_dp_handoff_drain(struct vgw_worker *w)
{
	struct rte_mbuf *ms[VGW_BURST];
	unsigned int total = 0;
	for (unsigned int from = 0; from < vgw_gw.n_workers; from++) {
		struct rte_ring *r = vgw_gw.workers[from].handoff[w->idx];
		if (!r)
			continue;
		/* until empty (bounded by the ring size): a peer may enqueue a
		 * burst per RX queue per loop, and this worker may have been
		 * descheduled for a while */
		for (unsigned int k = 0; k < VGW_HANDOFF_RING_SIZE / VGW_BURST; k++) {
			uint64_t t0 = rte_rdtsc();
			unsigned int n =
				rte_ring_sc_dequeue_burst(r, (void **)ms, VGW_BURST, NULL);
			for (unsigned int i = 0; i < n; i++)
				handed(w, ms[i], (uint8_t)i);
			if (n)
				vgw_dp_run(w, VGW_STAGE_CLASSIFY, n, t0);
			total += n;
			if (n < VGW_BURST)
				break;
		}
	}
	return total;
}
