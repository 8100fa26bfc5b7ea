/* The grammar walk behind the dispatcher and completion: see cli.h.
 *
 * The command words of every registered command form a tree (show -> route
 * -> summary); a line is resolved word by word down that tree. It lives apart
 * from cli.c because resolution, suggestions and completion are one concern
 * (what may come next after these words), while cli.c runs commands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "../core/module.h"

/* A word of a command's words: start and length (no NUL in the registry). */
struct word {
	const char *s;
	size_t len;
};

/* Word k of c->words (len 0 when c has fewer words). */
static struct word cmd_word(const struct vgw_cmd *c, int k)
{
	const char *w = c->words;
	for (int i = 0; *w; i++) {
		size_t len = strcspn(w, " ");
		if (i == k)
			return (struct word){w, len};
		w += len;
		w += strspn(w, " ");
	}
	return (struct word){NULL, 0};
}

static int cmd_nwords(const struct vgw_cmd *c)
{
	int n = 0;
	while (cmd_word(c, n).len)
		n++;
	return n;
}

static bool word_eq(struct word a, const char *s)
{
	return a.len == strlen(s) && strncmp(a.s, s, a.len) == 0;
}

static bool word_starts(struct word a, const char *s)
{
	size_t n = strlen(s);
	return n <= a.len && strncmp(a.s, s, n) == 0;
}

/* True when the first k words of c are those already resolved. */
static bool cmd_under(const struct vgw_cmd *c, const struct word *res, int k)
{
	for (int i = 0; i < k; i++) {
		struct word w = cmd_word(c, i);
		if (w.len != res[i].len || strncmp(w.s, res[i].s, w.len) != 0)
			return false;
	}
	return true;
}

/* The distinct words that may follow res[0..k-1] (first occurrence, in table
 * order); *nout of them, at most max. */
static int next_words(const struct word *res, int k, struct word *out, int max)
{
	int n = 0;
	for (const struct vgw_cmd *c = vgw_cli_next(NULL); c; c = vgw_cli_next(c)) {
		if (!cmd_under(c, res, k))
			continue;
		struct word w = cmd_word(c, k);
		if (!w.len)
			continue;
		bool seen = false;
		for (int i = 0; i < n && !seen; i++)
			seen = out[i].len == w.len && strncmp(out[i].s, w.s, w.len) == 0;
		if (!seen && n < max)
			out[n++] = w;
	}
	return n;
}

/* The command whose words are exactly res[0..k-1], or NULL. */
static const struct vgw_cmd *whole_cmd(const struct word *res, int k)
{
	for (const struct vgw_cmd *c = vgw_cli_next(NULL); c; c = vgw_cli_next(c))
		if (cmd_nwords(c) == k && cmd_under(c, res, k))
			return c;
	return NULL;
}

int vgw_cli_edit_distance(const char *a, const char *b)
{
	/* Levenshtein over at most 31 bytes each: longer words are never
	 * typos of a command word, they count as far */
	size_t la = strlen(a), lb = strlen(b);
	if (la > 31 || lb > 31)
		return 99;
	int row[32];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* Appends "a, b, c" (the words) to err after its current text, cut with
 * "..." when it does not fit. */
static void list_words(char *err, const struct word *w, int n)
{
	size_t at = strlen(err);
	for (int i = 0; i < n; i++) {
		int len = snprintf(err + at, VGW_ERR_LEN - at, "%s%.*s", i ? ", " : "",
				   (int)w[i].len, w[i].s);
		if (len < 0 || at + (size_t)len + 5 >= VGW_ERR_LEN) {
			snprintf(err + (at < VGW_ERR_LEN - 5 ? at : VGW_ERR_LEN - 5),
				 5, "...");
			return;
		}
		at += (size_t)len;
	}
}

/* "'w0 w1 ... wk'" of the line as typed, into buf. */
static void typed(char *buf, size_t cap, int k, char **argv)
{
	size_t at = 0;
	buf[0] = '\0';
	for (int i = 0; i <= k && at < cap; i++)
		at += (size_t)snprintf(buf + at, cap - at, "%s%s", i ? " " : "", argv[i]);
}

int vgw_cli_resolve(int argc, char **argv, bool prefix, const struct vgw_cmd **cmd,
		    int *first_arg, char err[VGW_ERR_LEN])
{
	struct word res[VGW_CLI_MAX_WORDS], next[VGW_CLI_MAX_CMDS];
	char line[128];
	*cmd = NULL;
	*first_arg = 0;
	err[0] = '\0';
	for (int k = 0;; k++) {
		const struct vgw_cmd *whole = k ? whole_cmd(res, k) : NULL;
		int n = next_words(res, k, next, VGW_CLI_MAX_CMDS);
		if (k == argc) {
			if (whole) {
				*cmd = whole;
				*first_arg = k;
				return 0;
			}
			typed(line, sizeof(line), k - 1, argv);
			snprintf(err, VGW_ERR_LEN, "incomplete command '%s'; next word: ", line);
			list_words(err, next, n);
			return -1;
		}
		/* an exact word wins over prefixes: "show xdp" while "show xdp map" exists */
		int exact = -1, starts = 0, last = -1;
		struct word cand[VGW_CLI_MAX_CMDS];
		for (int i = 0; i < n; i++) {
			if (word_eq(next[i], argv[k]))
				exact = i;
			if (word_starts(next[i], argv[k]))
				cand[starts++] = next[last = i];
		}
		if (exact < 0 && prefix && starts == 1)
			exact = last;
		if (exact >= 0) {
			res[k] = next[exact];
			continue;
		}
		if (whole) { /* the rest are the command's arguments */
			*cmd = whole;
			*first_arg = k;
			return 0;
		}
		typed(line, sizeof(line), k, argv);
		if (prefix && starts > 1) {
			snprintf(err, VGW_ERR_LEN, "ambiguous command '%s': ", line);
			list_words(err, cand, starts);
			return -1;
		}
		/* the closest word within 2 edits (or the word it starts, in the
		 * startup file's exact grammar) */
		int best = -1, best_d = 3;
		for (int i = 0; i < n; i++) {
			char w[64];
			snprintf(w, sizeof(w), "%.*s", (int)next[i].len, next[i].s);
			int d = word_starts(next[i], argv[k]) ? 1 : vgw_cli_edit_distance(argv[k], w);
			if (d < best_d && d <= (int)next[i].len / 2 + 1) {
				best = i;
				best_d = d;
			}
		}
		if (best >= 0)
			snprintf(err, VGW_ERR_LEN, "unknown command '%s'; did you mean '%.*s'?", line,
				 (int)next[best].len, next[best].s);
		else
			snprintf(err, VGW_ERR_LEN, "unknown command '%s'; try 'help'", line);
		return -1;
	}
}

/* ---- completion ------------------------------------------------------- */

/* A token of an argument synopsis: a keyword ("via", "all") or a
 * placeholder ("NH", "NAME"); val is the placeholder a keyword takes (in the
 * same bracket group right after it), NULL for a flag. */
struct tok {
	char s[32];
	bool keyword;
	int val; /* index of the keyword's value token, -1: none */
};

#define MAX_TOKS 32

/* Splits c->args into tokens; text that is neither ("...", "-ADDR", ",...")
 * is skipped. Returns the number of tokens. */
static int synopsis(const char *args, struct tok *t)
{
	int n = 0;
	bool bracket = false; /* a '[' or ']' since the previous token */
	for (const char *p = args; *p && n < MAX_TOKS;) {
		if (*p == '[' || *p == ']' || *p == ' ') {
			bracket |= *p != ' ';
			p++;
			continue;
		}
		size_t len = strcspn(p, " []");
		bool kw = *p >= 'a' && *p <= 'z';
		bool ph = *p >= 'A' && *p <= 'Z';
		if ((kw || ph) && len < sizeof(t[n].s)) {
			snprintf(t[n].s, sizeof(t[n].s), "%.*s", (int)len, p);
			t[n].keyword = kw;
			t[n].val = -1;
			if (ph && n > 0 && t[n - 1].keyword && !bracket)
				t[n - 1].val = n;
			n++;
			bracket = false;
		}
		p += len;
	}
	return n;
}

/* Whether token i is the value of a keyword. */
static bool is_value(const struct tok *t, int n, int i)
{
	for (int j = 0; j < n; j++)
		if (t[j].val == i)
			return true;
	return false;
}

/* Offers the names of placeholder ph of command c, from the modules'
 * `names` tables, then the placeholder itself as "<PH>" (a hint for `?`,
 * which clients never insert). */
static void offer_names(const struct vgw_cmd *c, const char *ph, vgw_cli_add_fn add, void *arg)
{
	char hint[40];
	VGW_FOREACH_MODULE(m) {
		for (const struct vgw_cli_names *e = m->names; e && e->placeholder; e++) {
			if (strcmp(e->placeholder, ph) != 0)
				continue;
			size_t l = e->cmd ? strlen(e->cmd) : 0;
			if (e->cmd && (strncmp(c->words, e->cmd, l) != 0 ||
				       (c->words[l] != '\0' && c->words[l] != ' ')))
				continue;
			e->list(add, arg);
		}
	}
	snprintf(hint, sizeof(hint), "<%s>", ph);
	add(arg, hint, "");
}

/* What may follow the arguments a[0..n-1] of command c. */
static void complete_args(const struct vgw_cmd *c, int n, char **a, vgw_cli_add_fn add,
			  void *arg)
{
	struct tok t[MAX_TOKS];
	int nt = synopsis(c->args, t);
	bool repeats = strstr(c->args, "...") != NULL;
	int used[MAX_TOKS] = {0};
	int pos = 0;        /* positional arguments given */
	int expect = -1;    /* the value token the next word is */
	for (int i = 0; i < n; i++) {
		if (expect >= 0) {
			expect = -1;
			continue;
		}
		int k = -1;
		for (int j = 0; j < nt && k < 0; j++)
			if (t[j].keyword && strcmp(t[j].s, a[i]) == 0)
				k = j;
		if (k >= 0) {
			used[k]++;
			expect = t[k].val;
		} else {
			pos++;
		}
	}
	if (expect >= 0) {
		offer_names(c, t[expect].s, add, arg);
		return;
	}
	/* the next positional placeholder, then the keywords not used up */
	int p = 0;
	for (int j = 0; j < nt; j++) {
		if (t[j].keyword || is_value(t, nt, j))
			continue;
		if (p++ == pos)
			offer_names(c, t[j].s, add, arg);
	}
	for (int j = 0; j < nt; j++) {
		if (!t[j].keyword)
			continue;
		int seen = 0; /* the same keyword earlier in the synopsis */
		for (int i = 0; i < j; i++)
			seen += strcmp(t[i].s, t[j].s) == 0;
		if (seen == 0 && (!used[j] || repeats))
			add(arg, t[j].s, "");
	}
}

int vgw_cli_complete(int argc, char **argv, vgw_cli_add_fn add, void *arg,
		     char err[VGW_ERR_LEN])
{
	struct word res[VGW_CLI_MAX_WORDS], next[VGW_CLI_MAX_CMDS];
	err[0] = '\0';
	for (int k = 0;; k++) {
		const struct vgw_cmd *whole = k ? whole_cmd(res, k) : NULL;
		int n = next_words(res, k, next, VGW_CLI_MAX_CMDS);
		if (k == argc) {
			for (int i = 0; i < n; i++) {
				char w[64];
				snprintf(w, sizeof(w), "%.*s", (int)next[i].len, next[i].s);
				res[k] = next[i];
				const struct vgw_cmd *c = whole_cmd(res, k + 1);
				add(arg, w, c ? c->help : "");
			}
			if (whole)
				complete_args(whole, 0, argv + k, add, arg);
			return 0;
		}
		int exact = -1, starts = 0, last = -1;
		for (int i = 0; i < n; i++) {
			if (word_eq(next[i], argv[k]))
				exact = i;
			if (word_starts(next[i], argv[k])) {
				starts++;
				last = i;
			}
		}
		if (exact < 0 && starts == 1)
			exact = last;
		if (exact >= 0) {
			res[k] = next[exact];
			continue;
		}
		if (whole) {
			complete_args(whole, argc - k, argv + k, add, arg);
			return 0;
		}
		/* the words so far name nothing: the same message as running them */
		const struct vgw_cmd *c;
		int first;
		return vgw_cli_resolve(argc, argv, true, &c, &first, err) < 0 ? -1 : 0;
	}
}
