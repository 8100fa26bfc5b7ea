/* Punt queues and limits at start-up: see punt.h. */
#include "punt.h"

#include <stdio.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "../core/gcra.h"
#include "../core/gw.h"
#include "../util/parse.h"

static const char *const kind_name[VGW_PUNT_N] = {
	[VGW_PUNT_ARP] = "arp",
	[VGW_PUNT_NEIGH_MISS] = "nmiss",
	[VGW_PUNT_HEALTH] = "hc",
	[VGW_PUNT_HOST] = "host",
};

void vgw_dp_punt_limits_init(void)
{
	uint64_t hz = rte_get_tsc_hz();
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++) {
		struct vgw_worker *wk = &vgw_gw.workers[w];
		for (int r = 1; r < VGW_PUNT_N; r++) {
			uint32_t rate = vgw_dp_conf.punt_rate[r];
			uint32_t burst = vgw_dp_conf.punt_burst[r];
			/* unset (unit tests without settings): no limit */
			vgw_gcra_params(hz, rate, burst, &wk->punt[r].cost, &wk->punt[r].slack);
			if (!rate)
				wk->punt[r].slack = UINT64_MAX;
			wk->punt[r].tat = 0;
		}
		vgw_gcra_params(hz, vgw_dp_conf.icmp_error_rate, vgw_dp_conf.icmp_error_burst,
				&wk->icmp_cost, &wk->icmp_slack);
		if (!vgw_dp_conf.icmp_error_rate)
			wk->icmp_slack = UINT64_MAX;
		wk->icmp_tat = 0;
	}
}

int vgw_dp_punt_init(char *err)
{
	vgw_dp_punt_limits_init();
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++)
		for (int r = 1; r < VGW_PUNT_N; r++) {
			char name[RTE_RING_NAMESIZE];
			snprintf(name, sizeof(name), "vgw_punt_%s%u", kind_name[r], w);
			vgw_gw.workers[w].punt[r].ring =
				rte_ring_create(name, VGW_PUNT_RING_SIZE, SOCKET_ID_ANY,
						RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (!vgw_gw.workers[w].punt[r].ring) {
				snprintf(err, VGW_ERR_LEN, "cannot create the %s punt ring of worker %u",
					 kind_name[r], w);
				return -1;
			}
		}
	return 0;
}

void vgw_dp_punt_fini(void)
{
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++)
		for (int r = 1; r < VGW_PUNT_N; r++) {
			rte_ring_free(vgw_gw.workers[w].punt[r].ring);
			vgw_gw.workers[w].punt[r].ring = NULL;
		}
}
