/* Startup file loader: see loader.h. */
#include "loader.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "settings.h"

struct cmd_line {
	int lineno;
	char *text;
};

static struct {
	char path[256];
	struct cmd_line *cmds;
	int n;
} ld;

void vgw_load_discard(void)
{
	for (int i = 0; i < ld.n; i++)
		free(ld.cmds[i].text);
	free(ld.cmds);
	ld.cmds = NULL;
	ld.n = 0;
}

/* The first word of a command nearest to w within max_dist edits. */
static const char *closest_command(const char *w, unsigned int max_dist, unsigned int *dist)
{
	const char *best = NULL;
	static char word[64];
	*dist = max_dist + 1;
	for (const struct vgw_cmd *c = vgw_cli_next(NULL); c; c = vgw_cli_next(c)) {
		size_t n = strcspn(c->words, " ");
		if (n >= sizeof(word))
			continue;
		char first[sizeof(word)];
		memcpy(first, c->words, n);
		first[n] = '\0';
		unsigned int d = vgw_edit_distance(w, first, max_dist);
		if (d < *dist) {
			memcpy(word, first, n + 1);
			best = word;
			*dist = d;
		}
	}
	return best;
}

/* A line that is not a setting must be a command of the right arity. An
 * unknown first word is named at its own line, with the nearest setting word
 * (in the settings part: `prot p0 ...` is a mistyped `port`) or command word
 * within 2 edits; without this check it was kept as a command and the next
 * setting was refused as coming "after the first command", on a wrong line. */
static int check_command(int argc, char **argv, bool in_commands, char *err)
{
	int first;
	if (vgw_cli_lookup(argc, argv, &first)) {
		/* the command exists: its argument count */
		return vgw_cli_check(argc, argv, &first, err) ? 0 : -1;
	}
	unsigned int ds = UINT32_MAX, dc = UINT32_MAX;
	const char *s = in_commands ? NULL : vgw_settings_closest(argv[0], 2, &ds);
	const char *c = closest_command(argv[0], 2, &dc);
	/* an exact command word (a wrong verb: `route ad`) is no typo of it */
	if (dc == 0)
		c = NULL;
	const char *hint = s && (!c || ds <= dc) ? s : c;
	char dym[96] = "";
	if (hint)
		snprintf(dym, sizeof(dym), "; did you mean '%s'?", hint);
	if (in_commands || dc == 0)
		snprintf(err, VGW_ERR_LEN, "unknown command '%s%s%s'%s", argv[0],
			 argc > 1 ? " " : "", argc > 1 ? argv[1] : "",
			 hint ? dym : "; try 'help'");
	else
		snprintf(err, VGW_ERR_LEN, "unknown setting or command '%s'%s", argv[0],
			 hint ? dym : " (settings: conf/vgw.conf; commands: 'help')");
	return -1;
}

int vgw_load_settings(const char *path, char *err)
{
	vgw_load_discard();
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, VGW_ERR_LEN, "%s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(ld.path, sizeof(ld.path), "%s", path);
	char line[VGW_CLI_MAX_LINE + 1];
	int lineno = 0;
	bool in_commands = false;
	int rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			snprintf(err, VGW_ERR_LEN, "%s:%d: line too long (at most %d bytes)", path,
				 lineno, VGW_CLI_MAX_LINE);
			rc = -1;
			break;
		}
		char copy[sizeof(line)];
		memcpy(copy, line, len + 1);
		char *argv[VGW_CLI_MAX_WORDS];
		int argc = vgw_cli_tokenize(copy, argv, VGW_CLI_MAX_WORDS);
		if (argc < 0) {
			snprintf(err, VGW_ERR_LEN, "%s:%d: too many words", path, lineno);
			rc = -1;
			break;
		}
		if (argc == 0)
			continue;
		if (vgw_settings_is_setting(argv[0])) {
			if (in_commands) {
				snprintf(err, VGW_ERR_LEN,
					 "%s:%d: setting '%s' after the first command (settings come first)",
					 path, lineno, argv[0]);
				rc = -1;
				break;
			}
			char e[VGW_ERR_LEN];
			snprintf(vgw_startup.where, sizeof(vgw_startup.where), "%s:%d", path,
				 lineno);
			rc = vgw_settings_line(argc, argv, e);
			vgw_startup.where[0] = '\0';
			if (rc < 0) {
				snprintf(err, VGW_ERR_LEN, "%s:%d: %s", path, lineno, e);
				rc = -1;
				break;
			}
			continue;
		}
		/* a command's grammar is checked now, before EAL starts (and by
		 * vgwd --check); what it names is checked when it runs */
		char e[VGW_ERR_LEN];
		if (check_command(argc, argv, in_commands, e) < 0) {
			snprintf(err, VGW_ERR_LEN, "%s:%d: %s", path, lineno, e);
			rc = -1;
			break;
		}
		in_commands = true;
		line[strcspn(line, "\r\n")] = '\0';
		struct cmd_line *c = realloc(ld.cmds, sizeof(*c) * (size_t)(ld.n + 1));
		char *text = c ? strdup(line) : NULL;
		if (c)
			ld.cmds = c;
		if (!text) {
			snprintf(err, VGW_ERR_LEN, "out of memory");
			rc = -1;
			break;
		}
		c[ld.n].text = text;
		c[ld.n].lineno = lineno;
		ld.n++;
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, VGW_ERR_LEN, "%s: read error", path);
		rc = -1;
	}
	fclose(f);
	if (rc == 0) {
		char e[VGW_ERR_LEN];
		if (vgw_settings_finish(e) < 0) {
			snprintf(err, VGW_ERR_LEN, "%s: %s", path, e);
			rc = -1;
		}
	}
	return rc;
}

int vgw_load_commands(char *err)
{
	int rc = 0;
	for (int i = 0; i < ld.n; i++) {
		struct vgw_buf out;
		vgw_buf_init(&out);
		char e[VGW_ERR_LEN];
		if (rc == 0 && vgw_cli_exec(ld.cmds[i].text, false, &out, e) < 0) {
			snprintf(err, VGW_ERR_LEN, "%s:%d: %s", ld.path, ld.cmds[i].lineno, e);
			rc = -1;
		}
		vgw_buf_free(&out);
	}
	vgw_load_discard();
	return rc;
}
