/* The EAL leaves its runtime directory (/var/run/dpdk/PREFIX) behind: unit
 * tests that bring EAL up remove it and the files in it at the end, so runs
 * do not pile them up (gw_fixture.h, dp_fixture.h). */
#ifndef VGW_UNIT_RUNDIR_H
#define VGW_UNIT_RUNDIR_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static inline void unit_rm_rundir(const char *rundir)
{
	DIR *d = opendir(rundir);
	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d)) != NULL;) {
		char f[PATH_MAX + 256];
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(f, sizeof(f), "%s/%s", rundir, de->d_name);
			unlink(f);
		}
	}
	closedir(d);
	rmdir(rundir);
}

#endif
