/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_modules.c - the module table (core/module.h, lib/modules.list).
 *
 * Proves: module names are unique and each module's commands and settings
 * words belong to it alone; every module's counters got dense indexes in
 * table order (the core's at 0, so its constants hold) with unique names;
 * and, in test builds, that testmod, a module registered by one line of
 * lib/modules-test.list and nothing else, gets its setting (parsed,
 * defaulted, refused with FILE:LINE, printed back), its commands (through
 * the dispatcher and help), its running-config section in its command's
 * words, its timer and its counters. The pkt scenario module-table checks
 * the same through a running vgwd (show running-config, show stats, the
 * slow path's timer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "conf/settings.h"
#include "core/drop.h"
#include "core/gw.h"
#include "core/module.h"
#include "util/buf.h"
#include "conf_text.h"
#include "unit.h"
#ifdef VGW_TEST_HOOKS
#include "testmod/testmod.h"
#endif

static const struct vgw_module *module_named(const char *name)
{
	VGW_FOREACH_MODULE(m)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

static void test_table(void)
{
	int n = 0;
	CU_ASSERT_PTR_NOT_NULL(module_named("core"));
	CU_ASSERT_PTR_EQUAL(vgw_modules[0], module_named("core"));
	VGW_FOREACH_MODULE(m) {
		n++;
		CU_ASSERT(m->name && m->name[0]);
		VGW_FOREACH_MODULE(o)
			if (o != m && strcmp(o->name, m->name) == 0)
				CU_FAIL("two modules with one name");
		/* a setting word is one module's */
		for (const struct vgw_setting *s = m->settings; s && s->word; s++) {
			/* parsed by the module, or a number the loader parses */
			CU_ASSERT((s->parse != NULL) != (s->u32 != NULL));
			CU_ASSERT(!s->u32 || (s->min <= s->max && (!s->def || (s->def >= s->min &&
									     s->def <= s->max))));
			VGW_FOREACH_MODULE(o)
				for (const struct vgw_setting *t = o->settings; o != m && t && t->word; t++)
					if (strcmp(t->word, s->word) == 0) {
						fprintf(stderr, "\n  setting %s: modules %s and %s\n", s->word,
							m->name, o->name);
						CU_FAIL("setting word of two modules");
					}
		}
	}
	CU_ASSERT(n >= 15);
	/* the loader tells a setting line from a command by its first word */
	for (const struct vgw_cmd *c = vgw_cli_next(NULL); c; c = vgw_cli_next(c)) {
		char first[64];
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(c->words, " "), c->words);
		if (vgw_settings_is_setting(first)) {
			fprintf(stderr, "\n  command '%s' starts with a setting word\n", c->words);
			CU_FAIL("command named like a setting");
		}
	}
}

/* Registered in table order: each set right after the previous one's. */
static void test_counters_dense(void)
{
	uint16_t drops = 0, sp = 0;
	VGW_FOREACH_MODULE(m) {
		if (m->drops.n) {
			ASSERT_EQ(*m->drops.base, drops);
			for (uint16_t i = 0; i < m->drops.n; i++)
				ASSERT_STR(vgw_drop_names[drops + i], m->drops.desc[i].name);
			drops = (uint16_t)(drops + m->drops.n);
		}
		if (m->sp_counters.n) {
			ASSERT_EQ(*m->sp_counters.base, sp);
			for (uint16_t i = 0; i < m->sp_counters.n; i++)
				ASSERT_STR(vgw_sp_names[sp + i], m->sp_counters.desc[i].name);
			sp = (uint16_t)(sp + m->sp_counters.n);
		}
	}
	ASSERT_EQ(vgw_drop_n, drops);
	ASSERT_EQ(vgw_sp_n, sp);
	CU_ASSERT(drops <= VGW_DROP_CAP && sp <= VGW_SP_CAP);
	for (int i = 0; i < vgw_drop_n; i++)
		for (int j = 0; j < i; j++)
			CU_ASSERT(strcmp(vgw_drop_names[i], vgw_drop_names[j]) != 0);
	for (int i = 0; i < vgw_sp_n; i++)
		for (int j = 0; j < i; j++)
			CU_ASSERT(strcmp(vgw_sp_names[i], vgw_sp_names[j]) != 0);
	/* the core's constants are its indexes */
	ASSERT_STR(vgw_drop_names[VGW_DROP_ETH_SHORT], "eth_short");
	ASSERT_STR(vgw_drop_names[VGW_DROP_ICMP_ERROR_LIMITED], "icmp_error_limited");
	ASSERT_STR(vgw_sp_names[VGW_SP_CTL_REFUSED], "ctl_refused");
	/* registering again changes nothing */
	char err[VGW_ERR_LEN];
	ASSERT_EQ(vgw_counters_register(err), 0);
	ASSERT_EQ(vgw_drop_n, drops);
}

#ifdef VGW_TEST_HOOKS
static const char *const port_line = "port p0 dev net_null0 role public address 10.0.0.1/24\n";

static void test_testmod_setting(void)
{
	char err[VGW_ERR_LEN], text[512];
	/* default, then the setting, printed back and loaded back the same */
	ASSERT_EQ(unit_load_text(port_line, err), 0);
	ASSERT_STR(vgw_testmod.greeting, "hello");
	snprintf(text, sizeof(text), "%stestmod-greeting hi\n", port_line);
	ASSERT_EQ(unit_load_text(text, err), 0);
	ASSERT_STR(vgw_testmod.greeting, "hi");
	struct vgw_buf a, b;
	vgw_buf_init(&a);
	vgw_buf_init(&b);
	vgw_settings_running_config(&a);
	ASSERT_CONTAINS(a.data, "\ntestmod-greeting hi\n");
	ASSERT_EQ(unit_load_text(a.data, err), 0);
	vgw_settings_running_config(&b);
	ASSERT_STR(b.data, a.data);
	vgw_buf_free(&a);
	vgw_buf_free(&b);
	/* refused with the file's line */
	snprintf(text, sizeof(text), "%stestmod-greeting Hi!\n", port_line);
	ASSERT_EQ(unit_load_text(text, err), -1);
	ASSERT_CONTAINS(err, UNIT_CONF_PREFIX);
	ASSERT_CONTAINS(err, ":2: testmod: greeting must be 1-31 lower-case letters or digits");
	snprintf(text, sizeof(text), "%stestmod-greeting red green\n", port_line);
	ASSERT_EQ(unit_load_text(text, err), -1);
	ASSERT_CONTAINS(err, ":2: testmod-greeting: expected 'testmod-greeting WORD'");
	/* a setting after a command: the loader's rule holds for it too */
	snprintf(text, sizeof(text), "%sshow version\ntestmod-greeting hi\n", port_line);
	ASSERT_EQ(unit_load_text(text, err), -1);
	ASSERT_CONTAINS(err, ":3: setting 'testmod-greeting' after the first command");
}

static struct vgw_buf out;
static char err[VGW_ERR_LEN];

static int run(const char *line)
{
	vgw_buf_reset(&out);
	return vgw_cli_exec(line, false, &out, err);
}

static void test_testmod_commands(void)
{
	const struct vgw_module *m = module_named("testmod");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	vgw_buf_init(&out);
	vgw_settings_reset();
	ASSERT_EQ(run("testmod add one"), 0);
	ASSERT_EQ(run("testmod add two"), 0);
	ASSERT_EQ(run("show testmod"), 0);
	ASSERT_CONTAINS(out.data, "one");
	ASSERT_CONTAINS(out.data, "two");
	ASSERT_EQ(run("help testmod"), 0);
	ASSERT_CONTAINS(out.data, "testmod add NAME");
	ASSERT_CONTAINS(out.data, "testmod del NAME");
	/* the dispatcher's checks and the module's own */
	ASSERT_EQ(run("testmod add"), -1);
	ASSERT_CONTAINS(err, "missing argument: usage: testmod add NAME");
	ASSERT_EQ(run("testmod add Bad!"), -1);
	ASSERT_CONTAINS(err, "name must be");
	ASSERT_EQ(run("testmod add one"), -1);
	ASSERT_CONTAINS(err, "testmod: one exists");
	ASSERT_EQ(run("testmod del nope"), -1);
	ASSERT_CONTAINS(err, "testmod: no item nope");
	ASSERT_EQ(vgw_testmod.n_items, 2);
	/* its running-config section, in its command's words, rebuilds it */
	struct vgw_buf rc;
	vgw_buf_init(&rc);
	m->running_config(&rc);
	ASSERT_STR(rc.data, "testmod add one\ntestmod add two\n");
	vgw_settings_reset();
	ASSERT_EQ(vgw_testmod.n_items, 0);
	for (char *line = strtok(rc.data, "\n"); line; line = strtok(NULL, "\n"))
		ASSERT_EQ(run(line), 0);
	ASSERT_EQ(vgw_testmod.n_items, 2);
	ASSERT_STR(vgw_testmod.items[1].name, "two");
	ASSERT_EQ(run("testmod del one"), 0);
	ASSERT_STR(vgw_testmod.items[0].name, "two");
	vgw_buf_free(&rc);
	vgw_buf_free(&out);
}

/* its timer and hooks, as the slow path and vgwd's main call them */
static void test_testmod_hooks(void)
{
	const struct vgw_module *m = module_named("testmod");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	vgw_settings_reset();
	struct vgw_buf o;
	char e[VGW_ERR_LEN];
	vgw_buf_init(&o);
	ASSERT_EQ(vgw_cli_exec("testmod add one", false, &o, e), 0);
	uint64_t before = vgw_gw.sp_stats[VGW_TESTMOD_SP(TICKS)];
	/* ready after VGW_TESTMOD_AGE ticks, each counted; then nothing moves */
	for (int i = 0; i < VGW_TESTMOD_AGE + 2; i++) {
		CU_ASSERT(vgw_testmod.items[0].left == (i < VGW_TESTMOD_AGE ? VGW_TESTMOD_AGE - i : 0));
		m->tick(100 * (uint64_t)i);
	}
	ASSERT_EQ(vgw_testmod.ticks, VGW_TESTMOD_AGE + 2);
	ASSERT_EQ(vgw_gw.sp_stats[VGW_TESTMOD_SP(TICKS)] - before, VGW_TESTMOD_AGE);
	vgw_buf_free(&o);
	ASSERT_EQ(m->start(e), 0);
	CU_ASSERT(vgw_testmod.started);
	m->stop(0);
	CU_ASSERT(vgw_testmod.stopped);
	ASSERT_STR(vgw_drop_names[VGW_TESTMOD_DROP(DROPPED)], "testmod_dropped");
	ASSERT_STR(vgw_sp_names[VGW_TESTMOD_SP(TICKS)], "testmod_ticks");
}
#endif

int main(void)
{
	static const struct unit_test tests[] = {
		{"module names, settings words", test_table},
		{"counters dense in table order", test_counters_dense},
#ifdef VGW_TEST_HOOKS
		{"testmod: setting", test_testmod_setting},
		{"testmod: commands and running-config", test_testmod_commands},
		{"testmod: timer, hooks, counters", test_testmod_hooks},
#endif
	};
	return unit_run("modules", tests, sizeof(tests) / sizeof(tests[0]));
}
