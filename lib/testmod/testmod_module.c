/* testmod: see testmod.h. */
#include "testmod.h"

#include <stdio.h>
#include <string.h>

#include "../cli/cli.h"
#include "../conf/settings.h"
#include "../core/gw.h"
#include "../core/module.h"

struct vgw_testmod vgw_testmod;
uint16_t vgw_testmod_drop_base, vgw_testmod_sp_base;

/* 1 to VGW_TESTMOD_NAME_LEN - 1 letters and digits */
static int check_word(const char *what, const char *w, char *err)
{
	size_t n = strlen(w);
	bool ok = n > 0 && n < VGW_TESTMOD_NAME_LEN;
	for (size_t i = 0; ok && i < n; i++)
		ok = (w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9');
	if (!ok)
		snprintf(err, VGW_ERR_LEN, "testmod: %s must be 1-%d lower-case letters or digits",
			 what, VGW_TESTMOD_NAME_LEN - 1);
	return ok ? 0 : -1;
}

/* testmod-greeting WORD (a setting's first word is no command's: the
 * loader tells settings from commands by it) */
static int greeting_line(int argc, char **argv, char *err)
{
	if (argc != 2) {
		snprintf(err, VGW_ERR_LEN, "testmod-greeting: expected 'testmod-greeting WORD'");
		return -1;
	}
	if (check_word("greeting", argv[1], err) < 0)
		return -1;
	snprintf(vgw_testmod.greeting, sizeof(vgw_testmod.greeting), "%s", argv[1]);
	return 0;
}

static const struct vgw_setting settings[] = {{"testmod-greeting", greeting_line},
					      {NULL, NULL}};

static int settings_finish(char *err)
{
	(void)err;
	if (!vgw_testmod.greeting[0])
		snprintf(vgw_testmod.greeting, sizeof(vgw_testmod.greeting), "hello");
	return 0;
}

static void settings_reset(void)
{
	memset(&vgw_testmod, 0, sizeof(vgw_testmod));
}

static void settings_config(struct vgw_buf *b)
{
	vgw_buf_printf(b, "testmod-greeting %s\n", vgw_testmod.greeting);
}

static int find(const char *name)
{
	for (int i = 0; i < vgw_testmod.n_items; i++)
		if (strcmp(vgw_testmod.items[i].name, name) == 0)
			return i;
	return -1;
}

static int cmd_add(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	if (check_word("name", argv[0], ctx->err) < 0)
		return -1;
	if (find(argv[0]) >= 0) {
		snprintf(ctx->err, VGW_ERR_LEN, "testmod: %s exists", argv[0]);
		return -1;
	}
	if (vgw_testmod.n_items == VGW_TESTMOD_ITEMS) {
		snprintf(ctx->err, VGW_ERR_LEN, "testmod: at most %d items", VGW_TESTMOD_ITEMS);
		return -1;
	}
	struct vgw_testmod_item *it = &vgw_testmod.items[vgw_testmod.n_items++];
	snprintf(it->name, sizeof(it->name), "%s", argv[0]);
	it->left = VGW_TESTMOD_AGE;
	return 0;
}

static int cmd_del(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	int i = find(argv[0]);
	if (i < 0) {
		snprintf(ctx->err, VGW_ERR_LEN, "testmod: no item %s", argv[0]);
		return -1;
	}
	memmove(&vgw_testmod.items[i], &vgw_testmod.items[i + 1],
		(size_t)(vgw_testmod.n_items - i - 1) * sizeof(vgw_testmod.items[0]));
	vgw_testmod.n_items--;
	return 0;
}

static int cmd_show(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct vgw_fmt *f = ctx->f;
	vgw_fmt_str(f, "greeting", vgw_testmod.greeting);
	vgw_fmt_u64(f, "ticks", vgw_testmod.ticks);
	vgw_fmt_bool(f, "started", vgw_testmod.started);
	vgw_fmt_list_begin(f, "items");
	for (int i = 0; i < vgw_testmod.n_items; i++) {
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_str(f, "name", vgw_testmod.items[i].name);
		vgw_fmt_bool(f, "ready", vgw_testmod.items[i].left == 0);
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
	return 0;
}

enum { CMD_ADD, CMD_DEL, CMD_SHOW };
static const struct vgw_cmd cmds[] = {
	[CMD_ADD] = {"testmod add", "NAME", "test builds only: add an item to the test module", 1, 1,
		     cmd_add},
	[CMD_DEL] = {"testmod del", "NAME", "test builds only: remove an item", 1, 1, cmd_del},
	[CMD_SHOW] = {"show testmod", "", "test builds only: the test module's state", 0, 0,
		      cmd_show},
	{NULL, NULL, NULL, 0, 0, NULL},
};

/* in the command's own words: what `testmod add` reads back */
static void running_config(struct vgw_buf *b)
{
	for (int i = 0; i < vgw_testmod.n_items; i++)
		vgw_buf_printf(b, "%s %s\n", cmds[CMD_ADD].words, vgw_testmod.items[i].name);
}

static int start(char *err)
{
	(void)err;
	vgw_testmod.started = true;
	return 0;
}

static void stop(uint64_t now)
{
	(void)now;
	vgw_testmod.stopped = true;
}

static void tick(uint64_t now)
{
	(void)now;
	vgw_testmod.ticks++;
	for (int i = 0; i < vgw_testmod.n_items; i++)
		if (vgw_testmod.items[i].left) {
			vgw_testmod.items[i].left--;
			vgw_gw.sp_stats[VGW_TESTMOD_SP(TICKS)]++;
		}
}

static const struct vgw_counter_desc drops[] = {VGW_TESTMOD_DROPS(VGW_COUNTER_DESC, _)};
static const struct vgw_counter_desc counters[] = {VGW_TESTMOD_COUNTERS(VGW_COUNTER_DESC, _)};

const struct vgw_module vgw_testmod_module = {
	.name = "testmod",
	.cmds = cmds,
	.settings = settings,
	.settings_finish = settings_finish,
	.settings_reset = settings_reset,
	.settings_config = settings_config,
	.running_config = running_config,
	.start = start,
	.stop = stop,
	.tick = tick,
	.drops = {drops, VGW_TESTMOD_DROP_N, &vgw_testmod_drop_base},
	.sp_counters = {counters, VGW_TESTMOD_SP_N, &vgw_testmod_sp_base},
};
