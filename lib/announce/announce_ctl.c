/* Announcements, slow-path driver: see announce_ctl.h. */
#include "announce_ctl.h"

#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>
#include <rte_rcu_qsbr.h>

#include "../addr/pubaddr.h"
#include "../core/gw.h"
#include "../core/log.h"
#include "../host/host.h"
#include "../rtnl/rtnl_follow.h"
#include "../lb/service.h"
#include "../util/parse.h"
#include "../vpc/vpc.h"
#include "announce_anchor.h"
#include "announce_decide.h"
#include "announce_kernel.h"
#include "announce_watch.h"

static struct {
	struct vgw_announce_nl *nl; /* NULL: announcements off */
	struct vgw_announce_state st;
	struct vgw_announce_watch watch;
	uint64_t token;
	uint64_t next_audit_ms;
	char device[IF_NAMESIZE];
	/* the anchor device's fd (announce_anchor.h) while has_anchor */
	int anchor_fd;
	bool has_anchor;
	/* per-tick inputs of the decision, kept to avoid reallocating */
	uint32_t *eips;
	size_t eips_cap;
	struct vgw_announce_svc svcs[VGW_LB_SVC_MAX];
	struct vgw_announce_cand *cands;
	size_t cands_cap;
} a;

static struct vgw_announce_ops ops = {.apply = vgw_announce_nl_apply, .count = vgw_gw_sp_count};

/* The host port of the first public port; for an af-xdp public port the
 * anchor device; else lo (see announce_ctl.h). 0 with err on failure. */
static unsigned int pick_device(char *err)
{
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		const struct vgw_port *port = &vgw_gw.ports[p];
		if (port->role != VGW_ROLE_PUBLIC)
			continue;
		if (port->xdp_iface[0]) {
			unsigned int idx = 0;
			a.anchor_fd = vgw_announce_anchor_open(a.device, &idx, err);
			a.has_anchor = a.anchor_fd >= 0;
			return a.has_anchor ? idx : 0;
		}
		if (!port->host_name[0])
			break;
		unsigned int idx = (unsigned int)vgw_host_ifindex((uint16_t)p);
		if (idx) {
			snprintf(a.device, sizeof(a.device), "%s", port->host_name);
			return idx;
		}
		VGW_LOG(WARNING, announce, "host port %s of %s not found; routes use lo\n",
			port->host_name, port->name);
		break;
	}
	snprintf(a.device, sizeof(a.device), "lo");
	return if_nametoindex("lo");
}

/* Reads the kernel table back into the rows; false when it could not. */
static bool audit(uint64_t now)
{
	char err[VGW_ERR_LEN];
	uint32_t *v = NULL;
	long n = vgw_announce_nl_dump(a.nl, &v, err);
	if (n < 0) {
		VGW_LOG(ERR, announce, "%s\n", err);
		return false;
	}
	int rc = vgw_announce_audit(&a.st, v, (size_t)n, now);
	free(v);
	return rc == 0;
}

int vgw_announce_init(uint64_t now_ms, char *err)
{
	uint32_t table = vgw_rtnl_conf.announce_table;
	if (!table)
		return 0;
	err[0] = '\0';
	unsigned int ifindex = pick_device(err);
	if (!ifindex) {
		if (!err[0])
			snprintf(err, VGW_ERR_LEN, "announce: no device %s for the routes", a.device);
		return -1;
	}
	a.nl = vgw_announce_nl_open(table, ifindex, err);
	if (!a.nl)
		return -1;
	ops.ctx = a.nl;
	vgw_announce_watch_init(&a.watch, now_ms);
	/* leftovers of an earlier vgwd: nothing may be announced before this
	 * process has decided it */
	size_t left = 0, found = 0;
	if (audit(now_ms)) {
		found = a.st.n;
		left = vgw_announce_withdraw_all(&a.st, VGW_ANNOUNCE_R_LEFTOVER, now_ms, &ops);
	}
	a.next_audit_ms = now_ms + VGW_ANNOUNCE_AUDIT_MS;
	VGW_LOG(NOTICE, announce,
		"/32s of EIPs and healthy VIPs go to table %u (proto %d, dev %s); "
		"%zu leftover routes flushed%s\n",
		table, VGW_ANNOUNCE_RTPROT, a.device, found - left, left ? " (some failed, retried)" : "");
	return 0;
}

/* The decision's inputs from the live tables. false: out of memory. */
static bool collect(size_t *n_eips, size_t *n_svcs)
{
	size_t ne = 0, ns = 0;
	/* SNAT pool addresses are announced like EIPs: always, while configured */
	size_t need = vgw_pubaddr_count(VGW_PUBADDR_EIP) + vgw_pubaddr_count(VGW_PUBADDR_SNAT);
	if (need > a.eips_cap) {
		uint32_t *v = realloc(a.eips, need * sizeof(*v));
		if (!v)
			return false;
		a.eips = v;
		a.eips_cap = need;
	}
	uint32_t it = 0;
	const struct vgw_pubaddr *pa;
	while (ne < need && vgw_pubaddr_next(&it, &pa))
		if (pa->kind == VGW_PUBADDR_EIP || pa->kind == VGW_PUBADDR_SNAT)
			a.eips[ne++] = pa->ip;
	for (int i = 0; vgw_lb.svc && i < VGW_LB_SVC_MAX; i++) {
		const struct vgw_lb_service_cfg *s = &vgw_lb.svc[i];
		if (s->used)
			a.svcs[ns++] = (struct vgw_announce_svc){.vip = s->key.vip, .check = s->check.kind,
							    .n_backends = s->n_backends, .be = s->be};
	}
	if (ne + ns > a.cands_cap) {
		struct vgw_announce_cand *c = realloc(a.cands, (ne + ns) * sizeof(*c));
		if (!c)
			return false;
		a.cands = c;
		a.cands_cap = ne + ns;
	}
	*n_eips = ne;
	*n_svcs = ns;
	return true;
}

/* Liveness: check the outstanding token without waiting, start the next. */
static void watch(uint64_t now)
{
	bool passed = a.watch.armed && rte_rcu_qsbr_check(vgw_gw.rcu, a.token, false) == 1;
	uint64_t token_ms = a.watch.armed_ms;
	unsigned int ev = vgw_announce_watch_step(&a.watch, now, passed);
	if (ev & VGW_ANNOUNCE_WATCH_START)
		a.token = rte_rcu_qsbr_start(vgw_gw.rcu);
	if (ev & VGW_ANNOUNCE_WATCH_STALLED) {
		vgw_gw_sp_count(VGW_ANNOUNCE_SP(ANN_STALL), 1);
		VGW_LOG(WARNING, announce,
			"workers have not finished a loop for over %d ms: withdrawing "
			"every announcement\n", VGW_ANNOUNCE_STALL_MS);
	}
	if (ev & VGW_ANNOUNCE_WATCH_RECOVERED)
		VGW_LOG(NOTICE, announce, "workers running again after %lu ms: announcing\n",
			(unsigned long)(now - token_ms));
}

void vgw_announce_tick(uint64_t now_ms)
{
	if (!a.nl)
		return;
	watch(now_ms);
	if (now_ms >= a.next_audit_ms) {
		audit(now_ms);
		a.next_audit_ms = now_ms + VGW_ANNOUNCE_AUDIT_MS;
	}
	size_t ne, ns;
	if (!collect(&ne, &ns)) {
		VGW_LOG(ERR, announce, "out of memory; nothing changed this tick\n");
		return;
	}
	uint8_t hold = a.watch.state == VGW_ANNOUNCE_W_RUNNING    ? VGW_ANNOUNCE_R_NONE
		       : a.watch.state == VGW_ANNOUNCE_W_STARTING ? VGW_ANNOUNCE_R_STARTING
							     : VGW_ANNOUNCE_R_STALLED;
	size_t n = vgw_announce_decide(a.eips, ne, a.svcs, ns, hold, a.cands);
	if (vgw_announce_sync(&a.st, a.cands, n, now_ms, &ops) < 0)
		VGW_LOG(ERR, announce, "out of memory; nothing changed this tick\n");
}

void vgw_announce_stop(uint64_t now_ms)
{
	if (!a.nl)
		return;
	audit(now_ms); /* whatever the table holds of ours goes, rows or not */
	size_t left = vgw_announce_withdraw_all(&a.st, VGW_ANNOUNCE_R_STOPPING, now_ms, &ops);
	if (left)
		VGW_LOG(ERR, announce, "%zu routes could not be withdrawn from table %u\n",
			left, vgw_rtnl_conf.announce_table);
	else
		VGW_LOG(NOTICE, announce, "every route withdrawn from table %u\n",
			vgw_rtnl_conf.announce_table);
}

void vgw_announce_fini(void)
{
	vgw_announce_nl_close(a.nl);
	if (a.has_anchor)
		vgw_announce_anchor_close(a.anchor_fd);
	vgw_announce_state_free(&a.st);
	free(a.eips);
	free(a.cands);
	memset(&a, 0, sizeof(a));
}

void vgw_announce_status(struct vgw_announce_status *out)
{
	*out = (struct vgw_announce_status){
		.on = a.nl != NULL,
		.table = vgw_rtnl_conf.announce_table,
		.device = a.nl ? a.device : "-",
		.workers = a.watch.state,
		.workers_since_ms = a.watch.since_ms,
		.st = &a.st,
	};
}
