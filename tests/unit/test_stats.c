/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_stats.c - `show stats` as a script sees it (lib/stats): the first
 * call has no rate (null), the next has one over the time between them,
 * per worker and per port; `stats clear` sets the baseline and cleared_at
 * and changes no rate (rates come from the totals); the filters (PORT,
 * worker N) narrow the answer, unknown ones are refused; and the pure rate
 * function never divides by zero nor goes negative.
 */
#include <stdlib.h>

#include "gw_fixture.h"

#define STARTS(s, prefix) (strncmp((s), (prefix), strlen(prefix)) == 0)
#include "stats/stats.h"

/* `line` in JSON (or text); the output, or NULL when refused (err set). */
static char *run(const char *line, bool json)
{
	struct vgw_buf b;
	vgw_buf_init(&b);
	if (vgw_cli_exec(line, json, &b, err) < 0) {
		vgw_buf_free(&b);
		return NULL;
	}
	if (!b.data)
		vgw_buf_puts(&b, "");
	return b.data;
}

static void test_rate(void)
{
	ASSERT_EQ(vgw_stats_rate(300, 100, 2.0), 100.0);
	ASSERT_EQ(vgw_stats_rate(100, 300, 2.0), 0.0); /* went down: a device reset */
	ASSERT_EQ(vgw_stats_rate(300, 100, 0.0), 0.0);
	ASSERT_EQ(vgw_stats_rate(300, 100, -1.0), 0.0);
}

static void test_show_stats(void)
{
	vgw_gw.n_workers = 2;
	vgw_gw.workers[0].lcore = 1;
	vgw_gw.workers[1].lcore = 2;
	vgw_gw.workers[1].stats[0].rx = 10;
	char *s = run("show stats", true);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT(STARTS(s, "{\"cleared_at\":null,\"rate_interval_ms\":null,"));
	CU_ASSERT(strstr(s, "\"rx_pps\":null") != NULL);
	CU_ASSERT(strstr(s, "\"workers\":[{\"worker\":0,\"lcore\":1,\"rx\":0,") != NULL);
	CU_ASSERT(strstr(s, "{\"worker\":1,\"lcore\":2,\"rx\":10,\"tx\":0,\"dropped\":0,") != NULL);
	free(s);
	s = run("show stats", false);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT(strstr(s, "rate_interval_ms: -\n") == NULL); /* the second call */
	CU_ASSERT(strstr(s, "RX_PPS") != NULL && strstr(s, "WORKER  LCORE") != NULL);
	free(s);
	rte_delay_ms(20);
	vgw_gw.workers[1].stats[0].rx = 30;
	vgw_gw.workers[1].stats[0].drop[VGW_DROP_NO_ROUTE] = 5;
	vgw_stats_clear_at(1700000000); /* no effect on rates */
	s = run("show stats", true);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT(STARTS(s, "{\"cleared_at\":\"2023-11-14T22:13:20Z\",\"rate_interval_ms\":"));
	double ms = 0, pps = 0;
	const char *p = strstr(s, "\"rate_interval_ms\":");
	CU_ASSERT_FATAL(p != NULL);
	ms = strtod(p + 19, NULL);
	CU_ASSERT(ms >= 19.0 && ms < 5000.0);
	p = strstr(s, "{\"worker\":1,\"lcore\":2,\"rx\":0,\"tx\":0,\"dropped\":0,\"rx_pps\":");
	CU_ASSERT_FATAL(p != NULL);
	pps = strtod(strstr(p, "\"rx_pps\":") + 9, NULL);
	/* 20 packets over ms milliseconds (both rounded to two decimals) */
	CU_ASSERT(pps > 0.99 * 20000.0 / ms && pps < 1.01 * 20000.0 / ms);
	free(s);
	vgw_gw.n_workers = 0;
	memset(vgw_gw.workers, 0, sizeof(vgw_gw.workers[0]) * 2);
}

static void test_filters(void)
{
	vgw_gw.n_workers = 1;
	char *s = run("show stats p1", true);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT(strstr(s, "\"name\":\"p1\"") && !strstr(s, "\"name\":\"p0\""));
	CU_ASSERT(!strstr(s, "\"workers\"") && !strstr(s, "\"slowpath\""));
	free(s);
	s = run("show stats all worker 0", true);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT(strstr(s, "\"workers\":[{\"worker\":0,") && !strstr(s, "\"ports\""));
	free(s);
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{"show stats p9", "not 'p9'"},
		{"show stats worker 1", "no worker '1' (workers 0-0)"},
		{"show stats worker", "needs a worker number"},
		{"show stats p0 p1", "unexpected 'p1'"},
		{"show stats all all", "not 'all'"},
		{"show stats p0 worker 0 x", "too many arguments"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = run(bad[i].line, false);
		CU_ASSERT(s == NULL);
		if (!strstr(err, bad[i].msg))
			fprintf(stderr, "\n  %s: '%s', want '%s'", bad[i].line, err, bad[i].msg);
		CU_ASSERT(strstr(err, bad[i].msg) != NULL);
		free(s);
	}
	vgw_gw.n_workers = 0;
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"rate: per second, 0 for no interval or a counter gone down", test_rate},
		{"show stats: no rate first, then rates; clear sets cleared_at only", test_show_stats},
		{"show stats PORT / worker N, and refusals", test_filters},
	};
	return unit_eal_run("stats", tests, sizeof(tests) / sizeof(tests[0]));
}
