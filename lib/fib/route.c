/* Route semantics: see route.h. */
#include "route.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../core/gw.h"
#include "../rtnl/krib.h"

int vgw_route_install_connected(char *err)
{
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		const struct vgw_port *p = &vgw_gw.ports[i];
		for (int a = 0; a < p->n_addrs; a++) {
			uint32_t ip = p->addrs[a].ip;
			uint8_t len = p->addrs[a].plen;
			uint32_t m = vgw_prefix_mask(len);
			struct vgw_route_target local = {.kind = VGW_RT_LOCAL, .port = (uint16_t)i};
			struct vgw_route_target conn = {
				.kind = VGW_RT_CONNECTED,
				.port = (uint16_t)i,
				.bcast = len < 31 ? (ip | ~m) : 0,
			};
			if (len < 32 &&
			    vgw_fib_set(vgw_gw.fib, ip & m, len, VGW_RS_CONNECTED, &conn, false, err) < 0)
				return -1;
			if (vgw_fib_set(vgw_gw.fib, ip, 32, VGW_RS_LOCAL, &local, false, err) < 0)
				return -1;
		}
	}
	return 0;
}

/* Connected and local routes belong to port addresses: never replaced. */
static int check_not_connected(uint32_t prefix, uint8_t len, char *err)
{
	char pfx[VGW_PREFIX_STRLEN];
	int slot = vgw_fib_find(vgw_gw.fib, prefix, len);
	if (slot < 0)
		return 0;
	uint8_t src = vgw_gw.fib->routes[slot].source;
	if (src == VGW_RS_CONNECTED || src == VGW_RS_LOCAL) {
		snprintf(err, VGW_ERR_LEN, "%s is a %s route of a port address",
			 vgw_prefix_str(prefix, len, pfx), vgw_route_source_name(src));
		return -1;
	}
	return 0;
}

int vgw_route_nh_port(uint32_t gw, char *err)
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

int vgw_route_static_set(uint32_t prefix, uint8_t len, const uint32_t *gws, unsigned int n,
			 bool replace, char *err)
{
	char ip[VGW_IP4_STRLEN];
	if (n == 0 || n > VGW_ECMP_MAX) {
		snprintf(err, VGW_ERR_LEN, "a route needs 1 to %d next hops", VGW_ECMP_MAX);
		return -1;
	}
	struct vgw_route_target t = {.kind = VGW_RT_VIA, .n_paths = (uint8_t)n};
	for (unsigned int i = 0; i < n; i++) {
		int port = vgw_route_nh_port(gws[i], err);
		if (port < 0)
			return -1;
		for (unsigned int j = 0; j < i; j++)
			if (gws[j] == gws[i]) {
				snprintf(err, VGW_ERR_LEN, "next hop %s given twice",
					 vgw_ip4_str(gws[i], ip));
				return -1;
			}
		t.paths[i] = (struct vgw_nh_path){.gw = gws[i], .port = (uint16_t)port};
	}
	if (check_not_connected(prefix, len, err) < 0)
		return -1;
	/* static beats kernel: `route add` over a kernel route takes its place */
	int slot = vgw_fib_find(vgw_gw.fib, prefix, len);
	if (slot >= 0 && vgw_gw.fib->routes[slot].source == VGW_RS_KERNEL)
		replace = true;
	if (vgw_fib_set(vgw_gw.fib, prefix, len, VGW_RS_STATIC, &t, replace, err) < 0)
		return -1;
	vgw_krib_static_set(prefix, len);
	return 0;
}

int vgw_route_static_del(uint32_t prefix, uint8_t len, char *err)
{
	char pfx[VGW_PREFIX_STRLEN];
	int slot = vgw_fib_find(vgw_gw.fib, prefix, len);
	if (slot < 0) {
		snprintf(err, VGW_ERR_LEN, "no route %s", vgw_prefix_str(prefix, len, pfx));
		return -1;
	}
	if (vgw_gw.fib->routes[slot].source != VGW_RS_STATIC) {
		snprintf(err, VGW_ERR_LEN, "%s is a %s route and cannot be deleted",
			 vgw_prefix_str(prefix, len, pfx),
			 vgw_route_source_name(vgw_gw.fib->routes[slot].source));
		return -1;
	}
	/* a kernel route of the prefix comes back, without a gap */
	int rc = vgw_krib_static_del(prefix, len, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return vgw_fib_del(vgw_gw.fib, prefix, len, err) < 0 ? -1 : 0;
}
