/* The Prometheus exposition text (metrics.h): each family's HELP and TYPE
 * once, then its samples; names and labels after the Prometheus
 * conventions (snake case, counters ending in _total, base units). */
#include "metrics.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_version.h>

#include "../core/gw.h"
#include "../announce/announce_ctl.h"
#include "../core/module.h"
#include "../ct/ct.h"
#include "../fib/fib.h"
#include "../lb/ct_worker.h"
#include "../lb/service.h"
#include "../neigh/neigh.h"
#include "../net/ip4.h"
#include "../snat/snat.h"
#include "../snat/snat_engine.h"
#include "../snat/snat_module.h"
#include "../stats/stats.h"
#include "vgw_version.h"

/* A family's header. */
static void family(struct vgw_buf *b, const char *name, const char *type, const char *help)
{
	vgw_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The device's own counters (rte_eth_stats: what the PMD saw, before and
 * beside the workers' counts), one family each. */
static void device(struct vgw_buf *b)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} fam[] = {
		{"vgw_port_rx_bytes_total", "Bytes received by the port's device (ibytes).",
		 offsetof(struct rte_eth_stats, ibytes)},
		{"vgw_port_tx_bytes_total", "Bytes sent by the port's device (obytes).",
		 offsetof(struct rte_eth_stats, obytes)},
		{"vgw_port_rx_errors_total", "Erroneous packets the device received (ierrors).",
		 offsetof(struct rte_eth_stats, ierrors)},
		{"vgw_port_tx_errors_total", "Packets the device failed to send (oerrors).",
		 offsetof(struct rte_eth_stats, oerrors)},
		{"vgw_port_rx_missed_total",
		 "Packets the device dropped because its RX queues were full (imissed).",
		 offsetof(struct rte_eth_stats, imissed)},
		{"vgw_port_rx_nombuf_total",
		 "Receive buffer allocation failures of the device (rx_nombuf).",
		 offsetof(struct rte_eth_stats, rx_nombuf)},
	};
	struct rte_eth_stats hw[VGW_MAX_PORTS];
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		memset(&hw[p], 0, sizeof(hw[p]));
		if (rte_eth_dev_is_valid_port(vgw_gw.ports[p].id)) /* no device: zeros */
			rte_eth_stats_get(vgw_gw.ports[p].id, &hw[p]);
	}
	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		family(b, fam[f].name, "counter", fam[f].help);
		for (int p = 0; p < vgw_gw.n_ports; p++) {
			uint64_t v;
			memcpy(&v, (const char *)&hw[p] + fam[f].off, sizeof(v));
			vgw_buf_printf(b, "%s{port=\"%s\"} %lu\n", fam[f].name, vgw_gw.ports[p].name,
				       (unsigned long)v);
		}
	}
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
	device(b);
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

static uint64_t ct_entries(const struct vgw_ct *ct) { return ct->n; }
static uint64_t ct_created(const struct vgw_ct *ct) { return ct->st.created; }
static uint64_t ct_evicted(const struct vgw_ct *ct) { return ct->st.evicted; }
static uint64_t ct_full(const struct vgw_ct *ct) { return ct->st.full; }

static const struct ct_family {
	const char *name, *type, *help;
	uint64_t (*get)(const struct vgw_ct *ct);
} ct_families[] = {
	{"vgw_conntrack_entries", "gauge",
	 "Entries in the worker's connection table (load balancer).", ct_entries},
	{"vgw_conntrack_created_total", "counter",
	 "Connection-table entries created (load balancer).", ct_created},
	{"vgw_conntrack_evicted_total", "counter",
	 "Unconfirmed connection-table entries evicted to make room for new flows.", ct_evicted},
	{"vgw_conntrack_full_total", "counter",
	 "New flows refused because the connection table was full of confirmed entries.", ct_full},
};

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
	/* the load balancer's connection table, one series per worker */
	for (size_t i = 0; i < sizeof(ct_families) / sizeof(ct_families[0]); i++) {
		const struct ct_family *cf = &ct_families[i];
		family(b, cf->name, cf->type, cf->help);
		for (unsigned int w = 0; w < vgw_gw.n_workers; w++) {
			const struct vgw_ct_worker *lb = vgw_gw.workers[w].lb;
			vgw_buf_printf(b, "%s{worker=\"%u\"} %lu\n", cf->name, w,
				       lb && lb->ct ? (unsigned long)cf->get(lb->ct) : 0ul);
		}
	}
}

/* Table sizes by kind: neighbours by state, routes by source, announced
 * addresses by state (gauges; every label value always present, 0 when
 * none, so that a query never finds a series missing). */
static void tables(struct vgw_buf *b)
{
	/* "kernel" for every kernel-learned entry: the kernel's NUD state
	 * would multiply the series for no alert anyone writes */
	static const uint8_t neigh_states[] = {VGW_NEIGH_INCOMPLETE, VGW_NEIGH_REACHABLE,
					       VGW_NEIGH_STALE, VGW_NEIGH_STATIC, VGW_NEIGH_KERNEL};
	uint64_t by_state[VGW_NEIGH_KERNEL + 1] = {0};
	const struct vgw_neigh_table *t = vgw_neigh_main;
	for (uint32_t i = 0, k = 0; t && i < t->cap * 2 && k < t->n; i++)
		if (t->e[i].used) {
			k++;
			if (t->e[i].state <= VGW_NEIGH_KERNEL)
				by_state[t->e[i].state]++;
		}
	family(b, "vgw_neighbours", "gauge", "Neighbour (ARP) entries by state.");
	for (size_t i = 0; i < sizeof(neigh_states); i++)
		vgw_buf_printf(b, "vgw_neighbours{state=\"%s\"} %lu\n",
			       vgw_neigh_state_name(neigh_states[i]),
			       (unsigned long)by_state[neigh_states[i]]);
	family(b, "vgw_routes", "gauge",
	       "FIB routes by source (local, connected, static, kernel: the followed kernel table).");
	for (int i = 0; i <= VGW_FIB_RS_KERNEL; i++)
		vgw_buf_printf(b, "vgw_routes{source=\"%s\"} %lu\n",
			       vgw_fib_route_source_name((uint8_t)i),
			       vgw_fib_main ? (unsigned long)vgw_fib_main->n_by_source[i] : 0ul);
	struct vgw_announce_status a;
	vgw_announce_status(&a);
	uint64_t announced = 0, withdrawn = 0;
	for (size_t i = 0; a.on && a.st && i < a.st->n; i++) {
		if (a.st->rows[i].installed)
			announced++;
		else
			withdrawn++;
	}
	family(b, "vgw_announcements", "gauge",
	       "Addresses (EIPs, VIPs) vgwd handles in the kernel announce table, by state "
	       "(announced: the kernel holds the route; withdrawn: it does not).");
	vgw_buf_printf(b, "vgw_announcements{state=\"announced\"} %lu\n"
			  "vgw_announcements{state=\"withdrawn\"} %lu\n",
		       (unsigned long)announced, (unsigned long)withdrawn);
}

/* Services and their backends (lb): connections and traffic since the
 * service (or backend) was added, and the health verdict. */
static void services(struct vgw_buf *b)
{
	static const struct {
		const char *name, *type, *help;
	} fam[] = {
		{"vgw_service_connections_total", "counter", "Connections admitted by the service."},
		{"vgw_service_active_connections", "gauge", "Connections of the service not ended."},
		{"vgw_service_packets_total", "counter",
		 "Packets of the service's flows (direction in: client to backend)."},
		{"vgw_service_bytes_total", "counter", "Bytes of the service's flows (IP length)."},
		{"vgw_backend_connections_total", "counter", "Connections admitted to the backend."},
		{"vgw_backend_healthy", "gauge",
		 "1 when the backend may take connections by its health (up, or no check yet), 0 when down."},
	};
	char be[VGW_IP4_STRLEN];
	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		family(b, fam[f].name, fam[f].type, fam[f].help);
		for (int i = 0; vgw_lb.svc && i < VGW_LB_SVC_MAX; i++) {
			const struct vgw_lb_service_cfg *s = &vgw_lb.svc[i];
			if (!s->used)
				continue;
			struct vgw_ct_counters c;
			vgw_ct_svc_counters((uint16_t)i, &c);
			const char *n = s->name;
			switch (f) {
			case 0:
				vgw_buf_printf(b, "%s{service=\"%s\"} %lu\n", fam[f].name, n,
					       (unsigned long)c.conns);
				break;
			case 1:
				vgw_buf_printf(b, "%s{service=\"%s\"} %lu\n", fam[f].name, n,
					       (unsigned long)vgw_ct_active(&c));
				break;
			case 2:
			case 3:
				vgw_buf_printf(b, "%s{service=\"%s\",direction=\"in\"} %lu\n"
						  "%s{service=\"%s\",direction=\"out\"} %lu\n",
					       fam[f].name, n,
					       (unsigned long)(f == 2 ? c.pkts_in : c.bytes_in),
					       fam[f].name, n,
					       (unsigned long)(f == 2 ? c.pkts_out : c.bytes_out));
				break;
			default:
				for (uint16_t k = 0; k < s->n_backends; k++) {
					const struct vgw_lb_backend_cfg *bc = &s->be[k];
					struct vgw_ct_counters bcn;
					vgw_ct_be_counters(bc->id, &bcn);
					vgw_buf_printf(b, "%s{service=\"%s\",backend=\"%s:%u\",vni=\"%u\"} %lu\n",
						       fam[f].name, n, vgw_ip4_str(bc->ip, be), bc->port,
						       bc->vni,
						       f == 4 ? (unsigned long)bcn.conns
							      : (unsigned long)(bc->health != VGW_LB_HEALTH_DOWN));
				}
			}
		}
	}
}

/* The NAT gateway: ports in use per pool address, and each worker's
 * mappings and sessions. */
static void snat(struct vgw_buf *b)
{
	static const char *const proto[VGW_SNAT_PROTOS] = {"tcp", "udp", "icmp"};
	char a[VGW_IP4_STRLEN];
	family(b, "vgw_snat_ports_used", "gauge",
	       "Public ports (ICMP: identifiers) mapped, per pool address and protocol.");
	for (unsigned int pi = 0; vgw_snat_main && pi < VGW_SNAT_MAX_POOLS; pi++) {
		const struct vgw_snat_pool *p = atomic_load(&vgw_snat_main->pools[pi]);
		for (uint32_t i = 0; p && i < p->n_addrs; i++)
			for (unsigned int k = 0; k < VGW_SNAT_PROTOS; k++) {
				uint64_t used = 0;
				for (unsigned int w = 0; w < VGW_MAX_WORKERS; w++)
					if (vgw_snat_engines[w])
						used += vgw_snat_engines[w]->ports[p->addrs[i].slot][k];
				vgw_buf_printf(b,
					       "vgw_snat_ports_used{pool=\"%s\",address=\"%s\",protocol=\"%s\"} %lu\n",
					       p->name, vgw_ip4_str(p->addrs[i].ip, a), proto[k],
					       (unsigned long)used);
			}
	}
	family(b, "vgw_snat_mappings", "gauge", "Live SNAT mappings of the worker.");
	for (unsigned int w = 0; w < VGW_MAX_WORKERS; w++)
		if (vgw_snat_engines[w])
			vgw_buf_printf(b, "vgw_snat_mappings{worker=\"%u\"} %u\n", w,
				       vgw_snat_engines[w]->n_map);
	family(b, "vgw_snat_sessions", "gauge", "Live SNAT sessions of the worker.");
	for (unsigned int w = 0; w < VGW_MAX_WORKERS; w++)
		if (vgw_snat_engines[w])
			vgw_buf_printf(b, "vgw_snat_sessions{worker=\"%u\"} %u\n", w,
				       vgw_snat_engines[w]->ct->n);
	family(b, "vgw_snat_mappings_created_total", "counter", "SNAT mappings the worker made.");
	for (unsigned int w = 0; w < VGW_MAX_WORKERS; w++)
		if (vgw_snat_engines[w])
			vgw_buf_printf(b, "vgw_snat_mappings_created_total{worker=\"%u\"} %lu\n", w,
				       (unsigned long)vgw_snat_engines[w]->st.maps_created);
}

void vgw_metrics_render(struct vgw_buf *b, int64_t started)
{
	family(b, "vgw_build_info", "gauge", "vgwd's version and the DPDK it runs on (value 1).");
	vgw_buf_printf(b, "vgw_build_info{version=\"%s\",dpdk=\"%s\"} 1\n", VGW_VERSION,
		       rte_version());
	family(b, "vgw_process_start_time_seconds", "gauge",
	       "When vgwd started, seconds since the epoch (its counters start there).");
	vgw_buf_printf(b, "vgw_process_start_time_seconds %ld\n", (long)started);
	/* show stats' baseline, never the metrics' (they only grow): for a
	 * dashboard that sets its reading beside `show stats` */
	family(b, "vgw_stats_cleared_timestamp_seconds", "gauge",
	       "When `stats clear` last reset show stats' counters, seconds since the epoch "
	       "(0: never); the metrics here never reset.");
	vgw_buf_printf(b, "vgw_stats_cleared_timestamp_seconds %ld\n", (long)vgw_stats_cleared_at());
	ports(b);
	slowpath(b);
	workers(b);
	tables(b);
	services(b);
	snat(b);
}
