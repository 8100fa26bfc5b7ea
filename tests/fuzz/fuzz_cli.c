/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_cli.c - libFuzzer target: command lines as vgwctl and the startup
 * file send them (lib/cli/cli.c and every module's *_cli.c), against a
 * gateway with tables (fuzz_eal.h).
 *
 * Input: up to 32 lines ('\n'-separated), run in order through
 * vgw_cli_run() from fresh tables, so that a line can refer to what an
 * earlier one added. The first byte of a line that is '!' asks for JSON
 * output; a '~' next runs it in vgwctl's grammar (command words as unique
 * prefixes, cli_grammar.c), and `complete ...` lines walk the completion. Property (cli.h: "handlers validate every argument before
 * changing anything and either apply the whole change or none of it"): a
 * REFUSED line changes nothing: `show running-config` and the JSON of show
 * vpc / eip / service / endpoint / neigh / route are byte-identical before
 * and after it; any violation aborts with both texts on stderr.
 */
#include "cli/cli.h"
#include "fuzz_eal.h"

/* No LeakSanitizer here: the tables keep their objects' pointers in rte_hash
 * (lib/core/rmap.c), i.e. in DPDK memory mmap'ed outside the ASan heap, which
 * LSan does not scan, so every live VPC, endpoint or EIP would be reported
 * as leaked. The CLI's heap is checked by the unit tests' add/del cycles
 * (test_vpc.c, test_service.c: no heap growth). ASan's other checks stay. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

static const char *const snap_cmds[] = {"show running-config", "show vpc", "show eip",
					"show service", "show endpoint", "show neigh",
					"show route", "show vtep"};

/* All the state a refused line must not touch, as text. */
static void snapshot(struct vgw_buf *b)
{
	char e[VGW_ERR_LEN];
	vgw_buf_reset(b);
	for (size_t i = 0; i < sizeof(snap_cmds) / sizeof(snap_cmds[0]); i++)
		if (vgw_cli_exec(snap_cmds[i], i > 0, b, e) != 0)
			vgw_buf_printf(b, "[%s failed: %s]", snap_cmds[i], e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool inited;
	static struct vgw_buf before, after, out;
	if (!inited) {
		fuzz_eal_init();
		vgw_buf_init(&before);
		vgw_buf_init(&after);
		vgw_buf_init(&out);
		inited = true;
	}
	fuzz_eal_reset();
	char *text = fuzz_str(data, size);
	char *line = text;
	for (int n = 0; line && n < 32; n++) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		bool json = line[0] == '!';
		/* '~' (after '!'): vgwctl's grammar, command words as prefixes */
		bool prefix = line[json] == '~';
		/* the line alone in an exact-size buffer */
		char *l = strdup(line + json + prefix);
		FUZZ_CHECK(l);
		char err[VGW_ERR_LEN] = "";
		snapshot(&before);
		vgw_buf_reset(&out);
		unsigned flags = (json ? VGW_CLI_JSON : 0) | (prefix ? VGW_CLI_PREFIX : 0);
		if (vgw_cli_run(l, flags, &out, err) != 0) {
			snapshot(&after);
			if (before.len != after.len || memcmp(before.data, after.data, before.len)) {
				fprintf(stderr, "refused line changed the state: '%s' (%s)\n"
					"--- before\n%.*s\n--- after\n%.*s\n", l, err,
					(int)before.len, before.data, (int)after.len, after.data);
				abort();
			}
			FUZZ_CHECK(err[0] != '\0');
		}
		free(l);
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	return 0;
}
