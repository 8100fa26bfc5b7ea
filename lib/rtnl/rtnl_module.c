/* The rtnl modules (core/module.h): kernel routes followed into the FIB
 * (`kernel import-table N`), and kernel neighbours followed for af-xdp
 * ports. The `kernel` setting names both Linux tables vgwd uses, the
 * import table and the announce module's table, so that one place checks
 * they differ. Both followers open after the startup commands (their static
 * routes shadow kernel ones) and are read by the slow path. */
#include <stdio.h>
#include <string.h>

#include "../conf/settings.h"
#include "../core/gw.h"
#include "../core/module.h"
#include "../fib/fib.h"
#include "../neigh/neigh.h"
#include "neigh_follow.h"
#include "rtnl_follow.h"

struct vgw_rtnl_conf vgw_rtnl_conf;

/* kernel import-table N | kernel announce-table N (Linux routing tables
 * 1-4294967295 except 253-255 for the announce table: default, main, local
 * belong to the system; the two must differ). */
static int kernel_line(int argc, char **argv, char *err)
{
	uint32_t *t = NULL;
	if (argc == 3 && strcmp(argv[1], "import-table") == 0)
		t = &vgw_rtnl_conf.import_table;
	else if (argc == 3 && strcmp(argv[1], "announce-table") == 0)
		t = &vgw_rtnl_conf.announce_table;
	if (!t) {
		snprintf(err, VGW_ERR_LEN,
			 "kernel: expected 'import-table N' or 'announce-table N'");
		return -1;
	}
	uint32_t v;
	if (vgw_setting_u32(argv[1], argv[2], 1, UINT32_MAX, &v, err) < 0)
		return -1;
	if (v >= 253 && v <= 255 && t == &vgw_rtnl_conf.announce_table) {
		snprintf(err, VGW_ERR_LEN,
			 "kernel announce-table: %u is a system table (default, main, local); "
			 "use a table of its own", v);
		return -1;
	}
	const uint32_t *other = t == &vgw_rtnl_conf.import_table
					? &vgw_rtnl_conf.announce_table
					: &vgw_rtnl_conf.import_table;
	if (v == *other) {
		snprintf(err, VGW_ERR_LEN, "kernel: import-table and announce-table must differ");
		return -1;
	}
	*t = v;
	return 0;
}

static const struct vgw_setting settings[] = {{"kernel", kernel_line}, {NULL, NULL}};

static void rtnl_settings_reset(void)
{
	memset(&vgw_rtnl_conf, 0, sizeof(vgw_rtnl_conf));
}

static void rtnl_settings_config(struct vgw_buf *b)
{
	if (vgw_rtnl_conf.import_table)
		vgw_buf_printf(b, "kernel import-table %u\n", vgw_rtnl_conf.import_table);
	if (vgw_rtnl_conf.announce_table)
		vgw_buf_printf(b, "kernel announce-table %u\n", vgw_rtnl_conf.announce_table);
}

static int krib_start(char *err)
{
	if (!vgw_rtnl_conf.import_table)
		return 0;
	return vgw_rtnl_open(vgw_rtnl_conf.import_table, vgw_fib_conf.max_routes, err);
}

static bool krib_poll(bool ready, uint64_t now)
{
	(void)now;
	vgw_rtnl_poll(ready); /* budgeted: see rtnl_follow.h */
	return false;
}

const struct vgw_module vgw_rtnl_module = {
	.name = "rtnl",
	.cmds = vgw_rtnl_cmds,
	.settings = settings,
	.settings_reset = rtnl_settings_reset,
	.settings_config = rtnl_settings_config,
	.start = krib_start,
	.fini = vgw_rtnl_close,
	.fd = vgw_rtnl_fd,
	.poll = krib_poll,
};

/* the neighbour table asks the kernel through this module */
static int kneigh_init(char *err)
{
	(void)err;
	vgw_neigh_set_kernel_resolve(vgw_neigh_main, vgw_kneigh_resolve);
	return 0;
}

/* af-xdp ports learn their neighbours from the kernel; the ports and the
 * neighbour table exist, the answers are read by the slow path */
static int kneigh_start(char *err)
{
	return vgw_kneigh_wanted() ? vgw_kneigh_open(err) : 0;
}

static bool kneigh_module_poll(bool ready, uint64_t now)
{
	(void)now;
	vgw_kneigh_poll(ready); /* budgeted: see neigh_follow.h */
	return false;
}

uint16_t vgw_kneigh_sp_base;
static const struct vgw_counter_desc kneigh_counters[] = {VGW_KNEIGH_COUNTERS(VGW_COUNTER_DESC, _)};

const struct vgw_module vgw_kneigh_module = {
	.name = "kneigh",
	.init = kneigh_init,
	.start = kneigh_start,
	.fini = vgw_kneigh_close,
	.fd = vgw_kneigh_fd,
	.poll = kneigh_module_poll,
	.sp_counters = {kneigh_counters, VGW_KNEIGH_SP_N, &vgw_kneigh_sp_base},
};
