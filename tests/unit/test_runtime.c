/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_runtime.c - the readers' side of the workers' run-time counters
 * (lib/stats/rt_stats.c) and `show runtime` / `runtime clear`
 * (lib/stats/runtime_cli.c).
 *
 * The counters are written here into vgw_gw.workers[i].rt the way a worker
 * would (plain stores), two workers. Proves:
 *  - a worker's figures are its own counters, the total is their sum;
 *  - `runtime clear` makes the counters restart from 0 without writing the
 *    workers' memory, and what a worker counts afterwards shows alone; a
 *    counter below its baseline (a reader racing a clear) reads 0;
 *  - packets per call, cycles per packet and the busy share are exact on
 *    exact inputs and 0 (not NaN, no trap) whenever the divisor is 0;
 *  - `show runtime` gives byte-exact text (a "worker N:" section per worker,
 *    a stage table with only the stages that ran, a total section) and
 *    JSON; with no counts at all, no stage rows and every ratio 0.00;
 *  - `show runtime bogus` is refused with the usage and `runtime clear
 *    bogus` too, both without output.
 * No EAL: tsc_hz reads 0 (the EAL measures the rate at init).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/gw.h"
#include "stats/rt_stats.h"
#include "unit.h"

static char err[VGW_ERR_LEN];
static struct vgw_buf out;

static int run(const char *line, bool json)
{
	vgw_buf_reset(&out);
	err[0] = '\0';
	return vgw_cli_exec(line, json, &out, err);
}

/* Two workers on lcores 3 and 5, every counter 0, baseline 0. */
static void reset(void)
{
	memset(&vgw_gw, 0, sizeof(vgw_gw));
	vgw_gw.n_workers = 2;
	vgw_gw.workers[0].idx = 0;
	vgw_gw.workers[0].lcore = 3;
	vgw_gw.workers[1].idx = 1;
	vgw_gw.workers[1].lcore = 5;
	vgw_runtime_stats_clear();
}

static void count(unsigned int w, enum vgw_stage s, uint64_t calls, uint64_t pkts,
		  uint64_t cycles)
{
	struct vgw_stage_rt *st = &vgw_gw.workers[w].rt.stage[s];
	st->calls += calls;
	st->pkts += pkts;
	st->cycles += cycles;
}

static void loop(unsigned int w, uint64_t loops, uint64_t busy, uint64_t idle)
{
	vgw_gw.workers[w].rt.loops += loops;
	vgw_gw.workers[w].rt.busy_cycles += busy;
	vgw_gw.workers[w].rt.idle_cycles += idle;
}

/* The counts behind the exact outputs below. */
static void fill(void)
{
	loop(0, 100, 300, 100);
	count(0, VGW_STAGE_CLASSIFY, 4, 128, 4096);
	count(0, VGW_STAGE_EIP_IN, 2, 3, 1000);
	loop(1, 50, 0, 200);
	count(1, VGW_STAGE_CLASSIFY, 1, 1, 50);
	count(1, VGW_STAGE_TUNNEL_OUT, 3, 0, 30); /* calls without packets */
}

static void test_sum(void)
{
	reset();
	fill();
	struct vgw_runtime r;
	vgw_runtime_stats_worker(0, &r);
	ASSERT_EQ(r.loops, 100);
	ASSERT_EQ(r.busy_cycles, 300);
	ASSERT_EQ(r.idle_cycles, 100);
	ASSERT_EQ(r.stage[VGW_STAGE_CLASSIFY].calls, 4);
	ASSERT_EQ(r.stage[VGW_STAGE_CLASSIFY].pkts, 128);
	ASSERT_EQ(r.stage[VGW_STAGE_CLASSIFY].cycles, 4096);
	ASSERT_EQ(r.stage[VGW_STAGE_TUNNEL_OUT].calls, 0);
	vgw_runtime_stats_worker(1, &r);
	ASSERT_EQ(r.loops, 50);
	ASSERT_EQ(r.stage[VGW_STAGE_CLASSIFY].calls, 1);
	ASSERT_EQ(r.stage[VGW_STAGE_EIP_IN].calls, 0);
	ASSERT_EQ(r.stage[VGW_STAGE_TUNNEL_OUT].cycles, 30);
	vgw_runtime_stats_total(&r);
	ASSERT_EQ(r.loops, 150);
	ASSERT_EQ(r.busy_cycles, 300);
	ASSERT_EQ(r.idle_cycles, 300);
	ASSERT_EQ(r.stage[VGW_STAGE_CLASSIFY].calls, 5);
	ASSERT_EQ(r.stage[VGW_STAGE_CLASSIFY].pkts, 129);
	ASSERT_EQ(r.stage[VGW_STAGE_CLASSIFY].cycles, 4146);
	ASSERT_EQ(r.stage[VGW_STAGE_EIP_IN].pkts, 3);
	ASSERT_EQ(r.stage[VGW_STAGE_TUNNEL_OUT].calls, 3);
	for (int s = 0; s < VGW_STAGE_N; s++)
		if (s != VGW_STAGE_CLASSIFY && s != VGW_STAGE_EIP_IN && s != VGW_STAGE_TUNNEL_OUT)
			ASSERT_EQ(r.stage[s].calls + r.stage[s].pkts + r.stage[s].cycles, 0);
	/* a worker beyond n_workers is not summed */
	vgw_gw.workers[2].rt.loops = 1000;
	vgw_runtime_stats_total(&r);
	ASSERT_EQ(r.loops, 150);
}

static void test_clear(void)
{
	reset();
	fill();
	struct vgw_runtime before = vgw_gw.workers[0].rt;
	ASSERT_EQ(run("runtime clear", false), 0);
	ASSERT_STR(out.data ? out.data : "", "");
	/* the workers' memory is left alone: only the reader's baseline moved */
	ASSERT_EQ(memcmp(&before, &vgw_gw.workers[0].rt, sizeof(before)), 0);
	ASSERT_EQ(vgw_gw.workers[1].rt.loops, 50);
	struct vgw_runtime r;
	vgw_runtime_stats_total(&r);
	ASSERT_EQ(r.loops, 0);
	ASSERT_EQ(r.busy_cycles + r.idle_cycles, 0);
	for (int s = 0; s < VGW_STAGE_N; s++)
		ASSERT_EQ(r.stage[s].calls + r.stage[s].pkts + r.stage[s].cycles, 0);

	/* counted after the clear: only that shows */
	loop(1, 7, 70, 30);
	count(1, VGW_STAGE_CLASSIFY, 2, 64, 640);
	count(0, VGW_STAGE_LB, 1, 10, 2000);
	vgw_runtime_stats_worker(0, &r);
	ASSERT_EQ(r.loops, 0);
	ASSERT_EQ(r.stage[VGW_STAGE_CLASSIFY].calls, 0);
	ASSERT_EQ(r.stage[VGW_STAGE_LB].pkts, 10);
	vgw_runtime_stats_worker(1, &r);
	ASSERT_EQ(r.loops, 7);
	ASSERT_EQ(r.busy_cycles, 70);
	ASSERT_EQ(r.stage[VGW_STAGE_CLASSIFY].calls, 2);
	ASSERT_EQ(r.stage[VGW_STAGE_CLASSIFY].pkts, 64);
	ASSERT_EQ(r.stage[VGW_STAGE_CLASSIFY].cycles, 640);
	ASSERT_EQ(r.stage[VGW_STAGE_TUNNEL_OUT].calls, 0);
	vgw_runtime_stats_total(&r);
	ASSERT_EQ(r.loops, 7);
	ASSERT_EQ(r.stage[VGW_STAGE_CLASSIFY].calls, 2);
	ASSERT_EQ(r.stage[VGW_STAGE_LB].cycles, 2000);
	ASSERT_EQ(vgw_runtime_cycles_per_pkt(&r.stage[VGW_STAGE_CLASSIFY]) == 10.0, 1);

	/* a counter below its baseline reads 0, never a wrapped huge number */
	vgw_gw.workers[1].rt.loops = 3;
	vgw_runtime_stats_worker(1, &r);
	ASSERT_EQ(r.loops, 0);

	/* a second clear starts again from what the workers hold now */
	vgw_gw.workers[1].rt.loops = 60;
	vgw_runtime_stats_clear();
	loop(1, 1, 0, 0);
	vgw_runtime_stats_total(&r);
	ASSERT_EQ(r.loops, 1);
}

static void test_ratios(void)
{
	struct vgw_stage_rt s = {.calls = 4, .pkts = 128, .cycles = 4096};
	ASSERT_EQ(vgw_runtime_pkts_per_call(&s) == 32.0, 1);
	ASSERT_EQ(vgw_runtime_cycles_per_pkt(&s) == 32.0, 1);
	s = (struct vgw_stage_rt){.calls = 2, .pkts = 3, .cycles = 1000};
	ASSERT_EQ(vgw_runtime_pkts_per_call(&s) == 1.5, 1);
	ASSERT_EQ(vgw_runtime_cycles_per_pkt(&s) == 1000.0 / 3.0, 1);
	/* divisors of 0 */
	s = (struct vgw_stage_rt){.calls = 3, .pkts = 0, .cycles = 30};
	ASSERT_EQ(vgw_runtime_pkts_per_call(&s) == 0.0, 1);
	ASSERT_EQ(vgw_runtime_cycles_per_pkt(&s) == 0.0, 1);
	s = (struct vgw_stage_rt){0};
	ASSERT_EQ(vgw_runtime_pkts_per_call(&s) == 0.0, 1);
	ASSERT_EQ(vgw_runtime_cycles_per_pkt(&s) == 0.0, 1);

	struct vgw_runtime r = {.busy_cycles = 300, .idle_cycles = 100};
	ASSERT_EQ(vgw_runtime_busy_pct(&r) == 75.0, 1);
	r = (struct vgw_runtime){.busy_cycles = 0, .idle_cycles = 200};
	ASSERT_EQ(vgw_runtime_busy_pct(&r) == 0.0, 1);
	r = (struct vgw_runtime){.busy_cycles = 5, .idle_cycles = 0};
	ASSERT_EQ(vgw_runtime_busy_pct(&r) == 100.0, 1);
	r = (struct vgw_runtime){0};
	ASSERT_EQ(vgw_runtime_busy_pct(&r) == 0.0, 1);
	/* busy + idle beyond 64 bits: still a share, not a wrapped sum */
	r = (struct vgw_runtime){.busy_cycles = UINT64_MAX, .idle_cycles = UINT64_MAX};
	ASSERT_EQ(vgw_runtime_busy_pct(&r) == 50.0, 1);
}

static void test_show_text(void)
{
	reset();
	fill();
	ASSERT_EQ(run("show runtime", false), 0);
	ASSERT_STR(out.data, "tsc_hz: 0\n"
			     "worker 0:\n"
			     "  lcore: 3\n"
			     "  loops: 100\n"
			     "  busy_cycles: 300\n"
			     "  idle_cycles: 100\n"
			     "  sleeps: 0\n"
			     "  busy_pct: 75.00\n"
			     "  STAGE     CALLS  PACKETS  CYCLES  PKTS_PER_CALL  CYCLES_PER_PKT\n"
			     "  classify  4      128      4096    32.00          32.00\n"
			     "  eip-in    2      3        1000    1.50           333.33\n"
			     "worker 1:\n"
			     "  lcore: 5\n"
			     "  loops: 50\n"
			     "  busy_cycles: 0\n"
			     "  idle_cycles: 200\n"
			     "  sleeps: 0\n"
			     "  busy_pct: 0.00\n"
			     "  STAGE       CALLS  PACKETS  CYCLES  PKTS_PER_CALL  CYCLES_PER_PKT\n"
			     "  classify    1      1        50      1.00           50.00\n"
			     "  tunnel-out  3      0        30      0.00           0.00\n"
			     "total:\n"
			     "  workers: 2\n"
			     "  loops: 150\n"
			     "  busy_cycles: 300\n"
			     "  idle_cycles: 300\n"
			     "  sleeps: 0\n"
			     "  busy_pct: 50.00\n"
			     "  STAGE       CALLS  PACKETS  CYCLES  PKTS_PER_CALL  CYCLES_PER_PKT\n"
			     "  classify    5      129      4146    25.80          32.14\n"
			     "  eip-in      2      3        1000    1.50           333.33\n"
			     "  tunnel-out  3      0        30      0.00           0.00\n");

	/* after a clear: nothing ran, so no stage rows, and no division by 0 */
	ASSERT_EQ(run("runtime clear", false), 0);
	ASSERT_EQ(run("show runtime", false), 0);
	ASSERT_STR(out.data, "tsc_hz: 0\n"
			     "worker 0:\n"
			     "  lcore: 3\n"
			     "  loops: 0\n"
			     "  busy_cycles: 0\n"
			     "  idle_cycles: 0\n"
			     "  sleeps: 0\n"
			     "  busy_pct: 0.00\n"
			     "worker 1:\n"
			     "  lcore: 5\n"
			     "  loops: 0\n"
			     "  busy_cycles: 0\n"
			     "  idle_cycles: 0\n"
			     "  sleeps: 0\n"
			     "  busy_pct: 0.00\n"
			     "total:\n"
			     "  workers: 2\n"
			     "  loops: 0\n"
			     "  busy_cycles: 0\n"
			     "  idle_cycles: 0\n"
			     "  sleeps: 0\n"
			     "  busy_pct: 0.00\n");
}

static void test_show_json(void)
{
	reset();
	fill();
	ASSERT_EQ(run("show runtime", true), 0);
	ASSERT_STR(out.data,
		   "{\"tsc_hz\":0,\"workers\":["
		   "{\"worker\":0,\"lcore\":3,\"loops\":100,\"busy_cycles\":300,\"idle_cycles\":100,"
		   "\"sleeps\":0,\"busy_pct\":75.00,\"stages\":["
		   "{\"stage\":\"classify\",\"calls\":4,\"packets\":128,\"cycles\":4096,"
		   "\"pkts_per_call\":32.00,\"cycles_per_pkt\":32.00},"
		   "{\"stage\":\"eip-in\",\"calls\":2,\"packets\":3,\"cycles\":1000,"
		   "\"pkts_per_call\":1.50,\"cycles_per_pkt\":333.33}]},"
		   "{\"worker\":1,\"lcore\":5,\"loops\":50,\"busy_cycles\":0,\"idle_cycles\":200,"
		   "\"sleeps\":0,\"busy_pct\":0.00,\"stages\":["
		   "{\"stage\":\"classify\",\"calls\":1,\"packets\":1,\"cycles\":50,"
		   "\"pkts_per_call\":1.00,\"cycles_per_pkt\":50.00},"
		   "{\"stage\":\"tunnel-out\",\"calls\":3,\"packets\":0,\"cycles\":30,"
		   "\"pkts_per_call\":0.00,\"cycles_per_pkt\":0.00}]}],"
		   "\"total\":{\"workers\":2,\"loops\":150,\"busy_cycles\":300,\"idle_cycles\":300,"
		   "\"sleeps\":0,\"busy_pct\":50.00,\"stages\":["
		   "{\"stage\":\"classify\",\"calls\":5,\"packets\":129,\"cycles\":4146,"
		   "\"pkts_per_call\":25.80,\"cycles_per_pkt\":32.14},"
		   "{\"stage\":\"eip-in\",\"calls\":2,\"packets\":3,\"cycles\":1000,"
		   "\"pkts_per_call\":1.50,\"cycles_per_pkt\":333.33},"
		   "{\"stage\":\"tunnel-out\",\"calls\":3,\"packets\":0,\"cycles\":30,"
		   "\"pkts_per_call\":0.00,\"cycles_per_pkt\":0.00}]}}\n");

	reset();
	ASSERT_EQ(run("show runtime", true), 0);
	ASSERT_STR(out.data,
		   "{\"tsc_hz\":0,\"workers\":["
		   "{\"worker\":0,\"lcore\":3,\"loops\":0,\"busy_cycles\":0,\"idle_cycles\":0,"
		   "\"sleeps\":0,\"busy_pct\":0.00,\"stages\":[]},"
		   "{\"worker\":1,\"lcore\":5,\"loops\":0,\"busy_cycles\":0,\"idle_cycles\":0,"
		   "\"sleeps\":0,\"busy_pct\":0.00,\"stages\":[]}],"
		   "\"total\":{\"workers\":2,\"loops\":0,\"busy_cycles\":0,\"idle_cycles\":0,"
		   "\"sleeps\":0,\"busy_pct\":0.00,\"stages\":[]}}\n");
}

static void test_refused(void)
{
	reset();
	fill();
	ASSERT_EQ(run("show runtime bogus", false), -1);
	ASSERT_STR(err, "too many arguments: usage: show runtime");
	ASSERT_EQ(out.len, 0);
	ASSERT_EQ(run("show runtime worker 1", true), -1);
	ASSERT_STR(err, "too many arguments: usage: show runtime");
	ASSERT_EQ(run("runtime clear bogus", false), -1);
	ASSERT_STR(err, "too many arguments: usage: runtime clear");
	/* the refused clear set no baseline */
	struct vgw_runtime r;
	vgw_runtime_stats_total(&r);
	ASSERT_EQ(r.loops, 150);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"sum over workers", test_sum},
		{"runtime clear: reader-side baseline", test_clear},
		{"ratios, divisors of 0", test_ratios},
		{"show runtime text", test_show_text},
		{"show runtime JSON", test_show_json},
		{"extra arguments refused", test_refused},
	};
	vgw_buf_init(&out);
	int rc = unit_run("runtime", tests, sizeof(tests) / sizeof(tests[0]));
	vgw_buf_free(&out);
	return rc;
}
