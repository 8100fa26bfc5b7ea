/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_metrics.c - the Prometheus exposition formatter (lib/metrics):
 * every family has one HELP and one TYPE line before its samples, counters
 * end in _total, every sample line is NAME{LABELS} VALUE with quoted label
 * values, and the counters are the workers' totals (a `stats clear`
 * baseline does not reach them, its time is a gauge of its own); the
 * device counters, conntrack evictions, and the tables by kind (neighbours
 * by state, routes by source, announcements by state) are there, every
 * label value even at 0.
 */
#include <regex.h>
#include <stdlib.h>

#include "gw_fixture.h"
#include "metrics/metrics.h"
#include "stats/stats.h"

static char *render(void)
{
	struct vgw_buf b;
	vgw_buf_init(&b);
	vgw_metrics_render(&b, 1700000000);
	CU_ASSERT_FATAL(b.data != NULL && !b.oom);
	return b.data;
}

static void test_shape(void)
{
	char *text = render();
	regex_t sample, help, type;
	CU_ASSERT_FATAL(regcomp(&sample,
				"^[a-z_][a-z0-9_]*(\\{[a-z_]+=\"[^\"\\\\]*\"(,[a-z_]+=\"[^\"\\\\]*\")*\\})? "
				"-?[0-9]+(\\.[0-9]+)?$",
				REG_EXTENDED | REG_NOSUB) == 0);
	CU_ASSERT_FATAL(regcomp(&help, "^# HELP [a-z_][a-z0-9_]* .+$", REG_EXTENDED | REG_NOSUB) == 0);
	CU_ASSERT_FATAL(regcomp(&type, "^# TYPE ([a-z_][a-z0-9_]*) (counter|gauge)$",
				REG_EXTENDED | REG_NOSUB) == 0);
	char family[128] = "", kind[16] = "";
	int families = 0, samples = 0, bad = 0;
	char seen[64][128];
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "# HELP ", 7) == 0) {
			bad += regexec(&help, l, 0, NULL, 0) != 0;
			continue;
		}
		if (strncmp(l, "# TYPE ", 7) == 0) {
			bad += regexec(&type, l, 0, NULL, 0) != 0;
			sscanf(l, "# TYPE %127s %15s", family, kind);
			for (int i = 0; i < families; i++)
				bad += strcmp(seen[i], family) == 0; /* one TYPE a family */
			if (families < 64)
				snprintf(seen[families++], sizeof(seen[0]), "%s", family);
			/* counters, and only they, end in _total */
			size_t n = strlen(family);
			bool total = n > 6 && strcmp(family + n - 6, "_total") == 0;
			bad += total != (strcmp(kind, "counter") == 0);
			continue;
		}
		samples++;
		if (regexec(&sample, l, 0, NULL, 0) != 0 ||
		    strncmp(l, family, strlen(family)) != 0) {
			fprintf(stderr, "\n  bad line: %s (family %s)", l, family);
			bad++;
		}
	}
	ASSERT_EQ(bad, 0);
	CU_ASSERT(families >= 8);
	CU_ASSERT(samples >= 2 * vgw_drop_n);
	regfree(&sample);
	regfree(&help);
	regfree(&type);
	free(text);
}

static void test_totals(void)
{
	/* one worker with counts on p0 */
	vgw_gw.n_workers = 1;
	vgw_gw.workers[0].stats[0].rx = 100;
	vgw_gw.workers[0].stats[0].drop[VGW_DROP_NO_ROUTE] = 60;
	vgw_stats_clear_at(1700000100); /* show stats' baseline: not the scraper's */
	char *text = render();
	CU_ASSERT(strstr(text, "vgw_port_rx_packets_total{port=\"p0\"} 100\n") != NULL);
	CU_ASSERT(strstr(text, "vgw_port_drops_total{port=\"p0\",reason=\"no_route\"} 60\n") != NULL);
	CU_ASSERT(strstr(text, "vgw_process_start_time_seconds 1700000000\n") != NULL);
	CU_ASSERT(strstr(text, "vgw_stats_cleared_timestamp_seconds 1700000100\n") != NULL);
	struct vgw_port_stats s;
	vgw_stats_port(0, &s);
	ASSERT_EQ(s.rx, 0); /* while show stats starts again from 0 */
	free(text);
	vgw_gw.n_workers = 0;
	memset(vgw_gw.workers, 0, sizeof(vgw_gw.workers[0]));
}

/* The families added for "see what the gateway does": each present with its
 * HELP and TYPE and every label value, whatever the tables hold. */
static void test_families(void)
{
	vgw_stats_clear_at(0);
	char *text = render();
	static const char *const want[] = {
		"# TYPE vgw_stats_cleared_timestamp_seconds gauge\n",
		"vgw_stats_cleared_timestamp_seconds 0\n",
		"# TYPE vgw_port_rx_bytes_total counter\n", "vgw_port_rx_bytes_total{port=\"p0\"} ",
		"# TYPE vgw_port_tx_bytes_total counter\n", "vgw_port_tx_bytes_total{port=\"p0\"} ",
		"# TYPE vgw_port_rx_errors_total counter\n", "vgw_port_rx_errors_total{port=\"p0\"} ",
		"# TYPE vgw_port_tx_errors_total counter\n", "vgw_port_tx_errors_total{port=\"p0\"} ",
		"# TYPE vgw_port_rx_missed_total counter\n", "vgw_port_rx_missed_total{port=\"p0\"} ",
		"# TYPE vgw_port_rx_nombuf_total counter\n", "vgw_port_rx_nombuf_total{port=\"p0\"} ",
		"# TYPE vgw_conntrack_evicted_total counter\n",
		"# TYPE vgw_conntrack_full_total counter\n",
		"# TYPE vgw_neighbours gauge\n",
		"vgw_neighbours{state=\"incomplete\"} ", "vgw_neighbours{state=\"reachable\"} ",
		"vgw_neighbours{state=\"stale\"} ", "vgw_neighbours{state=\"static\"} ",
		"vgw_neighbours{state=\"kernel\"} ",
		"# TYPE vgw_routes gauge\n",
		"vgw_routes{source=\"local\"} ", "vgw_routes{source=\"connected\"} ",
		"vgw_routes{source=\"static\"} ", "vgw_routes{source=\"kernel\"} ",
		"# TYPE vgw_announcements gauge\n",
		"vgw_announcements{state=\"announced\"} 0\n",
		"vgw_announcements{state=\"withdrawn\"} 0\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(text, want[i])) {
			fprintf(stderr, "\n  missing: %s", want[i]);
			CU_FAIL("a metric family or series is missing");
		}
	free(text);
}

int main(void)
{
	(void)err; /* gw_fixture.h's, for the suites that build tables */
	static const struct unit_test tests[] = {
		{"exposition: one HELP and TYPE a family, well-formed samples", test_shape},
		{"counters are totals since start, not show stats' baseline", test_totals},
		{"device counters, conntrack, tables by kind, the clear time", test_families},
	};
	return unit_eal_run("metrics", tests, sizeof(tests) / sizeof(tests[0]));
}
