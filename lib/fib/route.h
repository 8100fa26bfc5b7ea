/* Route semantics on top of the FIB: connected and local routes derived from
 * port addresses, static routes with next-hop validation, and the one place
 * that decides which source holds a prefix. The CLI and the startup file
 * call these; they validate everything before touching the FIB.
 *
 * Precedence: connected/local > static > kernel. A route never replaces one
 * of a higher source; a kernel route under a static one waits in the kernel
 * RIB (lib/rtnl/krib.c, which keeps every route of the followed table) and
 * comes back, in one atomic target swap, when the static route is deleted.
 * The kernel side depends on this layer, not the other way round: krib.c
 * feeds its routes through vgw_fib_route_kernel_set/del and registers the few
 * questions this layer asks it (struct vgw_fib_route_kernel_ops).
 * Contract: slow path only. */
#ifndef VGW_FIB_ROUTE_H
#define VGW_FIB_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "fib.h"
#include "../cli/cli.h"

/* Installs the local /32 and the connected subnet of every address of every
 * port (start-up). */
int vgw_fib_route_install_connected(char *err);

/* The port a next hop leaves by: gw must sit on a connected subnet
 * (-ENETUNREACH otherwise) and be a neighbour address, not one of ours nor a
 * subnet's network or broadcast address (-EINVAL). err says which. */
int vgw_fib_route_nh_port(uint32_t gw, char *err);

/* Static route: every next hop must pass vgw_fib_route_nh_port() and must not
 * repeat. replace=false fails if the prefix exists, except over a kernel
 * route, which a static route always replaces (the kernel RIB keeps it and
 * puts it back when the static route is deleted); connected and local
 * routes can never be replaced or deleted. Return 0 or -1 with err. */
int vgw_fib_route_static_set(uint32_t prefix, uint8_t len, const uint32_t *gws, unsigned int n,
			     bool replace, char *err);
int vgw_fib_route_static_del(uint32_t prefix, uint8_t len, char *err);

/* What this layer asks of the kernel routes (lib/rtnl/krib.c registers it
 * while it follows a table; NULL: none are followed). */
struct vgw_fib_route_kernel_ops {
	/* The best kernel route kept for prefix/len (its held target; *proto
	 * its rtm_protocol), or NULL. */
	const struct vgw_fib_route_target *(*find)(uint32_t prefix, uint8_t len, uint8_t *proto);
	/* The FIB now carries the kept kernel route of prefix/len (true), or a
	 * static route over it (false). */
	void (*carried)(uint32_t prefix, uint8_t len, bool installed);
	/* A kernel protocol's name (bird, bgp, ...; else the number in buf). */
	const char *(*proto_name)(uint8_t proto, char buf[4]);
};
void vgw_fib_route_kernel_register(const struct vgw_fib_route_kernel_ops *ops);

/* A kernel route for prefix/len: installed (0) unless a route of a higher
 * source holds the prefix, then shadowed (1, the FIB unchanged); or a
 * negative errno with err, nothing changed. */
int vgw_fib_route_kernel_set(uint32_t prefix, uint8_t len, const struct vgw_fib_route_target *t,
			     uint8_t proto, char *err);
/* Removes the kernel route of prefix/len if the FIB carries one (never a
 * route of another source). Returns 0 or a negative errno with err. */
int vgw_fib_route_kernel_del(uint32_t prefix, uint8_t len, char *err);
/* `kernel/NAME` of `show route`: the registered name, else the number. */
const char *vgw_fib_route_kernel_proto_name(uint8_t proto, char buf[4]);

struct vgw_buf;
/* `route add` lines that rebuild the static routes (route_cli.c). */
void vgw_fib_route_running_config(struct vgw_buf *b);

/* Its commands (the *_cli.c files), ended by words == NULL. */
extern const struct vgw_cmd vgw_fib_cmds[];

#endif
