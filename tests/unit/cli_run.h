/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cli_run.h - running command lines in the table tests (test_vpc.c,
 * test_service.c, test_health.c); header only, included after gw_fixture.h
 * (err). run() executes one line through the real dispatcher, its output in
 * `out`; OK(line) asserts the line succeeded and prints its error if not.
 */
#ifndef VGW_CLI_RUN_H
#define VGW_CLI_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "unit.h"

static struct vgw_buf out;

/* Runs a command; its output is in out.data, its error in err. */
static int run(const char *line, bool json)
{
	vgw_buf_reset(&out);
	err[0] = '\0';
	return vgw_cli_exec(line, json, &out, err);
}

#define OK(line)                                                                  \
	do {                                                                      \
		int rc_ = run(line, false);                                       \
		if (rc_ != 0)                                                     \
			fprintf(stderr, "\n  %s:%d: '%s' failed: %s\n", __FILE__, \
				__LINE__, line, err);                             \
		CU_assertImplementation(rc_ == 0, __LINE__, line, __FILE__, "", CU_FALSE); \
	} while (0)

#endif
