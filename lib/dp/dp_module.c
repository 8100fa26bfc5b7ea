/* The dp module: the data path's own start-up (punt rings and limits, the
 * local-address filter) and settings (`punt`, `icmp-error rate|burst`);
 * core/module.h. */
#include <stdio.h>
#include <string.h>

#include "../conf/settings.h"
#include "../core/gw.h"
#include "../core/module.h"
#include "punt.h"
#include "worker.h"

struct vgw_dp_conf vgw_dp_conf;
struct vgw_worker_conf vgw_worker_conf;

/* punt arp|neigh-miss|health rate PPS | ... burst N: each worker's limit per
 * punt reason (gw.h struct vgw_punt_q). A burst beyond the ring could not
 * be queued anyway. HOST is the host module's `host-port punt-rate`. */
static const char *const punt_kind[VGW_PUNT_N] = {
	[VGW_PUNT_ARP] = "arp", [VGW_PUNT_NEIGH_MISS] = "neigh-miss", [VGW_PUNT_HEALTH] = "health",
};

static int punt_line(int argc, char **argv, char *err)
{
	for (int r = 1; argc == 4 && r < VGW_PUNT_N; r++) {
		if (!punt_kind[r] || strcmp(argv[1], punt_kind[r]) != 0)
			continue;
		if (strcmp(argv[2], "rate") == 0)
			return vgw_setting_u32("punt rate", argv[3], 1, 10000000,
					       &vgw_dp_conf.punt_rate[r], err);
		if (strcmp(argv[2], "burst") == 0)
			return vgw_setting_u32("punt burst", argv[3], 1, VGW_PUNT_RING_SIZE,
					       &vgw_dp_conf.punt_burst[r], err);
	}
	snprintf(err, VGW_ERR_LEN,
		 "punt: expected 'punt arp|neigh-miss|health rate PPS' or '... burst N' "
		 "(to-self traffic: host-port punt-rate)");
	return -1;
}

static const struct vgw_setting settings[] = {
	{"punt", punt_line},
	/* ICMP errors each worker may originate (RFC 1812 4.3.2.8: rate-limited) */
	{"icmp-error", .key = "rate", .u32 = &vgw_dp_conf.icmp_error_rate, .min = 1,
	 .max = 10000000, .def = 1000, .arg = "PPS"},
	{"icmp-error", .key = "burst", .u32 = &vgw_dp_conf.icmp_error_burst, .min = 1,
	 .max = 1000000, .def = 100},
	/* off unless set (worker.h): a sleep of more than 10 ms would be felt by
	 * RCU writers and the stall watch, which wait for a loop to finish */
	{"worker", .key = "idle-sleep", .u32 = &vgw_worker_conf.idle_sleep_us, .min = 1,
	 .max = 10000, .arg = "US"},
	/* 0 (unset): VGW_WORKER_IDLE_POLLS, applied by the worker so that
	 * running-config shows only what was set */
	{"worker", .key = "idle-polls", .u32 = &vgw_worker_conf.idle_polls, .min = 1,
	 .max = 100000000},
	{NULL, NULL},
};

static int dp_settings_finish(char *err)
{
	(void)err;
	/* per worker; ARP and health answers are a trickle in normal operation,
	 * next-hop misses come in bursts while a neighbour resolves */
	static const uint32_t def_rate[VGW_PUNT_N] = {0, 2000, 10000, 10000, 0};
	static const uint32_t def_burst[VGW_PUNT_N] = {0, 256, 1024, 512, 0};
	for (int r = 1; r < VGW_PUNT_N; r++) {
		if (!punt_kind[r])
			continue;
		if (!vgw_dp_conf.punt_rate[r])
			vgw_dp_conf.punt_rate[r] = def_rate[r];
		if (!vgw_dp_conf.punt_burst[r])
			vgw_dp_conf.punt_burst[r] = def_burst[r];
	}
	return 0;
}

static void dp_settings_reset(void)
{
	for (int r = 1; r < VGW_PUNT_N; r++) {
		if (!punt_kind[r])
			continue;
		vgw_dp_conf.punt_rate[r] = 0;
		vgw_dp_conf.punt_burst[r] = 0;
	}
}

static void dp_settings_config(struct vgw_buf *b)
{
	for (int r = 1; r < VGW_PUNT_N; r++)
		if (punt_kind[r])
			vgw_buf_printf(b, "punt %s rate %u\npunt %s burst %u\n", punt_kind[r],
				       vgw_dp_conf.punt_rate[r], punt_kind[r],
				       vgw_dp_conf.punt_burst[r]);
}

static uint32_t mbufs(void)
{
	return vgw_gw.n_workers * VGW_DP_PUNT_RINGS_PER_WORKER * VGW_PUNT_RING_SIZE;
}

static int init(char *err)
{
	if (vgw_dp_punt_init(err) < 0)
		return -1;
	vgw_gw_local_filter_init();
	return 0;
}

const struct vgw_module vgw_dp_module = {
	.name = "dp",
	.settings = settings,
	.settings_finish = dp_settings_finish,
	.settings_reset = dp_settings_reset,
	.settings_config = dp_settings_config,
	.mbufs = mbufs,
	.init = init,
	.fini = vgw_dp_punt_fini,
};
