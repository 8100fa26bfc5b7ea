/* Route semantics on top of the FIB: connected and local routes derived from
 * port addresses, static routes with next-hop validation. The CLI and the
 * startup file call these; they validate everything before touching the FIB.
 * Contract: slow path only. */
#ifndef VGW_ROUTE_H
#define VGW_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "fib.h"
#include "../cli/cli.h"

/* Installs the local /32 and the connected subnet of every address of every
 * port (start-up). */
int vgw_route_install_connected(char *err);

/* The port a next hop leaves by: gw must sit on a connected subnet
 * (-ENETUNREACH otherwise) and be a neighbour address, not one of ours nor a
 * subnet's network or broadcast address (-EINVAL). err says which. */
int vgw_route_nh_port(uint32_t gw, char *err);

/* Static route: every next hop must pass vgw_route_nh_port() and must not
 * repeat. replace=false fails if the prefix exists, except over a kernel
 * route, which a static route always replaces (the kernel RIB keeps it and
 * puts it back when the static route is deleted: lib/rtnl/krib.h);
 * connected and local routes can never be replaced or deleted. Return 0 or
 * -1 with err. */
int vgw_route_static_set(uint32_t prefix, uint8_t len, const uint32_t *gws, unsigned int n,
			 bool replace, char *err);
int vgw_route_static_del(uint32_t prefix, uint8_t len, char *err);

struct vgw_buf;
/* `route add` lines that rebuild the static routes (route_cli.c). */
void vgw_route_running_config(struct vgw_buf *b);

/* Its commands (the *_cli.c files), ended by words == NULL. */
extern const struct vgw_cmd vgw_fib_cmds[];

#endif
