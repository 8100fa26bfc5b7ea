/* SNAT commands, `show snat`, and the running config: one formatter per
 * object (text, JSON and running-config). Handlers parse and validate
 * everything, then call one snat_ctl.c function that applies all of the
 * change or none. Slow path. */
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "../cli/cli.h"
#include "../core/log.h"
#include "../neigh/neigh.h"
#include "../net/ip4.h"
#include "../vpc/vpc.h"
#include "snat.h"
#include "snat_engine.h"
#include "snat_flow.h"
#include "snat_module.h"

#define T (vgw_snat_main)

static const char *const filtering_names[] = {[VGW_SNAT_EIF] = "endpoint-independent",
					      [VGW_SNAT_ADF] = "address-dependent"};

enum { POOL_ADDRESSES, POOL_FILTERING, POOL_PORTS, POOL_MAX_PER_VM };
static const char *const pool_keys[] = {[POOL_ADDRESSES] = "addresses",
					[POOL_FILTERING] = "filtering",
					[POOL_PORTS] = "ports",
					[POOL_MAX_PER_VM] = "max-mappings-per-vm", NULL};
enum { BIND_POOL, BIND_SUBNET };
static const char *const bind_keys[] = {[BIND_POOL] = "pool", [BIND_SUBNET] = "subnet", NULL};
static const char *const unbind_keys[] = {"subnet", NULL};

/* The tables exist once the module's init ran (vgwd; harnesses that build
 * the tables by hand may not make them). */
static int need_tables(struct vgw_cli_ctx *ctx)
{
	if (T)
		return 0;
	snprintf(ctx->err, VGW_ERR_LEN, "SNAT is not initialised");
	return -1;
}

/* After a pool change: the NICs' steering rules follow (snat_flow.h). The
 * change is made already; rules that cannot follow leave the replies to the
 * software handoff, which is logged, not refused. */
static void flow_sync(void)
{
	char err[VGW_ERR_LEN];
	if (vgw_snat_flow_sync(err) < 0)
		VGW_LOG(WARNING, snat, "steering rules not updated: %s\n", err);
}

/* ---- parsing ---- */

/* "A[-B][,A[-B]...]" */
static int parse_addresses(const char *s, struct vgw_snat_pool_spec *sp, char *err)
{
	char buf[VGW_CLI_MAX_LINE];
	snprintf(buf, sizeof(buf), "%s", s);
	sp->n = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (sp->n >= VGW_SNAT_MAX_SLOTS) {
			snprintf(err, VGW_ERR_LEN, "addresses: at most %u ranges", VGW_SNAT_MAX_SLOTS);
			return -1;
		}
		char *dash = strchr(tok, '-');
		if (dash)
			*dash = '\0';
		if (vgw_parse_ip4(tok, &sp->lo[sp->n], err) < 0 ||
		    vgw_parse_ip4(dash ? dash + 1 : tok, &sp->hi[sp->n], err) < 0)
			return -1;
		sp->n++;
	}
	if (!sp->n) {
		snprintf(err, VGW_ERR_LEN, "addresses: expected ADDR[-ADDR][,ADDR[-ADDR]...]");
		return -1;
	}
	return 0;
}

static int parse_pool(struct vgw_cli_ctx *ctx, int argc, char **argv,
		      struct vgw_snat_pool_spec *sp)
{
	const char *val[4];
	memset(sp, 0, sizeof(*sp));
	sp->filtering = -1;
	sp->port_lo = sp->port_hi = -1;
	sp->max_per_vm = -1;
	if (vgw_cli_kv(ctx, argc, argv, pool_keys, 1, val) < 0 ||
	    parse_addresses(val[POOL_ADDRESSES], sp, ctx->err) < 0)
		return -1;
	if (val[POOL_FILTERING]) {
		for (int i = 0; i < 2; i++)
			if (strcmp(val[POOL_FILTERING], filtering_names[i]) == 0)
				sp->filtering = i;
		if (sp->filtering < 0) {
			snprintf(ctx->err, VGW_ERR_LEN,
				 "filtering: 'endpoint-independent' or 'address-dependent', not '%s'",
				 val[POOL_FILTERING]);
			return -1;
		}
	}
	if (val[POOL_PORTS]) {
		char b[32];
		snprintf(b, sizeof(b), "%s", val[POOL_PORTS]);
		char *dash = strchr(b, '-');
		uint64_t lo, hi;
		if (!dash) {
			snprintf(ctx->err, VGW_ERR_LEN, "ports: expected LO-HI, not '%s'",
				 val[POOL_PORTS]);
			return -1;
		}
		*dash = '\0';
		if (vgw_parse_u64(b, 0, 65535, &lo, ctx->err) < 0 ||
		    vgw_parse_u64(dash + 1, 0, 65535, &hi, ctx->err) < 0)
			return -1;
		sp->port_lo = (int32_t)lo;
		sp->port_hi = (int32_t)hi;
	}
	if (val[POOL_MAX_PER_VM]) {
		uint64_t v;
		if (vgw_parse_u64(val[POOL_MAX_PER_VM], 1, 1u << 20, &v, ctx->err) < 0)
			return -1;
		sp->max_per_vm = (int64_t)v;
	}
	return 0;
}

static int pool_set(struct vgw_cli_ctx *ctx, int argc, char **argv, bool replace)
{
	if (need_tables(ctx) < 0)
		return -1;
	struct vgw_snat_pool_spec *sp = malloc(sizeof(*sp));
	if (!sp) {
		snprintf(ctx->err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	int rc = parse_pool(ctx, argc - 1, argv + 1, sp);
	if (rc == 0)
		rc = vgw_snat_pool_set(T, argv[0], sp, replace, ctx->err);
	free(sp);
	/* tell the public segment the addresses live here (as for an EIP) */
	const struct vgw_snat_pool *p = rc == 0 ? vgw_snat_pool_by_name(T, argv[0]) : NULL;
	for (uint32_t i = 0; p && i < p->n_addrs; i++)
		vgw_neigh_announce_public(p->addrs[i].ip);
	if (rc == 0)
		flow_sync();
	return rc;
}

static int cmd_pool_add(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	return pool_set(ctx, argc, argv, false);
}

static int cmd_pool_replace(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	return pool_set(ctx, argc, argv, true);
}

static int cmd_pool_del(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	if (need_tables(ctx) < 0)
		return -1;
	(void)argc;
	if (vgw_snat_pool_del(T, argv[0], ctx->err) < 0)
		return -1;
	flow_sync();
	return 0;
}

static int parse_subnet(struct vgw_cli_ctx *ctx, const char *s, uint32_t *net, uint8_t *plen)
{
	*net = 0;
	*plen = 0;
	if (!s)
		return 0;
	if (vgw_parse_prefix(s, net, plen, 1, ctx->err) < 0)
		return -1;
	if (*plen == 0) {
		snprintf(ctx->err, VGW_ERR_LEN, "subnet: /0 is the whole VPC (leave subnet out)");
		return -1;
	}
	return 0;
}

static const struct vgw_vpc *need_vpc(struct vgw_cli_ctx *ctx, const char *name)
{
	const struct vgw_vpc *v = vgw_vpc_main ? vgw_vpc_by_name(vgw_vpc_main, name) : NULL;
	if (!v)
		snprintf(ctx->err, VGW_ERR_LEN, "no VPC named '%s'", name);
	return v;
}

static int cmd_bind(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	if (need_tables(ctx) < 0)
		return -1;
	const char *val[2];
	uint32_t net;
	uint8_t plen;
	const struct vgw_vpc *v;
	if (vgw_cli_kv(ctx, argc - 1, argv + 1, bind_keys, 1, val) < 0 ||
	    parse_subnet(ctx, val[BIND_SUBNET], &net, &plen) < 0 || !(v = need_vpc(ctx, argv[0])))
		return -1;
	return vgw_snat_bind(T, argv[0], v->vni, net, plen, val[BIND_POOL], ctx->err);
}

static int cmd_unbind(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	if (need_tables(ctx) < 0)
		return -1;
	const char *val[1];
	uint32_t net;
	uint8_t plen;
	const struct vgw_vpc *v;
	if (vgw_cli_kv(ctx, argc - 1, argv + 1, unbind_keys, 0, val) < 0 ||
	    parse_subnet(ctx, val[0], &net, &plen) < 0 || !(v = need_vpc(ctx, argv[0])))
		return -1;
	return vgw_snat_unbind(T, argv[0], v->vni, net, plen, ctx->err);
}

/* ---- formatters ---- */

/* The pool's addresses as ranges "A-B,C" (what `addresses` parses). */
static void addr_list(const struct vgw_snat_pool *p, struct vgw_buf *b)
{
	char x[VGW_IP4_STRLEN], y[VGW_IP4_STRLEN];
	for (uint32_t i = 0; i < p->n_addrs;) {
		uint32_t j = i;
		while (j + 1 < p->n_addrs && p->addrs[j + 1].ip == p->addrs[j].ip + 1)
			j++;
		vgw_buf_printf(b, "%s%s", i ? "," : "", vgw_ip4_str(p->addrs[i].ip, x));
		if (j > i)
			vgw_buf_printf(b, "-%s", vgw_ip4_str(p->addrs[j].ip, y));
		i = j + 1;
	}
}

static const char *const proto_names[VGW_SNAT_PROTOS] = {"tcp", "udp", "icmp"};

static void format_pool(struct vgw_fmt *f, const struct vgw_snat_pool *p)
{
	char x[VGW_IP4_STRLEN];
	struct vgw_buf b = {0};
	addr_list(p, &b);
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "name", p->name);
	vgw_fmt_str(f, "addresses", b.data ? b.data : "");
	vgw_fmt_str(f, "filtering", filtering_names[p->filtering]);
	vgw_fmt_u64(f, "port_lo", p->port_lo);
	vgw_fmt_u64(f, "port_hi", p->port_hi);
	vgw_fmt_u64(f, "max_mappings_per_vm", p->max_per_vm);
	uint64_t ports_per_addr = (uint64_t)p->port_hi - p->port_lo + 1;
	uint64_t total[VGW_SNAT_PROTOS] = {0};
	vgw_fmt_list_begin(f, "usage");
	for (uint32_t i = 0; i < p->n_addrs; i++) {
		const struct vgw_snat_addr *a = &p->addrs[i];
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_str(f, "address", vgw_ip4_str(a->ip, x));
		if (a->owner != VGW_SNAT_ANY_WORKER)
			vgw_fmt_u64(f, "worker", a->owner);
		for (unsigned int k = 0; k < VGW_SNAT_PROTOS; k++) {
			uint64_t used = 0;
			for (unsigned int w = 0; w < VGW_MAX_WORKERS; w++)
				if (vgw_snat_engines[w])
					used += vgw_snat_engines[w]->ports[a->slot][k];
			total[k] += used;
			vgw_fmt_u64(f, proto_names[k], used);
		}
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
	for (unsigned int k = 0; k < VGW_SNAT_PROTOS; k++) {
		char key[32];
		snprintf(key, sizeof(key), "%s_used", proto_names[k]);
		vgw_fmt_u64(f, key, total[k]);
	}
	vgw_fmt_u64(f, "ports_per_protocol", ports_per_addr * p->n_addrs);
	vgw_fmt_obj_end(f);
	free(b.data);
}

static const char *vpc_name(uint32_t vni)
{
	const struct vgw_vpc *v = vgw_vpc_main ? vgw_vpc_by_vni(vgw_vpc_main, vni) : NULL;
	return v ? v->name : "?";
}

static int cmp_binding(const void *a, const void *b)
{
	uint32_t x = (*(const struct vgw_snat_binding *const *)a)->vni;
	uint32_t y = (*(const struct vgw_snat_binding *const *)b)->vni;
	return x < y ? -1 : x > y;
}

/* The bindings sorted by VNI; caller frees. */
static const struct vgw_snat_binding **bindings(uint32_t *n)
{
	return (const struct vgw_snat_binding **)vgw_rmap_sorted(T->binds, cmp_binding, n);
}

static void format_rule(struct vgw_fmt *f, uint32_t vni, const struct vgw_snat_rule *r)
{
	char x[VGW_IP4_STRLEN], sub[40];
	const struct vgw_snat_pool *p = atomic_load(&T->pools[r->pool]);
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "vpc", vpc_name(vni));
	vgw_fmt_u64(f, "vni", vni);
	if (r->plen)
		snprintf(sub, sizeof(sub), "%s/%u", vgw_ip4_str(r->net, x), r->plen);
	else
		snprintf(sub, sizeof(sub), "all");
	vgw_fmt_str(f, "subnet", sub);
	vgw_fmt_str(f, "pool", p ? p->name : "?");
	vgw_fmt_obj_end(f);
}

static void format_worker(struct vgw_fmt *f, unsigned int i, const struct vgw_snat_engine *s)
{
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_u64(f, "worker", i);
	vgw_fmt_u64(f, "vms", s->n_vm);
	vgw_fmt_u64(f, "mappings", s->n_map);
	vgw_fmt_u64(f, "sessions", s->ct->n);
	vgw_fmt_u64(f, "blocks", s->n_blk);
	vgw_fmt_u64(f, "mappings_created", s->st.maps_created);
	vgw_fmt_u64(f, "sessions_created", s->st.sessions_created);
	vgw_fmt_u64(f, "sessions_evicted", s->st.sessions_evicted);
	vgw_fmt_u64(f, "sessions_ended_address_removed", s->st.stale_ended);
	vgw_fmt_u64(f, "handoff_out", s->st.handoff_out);
	vgw_fmt_u64(f, "handoff_in", s->st.handoff_in);
	vgw_fmt_u64(f, "exhausted", s->st.exhausted);
	vgw_fmt_u64(f, "vm_cap", s->st.vm_cap);
	vgw_fmt_u64(f, "full", s->st.sessions_full);
	vgw_fmt_obj_end(f);
}

#define TOP_VMS 10

/* The VMs holding the most mappings, over every worker. Reads the workers'
 * records while they change them: a record may be seen mid-update (a
 * count off by one, a VM that just left), never a pointer followed. */
static void format_top(struct vgw_fmt *f)
{
	struct {
		uint32_t vni, ip, pub, maps;
	} top[TOP_VMS];
	unsigned int n = 0;
	for (unsigned int w = 0; w < VGW_MAX_WORKERS; w++) {
		const struct vgw_snat_engine *s = vgw_snat_engines[w];
		for (uint32_t i = 0; s && i < s->vms.mask + 1; i++) {
			uint32_t ri = s->vms.s[i].val;
			if (ri == VGW_SNAT_TAB_NONE || ri >= s->vm_cap)
				continue;
			const struct vgw_snat_vm *r = &s->vm[ri];
			uint32_t maps = r->maps;
			if (maps == 0 || maps > s->map_cap)
				continue;
			unsigned int at = n < TOP_VMS ? n++ : TOP_VMS;
			if (at == TOP_VMS) {
				if (maps <= top[TOP_VMS - 1].maps)
					continue;
				at = TOP_VMS - 1;
			}
			while (at > 0 && top[at - 1].maps < maps) {
				top[at] = top[at - 1];
				at--;
			}
			top[at].vni = r->vni;
			top[at].ip = r->ip;
			top[at].pub = r->pub_ip;
			top[at].maps = maps;
		}
	}
	char x[VGW_IP4_STRLEN], y[VGW_IP4_STRLEN];
	vgw_fmt_list_begin(f, "top_vms");
	for (unsigned int i = 0; i < n; i++) {
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_str(f, "vpc", vpc_name(top[i].vni));
		vgw_fmt_str(f, "ip", vgw_ip4_str(top[i].ip, x));
		vgw_fmt_str(f, "public", vgw_ip4_str(top[i].pub, y));
		vgw_fmt_u64(f, "mappings", top[i].maps);
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
}

static int cmd_show_snat(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	if (need_tables(ctx) < 0)
		return -1;
	(void)argc;
	(void)argv;
	uint32_t n;
	const struct vgw_snat_binding **b = bindings(&n);
	if (!b) {
		snprintf(ctx->err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	vgw_fmt_list_begin(ctx->f, "pools");
	for (unsigned int i = 0; i < VGW_SNAT_MAX_POOLS; i++) {
		const struct vgw_snat_pool *p = atomic_load(&T->pools[i]);
		if (p)
			format_pool(ctx->f, p);
	}
	vgw_fmt_list_end(ctx->f);
	vgw_fmt_list_begin(ctx->f, "bindings");
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < b[i]->n; j++)
			format_rule(ctx->f, b[i]->vni, &b[i]->r[j]);
	vgw_fmt_list_end(ctx->f);
	free(b);
	vgw_fmt_list_begin(ctx->f, "workers");
	for (unsigned int i = 0; i < VGW_MAX_WORKERS; i++)
		if (vgw_snat_engines[i])
			format_worker(ctx->f, i, vgw_snat_engines[i]);
	vgw_fmt_list_end(ctx->f);
	format_top(ctx->f);
	return 0;
}

/* ---- running config: pools, then the bindings ---- */

enum { CMD_POOL_ADD, CMD_POOL_REPLACE, CMD_POOL_DEL, CMD_BIND };

void vgw_snat_running_config(struct vgw_buf *b)
{
	char x[VGW_IP4_STRLEN], sub[40];
	if (!T)
		return;
	for (unsigned int i = 0; i < VGW_SNAT_MAX_POOLS; i++) {
		const struct vgw_snat_pool *p = atomic_load(&T->pools[i]);
		if (!p)
			continue;
		struct vgw_buf l = {0};
		char ports[16];
		addr_list(p, &l);
		snprintf(ports, sizeof(ports), "%u-%u", p->port_lo, p->port_hi);
		vgw_cli_conf_begin(b, &vgw_snat_cmds[CMD_POOL_ADD]);
		vgw_cli_conf_arg(b, p->name);
		vgw_cli_conf_kv(b, pool_keys[POOL_ADDRESSES], l.data ? l.data : "");
		vgw_cli_conf_kv(b, pool_keys[POOL_FILTERING], filtering_names[p->filtering]);
		vgw_cli_conf_kv(b, pool_keys[POOL_PORTS], ports);
		vgw_cli_conf_kv_u(b, pool_keys[POOL_MAX_PER_VM], p->max_per_vm);
		vgw_cli_conf_end(b);
		b->oom |= l.oom;
		free(l.data);
	}
	uint32_t n;
	const struct vgw_snat_binding **v = bindings(&n);
	if (!v) {
		b->oom = true;
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < v[i]->n; j++) {
			const struct vgw_snat_rule *r = &v[i]->r[j];
			const struct vgw_snat_pool *p = atomic_load(&T->pools[r->pool]);
			vgw_cli_conf_begin(b, &vgw_snat_cmds[CMD_BIND]);
			vgw_cli_conf_arg(b, vpc_name(v[i]->vni));
			vgw_cli_conf_kv(b, bind_keys[BIND_POOL], p ? p->name : "?");
			if (r->plen) {
				snprintf(sub, sizeof(sub), "%s/%u", vgw_ip4_str(r->net, x), r->plen);
				vgw_cli_conf_kv(b, bind_keys[BIND_SUBNET], sub);
			}
			vgw_cli_conf_end(b);
		}
	free(v);
}

const struct vgw_cmd vgw_snat_cmds[] = {
	[CMD_POOL_ADD] = {"snat pool add",
	 "NAME addresses ADDR[-ADDR][,...] [filtering MODE] [ports LO-HI] [max-mappings-per-vm N]",
	 "add a SNAT pool of public addresses (proxy ARP, announced like EIPs)", 3, 9,
	 cmd_pool_add},
	[CMD_POOL_REPLACE] = {"snat pool replace",
	 "NAME addresses ADDR[-ADDR][,...] [filtering MODE] [ports LO-HI] [max-mappings-per-vm N]",
	 "change a pool in one step (a removed address ends its mappings)", 3, 9,
	 cmd_pool_replace},
	[CMD_POOL_DEL] = {"snat pool del", "NAME", "delete a SNAT pool no VPC is bound to", 1, 1,
	 cmd_pool_del},
	[CMD_BIND] = {"snat bind", "VPC pool POOL [subnet PREFIX]",
	 "VMs of the VPC (or of one subnet) without an EIP leave through the pool", 3, 5,
	 cmd_bind},
	{"snat unbind", "VPC [subnet PREFIX]", "remove a SNAT binding", 1, 3, cmd_unbind},
	{"show snat", "",
	 "SNAT pools with port usage per address, bindings, per-worker state and the top VMs",
	 0, 0, cmd_show_snat},
	{NULL, NULL, NULL, 0, 0, NULL},
};
