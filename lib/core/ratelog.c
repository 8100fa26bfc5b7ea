/* Rate-limited log lines: see ratelog.h. */
#include "ratelog.h"

static void put(const struct vgw_ratelog *r, int level, const char *fmt, const char *what,
		const char *line)
{
	rte_log((uint32_t)level, (uint32_t)(r->type ? *r->type : vgw_logtype_core), fmt,
		r->type ? r->type_name : "vgw.core", what, line);
}

void vgw_ratelog_at(struct vgw_ratelog *r, uint64_t now_s, int level, const char *line)
{
	if (now_s != r->window) {
		if (r->suppressed) {
			char n[32];
			snprintf(n, sizeof(n), "%u", r->suppressed);
			put(r, RTE_LOG_WARNING, "%s: %s: %s similar lines suppressed\n", r->what,
			    n);
		}
		r->window = now_s;
		r->n = 0;
		r->suppressed = 0;
	}
	if (r->n++ < VGW_RATELOG_PER_S)
		put(r, level, "%s: %s: %s\n", r->what, line);
	else
		r->suppressed++;
}

void vgw_ratelog(struct vgw_ratelog *r, uint64_t now_s, const char *line)
{
	vgw_ratelog_at(r, now_s, RTE_LOG_WARNING, line);
}

bool vgw_countlog(struct vgw_countlog *c, uint64_t now_ms, uint64_t total)
{
	if (total < c->seen) /* cleared (stats clear): count from there */
		c->seen = 0;
	if (total == c->seen || now_ms < c->next_ms)
		return false;
	rte_log((uint32_t)c->level, (uint32_t)*c->type, "%s: %llu %s\n", c->type_name,
		(unsigned long long)(total - c->seen), c->what);
	c->seen = total;
	c->next_ms = now_ms + c->every_ms;
	return true;
}
