/* help, show version, show running-config. */
#include <string.h>

#include <rte_version.h>

#include "../cli/cli.h"
#include "../conf/settings.h"
#include "../core/module.h"
#include "vgw_version.h"

static int cmd_help(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	struct vgw_fmt *f = ctx->f;
	int shown = 0;
	vgw_fmt_list_begin(f, "commands");
	for (const struct vgw_cmd *c = vgw_cli_next(NULL); c; c = vgw_cli_next(c)) {
		/* help WORD... lists the commands whose words start with them,
		 * each WORD a prefix of its word as vgwctl takes them ("help ro") */
		bool ok = true;
		const char *w = c->words;
		for (int i = 0; i < argc && ok; i++) {
			size_t len = strcspn(w, " ");
			ok = strlen(argv[i]) <= len && strncmp(w, argv[i], strlen(argv[i])) == 0;
			w += len;
			w += strspn(w, " ");
		}
		if (!ok)
			continue;
		char usage[256];
		snprintf(usage, sizeof(usage), "%s%s%s", c->words, c->args[0] ? " " : "", c->args);
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_str(f, "command", usage);
		vgw_fmt_str(f, "help", c->help);
		vgw_fmt_obj_end(f);
		shown++;
	}
	vgw_fmt_list_end(f);
	if (!shown) {
		char words[128];
		size_t at = 0;
		words[0] = '\0';
		for (int i = 0; i < argc && at < sizeof(words); i++)
			at += (size_t)snprintf(words + at, sizeof(words) - at, "%s%s", i ? " " : "",
					       argv[i]);
		snprintf(ctx->err, VGW_ERR_LEN, "no command starts with '%s'", words);
		return -1;
	}
	return 0;
}

/* Collects completions: JSON a list of {word, help}; text one line each,
 * "WORD\tHELP", without a header, for vgwctl and the bash completion to read. */
struct complete_out {
	struct vgw_cli_ctx *ctx;
	int n;
};

static void complete_add(void *arg, const char *word, const char *help)
{
	struct complete_out *o = arg;
	if (o->ctx->json) {
		vgw_fmt_obj_begin(o->ctx->f, NULL);
		vgw_fmt_str(o->ctx->f, "word", word);
		vgw_fmt_str(o->ctx->f, "help", help);
		vgw_fmt_obj_end(o->ctx->f);
	} else {
		vgw_buf_printf(o->ctx->f->out, "%s\t%s\n", word, help);
	}
	o->n++;
}

static int cmd_complete(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	struct complete_out o = {ctx, 0};
	if (ctx->json)
		vgw_fmt_list_begin(ctx->f, "completions");
	int rc = vgw_cli_complete(argc, argv, complete_add, &o, ctx->err);
	if (ctx->json)
		vgw_fmt_list_end(ctx->f);
	return rc;
}

static int cmd_show_version(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	vgw_fmt_str(ctx->f, "version", VGW_VERSION);
	vgw_fmt_str(ctx->f, "dpdk", rte_version());
	return 0;
}

static int cmd_show_running_config(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct vgw_buf b;
	vgw_buf_init(&b);
	vgw_buf_puts(&b, "# settings\n");
	vgw_settings_running_config(&b);
	vgw_buf_puts(&b, "# commands\n");
	VGW_FOREACH_MODULE(mod)
		if (mod->running_config)
			mod->running_config(&b);
	if (b.oom) {
		vgw_buf_free(&b);
		snprintf(ctx->err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	if (ctx->json) {
		/* one string per line, comments left out */
		vgw_fmt_list_begin(ctx->f, "config");
		for (char *line = strtok(b.data, "\n"); line; line = strtok(NULL, "\n"))
			if (line[0] != '#')
				vgw_fmt_str(ctx->f, NULL, line);
		vgw_fmt_list_end(ctx->f);
	} else {
		vgw_buf_append(ctx->f->out, b.data, b.len);
	}
	vgw_buf_free(&b);
	return 0;
}

const struct vgw_cmd vgw_core_cmds[] = {
	{"help", "[WORD...]", "list commands (those whose words start with WORD...)", 0, 8, cmd_help},
	{"complete", "[WORD...]",
	 "what may follow WORD... (command words, keywords, object names): vgwctl's Tab", 0,
	 VGW_CLI_MAX_WORDS - 1, cmd_complete},
	{"show version", "", "vgw and DPDK versions", 0, 0, cmd_show_version},
	{"show running-config", "", "settings and commands that rebuild the current state", 0, 0,
	 cmd_show_running_config},
	{NULL, NULL, NULL, 0, 0, NULL},
};
