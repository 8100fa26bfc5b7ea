/* Rate-limited log lines, for events that outside input or traffic can
 * repeat without bound: the slow path logs them, never a worker.
 *
 * vgw_ratelog: a line per event, at most VGW_RATELOG_PER_S a second per
 * source: bad input from outside (a million bad kernel routes) must not
 * become a million log lines. Over the limit the lines are counted, and the
 * count is logged when the next second's first line comes. One struct per
 * source, zeroed, with `what` naming the source ("kernel routes") and its
 * log type set by VGW_RATELOG_TYPE (none: vgw.core).
 *
 * vgw_countlog: a counter that the workers move (a drop, an exhausted pool:
 * per packet), read by the slow path's tick: when it moved, one line with how
 * much, at most once per `every_ms`. The workers only count; the line says
 * what the count means and what to do.
 *
 * Slow path only (one thread; no locking). */
#ifndef VGW_RATELOG_H
#define VGW_RATELOG_H

#include <stdint.h>

#include "log.h"

#define VGW_RATELOG_PER_S 10

struct vgw_ratelog {
	const char *what;
	const int *type;       /* &vgw_logtype_X; NULL: vgw.core */
	const char *type_name; /* "vgw.X" */
	uint64_t window; /* second of the current window */
	unsigned int n, suppressed;
};

/* Sets r's log type to vgw.T (a name of VGW_LOG_TYPES). */
#define VGW_RATELOG_TYPE(r, t)                                                 \
	((r)->type = &vgw_logtype_##t, (r)->type_name = "vgw." #t)

/* Logs "vgw.T: WHAT: line" (warning) unless over the limit; now_s: a
 * monotonic clock in seconds. */
void vgw_ratelog(struct vgw_ratelog *r, uint64_t now_s, const char *line);
/* The same at level (RTE_LOG_NOTICE, ...). */
void vgw_ratelog_at(struct vgw_ratelog *r, uint64_t now_s, int level, const char *line);

struct vgw_countlog {
	const int *type;       /* &vgw_logtype_X (VGW_COUNTLOG_INIT) */
	const char *type_name; /* "vgw.X" */
	int level;             /* RTE_LOG_WARNING ... */
	uint64_t every_ms;     /* at most a line per this */
	const char *what;      /* after the count: "packets dropped: ..." */
	uint64_t seen;         /* the total the last line covered */
	uint64_t next_ms;      /* no line before */
};

/* A countlog of type vgw.T at RTE_LOG_LEVEL, at most one line per EVERY_MS. */
#define VGW_COUNTLOG_INIT(t, lvl, every_ms_, what_)                            \
	{.type = &vgw_logtype_##t, .type_name = "vgw." #t,                     \
	 .level = RTE_LOG_##lvl, .every_ms = (every_ms_), .what = (what_)}

/* total: the counter now (it only grows, or restarts below seen when
 * cleared: then counted from 0). Logs "vgw.T: N WHAT" when it moved since
 * the last line and the interval passed; returns true when it logged. */
bool vgw_countlog(struct vgw_countlog *c, uint64_t now_ms, uint64_t total);

#endif
