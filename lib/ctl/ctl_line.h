/* Request-line rules of the control socket, kept apart from the socket code so
 * that they are pure and tested alone (tests/unit/test_ctl_line.c).
 *
 * A request is `t|j COMMAND` followed by '\n', at most VGW_CLI_MAX_LINE bytes
 * including the '\n' (doc/interfaces.md). A line that breaks a rule is refused
 * as a whole: nothing of it runs. Control bytes other than tab are refused
 * because the command grammar has no use for them and because a NUL would cut
 * the command short (the part before it used to run) and a CR or an escape
 * could forge lines in vgwd's log, where changing commands are audited.
 * Contract: pure functions, any thread. */
#ifndef VGW_CTL_LINE_H
#define VGW_CTL_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/parse.h"

/* Checks one request line of len bytes, '\n' excluded (it may hold NULs;
 * line[len] must be '\0').
 * Returns 0 and sets *json and *cmd (the command, after the flag and its
 * space; "" when the line is only the flag), or -1 with a message in err. */
int vgw_ctl_line_check(const char *line, size_t len, bool *json, const char **cmd,
		       char err[VGW_ERR_LEN]);

#endif
