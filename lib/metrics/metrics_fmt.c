/* The Prometheus exposition text (metrics.h): each family's HELP and TYPE
 * once, then its samples; names and labels after the Prometheus
 * conventions (snake case, counters ending in _total, base units). */
#include "metrics.h"

#include <stdio.h>
#include <time.h>

#include <rte_version.h>

#include "../core/gw.h"
#include "../core/module.h"
#include "../ct/ct.h"
#include "../lb/ct_worker.h"
#include "../stats/stats.h"
#include "vgw_version.h"

/* A family's header. */
static void family(struct vgw_buf *b, const char *name, const char *type, const char *help)
{
	vgw_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void ports(struct vgw_buf *b)
{
	struct vgw_port_stats s[VGW_MAX_PORTS];
	for (int p = 0; p < vgw_gw.n_ports; p++)
		vgw_stats_port_total(p, &s[p]);
	family(b, "vgw_port_rx_packets_total", "counter", "Packets received on the port.");
	for (int p = 0; p < vgw_gw.n_ports; p++)
		vgw_buf_printf(b, "vgw_port_rx_packets_total{port=\"%s\"} %lu\n",
			       vgw_gw.ports[p].name, (unsigned long)s[p].rx);
	family(b, "vgw_port_tx_packets_total", "counter", "Packets sent on the port.");
	for (int p = 0; p < vgw_gw.n_ports; p++)
		vgw_buf_printf(b, "vgw_port_tx_packets_total{port=\"%s\"} %lu\n",
			       vgw_gw.ports[p].name, (unsigned long)s[p].tx);
	family(b, "vgw_port_drops_total", "counter",
	       "Packets dropped, by the port they were received on and the reason "
	       "(doc/interfaces.md lists the reasons).");
	for (int p = 0; p < vgw_gw.n_ports; p++)
		for (int d = 0; d < vgw_drop_n; d++)
			vgw_buf_printf(b, "vgw_port_drops_total{port=\"%s\",reason=\"%s\"} %lu\n",
				       vgw_gw.ports[p].name, vgw_drop_names[d],
				       (unsigned long)s[p].drop[d]);
}

static void slowpath(struct vgw_buf *b)
{
	uint64_t sp[VGW_SP_CAP];
	vgw_stats_sp_total(sp);
	family(b, "vgw_slowpath_events_total", "counter",
	       "Slow-path events by kind (ARP, health checks, control socket, ...).");
	for (int i = 0; i < vgw_sp_n; i++)
		vgw_buf_printf(b, "vgw_slowpath_events_total{event=\"%s\"} %lu\n", vgw_sp_names[i],
			       (unsigned long)sp[i]);
}

static void workers(struct vgw_buf *b)
{
	double hz = (double)rte_get_tsc_hz();
	family(b, "vgw_worker_busy_seconds_total", "counter",
	       "Time the worker spent in loops that moved packets.");
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++)
		vgw_buf_printf(b, "vgw_worker_busy_seconds_total{worker=\"%u\"} %.6f\n", w,
			       (double)vgw_gw.workers[w].rt.busy_cycles / hz);
	family(b, "vgw_worker_idle_seconds_total", "counter",
	       "Time the worker spent in loops that found nothing to do.");
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++)
		vgw_buf_printf(b, "vgw_worker_idle_seconds_total{worker=\"%u\"} %.6f\n", w,
			       (double)vgw_gw.workers[w].rt.idle_cycles / hz);
	family(b, "vgw_conntrack_entries", "gauge",
	       "Entries in the worker's connection table (load balancer).");
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++) {
		const struct vgw_ct_worker *lb = vgw_gw.workers[w].lb;
		vgw_buf_printf(b, "vgw_conntrack_entries{worker=\"%u\"} %u\n", w,
			       lb && lb->ct ? lb->ct->n : 0);
	}
	family(b, "vgw_conntrack_created_total", "counter",
	       "Connection-table entries created (load balancer).");
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++) {
		const struct vgw_ct_worker *lb = vgw_gw.workers[w].lb;
		vgw_buf_printf(b, "vgw_conntrack_created_total{worker=\"%u\"} %lu\n", w,
			       lb && lb->ct ? (unsigned long)lb->ct->st.created : 0ul);
	}
}

void vgw_metrics_render(struct vgw_buf *b, int64_t started)
{
	family(b, "vgw_build_info", "gauge", "vgwd's version and the DPDK it runs on (value 1).");
	vgw_buf_printf(b, "vgw_build_info{version=\"%s\",dpdk=\"%s\"} 1\n", VGW_VERSION,
		       rte_version());
	family(b, "vgw_process_start_time_seconds", "gauge",
	       "When vgwd started, seconds since the epoch (its counters start there).");
	vgw_buf_printf(b, "vgw_process_start_time_seconds %ld\n", (long)started);
	ports(b);
	slowpath(b);
	workers(b);
}
