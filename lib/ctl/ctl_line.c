/* Request-line rules: see ctl_line.h. */
#include "ctl_line.h"

#include <stdio.h>

#include "../cli/cli.h"

int vgw_ctl_line_check(const char *line, size_t len, bool *json, const char **cmd,
		       char err[VGW_ERR_LEN])
{
	err[0] = '\0';
	if (len + 1 > VGW_CLI_MAX_LINE) {
		snprintf(err, VGW_ERR_LEN, "line too long (%zu bytes with the newline, at most %d)",
			 len + 1, VGW_CLI_MAX_LINE);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)line[i];
		if ((b < 0x20 && b != '\t') || b == 0x7f) {
			snprintf(err, VGW_ERR_LEN,
				 "control byte 0x%02x at offset %zu: request refused, nothing run", b, i);
			return -1;
		}
	}
	if (len == 0 || (line[0] != 't' && line[0] != 'j') || (len > 1 && line[1] != ' ')) {
		snprintf(err, VGW_ERR_LEN, "bad request: expected 't' or 'j' then the command");
		return -1;
	}
	*json = line[0] == 'j';
	*cmd = line + (len > 1 ? 2 : 1);
	return 0;
}
