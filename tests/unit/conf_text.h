/* Unit-test helper: load a startup file given as text (written to a temp
 * file, since the loader reports FILE:LINE), from a reset settings state. */
#ifndef VGW_TEST_CONF_TEXT_H
#define VGW_TEST_CONF_TEXT_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/loader.h"
#include "conf/settings.h"

/* The temp file's name starts with this: errors must name it (FILE:LINE). */
#define UNIT_CONF_PREFIX "/tmp/vgw-conf-"

/* The loader's result; -2 when the temp file could not be written. */
static inline int unit_load_text(const char *text, char *err)
{
	char path[] = UNIT_CONF_PREFIX "XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -2;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	vgw_settings_reset();
	int rc = n == (ssize_t)strlen(text) ? vgw_load_settings(path, err) : -2;
	unlink(path);
	return rc;
}

#endif
