/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * interactive.h - vgwctl's prompt on a terminal (libedit).
 *
 * Contract:
 *  - vgwctl_interactive() reads lines at a `vgw> ` prompt with line editing
 *    (emacs keys, ~/.editrc applies) and sends each as one request over the
 *    connected socket fd; errors are printed and the session goes on;
 *    `quit`, `exit` or EOF (Ctrl-D) end it; Ctrl-C drops the line being
 *    typed and gives a fresh prompt. A transport failure ends it
 *    with exit 2 (as main.c's other modes).
 *  - History: every line sent is kept, across sessions, in
 *    $XDG_STATE_HOME/vgwctl_history when XDG_STATE_HOME is set (non-empty),
 *    else ~/.vgwctl_history (mode 0600, at most 1000 lines, consecutive
 *    duplicates kept once). A history file that cannot be read or written
 *    is reported once and the session goes on.
 *  - Tab completes the word under the cursor and `?` lists what may come
 *    there, both from the daemon's `complete WORDS...` (doc/cli.md): vgwctl
 *    knows no grammar of its own, so it completes every command, keyword and
 *    object name the running vgwd has. Words shown as `<NAME>` are
 *    placeholders: listed by `?`, never inserted by Tab.
 *  - A `help` table (first line `COMMAND ... HELP`) is wrapped to the
 *    terminal's width, continuation lines indented to the HELP column.
 */
#ifndef VGWCTL_INTERACTIVE_H
#define VGWCTL_INTERACTIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Runs the prompt; returns the exit status (0, or 2 on a transport error). */
int vgwctl_interactive(int fd, bool json, const char *sock_path);

/* Writes body (len bytes) to f; a `help` table's rows longer than width
 * wrap under the HELP column (width 0: no wrapping). Adds the trailing
 * newline a body lacks. */
void vgwctl_print_wrapped(FILE *f, const char *body, size_t len, int width);

/* The terminal width of fd, 0 when it is no terminal. */
int vgwctl_term_width(int fd);

#endif
