/* NIC steering rules (port_flow.h). Slow path only. */
#include "port_flow.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_flow.h>

#include "../core/gw.h"
#include "../net/ip4.h"
#include "../util/parse.h"

#define MAX_OWNERS 4
#define MSG_LEN 128

/* What became of one rule on one port. */
struct state {
	struct rte_flow *flow; /* in the NIC */
	char why[MSG_LEN];     /* else: refused (the PMD's words) or not tried */
};

static struct owner {
	const char *name; /* the caller's string (a literal) */
	struct vgw_flow_rule *r;
	uint32_t n;
	struct state *st[VGW_MAX_PORTS]; /* per port, n each */
} owners[MAX_OWNERS];

static struct {
	bool started;
	bool probed[VGW_MAX_PORTS];
	char probe[VGW_MAX_PORTS][MSG_LEN]; /* "" = the PMD takes a rule */
} F;

/* Why the port gets no rules at all ("" = it may). */
static const char *port_unfit(int pi)
{
	const struct vgw_port *p = &vgw_gw.ports[pi];
	static char b[MSG_LEN];
	if (p->role != VGW_ROLE_PUBLIC)
		return "not a public port (replies arrive on public ports)";
	if (vgw_gw.n_workers < 2)
		return "one worker: every packet is its";
	if (p->nb_rxq < vgw_gw.n_workers) {
		snprintf(b, sizeof(b), "%u RX queue(s) for %u workers", p->nb_rxq,
			 vgw_gw.n_workers);
		return b;
	}
	if (F.probed[pi] && F.probe[pi][0])
		return F.probe[pi];
	return "";
}

/* rte_flow's view of rule r; pattern and actions point into *b. */
struct built {
	struct rte_flow_attr attr;
	struct rte_flow_item pattern[4];
	struct rte_flow_action actions[2];
	struct rte_flow_item_ipv4 ip_spec, ip_mask;
	struct rte_flow_item_tcp tcp_spec, tcp_mask;
	struct rte_flow_item_udp udp_spec, udp_mask;
	struct rte_flow_action_queue q;
};

static void build(const struct vgw_flow_rule *r, struct built *b)
{
	memset(b, 0, sizeof(*b));
	b->attr.ingress = 1;
	b->ip_spec.hdr.dst_addr = htonl(r->dst);
	b->ip_mask.hdr.dst_addr = htonl(r->dst_mask);
	b->pattern[0].type = RTE_FLOW_ITEM_TYPE_ETH;
	b->pattern[1] = (struct rte_flow_item){.type = RTE_FLOW_ITEM_TYPE_IPV4,
					       .spec = &b->ip_spec, .mask = &b->ip_mask};
	b->pattern[2].type = RTE_FLOW_ITEM_TYPE_END;
	b->pattern[3].type = RTE_FLOW_ITEM_TYPE_END;
	if (r->proto == 6) {
		b->tcp_spec.hdr.dst_port = htons(r->dport);
		b->tcp_mask.hdr.dst_port = htons(r->dport_mask);
		b->pattern[2] = (struct rte_flow_item){.type = RTE_FLOW_ITEM_TYPE_TCP,
						       .spec = &b->tcp_spec, .mask = &b->tcp_mask};
	} else if (r->proto == 17) {
		b->udp_spec.hdr.dst_port = htons(r->dport);
		b->udp_mask.hdr.dst_port = htons(r->dport_mask);
		b->pattern[2] = (struct rte_flow_item){.type = RTE_FLOW_ITEM_TYPE_UDP,
						       .spec = &b->udp_spec, .mask = &b->udp_mask};
	}
	b->q.index = r->queue;
	b->actions[0] = (struct rte_flow_action){.type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &b->q};
	b->actions[1].type = RTE_FLOW_ACTION_TYPE_END;
}

static void error_text(const struct rte_flow_error *e, int rc, char *out)
{
	snprintf(out, MSG_LEN, "%s (%s, error type %d)", e->message ? e->message : "no message",
		 rte_strerror(rc < 0 ? -rc : rte_errno), (int)e->type);
}

/* Puts rule r on port pi (st: its state there). */
static void create(int pi, const struct vgw_flow_rule *r, struct state *st)
{
	struct built b;
	struct rte_flow_error e;
	memset(&e, 0, sizeof(e));
	build(r, &b);
	uint16_t id = vgw_gw.ports[pi].id;
	int rc = rte_flow_validate(id, &b.attr, b.pattern, b.actions, &e);
	if (rc == 0) {
		st->flow = rte_flow_create(id, &b.attr, b.pattern, b.actions, &e);
		if (st->flow) {
			st->why[0] = '\0';
			vgw_gw.sp_stats[VGW_PORT_SP(FLOW_RULES_INSTALLED)]++;
			return;
		}
	}
	error_text(&e, rc, st->why);
	vgw_gw.sp_stats[VGW_PORT_SP(FLOW_RULES_REFUSED)]++;
}

static void destroy(int pi, struct state *st)
{
	if (!st->flow)
		return;
	struct rte_flow_error e;
	rte_flow_destroy(vgw_gw.ports[pi].id, st->flow, &e);
	st->flow = NULL;
}

/* Every rule of o on every port, as far as each port allows. */
static void apply(struct owner *o)
{
	for (int pi = 0; pi < vgw_gw.n_ports; pi++) {
		const char *why = port_unfit(pi);
		for (uint32_t i = 0; i < o->n; i++) {
			struct state *st = &o->st[pi][i];
			if (why[0])
				snprintf(st->why, MSG_LEN, "not tried: %s", why);
			else
				create(pi, &o->r[i], st);
		}
	}
}

static void release(struct owner *o)
{
	for (int pi = 0; pi < VGW_MAX_PORTS; pi++) {
		for (uint32_t i = 0; o->st[pi] && i < o->n; i++)
			destroy(pi, &o->st[pi][i]);
		free(o->st[pi]);
		o->st[pi] = NULL;
	}
	free(o->r);
	o->r = NULL;
	o->n = 0;
}

int vgw_port_flow_set(const char *owner, const struct vgw_flow_rule *r, uint32_t n, char *err)
{
	struct owner *o = NULL;
	for (int i = 0; i < MAX_OWNERS && !o; i++)
		if (owners[i].name && strcmp(owners[i].name, owner) == 0)
			o = &owners[i];
	for (int i = 0; i < MAX_OWNERS && !o; i++)
		if (!owners[i].name)
			o = &owners[i];
	if (!o) {
		snprintf(err, VGW_ERR_LEN, "flow rules: more than %d owners", MAX_OWNERS);
		return -1;
	}
	struct owner nu = {.name = owner, .n = n};
	nu.r = n ? malloc(sizeof(*r) * n) : NULL;
	bool oom = n && !nu.r;
	for (int pi = 0; pi < vgw_gw.n_ports && n && !oom; pi++)
		oom = !(nu.st[pi] = calloc(n, sizeof(struct state)));
	if (oom) {
		release(&nu);
		snprintf(err, VGW_ERR_LEN, "out of memory for %u flow rules", n);
		return -1;
	}
	if (n)
		memcpy(nu.r, r, sizeof(*r) * n);
	/* the old rules go first: a NIC may refuse overlapping ones */
	release(o);
	*o = nu;
	if (F.started)
		apply(o);
	else
		for (int pi = 0; pi < vgw_gw.n_ports; pi++)
			for (uint32_t i = 0; i < n; i++)
				snprintf(o->st[pi][i].why, MSG_LEN, "not tried: the port is not started");
	return 0;
}

/* Whether the PMD takes a rule of the shape the owners use: to a /32, to
 * queue 0. */
static void probe(int pi)
{
	F.probed[pi] = true;
	F.probe[pi][0] = '\0';
	const struct vgw_port *p = &vgw_gw.ports[pi];
	if (p->role != VGW_ROLE_PUBLIC || !p->n_addrs)
		return;
	struct vgw_flow_rule r = {.dst = p->addrs[0].ip, .dst_mask = ~0u, .queue = 0};
	struct built b;
	struct rte_flow_error e;
	memset(&e, 0, sizeof(e));
	build(&r, &b);
	int rc = rte_flow_validate(p->id, &b.attr, b.pattern, b.actions, &e);
	if (rc != 0) {
		char t[MSG_LEN];
		error_text(&e, rc, t);
		snprintf(F.probe[pi], MSG_LEN, "the PMD takes no rule: %s", t);
	}
}

void vgw_port_flow_start(void)
{
	for (int pi = 0; pi < vgw_gw.n_ports; pi++)
		probe(pi);
	F.started = true;
	for (int i = 0; i < MAX_OWNERS; i++)
		if (owners[i].name)
			apply(&owners[i]);
}

void vgw_port_flow_stop(void)
{
	for (int i = 0; i < MAX_OWNERS; i++) {
		release(&owners[i]);
		owners[i].name = NULL;
	}
	F.started = false;
}

uint32_t vgw_port_flow_installed(void)
{
	uint32_t n = 0;
	for (int i = 0; i < MAX_OWNERS; i++)
		for (int pi = 0; pi < vgw_gw.n_ports; pi++)
			for (uint32_t k = 0; owners[i].st[pi] && k < owners[i].n; k++)
				n += owners[i].st[pi][k].flow != NULL;
	return n;
}

static void format_rule(struct vgw_fmt *f, const char *owner, const struct vgw_flow_rule *r,
			const struct state *st)
{
	char a[VGW_IP4_STRLEN], m[VGW_IP4_STRLEN], match[96];
	int len = snprintf(match, sizeof(match), "ipv4 dst %s/%s", vgw_ip4_str(r->dst, a),
			   vgw_ip4_str(r->dst_mask, m));
	if (r->proto)
		snprintf(match + len, sizeof(match) - (size_t)len, " %s dport 0x%04x/0x%04x",
			 r->proto == 6 ? "tcp" : "udp", r->dport, r->dport_mask);
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "owner", owner);
	vgw_fmt_str(f, "match", match);
	vgw_fmt_u64(f, "queue", r->queue);
	vgw_fmt_bool(f, "in_nic", st->flow != NULL);
	if (!st->flow)
		vgw_fmt_str(f, "why", st->why);
	vgw_fmt_obj_end(f);
}

void vgw_port_flow_show(struct vgw_fmt *f)
{
	vgw_fmt_list_begin(f, "ports");
	for (int pi = 0; pi < vgw_gw.n_ports; pi++) {
		const struct vgw_port *p = &vgw_gw.ports[pi];
		struct rte_eth_dev_info info;
		memset(&info, 0, sizeof(info));
		if (p->probed)
			rte_eth_dev_info_get(p->id, &info);
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_str(f, "port", p->name);
		vgw_fmt_str_or_null(f, "driver", info.driver_name);
		vgw_fmt_u64(f, "rx_queues", p->nb_rxq);
		const char *why = F.started ? port_unfit(pi) : "not started";
		uint32_t in = 0, total = 0;
		for (int i = 0; i < MAX_OWNERS; i++)
			for (uint32_t k = 0; owners[i].st[pi] && k < owners[i].n; k++) {
				total++;
				in += owners[i].st[pi][k].flow != NULL;
			}
		/* a PMD may validate what it then cannot create (net_tap on a
		 * kernel without TC flower): the rules' states tell */
		if (!why[0] && total && !in)
			why = "the NIC refused every rule (software handoff)";
		vgw_fmt_str(f, "steering", why[0] ? why : "rte_flow");
		vgw_fmt_u64(f, "rules", total);
		vgw_fmt_u64(f, "in_nic", in);
		vgw_fmt_list_begin(f, "rule");
		for (int i = 0; i < MAX_OWNERS; i++)
			for (uint32_t k = 0; owners[i].st[pi] && k < owners[i].n; k++)
				format_rule(f, owners[i].name, &owners[i].r[k], &owners[i].st[pi][k]);
		vgw_fmt_list_end(f);
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
}
