/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vgwctl - command-line client of vgwd (doc/interfaces.md, "CLI" and
 * "Wire protocol on the control socket").
 *
 *   vgwctl [-s SOCKET] [-j] [-h] [WORD...]
 *
 * Socket: -s SOCKET, else $VGW_SOCKET (when non-empty), else
 * /run/vgw/vgwd.sock. -j asks for JSON output (request flag `j`, else `t`).
 * Options are only recognised before the first WORD.
 *
 * Modes:
 *  - One-shot (WORDs given): the words are joined with single spaces and sent
 *    as one request; the body goes to stdout on `ok` (exit 0), to stderr on
 *    `err` (exit 1). A request longer than 4096 bytes (newline included) or a
 *    word containing a newline is refused locally, without connecting (exit 1).
 *  - Interactive (no WORD, stdin is a TTY): prompt `vgw> ` with line
 *    editing, history and completion (interactive.h), one request per line
 *    over one connection; errors are printed and the session goes on;
 *    `quit`, `exit` or EOF end it (exit 0).
 *  - Batch (no WORD, stdin is not a TTY): one request per line of stdin over
 *    one connection; outputs go to stdout; the first error stops the batch
 *    with exit 1 and a message naming the failing line (stdin:LINE:).
 *    `quit`/`exit` end the batch (exit 0).
 * In interactive and batch mode a line is split on blanks (space, tab, CR,
 * VT, FF) and re-joined with single spaces; a word starting with `#` starts a
 * comment that runs to the end of the line; blank/comment lines are skipped.
 *
 * On a terminal, a `help` table wraps to its width (interactive.h).
 * Bodies are always printed with a trailing newline (added when missing).
 * Exit 2: the daemon cannot be reached (connect fails), protocol error, the
 * daemon closed the connection, or it stayed silent for VGWCTL_TIMEOUT_MS.
 * Exit 1: any other error (usage, `err` response, local refusal, write error).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_client.h"
#include "interactive.h"

#define EXIT_FAIL 1        /* command failed / refused / usage */
#define EXIT_UNREACHABLE 2 /* daemon unreachable / connection or protocol failure */

/* Inactivity timeout on the socket: a daemon silent this long is an error. */
#define VGWCTL_TIMEOUT_MS 60000u

struct ctx {
	const char *sock_path;
	bool json;
	int fd;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vgwctl [-s SOCKET] [-j] [-h] [OBJECT VERB ARGS...]\n"
		"\n"
		"Sends one command to vgwd and prints the result. Without a command,\n"
		"reads commands from a `vgw> ` prompt (stdin is a terminal) or one per\n"
		"line from stdin (batch, stops at the first error).\n"
		"\n"
		"  -s, --socket SOCKET  control socket (default: $VGW_SOCKET, else %s)\n"
		"  -j, --json           JSON output\n"
		"  -h, --help           this help; `vgwctl help` lists the commands\n"
		"\n"
		"Exit status: 0 success, 1 command failed, 2 vgwd cannot be reached.\n",
		CTL_DEFAULT_SOCKET);
}

/* Writes a body and a trailing newline when it lacks one. */
static void print_body(FILE *f, const char *body, size_t len)
{
	if (len == 0)
		return;
	fwrite(body, 1, len, f);
	if (body[len - 1] != '\n')
		fputc('\n', f);
}

static int do_connect(struct ctx *c)
{
	int rc = ctl_connect(c->sock_path, &c->fd);

	if (rc < 0) {
		fprintf(stderr, "vgwctl: cannot connect to %s: %s%s\n", c->sock_path,
			ctl_strerror(rc),
			(rc == -ENOENT || rc == -ECONNREFUSED) ? " (is vgwd running?)" : "");
		return EXIT_UNREACHABLE;
	}
	rc = ctl_set_timeout(c->fd, VGWCTL_TIMEOUT_MS);
	if (rc < 0) {
		fprintf(stderr, "vgwctl: %s: cannot set timeout: %s\n", c->sock_path,
			ctl_strerror(rc));
		return EXIT_UNREACHABLE;
	}
	return 0;
}

/*
 * Reports a transport failure of ctl_transact (always exit 2); `lineno` > 0
 * names the batch line that was being executed.
 */
static int transport_error(const struct ctx *c, int rc, unsigned long lineno)
{
	fputs("vgwctl: ", stderr);
	if (lineno > 0)
		fprintf(stderr, "stdin:%lu: ", lineno);
	if (rc == -ETIMEDOUT)
		fprintf(stderr, "%s: no answer from vgwd within %u s\n",
			c->sock_path, VGWCTL_TIMEOUT_MS / 1000u);
	else
		fprintf(stderr, "%s: %s\n", c->sock_path, ctl_strerror(rc));
	return EXIT_UNREACHABLE;
}

static int one_shot(struct ctx *c, size_t nwords, const char *const *words)
{
	struct ctl_response resp;
	char *req = NULL;
	size_t len = 0;
	int rc;

	rc = ctl_build_request(c->json, nwords, words, &req, &len);
	if (rc < 0) {
		fprintf(stderr, "vgwctl: %s\n", ctl_strerror(rc));
		return EXIT_FAIL;
	}
	rc = do_connect(c);
	if (rc != 0) {
		free(req);
		return rc;
	}
	rc = ctl_transact(c->fd, req, len, &resp);
	free(req);
	if (rc < 0)
		return transport_error(c, rc, 0);

	if (resp.status == CTL_STATUS_OK) {
		vgwctl_print_wrapped(stdout, resp.body, resp.len,
				     c->json ? 0 : vgwctl_term_width(STDOUT_FILENO));
		rc = 0;
	} else {
		fflush(stdout);
		if (resp.len == 0)
			fputs("vgwctl: command failed (no message from vgwd)\n", stderr);
		else
			print_body(stderr, resp.body, resp.len);
		rc = EXIT_FAIL;
	}
	ctl_response_free(&resp);
	return rc;
}

/*
 * Splits `line` in place into words (see the header comment for the rules).
 * *words is a malloc'd array reused across calls (*cap entries). Returns the
 * number of words, or -1 when out of memory.
 */
static long split_words(char *line, char ***words, size_t *cap)
{
	static const char blanks[] = " \t\r\v\f\n";
	size_t n = 0;
	char *p = line;

	for (;;) {
		p += strspn(p, blanks);
		if (*p == '\0' || *p == '#')
			break;
		if (n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 16;
			char **nw = realloc(*words, ncap * sizeof(**words));

			if (nw == NULL)
				return -1;
			*words = nw;
			*cap = ncap;
		}
		(*words)[n++] = p;
		p += strcspn(p, blanks);
		if (*p == '\0')
			break;
		*p++ = '\0';
	}
	return (long)n;
}

/*
 * Batch loop over stdin (the prompt is interactive.c). Returns the exit code.
 */
static int batch(struct ctx *c)
{
	char *line = NULL, **words = NULL;
	size_t line_cap = 0, words_cap = 0;
	unsigned long lineno = 0;
	int ret = 0;

	ret = do_connect(c);
	if (ret != 0)
		return ret;

	for (;;) {
		struct ctl_response resp;
		char *req = NULL;
		size_t req_len = 0;
		ssize_t got;
		long nw;
		int rc;

		errno = 0;
		got = getline(&line, &line_cap, stdin);
		if (got < 0) {
			if (ferror(stdin)) {
				fprintf(stderr, "vgwctl: error reading stdin: %s\n",
					strerror(errno ? errno : EIO));
				ret = EXIT_FAIL;
			}
			break;
		}
		lineno++;
		if (memchr(line, '\0', (size_t)got) != NULL) {
			fprintf(stderr, "vgwctl: stdin:%lu: line contains a NUL byte\n", lineno);
			ret = EXIT_FAIL;
			break;
		}
		nw = split_words(line, &words, &words_cap);
		if (nw < 0) {
			fprintf(stderr, "vgwctl: out of memory\n");
			ret = EXIT_FAIL;
			break;
		}
		if (nw == 0)
			continue;
		if (nw == 1 && (strcmp(words[0], "quit") == 0 || strcmp(words[0], "exit") == 0))
			break;

		rc = ctl_build_request(c->json, (size_t)nw, (const char *const *)words,
				       &req, &req_len);
		if (rc < 0) {
			fprintf(stderr, "vgwctl: stdin:%lu: %s (not sent)\n", lineno,
				ctl_strerror(rc));
			ret = EXIT_FAIL;
			break;
		}
		rc = ctl_transact(c->fd, req, req_len, &resp);
		free(req);
		if (rc < 0) {
			ret = transport_error(c, rc, lineno);
			break;
		}
		if (resp.status == CTL_STATUS_OK) {
			print_body(stdout, resp.body, resp.len);
			fflush(stdout);
			ctl_response_free(&resp);
			continue;
		}
		fflush(stdout);
		/* Name the failing line; `line` was split in place, so re-join. */
		fprintf(stderr, "vgwctl: stdin:%lu: ", lineno);
		for (long i = 0; i < nw; i++)
			fprintf(stderr, "%s%s", i ? " " : "", words[i]);
		fputs(": ", stderr);
		if (resp.len == 0)
			fputs("command failed (no message from vgwd)\n", stderr);
		else
			print_body(stderr, resp.body, resp.len);
		ctl_response_free(&resp);
		ret = EXIT_FAIL;
		break;
	}
	free(line);
	free(words);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { .sock_path = NULL, .json = false, .fd = -1 };
	const char *env;
	int opt, ret = 0;

	/* '+': stop at the first WORD, so that command words are never options. */
	while ((opt = getopt_long(argc, argv, "+s:jh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (optarg[0] == '\0') {
				fprintf(stderr, "vgwctl: -s needs a non-empty socket path\n");
				return EXIT_FAIL;
			}
			c.sock_path = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 'h':
			usage(stdout);
			return fflush(stdout) == 0 ? 0 : EXIT_FAIL;
		default:
			fprintf(stderr, "Try 'vgwctl -h' for help.\n");
			return EXIT_FAIL;
		}
	}
	if (c.sock_path == NULL) {
		env = getenv("VGW_SOCKET");
		c.sock_path = (env != NULL && env[0] != '\0') ? env : CTL_DEFAULT_SOCKET;
	}

	if (optind < argc)
		ret = one_shot(&c, (size_t)(argc - optind), (const char *const *)(argv + optind));
	else if (isatty(STDIN_FILENO) == 1 && (ret = do_connect(&c)) == 0)
		ret = vgwctl_interactive(c.fd, c.json, c.sock_path);
	else if (isatty(STDIN_FILENO) != 1)
		ret = batch(&c);

	if (c.fd >= 0)
		close(c.fd);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vgwctl: error writing to stdout: %s\n",
			strerror(errno ? errno : EIO));
		if (ret == 0)
			ret = EXIT_FAIL;
	}
	return ret;
}
