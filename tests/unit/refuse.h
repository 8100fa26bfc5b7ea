/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * refuse.h - "refused and nothing changed" assertions for the table tests
 * (test_vpc.c, test_service.c); header only. The including file defines
 * snapshot() (a malloc'ed text of all the state a refusal must not touch),
 * and includes gw_fixture.h (err) and cli_run.h (run).
 */
#ifndef VGW_REFUSE_H
#define VGW_REFUSE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static inline void check_refused(const char *file, int line, const char *what, int rc, const char *e,
				 const char *want, char *before, char *after)
{
	bool same = strcmp(before, after) == 0;
	bool ok = rc == -1 && strstr(e, want) && same;
	if (!ok)
		fprintf(stderr, "\n  %s:%d: %s: rc %d, err [%s], want [%s]%s\n", file, line,
			what, rc, e, want, same ? "" : ", and the state CHANGED");
	if (!same)
		fprintf(stderr, "  before:\n%s\n  after:\n%s\n", before, after);
	CU_assertImplementation(ok, line, what, file, "", CU_FALSE);
	free(before);
	free(after);
}

/* expr returns -1, err contains want, and snapshot() is unchanged. */
#define REFUSED_AT(expr, what, want)                                              \
	do {                                                                      \
		char *b_ = snapshot(), e_[VGW_ERR_LEN];                           \
		err[0] = '\0';                                                    \
		int rc_ = (expr);                                                 \
		memcpy(e_, err, sizeof(e_));                                      \
		check_refused(__FILE__, __LINE__, what, rc_, e_, want, b_, snapshot());     \
	} while (0)
#define REFUSED(expr, want) REFUSED_AT(expr, #expr, want)
#define REFUSE(line, want) REFUSED_AT(run(line, false), line, want)

#endif
