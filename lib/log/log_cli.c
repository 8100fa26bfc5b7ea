/* `log level`, `show log`: the log module's commands (log_conf.h). */
#include <string.h>

#include "../cli/cli.h"
#include "../core/log.h"
#include "log_conf.h"

static int cmd_log_level(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	int level;
	/* all checks first: a refused command changes no level */
	if (vgw_log_parse_level(argv[0], argv[1], &level, ctx->err) < 0 ||
	    vgw_log_conf_fits(argv[0], ctx->err) < 0 ||
	    vgw_log_apply(argv[0], level, ctx->err) < 0)
		return -1;
	/* for running-config; fits, so cannot fail */
	return vgw_log_conf_record(argv[0], level, ctx->err);
}

struct show {
	struct vgw_fmt *f;
	bool all;
};

/* One row per type: the formatter of a log type, for text and JSON. */
static bool show_type(void *arg, int id, const char *name)
{
	struct show *s = arg;
	if (!s->all && strncmp(name, "vgw.", 4) != 0)
		return true;
	const char *level = vgw_log_level_name(rte_log_get_level((uint32_t)id));
	vgw_fmt_obj_begin(s->f, NULL);
	vgw_fmt_str(s->f, "type", name);
	vgw_fmt_str(s->f, "level", level ? level : "-");
	vgw_fmt_obj_end(s->f);
	return true;
}

static int cmd_show_log(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	struct show s = {ctx->f, false};
	if (argc == 1) {
		if (strcmp(argv[0], "all") != 0) {
			snprintf(ctx->err, VGW_ERR_LEN, "show log: expected 'all' or nothing, not '%.32s'",
				 argv[0]);
			return -1;
		}
		s.all = true;
	}
	vgw_fmt_str(ctx->f, "output", vgw_log_output_name(vgw_log_output()));
	vgw_fmt_list_begin(ctx->f, "types");
	int n = vgw_log_types(show_type, &s);
	vgw_fmt_list_end(ctx->f);
	if (n < 0) {
		snprintf(ctx->err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	return 0;
}

const struct vgw_cmd vgw_log_cmds[] = {
	{"log level", "TYPE LEVEL",
	 "set the level of the log types TYPE matches (vgw.lb, vgw.*, pmd.net.tap); LEVEL "
	 VGW_LOG_LEVELS, 2, 2, cmd_log_level},
	{"show log", "[all]",
	 "where log lines go, and vgw's log types with their levels (all: DPDK's too)", 0, 1,
	 cmd_show_log},
	{NULL, NULL, NULL, 0, 0, NULL},
};
