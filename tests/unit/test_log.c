/*
 * test_log.c - vgw's log (lib/core/log.h, lib/log): the line format, the
 * levels, the types, the `log` setting and commands. No EAL: DPDK's log
 * works without it, and vgw's types are registered by constructors.
 *
 *  - the prefix: ISO-8601 UTC with milliseconds, then the level name;
 *  - the stream: each line of a message gets the prefix (a message of two
 *    lines: two prefixes; a message without '\n' continues the line), the
 *    type's name follows; journal output: `<N>` prefixes, no time; syslog:
 *    one call per line, priority from the level;
 *  - levels: the eight names parse and print back; anything else refused;
 *  - types: every vgw.NAME is registered, found by id; a glob sets the
 *    level of what it matches only;
 *  - the `log-output` setting: stderr or syslog, printed back;
 *  - `log level` (a command, vgwctl and the startup file's command part):
 *    bad TYPE or LEVEL refused with a message naming what is allowed; `show
 *    log` shows the change (text and JSON); running-config prints the lines
 *    that rebuild the levels, the covered ones dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "conf/settings.h"
#include "core/log.h"
#include "core/module.h"
#include "core/ratelog.h"
#include "log/log_conf.h"
#include "unit.h"

static char err[VGW_ERR_LEN];
static struct vgw_buf out;

static int run(const char *line, bool json)
{
	vgw_buf_reset(&out);
	err[0] = '\0';
	return vgw_cli_exec(line, json, &out, err);
}

/* 2026-12-05T08:22:06.123Z */
static void fixed_clock(struct timespec *t)
{
	t->tv_sec = 1796458926;
	t->tv_nsec = 123456789;
}

/* What the stream of output o wrote while fn ran (malloc'ed). */
static char *capture(enum vgw_log_output o, void (*fn)(void))
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	CU_ASSERT_FATAL(mem != NULL);
	FILE *s = vgw_log_stream_new(o, mem, fixed_clock);
	CU_ASSERT_FATAL(s != NULL);
	rte_openlog_stream(s);
	fn();
	rte_openlog_stream(NULL);
	fclose(s);
	fclose(mem);
	return text;
}

static void test_prefix(void)
{
	char b[64];
	struct timespec t;
	fixed_clock(&t);
	ASSERT_EQ(vgw_log_prefix(b, sizeof(b), &t, RTE_LOG_NOTICE), 32);
	ASSERT_STR(b, "2026-12-05T08:22:06.123Z notice ");
	t.tv_sec = 0;
	t.tv_nsec = 999999999;
	vgw_log_prefix(b, sizeof(b), &t, RTE_LOG_DEBUG);
	ASSERT_STR(b, "1970-01-01T00:00:00.999Z debug ");
	t.tv_nsec = 1000000;
	vgw_log_prefix(b, sizeof(b), &t, 0);
	ASSERT_STR(b, "1970-01-01T00:00:00.001Z - ");
	/* truncated, still a string */
	ASSERT_EQ(vgw_log_prefix(b, 5, &t, RTE_LOG_ERR), 4);
	ASSERT_STR(b, "1970");
}

static void lines(void)
{
	VGW_LOG(NOTICE, lb, "health: 10.0.0.5:80 is up\n");
	VGW_LOG(WARNING, ctl, "two\nlines\n");
	VGW_LOG(ERR, neigh, "no end ");
	VGW_LOG(ERR, neigh, "then the end\n");
	RTE_LOG(INFO, EAL, "DPDK's own\n");
	VGW_LOG(DEBUG, core, "below the level: not written\n");
}

static void test_stream(void)
{
	rte_log_set_level((uint32_t)vgw_logtype_core, RTE_LOG_INFO);
	rte_log_set_level(RTE_LOGTYPE_EAL, RTE_LOG_INFO);
	char *t = capture(VGW_LOG_STDERR, lines);
	ASSERT_STR(t, "2026-12-05T08:22:06.123Z notice vgw.lb: health: 10.0.0.5:80 is up\n"
		      "2026-12-05T08:22:06.123Z warning vgw.ctl: two\n"
		      "2026-12-05T08:22:06.123Z warning lines\n"
		      "2026-12-05T08:22:06.123Z err vgw.neigh: no end vgw.neigh: then the end\n"
		      "2026-12-05T08:22:06.123Z info EAL: DPDK's own\n");
	free(t);
	t = capture(VGW_LOG_JOURNAL, lines);
	ASSERT_STR(t, "<5>vgw.lb: health: 10.0.0.5:80 is up\n"
		      "<4>vgw.ctl: two\n"
		      "<4>lines\n"
		      "<3>vgw.neigh: no end vgw.neigh: then the end\n"
		      "<6>EAL: DPDK's own\n");
	free(t);
	/* syslog: one call per line, priority LOG_* (level - 1), no stamp */
	t = capture(VGW_LOG_SYSLOG, lines);
	ASSERT_STR(t, "syslog 5 vgw.lb: health: 10.0.0.5:80 is up\n"
		      "syslog 4 vgw.ctl: two\n"
		      "syslog 4 lines\n"
		      "syslog 3 vgw.neigh: no end vgw.neigh: then the end\n"
		      "syslog 6 EAL: DPDK's own\n");
	free(t);
}

static void test_levels(void)
{
	static const char *const names[] = {"emerg", "alert",  "crit", "err",
					    "warning", "notice", "info", "debug"};
	for (int i = 0; i < 8; i++) {
		ASSERT_EQ(vgw_log_level_parse(names[i]), i + 1);
		ASSERT_STR(vgw_log_level_name(i + 1), names[i]);
	}
	static const char *const bad[] = {"", "warn", "DEBUG", "8", "error", "debug ", "info2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT_EQ(vgw_log_level_parse(bad[i]), -1);
	CU_ASSERT(vgw_log_level_name(0) == NULL);
	CU_ASSERT(vgw_log_level_name(9) == NULL);
}

struct find {
	const char *name;
	int id;
};

static bool find_type(void *arg, int id, const char *name)
{
	struct find *f = arg;
	if (strcmp(name, f->name) != 0)
		return true;
	f->id = id;
	return false;
}

static int type_id(const char *name)
{
	struct find f = {name, -1};
	vgw_log_types(find_type, &f);
	return f.id;
}

static void test_types(void)
{
#define CHECK_TYPE(n) ASSERT_EQ(type_id("vgw." #n), vgw_logtype_##n);
	VGW_LOG_TYPES(CHECK_TYPE)
#undef CHECK_TYPE
	ASSERT_EQ(type_id("lib.eal"), RTE_LOGTYPE_EAL);
	ASSERT_EQ(type_id("vgw.nope"), -1);
	/* a glob sets what it matches, nothing else */
	rte_log_set_level((uint32_t)vgw_logtype_lb, RTE_LOG_INFO);
	rte_log_set_level((uint32_t)vgw_logtype_core, RTE_LOG_INFO);
	CU_ASSERT(vgw_log_set_level("vgw.l?", RTE_LOG_DEBUG) >= 1);
	ASSERT_EQ(rte_log_get_level((uint32_t)vgw_logtype_lb), RTE_LOG_DEBUG);
	ASSERT_EQ(rte_log_get_level((uint32_t)vgw_logtype_core), RTE_LOG_INFO);
	ASSERT_EQ(vgw_log_set_level("nothing.*", RTE_LOG_DEBUG), 0);
	/* patterns a user may give */
	CU_ASSERT(vgw_log_check_pattern("vgw.*", err) == 0);
	CU_ASSERT(vgw_log_check_pattern("pmd.net.tap", err) == 0);
	CU_ASSERT(vgw_log_check_pattern("vgw.[lc]*", err) == 0);
	static const char *const bad[] = {"", "vgw lb", "vgw;lb", "vgw/lb",
					  "a123456789a123456789a123456789a123456789a123456789a1234567"
					  "890123"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(vgw_log_check_pattern(bad[i], err), -1);
		ASSERT_CONTAINS(err, "bad log type");
	}
}

/* A counter the workers move, logged by the slow path at most once per
 * interval, with how much it moved. */
static void countlog_calls(void)
{
	struct vgw_countlog c = VGW_COUNTLOG_INIT(snat, WARNING, 10000, "ports exhausted");
	CU_ASSERT(!vgw_countlog(&c, 1000, 0));   /* not moved */
	CU_ASSERT(vgw_countlog(&c, 1000, 5));    /* moved: at once */
	CU_ASSERT(!vgw_countlog(&c, 2000, 900)); /* within 10 s: counted on */
	CU_ASSERT(!vgw_countlog(&c, 10999, 1000));
	CU_ASSERT(vgw_countlog(&c, 11000, 1000)); /* 995 since the last line */
	CU_ASSERT(!vgw_countlog(&c, 30000, 1000)); /* quiet: no line */
	CU_ASSERT(vgw_countlog(&c, 30001, 1001)); /* at once after quiet */
	CU_ASSERT(!vgw_countlog(&c, 35000, 3)); /* cleared below: from 0 */
	CU_ASSERT(vgw_countlog(&c, 40001, 3));
}

/* A line per event, VGW_RATELOG_PER_S a second, then the count suppressed. */
static void ratelog_calls(void)
{
	struct vgw_ratelog r = {.what = "health"};
	VGW_RATELOG_TYPE(&r, lb);
	for (int i = 0; i < VGW_RATELOG_PER_S + 3; i++)
		vgw_ratelog_at(&r, 7, RTE_LOG_NOTICE, "a backend is up");
	vgw_ratelog(&r, 8, "next second");
}

static void test_bounded(void)
{
	rte_log_set_level((uint32_t)vgw_logtype_snat, RTE_LOG_INFO);
	rte_log_set_level((uint32_t)vgw_logtype_lb, RTE_LOG_INFO);
	char *t = capture(VGW_LOG_STDERR, countlog_calls);
	ASSERT_STR(t, "2026-12-05T08:22:06.123Z warning vgw.snat: 5 ports exhausted\n"
		      "2026-12-05T08:22:06.123Z warning vgw.snat: 995 ports exhausted\n"
		      "2026-12-05T08:22:06.123Z warning vgw.snat: 1 ports exhausted\n"
		      "2026-12-05T08:22:06.123Z warning vgw.snat: 3 ports exhausted\n");
	free(t);
	t = capture(VGW_LOG_JOURNAL, ratelog_calls);
	char want[2048] = "";
	for (int i = 0; i < VGW_RATELOG_PER_S; i++)
		strcat(want, "<5>vgw.lb: health: a backend is up\n");
	strcat(want, "<4>vgw.lb: health: 3 similar lines suppressed\n"
		     "<4>vgw.lb: health: next second\n");
	ASSERT_STR(t, want);
	free(t);
}

/* `log ...` lines as the loader gives them */
static int setting(const char *line)
{
	char copy[256], *argv[8];
	snprintf(copy, sizeof(copy), "%s", line);
	int argc = vgw_cli_tokenize(copy, argv, 8);
	err[0] = '\0';
	return vgw_settings_line(argc, argv, err);
}

static void test_setting(void)
{
	vgw_settings_reset();
	CU_ASSERT(vgw_settings_is_setting("log-output"));
	CU_ASSERT(!vgw_settings_is_setting("log")); /* `log level` is a command */
	ASSERT_EQ(setting("log-output syslog"), 0);
	CU_ASSERT(vgw_log_conf.syslog);
	struct vgw_buf b;
	vgw_buf_init(&b);
	vgw_settings_running_config(&b);
	ASSERT_CONTAINS(b.data, "\nlog-output syslog\n");
	vgw_buf_free(&b);
	ASSERT_EQ(setting("log-output stderr"), 0);
	CU_ASSERT(!vgw_log_conf.syslog);
	ASSERT_EQ(setting("log-output journal"), -1);
	ASSERT_STR(err, "log-output: expected stderr or syslog");
	ASSERT_EQ(setting("log-output"), -1);
	ASSERT_EQ(setting("log-output syslog now"), -1);
	ASSERT_EQ(setting("log-output syslog"), 0);
	vgw_settings_reset();
	CU_ASSERT(!vgw_log_conf.syslog);
}

/* show running-config's commands (log module's part) */
static void commands(struct vgw_buf *b)
{
	vgw_buf_reset(b);
	VGW_FOREACH_MODULE(m)
		if (strcmp(m->name, "log") == 0)
			m->running_config(b);
}

static void test_command(void)
{
	vgw_log_conf.n = 0;
	rte_log_set_level((uint32_t)vgw_logtype_lb, RTE_LOG_INFO);
	ASSERT_EQ(run("show log", false), 0);
	ASSERT_CONTAINS(out.data, "vgw.lb        info");
	ASSERT_EQ(run("log level vgw.lb debug", false), 0);
	ASSERT_EQ(rte_log_get_level((uint32_t)vgw_logtype_lb), RTE_LOG_DEBUG);
	ASSERT_EQ(run("show log", false), 0);
	ASSERT_CONTAINS(out.data, "output: stderr\n");
	ASSERT_CONTAINS(out.data, "TYPE          LEVEL\n");
	ASSERT_CONTAINS(out.data, "vgw.lb        debug\n");
	CU_ASSERT(strstr(out.data, "\nlib.eal ") == NULL); /* ours only */
	ASSERT_EQ(run("show log", true), 0);
	ASSERT_CONTAINS(out.data, "{\"type\":\"vgw.lb\",\"level\":\"debug\"}");
	ASSERT_EQ(run("show log all", true), 0);
	ASSERT_CONTAINS(out.data, "{\"type\":\"lib.eal\",");
	ASSERT_EQ(run("show log some", false), -1);
	ASSERT_STR(err, "show log: expected 'all' or nothing, not 'some'");

	ASSERT_EQ(run("log level vgw.lb loud", false), -1);
	ASSERT_STR(err, "bad log level 'loud': expected "
			"emerg|alert|crit|err|warning|notice|info|debug");
	ASSERT_EQ(run("log level vgw.nope debug", false), -1);
	ASSERT_STR(err, "no log type matches 'vgw.nope' (`show log all` lists them)");
	ASSERT_EQ(run("log level pmd.net.nope debug", false), -1);
	ASSERT_EQ(run("log level vgw;lb debug", false), -1);
	ASSERT_CONTAINS(err, "bad log type 'vgw;lb'");
	ASSERT_EQ(run("log level vgw.lb", false), -1);
	ASSERT_EQ(rte_log_get_level((uint32_t)vgw_logtype_lb), RTE_LOG_DEBUG);

	/* running-config: the lines that rebuild the levels; a glob drops
	 * the lines it covers, a repeated pattern keeps its last level */
	ASSERT_EQ(run("log level vgw.ctl err", false), 0);
	ASSERT_EQ(run("log level lib.eal notice", false), 0);
	struct vgw_buf b;
	vgw_buf_init(&b);
	commands(&b);
	ASSERT_STR(b.data, "log level vgw.lb debug\nlog level vgw.ctl err\n"
			   "log level lib.eal notice\n");
	ASSERT_EQ(run("log level vgw.* info", false), 0);
	ASSERT_EQ(run("log level lib.eal info", false), 0);
	ASSERT_EQ(rte_log_get_level((uint32_t)vgw_logtype_lb), RTE_LOG_INFO);
	commands(&b);
	ASSERT_STR(b.data, "log level vgw.* info\nlog level lib.eal info\n");
	vgw_buf_free(&b);
	/* the list is bounded */
	char line[64];
	int rc = 0;
	for (int i = 0; i < VGW_LOG_MAX_LEVELS && rc == 0; i++) {
		snprintf(line, sizeof(line), "log level vgw.l[b%d] info", i);
		rc = run(line, false);
	}
	ASSERT_EQ(rc, -1);
	ASSERT_CONTAINS(err, "too many log level lines");
	/* refused whole: the level did not change */
	rte_log_set_level((uint32_t)vgw_logtype_lb, RTE_LOG_INFO);
	ASSERT_EQ(run("log level vgw.lb debug", false), -1);
	ASSERT_EQ(rte_log_get_level((uint32_t)vgw_logtype_lb), RTE_LOG_INFO);
	vgw_log_conf.n = 0;
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"prefix: UTC time with milliseconds, level", test_prefix},
		{"stream: every line stamped, type names, journal, syslog", test_stream},
		{"level names", test_levels},
		{"bounded lines: countlog, ratelog", test_bounded},
		{"types: registered, globs", test_types},
		{"log-output setting", test_setting},
		{"log level, show log, running-config", test_command},
	};
	vgw_buf_init(&out);
	int rc = unit_run("log", tests, sizeof(tests) / sizeof(tests[0]));
	vgw_buf_free(&out);
	return rc;
}
