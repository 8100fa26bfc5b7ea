/* Command dispatcher: see cli.h. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "../core/module.h"

/* The module (index in vgw_modules) after `from` that has commands, or -1. */
static int next_table(int from)
{
	for (int i = from; vgw_modules[i]; i++)
		if (vgw_modules[i]->cmds && vgw_modules[i]->cmds->words)
			return i;
	return -1;
}

const struct vgw_cmd *vgw_cli_next(const struct vgw_cmd *prev)
{
	int t = 0;
	if (prev) {
		/* the next entry of prev's table, else the first of a later table */
		if ((prev + 1)->words)
			return prev + 1;
		for (t = 0; vgw_modules[t]; t++) {
			const struct vgw_cmd *c = vgw_modules[t]->cmds;
			while (c && c->words && c != prev)
				c++;
			if (c && c == prev)
				break;
		}
		if (!vgw_modules[t])
			return NULL;
		t++;
	}
	t = next_table(t);
	return t < 0 ? NULL : vgw_modules[t]->cmds;
}

int vgw_cli_tokenize(char *line, char **words, int max)
{
	int n = 0;
	char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			*p++ = '\0';
		if (!*p || *p == '#')
			break;
		if (n == max)
			return -1;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
	}
	*p = '\0';
	return n;
}

/* Number of words of cmd that match argv, or 0 when it is not a prefix. */
static int match(const struct vgw_cmd *c, int argc, char **argv)
{
	const char *w = c->words;
	int i = 0;
	while (*w) {
		size_t len = strcspn(w, " ");
		if (i >= argc || strlen(argv[i]) != len || strncmp(argv[i], w, len) != 0)
			return 0;
		i++;
		w += len;
		while (*w == ' ')
			w++;
	}
	return i;
}

const struct vgw_cmd *vgw_cli_lookup(int argc, char **argv, int *first_arg)
{
	const struct vgw_cmd *best = NULL;
	int best_n = 0;
	for (const struct vgw_cmd *c = vgw_cli_next(NULL); c; c = vgw_cli_next(c)) {
		int n = match(c, argc, argv);
		if (n > best_n) {
			best = c;
			best_n = n;
		}
	}
	*first_arg = best_n;
	return best;
}

bool vgw_cli_read_only(const char *line)
{
	/* the first word decides (a prefix as vgwctl accepts it): no command
	 * outside show, help and complete only reads */
	char copy[VGW_CLI_MAX_LINE], err[VGW_ERR_LEN];
	char *argv[VGW_CLI_MAX_WORDS];
	snprintf(copy, sizeof(copy), "%s", line);
	int argc = vgw_cli_tokenize(copy, argv, VGW_CLI_MAX_WORDS);
	if (argc == 0)
		return true;
	if (argc < 0)
		return false;
	const struct vgw_cmd *c;
	int first;
	if (vgw_cli_resolve(1, argv, true, &c, &first, err) < 0) {
		/* "show" (or "sh") alone is incomplete, yet only reads */
		return strncmp(err, "incomplete", 10) == 0 &&
		       strncmp("show", argv[0], strlen(argv[0])) == 0;
	}
	return strcmp(c->words, "help") == 0 || strcmp(c->words, "complete") == 0;
}

/* Whether argv's argument count (from first) suits c; else err says why. */
static bool arity_ok(const struct vgw_cmd *c, int argc, int first, char err[VGW_ERR_LEN])
{
	int nargs = argc - first;
	if (nargs >= c->min_args && nargs <= c->max_args)
		return true;
	snprintf(err, VGW_ERR_LEN, "%s: usage: %s%s%s",
		 nargs < c->min_args ? "missing argument" : "too many arguments", c->words,
		 c->args[0] ? " " : "", c->args);
	return false;
}

const struct vgw_cmd *vgw_cli_check(int argc, char **argv, int *first_arg,
				    char err[VGW_ERR_LEN])
{
	const struct vgw_cmd *c;
	/* whole words, as the startup file takes them */
	if (vgw_cli_resolve(argc, argv, false, &c, first_arg, err) < 0)
		return NULL;
	return arity_ok(c, argc, *first_arg, err) ? c : NULL;
}

int vgw_cli_exec(const char *line, bool json, struct vgw_buf *out,
		 char err[VGW_ERR_LEN])
{
	return vgw_cli_run(line, json ? VGW_CLI_JSON : 0, out, err);
}

int vgw_cli_run(const char *line, unsigned flags, struct vgw_buf *out,
		char err[VGW_ERR_LEN])
{
	bool json = flags & VGW_CLI_JSON;
	char copy[VGW_CLI_MAX_LINE];
	char *argv[VGW_CLI_MAX_WORDS];
	err[0] = '\0';
	size_t len = strlen(line);
	if (len >= sizeof(copy)) {
		snprintf(err, VGW_ERR_LEN, "line too long (%zu bytes, at most %d)", len,
			 VGW_CLI_MAX_LINE - 1);
		return -1;
	}
	memcpy(copy, line, len + 1);
	int argc = vgw_cli_tokenize(copy, argv, VGW_CLI_MAX_WORDS);
	if (argc < 0) {
		snprintf(err, VGW_ERR_LEN, "too many words (at most %d)", VGW_CLI_MAX_WORDS);
		return -1;
	}
	if (argc == 0)
		return 0;
	int first;
	const struct vgw_cmd *c;
	if (vgw_cli_resolve(argc, argv, flags & VGW_CLI_PREFIX, &c, &first, err) < 0 ||
	    !arity_ok(c, argc, first, err))
		return -1;
	int nargs = argc - first;
	struct vgw_fmt f;
	vgw_fmt_init(&f, out, json);
	struct vgw_cli_ctx ctx = {.f = &f, .json = json};
	int rc = c->fn(&ctx, nargs, argv + first);
	vgw_fmt_finish(&f);
	if (rc < 0) {
		snprintf(err, VGW_ERR_LEN, "%s", ctx.err[0] ? ctx.err : "command failed");
		vgw_buf_reset(out);
		return -1;
	}
	if (out->oom) {
		snprintf(err, VGW_ERR_LEN, "out of memory formatting the output");
		vgw_buf_reset(out);
		return -1;
	}
	return 0;
}

int vgw_cli_kv(struct vgw_cli_ctx *ctx, int argc, char **argv, const char *const *keys,
	       int required, const char **vals)
{
	int nkeys = 0;
	while (keys[nkeys])
		vals[nkeys++] = NULL;
	for (int i = 0; i < argc; i += 2) {
		int k = 0;
		while (k < nkeys && strcmp(argv[i], keys[k]) != 0)
			k++;
		if (k == nkeys) {
			snprintf(ctx->err, VGW_ERR_LEN, "unexpected '%s'", argv[i]);
			return -1;
		}
		if (vals[k]) {
			snprintf(ctx->err, VGW_ERR_LEN, "'%s' given twice", argv[i]);
			return -1;
		}
		if (i + 1 >= argc) {
			snprintf(ctx->err, VGW_ERR_LEN, "'%s' needs a value", argv[i]);
			return -1;
		}
		vals[k] = argv[i + 1];
	}
	for (int k = 0; k < required; k++)
		if (!vals[k]) {
			snprintf(ctx->err, VGW_ERR_LEN, "missing '%s'", keys[k]);
			return -1;
		}
	return 0;
}

void vgw_cli_conf_begin(struct vgw_buf *b, const struct vgw_cmd *c)
{
	vgw_buf_puts(b, c->words);
}

void vgw_cli_conf_arg(struct vgw_buf *b, const char *val)
{
	vgw_buf_printf(b, " %s", val);
}

void vgw_cli_conf_kv(struct vgw_buf *b, const char *key, const char *val)
{
	vgw_buf_printf(b, " %s %s", key, val);
}

void vgw_cli_conf_kv_u(struct vgw_buf *b, const char *key, unsigned long val)
{
	vgw_buf_printf(b, " %s %lu", key, val);
}

void vgw_cli_conf_end(struct vgw_buf *b)
{
	vgw_buf_puts(b, "\n");
}
