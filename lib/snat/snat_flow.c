/* The NAT gateway's NIC rules (snat_flow.h). Slow path. */
#include "snat_flow.h"

#include <stdio.h>
#include <stdlib.h>

#include "../core/gw.h"
#include "../util/parse.h"
#include "snat_engine.h"

static void put(struct vgw_flow_rule *out, uint32_t cap, uint32_t *n, struct vgw_flow_rule r)
{
	if (*n < cap)
		out[*n] = r;
	(*n)++;
}

uint32_t vgw_snat_flow_rules(const struct vgw_snat_tables *t, unsigned int n_workers,
			     struct vgw_flow_rule *out, uint32_t cap)
{
	uint32_t n = 0;
	if (!t || n_workers < 2)
		return 0;
	uint32_t mask = vgw_snat_residue_mask(n_workers);
	for (unsigned int pi = 0; pi < VGW_SNAT_MAX_POOLS; pi++) {
		const struct vgw_snat_pool *p =
			atomic_load_explicit(&((struct vgw_snat_tables *)t)->pools[pi],
					     memory_order_relaxed);
		for (uint32_t i = 0; p && i < p->n_addrs; i++) {
			const struct vgw_snat_addr *a = &p->addrs[i];
			struct vgw_flow_rule r = {.dst = a->ip, .dst_mask = ~0u};
			if (a->owner != VGW_SNAT_ANY_WORKER) {
				r.queue = a->owner;
				put(out, cap, &n, r);
				continue;
			}
			for (uint32_t res = 0; res <= mask; res++)
				for (int k = 0; k < 2; k++) {
					r.proto = k ? 17 : 6;
					r.dport = (uint16_t)(res << VGW_SNAT_BLOCK_SHIFT);
					r.dport_mask = (uint16_t)(mask << VGW_SNAT_BLOCK_SHIFT);
					r.queue = (uint16_t)(res % n_workers);
					put(out, cap, &n, r);
				}
		}
	}
	return n;
}

int vgw_snat_flow_sync(char *err)
{
	unsigned int nw = vgw_gw.n_workers;
	uint32_t n = vgw_snat_flow_rules(vgw_snat_main, nw, NULL, 0);
	struct vgw_flow_rule *r = n ? malloc(sizeof(*r) * n) : NULL;
	if (n && !r) {
		snprintf(err, VGW_ERR_LEN, "out of memory for %u flow rules", n);
		return -1;
	}
	vgw_snat_flow_rules(vgw_snat_main, nw, r, n);
	int rc = vgw_port_flow_set("snat", r, n, err);
	free(r);
	return rc;
}
