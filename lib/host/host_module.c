/* The host module: host ports (the taps to Linux), their punt limit
 * setting, the slow path's reading of the taps and delivery of punted
 * to-self frames (core/module.h). Needs the port module's init done. */
#include <rte_mbuf.h>

#include "../core/gw.h"
#include "../core/module.h"
#include "../dp/punt.h"
#include "host.h"

/* host-port punt-rate PPS | host-port punt-burst N: each worker's share of
 * to-self packets punted to the host ports (host/host_dp.h), kept as the
 * HOST reason's limit of the punt queues (dp/punt.h). A burst beyond
 * the punt ring could not be queued anyway. */
static const struct vgw_setting settings[] = {
	{"host-port", .key = "punt-rate", .u32 = &vgw_dp_conf.punt_rate[VGW_PUNT_HOST], .min = 1,
	 .max = 1000000, .def = 20000, .arg = "PPS"},
	{"host-port", .key = "punt-burst", .u32 = &vgw_dp_conf.punt_burst[VGW_PUNT_HOST],
	 .min = 1, .max = VGW_PUNT_RING_SIZE, .def = 256},
	{NULL},
};

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
static const struct vgw_counter_desc sp_counters[] = {VGW_HOST_COUNTERS(VGW_COUNTER_DESC, _)};

const struct vgw_module vgw_host_module = {
	.name = "host",
	.settings = settings,
	.mbufs = vgw_host_mbufs,
	.init = vgw_host_init,
	.fini = vgw_host_close,
	.poll = poll,
	.punts = punts,
	.sp_counters = {sp_counters, VGW_HOST_SP_N, &vgw_host_sp_base},
};
