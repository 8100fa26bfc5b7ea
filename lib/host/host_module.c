/* The host module: host ports (the taps to Linux), their punt limit
 * setting, the slow path's reading of the taps and delivery of punted
 * to-self frames (core/module.h). Needs the port module's init done. */
#include <stdio.h>
#include <string.h>

#include <rte_mbuf.h>

#include "../conf/settings.h"
#include "../core/gw.h"
#include "../core/module.h"
#include "../dp/punt.h"
#include "host.h"

/* host-port punt-rate PPS | host-port punt-burst N: each worker's share of
 * to-self packets punted to the host ports (host/host_dp.h), kept as the
 * HOST reason's limit of the punt queues (dp/punt.h). A burst beyond
 * the punt ring could not be queued anyway. */
static int host_port_line(int argc, char **argv, char *err)
{
	if (argc == 3 && strcmp(argv[1], "punt-rate") == 0)
		return vgw_setting_u32("host-port punt-rate", argv[2], 1, 1000000,
				       &vgw_dp_conf.punt_rate[VGW_PUNT_HOST], err);
	if (argc == 3 && strcmp(argv[1], "punt-burst") == 0)
		return vgw_setting_u32("host-port punt-burst", argv[2], 1, VGW_PUNT_RING_SIZE,
				       &vgw_dp_conf.punt_burst[VGW_PUNT_HOST], err);
	snprintf(err, VGW_ERR_LEN, "host-port: expected 'punt-rate PPS' or 'punt-burst N'");
	return -1;
}

static const struct vgw_setting settings[] = {{"host-port", host_port_line}, {NULL, NULL}};

static int host_settings_finish(char *err)
{
	(void)err;
	if (!vgw_dp_conf.punt_rate[VGW_PUNT_HOST])
		vgw_dp_conf.punt_rate[VGW_PUNT_HOST] = 20000;
	if (!vgw_dp_conf.punt_burst[VGW_PUNT_HOST])
		vgw_dp_conf.punt_burst[VGW_PUNT_HOST] = 256;
	return 0;
}

static void host_settings_reset(void)
{
	vgw_dp_conf.punt_rate[VGW_PUNT_HOST] = vgw_dp_conf.punt_burst[VGW_PUNT_HOST] = 0;
}

static void host_settings_config(struct vgw_buf *b)
{
	vgw_buf_printf(b, "host-port punt-rate %u\n", vgw_dp_conf.punt_rate[VGW_PUNT_HOST]);
	vgw_buf_printf(b, "host-port punt-burst %u\n", vgw_dp_conf.punt_burst[VGW_PUNT_HOST]);
}

static bool poll(bool ready, uint64_t now)
{
	(void)ready;
	return vgw_host_poll(now);
}

static void punt_host(struct rte_mbuf *m, uint64_t now)
{
	(void)now;
	struct vgw_dp_mbuf_priv *pr = rte_mbuf_to_priv(m);
	vgw_host_deliver(pr->in_port, m);
}

static const struct vgw_punt_handler punts[] = {{VGW_PUNT_HOST, punt_host}, {0, NULL}};

uint16_t vgw_host_sp_base;
static const struct vgw_counter_desc sp_counters[] = {VGW_HOST_COUNTERS(VGW_COUNTER_DESC)};

const struct vgw_module vgw_host_module = {
	.name = "host",
	.settings = settings,
	.settings_finish = host_settings_finish,
	.settings_reset = host_settings_reset,
	.settings_config = host_settings_config,
	.mbufs = vgw_host_mbufs,
	.init = vgw_host_init,
	.fini = vgw_host_close,
	.poll = poll,
	.punts = punts,
	.sp_counters = {sp_counters, VGW_HOST_SP_N, &vgw_host_sp_base},
};
