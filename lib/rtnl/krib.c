/* Kernel RIB: see krib.h.
 *
 * Storage: an open-addressing hash of (prefix, len) with linear probing and
 * backward-shift deletion (no tombstones, so a table that churns for days
 * keeps short probe runs), 32 bytes a route. It doubles at 3/4 load: the
 * rehash is one pause of the slow path (84 ms at 786k routes on the test
 * machine), taken instead of sizing for `fib max-routes` up front (128 MiB
 * for 2M whether a table is followed or not); alternates (same prefix, higher
 * metric: rare) hang off their entry in a list sorted by metric. A route's
 * next hops are kept only as its resolved target, a reference on the FIB's
 * shared target, so a million routes over a few next-hop sets cost a few
 * targets. */
#include "krib.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_log.h>

#include "../core/gw.h"
#include "../core/ratelog.h"
#include "../host/host.h"
#include "../fib/fib_target.h"
#include "../fib/route.h"

#define VGW_X_NAME(id, name, help) name,
const char *const vgw_rtnl_krib_refusal_names[VGW_RTNL_KRIB_REFUSAL_MAX] = {
	VGW_RTNL_KRIB_REFUSALS(VGW_X_NAME)};
#undef VGW_X_NAME

#define F_USED 1u
#define F_INSTALLED 2u /* in the FIB as a kernel route */
#define F_SHADOWED 4u  /* the FIB has a connected, local or static route here */

struct kalt {
	uint32_t metric;
	uint8_t proto, gen;
	const struct vgw_fib_route_target *t;
	struct kalt *next;
};

struct kent {
	uint32_t prefix;
	uint8_t len, flags, proto, gen;
	uint32_t metric;
	const struct vgw_fib_route_target *t; /* held */
	struct kalt *alt;                 /* higher metrics, ascending */
};


static struct {
	bool active;
	uint32_t cap; /* most routes kept */
	struct kent *e;
	uint32_t mask; /* slots - 1 */
	uint32_t used; /* entries (alternates not counted) */
	uint8_t gen;
	bool sweeping;
	uint32_t sweep_pos;
	struct vgw_rtnl_krib_stats st;
	struct vgw_ratelog log;
} K;

/* ---- logging ------------------------------------------------------------ */

static uint64_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

void vgw_rtnl_krib_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(K.st.last_error, sizeof(K.st.last_error), fmt, ap);
	va_end(ap);
	K.log.what = "kernel routes";
	VGW_RATELOG_TYPE(&K.log, rtnl);
	vgw_ratelog(&K.log, now_s(), K.st.last_error);
}

/* ---- the hash ----------------------------------------------------------- */

static uint32_t hash(uint32_t prefix, uint8_t len)
{
	uint64_t x = (uint64_t)prefix << 8 | len;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return (uint32_t)x;
}

static struct kent *find(uint32_t prefix, uint8_t len)
{
	if (!K.e)
		return NULL;
	for (uint32_t i = hash(prefix, len) & K.mask;; i = (i + 1) & K.mask) {
		struct kent *e = &K.e[i];
		if (!(e->flags & F_USED))
			return NULL;
		if (e->prefix == prefix && e->len == len)
			return e;
	}
}

static void place(struct kent *tab, uint32_t mask, const struct kent *e)
{
	uint32_t i = hash(e->prefix, e->len) & mask;
	while (tab[i].flags & F_USED)
		i = (i + 1) & mask;
	tab[i] = *e;
}

static int resize(uint32_t slots)
{
	struct kent *tab = calloc(slots, sizeof(*tab));
	if (!tab)
		return -1;
	for (uint32_t i = 0; K.e && i <= K.mask; i++)
		if (K.e[i].flags & F_USED)
			place(tab, slots - 1, &K.e[i]);
	free(K.e);
	K.e = tab;
	K.mask = slots - 1;
	K.sweep_pos = 0; /* entries moved: a running sweep starts over */
	return 0;
}

/* A new, zeroed entry for (prefix, len), which must not be present. */
static struct kent *insert(uint32_t prefix, uint8_t len)
{
	if ((uint64_t)(K.used + 1) * 4 > (uint64_t)(K.mask + 1) * 3 &&
	    resize((K.mask + 1) * 2) < 0)
		return NULL;
	uint32_t i = hash(prefix, len) & K.mask;
	while (K.e[i].flags & F_USED)
		i = (i + 1) & K.mask;
	K.e[i] = (struct kent){.prefix = prefix, .len = len, .flags = F_USED};
	K.used++;
	return &K.e[i];
}

/* Backward-shift deletion: later entries of the probe run move up. */
static void erase(struct kent *e)
{
	uint32_t i = (uint32_t)(e - K.e);
	for (uint32_t j = i;;) {
		j = (j + 1) & K.mask;
		if (!(K.e[j].flags & F_USED))
			break;
		uint32_t home = hash(K.e[j].prefix, K.e[j].len) & K.mask;
		/* j stays if its home lies cyclically in (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		K.e[i] = K.e[j];
		i = j;
	}
	memset(&K.e[i], 0, sizeof(K.e[i]));
	K.used--;
}

/* ---- FIB side ----------------------------------------------------------- */

static void set_state(struct kent *e, uint8_t state)
{
	uint8_t old = e->flags & (F_INSTALLED | F_SHADOWED);
	if (old == state)
		return;
	if (old & F_INSTALLED)
		K.st.installed--;
	if (old & F_SHADOWED)
		K.st.shadowed--;
	if (state & F_INSTALLED)
		K.st.installed++;
	if (state & F_SHADOWED) {
		K.st.shadowed++;
		K.st.shadow_events++;
	}
	e->flags = (uint8_t)((e->flags & ~(F_INSTALLED | F_SHADOWED)) | state);
}

/* Offers e's best route to the FIB; route.c decides (precedence) whether
 * it is carried or shadowed. Returns 0 or a negative errno (err set;
 * nothing changed). */
static int sync_fib(struct kent *e, char *err)
{
	int rc = vgw_fib_route_kernel_set(e->prefix, e->len, e->t, e->proto, err);
	if (rc < 0)
		return rc;
	set_state(e, rc > 0 ? F_SHADOWED : F_INSTALLED);
	return 0;
}

/* ---- resolution --------------------------------------------------------- */

/* The port a gateway leaves by. The kernel's outgoing interface does not
 * name one of our ports today: the gateway's connected subnet does.
 * HOST PORTS: once lib/host gives every port a Linux interface, a route the
 * routing daemon installs says `via GW dev <host port>`; then map the oif
 * here (int vgw_host_port_of_ifindex(int ifindex)) and refuse a gateway
 * whose subnet is on another port. This is the only place that changes. */
/* The port of a next hop is the one whose subnet holds the gateway (the rule
 * of static routes). A routing daemon names a host port as the interface
 * (lib/host): it must be that same port, else the route is inconsistent. */
static int path_port(uint32_t gw, int32_t oif, char *err)
{
	int port = vgw_fib_route_nh_port(gw, err);
	int host = oif > 0 ? vgw_host_port_of_ifindex(oif) : -1;
	if (port >= 0 && host >= 0 && host != port) {
		char a[VGW_IP4_STRLEN];
		snprintf(err, VGW_ERR_LEN, "gateway %s is on port %s, not on %s's port %s",
			 vgw_ip4_str(gw, a), vgw_gw.ports[port].name, vgw_host_ifname((uint16_t)host),
			 vgw_gw.ports[host].name);
		return -EINVAL;
	}
	return port;
}

static int cmp_path(const void *a, const void *b)
{
	const struct vgw_fib_nh_path *x = a, *y = b;
	if (x->gw != y->gw)
		return x->gw < y->gw ? -1 : 1;
	return (int)x->port - (int)y->port;
}

/* r's next hops as a target: sorted by gateway (the same set in another
 * order is the same target, and an ECMP flow keeps its path when the kernel
 * reorders), duplicates dropped. Returns -1 or a refusal. */
static int resolve(const struct vgw_rtnl_route *r, struct vgw_fib_route_target *t, char *err)
{
	memset(t, 0, sizeof(*t));
	t->kind = VGW_FIB_RT_VIA;
	for (unsigned int i = 0; i < r->n_paths; i++) {
		int port = path_port(r->paths[i].gw, r->paths[i].oif, err);
		if (port < 0)
			return port == -ENETUNREACH ? VGW_RTNL_KRIB_NH_UNREACHABLE
						    : VGW_RTNL_KRIB_NH_INVALID;
		t->paths[t->n_paths++] = (struct vgw_fib_nh_path){.gw = r->paths[i].gw,
							      .port = (uint16_t)port};
	}
	qsort(t->paths, t->n_paths, sizeof(t->paths[0]), cmp_path);
	unsigned int n = 0;
	for (unsigned int i = 0; i < t->n_paths; i++)
		if (n == 0 || t->paths[i].gw != t->paths[n - 1].gw)
			t->paths[n++] = t->paths[i];
	t->n_paths = (uint8_t)n;
	return -1;
}

/* ---- applying ----------------------------------------------------------- */

static void refuse(int reason, const struct vgw_rtnl_route *r, const char *why)
{
	char pfx[VGW_PREFIX_STRLEN];
	K.st.refused[reason]++;
	vgw_rtnl_krib_log("%s refused (%s): %s", vgw_prefix_str(r->dst, r->len, pfx),
			  vgw_rtnl_krib_refusal_names[reason], why);
}

static void remove_primary(struct kent *e)
{
	char err[VGW_ERR_LEN];
	const struct vgw_fib_route_target *old = e->t;
	K.st.routes--;
	K.st.withdrawals++;
	if (e->alt) {
		/* the next metric takes over, in place */
		struct kalt *a = e->alt;
		e->t = a->t;
		e->metric = a->metric;
		e->proto = a->proto;
		e->gen = a->gen;
		e->alt = a->next;
		free(a);
		K.st.alternates--;
		if (sync_fib(e, err) < 0)
			vgw_rtnl_krib_log("cannot install the next route of a prefix: %s", err);
		vgw_fib_target_release(vgw_fib_main, old);
		return;
	}
	if ((e->flags & F_INSTALLED) && vgw_fib_route_kernel_del(e->prefix, e->len, err) < 0)
		vgw_rtnl_krib_log("cannot remove a kernel route: %s", err);
	set_state(e, 0);
	vgw_fib_target_release(vgw_fib_main, old);
	erase(e);
}

/* Unlinks the alternate *pp (a route behind a better metric) and frees it. */
static void drop_alt(struct kalt **pp)
{
	struct kalt *a = *pp;
	*pp = a->next;
	vgw_fib_target_release(vgw_fib_main, a->t);
	free(a);
	K.st.alternates--;
	K.st.routes--;
	K.st.withdrawals++;
}

/* Removes the route (prefix, len, metric) if kept; true if it was. */
static bool withdraw(uint32_t prefix, uint8_t len, uint32_t metric)
{
	struct kent *e = find(prefix, len);
	if (!e)
		return false;
	if (e->metric == metric) {
		remove_primary(e);
		return true;
	}
	for (struct kalt **pp = &e->alt; *pp; pp = &(*pp)->next)
		if ((*pp)->metric == metric) {
			drop_alt(pp);
			return true;
		}
	return false;
}

/* A route behind a better metric: insert or update it in e's list. */
static void apply_alt(struct kent *e, const struct vgw_rtnl_route *r,
		      const struct vgw_fib_route_target *t)
{
	struct kalt **pp = &e->alt;
	while (*pp && (*pp)->metric < r->metric)
		pp = &(*pp)->next;
	if (*pp && (*pp)->metric == r->metric) {
		vgw_fib_target_release(vgw_fib_main, (*pp)->t);
		(*pp)->t = t;
		(*pp)->proto = r->proto;
		(*pp)->gen = K.gen;
		K.st.updates++;
		return;
	}
	struct kalt *a = K.st.routes < K.cap ? malloc(sizeof(*a)) : NULL;
	if (!a) {
		vgw_fib_target_release(vgw_fib_main, t);
		refuse(VGW_RTNL_KRIB_FIB_FULL, r, "the kernel RIB is full");
		return;
	}
	*a = (struct kalt){.metric = r->metric, .proto = r->proto, .gen = K.gen, .t = t,
			   .next = *pp};
	*pp = a;
	K.st.alternates++;
	K.st.routes++;
	K.st.updates++;
}

static void apply_add(const struct vgw_rtnl_route *r)
{
	char err[VGW_ERR_LEN];
	struct vgw_fib_route_target tt;
	int why = resolve(r, &tt, err);
	if (why >= 0) {
		refuse(why, r, err);
		withdraw(r->dst, r->len, r->metric); /* the kernel no longer uses it */
		return;
	}
	struct kent *e = find(r->dst, r->len);
	if (!e && K.st.routes >= K.cap) {
		refuse(VGW_RTNL_KRIB_FIB_FULL, r, "the kernel RIB is full (fib max-routes)");
		return;
	}
	const struct vgw_fib_route_target *t = vgw_fib_target_hold(vgw_fib_main, &tt);
	if (!t) {
		refuse(VGW_RTNL_KRIB_FIB_FULL, r, "out of memory");
		return;
	}
	if (!e) {
		e = insert(r->dst, r->len);
		if (!e) {
			vgw_fib_target_release(vgw_fib_main, t);
			refuse(VGW_RTNL_KRIB_FIB_FULL, r, "out of memory");
			return;
		}
		e->metric = r->metric;
		e->proto = r->proto;
		e->gen = K.gen;
		e->t = t;
		int rc = sync_fib(e, err);
		if (rc < 0) {
			erase(e);
			vgw_fib_target_release(vgw_fib_main, t);
			refuse(VGW_RTNL_KRIB_FIB_FULL, r, err);
			return;
		}
		K.st.routes++;
		K.st.updates++;
		return;
	}
	if (r->metric > e->metric) {
		apply_alt(e, r, t);
		return;
	}
	if (r->metric < e->metric) {
		/* the new route wins: the current one steps back */
		struct kalt *a = K.st.routes < K.cap ? malloc(sizeof(*a)) : NULL;
		if (!a) {
			vgw_fib_target_release(vgw_fib_main, t);
			refuse(VGW_RTNL_KRIB_FIB_FULL, r, "the kernel RIB is full");
			return;
		}
		*a = (struct kalt){.metric = e->metric, .proto = e->proto, .gen = e->gen,
				   .t = e->t, .next = e->alt};
		e->alt = a;
		K.st.alternates++;
		K.st.routes++;
	}
	/* replace the best route in place: one target swap in the FIB */
	const struct vgw_fib_route_target *old = e->t;
	uint8_t old_proto = e->proto, old_gen = e->gen;
	uint32_t old_metric = e->metric;
	e->t = t;
	e->proto = r->proto;
	e->metric = r->metric;
	e->gen = K.gen;
	if (sync_fib(e, err) < 0) {
		e->t = old;
		e->proto = old_proto;
		e->gen = old_gen;
		e->metric = old_metric;
		if (old_metric != r->metric) { /* undo the step back */
			struct kalt *a = e->alt;
			e->alt = a->next;
			free(a);
			K.st.alternates--;
			K.st.routes--;
		}
		vgw_fib_target_release(vgw_fib_main, t);
		refuse(VGW_RTNL_KRIB_FIB_FULL, r, err);
		return;
	}
	if (old_metric == r->metric)
		vgw_fib_target_release(vgw_fib_main, old); /* else it lives on as an alternate */
	K.st.updates++;
}

void vgw_rtnl_krib_handle(const void *msg, size_t avail)
{
	struct vgw_rtnl_route r;
	if (!K.active)
		return;
	K.st.messages++;
	enum vgw_rtnl_result res = vgw_rtnl_parse(msg, avail, K.st.table, &r);
	K.st.by_result[res]++;
	K.st.unknown_attrs += r.unknown_attrs;
	char pfx[VGW_PREFIX_STRLEN];
	switch (res) {
	case VGW_RTNL_OK:
		if (r.op == VGW_RTNL_ADD)
			apply_add(&r);
		else
			withdraw(r.dst, r.len, r.metric);
		break;
	case VGW_RTNL_IGN_TYPE:
		/* e.g. `ip route replace P blackhole`: our unicast P is gone */
		withdraw(r.dst, r.len, r.metric);
		break;
	case VGW_RTNL_ERR_NO_GATEWAY:
	case VGW_RTNL_ERR_TOO_MANY_PATHS:
	case VGW_RTNL_ERR_UNSUPPORTED:
		/* well-formed, with a valid key: the route changed into one we
		 * cannot follow, so the one we follow is stale */
		vgw_rtnl_krib_log("%s refused (%s): %s", vgw_prefix_str(r.dst, r.len, pfx),
				  vgw_rtnl_result_names[res], vgw_rtnl_result_help[res]);
		withdraw(r.dst, r.len, r.metric);
		break;
	default:
		if (vgw_rtnl_is_error(res))
			vgw_rtnl_krib_log("netlink message refused (%s): %s",
					  vgw_rtnl_result_names[res], vgw_rtnl_result_help[res]);
	}
}

/* ---- resync ------------------------------------------------------------- */

void vgw_rtnl_krib_resync_begin(void)
{
	K.gen++;
	K.sweeping = false;
}

void vgw_rtnl_krib_resync_end(void)
{
	K.sweeping = true;
	K.sweep_pos = 0;
}

bool vgw_rtnl_krib_sweep_step(unsigned int budget)
{
	if (!K.sweeping)
		return true;
	while (budget-- > 0 && K.e && K.sweep_pos <= K.mask) {
		struct kent *e = &K.e[K.sweep_pos];
		if (!(e->flags & F_USED)) {
			K.sweep_pos++;
			continue;
		}
		for (struct kalt **pp = &e->alt; *pp;) {
			if ((*pp)->gen == K.gen) {
				pp = &(*pp)->next;
				continue;
			}
			drop_alt(pp);
			K.st.swept++;
		}
		if (e->gen != K.gen) {
			/* erase() may move a later entry here: look again */
			remove_primary(e);
			K.st.swept++;
			continue;
		}
		K.sweep_pos++;
	}
	if (K.e && K.sweep_pos <= K.mask)
		return false;
	K.sweeping = false;
	return true;
}

/* ---- what route.c asks (a static route covers or uncovers a prefix) ---- */

static const struct vgw_fib_route_target *kernel_find(uint32_t prefix, uint8_t len, uint8_t *proto)
{
	const struct kent *e = find(prefix, len);
	if (!e)
		return NULL;
	*proto = e->proto;
	return e->t;
}

static void kernel_carried(uint32_t prefix, uint8_t len, bool installed)
{
	struct kent *e = find(prefix, len);
	if (e)
		set_state(e, installed ? F_INSTALLED : F_SHADOWED);
}

static const struct vgw_fib_route_kernel_ops kernel_ops = {
	.find = kernel_find,
	.carried = kernel_carried,
	.proto_name = vgw_rtnl_proto_name,
};

/* ---- life --------------------------------------------------------------- */

int vgw_rtnl_krib_init(uint32_t table, uint32_t max_routes)
{
	vgw_rtnl_krib_fini();
	memset(&K, 0, sizeof(K));
	if (resize(1024) < 0)
		return -1;
	K.active = true;
	K.cap = max_routes;
	K.st.table = table;
	vgw_fib_route_kernel_register(&kernel_ops);
	return 0;
}

void vgw_rtnl_krib_fini(void)
{
	for (uint32_t i = 0; K.e && i <= K.mask; i++) {
		struct kent *e = &K.e[i];
		if (!(e->flags & F_USED))
			continue;
		for (struct kalt *a = e->alt, *nx; a; a = nx) {
			nx = a->next;
			vgw_fib_target_release(vgw_fib_main, a->t);
			free(a);
		}
		vgw_fib_target_release(vgw_fib_main, e->t);
	}
	free(K.e);
	K.e = NULL;
	K.active = false;
	vgw_fib_route_kernel_register(NULL);
}

bool vgw_rtnl_krib_active(void)
{
	return K.active;
}

const struct vgw_rtnl_krib_stats *vgw_rtnl_krib_stats(void)
{
	K.st.bytes = (uint64_t)(K.mask + 1) * sizeof(struct kent) +
		     (uint64_t)K.st.alternates * sizeof(struct kalt);
	return &K.st;
}
