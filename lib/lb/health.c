/* Active health checks: see health.h. Placeholder until the checker lands
 * in the next commit: no probes are sent, answers are dropped. */
#include "health.h"

#include <rte_mbuf.h>

static struct vgw_health_ops ops;

void vgw_health_init(const struct vgw_health_ops *o) { ops = *o; }
void vgw_health_tick(uint64_t now_ms) { (void)now_ms; }
void vgw_health_input(struct rte_mbuf *m, uint64_t now_ms)
{
	(void)now_ms;
	rte_pktmbuf_free(m);
}
