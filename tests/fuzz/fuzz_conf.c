/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_conf.c - libFuzzer target: the startup file (lib/conf/loader.c and
 * settings.c): what vgwd reads before anything else, from a file an operator
 * (or a generator) wrote.
 *
 * Input: the whole file. It is handed to vgw_load_settings() through a
 * memfd (the loader reads a path). The command lines it keeps are dropped
 * unrun: running them needs the gateway's tables (fuzz_cli.c runs commands).
 * Property (the round trip tests/unit/test_conf_gen.c checks on generated
 * settings): settings that load print back, by show running-config's
 * settings part, to a text that loads again and prints back byte for byte
 * the same.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "conf/loader.h"
#include "conf/settings.h"
#include "fuzz_util.h"
#include "util/buf.h"

static int fd = -1;
static char path[64];

static int load(const void *text, size_t len, char *err)
{
	if (ftruncate(fd, 0) < 0 || pwrite(fd, text, len, 0) != (ssize_t)len)
		abort();
	vgw_settings_reset();
	int rc = vgw_load_settings(path, err);
	vgw_load_discard();
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fd < 0) {
		fd = memfd_create("vgw-fuzz-conf", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	char err[VGW_ERR_LEN];
	if (load(data, size, err) == 0) {
		struct vgw_buf a, b;
		vgw_buf_init(&a);
		vgw_buf_init(&b);
		vgw_settings_running_config(&a);
		int rc = load(a.data ? a.data : "", a.len, err);
		if (rc != 0)
			fprintf(stderr, "printed settings refused: %s\n---\n%.*s---\n", err,
				(int)a.len, a.data ? a.data : "");
		FUZZ_CHECK(rc == 0);
		vgw_settings_running_config(&b);
		if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len)))
			fprintf(stderr, "---\n%.*s---\n%.*s---\n", (int)a.len, a.data, (int)b.len,
				b.data ? b.data : "");
		FUZZ_CHECK(a.len == b.len && (!a.len || memcmp(a.data, b.data, a.len) == 0));
		vgw_buf_free(&a);
		vgw_buf_free(&b);
	}
	vgw_settings_reset();
	return 0;
}
