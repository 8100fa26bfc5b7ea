/* Worker-to-worker handoff: a packet of a flow another worker owns goes to
 * that worker over a ring.
 *
 * Per-worker state (a connection table, say) is written by one worker only,
 * so every packet of a flow must be processed by the flow's owner. NIC RSS
 * cannot always deliver that (the two directions of a flow may have
 * different headers, one inside VXLAN), so a module that keeps such state
 * picks the owner itself (core/gw.h vgw_gw_owner) and, when it is not the
 * worker at hand, hands the packet over with vgw_dp_handoff.
 *
 * The rings: one single-producer single-consumer ring per (sender, owner)
 * pair (struct vgw_worker handoff[], created at start-up by vgwd, none with
 * one worker), so no locks and no atomics beyond the ring's own. The mbuf's
 * private area (struct vgw_dp_mbuf_priv) carries the kind, the arg and the
 * receiving port. A full ring drops the packet on the sender
 * (handoff_ring_full, core/drop.h).
 *
 * Kinds: what a handed-off packet is, and so where it goes on its owner.
 * Each module registers its kinds with vgw_dp_handoff_kind from its init
 * (core/module.h), on the main thread, before workers run; the table is
 * read-only afterwards and read by every worker. Kind 0 is never given out.
 *
 * On the owner, vgw_dp_handoff_drain (the worker loop, when there is more
 * than one worker) takes each arrival, counts it in the owner's
 * handoff_in[kind] (struct vgw_worker: written by that worker only; readers
 * such as `show conntrack` sum them without synchronisation), lets the
 * kind's fixup see it, and pushes it to the kind's stage as a burst of its
 * own: struct vgw_pkt with out = the kind's out, arg = the sender's arg,
 * in_port = the port the sender received it on. */
#ifndef VGW_DP_HANDOFF_H
#define VGW_DP_HANDOFF_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/gw.h"

struct rte_mbuf;

/* Called on the owner for each arrival of its kind before the push (p has
 * out, arg, in_port and seq set); may set p->obj etc. Returns false when it
 * consumed m (dropped it, counted): then nothing is pushed. A fixup is for
 * what the sender could not pass along safely, e.g. an RCU-protected
 * pointer that may be stale on the owner. */
typedef bool (*vgw_dp_handoff_fixup_fn)(struct vgw_worker *w, struct rte_mbuf *m,
					struct vgw_pkt *p);

/* Start-up (module init, main thread, before workers): a kind of handed-off
 * packet, named for messages (the table keeps the pointer: a string that
 * lives as long as the process): arrivals go to `stage` with p.out = out,
 * p.arg = the arg given to vgw_dp_handoff, after fixup (NULL: none). The
 * kind (1 .. VGW_HANDOFF_KINDS - 1), or -1 when the table is full. A name
 * registered again keeps its kind and takes the new stage, out and fixup
 * (a module initialised again, in tests). */
int vgw_dp_handoff_kind(const char *name, enum vgw_stage stage, uint16_t out,
			vgw_dp_handoff_fixup_fn fixup);

/* Worker: hands m, received on in_port, to worker `owner` (not w) as a
 * packet of `kind` with `arg`; a full ring drops it (handoff_ring_full,
 * counted on in_port). m is no longer the caller's either way. */
void vgw_dp_handoff(struct vgw_worker *w, uint16_t in_port, struct rte_mbuf *m,
		    unsigned int owner, uint8_t kind, uint32_t arg);

/* Worker: what the other workers handed to w, into its stages' vectors
 * and run through them, a burst at a time, until the rings are empty
 * (bounded by their size); the number of packets. */
unsigned int vgw_dp_handoff_drain(struct vgw_worker *w);

#endif
