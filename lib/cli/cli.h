/* Command registry and dispatcher: one grammar for the startup file and vgwctl.
 *
 * Commands are data: the words that name them, an argument synopsis, a help
 * line, argument-count bounds and a handler. The control socket and the
 * startup-file loader both call vgw_cli_exec(), so a command behaves the same
 * wherever it comes from. Handlers validate every argument before changing
 * anything and either apply the whole change or none of it.
 * Contract: slow path only. */
#ifndef VGW_CLI_H
#define VGW_CLI_H

#include <stdbool.h>

#include "../util/buf.h"
#include "../util/fmt.h"
#include "../util/parse.h"

#define VGW_CLI_MAX_LINE 4096
#define VGW_CLI_MAX_WORDS 64

struct vgw_cli_ctx {
	struct vgw_fmt *f; /* output of the command */
	char err[VGW_ERR_LEN];
	bool json;
};

/* Returns 0 on success, -1 with ctx->err set. */
typedef int (*vgw_cli_fn)(struct vgw_cli_ctx *ctx, int argc, char **argv);

struct vgw_cmd {
	const char *words; /* "route add" */
	const char *args;  /* "PREFIX via NH [via NH ...]" */
	const char *help;
	int min_args;
	int max_args;
	vgw_cli_fn fn;
};

/* Iterate over every module's commands (core/module.h), in table order
 * (for help and the doc test). */
const struct vgw_cmd *vgw_cli_next(const struct vgw_cmd *prev);

/* Splits a line into words in place. '#' at the start of a word starts a
 * comment. Returns the number of words, or -1 (too many words). */
int vgw_cli_tokenize(char *line, char **words, int max);

/* Finds the command named by the leading words; sets *nargs to the index of
 * its first argument. NULL if none matches. */
const struct vgw_cmd *vgw_cli_lookup(int argc, char **argv, int *first_arg);

/* The grammar of a tokenized line without running it: the command exists
 * and takes this many arguments. Returns the command (*first_arg as in
 * vgw_cli_lookup), or NULL with err set (the message vgw_cli_exec gives).
 * Needs no table nor port: the startup loader checks every command line with
 * it before EAL starts (and vgwd --check). */
const struct vgw_cmd *vgw_cli_check(int argc, char **argv, int *first_arg,
				    char err[VGW_ERR_LEN]);

/* Parses "KEY VALUE ..." pairs: each argv word must be one of keys (NULL
 * terminated), at most once, followed by a value; vals[i] gets the value of
 * keys[i] or stays NULL. keys listed in `required` (a prefix count) must be
 * present. Returns 0, or -1 with ctx->err set. */
int vgw_cli_kv(struct vgw_cli_ctx *ctx, int argc, char **argv, const char *const *keys,
	       int required, const char **vals);

/* True when line names a command that only reads state: `help` and every
 * `show ...` (empty and comment lines too). Every other line, unknown and
 * malformed ones included, counts as changing the configuration: the control
 * socket audits those (doc/architecture.md, "Control socket"). */
bool vgw_cli_read_only(const char *line);

/* Runs one line. Output (text or JSON) goes to out; on error returns -1 and
 * writes the message into err. An empty or comment-only line succeeds. */
int vgw_cli_exec(const char *line, bool json, struct vgw_buf *out,
		 char err[VGW_ERR_LEN]);

/* Running-config lines in a command's own grammar (a module's
 * running_config, core/module.h): the line starts with the command's words
 * from its table entry, takes positional arguments, and keyed ones whose key
 * is the parser's own (the same key array vgw_cli_kv reads), so the printed
 * text is what the command parses, never a second spelling of it. */
void vgw_cli_conf_begin(struct vgw_buf *b, const struct vgw_cmd *c);
void vgw_cli_conf_arg(struct vgw_buf *b, const char *val);
void vgw_cli_conf_kv(struct vgw_buf *b, const char *key, const char *val);
void vgw_cli_conf_kv_u(struct vgw_buf *b, const char *key, unsigned long val);
void vgw_cli_conf_end(struct vgw_buf *b);

#endif
