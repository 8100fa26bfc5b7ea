/* Per-worker load-balancing state: the worker's connection table and its
 * service/backend counters.
 *
 * Ownership: one per worker, created at start-up (vgw_ct_workers_create),
 * written only by its worker with plain stores; the slow path only reads
 * (sums over workers for `show service` / `show conntrack`; a stale read is
 * acceptable, a torn one impossible on 64-bit). Counter slots are the
 * service and backend ids of service.h; when the slow path reuses an id it
 * records the current sums as a baseline (vgw_ct_svc_baseline) instead
 * of writing worker memory. */
#ifndef VGW_CT_WORKER_H
#define VGW_CT_WORKER_H

#include <stdint.h>

#include "../ct/ct.h"
#include "service.h"

/* "in" = client -> backend, "out" = backend -> client. conns counts the
 * flows admitted (an entry made), ended those whose entry ended: active
 * connections are conns - ended; a connection ends when TCP reaches
 * TIME_WAIT or CLOSE, or when its entry expires or is replaced. confirmed /
 * confirmed_ended count the same for entries that were confirmed (ct.h: a
 * completed handshake, a picked-up flow the backend acknowledged, a UDP
 * reply): max-conns bounds those, so that spoofed SYNs and ACKs, which never
 * confirm, cannot use up a service's share. */
struct vgw_ct_counters {
	uint64_t conns, ended;
	uint64_t confirmed, confirmed_ended;
	uint64_t pkts_in, bytes_in, pkts_out, bytes_out;
};

struct vgw_ct_worker {
	struct vgw_ct *ct;
	uint64_t now;         /* seconds (TSC), set once per loop by the worker */
	uint64_t midflow;     /* TCP non-SYN without entry sent to the Maglev pick */
	uint64_t rst_ignored; /* out-of-window RST: state kept, packet forwarded */
	uint64_t ack_invalid; /* handshake ACK / SYN-ACK acknowledging nothing we saw */
	struct vgw_ct_counters svc[VGW_LB_SVC_MAX];
	struct vgw_ct_counters be[VGW_LB_BACKEND_IDS];
};

/* Start-up: one state per worker (vgw_gw.workers[i].lb). */
int vgw_ct_workers_create(uint32_t ct_entries, const struct vgw_ct_timeouts *to, char *err);
void vgw_ct_workers_destroy(void);

/* Slow path: sums over workers minus the slot's baseline. */
void vgw_ct_svc_counters(uint16_t id, struct vgw_ct_counters *out);
void vgw_ct_be_counters(uint16_t id, struct vgw_ct_counters *out);
/* Slow path: a slot is (re)assigned: what workers counted so far is history. */
void vgw_ct_svc_baseline(uint16_t id);
void vgw_ct_be_baseline(uint16_t id);

/* Worker: a packet of tot_len bytes of service svc_id / backend be_id went
 * client -> backend (ORIG) or back (REPLY). */
static inline void vgw_ct_worker_count(struct vgw_ct_worker *lb, uint16_t svc_id, uint16_t be_id,
				       enum vgw_ct_dir dir, uint16_t tot_len)
{
	struct vgw_ct_counters *s = &lb->svc[svc_id], *b = &lb->be[be_id];
	if (dir == VGW_CT_ORIG) {
		s->pkts_in++, s->bytes_in += tot_len;
		b->pkts_in++, b->bytes_in += tot_len;
	} else {
		s->pkts_out++, s->bytes_out += tot_len;
		b->pkts_out++, b->bytes_out += tot_len;
	}
}

/* Worker: entry e's flow proved itself (ct.h): it counts against max-conns
 * from now on — unless TCP already closed it. */
static inline void vgw_ct_worker_confirm(struct vgw_ct_worker *lb, struct vgw_ct_entry *e)
{
	if (!vgw_ct_confirm(lb->ct, e, lb->now) || e->closed)
		return;
	lb->svc[e->svc_id].confirmed++;
	lb->be[e->be_id].confirmed++;
}

/* Worker: entry e's connection ended (expired or replaced) — unless it was
 * already counted when TCP closed it. */
static inline void vgw_ct_worker_conn_ended(struct vgw_ct_worker *lb, const struct vgw_ct_entry *e)
{
	if (e->closed)
		return;
	lb->svc[e->svc_id].ended++;
	lb->be[e->be_id].ended++;
	if (e->confirmed) {
		lb->svc[e->svc_id].confirmed_ended++;
		lb->be[e->be_id].confirmed_ended++;
	}
}

/* Worker, after a TCP state update: a connection in TIME_WAIT or CLOSE is no
 * longer active, though its entry lives on to absorb late segments. */
static inline void vgw_ct_worker_conn_closing(struct vgw_ct_worker *lb, struct vgw_ct_entry *e)
{
	if (e->closed ||
	    (e->tcp.state != VGW_CT_TCP_TIME_WAIT && e->tcp.state != VGW_CT_TCP_CLOSE))
		return;
	vgw_ct_worker_conn_ended(lb, e);
	e->closed = true;
}

/* Worker: the TCP tracker's verdict v on a segment of e. */
static inline void vgw_ct_worker_tcp_verdict(struct vgw_ct_worker *lb, struct vgw_ct_entry *e,
					     enum vgw_ct_tcp_verdict v)
{
	lb->rst_ignored += v == VGW_CT_TCP_RST_IGNORED;
	lb->ack_invalid += v == VGW_CT_TCP_ACK_INVALID;
	if (e->tcp.confirmed)
		vgw_ct_worker_confirm(lb, e);
	vgw_ct_worker_conn_closing(lb, e);
}

static inline uint64_t vgw_ct_active(const struct vgw_ct_counters *c)
{
	/* an old flow ending after its slot was reused can make ended pass conns */
	return c->conns > c->ended ? c->conns - c->ended : 0;
}

/* Confirmed connections still active: what max-conns bounds. */
static inline uint64_t vgw_ct_established(const struct vgw_ct_counters *c)
{
	return c->confirmed > c->confirmed_ended ? c->confirmed - c->confirmed_ended : 0;
}

#endif
