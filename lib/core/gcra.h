/* Token bucket kept as GCRA (one "theoretical arrival time" instead of a
 * token count and a timestamp), for the workers' rate limits (punts per
 * reason, ICMP errors). Pure; the caller owns *tat (one writer). */
#ifndef VGW_GCRA_H
#define VGW_GCRA_H

#include <stdbool.h>
#include <stdint.h>

/* May a packet arriving at `now` pass? Moves *tat if so. An idle bucket (tat
 * in the past) restarts from now; with slack = (burst - 1) * cost, the k-th
 * packet of a burst finds tat = now + (k-1) * cost, so exactly burst packets
 * pass at once, then one per cost. cost 0 = no limit. */
static inline bool vgw_gcra_allow(uint64_t *tat, uint64_t now, uint64_t cost, uint64_t slack)
{
	uint64_t t = *tat > now ? *tat : now;
	if (t - now > slack)
		return false;
	*tat = t + cost;
	return true;
}

/* cost and slack for `rate` per second and `burst` at once, for a clock of
 * hz ticks per second; rounded up so the rate is never exceeded. */
static inline void vgw_gcra_params(uint64_t hz, uint32_t rate, uint32_t burst, uint64_t *cost,
				   uint64_t *slack)
{
	*cost = rate ? (hz + rate - 1) / rate : 0;
	*slack = burst ? (uint64_t)(burst - 1) * *cost : 0;
}

#endif
