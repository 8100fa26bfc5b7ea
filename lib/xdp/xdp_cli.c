/* show xdp, show xdp map: the af-xdp ports' XDP attachments, their
 * counters and the steering map, from one formatter for text and JSON. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "../cli/cli.h"
#include "../core/gw.h"
#include "../net/ip4.h"
#include "xdp_ctl.h"
#include "xdp_port.h"

#define VGW_X_NAME(id, name, help) name,
static const char *const stat_names[VGW_XDP_ST_MAX] = {VGW_XDP_STATS(VGW_X_NAME)};
#undef VGW_X_NAME

static int cmd_show_xdp(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc, (void)argv;
	struct vgw_fmt *f = ctx->f;
	const struct vgw_xdp_sync *s = vgw_xdp_map_state();
	vgw_fmt_str_or_null(f, "program", s ? vgw_xdp_program_path() : NULL);
	vgw_fmt_str_or_null(f, "map", s ? VGW_XDP_PIN_ROOT "/" VGW_XDP_ADDRS_MAP : NULL);
	vgw_fmt_u64(f, "entries", s ? s->n_have : 0);
	vgw_fmt_u64(f, "updates", s ? s->updates : 0);
	vgw_fmt_u64(f, "deletes", s ? s->deletes : 0);
	vgw_fmt_u64(f, "errors", s ? s->errors : 0);
	vgw_fmt_u64(f, "pending", s ? s->failed : 0);
	vgw_fmt_str_or_null(f, "last_error", s && s->last_err ? strerror(s->last_err) : NULL);
	vgw_fmt_u64(f, "repaired", vgw_xdp_map_repaired());
	vgw_fmt_list_begin(f, "ports");
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		const struct vgw_port *p = &vgw_gw.ports[i];
		if (!p->xdp_iface[0])
			continue;
		const struct vgw_xdp_port_info *in = vgw_xdp_port_info((uint16_t)i);
		uint64_t c[VGW_XDP_ST_MAX];
		vgw_xdp_port_counters((uint16_t)i, c);
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_str(f, "port", p->name);
		vgw_fmt_str(f, "iface", p->xdp_iface);
		vgw_fmt_u64(f, "ifindex", (uint64_t)p->xdp_ifindex);
		vgw_fmt_str(f, "mode", vgw_xdp_mode_name(in->mode));
		vgw_fmt_u64(f, "prog_id", in->prog_id);
		vgw_fmt_u64(f, "sockets", in->queues);
		for (int k = 0; k < VGW_XDP_ST_MAX; k++)
			vgw_fmt_u64(f, stat_names[k], c[k]);
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
	return 0;
}

static const char *kind_str(uint8_t kind, char buf[16])
{
	buf[0] = '\0';
	static const struct {
		uint8_t bit;
		const char *name;
	} k[] = {{VGW_XDP_EIP, "eip"}, {VGW_XDP_VIP, "vip"}, {VGW_XDP_VTEP, "vtep"}};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (kind & k[i].bit)
			snprintf(buf + strlen(buf), 16 - strlen(buf), "%s%s", buf[0] ? "," : "",
				 k[i].name);
	return buf[0] ? buf : "?";
}

struct map_row_ctx {
	struct vgw_fmt *f;
	const char *port;
};

static void map_row(void *arg, const struct vgw_xdp_entry *e)
{
	struct map_row_ctx *c = arg;
	char ip[VGW_IP4_STRLEN], kind[16];
	vgw_fmt_obj_begin(c->f, NULL);
	vgw_fmt_str(c->f, "port", c->port);
	vgw_fmt_str(c->f, "address", vgw_ip4_str(ntohl(e->k.addr), ip));
	vgw_fmt_str(c->f, "kind", kind_str(e->v.kind, kind));
	vgw_fmt_u64(c->f, "udp_port", e->v.kind & VGW_XDP_VTEP ? ntohs(e->v.vxlan_port) : 0);
	vgw_fmt_obj_end(c->f);
}

/* What the kernel's map holds (read back, not vgwd's idea of it). */
static int cmd_show_xdp_map(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc, (void)argv;
	if (!vgw_xdp_map_state()) {
		snprintf(ctx->err, VGW_ERR_LEN, "no af-xdp port: there is no steering map");
		return -1;
	}
	vgw_fmt_list_begin(ctx->f, "entries");
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		const struct vgw_port *p = &vgw_gw.ports[i];
		if (!p->xdp_iface[0])
			continue;
		struct map_row_ctx c = {.f = ctx->f, .port = p->name};
		vgw_xdp_map_read(p->xdp_ifindex, map_row, &c);
	}
	vgw_fmt_list_end(ctx->f);
	return 0;
}

const struct vgw_cmd vgw_xdp_cmds[] = {
	{"show xdp map", "",
	 "the steering map as the kernel holds it: per af-xdp port, each address the XDP "
	 "program sends to vgwd (eip, vip, vtep with its UDP port)",
	 0, 0, cmd_show_xdp_map},
	{"show xdp", "",
	 "af-xdp ports: XDP program, map sync state (entries, updates, deletes, errors, "
	 "pending, repaired); per port: interface, mode (native/generic), program id, "
	 "AF_XDP sockets, redirect/pass/no_socket/short counters",
	 0, 0, cmd_show_xdp},
	{NULL, NULL, NULL, 0, 0, NULL},
};
