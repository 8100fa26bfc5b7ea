/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ctl_line.c - CUnit tests of the control socket's request-line rules
 * (lib/ctl/ctl_line.c) and of the read-only/changing split of commands
 * (vgw_cli_read_only in lib/cli/cli.c) that decides which commands are audited.
 *
 * Proves:
 *  - `t CMD` and `j CMD` are accepted, the flag is reported and the command
 *    starts after the space; the bare flag is an empty command;
 *  - a line whose command holds a NUL is refused with its offset, so the part
 *    before the NUL cannot run; every other control byte (CR, ESC, DEL, ...)
 *    is refused too, tab is allowed;
 *  - 4095 bytes (4096 with the newline) are accepted, 4096 are refused;
 *  - a missing or unknown flag is refused;
 *  - help and every `show ...` command registered are read-only; every other
 *    registered command, and unknown lines, count as changing.
 * Needs no EAL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ctl/ctl_line.h"
#include "unit.h"

static char err[VGW_ERR_LEN];

/* check() on a buffer of len bytes (may hold NULs), terminated like the server does */
static int check(const char *bytes, size_t len, bool *json, const char **cmd)
{
	static char line[VGW_CLI_MAX_LINE + 16];
	memcpy(line, bytes, len);
	line[len] = '\0';
	return vgw_ctl_line_check(line, len, json, cmd, err);
}

static void test_accepts(void)
{
	bool json = true;
	const char *cmd = NULL;
	ASSERT_EQ(check("t show version", 14, &json, &cmd), 0);
	ASSERT_EQ(json, false);
	ASSERT_STR(cmd, "show version");
	ASSERT_EQ(check("j show\tport", 11, &json, &cmd), 0);
	ASSERT_EQ(json, true);
	ASSERT_STR(cmd, "show\tport");
	ASSERT_EQ(check("t", 1, &json, &cmd), 0);
	ASSERT_STR(cmd, "");
	ASSERT_STR(err, "");
}

static void test_control_bytes(void)
{
	bool json;
	const char *cmd;
	static const char nul[] = "t route del 10.0.0.0/8\0 via 10.1.0.2";
	ASSERT_EQ(check(nul, sizeof(nul) - 1, &json, &cmd), -1);
	ASSERT_STR(err, "control byte 0x00 at offset 22: request refused, nothing run");
	ASSERT_EQ(check("t show version\r", 15, &json, &cmd), -1);
	ASSERT_CONTAINS(err, "control byte 0x0d at offset 14");
	ASSERT_EQ(check("t show \x1b[2Jversion", 18, &json, &cmd), -1);
	ASSERT_CONTAINS(err, "control byte 0x1b");
	ASSERT_EQ(check("t show\x7fversion", 14, &json, &cmd), -1);
	ASSERT_CONTAINS(err, "control byte 0x7f");
	ASSERT_EQ(check("\0 show version", 14, &json, &cmd), -1);
	ASSERT_CONTAINS(err, "control byte 0x00 at offset 0");
	/* every byte below 0x20 but tab */
	for (int b = 0; b < 0x20; b++) {
		char l[] = "t show version";
		l[6] = (char)b;
		ASSERT_EQ(check(l, 14, &json, &cmd), b == '\t' ? 0 : -1);
	}
}

static void test_length(void)
{
	static char l[VGW_CLI_MAX_LINE + 8];
	bool json;
	const char *cmd;
	memset(l, 'a', sizeof(l));
	l[0] = 't';
	l[1] = ' ';
	ASSERT_EQ(check(l, VGW_CLI_MAX_LINE - 1, &json, &cmd), 0);
	ASSERT_EQ(check(l, VGW_CLI_MAX_LINE, &json, &cmd), -1);
	ASSERT_STR(err, "line too long (4097 bytes with the newline, at most 4096)");
}

static void test_flags(void)
{
	bool json;
	const char *cmd;
	const char *bad[] = {"show version", "x show version", "tshow version", " t show", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(check(bad[i], strlen(bad[i]), &json, &cmd), -1);
		ASSERT_STR(err, "bad request: expected 't' or 'j' then the command");
	}
}

static void test_read_only(void)
{
	ASSERT_EQ(vgw_cli_read_only("show running-config"), true);
	ASSERT_EQ(vgw_cli_read_only("  show\troute summary"), true);
	ASSERT_EQ(vgw_cli_read_only("help route"), true);
	ASSERT_EQ(vgw_cli_read_only(""), true);
	ASSERT_EQ(vgw_cli_read_only("# a comment"), true);
	ASSERT_EQ(vgw_cli_read_only("route add 10.0.0.0/8 via 10.1.0.2"), false);
	ASSERT_EQ(vgw_cli_read_only("showx version"), false);
	ASSERT_EQ(vgw_cli_read_only("sho"), true); /* a prefix of show, as vgwctl runs it */
	ASSERT_EQ(vgw_cli_read_only("sh ro"), true);
	ASSERT_EQ(vgw_cli_read_only("ro add 10.0.0.0/8 via 10.1.0.2"), false);
	ASSERT_EQ(vgw_cli_read_only("s"), false); /* ambiguous: show, stats, ... */
	ASSERT_EQ(vgw_cli_read_only("frobnicate"), false);
	int ro = 0, rw = 0;
	for (const struct vgw_cmd *c = vgw_cli_next(NULL); c; c = vgw_cli_next(c)) {
		bool want = strncmp(c->words, "show ", 5) == 0 || strcmp(c->words, "help") == 0 ||
			    strcmp(c->words, "complete") == 0;
		if (vgw_cli_read_only(c->words) != want)
			fprintf(stderr, "\n  '%s': read-only should be %d\n", c->words, want);
		CU_ASSERT(vgw_cli_read_only(c->words) == want);
		*(want ? &ro : &rw) += 1;
	}
	CU_ASSERT(ro > 5 && rw > 5);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"t/j flag and command", test_accepts},
		{"NUL and other control bytes refused, tab allowed", test_control_bytes},
		{"4096 bytes with the newline at most", test_length},
		{"missing or unknown flag refused", test_flags},
		{"read-only: help and show only", test_read_only},
	};
	return unit_run("ctl-line", tests, sizeof(tests) / sizeof(tests[0]));
}
