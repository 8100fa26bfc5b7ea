/* Per-worker load-balancing state: see ct_worker.h. */
#include "ct_worker.h"

#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "../core/gw.h"
#include "../util/parse.h"

/* Sums at the time a slot was (re)assigned (slow path only). */
static struct vgw_ct_counters svc_base[VGW_LB_SVC_MAX];
static struct vgw_ct_counters be_base[VGW_LB_BACKEND_IDS];

/* An evicted entry's connection ended: without this, active_conns of its
 * service would grow by every flow a flood pushed out. */
static void on_evict(const struct vgw_ct_entry *e, void *arg)
{
	vgw_ct_worker_conn_ended(arg, e);
}

int vgw_ct_workers_create(uint32_t ct_entries, const struct vgw_ct_timeouts *to, char *err)
{
	for (unsigned int i = 0; i < vgw_gw.n_workers; i++) {
		struct vgw_worker *w = &vgw_gw.workers[i];
		unsigned int sock = rte_lcore_to_socket_id(w->lcore);
		char name[32];
		w->lb = rte_zmalloc_socket("vgw_lb_worker", sizeof(*w->lb), 64, (int)sock);
		if (!w->lb) {
			snprintf(err, VGW_ERR_LEN, "out of memory for worker %u's LB state", i);
			return -1;
		}
		snprintf(name, sizeof(name), "vgw_ct%u", i);
		w->lb->ct = vgw_ct_create(name, ct_entries, (int)sock, to, err);
		if (!w->lb->ct)
			return -1;
		w->lb->ct->on_evict = on_evict;
		w->lb->ct->evict_arg = w->lb;
	}
	return 0;
}

void vgw_ct_workers_destroy(void)
{
	for (unsigned int i = 0; i < vgw_gw.n_workers; i++) {
		struct vgw_worker *w = &vgw_gw.workers[i];
		if (!w->lb)
			continue;
		vgw_ct_destroy(w->lb->ct);
		rte_free(w->lb);
		w->lb = NULL;
	}
}

static void add(struct vgw_ct_counters *o, const struct vgw_ct_counters *c)
{
	o->conns += c->conns;
	o->ended += c->ended;
	o->confirmed += c->confirmed;
	o->confirmed_ended += c->confirmed_ended;
	o->pkts_in += c->pkts_in;
	o->bytes_in += c->bytes_in;
	o->pkts_out += c->pkts_out;
	o->bytes_out += c->bytes_out;
}

static void sub(struct vgw_ct_counters *o, const struct vgw_ct_counters *b)
{
	o->conns -= b->conns;
	o->ended -= b->ended;
	o->confirmed -= b->confirmed;
	o->confirmed_ended -= b->confirmed_ended;
	o->pkts_in -= b->pkts_in;
	o->bytes_in -= b->bytes_in;
	o->pkts_out -= b->pkts_out;
	o->bytes_out -= b->bytes_out;
}

static void sum(bool svc, uint16_t id, struct vgw_ct_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < vgw_gw.n_workers; i++) {
		const struct vgw_ct_worker *l = vgw_gw.workers[i].lb;
		if (l)
			add(out, svc ? &l->svc[id] : &l->be[id]);
	}
}

void vgw_ct_svc_counters(uint16_t id, struct vgw_ct_counters *out)
{
	sum(true, id, out);
	sub(out, &svc_base[id]);
}

void vgw_ct_be_counters(uint16_t id, struct vgw_ct_counters *out)
{
	sum(false, id, out);
	sub(out, &be_base[id]);
}

void vgw_ct_svc_baseline(uint16_t id)
{
	sum(true, id, &svc_base[id]);
}

void vgw_ct_be_baseline(uint16_t id)
{
	sum(false, id, &be_base[id]);
}
