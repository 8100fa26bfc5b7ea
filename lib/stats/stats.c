/* Counter aggregation: see stats.h. */
#include "stats.h"

#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

/* slow path only: written by stats clear, read by the readers */
static struct vgw_port_stats base[VGW_MAX_PORTS];
static struct vgw_worker_counts wbase[VGW_MAX_WORKERS];
static uint64_t sp_base[VGW_SP_CAP];
static time_t cleared_at;

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

void vgw_stats_worker_total(unsigned int w, struct vgw_worker_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		const volatile struct vgw_port_stats *ws = &vgw_gw.workers[w].stats[p];
		out->rx += ws->rx;
		/* as for a port: tx counts what the queue took, tx_full (a drop)
		 * what it refused */
		out->tx += ws->tx - ws->drop[VGW_DROP_TX_FULL];
		for (int d = 0; d < vgw_drop_n; d++)
			out->dropped += ws->drop[d];
	}
}

void vgw_stats_worker(unsigned int w, struct vgw_worker_counts *out)
{
	vgw_stats_worker_total(w, out);
	out->rx -= wbase[w].rx;
	out->tx -= wbase[w].tx;
	out->dropped -= wbase[w].dropped;
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

void vgw_stats_clear_at(time_t when)
{
	for (int p = 0; p < vgw_gw.n_ports; p++)
		raw_port(p, &base[p]);
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++)
		vgw_stats_worker_total(w, &wbase[w]);
	memcpy(sp_base, vgw_gw.sp_stats, sizeof(sp_base));
	cleared_at = when;
}

void vgw_stats_clear(void)
{
	vgw_stats_clear_at(time(NULL));
}

time_t vgw_stats_cleared_at(void)
{
	return cleared_at;
}

void vgw_stats_snapshot(struct vgw_stats_snap *s)
{
	memset(s, 0, sizeof(*s));
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		struct vgw_port_stats t;
		vgw_stats_port_total(p, &t);
		s->port[p].rx = t.rx;
		s->port[p].tx = t.tx;
		for (int d = 0; d < vgw_drop_n; d++)
			s->port[p].dropped += t.drop[d];
		struct rte_eth_stats hw;
		memset(&hw, 0, sizeof(hw));
		if (rte_eth_dev_is_valid_port(vgw_gw.ports[p].id)) /* no device: zeros */
			rte_eth_stats_get(vgw_gw.ports[p].id, &hw);
		s->port[p].rx_bytes = hw.ibytes;
		s->port[p].tx_bytes = hw.obytes;
	}
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++)
		vgw_stats_worker_total(w, &s->worker[w]);
	s->tsc = rte_get_tsc_cycles();
}

double vgw_stats_rate(uint64_t now, uint64_t then, double seconds)
{
	if (!(seconds > 0) || now < then)
		return 0.0;
	return (double)(now - then) / seconds;
}
