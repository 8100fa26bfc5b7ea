/* The dp module: the data path's own start-up (punt rings and limits, the
 * local-address filter) and settings (`punt`, `icmp-error`); core/module.h. */
#include <stdio.h>
#include <string.h>

#include "../conf/settings.h"
#include "../core/gw.h"
#include "../core/module.h"
#include "punt.h"

struct vgw_dp_conf vgw_dp_conf;

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

/* icmp-error rate PPS | icmp-error burst N: ICMP errors each worker may
 * originate (RFC 1812 4.3.2.8: rate-limited). */
static int icmp_error_line(int argc, char **argv, char *err)
{
	if (argc == 3 && strcmp(argv[1], "rate") == 0)
		return vgw_setting_u32("icmp-error rate", argv[2], 1, 10000000,
				       &vgw_dp_conf.icmp_error_rate, err);
	if (argc == 3 && strcmp(argv[1], "burst") == 0)
		return vgw_setting_u32("icmp-error burst", argv[2], 1, 1000000,
				       &vgw_dp_conf.icmp_error_burst, err);
	snprintf(err, VGW_ERR_LEN, "icmp-error: expected 'rate PPS' or 'burst N'");
	return -1;
}

static const struct vgw_setting settings[] = {
	{"punt", punt_line},
	{"icmp-error", icmp_error_line},
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
	if (!vgw_dp_conf.icmp_error_rate)
		vgw_dp_conf.icmp_error_rate = 1000;
	if (!vgw_dp_conf.icmp_error_burst)
		vgw_dp_conf.icmp_error_burst = 100;
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
	vgw_dp_conf.icmp_error_rate = vgw_dp_conf.icmp_error_burst = 0;
}

static void dp_settings_config(struct vgw_buf *b)
{
	for (int r = 1; r < VGW_PUNT_N; r++)
		if (punt_kind[r])
			vgw_buf_printf(b, "punt %s rate %u\npunt %s burst %u\n", punt_kind[r],
				       vgw_dp_conf.punt_rate[r], punt_kind[r],
				       vgw_dp_conf.punt_burst[r]);
	vgw_buf_printf(b, "icmp-error rate %u\n", vgw_dp_conf.icmp_error_rate);
	vgw_buf_printf(b, "icmp-error burst %u\n", vgw_dp_conf.icmp_error_burst);
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
