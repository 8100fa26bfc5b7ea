/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_ctl_line.c - libFuzzer target: the request-line check of the control
 * socket (lib/ctl/ctl_line.c), the first thing that reads what a client
 * sends.
 *
 * Input: one request line, '\n' excluded, in a buffer of exactly its size
 * plus the NUL the contract asks for. Properties: an accepted line holds no
 * NUL and no control byte but tab, is at most VGW_CLI_MAX_LINE - 1 bytes,
 * starts with the flag `t` or `j`, and its command is the rest of the line
 * after the flag and its space; a refused one has a message.
 */
#include "cli/cli.h"
#include "ctl/ctl_line.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_str(data, size);
	bool json = false;
	const char *cmd = NULL;
	char err[VGW_ERR_LEN] = "";
	if (vgw_ctl_line_check(line, size, &json, &cmd, err) == 0) {
		FUZZ_CHECK(size + 1 <= VGW_CLI_MAX_LINE);
		for (size_t i = 0; i < size; i++)
			FUZZ_CHECK(((unsigned char)line[i] >= 0x20 && line[i] != 0x7f) || line[i] == '\t');
		FUZZ_CHECK(line[0] == (json ? 'j' : 't'));
		FUZZ_CHECK(cmd && cmd >= line && cmd <= line + size);
		FUZZ_CHECK(cmd == line + size || cmd == line + 2);
	} else {
		FUZZ_CHECK(err[0] != '\0');
	}
	free(line);
	return 0;
}
