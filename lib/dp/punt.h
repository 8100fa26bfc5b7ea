/* Start-up side of the workers' punt queues and ICMP error limit (gw.h:
 * struct vgw_punt_q, icmp_tat/cost/slack): one SPSC ring per worker and
 * punt reason, and the GCRA parameters of each limit from the settings
 * (`punt KIND rate|burst`, `host-port punt-rate|punt-burst`, `icmp-error
 * rate|burst`). Main thread, before the workers run; the slow path drains
 * the rings (ctl/slowpath.c), a bounded burst per ring per turn, so no
 * reason can hold the others off there either. */
#ifndef VGW_DP_PUNT_H
#define VGW_DP_PUNT_H

#include <stdint.h>

#include "../core/gw.h"

/* The dp module's settings (dp_module.c): `punt KIND rate|burst` per
 * reason, the HOST reason's from the host module's `host-port
 * punt-rate|punt-burst`, and `icmp-error rate|burst`. Written by the
 * settings loader, read only once the settings are finished. */
struct vgw_dp_conf {
	uint32_t punt_rate[VGW_PUNT_N];
	uint32_t punt_burst[VGW_PUNT_N];
	uint32_t icmp_error_rate; /* ICMP errors/s each worker may originate */
	uint32_t icmp_error_burst;
};
extern struct vgw_dp_conf vgw_dp_conf;

/* Rings per worker and reason. */
#define VGW_DP_PUNT_RINGS_PER_WORKER (VGW_PUNT_N - 1)

int vgw_dp_punt_init(char *err);
/* The limits only (unit tests, and vgw_dp_punt_init). */
void vgw_dp_punt_limits_init(void);
void vgw_dp_punt_fini(void);

#endif
