/* Rate-limited log lines: see ratelog.h. */
#include "ratelog.h"

#include <rte_log.h>

void vgw_ratelog(struct vgw_ratelog *r, uint64_t now_s, const char *line)
{
	if (now_s != r->window) {
		if (r->suppressed)
			RTE_LOG(WARNING, USER1, "%s: %u similar lines suppressed\n", r->what,
				r->suppressed);
		r->window = now_s;
		r->n = 0;
		r->suppressed = 0;
	}
	if (r->n++ < VGW_RATELOG_PER_S)
		RTE_LOG(WARNING, USER1, "%s: %s\n", r->what, line);
	else
		r->suppressed++;
}
