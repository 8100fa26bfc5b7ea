/* Route semantics on top of the FIB: connected and local routes derived from
 * port addresses, static routes with next-hop validation. The CLI and the
 * startup file call these; they validate everything before touching the FIB.
 * Contract: slow path only. */
#ifndef VGW_ROUTE_H
#define VGW_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "fib.h"

/* Installs the local /32 and the connected subnet of every address of every
 * port (start-up). */
int vgw_route_install_connected(char *err);

/* Static route: every next hop must sit on a connected subnet, must not be one
 * of our own addresses, must not repeat. replace=false fails if the prefix
 * exists; connected and local routes can never be replaced or deleted. */
int vgw_route_static_set(uint32_t prefix, uint8_t len, const uint32_t *gws, unsigned int n,
			 bool replace, char *err);
int vgw_route_static_del(uint32_t prefix, uint8_t len, char *err);

struct vgw_buf;
/* `route add` lines that rebuild the static routes (route_cli.c). */
void vgw_route_running_config(struct vgw_buf *b);

#endif
