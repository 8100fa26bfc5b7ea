/* The steering map in vgwd: see xdp_ctl.h. */
#include "xdp_ctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <rte_log.h>

#include "../addr/pubaddr.h"
#include "../core/gw.h"
#include "../core/log.h"
#include "../util/parse.h"
#include "../vpc/vpc.h"
#include "xdp_port.h"

static struct {
	int fd; /* the pinned map, -1 when closed */
	struct vgw_xdp_sync sync;
	struct vgw_xdp_entry *want;
	size_t want_cap;
	uint64_t next_retry_ms, next_audit_ms;
	uint64_t repaired;
	bool stopped; /* vgw_xdp_map_stop ran: our entries are gone */
} x = {.fd = -1};

static int map_update(void *ctx, const struct vgw_xdp_entry *e)
{
	(void)ctx;
	return bpf_map_update_elem(x.fd, &e->k, &e->v, BPF_ANY) == 0 ? 0 : -errno;
}

static int map_del(void *ctx, const struct vgw_xdp_key *k)
{
	(void)ctx;
	return bpf_map_delete_elem(x.fd, k) == 0 ? 0 : -errno;
}

static const struct vgw_xdp_sync_ops ops = {.update = map_update, .del = map_del};

static bool ours(uint32_t ifindex)
{
	for (int i = 0; i < vgw_gw.n_ports; i++)
		if (vgw_gw.ports[i].xdp_iface[0] && (uint32_t)vgw_gw.ports[i].xdp_ifindex == ifindex)
			return true;
	return false;
}

static bool want_room(size_t n)
{
	if (n <= x.want_cap)
		return true;
	struct vgw_xdp_entry *w = realloc(x.want, n * sizeof(*w));
	if (!w)
		return false;
	x.want = w;
	x.want_cap = n;
	return true;
}

static void push(size_t *n, uint32_t ifindex, uint32_t ip, uint8_t kind, uint16_t port)
{
	x.want[(*n)++] = (struct vgw_xdp_entry){
		.k = {.ifindex = ifindex, .addr = htonl(ip)},
		.v = {.kind = kind, .vxlan_port = htons(port)},
	};
}

/* The wanted entries from the live tables; false when out of memory. */
static bool collect(size_t *n_out)
{
	size_t per_public = (size_t)vgw_pubaddr_count(VGW_PUBADDR_EIP) +
			    vgw_pubaddr_count(VGW_PUBADDR_VIP) + vgw_pubaddr_count(VGW_PUBADDR_SNAT);
	if (!want_room((size_t)vgw_gw.n_ports * (per_public + 1)))
		return false;
	size_t n = 0;
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		const struct vgw_port *port = &vgw_gw.ports[p];
		if (!port->xdp_iface[0])
			continue;
		uint32_t ifi = (uint32_t)port->xdp_ifindex;
		if (port->role == VGW_ROLE_UNDERLAY) {
			uint32_t ip;
			uint16_t udp;
			if (vgw_vpc_main) {
				vgw_vpc_vtep_get(vgw_vpc_main, &ip, &udp);
				if (ip)
					push(&n, ifi, ip, VGW_XDP_VTEP, udp);
			}
			continue;
		}
		/* the public addresses: one registry, every owner's */
		uint32_t it = 0;
		const struct vgw_pubaddr *a;
		while (vgw_pubaddr_next(&it, &a))
			push(&n, ifi, a->ip, a->kind == VGW_PUBADDR_VIP ? VGW_XDP_VIP : VGW_XDP_EIP, 0);
	}
	*n_out = vgw_xdp_normalize(x.want, n);
	return true;
}

long vgw_xdp_map_read(int ifindex, void (*fn)(void *arg, const struct vgw_xdp_entry *e),
		      void *arg)
{
	if (x.fd < 0)
		return -1;
	struct vgw_xdp_key k, next;
	long n = 0;
	void *cur = NULL;
	/* a key deleted under the walk restarts it from the first key: bound it */
	for (uint64_t steps = 0; steps < 2ull * VGW_XDP_ADDRS_MAX &&
				 bpf_map_get_next_key(x.fd, cur, &next) == 0; steps++) {
		k = next;
		cur = &k;
		struct vgw_xdp_entry e = {.k = k};
		if ((ifindex ? k.ifindex != (uint32_t)ifindex : !ours(k.ifindex)) ||
		    bpf_map_lookup_elem(x.fd, &k, &e.v) != 0)
			continue;
		fn(arg, &e);
		n++;
	}
	return n;
}

struct gather {
	struct vgw_xdp_entry *e;
	size_t n, cap;
	bool oom;
};

static void gather_one(void *arg, const struct vgw_xdp_entry *e)
{
	struct gather *g = arg;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 256;
		struct vgw_xdp_entry *v = realloc(g->e, cap * sizeof(*v));
		if (!v) {
			g->oom = true;
			return;
		}
		g->e = v;
		g->cap = cap;
	}
	g->e[g->n++] = *e;
}

/* `have` := what the map holds for our interfaces. Returns the drift. */
static long audit(void)
{
	struct gather g = {0};
	vgw_xdp_map_read(0, gather_one, &g);
	long drift = g.oom ? -1 : vgw_xdp_sync_reset(&x.sync, g.e, g.n);
	free(g.e);
	if (drift < 0)
		VGW_LOG(ERR, xdp, "out of memory reading the steering map back\n");
	return drift;
}

static void sync_now(uint64_t now_ms)
{
	size_t n;
	if (!collect(&n)) {
		VGW_LOG(ERR, xdp, "out of memory; steering map unchanged this tick\n");
		return;
	}
	if (vgw_xdp_sync_same(&x.sync, x.want, n)) {
		/* a refused entry may have left the configuration since */
		if (x.sync.failed)
			VGW_LOG(NOTICE, xdp, "steering map in sync again\n");
		x.sync.failed = 0;
		x.sync.last_err = 0;
		return;
	}
	/* a refusal (map full) would be asked again every tick: once a second */
	if (x.sync.failed && now_ms < x.next_retry_ms)
		return;
	uint32_t before = x.sync.failed;
	long left = vgw_xdp_sync_apply(&x.sync, x.want, n, &ops, NULL);
	if (left > 0) {
		x.next_retry_ms = now_ms + VGW_XDP_RETRY_MS;
		if (!before)
			VGW_LOG(ERR, xdp,
				"the kernel refused %ld steering map change(s): %s (retried "
				"every second; `show xdp`)\n", left, strerror(x.sync.last_err));
	} else if (left == 0 && before) {
		VGW_LOG(NOTICE, xdp, "steering map in sync again\n");
	}
}

int vgw_xdp_map_init(uint64_t now_ms, char *err)
{
	if (x.fd >= 0)
		return 0;
	if (!vgw_xdp_any())
		return 0;
	const char *path = VGW_XDP_PIN_ROOT "/" VGW_XDP_ADDRS_MAP;
	x.fd = bpf_obj_get(path);
	if (x.fd < 0) {
		snprintf(err, VGW_ERR_LEN, "xdp: cannot open the steering map %s: %s", path,
			 strerror(errno));
		return -1;
	}
	long drift = audit();
	if (drift < 0) {
		snprintf(err, VGW_ERR_LEN, "xdp: out of memory reading %s", path);
		return -1;
	}
	if (x.sync.n_have)
		VGW_LOG(NOTICE, xdp,
			"%zu steering entries of an earlier vgwd found; kept where still "
			"configured\n", x.sync.n_have);
	sync_now(now_ms);
	x.next_audit_ms = now_ms + VGW_XDP_AUDIT_MS;
	VGW_LOG(NOTICE, xdp, "steering map %s: %zu entries of ours\n", path,
		x.sync.n_have);
	return 0;
}

void vgw_xdp_map_tick(uint64_t now_ms)
{
	if (x.fd < 0)
		return;
	if (now_ms >= x.next_audit_ms) {
		long drift = audit();
		if (drift > 0) {
			x.repaired += (uint64_t)drift;
			VGW_LOG(WARNING, xdp,
				"%ld steering entries changed behind vgwd's back: repairing\n",
				drift);
			x.next_retry_ms = 0;
		}
		x.next_audit_ms = now_ms + VGW_XDP_AUDIT_MS;
	}
	sync_now(now_ms);
}

void vgw_xdp_map_stop(void)
{
	if (x.fd < 0 || x.stopped)
		return;
	x.stopped = true;
	audit(); /* whatever the map holds of ours goes */
	long left = vgw_xdp_sync_apply(&x.sync, NULL, 0, &ops, NULL);
	if (left != 0)
		VGW_LOG(ERR, xdp, "%ld steering entries could not be removed: %s\n", left,
			strerror(x.sync.last_err));
	else
		VGW_LOG(NOTICE, xdp, "every steering entry of ours removed\n");
}

void vgw_xdp_map_fini(void)
{
	/* a start-up that failed after the map was filled never ran the slow
	 * path's stop: nothing may stay steered to sockets about to close */
	vgw_xdp_map_stop();
	if (x.fd >= 0)
		close(x.fd);
	x.stopped = false;
	x.fd = -1;
	vgw_xdp_sync_free(&x.sync);
	free(x.want);
	x.want = NULL;
	x.want_cap = 0;
}

const struct vgw_xdp_sync *vgw_xdp_map_state(void)
{
	return x.fd >= 0 ? &x.sync : NULL;
}

uint64_t vgw_xdp_map_repaired(void)
{
	return x.repaired;
}
