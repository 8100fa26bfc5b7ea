/* Start-up settings: see settings.h. */
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../core/gw.h"
#include "../core/module.h"

struct vgw_startup vgw_startup;

int vgw_setting_u32(const char *what, const char *v, uint64_t min, uint64_t max, uint32_t *out,
		    char *err)
{
	uint64_t x;
	char e[VGW_ERR_LEN];
	if (vgw_parse_u64(v, min, max, &x, e) < 0) {
		snprintf(err, VGW_ERR_LEN, "%s: %s", what, e);
		return -1;
	}
	*out = (uint32_t)x;
	return 0;
}

/* The core's own settings: EAL, lcores, the control socket, the pool. */

static int eal_line(int argc, char **argv, char *err)
{
	for (int i = 1; i < argc; i++) {
		if (vgw_startup.n_eal_args == VGW_MAX_EAL_ARGS) {
			snprintf(err, VGW_ERR_LEN, "eal: too many arguments");
			return -1;
		}
		vgw_startup.eal_args[vgw_startup.n_eal_args++] = strdup(argv[i]);
	}
	return 0;
}

static int lcores_line(int argc, char **argv, char *err)
{
	if (argc != 2) {
		snprintf(err, VGW_ERR_LEN, "lcores: expected 'lcores LIST'");
		return -1;
	}
	if (strlen(argv[1]) >= sizeof(vgw_gw.set.lcores)) {
		snprintf(err, VGW_ERR_LEN, "lcores: list too long");
		return -1;
	}
	if (strspn(argv[1], "0123456789,@-()") != strlen(argv[1])) {
		snprintf(err, VGW_ERR_LEN, "lcores: invalid list '%s' (e.g. 0,1 or 0@0,1@1,2@1)",
			 argv[1]);
		return -1;
	}
	snprintf(vgw_gw.set.lcores, sizeof(vgw_gw.set.lcores), "%s", argv[1]);
	return 0;
}

/* A group name as Debian's adduser takes it (NAME_REGEX, 32 bytes at most):
 * anything else cannot name a group, so it is refused here, before EAL,
 * rather than by getgrnam() at start. */
static int group_name(const char *g, char *err)
{
	size_t n = strlen(g);
	bool ok = n >= 1 && n <= 32 && ((g[0] >= 'a' && g[0] <= 'z') || g[0] == '_');
	for (size_t i = 1; ok && i < n; i++)
		ok = (g[i] >= 'a' && g[i] <= 'z') || (g[i] >= '0' && g[i] <= '9') ||
		     g[i] == '_' || g[i] == '-';
	if (!ok) {
		snprintf(err, VGW_ERR_LEN,
			 "control group: invalid group name '%s' (1-32 of a-z 0-9 _ -, "
			 "starting with a letter or _)", g);
		return -1;
	}
	return 0;
}

static int control_line(int argc, char **argv, char *err)
{
	if (argc == 3 && strcmp(argv[1], "group") == 0) {
		if (group_name(argv[2], err) < 0)
			return -1;
		snprintf(vgw_gw.set.socket_group, sizeof(vgw_gw.set.socket_group), "%s", argv[2]);
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "socket") != 0) {
		snprintf(err, VGW_ERR_LEN, "control: expected 'socket PATH' or 'group NAME'");
		return -1;
	}
	if (argv[2][0] != '/' || strlen(argv[2]) >= sizeof(vgw_gw.set.socket_path)) {
		snprintf(err, VGW_ERR_LEN, "control socket: absolute path under %zu bytes",
			 sizeof(vgw_gw.set.socket_path));
		return -1;
	}
	snprintf(vgw_gw.set.socket_path, sizeof(vgw_gw.set.socket_path), "%s", argv[2]);
	return 0;
}

const struct vgw_setting vgw_core_settings[] = {
	{"eal", eal_line},
	{"lcores", lcores_line},
	{"control", control_line},
	/* 0 (unset): sized from what the modules hold (app/vgwd/main.c) */
	{"mbufs", .u32 = &vgw_gw.set.mbufs, .min = 1023, .max = 16u << 20},
	{NULL, NULL},
};

int vgw_core_settings_finish(char *err)
{
	(void)err;
	if (!vgw_gw.set.lcores[0])
		snprintf(vgw_gw.set.lcores, sizeof(vgw_gw.set.lcores), "0,1");
	if (!vgw_gw.set.socket_path[0])
		snprintf(vgw_gw.set.socket_path, sizeof(vgw_gw.set.socket_path),
			 "/run/vgw/vgwd.sock");
	return 0;
}

void vgw_core_settings_reset(void)
{
	for (int i = 0; i < vgw_startup.n_eal_args; i++)
		free(vgw_startup.eal_args[i]);
	memset(&vgw_startup, 0, sizeof(vgw_startup));
	memset(&vgw_gw.set, 0, sizeof(vgw_gw.set));
}

void vgw_core_settings_config(struct vgw_buf *b)
{
	/* Up to VGW_MAX_EAL_ARGS words, more than one line of the file holds
	 * (VGW_CLI_MAX_WORDS words with "eal", VGW_CLI_MAX_LINE - 1 bytes): a
	 * new `eal` line when the next word would not fit. Each word came from
	 * a file line, so it fits on a line of its own. */
	int words = 0;
	size_t len = 0;
	for (int i = 0; i < vgw_startup.n_eal_args; i++) {
		size_t w = 1 + strlen(vgw_startup.eal_args[i]);
		if (words && (words == VGW_CLI_MAX_WORDS - 1 || len + w > VGW_CLI_MAX_LINE - 1)) {
			vgw_buf_puts(b, "\n");
			words = 0;
		}
		if (!words) {
			vgw_buf_puts(b, "eal");
			len = 3;
		}
		vgw_buf_printf(b, " %s", vgw_startup.eal_args[i]);
		words++;
		len += w;
	}
	if (words)
		vgw_buf_puts(b, "\n");
	vgw_buf_printf(b, "lcores %s\n", vgw_gw.set.lcores);
	vgw_buf_printf(b, "control socket %s\n", vgw_gw.set.socket_path);
	if (vgw_gw.set.socket_group[0])
		vgw_buf_printf(b, "control group %s\n", vgw_gw.set.socket_group);
}

/* The generic part: a line goes to the module that owns its first word;
 * number settings are parsed, defaulted, reset and printed here. */

static bool owns(const struct vgw_setting *s, const char *w)
{
	return strcmp(s->word, w) == 0;
}

#define FOREACH_SETTING(s)                                                     \
	VGW_FOREACH_MODULE(mod_)                                               \
		for (const struct vgw_setting *s = mod_->settings; s && s->word; s++)

bool vgw_settings_is_setting(const char *w)
{
	FOREACH_SETTING(s)
		if (owns(s, w))
			return true;
	return false;
}

const char *vgw_settings_closest(const char *w, unsigned int max_dist, unsigned int *dist)
{
	const char *best = NULL;
	unsigned int best_d = max_dist + 1;
	FOREACH_SETTING(s) {
		unsigned int d = vgw_edit_distance(w, s->word, max_dist);
		if (d < best_d) {
			best = s->word;
			best_d = d;
		}
	}
	if (dist)
		*dist = best_d;
	return best;
}

/* "word key N" or "word N": the number entry that takes this line */
static bool number_matches(const struct vgw_setting *s, int argc, char **argv)
{
	return s->u32 && (s->key ? argc == 3 && strcmp(argv[1], s->key) == 0 : argc == 2);
}

int vgw_settings_line(int argc, char **argv, char *err)
{
	const struct vgw_setting *custom = NULL;
	char expected[VGW_ERR_LEN] = "";
	size_t len = 0;
	FOREACH_SETTING(s) {
		if (!owns(s, argv[0]))
			continue;
		if (number_matches(s, argc, argv)) {
			char what[96];
			snprintf(what, sizeof(what), "%s%s%s", s->word, s->key ? " " : "",
				 s->key ? s->key : "");
			return vgw_setting_u32(what, argv[argc - 1], s->min, s->max, s->u32, err);
		}
		if (s->parse) {
			custom = s;
		} else if (len < sizeof(expected)) {
			len += (size_t)snprintf(expected + len, sizeof(expected) - len, "%s'%s%s%s'",
						len ? " or " : "", s->key ? s->key : "",
						s->key ? " " : "", s->arg ? s->arg : "N");
		}
	}
	if (custom)
		return custom->parse(argc, argv, err);
	if (len) {
		snprintf(err, VGW_ERR_LEN, "%s: expected %s", argv[0], expected);
		return -1;
	}
	snprintf(err, VGW_ERR_LEN, "invalid setting '%s' (see conf/vgw.conf for the syntax)",
		 argv[0]);
	return -1;
}

int vgw_settings_finish(char *err)
{
	FOREACH_SETTING(s)
		if (s->u32 && !*s->u32)
			*s->u32 = s->def;
	VGW_FOREACH_MODULE(mod)
		if (mod->settings_finish && mod->settings_finish(err) < 0)
			return -1;
	return 0;
}

void vgw_settings_reset(void)
{
	FOREACH_SETTING(s)
		if (s->u32)
			*s->u32 = 0;
	VGW_FOREACH_MODULE(mod)
		if (mod->settings_reset)
			mod->settings_reset();
}

void vgw_settings_running_config(struct vgw_buf *b)
{
	VGW_FOREACH_MODULE(mod) {
		if (mod->settings_config)
			mod->settings_config(b);
		for (const struct vgw_setting *s = mod->settings; s && s->word; s++)
			if (s->u32 && *s->u32)
				vgw_buf_printf(b, "%s%s%s %u\n", s->word, s->key ? " " : "",
					       s->key ? s->key : "", *s->u32);
	}
}
