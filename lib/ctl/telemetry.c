/* DPDK telemetry commands (/vgw/...), readable by dpdk-telemetry.py.
 * Callbacks run on DPDK's telemetry thread: they only read start-up data and
 * counters (plain loads), never the configuration tables. */
#include "telemetry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_telemetry.h>

#include "../core/gw.h"
#include "../stats/rt_stats.h"
#include "../stats/stats.h"

static void add_port(struct rte_tel_data *d, int p)
{
	struct vgw_port_stats s;
	vgw_stats_port(p, &s);
	rte_tel_data_add_dict_u64(d, "rx", s.rx);
	rte_tel_data_add_dict_u64(d, "tx", s.tx);
	for (int i = 0; i < vgw_drop_n; i++)
		rte_tel_data_add_dict_u64(d, vgw_drop_names[i], s.drop[i]);
}

static int tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	if (params && *params) {
		int p = vgw_port_by_name(params);
		if (p < 0)
			return -1;
		rte_tel_data_start_dict(d);
		add_port(d, p);
		return 0;
	}
	uint64_t rx = 0, tx = 0, drop[VGW_DROP_CAP] = {0};
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		struct vgw_port_stats s;
		vgw_stats_port(p, &s);
		rx += s.rx;
		tx += s.tx;
		for (int i = 0; i < vgw_drop_n; i++)
			drop[i] += s.drop[i];
	}
	uint64_t sp[VGW_SP_CAP];
	vgw_stats_sp(sp);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx", rx);
	rte_tel_data_add_dict_u64(d, "tx", tx);
	for (int i = 0; i < vgw_drop_n; i++)
		rte_tel_data_add_dict_u64(d, vgw_drop_names[i], drop[i]);
	for (int i = 0; i < vgw_sp_n; i++)
		rte_tel_data_add_dict_u64(d, vgw_sp_names[i], sp[i]);
	return 0;
}

/* The loop's counters, then one dict per stage (every stage, called or not:
 * a scraper gets the same keys each time). Telemetry names allow letters,
 * digits, '_' and '/': "vxlan-in" is written "vxlan_in". */
static void add_runtime(struct rte_tel_data *d, const struct vgw_runtime *r)
{
	rte_tel_data_add_dict_u64(d, "loops", r->loops);
	rte_tel_data_add_dict_u64(d, "busy_cycles", r->busy_cycles);
	rte_tel_data_add_dict_u64(d, "idle_cycles", r->idle_cycles);
	for (int s = 0; s < VGW_STAGE_N; s++) {
		struct rte_tel_data *st = rte_tel_data_alloc();
		if (!st)
			return;
		rte_tel_data_start_dict(st);
		rte_tel_data_add_dict_u64(st, "calls", r->stage[s].calls);
		rte_tel_data_add_dict_u64(st, "packets", r->stage[s].pkts);
		rte_tel_data_add_dict_u64(st, "cycles", r->stage[s].cycles);
		char name[32];
		snprintf(name, sizeof(name), "%s", vgw_stage_names[s]);
		for (char *c = name; *c; c++)
			if (*c == '-')
				*c = '_';
		if (rte_tel_data_add_dict_container(d, name, st, 0) < 0)
			rte_tel_data_free(st);
	}
}

/* /vgw/runtime: the sum over workers; /vgw/runtime,N: worker N. */
static int tel_runtime(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	struct vgw_runtime r;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "tsc_hz", rte_get_tsc_hz());
	if (params && *params) {
		char *end;
		errno = 0;
		unsigned long w = strtoul(params, &end, 10);
		if (errno || *end || params[0] < '0' || params[0] > '9' || w >= vgw_gw.n_workers)
			return -1;
		vgw_runtime_stats_worker((unsigned int)w, &r);
		rte_tel_data_add_dict_u64(d, "worker", w);
		rte_tel_data_add_dict_u64(d, "lcore", vgw_gw.workers[w].lcore);
	} else {
		vgw_runtime_stats_total(&r);
		rte_tel_data_add_dict_u64(d, "workers", vgw_gw.n_workers);
	}
	add_runtime(d, &r);
	return 0;
}

static int tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	for (int p = 0; p < vgw_gw.n_ports; p++)
		rte_tel_data_add_array_string(d, vgw_gw.ports[p].name);
	return 0;
}

void vgw_telemetry_register(void)
{
	rte_telemetry_register_cmd("/vgw/stats", tel_stats,
				   "vgw counters: totals, or one port's with ',NAME'");
	rte_telemetry_register_cmd("/vgw/ports", tel_ports, "vgw port names");
	rte_telemetry_register_cmd("/vgw/runtime", tel_runtime,
				   "vgw cycles per stage: all workers, or worker N with ',N'");
}
