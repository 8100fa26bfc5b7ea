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

/* Distinct words that may follow the same words (first words of all
 * commands, words after "show", ...): a bound for the grammar walk. */
#define VGW_CLI_MAX_CMDS 256

/* Receives one completion: a word that may come next and what it does ("" when
 * it is a keyword, an object name or a group of commands). */
typedef void (*vgw_cli_add_fn)(void *arg, const char *word, const char *help);

/* Object names a placeholder of the argument synopses stands for, listed by
 * the module that owns them (its `names` table, core/module.h): completion
 * offers them. cmd (NULL: every command) limits the entry to the commands
 * whose words start with it, because a placeholder means different things in
 * different commands ("vpc del NAME" is a VPC, "service del NAME" a
 * service). list calls add once per name (help ""); slow path. */
struct vgw_cli_names {
	const char *cmd;
	const char *placeholder;
	void (*list)(vgw_cli_add_fn add, void *arg);
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

/* Resolves the leading command words of argv down the grammar tree (the
 * words of every command). With prefix, a word may be a unique prefix of the
 * word it stands for ("sh ro" is "show route"; an exact word wins: "show xdp"
 * with "show xdp map" registered); without, words must be exact (the startup
 * file: a prefix unique today may be ambiguous once a command is added).
 * The longest command that matches wins; the words after it are its
 * arguments (*first_arg is the first). Returns 0, or -1 with err:
 *   incomplete command 'show'; next word: version, route, ...
 *   ambiguous command 's': show, service, stats, ...
 *   unknown command 'sho rute'; did you mean 'route'?   (within 2 edits)
 *   unknown command 'frobnicate'; try 'help' */
int vgw_cli_resolve(int argc, char **argv, bool prefix, const struct vgw_cmd **cmd,
		    int *first_arg, char err[VGW_ERR_LEN]);

/* Calls add for each word that may follow argv[0..argc-1] (prefixes accepted,
 * as vgw_cli_resolve): the next command words (with the help of the command
 * they complete), and once a command is named, the keywords of its argument
 * synopsis not given yet and the names (struct vgw_cli_names) of the
 * placeholder due next. The caller filters by what the user typed of the
 * word. Returns 0, or -1 with err when argv names no command (the message of
 * vgw_cli_resolve). Slow path (names read the tables). */
int vgw_cli_complete(int argc, char **argv, vgw_cli_add_fn add, void *arg,
		     char err[VGW_ERR_LEN]);

/* Levenshtein distance of two words; 99 when one is longer than 31 bytes. */
int vgw_cli_edit_distance(const char *a, const char *b);

/* The grammar of a tokenized line without running it: the command exists
 * and takes this many arguments. Returns the command (*first_arg as in
 * vgw_cli_resolve, whole words), or NULL with err set (the message vgw_cli_exec gives).
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

/* vgw_cli_run flags */
#define VGW_CLI_JSON 1u   /* JSON output */
#define VGW_CLI_PREFIX 2u /* command words may be unique prefixes (vgwctl) */

/* Runs one line (vgw_cli_exec with flags): the control socket passes
 * VGW_CLI_PREFIX, the startup file does not. */
int vgw_cli_run(const char *line, unsigned flags, struct vgw_buf *out,
		char err[VGW_ERR_LEN]);

/* Runs one line, exact command words. Output (text or JSON) goes to out; on error returns -1 and
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
