/* Process-wide state and read-only port helpers: see gw.h. */
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

#include "gw.h"

#include <string.h>

#include <rte_mbuf.h>

#include "../util/parse.h"

struct vgw_gw vgw_gw;

struct rte_mbuf *vgw_gw_sp_alloc(void)
{
	return rte_pktmbuf_alloc(vgw_gw.pool);
}

void vgw_gw_sp_count(int counter, uint64_t n)
{
	vgw_gw.sp_stats[counter] += n;
}

void vgw_gw_local_filter_init(void)
{
	vgw_gw.local_filter = 0;
	for (int i = 0; i < vgw_gw.n_ports; i++)
		for (int a = 0; a < vgw_gw.ports[i].n_addrs; a++)
			vgw_gw.local_filter |= 1ull << vgw_local_filter_bit(vgw_gw.ports[i].addrs[a].ip);
}

int vgw_gw_seed(char *err)
{
	uint64_t r[2];
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		snprintf(err, VGW_ERR_LEN, "getrandom: %s", strerror(errno));
		return -1;
	}
	vgw_gw.owner_mul = r[0] | 1; /* odd: multiply-add-shift is universal then */
	vgw_gw.owner_add = r[1];
	return 0;
}

int vgw_port_by_name(const char *name)
{
	for (int i = 0; i < vgw_gw.n_ports; i++)
		if (strcmp(vgw_gw.ports[i].name, name) == 0)
			return i;
	return -1;
}

int vgw_port_connected(uint32_t ip, int *addr_out)
{
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		const struct vgw_port *p = &vgw_gw.ports[i];
		for (int a = 0; a < p->n_addrs; a++) {
			uint32_t m = vgw_prefix_mask(p->addrs[a].plen);
			if ((ip & m) == (p->addrs[a].ip & m)) {
				if (addr_out)
					*addr_out = a;
				return i;
			}
		}
	}
	return -1;
}

bool vgw_ip_is_local(uint32_t ip)
{
	for (int i = 0; i < vgw_gw.n_ports; i++)
		for (int a = 0; a < vgw_gw.ports[i].n_addrs; a++)
			if (vgw_gw.ports[i].addrs[a].ip == ip)
				return true;
	return false;
}

int vgw_ip_subnet_edge(uint32_t ip)
{
	for (int p = 0; p < vgw_gw.n_ports; p++)
		for (int a = 0; a < vgw_gw.ports[p].n_addrs; a++) {
			const struct vgw_port_addr *pa = &vgw_gw.ports[p].addrs[a];
			if (pa->plen >= 31)
				continue;
			uint32_t m = vgw_prefix_mask(pa->plen);
			if ((ip & m) == (pa->ip & m) && ((ip & ~m) == 0 || (ip & ~m) == ~m))
				return p;
		}
	return -1;
}
