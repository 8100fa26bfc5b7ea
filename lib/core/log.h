/* vgw's log: its own DPDK log types and the stream every line goes through.
 *
 * Types: one DPDK log type per module folder that logs, named `vgw.FOLDER`
 * (VGW_LOG_TYPES below), registered by constructors (RTE_LOG_REGISTER) at
 * level info, so they exist before EAL parses `--log-level` (a pattern like
 * `vgw.*:debug` or `*:warning` there applies to them) and in unit tests
 * without EAL. A line is written with
 *     VGW_LOG(NOTICE, lb, "health: %s is up\n", who);
 * and reads `vgw.lb: health: ... is up`: the type's name is part of the text,
 * so it shows in any stream (unit tests capture with rte_openlog_stream).
 *
 * Stream (vgw_log_open): a FILE made by fopencookie() and given to
 * rte_openlog_stream(), so DPDK's own lines (EAL, PMDs) take the same path.
 * Each line gets, by output:
 *   stderr   `2026-12-05T08:22:06.123Z notice vgw.ctl: audit: ...`: wall
 *            clock, UTC, milliseconds, then the level (what an operator
 *            reading a file or a test's capture needs);
 *   journal  `<5>vgw.ctl: audit: ...`: stderr is systemd's journal stream
 *            ($JOURNAL_STREAM names it): the journal stamps the time, and
 *            reads the level from the `<N>` prefix (sd-daemon(3));
 *   syslog   syslog(3), ident "vgwd", LOG_PID, facility LOG_DAEMON, the DPDK
 *            level mapped to the syslog priority; nothing on stderr.
 * Why not syslog whenever stderr is no terminal: the tests and most
 * supervisors capture stderr into a file; syslog would hide the lines there.
 * So syslog is asked for (`log-output syslog`), doc/operations.md.
 *
 * Threads: lines come from the main thread and the slow path (and DPDK's
 * interrupt thread); workers never log (a line is a syscall). The stream is
 * unbuffered: glibc formats a whole vfprintf call, under the FILE's lock,
 * before handing it to the cookie, so lines of two threads do not mix and
 * each carries its own thread's level (rte_log_cur_msg_loglevel). */
#ifndef VGW_LOG_H
#define VGW_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <rte_log.h>

/* The types, vgw.NAME each: one per lib/ folder of the slow path that logs
 * or is about to (and core for app/vgwd and lib/core). None for lib/dp: the
 * workers never log. A new one is a word here; its name shows in `show
 * log` and doc/operations.md. */
#define VGW_LOG_TYPES(X)                                                       \
	X(core) X(ctl) X(port) X(host) X(fib) X(neigh) X(vpc) X(lb) X(snat)    \
	X(announce) X(rtnl) X(xdp) X(metrics)

#define VGW_LOG_DECLARE_(name) extern int vgw_logtype_##name;
VGW_LOG_TYPES(VGW_LOG_DECLARE_)
#undef VGW_LOG_DECLARE_

/* VGW_LOG(LEVEL, TYPE, fmt, ...): LEVEL an RTE_LOG_ suffix (ERR, WARNING,
 * NOTICE, INFO, DEBUG), TYPE a name of VGW_LOG_TYPES. */
#define VGW_LOG(level, type, fmt, ...)                                         \
	rte_log(RTE_LOG_##level, vgw_logtype_##type, "vgw." #type ": " fmt,    \
		##__VA_ARGS__)
/* The same with the level as a value (RTE_LOG_ERR ...) */
#define VGW_LOG_AT(level, type, fmt, ...)                                      \
	rte_log((uint32_t)(level), vgw_logtype_##type, "vgw." #type ": " fmt,  \
		##__VA_ARGS__)

/* ---- levels: DPDK's 1 (emerg) .. 8 (debug) ------------------------------ */

/* "emerg" ... "debug"; NULL out of range. */
const char *vgw_log_level_name(int level);
/* The level named (lower case, as vgw_log_level_name), or -1. */
int vgw_log_level_parse(const char *name);
/* "emerg|alert|...|debug", for messages */
#define VGW_LOG_LEVELS "emerg|alert|crit|err|warning|notice|info|debug"

/* ---- types --------------------------------------------------------------- */

/* Calls fn for every registered DPDK log type (ours and DPDK's), in id
 * order; stops early when fn returns false. Returns how many were seen, or
 * -1 (out of memory). */
int vgw_log_types(bool (*fn)(void *arg, int id, const char *name), void *arg);

/* Sets the level of every registered type whose name matches pattern
 * (fnmatch(3) glob: `vgw.*`, `pmd.net.tap`); returns how many, 0 (none
 * matches: nothing changed), or -1 (out of memory). */
int vgw_log_set_level(const char *pattern, int level);

/* A TYPE argument a user may give: 1-63 bytes of letters, digits and
 * `.-_*?[]!`; 0, or -1 with err (VGW_ERR_LEN) naming it. */
int vgw_log_check_pattern(const char *pattern, char *err);

/* ---- the stream ----------------------------------------------------------- */

enum vgw_log_output {
	VGW_LOG_STDERR,  /* timestamp and level, on the given FILE */
	VGW_LOG_JOURNAL, /* `<N>` priority prefix, no timestamp */
	VGW_LOG_SYSLOG,  /* syslog(3) */
};

/* "stderr", "journal", "syslog" */
const char *vgw_log_output_name(enum vgw_log_output o);

/* The output for stderr without a syslog request: journal when
 * $JOURNAL_STREAM is stderr's device:inode, else stderr. */
enum vgw_log_output vgw_log_output_default(void);

/* The prefix of a VGW_LOG_STDERR line: "2026-12-05T08:22:06.123Z notice "
 * for wall clock t (UTC) and the level; written to buf (NUL-terminated,
 * truncated to size), returns its length. Pure. */
size_t vgw_log_prefix(char *buf, size_t size, const struct timespec *t, int level);

/* A new stream writing lines to out (VGW_LOG_STDERR, VGW_LOG_JOURNAL; out is
 * not closed with it) or to syslog(3) (VGW_LOG_SYSLOG with out NULL; with a
 * FILE, tests see there what syslog would get: "syslog PRIORITY LINE\n" per
 * line); NULL on failure. The caller gives it to rte_openlog_stream().
 * clock: the wall clock for VGW_LOG_STDERR (NULL: CLOCK_REALTIME; tests
 * pass a fixed one). */
FILE *vgw_log_stream_new(enum vgw_log_output o, FILE *out,
			 void (*clock)(struct timespec *t));

/* vgwd: makes the stream for output o (on stderr), gives it to DPDK
 * (rte_openlog_stream) and closes the one it replaces (openlog() first for
 * syslog). Main thread, before the slow path runs. 0, or -1 (the old stream
 * stays). */
int vgw_log_open(enum vgw_log_output o);
/* The output vgw_log_open last set (VGW_LOG_STDERR before). */
enum vgw_log_output vgw_log_output(void);

#endif
