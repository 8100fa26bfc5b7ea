/* Route commands and the route formatter (text, JSON, running-config). The
 * kernel table's own commands are lib/rtnl's (rtnl_cli.c). */
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../core/gw.h"
#include "route.h"

/* "static", or "kernel/bird": a kernel route names the daemon that put it
 * in the followed table (its rtm_protocol). */
static const char *source_str(const struct vgw_fib_route *r, char buf[32])
{
	if (r->source != VGW_FIB_RS_KERNEL)
		return vgw_fib_route_source_name(r->source);
	char num[4];
	snprintf(buf, 32, "kernel/%s", vgw_fib_route_kernel_proto_name(r->proto, num));
	return buf;
}

static void format_route(struct vgw_fmt *f, uint32_t slot)
{
	const struct vgw_fib_route *r = &vgw_fib_main->routes[slot];
	const struct vgw_fib_route_target *t = vgw_fib_target(vgw_fib_main, slot);
	char buf[VGW_PREFIX_STRLEN], src[32];
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "prefix", vgw_prefix_str(r->prefix, r->len, buf));
	vgw_fmt_str(f, "source", source_str(r, src));
	vgw_fmt_list_begin(f, "via");
	for (unsigned int i = 0; t && t->kind == VGW_FIB_RT_VIA && i < t->n_paths; i++) {
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_str(f, "nh", vgw_ip4_str(t->paths[i].gw, buf));
		vgw_fmt_str(f, "port", vgw_gw.ports[t->paths[i].port].name);
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
	/* a route via next hops has their ports (in via), none of its own */
	vgw_fmt_str_or_null(f, "port",
			    t && t->kind != VGW_FIB_RT_VIA ? vgw_gw.ports[t->port].name : NULL);
	vgw_fmt_obj_end(f);
}

/* The slot `show route ARG` names: for A.B.C.D the longest prefix that
 * holds it (the route a worker would use, as `ip route get`), for
 * A.B.C.D/N that exact route. -1 with ctx->err when none. Slow path: up to
 * 33 RIB lookups, not the workers' LPM. */
static int route_of_arg(struct vgw_cli_ctx *ctx, const char *arg)
{
	uint32_t ip;
	uint8_t len;
	if (strchr(arg, '/')) {
		if (vgw_parse_prefix(arg, &ip, &len, 1, ctx->err) < 0)
			return -1;
		int slot = vgw_fib_find(vgw_fib_main, ip, len);
		if (slot < 0)
			snprintf(ctx->err, VGW_ERR_LEN, "no route %s", arg);
		return slot;
	}
	if (vgw_parse_ip4(arg, &ip, ctx->err) < 0)
		return -1;
	for (int l = 32; l >= 0; l--) {
		uint32_t mask = l ? ~0u << (32 - l) : 0;
		int slot = vgw_fib_find(vgw_fib_main, ip & mask, (uint8_t)l);
		if (slot >= 0)
			return slot;
	}
	snprintf(ctx->err, VGW_ERR_LEN, "no route to %s", arg);
	return -1;
}

/* show route [A.B.C.D | A.B.C.D/N]: the whole FIB, or the one route the
 * argument names, in the same shape (a list of one). */
static int cmd_show_route(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	if (argc == 1) {
		int slot = route_of_arg(ctx, argv[0]);
		if (slot < 0)
			return -1;
		vgw_fmt_list_begin(ctx->f, "routes");
		format_route(ctx->f, (uint32_t)slot);
		vgw_fmt_list_end(ctx->f);
		return 0;
	}
	uint32_t n;
	uint32_t *slots = vgw_fib_sorted(vgw_fib_main, &n);
	if (!slots) {
		snprintf(ctx->err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	vgw_fmt_list_begin(ctx->f, "routes");
	for (uint32_t i = 0; i < n; i++)
		format_route(ctx->f, slots[i]);
	vgw_fmt_list_end(ctx->f);
	free(slots);
	return 0;
}

/* Counts only: a full table is not printed to be checked. */
static int cmd_show_route_summary(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct vgw_fib_summary s;
	vgw_fib_summary(vgw_fib_main, &s);
	vgw_fmt_u64(ctx->f, "routes", s.routes);
	vgw_fmt_u64(ctx->f, "max", s.max);
	for (int i = 0; i <= VGW_FIB_RS_KERNEL; i++)
		vgw_fmt_u64(ctx->f, vgw_fib_route_source_name((uint8_t)i), s.by_source[i]);
	vgw_fmt_u64(ctx->f, "targets", s.targets);
	vgw_fmt_u64(ctx->f, "tbl8_used", s.tbl8_used);
	vgw_fmt_u64(ctx->f, "tbl8_max", s.tbl8_max);
	vgw_fmt_u64(ctx->f, "memory_bytes", s.bytes);
	return 0;
}

/* the key of each next hop: the parser's and the running config's */
static const char VIA[] = "via";
enum { CMD_ROUTE_ADD = 2 }; /* in vgw_fib_cmds */

/* PREFIX via NH [via NH ...] */
static int parse_route(struct vgw_cli_ctx *ctx, int argc, char **argv, uint32_t *prefix,
		       uint8_t *len, uint32_t *gws, unsigned int *n)
{
	if (vgw_parse_prefix(argv[0], prefix, len, 1, ctx->err) < 0)
		return -1;
	*n = 0;
	for (int i = 1; i < argc; i += 2) {
		if (strcmp(argv[i], VIA) != 0 || i + 1 >= argc) {
			snprintf(ctx->err, VGW_ERR_LEN,
				 "expected 'via NH' after the prefix, got '%s%s'", argv[i],
				 i + 1 >= argc ? "" : " ...");
			return -1;
		}
		if (*n == VGW_FIB_ECMP_MAX) {
			snprintf(ctx->err, VGW_ERR_LEN, "at most %d next hops", VGW_FIB_ECMP_MAX);
			return -1;
		}
		if (vgw_parse_ip4(argv[i + 1], &gws[(*n)++], ctx->err) < 0)
			return -1;
	}
	if (*n == 0) {
		snprintf(ctx->err, VGW_ERR_LEN, "missing 'via NH'");
		return -1;
	}
	return 0;
}

static int route_set(struct vgw_cli_ctx *ctx, int argc, char **argv, bool replace)
{
	uint32_t prefix, gws[VGW_FIB_ECMP_MAX];
	uint8_t len;
	unsigned int n;
	if (parse_route(ctx, argc, argv, &prefix, &len, gws, &n) < 0)
		return -1;
	return vgw_fib_route_static_set(prefix, len, gws, n, replace, ctx->err);
}

static int cmd_route_add(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	return route_set(ctx, argc, argv, false);
}

static int cmd_route_replace(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	return route_set(ctx, argc, argv, true);
}

static int cmd_route_del(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	uint32_t prefix;
	uint8_t len;
	if (vgw_parse_prefix(argv[0], &prefix, &len, 1, ctx->err) < 0)
		return -1;
	return vgw_fib_route_static_del(prefix, len, ctx->err);
}

void vgw_fib_route_running_config(struct vgw_buf *b)
{
	uint32_t n;
	uint32_t *slots = vgw_fib_sorted(vgw_fib_main, &n);
	if (!slots) {
		b->oom = true;
		return;
	}
	char buf[VGW_PREFIX_STRLEN];
	for (uint32_t i = 0; i < n; i++) {
		const struct vgw_fib_route *r = &vgw_fib_main->routes[slots[i]];
		if (r->source != VGW_FIB_RS_STATIC)
			continue;
		const struct vgw_fib_route_target *t = vgw_fib_target(vgw_fib_main, slots[i]);
		vgw_cli_conf_begin(b, &vgw_fib_cmds[CMD_ROUTE_ADD]);
		vgw_cli_conf_arg(b, vgw_prefix_str(r->prefix, r->len, buf));
		for (unsigned int p = 0; p < t->n_paths; p++)
			vgw_cli_conf_kv(b, VIA, vgw_ip4_str(t->paths[p].gw, buf));
		vgw_cli_conf_end(b);
	}
	free(slots);
}

const struct vgw_cmd vgw_fib_cmds[] = {
	{"show route", "[A.B.C.D[/N]]",
	 "list the FIB: prefix, source, next hops; or the route used for an address (longest "
	 "prefix match), or one prefix's route",
	 0, 1, cmd_show_route},
	{"show route summary", "",
	 "FIB counts: routes by source, shared targets, tbl8 groups, memory", 0, 0,
	 cmd_show_route_summary},
	[CMD_ROUTE_ADD] = {"route add", "PREFIX via NH [via NH ...]",
	 "add a static route; several next hops form an ECMP group", 3, 2 * VGW_FIB_ECMP_MAX + 1,
	 cmd_route_add},
	{"route replace", "PREFIX via NH [via NH ...]", "atomically change (or add) a static route",
	 3, 2 * VGW_FIB_ECMP_MAX + 1, cmd_route_replace},
	{"route del", "PREFIX", "delete a static route", 1, 1, cmd_route_del},
	{NULL, NULL, NULL, 0, 0, NULL},
};
