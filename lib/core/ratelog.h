/* A log line per event, at most VGW_RATELOG_PER_S a second per source: bad
 * input from outside (a million bad kernel routes) must not become a million
 * log lines. Over the limit the lines are counted, and the count is logged
 * when the next second's first line comes. Slow path; one struct per source,
 * zeroed, with `what` naming the source ("kernel routes"). */
#ifndef VGW_RATELOG_H
#define VGW_RATELOG_H

#include <stdint.h>

#define VGW_RATELOG_PER_S 10

struct vgw_ratelog {
	const char *what;
	uint64_t window; /* second of the current window */
	unsigned int n, suppressed;
};

/* Logs "WHAT: line" (warning) unless over the limit; now_s: a monotonic
 * clock in seconds. */
void vgw_ratelog(struct vgw_ratelog *r, uint64_t now_s, const char *line);

#endif
