/* vgw's log types and stream: see log.h. */
#include "log.h"

#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "../util/parse.h"

/* int vgw_logtype_NAME, registered as "vgw.NAME" at level info by a
 * constructor: before main, so EAL's --log-level patterns apply to them */
#define VGW_LOG_REGISTER_(name) RTE_LOG_REGISTER(vgw_logtype_##name, vgw.name, INFO)
VGW_LOG_TYPES(VGW_LOG_REGISTER_)

/* DPDK's levels are unsigned constants */
#define LEVEL_MIN ((int)RTE_LOG_EMERG)
#define LEVEL_MAX ((int)RTE_LOG_DEBUG)

static const char *const level_names[] = {
	[RTE_LOG_EMERG] = "emerg",   [RTE_LOG_ALERT] = "alert", [RTE_LOG_CRIT] = "crit",
	[RTE_LOG_ERR] = "err",       [RTE_LOG_WARNING] = "warning",
	[RTE_LOG_NOTICE] = "notice", [RTE_LOG_INFO] = "info",   [RTE_LOG_DEBUG] = "debug",
};

const char *vgw_log_level_name(int level)
{
	if (level < LEVEL_MIN || level > LEVEL_MAX)
		return NULL;
	return level_names[level];
}

int vgw_log_level_parse(const char *name)
{
	for (int l = LEVEL_MIN; l <= LEVEL_MAX; l++)
		if (strcmp(name, level_names[l]) == 0)
			return l;
	return -1;
}

/* ---- types --------------------------------------------------------------- */

int vgw_log_types(bool (*fn)(void *arg, int id, const char *name), void *arg)
{
	/* DPDK 22.11 has no iterator over its types: rte_log_dump() prints
	 * "id N: NAME, level is LEVEL" per type (after a global line), which
	 * tests/unit/test_log.c checks */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return -1;
	rte_log_dump(f);
	if (fclose(f) != 0) {
		free(text);
		return -1;
	}
	int n = 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		unsigned int id;
		char name[128];
		if (sscanf(line, "id %u: %127[^,],", &id, name) != 2)
			continue;
		n++;
		if (!fn(arg, (int)id, name))
			break;
	}
	free(text);
	return n;
}

struct set_level {
	const char *pattern;
	int level, n;
};

static bool set_one(void *arg, int id, const char *name)
{
	struct set_level *s = arg;
	if (fnmatch(s->pattern, name, 0) == 0 && rte_log_set_level((uint32_t)id,
								   (uint32_t)s->level) == 0)
		s->n++;
	return true;
}

int vgw_log_set_level(const char *pattern, int level)
{
	struct set_level s = {pattern, level, 0};
	if (vgw_log_types(set_one, &s) < 0)
		return -1;
	return s.n;
}

int vgw_log_check_pattern(const char *pattern, char *err)
{
	size_t len = strlen(pattern);
	if (len == 0 || len > 63 ||
	    strspn(pattern, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789.-_*?[]!") != len) {
		snprintf(err, VGW_ERR_LEN,
			 "bad log type '%.64s': 1-63 letters, digits and . - _ or a glob "
			 "(* ? [...]), e.g. vgw.lb, vgw.*, pmd.net.tap", pattern);
		return -1;
	}
	return 0;
}

/* ---- the stream ----------------------------------------------------------- */

const char *vgw_log_output_name(enum vgw_log_output o)
{
	switch (o) {
	case VGW_LOG_JOURNAL:
		return "journal";
	case VGW_LOG_SYSLOG:
		return "syslog";
	default:
		return "stderr";
	}
}

enum vgw_log_output vgw_log_output_default(void)
{
	/* systemd sets JOURNAL_STREAM=DEV:INODE of the stream it gave as
	 * stdout/stderr; a child whose stderr went elsewhere inherits the
	 * variable, hence the comparison */
	const char *js = getenv("JOURNAL_STREAM");
	struct stat st;
	unsigned long long dev, ino;
	if (js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(2, &st) == 0 &&
	    (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino)
		return VGW_LOG_JOURNAL;
	return VGW_LOG_STDERR;
}

size_t vgw_log_prefix(char *buf, size_t size, const struct timespec *t, int level)
{
	struct tm tm;
	char date[32];
	const char *name = vgw_log_level_name(level);
	if (!gmtime_r(&t->tv_sec, &tm) || strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(date, sizeof(date), "%lld", (long long)t->tv_sec);
	int n = snprintf(buf, size, "%s.%03ldZ %s ", date, t->tv_nsec / 1000000,
			 name ? name : "-");
	if (n < 0)
		n = 0;
	return size == 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* A syslog line is cut at this many bytes (DPDK's longest are well under) */
#define SYSLOG_LINE 1024

struct sink {
	enum vgw_log_output o;
	FILE *out;
	void (*clock)(struct timespec *t);
	bool mid; /* the last bytes ended inside a line: no prefix before the next */
	size_t len;
	char line[SYSLOG_LINE]; /* syslog: the line so far */
};

static void realtime(struct timespec *t)
{
	clock_gettime(CLOCK_REALTIME, t);
}

static int syslog_priority(int level)
{
	/* DPDK: 1 emerg .. 8 debug; syslog: 0 LOG_EMERG .. 7 LOG_DEBUG */
	if (level < LEVEL_MIN || level > LEVEL_MAX)
		return LOG_INFO;
	return level - 1;
}

/* One whole line to syslog (a test's FILE instead, log.h) */
static void emit_syslog(struct sink *s, int priority)
{
	if (s->out)
		fprintf(s->out, "syslog %d %.*s\n", priority, (int)s->len, s->line);
	else
		syslog(priority, "%.*s", (int)s->len, s->line);
}

/* Bytes of one or more lines, or part of one (a vfprintf's worth: the stream
 * is unbuffered). The level is the one of the message being written. */
static ssize_t sink_write(void *c, const char *buf, size_t size)
{
	struct sink *s = c;
	int level = rte_log_cur_msg_loglevel();
	for (size_t i = 0; i < size;) {
		const char *nl = memchr(buf + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) + 1 : size - i;
		if (s->o == VGW_LOG_SYSLOG) {
			size_t body = nl ? n - 1 : n;
			size_t room = sizeof(s->line) - 1 - s->len;
			size_t take = body < room ? body : room;
			memcpy(s->line + s->len, buf + i, take);
			s->len += take;
			if (nl) {
				emit_syslog(s, syslog_priority(level));
				s->len = 0;
			}
		} else {
			if (!s->mid) {
				char pre[64];
				if (s->o == VGW_LOG_JOURNAL) {
					snprintf(pre, sizeof(pre), "<%d>", syslog_priority(level));
				} else {
					struct timespec t;
					s->clock(&t);
					vgw_log_prefix(pre, sizeof(pre), &t, level);
				}
				fputs(pre, s->out);
			}
			fwrite(buf + i, 1, n, s->out);
			s->mid = nl == NULL;
		}
		i += n;
	}
	if (s->out)
		fflush(s->out);
	return (ssize_t)size;
}

static int sink_close(void *c)
{
	struct sink *s = c;
	if (s->o == VGW_LOG_SYSLOG && s->len)
		emit_syslog(s, LOG_INFO);
	free(s);
	return 0;
}

FILE *vgw_log_stream_new(enum vgw_log_output o, FILE *out, void (*clock)(struct timespec *t))
{
	struct sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->o = o;
	s->out = out;
	s->clock = clock ? clock : realtime;
	cookie_io_functions_t io = {.write = sink_write, .close = sink_close};
	FILE *f = fopencookie(s, "w", io);
	if (!f) {
		free(s);
		return NULL;
	}
	/* unbuffered: each vfprintf reaches sink_write whole, under the
	 * FILE's lock, with its thread's level (log.h) */
	setvbuf(f, NULL, _IONBF, 0);
	return f;
}

static FILE *current;
static enum vgw_log_output current_output = VGW_LOG_STDERR;

/* At exit: DPDK back to its own stream (for lines of later exit handlers),
 * ours freed: LeakSanitizer does not find the cookie through glibc's FILE
 * and would report it (every ASan run of vgwd would fail) */
static void log_close(void)
{
	if (!current)
		return;
	rte_openlog_stream(NULL);
	fclose(current);
	current = NULL;
}

int vgw_log_open(enum vgw_log_output o)
{
	if (o == VGW_LOG_SYSLOG)
		openlog("vgwd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	FILE *f = vgw_log_stream_new(o, o == VGW_LOG_SYSLOG ? NULL : stderr, NULL);
	if (!f)
		return -1;
	rte_openlog_stream(f);
	if (current)
		fclose(current);
	else
		atexit(log_close);
	current = f;
	current_output = o;
	return 0;
}

enum vgw_log_output vgw_log_output(void)
{
	return current_output;
}
