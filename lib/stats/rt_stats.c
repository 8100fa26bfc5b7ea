/* Run-time counter sums and ratios: see rt_stats.h. */
#include "rt_stats.h"

#include <string.h>

static struct vgw_runtime base[VGW_MAX_WORKERS];

static uint64_t since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0; /* see rt_stats.h: a racing clear */
}

/* Worker w's raw counters: volatile because the worker changes them under
 * us, so each word is loaded once. */
static void raw(unsigned int w, struct vgw_runtime *out)
{
	const volatile struct vgw_runtime *rt = &vgw_gw.workers[w].rt;
	for (int s = 0; s < VGW_STAGE_N; s++) {
		out->stage[s].calls = rt->stage[s].calls;
		out->stage[s].pkts = rt->stage[s].pkts;
		out->stage[s].cycles = rt->stage[s].cycles;
	}
	out->loops = rt->loops;
	out->busy_cycles = rt->busy_cycles;
	out->idle_cycles = rt->idle_cycles;
	out->sleeps = rt->sleeps;
}

void vgw_runtime_stats_worker(unsigned int w, struct vgw_runtime *out)
{
	const struct vgw_runtime *b = &base[w];
	raw(w, out);
	for (int s = 0; s < VGW_STAGE_N; s++) {
		out->stage[s].calls = since(out->stage[s].calls, b->stage[s].calls);
		out->stage[s].pkts = since(out->stage[s].pkts, b->stage[s].pkts);
		out->stage[s].cycles = since(out->stage[s].cycles, b->stage[s].cycles);
	}
	out->loops = since(out->loops, b->loops);
	out->busy_cycles = since(out->busy_cycles, b->busy_cycles);
	out->idle_cycles = since(out->idle_cycles, b->idle_cycles);
	out->sleeps = since(out->sleeps, b->sleeps);
}

void vgw_runtime_stats_add(struct vgw_runtime *sum, const struct vgw_runtime *r)
{
	for (int s = 0; s < VGW_STAGE_N; s++) {
		sum->stage[s].calls += r->stage[s].calls;
		sum->stage[s].pkts += r->stage[s].pkts;
		sum->stage[s].cycles += r->stage[s].cycles;
	}
	sum->loops += r->loops;
	sum->busy_cycles += r->busy_cycles;
	sum->idle_cycles += r->idle_cycles;
	sum->sleeps += r->sleeps;
}

void vgw_runtime_stats_total(struct vgw_runtime *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++) {
		struct vgw_runtime r;
		vgw_runtime_stats_worker(w, &r);
		vgw_runtime_stats_add(out, &r);
	}
}

void vgw_runtime_stats_clear(void)
{
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++)
		raw(w, &base[w]);
}

double vgw_runtime_pkts_per_call(const struct vgw_stage_rt *s)
{
	return s->calls ? (double)s->pkts / (double)s->calls : 0.0;
}

double vgw_runtime_cycles_per_pkt(const struct vgw_stage_rt *s)
{
	return s->pkts ? (double)s->cycles / (double)s->pkts : 0.0;
}

double vgw_runtime_busy_pct(const struct vgw_runtime *r)
{
	/* in double: the sum of two cycle counts may not fit in 64 bits */
	double all = (double)r->busy_cycles + (double)r->idle_cycles;
	return all > 0 ? 100.0 * (double)r->busy_cycles / all : 0.0;
}
