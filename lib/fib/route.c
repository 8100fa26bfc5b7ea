/* Route semantics: see route.h. */
#include "route.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../core/gw.h"

/* The kernel routes' questions: krib.c while it follows a table. */
static const struct vgw_fib_route_kernel_ops *kops;

/* The precedence rule (route.h): connected and local, then static, then
 * kernel. Every decision between two sources of a prefix asks this. */
static int rank(uint8_t source)
{
	switch (source) {
	case VGW_FIB_RS_LOCAL:
	case VGW_FIB_RS_CONNECTED:
		return 2;
	case VGW_FIB_RS_STATIC:
		return 1;
	default:
		return 0;
	}
}

/* The source of the FIB's route for prefix/len, -1 when there is none. */
static int holder(uint32_t prefix, uint8_t len)
{
	int slot = vgw_fib_find(vgw_fib_main, prefix, len);
	return slot < 0 ? -1 : vgw_fib_main->routes[slot].source;
}

int vgw_fib_route_install_connected(char *err)
{
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		const struct vgw_port *p = &vgw_gw.ports[i];
		for (int a = 0; a < p->n_addrs; a++) {
			uint32_t ip = p->addrs[a].ip;
			uint8_t len = p->addrs[a].plen;
			uint32_t m = vgw_prefix_mask(len);
			struct vgw_fib_route_target local = {.kind = VGW_FIB_RT_LOCAL,
							     .port = (uint16_t)i};
			struct vgw_fib_route_target conn = {
				.kind = VGW_FIB_RT_CONNECTED,
				.port = (uint16_t)i,
				.bcast = len < 31 ? (ip | ~m) : 0,
			};
			if (len < 32 &&
			    vgw_fib_set(vgw_fib_main, ip & m, len, VGW_FIB_RS_CONNECTED, &conn, false, err) < 0)
				return -1;
			if (vgw_fib_set(vgw_fib_main, ip, 32, VGW_FIB_RS_LOCAL, &local, false,
					err) < 0)
				return -1;
		}
	}
	return 0;
}

/* Connected and local routes belong to port addresses: never replaced. */
static int check_not_connected(uint32_t prefix, uint8_t len, char *err)
{
	char pfx[VGW_PREFIX_STRLEN];
	int src = holder(prefix, len);
	if (src >= 0 && rank((uint8_t)src) > rank(VGW_FIB_RS_STATIC)) {
		snprintf(err, VGW_ERR_LEN, "%s is a %s route of a port address",
			 vgw_prefix_str(prefix, len, pfx), vgw_fib_route_source_name((uint8_t)src));
		return -1;
	}
	return 0;
}

int vgw_fib_route_nh_port(uint32_t gw, char *err)
{
	char ip[VGW_IP4_STRLEN];
	int a;
	int port = vgw_port_connected(gw, &a);
	if (port < 0) {
		snprintf(err, VGW_ERR_LEN, "next hop %s is unreachable: not on a connected subnet",
			 vgw_ip4_str(gw, ip));
		return -ENETUNREACH;
	}
	const struct vgw_port_addr *pa = &vgw_gw.ports[port].addrs[a];
	uint32_t m = vgw_prefix_mask(pa->plen);
	if (vgw_ip_is_local(gw) || (pa->plen < 31 && ((gw & ~m) == 0 || (gw & ~m) == ~m))) {
		snprintf(err, VGW_ERR_LEN,
			 "next hop %s is not a neighbour address (own, network or broadcast)",
			 vgw_ip4_str(gw, ip));
		return -EINVAL;
	}
	return port;
}

int vgw_fib_route_static_set(uint32_t prefix, uint8_t len, const uint32_t *gws, unsigned int n,
			     bool replace, char *err)
{
	char ip[VGW_IP4_STRLEN];
	if (n == 0 || n > VGW_FIB_ECMP_MAX) {
		snprintf(err, VGW_ERR_LEN, "a route needs 1 to %d next hops", VGW_FIB_ECMP_MAX);
		return -1;
	}
	struct vgw_fib_route_target t = {.kind = VGW_FIB_RT_VIA, .n_paths = (uint8_t)n};
	for (unsigned int i = 0; i < n; i++) {
		int port = vgw_fib_route_nh_port(gws[i], err);
		if (port < 0)
			return -1;
		for (unsigned int j = 0; j < i; j++)
			if (gws[j] == gws[i]) {
				snprintf(err, VGW_ERR_LEN, "next hop %s given twice",
					 vgw_ip4_str(gws[i], ip));
				return -1;
			}
		t.paths[i] = (struct vgw_fib_nh_path){.gw = gws[i], .port = (uint16_t)port};
	}
	if (check_not_connected(prefix, len, err) < 0)
		return -1;
	/* static beats kernel: `route add` over a kernel route takes its place */
	int src = holder(prefix, len);
	if (src >= 0 && rank((uint8_t)src) < rank(VGW_FIB_RS_STATIC))
		replace = true;
	if (vgw_fib_set(vgw_fib_main, prefix, len, VGW_FIB_RS_STATIC, &t, replace, err) < 0)
		return -1;
	if (kops)
		kops->carried(prefix, len, false);
	return 0;
}

int vgw_fib_route_static_del(uint32_t prefix, uint8_t len, char *err)
{
	char pfx[VGW_PREFIX_STRLEN];
	int slot = vgw_fib_find(vgw_fib_main, prefix, len);
	if (slot < 0) {
		snprintf(err, VGW_ERR_LEN, "no route %s", vgw_prefix_str(prefix, len, pfx));
		return -1;
	}
	if (vgw_fib_main->routes[slot].source != VGW_FIB_RS_STATIC) {
		snprintf(err, VGW_ERR_LEN, "%s is a %s route and cannot be deleted",
			 vgw_prefix_str(prefix, len, pfx),
			 vgw_fib_route_source_name(vgw_fib_main->routes[slot].source));
		return -1;
	}
	/* a kernel route of the prefix comes back, without a gap: one target
	 * swap instead of a delete and an add */
	uint8_t proto = 0;
	const struct vgw_fib_route_target *kt = kops ? kops->find(prefix, len, &proto) : NULL;
	if (kt) {
		if (vgw_fib_set(vgw_fib_main, prefix, len, VGW_FIB_RS_KERNEL, kt, true, err) < 0)
			return -1;
		vgw_fib_set_proto(vgw_fib_main, (uint32_t)vgw_fib_find(vgw_fib_main, prefix, len), proto);
		kops->carried(prefix, len, true);
		return 0;
	}
	return vgw_fib_del(vgw_fib_main, prefix, len, err) < 0 ? -1 : 0;
}

void vgw_fib_route_kernel_register(const struct vgw_fib_route_kernel_ops *ops)
{
	kops = ops;
}

int vgw_fib_route_kernel_set(uint32_t prefix, uint8_t len, const struct vgw_fib_route_target *t,
			     uint8_t proto, char *err)
{
	int src = holder(prefix, len);
	if (src >= 0 && rank((uint8_t)src) > rank(VGW_FIB_RS_KERNEL))
		return 1;
	int rc = vgw_fib_set(vgw_fib_main, prefix, len, VGW_FIB_RS_KERNEL, t, true, err);
	if (rc < 0)
		return rc;
	vgw_fib_set_proto(vgw_fib_main, (uint32_t)vgw_fib_find(vgw_fib_main, prefix, len), proto);
	return 0;
}

int vgw_fib_route_kernel_del(uint32_t prefix, uint8_t len, char *err)
{
	if (holder(prefix, len) != VGW_FIB_RS_KERNEL)
		return 0;
	return vgw_fib_del(vgw_fib_main, prefix, len, err);
}

const char *vgw_fib_route_kernel_proto_name(uint8_t proto, char buf[4])
{
	if (kops && kops->proto_name)
		return kops->proto_name(proto, buf);
	snprintf(buf, 4, "%u", proto);
	return buf;
}
