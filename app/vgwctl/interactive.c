/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * interactive.c - vgwctl's prompt (see interactive.h). Completion is a
 * request like any other (`complete WORDS...`) on the session's connection,
 * so the daemon that runs the commands is the one that says what they are.
 */
#include "interactive.h"

#include <errno.h>
#include <histedit.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_client.h"

#define PROMPT "vgw> "
#define HISTORY_MAX 1000
#define MAX_CANDS 512

struct session {
	int fd;
	bool json;
	const char *sock_path;
	bool broken; /* a transport error: the loop ends after this line */
};

int vgwctl_term_width(int fd)
{
	struct winsize ws;
	if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) != 0)
		return 0;
	return ws.ws_col;
}

void vgwctl_print_wrapped(FILE *f, const char *body, size_t len, int width)
{
	if (len == 0)
		return;
	const char *nl = memchr(body, '\n', len);
	const char *col = NULL;
	/* only help's table: "COMMAND<blanks>HELP" as its first line */
	if (width > 20 && nl && strncmp(body, "COMMAND ", 8) == 0 && nl - body >= 4 &&
	    strncmp(nl - 4, "HELP", 4) == 0)
		col = nl - 4;
	if (!col) {
		fwrite(body, 1, len, f);
		if (body[len - 1] != '\n')
			fputc('\n', f);
		return;
	}
	int indent = (int)(col - body);
	if (indent > width / 2)
		indent = 4; /* a long usage: the help goes under it, not beside it */
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		int at = 0;
		const char *w = p;
		/* words, breaking before one that would pass the width */
		while (w < e) {
			const char *sp = w;
			while (sp < e && *sp == ' ')
				sp++;
			const char *we = sp;
			while (we < e && *we != ' ')
				we++;
			int need = (int)(we - w);
			if (at > indent && at + need > width) {
				fprintf(f, "\n%*s", indent, "");
				at = indent;
				w = sp;
				need = (int)(we - sp);
			}
			fwrite(w, 1, (size_t)(we - w), f);
			at += need;
			w = we;
		}
		fputc('\n', f);
		p = e + 1;
	}
}

/* ---- completion -------------------------------------------------------- */

struct cands {
	char *body;              /* the response, split in place */
	const char *word[MAX_CANDS];
	const char *help[MAX_CANDS];
	int n;
	char err[512];           /* the daemon's refusal, or a transport error */
};

/* Asks the daemon what may follow the words of buf[0..len) but the last
 * partial one (*partial: where it starts). */
static int ask(struct session *s, const char *buf, size_t len, size_t *partial, struct cands *c)
{
	char line[CTL_REQUEST_MAX];
	const char *words[CTL_REQUEST_MAX / 2];
	size_t nw = 0;
	memset(c, 0, sizeof(*c));
	if (len >= sizeof(line) - 16) {
		snprintf(c->err, sizeof(c->err), "line too long to complete");
		return -1;
	}
	memcpy(line, buf, len);
	line[len] = '\0';
	/* the word under the cursor starts after the last blank */
	size_t st = len;
	while (st > 0 && line[st - 1] != ' ' && line[st - 1] != '\t')
		st--;
	*partial = st;
	words[nw++] = "complete";
	char *save = NULL;
	line[st] = '\0';
	for (char *w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (w[0] == '#')
			break;
		words[nw++] = w;
	}
	char *req;
	size_t req_len;
	int rc = ctl_build_request(false, nw, words, &req, &req_len);
	if (rc < 0) {
		snprintf(c->err, sizeof(c->err), "%s", ctl_strerror(rc));
		return -1;
	}
	struct ctl_response resp;
	rc = ctl_transact(s->fd, req, req_len, &resp);
	free(req);
	if (rc < 0) {
		snprintf(c->err, sizeof(c->err), "%s: %s", s->sock_path, ctl_strerror(rc));
		s->broken = true;
		return -1;
	}
	if (resp.status != CTL_STATUS_OK) {
		snprintf(c->err, sizeof(c->err), "%s", resp.body);
		ctl_response_free(&resp);
		return -1;
	}
	c->body = resp.body; /* owned by c now */
	for (char *l = strtok_r(c->body, "\n", &save); l && c->n < MAX_CANDS;
	     l = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(l, '\t');
		if (tab)
			*tab++ = '\0';
		c->word[c->n] = l;
		c->help[c->n++] = tab ? tab : "";
	}
	return 0;
}

static bool is_placeholder(const char *w)
{
	return w[0] == '<';
}

/* Prints the candidates that start with pre (placeholders always), one per
 * line with their help, under the line being edited. */
static void list(const struct cands *c, const char *pre, size_t plen, bool with_help)
{
	int width = vgwctl_term_width(STDOUT_FILENO);
	int shown = 0, wlen = 0;
	for (int i = 0; i < c->n; i++)
		if ((int)strlen(c->word[i]) > wlen)
			wlen = (int)strlen(c->word[i]);
	fputc('\n', stdout);
	for (int i = 0; i < c->n; i++) {
		if (!is_placeholder(c->word[i]) && strncmp(c->word[i], pre, plen) != 0)
			continue;
		if (with_help && c->help[i][0]) {
			int room = width > wlen + 6 ? width - wlen - 6 : 0;
			int hl = (int)strlen(c->help[i]);
			if (room > 3 && hl > room)
				printf("  %-*s  %.*s...\n", wlen, c->word[i], room - 3, c->help[i]);
			else
				printf("  %-*s  %s\n", wlen, c->word[i], c->help[i]);
		} else {
			printf("  %s\n", c->word[i]);
		}
		shown++;
	}
	if (!shown)
		fputs(plen ? "  (nothing starts with that)\n" : "  (nothing more: Enter runs it)\n",
		      stdout);
	fflush(stdout);
}

static unsigned char complete_or_list(EditLine *el, bool tab)
{
	struct session *s;
	el_get(el, EL_CLIENTDATA, &s);
	const LineInfo *li = el_line(el);
	size_t len = (size_t)(li->cursor - li->buffer), st;
	struct cands c;
	if (ask(s, li->buffer, len, &st, &c) < 0) {
		printf("\n%s\n", c.err);
		free(c.body);
		return CC_REDISPLAY;
	}
	const char *pre = li->buffer + st;
	size_t plen = len - st;
	unsigned char ret = CC_REDISPLAY;
	if (!tab) {
		list(&c, pre, plen, true);
		free(c.body);
		return ret;
	}
	/* Tab: the longest common prefix of the matching words */
	const char *first = NULL;
	size_t common = 0;
	int matches = 0;
	for (int i = 0; i < c.n; i++) {
		const char *w = c.word[i];
		if (is_placeholder(w) || strncmp(w, pre, plen) != 0)
			continue;
		if (!first) {
			first = w;
			common = strlen(w);
		} else {
			size_t k = 0;
			while (k < common && w[k] == first[k])
				k++;
			common = k;
		}
		matches++;
	}
	if (matches == 0) {
		ret = CC_REFRESH_BEEP;
	} else if (common > plen || matches == 1) {
		char ins[256];
		snprintf(ins, sizeof(ins), "%.*s%s", (int)(common - plen), first + plen,
			 matches == 1 ? " " : "");
		el_insertstr(el, ins);
		ret = CC_REFRESH;
	} else {
		list(&c, pre, plen, false);
	}
	free(c.body);
	return ret;
}

static unsigned char on_tab(EditLine *el, int ch)
{
	(void)ch;
	return complete_or_list(el, true);
}

static unsigned char on_question(EditLine *el, int ch)
{
	(void)ch;
	return complete_or_list(el, false);
}

/* ---- history ----------------------------------------------------------- */

/* The history file's path into buf; false when there is no home. */
static bool history_path(char *buf, size_t cap)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;
	if (state && state[0])
		n = snprintf(buf, cap, "%s/vgwctl_history", state);
	else if (home && home[0])
		n = snprintf(buf, cap, "%s/.vgwctl_history", home);
	else
		return false;
	return n > 0 && (size_t)n < cap;
}

/* Ctrl-C drops the line being typed instead of ending vgwctl: the handler
 * only interrupts el_gets' read (no SA_RESTART). */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static char *prompt(EditLine *el)
{
	(void)el;
	return (char *)PROMPT;
}

/* Sends one line; prints the answer. */
static void run(struct session *s, const char *line)
{
	const char *words[CTL_REQUEST_MAX / 2];
	char copy[CTL_REQUEST_MAX + 1];
	size_t nw = 0;
	if (strlen(line) >= sizeof(copy)) {
		fprintf(stderr, "vgwctl: %s (not sent)\n", ctl_strerror(CTL_ETOOLONG));
		return;
	}
	snprintf(copy, sizeof(copy), "%s", line);
	char *save = NULL;
	for (char *w = strtok_r(copy, " \t\r\v\f\n", &save); w;
	     w = strtok_r(NULL, " \t\r\v\f\n", &save)) {
		if (w[0] == '#')
			break;
		words[nw++] = w;
	}
	if (nw == 0)
		return;
	char *req;
	size_t req_len;
	int rc = ctl_build_request(s->json, nw, words, &req, &req_len);
	if (rc < 0) {
		fprintf(stderr, "vgwctl: %s (not sent)\n", ctl_strerror(rc));
		return;
	}
	struct ctl_response resp;
	rc = ctl_transact(s->fd, req, req_len, &resp);
	free(req);
	if (rc < 0) {
		fprintf(stderr, "vgwctl: %s: %s\n", s->sock_path, ctl_strerror(rc));
		s->broken = true;
		return;
	}
	if (resp.status == CTL_STATUS_OK) {
		vgwctl_print_wrapped(stdout, resp.body, resp.len,
				     s->json ? 0 : vgwctl_term_width(STDOUT_FILENO));
	} else {
		fflush(stdout);
		if (resp.len == 0)
			fputs("vgwctl: command failed (no message from vgwd)\n", stderr);
		else
			vgwctl_print_wrapped(stderr, resp.body, resp.len, 0);
	}
	fflush(stdout);
	ctl_response_free(&resp);
}

int vgwctl_interactive(int fd, bool json, const char *sock_path)
{
	struct session s = {fd, json, sock_path, false};
	EditLine *el = el_init("vgwctl", stdin, stdout, stderr);
	History *h = history_init();
	HistEvent ev;
	char path[PATH_MAX];
	bool have_path = history_path(path, sizeof(path));
	if (!el || !h) {
		fprintf(stderr, "vgwctl: cannot set up line editing\n");
		if (el)
			el_end(el);
		if (h)
			history_end(h);
		return 1;
	}
	history(h, &ev, H_SETSIZE, HISTORY_MAX);
	history(h, &ev, H_SETUNIQUE, 1);
	/* a missing file is a first session, not an error */
	if (have_path && history(h, &ev, H_LOAD, path) < 0 && access(path, F_OK) == 0)
		fprintf(stderr, "vgwctl: cannot read history %s\n", path);
	struct sigaction sa = {.sa_handler = on_sigint}, old_sa;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_sa);
	el_set(el, EL_CLIENTDATA, &s);
	el_set(el, EL_PROMPT, prompt);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_SIGNAL, 1); /* resize and restore the terminal on signals */
	el_set(el, EL_HIST, history, h);
	el_set(el, EL_ADDFN, "vgw-complete", "complete the word from vgwd", on_tab);
	el_set(el, EL_ADDFN, "vgw-list", "list what may follow, from vgwd", on_question);
	el_set(el, EL_BIND, "^I", "vgw-complete", NULL);
	el_set(el, EL_BIND, "?", "vgw-list", NULL);
	el_source(el, NULL); /* the user's ~/.editrc may rebind */

	bool warned = false;
	for (;;) {
		int count;
		interrupted = 0;
		const char *line = el_gets(el, &count);
		if (interrupted) { /* Ctrl-C: a fresh prompt */
			fputs("^C\n", stdout);
			el_reset(el);
			continue;
		}
		if (!line || count <= 0) {
			fputc('\n', stdout); /* leave the terminal on a fresh line */
			break;
		}
		/* the line without its newline and trailing blanks: history
		 * recalls what was meant, not where the cursor was */
		size_t n = strcspn(line, "\n");
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		char copy[CTL_REQUEST_MAX + 1];
		if (n >= sizeof(copy)) { /* never send a cut line */
			fprintf(stderr, "vgwctl: %s (not sent)\n", ctl_strerror(CTL_ETOOLONG));
			continue;
		}
		snprintf(copy, sizeof(copy), "%.*s", (int)n, line);
		const char *p = copy + strspn(copy, " \t");
		if (!*p)
			continue;
		history(h, &ev, H_ENTER, copy);
		if (have_path) {
			mode_t old = umask(077);
			if (history(h, &ev, H_SAVE, path) < 0 && !warned) {
				fprintf(stderr, "vgwctl: cannot write history %s: %s\n", path,
					strerror(errno ? errno : EIO));
				warned = true;
			}
			umask(old);
		}
		size_t wl = strcspn(p, " \t");
		if (p[wl + strspn(p + wl, " \t")] == '\0' &&
		    ((wl == 4 && strncmp(p, "quit", 4) == 0) || (wl == 4 && strncmp(p, "exit", 4) == 0)))
			break;
		run(&s, copy);
		if (s.broken)
			break;
	}
	history_end(h);
	el_end(el);
	sigaction(SIGINT, &old_sa, NULL);
	return s.broken ? 2 : 0;
}
