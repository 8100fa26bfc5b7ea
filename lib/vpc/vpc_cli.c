/* VPC, VTEP, endpoint and EIP commands, and one formatter per object
 * (text, JSON and running-config). Handlers parse and validate everything,
 * then call one vpc.c function that applies all of the change or none. */
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../core/gw.h"
#include "../ctl/slowpath.h"
#include "../neigh/neigh.h"
#include "vpc.h"

#define T (vgw_vpc_main)

/* ---- listing helpers (lists in a stable order: vgw_rmap_sorted) ---- */

#define CMP_FIELD(a, b, f)                                                     \
	do {                                                                   \
		if ((a)->f != (b)->f)                                          \
			return (a)->f < (b)->f ? -1 : 1;                       \
	} while (0)

static int cmp_vpc(const void *a, const void *b)
{
	return strcmp((*(const struct vgw_vpc *const *)a)->name,
		      (*(const struct vgw_vpc *const *)b)->name);
}

static int cmp_endpoint(const void *a, const void *b)
{
	const struct vgw_vpc_endpoint *x = *(const struct vgw_vpc_endpoint *const *)a;
	const struct vgw_vpc_endpoint *y = *(const struct vgw_vpc_endpoint *const *)b;
	CMP_FIELD(x, y, vni);
	CMP_FIELD(x, y, ip);
	return 0;
}

static int cmp_eip(const void *a, const void *b)
{
	const struct vgw_vpc_eip *x = *(const struct vgw_vpc_eip *const *)a;
	const struct vgw_vpc_eip *y = *(const struct vgw_vpc_eip *const *)b;
	CMP_FIELD(x, y, eip);
	return 0;
}

static int cmp_hv(const void *a, const void *b)
{
	const struct vgw_vpc_hv *x = *(const struct vgw_vpc_hv *const *)a;
	const struct vgw_vpc_hv *y = *(const struct vgw_vpc_hv *const *)b;
	CMP_FIELD(x, y, ip);
	return 0;
}

static const char *vpc_name(uint32_t vni)
{
	const struct vgw_vpc *v = vgw_vpc_by_vni(T, vni);
	return v ? v->name : "?";
}

static int oom(struct vgw_cli_ctx *ctx)
{
	snprintf(ctx->err, VGW_ERR_LEN, "out of memory");
	return -1;
}

/* ---- formatters ---- */

static void format_vpc(struct vgw_fmt *f, const struct vgw_vpc *v)
{
	char mac[VGW_MAC_STRLEN];
	uint32_t n_ep, n_eip;
	vgw_vpc_usage(T, v->vni, &n_ep, &n_eip);
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "name", v->name);
	vgw_fmt_u64(f, "vni", v->vni);
	vgw_fmt_str(f, "gateway_mac", vgw_mac_str(v->gw_mac, mac));
	vgw_fmt_u64(f, "endpoints", n_ep);
	vgw_fmt_u64(f, "eips", n_eip);
	vgw_fmt_obj_end(f);
}

static void format_endpoint(struct vgw_fmt *f, const struct vgw_vpc_endpoint *e)
{
	char ip[VGW_IP4_STRLEN], vtep[VGW_IP4_STRLEN], mac[VGW_MAC_STRLEN];
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "vpc", vpc_name(e->vni));
	vgw_fmt_u64(f, "vni", e->vni);
	vgw_fmt_str(f, "ip", vgw_ip4_str(e->ip, ip));
	vgw_fmt_str(f, "mac", vgw_mac_str(e->mac, mac));
	vgw_fmt_str(f, "vtep", vgw_ip4_str(e->vtep, vtep));
	vgw_fmt_obj_end(f);
}

static void format_eip(struct vgw_fmt *f, const struct vgw_vpc_eip *e)
{
	char eip[VGW_IP4_STRLEN], ip[VGW_IP4_STRLEN];
	struct vgw_vpc_key k = {.vni = e->vni, .ip = e->ip};
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "eip", vgw_ip4_str(e->eip, eip));
	vgw_fmt_str(f, "vpc", vpc_name(e->vni));
	vgw_fmt_u64(f, "vni", e->vni);
	vgw_fmt_str(f, "ip", vgw_ip4_str(e->ip, ip));
	/* an EIP whose private address has no endpoint drops (eip_no_endpoint) */
	vgw_fmt_bool(f, "endpoint", vgw_rmap_get(T->endpoints, &k) != NULL);
	vgw_fmt_obj_end(f);
}

/* ---- VPC ---- */

static int parse_vni(struct vgw_cli_ctx *ctx, const char *s, uint32_t *vni)
{
	uint64_t v;
	if (vgw_parse_u64(s, VGW_VPC_VNI_MIN, VGW_VPC_VNI_LIMIT, &v, ctx->err) < 0) {
		char e[VGW_ERR_LEN];
		snprintf(e, sizeof(e), "VNI: %s", ctx->err);
		snprintf(ctx->err, VGW_ERR_LEN, "%s", e);
		return -1;
	}
	*vni = (uint32_t)v;
	return 0;
}

/* The keys of each command's KEY VALUE arguments: the parser's and the
 * running config's (vgw_cli_conf_*). */
enum { VPC_VNI, VPC_GW_MAC };
static const char *const vpc_keys[] = {[VPC_VNI] = "vni", [VPC_GW_MAC] = "gateway-mac", NULL};
enum { VTEP_UDP_PORT };
static const char *const vtep_keys[] = {[VTEP_UDP_PORT] = "udp-port", NULL};
enum { EP_MAC, EP_VTEP };
static const char *const ep_keys[] = {[EP_MAC] = "mac", [EP_VTEP] = "vtep", NULL};
enum { EIP_VPC, EIP_IP };
static const char *const eip_keys[] = {[EIP_VPC] = "vpc", [EIP_IP] = "ip", NULL};

static int cmd_vpc_add(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	const char *const *keys = vpc_keys;
	const char *val[2];
	uint32_t vni;
	uint8_t mac[6];
	if (vgw_cli_kv(ctx, argc - 1, argv + 1, keys, 1, val) < 0 ||
	    parse_vni(ctx, val[0], &vni) < 0 ||
	    (val[1] && vgw_parse_mac(val[1], mac, ctx->err) < 0))
		return -1;
	return vgw_vpc_add(T, argv[0], vni, val[1] ? mac : NULL, ctx->err);
}

static int cmd_vpc_del(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return vgw_vpc_del(T, argv[0], ctx->err);
}

static int cmd_show_vpc(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint32_t n;
	const void **v = vgw_rmap_sorted(T->vpc_by_vni, cmp_vpc, &n);
	if (!v)
		return oom(ctx);
	vgw_fmt_list_begin(ctx->f, "vpcs");
	for (uint32_t i = 0; i < n; i++)
		format_vpc(ctx->f, v[i]);
	vgw_fmt_list_end(ctx->f);
	free(v);
	return 0;
}

/* ---- VTEP ---- */

static int cmd_vtep_add(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	const char *const *keys = vtep_keys;
	const char *val[1];
	uint32_t ip;
	uint64_t port = 4789;
	if (vgw_parse_ip4(argv[0], &ip, ctx->err) < 0 ||
	    vgw_cli_kv(ctx, argc - 1, argv + 1, keys, 0, val) < 0 ||
	    (val[0] && vgw_parse_u64(val[0], 1, 65535, &port, ctx->err) < 0))
		return -1;
	return vgw_vpc_vtep_add(T, ip, (uint16_t)port, ctx->err);
}

static int cmd_vtep_del(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return vgw_vpc_vtep_del(T, ctx->err);
}

static int cmd_show_vtep(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	char b[VGW_IP4_STRLEN];
	uint32_t ip;
	uint16_t port;
	vgw_vpc_vtep_get(T, &ip, &port);
	uint32_t n;
	const void **v = vgw_rmap_sorted(T->hvs, cmp_hv, &n);
	if (!v)
		return oom(ctx);
	vgw_fmt_str_or_null(ctx->f, "address", ip ? vgw_ip4_str(ip, b) : NULL);
	vgw_fmt_u64(ctx->f, "udp_port", port);
	vgw_fmt_list_begin(ctx->f, "hypervisors");
	for (uint32_t i = 0; i < n; i++) {
		const struct vgw_vpc_hv *h = v[i];
		vgw_fmt_obj_begin(ctx->f, NULL);
		vgw_fmt_str(ctx->f, "vtep", vgw_ip4_str(h->ip, b));
		vgw_fmt_u64(ctx->f, "endpoints", h->refs);
		vgw_fmt_obj_end(ctx->f);
	}
	vgw_fmt_list_end(ctx->f);
	free(v);
	return 0;
}

/* ---- endpoints ---- */

static int endpoint_set(struct vgw_cli_ctx *ctx, int argc, char **argv, bool replace)
{
	const char *const *keys = ep_keys;
	const char *val[2];
	uint32_t ip, vtep;
	uint8_t mac[6];
	if (vgw_parse_ip4(argv[1], &ip, ctx->err) < 0 ||
	    vgw_cli_kv(ctx, argc - 2, argv + 2, keys, 2, val) < 0 ||
	    vgw_parse_mac(val[0], mac, ctx->err) < 0 || vgw_parse_ip4(val[1], &vtep, ctx->err) < 0)
		return -1;
	return vgw_vpc_endpoint_set(T, argv[0], ip, mac, vtep, replace, ctx->err);
}

static int cmd_endpoint_add(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	return endpoint_set(ctx, argc, argv, false);
}

static int cmd_endpoint_replace(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	return endpoint_set(ctx, argc, argv, true);
}

static int cmd_endpoint_del(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	uint32_t ip;
	if (vgw_parse_ip4(argv[1], &ip, ctx->err) < 0)
		return -1;
	return vgw_vpc_endpoint_del(T, argv[0], ip, ctx->err);
}

static int cmd_show_endpoint(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	const struct vgw_vpc *only = NULL;
	if (argc == 1 && !(only = vgw_vpc_by_name(T, argv[0]))) {
		snprintf(ctx->err, VGW_ERR_LEN, "no VPC named '%s'", argv[0]);
		return -1;
	}
	uint32_t n;
	const void **v = vgw_rmap_sorted(T->endpoints, cmp_endpoint, &n);
	if (!v)
		return oom(ctx);
	vgw_fmt_list_begin(ctx->f, "endpoints");
	for (uint32_t i = 0; i < n; i++) {
		const struct vgw_vpc_endpoint *e = v[i];
		if (!only || e->vni == only->vni)
			format_endpoint(ctx->f, e);
	}
	vgw_fmt_list_end(ctx->f);
	free(v);
	return 0;
}

/* ---- EIPs ---- */

static int cmd_eip_add(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	const char *const *keys = eip_keys;
	const char *val[2];
	uint32_t eip, ip;
	if (vgw_parse_ip4(argv[0], &eip, ctx->err) < 0 ||
	    vgw_cli_kv(ctx, argc - 1, argv + 1, keys, 2, val) < 0 ||
	    vgw_parse_ip4(val[1], &ip, ctx->err) < 0)
		return -1;
	if (vgw_vpc_eip_add(T, eip, val[0], ip, ctx->err) < 0)
		return -1;
	/* tell the public segment the EIP now lives here */
	vgw_neigh_announce_public(eip);
	return 0;
}

static int cmd_eip_del(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	uint32_t eip;
	if (vgw_parse_ip4(argv[0], &eip, ctx->err) < 0)
		return -1;
	return vgw_vpc_eip_del(T, eip, ctx->err);
}

static int cmd_show_eip(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint32_t n;
	const void **v = vgw_rmap_sorted(T->eip_by_pub, cmp_eip, &n);
	if (!v)
		return oom(ctx);
	vgw_fmt_list_begin(ctx->f, "eips");
	for (uint32_t i = 0; i < n; i++)
		format_eip(ctx->f, v[i]);
	vgw_fmt_list_end(ctx->f);
	free(v);
	return 0;
}

/* ---- running config: VPCs first, then what refers to them ---- */

/* the table's commands the running config is made of (vgw_vpc_cmds) */
enum { CMD_VPC_ADD, CMD_VTEP_ADD = 3, CMD_ENDPOINT_ADD = 6, CMD_EIP_ADD = 10 };

void vgw_vpc_running_config(struct vgw_buf *b)
{
	char x[VGW_IP4_STRLEN], y[VGW_IP4_STRLEN], mac[VGW_MAC_STRLEN];
	uint32_t n, ip;
	uint16_t port;
	const void **v = vgw_rmap_sorted(T->vpc_by_vni, cmp_vpc, &n);
	for (uint32_t i = 0; v && i < n; i++) {
		const struct vgw_vpc *p = v[i];
		vgw_cli_conf_begin(b, &vgw_vpc_cmds[CMD_VPC_ADD]);
		vgw_cli_conf_arg(b, p->name);
		vgw_cli_conf_kv_u(b, vpc_keys[VPC_VNI], p->vni);
		vgw_cli_conf_kv(b, vpc_keys[VPC_GW_MAC], vgw_mac_str(p->gw_mac, mac));
		vgw_cli_conf_end(b);
	}
	free(v);
	vgw_vpc_vtep_get(T, &ip, &port);
	if (ip) {
		vgw_cli_conf_begin(b, &vgw_vpc_cmds[CMD_VTEP_ADD]);
		vgw_cli_conf_arg(b, vgw_ip4_str(ip, x));
		vgw_cli_conf_kv_u(b, vtep_keys[VTEP_UDP_PORT], port);
		vgw_cli_conf_end(b);
	}
	const void **e = vgw_rmap_sorted(T->endpoints, cmp_endpoint, &n);
	for (uint32_t i = 0; e && i < n; i++) {
		const struct vgw_vpc_endpoint *p = e[i];
		vgw_cli_conf_begin(b, &vgw_vpc_cmds[CMD_ENDPOINT_ADD]);
		vgw_cli_conf_arg(b, vpc_name(p->vni));
		vgw_cli_conf_arg(b, vgw_ip4_str(p->ip, x));
		vgw_cli_conf_kv(b, ep_keys[EP_MAC], vgw_mac_str(p->mac, mac));
		vgw_cli_conf_kv(b, ep_keys[EP_VTEP], vgw_ip4_str(p->vtep, y));
		vgw_cli_conf_end(b);
	}
	free(e);
	const void **a = vgw_rmap_sorted(T->eip_by_pub, cmp_eip, &n);
	for (uint32_t i = 0; a && i < n; i++) {
		const struct vgw_vpc_eip *p = a[i];
		vgw_cli_conf_begin(b, &vgw_vpc_cmds[CMD_EIP_ADD]);
		vgw_cli_conf_arg(b, vgw_ip4_str(p->eip, x));
		vgw_cli_conf_kv(b, eip_keys[EIP_VPC], vpc_name(p->vni));
		vgw_cli_conf_kv(b, eip_keys[EIP_IP], vgw_ip4_str(p->ip, y));
		vgw_cli_conf_end(b);
	}
	free(a);
	if (!v || !e || !a)
		b->oom = true;
}

const struct vgw_cmd vgw_vpc_cmds[] = {
	[CMD_VPC_ADD] = {"vpc add", "NAME vni VNI [gateway-mac MAC]",
	 "add a tenant VPC with its VXLAN VNI (gateway-mac: inner source MAC towards VMs)", 3, 5,
	 cmd_vpc_add},
	{"vpc del", "NAME", "delete a VPC that no endpoint or EIP uses", 1, 1, cmd_vpc_del},
	{"show vpc", "", "list VPCs: VNI, gateway MAC, endpoint and EIP counts", 0, 0,
	 cmd_show_vpc},
	[CMD_VTEP_ADD] = {"vtep add", "ADDRESS [udp-port PORT]",
	 "set the gateway's VTEP: an underlay port address, VXLAN UDP port (4789)", 1, 3,
	 cmd_vtep_add},
	{"vtep del", "", "remove the gateway's VTEP (VXLAN stops)", 0, 0, cmd_vtep_del},
	{"show vtep", "", "the gateway's VTEP and the hypervisor VTEPs in use", 0, 0,
	 cmd_show_vtep},
	[CMD_ENDPOINT_ADD] = {"endpoint add", "VPC IP mac MAC vtep ADDRESS",
	 "add a VM: its private IP in VPC, its MAC, its hypervisor's VTEP", 6, 6,
	 cmd_endpoint_add},
	{"endpoint replace", "VPC IP mac MAC vtep ADDRESS",
	 "add or atomically update a VM (a move to another hypervisor)", 6, 6,
	 cmd_endpoint_replace},
	{"endpoint del", "VPC IP", "delete a VM endpoint", 2, 2, cmd_endpoint_del},
	{"show endpoint", "[VPC]", "list VM endpoints (of one VPC)", 0, 1, cmd_show_endpoint},
	[CMD_EIP_ADD] = {"eip add", "EIP vpc VPC ip PRIVATE",
	 "map a public elastic IP 1:1 to a private address (proxy ARP + gratuitous ARP)", 5, 5,
	 cmd_eip_add},
	{"eip del", "EIP", "delete an elastic IP", 1, 1, cmd_eip_del},
	{"show eip", "", "list elastic IPs and whether their private address has an endpoint",
	 0, 0, cmd_show_eip},
	{NULL, NULL, NULL, 0, 0, NULL},
};

/* VPC names for completion (cli/cli.h), sorted by VNI as show vpc. */
static void list_vpcs(vgw_cli_add_fn add, void *arg)
{
	uint32_t n;
	if (!T)
		return;
	const void **v = vgw_rmap_sorted(T->vpc_by_vni, cmp_vpc, &n);
	for (uint32_t i = 0; v && i < n; i++)
		add(arg, ((const struct vgw_vpc *)v[i])->name, "");
	free(v);
}

const struct vgw_cli_names vgw_vpc_names[] = {
	{NULL, "VPC", list_vpcs},
	{"vpc", "NAME", list_vpcs},
	{NULL, NULL, NULL},
};
