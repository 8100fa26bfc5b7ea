/* Neighbour commands and the neighbour formatter. */
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../core/gw.h"
#include "neigh.h"

/* "kernel/STATE" for an entry learned from the kernel (af-xdp ports), like
 * the "kernel/PROTO" source of show route; vgwd's own state otherwise. */
static const char *state_of(const struct vgw_neigh *n, char buf[32])
{
	if (n->state != VGW_NEIGH_KERNEL)
		return vgw_neigh_state_name(n->state);
	snprintf(buf, 32, "kernel/%s", vgw_neigh_nud_name(n->nud));
	return buf;
}

static void format_neigh(struct vgw_fmt *f, const struct vgw_neigh *n)
{
	char ip[VGW_IP4_STRLEN], mac[VGW_MAC_STRLEN], st[32];
	uint8_t b[6];
	uint64_t w = atomic_load_explicit(&n->mac, memory_order_relaxed);
	vgw_neigh_mac_bytes(w, b);
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "ip", vgw_ip4_str(n->ip, ip));
	vgw_fmt_str_or_null(f, "mac", (w & VGW_NEIGH_MAC_VALID) ? vgw_mac_str(b, mac) : NULL);
	vgw_fmt_str(f, "port", vgw_gw.ports[n->port].name);
	vgw_fmt_str(f, "state", state_of(n, st));
	vgw_fmt_u64(f, "queued", n->qlen);
	vgw_fmt_obj_end(f);
}

static int cmp_neigh(const void *a, const void *b)
{
	const struct vgw_neigh *x = *(const struct vgw_neigh *const *)a;
	const struct vgw_neigh *y = *(const struct vgw_neigh *const *)b;
	if (x->ip != y->ip)
		return x->ip < y->ip ? -1 : 1;
	return (int)x->port - (int)y->port;
}

/* Used entries sorted by address; caller frees. */
static struct vgw_neigh **sorted(uint32_t *n)
{
	struct vgw_neigh_table *t = vgw_neigh_main;
	struct vgw_neigh **v = malloc(sizeof(*v) * (t->n + 1));
	if (!v)
		return NULL;
	uint32_t k = 0;
	for (uint32_t i = 0; i < t->cap * 2 && k < t->n; i++)
		if (t->e[i].used)
			v[k++] = &t->e[i];
	qsort(v, k, sizeof(*v), cmp_neigh);
	*n = k;
	return v;
}

/* show neigh [IP]: every entry, or those of IP (one per port it is on). */
static int cmd_show_neigh(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	uint32_t ip = 0;
	if (argc == 1 && vgw_parse_ip4(argv[0], &ip, ctx->err) < 0)
		return -1;
	uint32_t n;
	struct vgw_neigh **v = sorted(&n);
	if (!v) {
		snprintf(ctx->err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	uint32_t shown = 0;
	vgw_fmt_list_begin(ctx->f, "neighbors");
	for (uint32_t i = 0; i < n; i++)
		if (argc == 0 || v[i]->ip == ip) {
			format_neigh(ctx->f, v[i]);
			shown++;
		}
	vgw_fmt_list_end(ctx->f);
	free(v);
	if (argc == 1 && shown == 0) {
		snprintf(ctx->err, VGW_ERR_LEN, "no neighbour %s", argv[0]);
		return -1;
	}
	return 0;
}

static int cmd_neigh_add(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	uint32_t ip;
	uint8_t mac[6];
	if (vgw_parse_ip4(argv[0], &ip, ctx->err) < 0 || vgw_parse_mac(argv[1], mac, ctx->err) < 0)
		return -1;
	return vgw_neigh_add_static(vgw_neigh_main, ip, mac, ctx->err);
}

static int cmd_neigh_del(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	uint32_t ip;
	if (vgw_parse_ip4(argv[0], &ip, ctx->err) < 0)
		return -1;
	return vgw_neigh_del(vgw_neigh_main, ip, ctx->err);
}

enum { CMD_NEIGH_ADD = 1 }; /* in vgw_neigh_cmds */

void vgw_neigh_running_config(struct vgw_buf *b)
{
	uint32_t n;
	struct vgw_neigh **v = sorted(&n);
	if (!v) {
		b->oom = true;
		return;
	}
	char ip[VGW_IP4_STRLEN], mac[VGW_MAC_STRLEN];
	uint8_t m[6];
	for (uint32_t i = 0; i < n; i++) {
		if (v[i]->state != VGW_NEIGH_STATIC)
			continue;
		vgw_neigh_mac_bytes(atomic_load_explicit(&v[i]->mac, memory_order_relaxed), m);
		vgw_cli_conf_begin(b, &vgw_neigh_cmds[CMD_NEIGH_ADD]);
		vgw_cli_conf_arg(b, vgw_ip4_str(v[i]->ip, ip));
		vgw_cli_conf_arg(b, vgw_mac_str(m, mac));
		vgw_cli_conf_end(b);
	}
	free(v);
}

const struct vgw_cmd vgw_neigh_cmds[] = {
	{"show neigh", "[IP]",
	 "list neighbours (or IP's entry): address, MAC, port, state (kernel/STATE: learned "
	 "from the kernel), queued packets",
	 0, 1, cmd_show_neigh},
	[CMD_NEIGH_ADD] = {"neigh add", "IP MAC", "add or change a static neighbour (never aged, never changed by ARP)",
	 2, 2, cmd_neigh_add},
	{"neigh del", "IP", "delete a neighbour entry", 1, 1, cmd_neigh_del},
	{NULL, NULL, NULL, 0, 0, NULL},
};
