/* DPDK telemetry commands (/vgw/...), readable by dpdk-telemetry.py.
 * Callbacks run on DPDK's telemetry thread: they only read start-up data and
 * counters (plain loads), never the configuration tables. */
#include "telemetry.h"

#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "../core/gw.h"
#include "../stats/stats.h"

static void add_port(struct rte_tel_data *d, int p)
{
	struct vgw_port_stats s;
	vgw_stats_port(p, &s);
	rte_tel_data_add_dict_u64(d, "rx", s.rx);
	rte_tel_data_add_dict_u64(d, "tx", s.tx);
	for (int i = 0; i < VGW_DROP_MAX; i++)
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
	uint64_t rx = 0, tx = 0, drop[VGW_DROP_MAX] = {0};
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		struct vgw_port_stats s;
		vgw_stats_port(p, &s);
		rx += s.rx;
		tx += s.tx;
		for (int i = 0; i < VGW_DROP_MAX; i++)
			drop[i] += s.drop[i];
	}
	uint64_t sp[VGW_SP_MAX];
	vgw_stats_sp(sp);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx", rx);
	rte_tel_data_add_dict_u64(d, "tx", tx);
	for (int i = 0; i < VGW_DROP_MAX; i++)
		rte_tel_data_add_dict_u64(d, vgw_drop_names[i], drop[i]);
	for (int i = 0; i < VGW_SP_MAX; i++)
		rte_tel_data_add_dict_u64(d, vgw_sp_names[i], sp[i]);
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
}
