/* Service and backend commands, and one formatter per object (text, JSON,
 * running-config). Handlers parse everything, then call one service.c
 * function that applies all of the change or none. */
#include <stdlib.h>
#include <string.h>

#include "../addr/pubaddr.h"
#include "../cli/cli.h"
#include "../vpc/vpc.h"
#include "../core/gw.h"
#include "../ctl/slowpath.h"
#include "../neigh/neigh.h"
#include "ct_worker.h"
#include "maglev.h"
#include "service.h"

static const char *l4_proto_name(uint8_t p)
{
	return p == 6 ? "tcp" : "udp";
}

static const char *vpc_name(uint32_t vni)
{
	const struct vgw_vpc *v = vgw_vpc_main ? vgw_vpc_by_vni(vgw_vpc_main, vni) : NULL;
	return v ? v->name : "?";
}

/* Maglev slots of each backend in the published table (slots[i] for be[i]). */
static void count_slots(const struct vgw_lb_service_cfg *s, uint32_t *slots)
{
	memset(slots, 0, sizeof(*slots) * VGW_LB_SVC_BACKENDS_MAX);
	const struct vgw_lb_svc *v = s->pub;
	for (uint32_t i = 0; v && i < v->m; i++)
		if (v->table[i] != VGW_LB_MAGLEV_NONE)
			slots[v->table[i]]++;
}

/* Connection and traffic counters of a service or backend slot. */
static void format_counters(struct vgw_fmt *f, const struct vgw_ct_counters *c)
{
	vgw_fmt_u64(f, "active_conns", vgw_ct_active(c));
	vgw_fmt_u64(f, "total_conns", c->conns);
	/* confirmed (handshake completed or reply accepted): what max-conns bounds */
	vgw_fmt_u64(f, "established_conns", vgw_ct_established(c));
	vgw_fmt_u64(f, "packets_in", c->pkts_in);
	vgw_fmt_u64(f, "bytes_in", c->bytes_in);
	vgw_fmt_u64(f, "packets_out", c->pkts_out);
	vgw_fmt_u64(f, "bytes_out", c->bytes_out);
}

static void format_backend(struct vgw_fmt *f, const struct vgw_lb_backend_cfg *b, uint32_t slots)
{
	struct vgw_ct_counters c;
	vgw_ct_be_counters(b->id, &c);
	char ip[VGW_IP4_STRLEN];
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "vpc", vpc_name(b->vni));
	vgw_fmt_str(f, "ip", vgw_ip4_str(b->ip, ip));
	vgw_fmt_u64(f, "port", b->port);
	vgw_fmt_u64(f, "weight", b->weight);
	vgw_fmt_str(f, "state", vgw_lb_be_admin_name(b->admin));
	vgw_fmt_str(f, "health", vgw_lb_be_health_name(b->health));
	vgw_fmt_u64(f, "slots", slots);
	format_counters(f, &c);
	vgw_fmt_obj_end(f);
}

/* detail: the service's own fields then its backends (all of them, or
 * those at be_ip when be_ip is not 0) */
static void format_service(struct vgw_fmt *f, const struct vgw_lb_service_cfg *s, bool detail,
			   uint32_t be_ip)
{
	char ip[VGW_IP4_STRLEN];
	uint16_t usable = 0;
	for (uint16_t i = 0; i < s->n_backends; i++)
		usable += vgw_lb_backend_usable(&s->be[i]);
	if (!detail)
		vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "name", s->name);
	vgw_fmt_str(f, "vip", vgw_ip4_str(s->key.vip, ip));
	vgw_fmt_u64(f, "port", s->key.port);
	vgw_fmt_str(f, "proto", l4_proto_name(s->key.proto));
	vgw_fmt_str(f, "scheduler", "maglev");
	vgw_fmt_u64(f, "table_size", s->m);
	vgw_fmt_u64(f, "max_conns", s->max_conns);
	vgw_fmt_str(f, "check", s->check.kind == VGW_LB_CHECK_TCP ? "tcp" : "none");
	vgw_fmt_u64(f, "check_interval_ms", s->check.interval_ms);
	vgw_fmt_u64(f, "check_rise", s->check.rise);
	vgw_fmt_u64(f, "check_fall", s->check.fall);
	vgw_fmt_u64(f, "backends", s->n_backends);
	vgw_fmt_u64(f, "usable", usable);
	struct vgw_ct_counters c;
	vgw_ct_svc_counters((uint16_t)(s - vgw_lb.svc), &c);
	format_counters(f, &c);
	if (detail) {
		uint32_t slots[VGW_LB_SVC_BACKENDS_MAX];
		count_slots(s, slots);
		vgw_fmt_list_begin(f, "backend");
		for (uint16_t i = 0; i < s->n_backends; i++)
			if (!be_ip || s->be[i].ip == be_ip)
				format_backend(f, &s->be[i], slots[i]);
		vgw_fmt_list_end(f);
	} else {
		vgw_fmt_obj_end(f);
	}
}

/* show service [NAME [backend IP]] */
static int cmd_show_service(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 1) {
		const struct vgw_lb_service_cfg *s = vgw_lb_service_by_name(argv[0]);
		if (!s) {
			snprintf(ctx->err, VGW_ERR_LEN, "no service named '%s'", argv[0]);
			return -1;
		}
		uint32_t ip = 0;
		if (argc == 2 || (argc == 3 && strcmp(argv[1], "backend") != 0)) {
			snprintf(ctx->err, VGW_ERR_LEN, "expected 'backend IP' after the service name");
			return -1;
		}
		if (argc == 3) {
			if (vgw_parse_ip4(argv[2], &ip, ctx->err) < 0)
				return -1;
			uint16_t i = 0;
			while (i < s->n_backends && s->be[i].ip != ip)
				i++;
			/* 0.0.0.0 is no backend's address either */
			if (i == s->n_backends || ip == 0) {
				snprintf(ctx->err, VGW_ERR_LEN, "service '%s' has no backend %s",
					 argv[0], argv[2]);
				return -1;
			}
		}
		format_service(ctx->f, s, true, ip);
		return 0;
	}
	vgw_fmt_list_begin(ctx->f, "services");
	for (int i = 0; i < VGW_LB_SVC_MAX; i++)
		if (vgw_lb.svc[i].used)
			format_service(ctx->f, &vgw_lb.svc[i], false, 0);
	vgw_fmt_list_end(ctx->f);
	return 0;
}

static int parse_port(struct vgw_cli_ctx *ctx, const char *s, uint16_t *port)
{
	uint64_t v;
	if (vgw_parse_u64(s, 1, 65535, &v, ctx->err) < 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* The check options shared by service add and service set; c holds the
 * current (or default) values, changed where an option is given. */
static int parse_check(struct vgw_cli_ctx *ctx, const char *const *val, struct vgw_lb_check_cfg *c)
{
	uint64_t v;
	if (val[0]) {
		if (strcmp(val[0], "tcp") == 0) {
			c->kind = VGW_LB_CHECK_TCP;
		} else if (strcmp(val[0], "none") == 0) {
			c->kind = VGW_LB_CHECK_NONE;
		} else {
			snprintf(ctx->err, VGW_ERR_LEN, "check must be tcp or none, not '%s'", val[0]);
			return -1;
		}
	}
	if (val[1]) {
		if (vgw_parse_u64(val[1], 100, 60000, &v, ctx->err) < 0)
			return -1;
		c->interval_ms = (uint32_t)v;
	}
	for (int i = 2; i < 4; i++) {
		if (!val[i])
			continue;
		if (vgw_parse_u64(val[i], 1, 10, &v, ctx->err) < 0)
			return -1;
		*(i == 2 ? &c->rise : &c->fall) = (uint8_t)v;
	}
	return 0;
}

/* The keys of the commands' KEY VALUE arguments: the parsers' and the
 * running config's (vgw_cli_conf_*). */
enum { SVC_VIP, SVC_PORT, SVC_PROTO, SVC_TABLE_SIZE, SVC_MAX_CONNS, SVC_CHECK };
static const char *const svc_keys[] = {
	[SVC_VIP] = "vip", [SVC_PORT] = "port", [SVC_PROTO] = "proto",
	[SVC_TABLE_SIZE] = "table-size", [SVC_MAX_CONNS] = "max-conns",
	/* parse_check's, in its order */
	[SVC_CHECK] = "check", "check-interval", "check-rise", "check-fall", NULL};
enum { BE_VPC, BE_IP, BE_PORT, BE_WEIGHT, BE_STATE };
static const char *const be_keys[] = {[BE_VPC] = "vpc", [BE_IP] = "ip", [BE_PORT] = "port",
				      [BE_WEIGHT] = "weight", [BE_STATE] = "state", NULL};
/* the table's commands the running config is made of (vgw_lb_cmds) */
enum { CMD_SERVICE_ADD, CMD_BACKEND_ADD = 4, CMD_BACKEND_SET };

/* NAME vip VIP port PORT proto tcp|udp [table-size M] [max-conns N] [check ...] */
static int cmd_service_add(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	const char *const *keys = svc_keys;
	const char *val[9];
	struct vgw_lb_svc_key k = {0};
	uint64_t m = VGW_LB_MAGLEV_DEFAULT_M, max = 0;
	if (vgw_cli_kv(ctx, argc - 1, argv + 1, keys, 3, val) < 0 ||
	    vgw_parse_ip4(val[0], &k.vip, ctx->err) < 0 || parse_port(ctx, val[1], &k.port) < 0)
		return -1;
	if (strcmp(val[2], "tcp") == 0) {
		k.proto = 6;
	} else if (strcmp(val[2], "udp") == 0) {
		k.proto = 17;
	} else {
		snprintf(ctx->err, VGW_ERR_LEN, "proto must be tcp or udp, not '%s'", val[2]);
		return -1;
	}
	if ((val[3] && vgw_parse_u64(val[3], 2, VGW_LB_MAGLEV_MAX_M, &m, ctx->err) < 0) ||
	    (val[4] && vgw_parse_u64(val[4], 0, UINT32_MAX, &max, ctx->err) < 0))
		return -1;
	struct vgw_lb_check_cfg c = vgw_lb_check_default(k.proto);
	/* several services may share a VIP */
	bool known = vgw_pubaddr_is(k.vip, VGW_PUBADDR_VIP);
	if (parse_check(ctx, val + 5, &c) < 0 || vgw_lb_check_validate(&c, k.proto, ctx->err) < 0 ||
	    vgw_lb_service_add(argv[0], k, (uint32_t)m, (uint32_t)max, ctx->err) < 0)
		return -1;
	/* a new VIP address: tell the public segment it lives here, once, as
	 * `eip add` does (proxy ARP answers for it from now on) */
	if (!known)
		vgw_neigh_announce_public(k.vip);
	/* validated above: cannot fail */
	return vgw_lb_service_set(argv[0], NULL, &c, ctx->err);
}

/* NAME [max-conns N] [check tcp|none] [check-interval MS] [check-rise N] [check-fall N] */
static int cmd_service_set(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	/* service add's, from max-conns on */
	const char *const *keys = svc_keys + SVC_MAX_CONNS;
	const char *val[5];
	uint64_t max = 0;
	const struct vgw_lb_service_cfg *s = vgw_lb_service_by_name(argv[0]);
	if (!s) {
		snprintf(ctx->err, VGW_ERR_LEN, "no service named '%s'", argv[0]);
		return -1;
	}
	if (vgw_cli_kv(ctx, argc - 1, argv + 1, keys, 0, val) < 0)
		return -1;
	if (argc == 1) {
		snprintf(ctx->err, VGW_ERR_LEN,
			 "nothing to set: give max-conns and/or check options");
		return -1;
	}
	struct vgw_lb_check_cfg c = s->check;
	if ((val[0] && vgw_parse_u64(val[0], 0, UINT32_MAX, &max, ctx->err) < 0) ||
	    parse_check(ctx, val + 1, &c) < 0)
		return -1;
	uint32_t max32 = (uint32_t)max;
	bool check_given = val[1] || val[2] || val[3] || val[4];
	return vgw_lb_service_set(argv[0], val[0] ? &max32 : NULL, check_given ? &c : NULL,
				  ctx->err);
}

static int cmd_service_del(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return vgw_lb_service_del(argv[0], ctx->err);
}

/* SERVICE vpc VPC ip IP port PORT [weight W] [state up|down|drain] */
static int backend_args(struct vgw_cli_ctx *ctx, int argc, char **argv, bool allow_state,
			const char **vpc, uint32_t *ip, uint16_t *port, int *weight, int *admin)
{
	const char *const *keys = be_keys;
	const char *val[5];
	uint64_t w;
	if (vgw_cli_kv(ctx, argc - 1, argv + 1, keys, 3, val) < 0 ||
	    vgw_parse_ip4(val[1], ip, ctx->err) < 0 || parse_port(ctx, val[2], port) < 0)
		return -1;
	*vpc = val[0];
	*weight = -1;
	*admin = -1;
	if (val[3]) {
		if (vgw_parse_u64(val[3], 0, VGW_LB_WEIGHT_MAX, &w, ctx->err) < 0)
			return -1;
		*weight = (int)w;
	}
	if (val[4]) {
		if (!allow_state) {
			snprintf(ctx->err, VGW_ERR_LEN, "state is set with 'backend set'");
			return -1;
		}
		if (strcmp(val[4], "up") == 0)
			*admin = VGW_LB_BE_UP;
		else if (strcmp(val[4], "down") == 0)
			*admin = VGW_LB_BE_DOWN;
		else if (strcmp(val[4], "drain") == 0)
			*admin = VGW_LB_BE_DRAIN;
		else {
			snprintf(ctx->err, VGW_ERR_LEN, "state must be up, down or drain, not '%s'",
				 val[4]);
			return -1;
		}
	}
	return 0;
}

static int cmd_backend_add(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	const char *vpc;
	uint32_t ip;
	uint16_t port;
	int w, a;
	if (backend_args(ctx, argc, argv, false, &vpc, &ip, &port, &w, &a) < 0)
		return -1;
	return vgw_lb_backend_add(argv[0], vpc, ip, port, w, ctx->err);
}

static int cmd_backend_set(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	const char *vpc;
	uint32_t ip;
	uint16_t port;
	int w, a;
	if (backend_args(ctx, argc, argv, true, &vpc, &ip, &port, &w, &a) < 0)
		return -1;
	if (w < 0 && a < 0) {
		snprintf(ctx->err, VGW_ERR_LEN, "nothing to set: give weight and/or state");
		return -1;
	}
	return vgw_lb_backend_set(argv[0], vpc, ip, port, w, a, ctx->err);
}

static int cmd_backend_del(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	const char *vpc;
	uint32_t ip;
	uint16_t port;
	int w, a;
	if (backend_args(ctx, argc, argv, false, &vpc, &ip, &port, &w, &a) < 0)
		return -1;
	if (w >= 0) {
		snprintf(ctx->err, VGW_ERR_LEN, "unexpected 'weight'");
		return -1;
	}
	return vgw_lb_backend_del(argv[0], vpc, ip, port, ctx->err);
}

/* A backend's key: SERVICE vpc VPC ip IP port PORT. */
static void backend_key(struct vgw_buf *b, const struct vgw_lb_service_cfg *s,
			const struct vgw_lb_backend_cfg *be)
{
	char ip[VGW_IP4_STRLEN];
	vgw_cli_conf_arg(b, s->name);
	vgw_cli_conf_kv(b, be_keys[BE_VPC], vpc_name(be->vni));
	vgw_cli_conf_kv(b, be_keys[BE_IP], vgw_ip4_str(be->ip, ip));
	vgw_cli_conf_kv_u(b, be_keys[BE_PORT], be->port);
}

void vgw_lb_running_config(struct vgw_buf *b)
{
	char ip[VGW_IP4_STRLEN];
	for (int i = 0; vgw_lb.svc && i < VGW_LB_SVC_MAX; i++) {
		const struct vgw_lb_service_cfg *s = &vgw_lb.svc[i];
		if (!s->used)
			continue;
		vgw_cli_conf_begin(b, &vgw_lb_cmds[CMD_SERVICE_ADD]);
		vgw_cli_conf_arg(b, s->name);
		vgw_cli_conf_kv(b, svc_keys[SVC_VIP], vgw_ip4_str(s->key.vip, ip));
		vgw_cli_conf_kv_u(b, svc_keys[SVC_PORT], s->key.port);
		vgw_cli_conf_kv(b, svc_keys[SVC_PROTO], l4_proto_name(s->key.proto));
		vgw_cli_conf_kv_u(b, svc_keys[SVC_TABLE_SIZE], s->m);
		vgw_cli_conf_kv_u(b, svc_keys[SVC_MAX_CONNS], s->max_conns);
		vgw_cli_conf_kv(b, svc_keys[SVC_CHECK],
				s->check.kind == VGW_LB_CHECK_TCP ? "tcp" : "none");
		vgw_cli_conf_kv_u(b, svc_keys[SVC_CHECK + 1], s->check.interval_ms);
		vgw_cli_conf_kv_u(b, svc_keys[SVC_CHECK + 2], s->check.rise);
		vgw_cli_conf_kv_u(b, svc_keys[SVC_CHECK + 3], s->check.fall);
		vgw_cli_conf_end(b);
		for (uint16_t k = 0; k < s->n_backends; k++) {
			const struct vgw_lb_backend_cfg *be = &s->be[k];
			vgw_cli_conf_begin(b, &vgw_lb_cmds[CMD_BACKEND_ADD]);
			backend_key(b, s, be);
			vgw_cli_conf_kv_u(b, be_keys[BE_WEIGHT], be->weight);
			vgw_cli_conf_end(b);
			if (be->admin != VGW_LB_BE_UP) {
				vgw_cli_conf_begin(b, &vgw_lb_cmds[CMD_BACKEND_SET]);
				backend_key(b, s, be);
				vgw_cli_conf_kv(b, be_keys[BE_STATE], vgw_lb_be_admin_name(be->admin));
				vgw_cli_conf_end(b);
			}
		}
	}
}

const struct vgw_cmd vgw_lb_cmds[] = {
	[CMD_SERVICE_ADD] = {"service add",
	 "NAME vip VIP port PORT proto PROTO [table-size M] [max-conns N] [check KIND] "
	 "[check-interval MS] [check-rise N] [check-fall N]",
	 "add a load-balanced service (Maglev; M prime, default 65537; 0 = no connection cap; "
	 "tcp services are health-checked by default every 2000 ms, rise 2, fall 3)",
	 7, 19, cmd_service_add},
	{"service set",
	 "NAME [max-conns N] [check KIND] [check-interval MS] [check-rise N] [check-fall N]",
	 "change a service's connection cap or health check", 1, 11, cmd_service_set},
	{"service del", "NAME", "delete a service and its backends", 1, 1, cmd_service_del},
	{"show service", "[NAME [backend IP]]",
	 "list services, or one service with its backends (or those at IP)", 0, 3,
	 cmd_show_service},
	[CMD_BACKEND_ADD] = {"backend add", "SERVICE vpc VPC ip IP port PORT [weight W]",
	 "add a backend (weight 0-1000, default 1; 0 = drain)", 7, 9, cmd_backend_add},
	[CMD_BACKEND_SET] = {"backend set", "SERVICE vpc VPC ip IP port PORT [weight W] [state STATE]",
	 "change a backend's weight or state; drain and down take no new connections", 7, 11,
	 cmd_backend_set},
	{"backend del", "SERVICE vpc VPC ip IP port PORT", "remove a backend", 7, 7,
	 cmd_backend_del},
	{NULL, NULL, NULL, 0, 0, NULL},
};

/* Service names for completion (cli/cli.h). */
static void list_services(vgw_cli_add_fn add, void *arg)
{
	for (int i = 0; vgw_lb.svc && i < VGW_LB_SVC_MAX; i++)
		if (vgw_lb.svc[i].used)
			add(arg, vgw_lb.svc[i].name, "");
}

const struct vgw_cli_names vgw_lb_names[] = {
	{NULL, "SERVICE", list_services},
	{"service", "NAME", list_services},
	{"show service", "NAME", list_services},
	{NULL, NULL, NULL},
};
