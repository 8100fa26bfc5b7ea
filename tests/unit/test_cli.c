/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_cli.c - CUnit tests of lib/cli (the command registry and dispatcher).
 *
 * Proves:
 *  - vgw_cli_tokenize splits on blanks/tabs/CR/LF, treats '#' at the start of
 *    a word as a comment (and only there), and returns -1 past max words;
 *  - vgw_cli_next visits every entry of the module tables exactly once,
 *    and every entry is well formed (words, args, help, min <= max, handler,
 *    no two commands with the same words);
 *  - vgw_cli_lookup picks the command whose words all match (the longest
 *    one) and reports where its arguments start;
 *  - vgw_cli_exec: empty/comment lines succeed with no output; exact error
 *    messages for an unknown command, a missing argument, too many
 *    arguments, too many words and a line of 4096 bytes or more (4095 is
 *    accepted); handler argument errors come back with an empty output;
 *    "help" and "show version" give exact text and JSON;
 *  - vgw_cli_kv fills the values of the keys given, and refuses an unknown
 *    key, a repeated key, a key without a value and a missing required key
 *    with exact messages;
 *  - vgw_cli_resolve: unique prefixes (vgwctl) and exact words (startup
 *    file), an exact word winning over a longer one, ambiguity listing the
 *    candidates, incomplete commands listing the next words, did-you-mean
 *    within 2 edits; vgw_cli_read_only follows prefixes;
 *  - vgw_cli_complete: next command words with their help, argument
 *    keywords, object names (ports), refusals as vgw_cli_resolve's;
 *  - every registered command is in the generated vgwctl(8) (argv[2]);
 *  - every registered command is documented: doc/cli.md (path given as
 *    argv[1] by meson) contains "`WORDS ARGS`" (or "`WORDS`" without args)
 *    for each of them. This test fails when the file is missing.
 * Needs no EAL and no gateway state: only commands that fail before
 * touching state, and state-free commands, are executed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_version.h>

#include "cli/cli.h"
#include "core/gw.h"
#include "core/module.h"
#include "unit.h"
#include "vgw_version.h"

static const char *doc_path, *man_path;

static void test_tokenize(void)
{
	char *w[8];
	char l1[] = "route add 10.0.0.0/8 via 10.1.0.2";
	ASSERT_EQ(vgw_cli_tokenize(l1, w, 8), 5);
	ASSERT_STR(w[0], "route");
	ASSERT_STR(w[1], "add");
	ASSERT_STR(w[2], "10.0.0.0/8");
	ASSERT_STR(w[3], "via");
	ASSERT_STR(w[4], "10.1.0.2");

	char l2[] = " \t show\troute  \r\n";
	ASSERT_EQ(vgw_cli_tokenize(l2, w, 8), 2);
	ASSERT_STR(w[0], "show");
	ASSERT_STR(w[1], "route");

	char l3[] = "# a comment line";
	ASSERT_EQ(vgw_cli_tokenize(l3, w, 8), 0);
	char l4[] = "   \t#comment";
	ASSERT_EQ(vgw_cli_tokenize(l4, w, 8), 0);
	char l5[] = "";
	ASSERT_EQ(vgw_cli_tokenize(l5, w, 8), 0);
	char l6[] = " \t\r\n ";
	ASSERT_EQ(vgw_cli_tokenize(l6, w, 8), 0);

	char l7[] = "show route # trailing comment with many many words a b c d e f";
	ASSERT_EQ(vgw_cli_tokenize(l7, w, 3), 2);
	ASSERT_STR(w[1], "route");

	char l8[] = "show route#not-a-comment";
	ASSERT_EQ(vgw_cli_tokenize(l8, w, 8), 2);
	ASSERT_STR(w[1], "route#not-a-comment");

	char l9[] = "a b c";
	ASSERT_EQ(vgw_cli_tokenize(l9, w, 3), 3); /* exactly max */
	char l10[] = "a b c d";
	ASSERT_EQ(vgw_cli_tokenize(l10, w, 3), -1);
	char l11[] = "a b c #d e";
	ASSERT_EQ(vgw_cli_tokenize(l11, w, 3), 3);
	char l12[] = "a b c   ";
	ASSERT_EQ(vgw_cli_tokenize(l12, w, 3), 3);
}

static int table_len(const struct vgw_cmd *t)
{
	int n = 0;
	while (t[n].words)
		n++;
	return n;
}

static void test_registry(void)
{
	/* every module's table (core/module.h), each entry visited once */
	const struct vgw_cmd *tabs[64];
	size_t n_tabs = 0;
	VGW_FOREACH_MODULE(m)
		if (m->cmds && n_tabs < 64)
			tabs[n_tabs++] = m->cmds;
	CU_ASSERT(n_tabs >= 12);
	int expected = 0;
	for (size_t i = 0; i < n_tabs; i++)
		expected += table_len(tabs[i]);
	CU_ASSERT(expected >= 13); /* the commands of doc/interfaces.md */

	const struct vgw_cmd *seen[256];
	int n = 0;
	for (const struct vgw_cmd *c = vgw_cli_next(NULL); c && n < 256; c = vgw_cli_next(c))
		seen[n++] = c;
	ASSERT_EQ(n, expected);
	for (size_t t = 0; t < n_tabs; t++)
		for (const struct vgw_cmd *c = tabs[t]; c->words; c++) {
			int hits = 0;
			for (int i = 0; i < n; i++)
				hits += seen[i] == c;
			ASSERT_EQ(hits, 1);
		}
	for (int i = 0; i < n; i++) {
		const struct vgw_cmd *c = seen[i];
		CU_ASSERT_PTR_NOT_NULL(c->args);
		CU_ASSERT_PTR_NOT_NULL(c->fn);
		CU_ASSERT(c->help && c->help[0]);
		CU_ASSERT(c->words[0] && c->words[0] != ' ');
		CU_ASSERT(c->min_args >= 0 && c->min_args <= c->max_args);
		CU_ASSERT(c->max_args < VGW_CLI_MAX_WORDS);
		for (int j = 0; j < i; j++)
			if (strcmp(seen[j]->words, c->words) == 0) {
				fprintf(stderr, "\n  command '%s' registered twice\n", c->words);
				CU_FAIL("duplicate command words");
			}
	}
	/* the commands doc/interfaces.md promises */
	static const char *const promised[] = {
		"help", "show version", "show port", "show stats", "show route", "show neigh",
		"show running-config", "route add", "route replace", "route del", "neigh add",
		"neigh del", "stats clear", "show runtime", "runtime clear"};
	for (size_t p = 0; p < sizeof(promised) / sizeof(promised[0]); p++) {
		int hits = 0;
		for (int i = 0; i < n; i++)
			hits += strcmp(seen[i]->words, promised[p]) == 0;
		if (hits != 1)
			fprintf(stderr, "\n  command '%s' not registered\n", promised[p]);
		ASSERT_EQ(hits, 1);
	}
}

static const struct vgw_cmd *lookup(const char *line, int *first)
{
	static char copy[256];
	static char *w[16];
	snprintf(copy, sizeof(copy), "%s", line);
	int n = vgw_cli_tokenize(copy, w, 16);
	*first = -1;
	return vgw_cli_lookup(n, w, first);
}

static void test_lookup(void)
{
	static const struct {
		const char *line;
		const char *words; /* NULL: no command */
		int first;
	} cases[] = {
		{"show route", "show route", 2},
		{"show route extra args", "show route", 2},
		{"show running-config", "show running-config", 2},
		{"help", "help", 1},
		{"help route add", "help", 1},
		{"route add 10.0.0.0/8 via 10.1.0.2", "route add", 2},
		{"route del x", "route del", 2},
		{"neigh add 1.2.3.4 aa:bb:cc:dd:ee:ff", "neigh add", 2},
		{"stats clear", "stats clear", 2},
		{"show", NULL, 0},
		{"route", NULL, 0},
		{"sho route", NULL, 0},
		{"show routes", NULL, 0},
		{"show  route", "show route", 2},
		{"Show route", NULL, 0},
		{"route show", NULL, 0},
		{"helpme", NULL, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int first;
		const struct vgw_cmd *c = lookup(cases[i].line, &first);
		if (cases[i].words) {
			CU_ASSERT_PTR_NOT_NULL(c);
			if (c)
				ASSERT_STR(c->words, cases[i].words);
		} else {
			if (c)
				fprintf(stderr, "\n  '%s' matched '%s'\n", cases[i].line, c->words);
			CU_ASSERT_PTR_NULL(c);
		}
		ASSERT_EQ(first, cases[i].first);
	}
	int first;
	CU_ASSERT_PTR_NULL(vgw_cli_lookup(0, NULL, &first));
	ASSERT_EQ(first, 0);
}

/* The words that may follow "show", in module-table order: the test-only
 * module (testmod) is in test builds only (meson -Dtest_hooks; the ASan
 * build of make test has none) */
#ifdef VGW_TEST_HOOKS
#define SHOW_TESTMOD ", testmod"
#else
#define SHOW_TESTMOD ""
#endif
#define SHOW_NEXT                                                                          \
	"version, running-config, log, stats, runtime, trace, neigh, route, vpc, vtep, "   \
	"endpoint, eip, service, conntrack, snat, xdp, port, flow, kernel-routes, "        \
	"announcements" SHOW_TESTMOD

/* Runs line; returns rc; *out_s is the output (owned by a static buffer). */
static int exec(const char *line, bool json, char *err, const char **out_s)
{
	static struct vgw_buf out;
	vgw_buf_free(&out);
	vgw_buf_init(&out);
	vgw_buf_puts(&out, ""); /* allocate: an empty output is then "" */
	int rc = vgw_cli_exec(line, json, &out, err);
	*out_s = out.data ? out.data : "";
	return rc;
}

static void expect_err(const char *line, const char *msg)
{
	char err[VGW_ERR_LEN];
	const char *out;
	ASSERT_EQ(exec(line, false, err, &out), -1);
	ASSERT_STR(err, msg);
	ASSERT_STR(out, "");
	ASSERT_EQ(exec(line, true, err, &out), -1); /* JSON: same error, no output */
	ASSERT_STR(err, msg);
	ASSERT_STR(out, "");
}

static void test_exec_errors(void)
{
	char err[VGW_ERR_LEN];
	const char *out;
	ASSERT_EQ(exec("", false, err, &out), 0);
	ASSERT_STR(out, "");
	ASSERT_STR(err, "");
	ASSERT_EQ(exec("   # nothing to do", true, err, &out), 0);
	ASSERT_STR(out, "");

	expect_err("frobnicate now please", "unknown command 'frobnicate'; try 'help'");
	expect_err("show", "incomplete command 'show'; next word: " SHOW_NEXT);
	expect_err("show bogus", "unknown command 'show bogus'; try 'help'");
	expect_err("route add 10.0.0.0/8",
		   "missing argument: usage: route add PREFIX via NH [via NH ...]");
	expect_err("route add 10.0.0.0/8 via",
		   "missing argument: usage: route add PREFIX via NH [via NH ...]");
	expect_err("route del", "missing argument: usage: route del PREFIX");
	expect_err("route del 10.0.0.0/8 extra", "too many arguments: usage: route del PREFIX");
	expect_err("show version extra", "too many arguments: usage: show version");
	expect_err("neigh add 10.1.0.5", "missing argument: usage: neigh add IP MAC");
	expect_err("neigh add 10.1.0.5 02:00:00:00:00:01 x",
		   "too many arguments: usage: neigh add IP MAC");

	/* 17 next hops: one more than VGW_FIB_ECMP_MAX */
	char line[VGW_CLI_MAX_LINE + 16];
	int n = snprintf(line, sizeof(line), "route add 10.0.0.0/8");
	for (int i = 0; i < 17; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " via 10.1.0.%d", i + 2);
	expect_err(line, "too many arguments: usage: route add PREFIX via NH [via NH ...]");

	/* words: 64 accepted by the tokenizer (then too many for help), 65 not */
	n = snprintf(line, sizeof(line), "help");
	for (int i = 1; i < VGW_CLI_MAX_WORDS; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " w");
	expect_err(line, "too many arguments: usage: help [WORD...]");
	snprintf(line + n, sizeof(line) - (size_t)n, " w");
	expect_err(line, "too many words (at most 64)");

	/* length: 4095 bytes run, 4096 and more are refused */
	memset(line, ' ', sizeof(line));
	memcpy(line, "help route", 10);
	line[VGW_CLI_MAX_LINE - 1] = '\0';
	ASSERT_EQ(strlen(line), 4095);
	ASSERT_EQ(exec(line, false, err, &out), 0);
	CU_ASSERT(strstr(out, "route add") != NULL);
	line[VGW_CLI_MAX_LINE - 1] = ' ';
	line[VGW_CLI_MAX_LINE] = '\0';
	expect_err(line, "line too long (4096 bytes, at most 4095)");
	line[VGW_CLI_MAX_LINE] = ' ';
	line[VGW_CLI_MAX_LINE + 8] = '\0';
	expect_err(line, "line too long (4104 bytes, at most 4095)");

	/* handler argument errors, found before any state is touched */
	expect_err("route add 10.0.0.1/24 via 10.1.0.2",
		   "invalid prefix '10.0.0.1/24': host bits set (did you mean 10.0.0.0/24?)");
	expect_err("route add 10.0.0.0/24 via 1.2.3", "invalid IPv4 address '1.2.3'");
	expect_err("route add 10.0.0.0/24 to 10.1.0.2",
		   "expected 'via NH' after the prefix, got 'to ...'");
	expect_err("route add 10.0.0.0/24 via 10.1.0.2 via",
		   "expected 'via NH' after the prefix, got 'via'");
	expect_err("route replace nonsense via 10.1.0.2",
		   "invalid prefix 'nonsense' (expected A.B.C.D/LEN)");
	expect_err("route del 10.0.0.0/33",
		   "invalid prefix '10.0.0.0/33' (expected A.B.C.D/LEN, LEN 0-32)");
	expect_err("neigh add 10.1.0.300 02:00:00:00:00:01", "invalid IPv4 address '10.1.0.300'");
	expect_err("neigh add 10.1.0.3 02:00:00:00:00",
		   "invalid MAC address '02:00:00:00:00' (expected xx:xx:xx:xx:xx:xx)");
	expect_err("neigh del x", "invalid IPv4 address 'x'");
	expect_err("help nosuch", "no command starts with 'nosuch'");
	expect_err("help route x", "no command starts with 'route x'");
}

static void test_exec_output(void)
{
	char err[VGW_ERR_LEN], want[1024];
	const char *out;
	int first;
	const struct vgw_cmd *c = lookup("route del", &first);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);

	/* help WORDS lists the matching commands: one row, exact */
	ASSERT_EQ(exec("help route del", true, err, &out), 0);
	snprintf(want, sizeof(want), "{\"commands\":[{\"command\":\"%s %s\",\"help\":\"%s\"}]}\n",
		 c->words, c->args, c->help);
	ASSERT_STR(out, want);
	ASSERT_EQ(exec("help route del", false, err, &out), 0);
	int w = (int)strlen(c->words) + 1 + (int)strlen(c->args);
	if (w < 7)
		w = 7;
	snprintf(want, sizeof(want), "%-*s  HELP\n%s %-*s  %s\n", w, "COMMAND", c->words,
		 w - (int)strlen(c->words) - 1, c->args, c->help);
	ASSERT_STR(out, want);

	/* help takes prefixes: "help ro" is the route commands */
	ASSERT_EQ(exec("help ro", false, err, &out), 0);
	CU_ASSERT(strstr(out, "route add") && strstr(out, "route del") && !strstr(out, "show"));
	ASSERT_EQ(exec("help sh ro su", false, err, &out), 0);
	CU_ASSERT(strstr(out, "show route summary") != NULL);

	/* help without words lists every command, one row each */
	ASSERT_EQ(exec("help", false, err, &out), 0);
	int rows = 0;
	for (const char *p = out; *p; p++)
		rows += *p == '\n';
	int cmds = 0;
	for (const struct vgw_cmd *k = vgw_cli_next(NULL); k; k = vgw_cli_next(k))
		cmds++;
	ASSERT_EQ(rows, cmds + 1); /* header + rows */

	ASSERT_EQ(exec("show version", true, err, &out), 0);
	snprintf(want, sizeof(want), "{\"version\":\"%s\",\"dpdk\":\"%s\"}\n", VGW_VERSION,
		 rte_version());
	ASSERT_STR(out, want);
	ASSERT_EQ(strncmp(rte_version(), "DPDK ", 5), 0);
	ASSERT_EQ(exec("show version # comment", false, err, &out), 0);
	snprintf(want, sizeof(want), "version: %s\ndpdk: %s\n", VGW_VERSION, rte_version());
	ASSERT_STR(out, want);
}

static char *slurp(const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f)
		return NULL;
	struct vgw_buf b;
	vgw_buf_init(&b);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		vgw_buf_append(&b, chunk, n);
	fclose(f);
	if (!b.data)
		vgw_buf_puts(&b, "");
	return b.data;
}

static void test_doc(void)
{
	char *doc = slurp(doc_path);
	if (!doc) {
		fprintf(stderr, "\n  cannot read the CLI reference '%s' (pass doc/cli.md as argv[1])\n",
			doc_path ? doc_path : "(none)");
		CU_FAIL_FATAL("doc/cli.md missing");
	}
	int missing = 0;
	for (const struct vgw_cmd *c = vgw_cli_next(NULL); c; c = vgw_cli_next(c)) {
		/* a test build's own modules (lib/modules-test.list) need none */
		if (strncmp(c->help, "test builds only", 16) == 0)
			continue;
		char needle[512];
		snprintf(needle, sizeof(needle), "`%s%s%s`", c->words, c->args[0] ? " " : "",
			 c->args);
		if (!strstr(doc, needle)) {
			fprintf(stderr, "\n  %s does not document %s", doc_path, needle);
			missing++;
		}
	}
	ASSERT_EQ(missing, 0);
	free(doc);
}

/* The generated vgwctl(8) (app/docgen) has a "\fBWORDS\fR" tag (hyphens
 * escaped) for every command. */
static void test_man(void)
{
	char *man = slurp(man_path);
	if (!man) {
		fprintf(stderr, "\n  cannot read the man page '%s' (argv[2])\n",
			man_path ? man_path : "(none)");
		CU_FAIL_FATAL("vgwctl.8 missing");
	}
	int missing = 0;
	for (const struct vgw_cmd *c = vgw_cli_next(NULL); c; c = vgw_cli_next(c)) {
		if (strncmp(c->help, "test builds only", 16) == 0)
			continue;
		char needle[512];
		size_t at = (size_t)snprintf(needle, sizeof(needle), "\\fB");
		for (const char *w = c->words; *w && at + 8 < sizeof(needle); w++)
			at += (size_t)snprintf(needle + at, sizeof(needle) - at,
					       *w == '-' ? "\\-" : "%c", *w);
		snprintf(needle + at, sizeof(needle) - at, "\\fR");
		if (!strstr(man, needle)) {
			fprintf(stderr, "\n  %s does not document %s", man_path, needle);
			missing++;
		}
	}
	ASSERT_EQ(missing, 0);
	free(man);
}

/* ---- prefixes, suggestions, completion ------------------------------------- */

/* Resolves line; returns the command's words, or the error message. */
static const char *resolve(const char *line, bool prefix, int *first)
{
	static char copy[256], err[VGW_ERR_LEN];
	static char *w[16];
	snprintf(copy, sizeof(copy), "%s", line);
	int n = vgw_cli_tokenize(copy, w, 16);
	const struct vgw_cmd *c;
	if (vgw_cli_resolve(n, w, prefix, &c, first, err) < 0)
		return err;
	return c->words;
}

static void test_resolve(void)
{
	static const struct {
		const char *line;
		bool prefix;
		const char *want; /* command words, or the message */
		int first;
	} cases[] = {
		{"sh ro", true, "show route", 2},
		{"sh ro 10.0.0.0/8", true, "show route", 2},
		{"sh ro su", true, "show route summary", 3},
		{"show route", false, "show route", 2},
		{"sh ro", false, "unknown command 'sh'; did you mean 'show'?", 0},
		{"show xdp", true, "show xdp", 2},   /* exact wins over "show xdp map" */
		{"show xdp m", true, "show xdp map", 3},
		{"ro ad 10.0.0.0/8 via 10.1.0.2", true, "route add", 2},
		{"he", true, "help", 1},
		{"s", true, "ambiguous command 's': show, stats, service, snat", 0},
		{"sh r", true, "ambiguous command 'sh r': running-config, runtime, route", 0},
		{"sh", true, "incomplete command 'sh'; next word: " SHOW_NEXT, 0},
		{"shwo route", true, "unknown command 'shwo'; did you mean 'show'?", 0},
		{"show rute", true, "unknown command 'show rute'; did you mean 'route'?", 0},
		{"show rute", false, "unknown command 'show rute'; did you mean 'route'?", 0},
		{"show zzzzzz", true, "unknown command 'show zzzzzz'; try 'help'", 0},
		{"frobnicate", true, "unknown command 'frobnicate'; try 'help'", 0},
		{"Show route", true, "unknown command 'Show'; did you mean 'show'?", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int first = -1;
		const char *got = resolve(cases[i].line, cases[i].prefix, &first);
		if (strcmp(got, cases[i].want) != 0)
			fprintf(stderr, "\n  '%s' (prefix %d)", cases[i].line, cases[i].prefix);
		ASSERT_STR(got, cases[i].want);
		ASSERT_EQ(first, cases[i].first);
	}
	ASSERT_EQ(vgw_cli_edit_distance("route", "rute"), 1);
	ASSERT_EQ(vgw_cli_edit_distance("", "abc"), 3);
	ASSERT_EQ(vgw_cli_edit_distance("kitten", "sitting"), 3);
	ASSERT_EQ(vgw_cli_edit_distance("same", "same"), 0);

	/* the control socket's runs: prefixes; the startup file's: exact */
	struct vgw_buf out;
	char err[VGW_ERR_LEN];
	vgw_buf_init(&out);
	ASSERT_EQ(vgw_cli_run("sh ver", VGW_CLI_PREFIX, &out, err), 0);
	CU_ASSERT(out.data && strstr(out.data, "version: ") == out.data);
	vgw_buf_reset(&out);
	ASSERT_EQ(vgw_cli_run("sh ver", 0, &out, err), -1);
	ASSERT_STR(err, "unknown command 'sh'; did you mean 'show'?");
	vgw_buf_free(&out);

	CU_ASSERT(vgw_cli_read_only("sh ro"));
	CU_ASSERT(vgw_cli_read_only("show"));
	CU_ASSERT(vgw_cli_read_only("sh"));
	CU_ASSERT(vgw_cli_read_only("he route"));
	CU_ASSERT(vgw_cli_read_only("complete sh"));
	CU_ASSERT(vgw_cli_read_only(""));
	CU_ASSERT(!vgw_cli_read_only("ro add 10.0.0.0/8 via 10.1.0.2"));
	CU_ASSERT(!vgw_cli_read_only("s"));
	CU_ASSERT(!vgw_cli_read_only("frobnicate"));
}

static char comp[2048];

static void comp_add(void *arg, const char *word, const char *help)
{
	(void)arg;
	size_t at = strlen(comp);
	snprintf(comp + at, sizeof(comp) - at, "%s%s%s", at ? " " : "", word, help[0] ? "*" : "");
}

/* The completions after line, space separated, "*" after those with a help. */
static const char *complete(const char *line)
{
	static char copy[256], err[VGW_ERR_LEN];
	static char *w[16];
	snprintf(copy, sizeof(copy), "%s", line);
	int n = vgw_cli_tokenize(copy, w, 16);
	comp[0] = '\0';
	if (vgw_cli_complete(n, w, comp_add, NULL, err) < 0)
		return err;
	return comp;
}

static void test_complete(void)
{
	const char *first = complete("");
	CU_ASSERT(strncmp(first, "help* complete* show ", 21) == 0);
	CU_ASSERT(strstr(first, " route ") != NULL);
	ASSERT_STR(complete("show xdp"), "map*");
	ASSERT_STR(complete("sh ro"), "summary* <A.B.C.D>"); /* a hint, no names */
	ASSERT_STR(complete("route"), "add* replace* del*");
	ASSERT_STR(complete("route add"), "<PREFIX> via");
	ASSERT_STR(complete("route add 10.0.0.0/8"), "via");
	ASSERT_STR(complete("route add 10.0.0.0/8 via"), "<NH>");
	ASSERT_STR(complete("route add 10.0.0.0/8 via 10.1.0.2"), "via"); /* repeats */
	ASSERT_STR(complete("show stats"), "p1 p2 <PORT> all worker");
	ASSERT_STR(complete("show stats all p1"), "worker");
	ASSERT_STR(complete("trace add 5"), "port");
	ASSERT_STR(complete("trace add 5 port"), "p1 p2 <NAME>");
	ASSERT_STR(complete("show port"), "p1 p2 <NAME>");
	ASSERT_STR(complete("route del 10.0.0.0/8"), "");
	ASSERT_STR(complete("s"), "ambiguous command 's': show, stats, service, snat");
	ASSERT_STR(complete("frobnicate x"), "unknown command 'frobnicate'; try 'help'");

	/* the command: text lines "WORD\tHELP", JSON a list */
	char err[VGW_ERR_LEN];
	const char *out;
	char want[512];
	int at;
	const struct vgw_cmd *map = lookup("show xdp map", &at);
	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	ASSERT_EQ(exec("complete show xdp", false, err, &out), 0);
	snprintf(want, sizeof(want), "map\t%s\n", map->help);
	ASSERT_STR(out, want);
	ASSERT_EQ(exec("complete show xdp", true, err, &out), 0);
	snprintf(want, sizeof(want), "{\"completions\":[{\"word\":\"map\",\"help\":\"%s\"}]}\n",
		 map->help);
	ASSERT_STR(out, want);
	ASSERT_EQ(exec("complete sh rute", false, err, &out), -1);
	ASSERT_STR(err, "unknown command 'sh rute'; did you mean 'route'?");
}

/* ---- vgw_cli_kv --------------------------------------------------------- */
static char kv_err[VGW_ERR_LEN];

/* vgw_cli_kv over the words of line, keys vni, mac, vtep. */
static int kv(const char *line, int required, const char **vals)
{
	static char buf[256];
	static char *argv[16];
	static const char *const keys[] = {"vni", "mac", "vtep", NULL};
	snprintf(buf, sizeof(buf), "%s", line);
	int argc = vgw_cli_tokenize(buf, argv, 16);
	struct vgw_cli_ctx ctx = {0};
	int rc = vgw_cli_kv(&ctx, argc, argv, keys, required, vals);
	memcpy(kv_err, ctx.err, sizeof(kv_err));
	return rc;
}

static void test_cli_kv(void)
{
	const char *v[3];
	ASSERT_EQ(kv("vtep 1 vni 2", 1, v), 0);
	ASSERT_STR(v[0], "2");
	CU_ASSERT_PTR_NULL(v[1]);
	ASSERT_STR(v[2], "1");
	ASSERT_EQ(kv("", 0, v), 0);
	CU_ASSERT_PTR_NULL(v[0]);
	ASSERT_EQ(kv("vni 1 color 2", 0, v), -1);
	ASSERT_STR(kv_err, "unexpected 'color'");
	ASSERT_EQ(kv("1 vni", 0, v), -1);
	ASSERT_STR(kv_err, "unexpected '1'");
	ASSERT_EQ(kv("vni 1 mac 2 vni 3", 0, v), -1);
	ASSERT_STR(kv_err, "'vni' given twice");
	ASSERT_EQ(kv("mac 1 vni", 0, v), -1);
	ASSERT_STR(kv_err, "'vni' needs a value");
	ASSERT_EQ(kv("mac 1", 1, v), -1);
	ASSERT_STR(kv_err, "missing 'vni'");
	ASSERT_EQ(kv("vni 1", 2, v), -1);
	ASSERT_STR(kv_err, "missing 'mac'");
	ASSERT_EQ(kv("vni 1 mac 2", 2, v), 0);
	ASSERT_EQ(kv("vni vni", 1, v), 0); /* a value may look like a key */
	ASSERT_STR(v[0], "vni");
}

int main(int argc, char **argv)
{
	doc_path = argc > 1 ? argv[1] : NULL;
	man_path = argc > 2 ? argv[2] : NULL;
	/* two ports for the completion of port names (no EAL: only names) */
	vgw_gw.n_ports = 2;
	snprintf(vgw_gw.ports[0].name, sizeof(vgw_gw.ports[0].name), "p1");
	snprintf(vgw_gw.ports[1].name, sizeof(vgw_gw.ports[1].name), "p2");
	static const struct unit_test tests[] = {
		{"tokenize", test_tokenize},
		{"registry (vgw_cli_next)", test_registry},
		{"lookup", test_lookup},
		{"exec errors", test_exec_errors},
		{"exec output (help, show version)", test_exec_output},
		{"every command documented in doc/cli.md", test_doc},
		{"every command in the generated vgwctl(8)", test_man},
		{"prefixes, ambiguity, did-you-mean (vgw_cli_resolve)", test_resolve},
		{"completion (vgw_cli_complete, complete)", test_complete},
		{"vgw_cli_kv: values, unknown/repeated/valueless/missing keys", test_cli_kv},
	};
	return unit_run("cli", tests, sizeof(tests) / sizeof(tests[0]));
}
