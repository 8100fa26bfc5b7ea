/* Counter aggregation: see stats.h. */
#include "stats.h"

#include <string.h>

static struct vgw_port_stats base[VGW_MAX_PORTS];
static uint64_t sp_base[VGW_SP_CAP];

static void raw_port(int port, struct vgw_port_stats *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++) {
		/* volatile: these change under us; read each word once */
		const volatile struct vgw_port_stats *ws = &vgw_gw.workers[w].stats[port];
		s->rx += ws->rx;
		s->tx += ws->tx;
		for (int d = 0; d < vgw_drop_n; d++)
			s->drop[d] += ws->drop[d];
	}
}

void vgw_stats_port(int port, struct vgw_port_stats *out)
{
	raw_port(port, out);
	out->rx -= base[port].rx;
	out->tx -= base[port].tx;
	for (int d = 0; d < vgw_drop_n; d++)
		out->drop[d] -= base[port].drop[d];
	out->tx -= out->drop[VGW_DROP_TX_FULL];
}

void vgw_stats_port_total(int port, struct vgw_port_stats *out)
{
	raw_port(port, out);
	out->tx -= out->drop[VGW_DROP_TX_FULL];
}

void vgw_stats_sp_total(uint64_t out[VGW_SP_CAP])
{
	for (int i = 0; i < vgw_sp_n; i++)
		out[i] = vgw_gw.sp_stats[i];
}

void vgw_stats_sp(uint64_t out[VGW_SP_CAP])
{
	for (int i = 0; i < vgw_sp_n; i++)
		out[i] = vgw_gw.sp_stats[i] - sp_base[i];
}

void vgw_stats_clear(void)
{
	for (int p = 0; p < vgw_gw.n_ports; p++)
		raw_port(p, &base[p]);
	memcpy(sp_base, vgw_gw.sp_stats, sizeof(sp_base));
}
