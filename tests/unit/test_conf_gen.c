/*
 * test_conf_gen.c - show running-config's settings always load back
 * (lib/conf), proved on generated startup files.
 *
 * A seeded generator (xorshift64*; VGW_CONF_SEED overrides the seed, a
 * failure prints it) writes startup files a user could write: every setting,
 * its boundary values and random ones, in random order, repeated at times
 * (the last one wins); EAL words up to VGW_MAX_EAL_ARGS over several lines,
 * some as long as a line holds; one to VGW_MAX_PORTS ports of every kind
 * (dev with devargs, af_packet with its frame size, af-xdp, MAC, MTU up
 * to what the device carries, host-port, 0-8 addresses of any
 * prefix length), their keys in any order. Each file must load; its running
 * config must load too and print the same text byte for byte. No EAL.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "conf/loader.h"
#include "conf/settings.h"
#include "core/gw.h"
#include "conf_text.h"
#include "unit.h"

#define ROUNDS 400

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

/* uniform in [lo, hi] */
static uint64_t between(uint64_t lo, uint64_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

static bool one_in(unsigned int n)
{
	return rnd() % n == 0;
}

/* A bound or a value between: boundaries are where printers and parsers
 * disagree. */
static uint64_t value(uint64_t lo, uint64_t hi)
{
	switch (rnd() % 4) {
	case 0:
		return lo;
	case 1:
		return hi;
	default:
		return between(lo, hi);
	}
}

/* A word of n bytes from set (NULL: any printable non-space byte but a
 * leading '#', which starts a comment). */
static void word(char *w, size_t n, const char *set)
{
	size_t k = set ? strlen(set) : 0;
	for (size_t i = 0; i < n; i++) {
		char c;
		do
			c = set ? set[rnd() % k] : (char)between(33, 126);
		while (i == 0 && c == '#');
		w[i] = c;
	}
	w[n] = '\0';
}

/* The file being generated: lines kept apart so they can be shuffled. */
struct gen {
	char *lines[512];
	int n;
	int eal_words; /* what the loader must end up with */
	int ports;
};

static void add(struct gen *g, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	CU_ASSERT_FATAL(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	CU_ASSERT_FATAL(g->n < (int)(sizeof(g->lines) / sizeof(g->lines[0])));
	g->lines[g->n++] = s;
}

/* `eal` lines: up to VGW_MAX_EAL_ARGS words, each line within the loader's
 * word and byte limits; now and then a word as long as a line holds. */
static void gen_eal(struct gen *g)
{
	int total = one_in(3) ? VGW_MAX_EAL_ARGS : (int)between(0, VGW_MAX_EAL_ARGS);
	static char line[VGW_CLI_MAX_LINE], w[VGW_CLI_MAX_LINE];
	int left = total;
	while (left > 0) {
		int words = 0;
		size_t len = (size_t)snprintf(line, sizeof(line), "eal");
		int want = (int)between(1, VGW_CLI_MAX_WORDS - 1);
		while (words < want && left > 0) {
			size_t n;
			switch (rnd() % 8) {
			case 0:
				n = between(1, VGW_CLI_MAX_LINE - 1 - 4); /* up to a line alone */
				break;
			case 1:
				n = between(60, 200);
				break;
			default:
				n = between(1, 24);
			}
			if (len + 1 + n > VGW_CLI_MAX_LINE - 1) {
				if (words)
					break;
				n = VGW_CLI_MAX_LINE - 1 - len - 1;
			}
			word(w, n, NULL);
			len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", w);
			words++;
			left--;
		}
		add(g, "%s", line);
	}
	g->eal_words = total;
}

static void gen_numbers(struct gen *g)
{
	static const char *const kinds[] = {"tcp-established", "tcp-transitory", "tcp-time-wait",
					    "tcp-close", "udp", "udp-unreplied", "icmp"};
	if (one_in(2))
		add(g, "mbufs %" PRIu64, value(1023, 16u << 20));
	if (one_in(2))
		add(g, "fib max-routes %" PRIu64, value(64, 1u << 24));
	if (one_in(2))
		add(g, "neigh-table max-entries %" PRIu64, value(16, 1u << 20));
	if (one_in(2))
		add(g, "endpoint-table max-entries %" PRIu64, value(16, 1u << 22));
	if (one_in(2))
		add(g, "eip-table max-entries %" PRIu64, value(16, 1u << 22));
	if (one_in(2))
		add(g, "conntrack max-entries %" PRIu64, value(16, 1u << 24));
	for (int i = (int)between(0, 10); i > 0; i--)
		add(g, "conntrack timeout %s %" PRIu64, kinds[rnd() % 7], value(1, 604800));
	for (int i = (int)between(0, 2); i > 0; i--)
		add(g, "host-port punt-rate %" PRIu64, value(1, 1000000));
	for (int i = (int)between(0, 2); i > 0; i--)
		add(g, "host-port punt-burst %" PRIu64, value(1, VGW_PUNT_RING_SIZE));
	/* the two tables differ; the announce table is none of 253-255 */
	uint64_t imp = 0, ann = 0;
	if (one_in(2)) {
		static const uint64_t sys[] = {253, 254, 255};
		imp = one_in(3) ? sys[rnd() % 3] : value(1, UINT32_MAX);
		add(g, "kernel import-table %" PRIu64, imp);
	}
	if (one_in(2)) {
		do
			ann = value(1, UINT32_MAX);
		while (ann == imp || (ann >= 253 && ann <= 255));
		add(g, "kernel announce-table %" PRIu64, ann);
	}
}

static void gen_strings(struct gen *g)
{
	char w[256];
	if (one_in(2)) {
		word(w, between(1, 127), "0123456789,@-()");
		add(g, "lcores %s", w);
	}
	if (one_in(2)) {
		w[0] = '/';
		word(w + 1, between(0, 106), NULL);
		add(g, "control socket %s", w);
	}
	if (one_in(2)) {
		do {
			w[0] = '/';
			word(w + 1, between(0, 158), NULL);
		} while (strchr(w, ','));
		add(g, "xdp program %s", w);
	}
}

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"

/* Port i: names and Linux interfaces unique by a per-port prefix; address
 * j of port i inside 10.(i*8+j).0.0/16, so none overlap. */
static void gen_port(struct gen *g, int i)
{
	char key[8][300];
	int nk = 0;
	char w[VGW_DEVARGS_LEN];
	bool xdp = one_in(3);
	if (xdp) {
		char ifname[VGW_PORT_NAME_LEN];
		snprintf(ifname, sizeof(ifname), "x%d", i);
		word(ifname + 2, between(0, VGW_PORT_NAME_LEN - 3), NAME_CHARS ".");
		snprintf(key[nk++], sizeof(key[0]), "af-xdp %s", ifname);
	} else {
		/* af_packet: frames of whole pages hold the MTU (port_mtu.h) */
		bool afp = one_in(2);
		uint64_t max_mtu = 9000;
		size_t n;
		if (afp) {
			uint64_t f = 4096 * between(1, 3);
			n = (size_t)snprintf(w, sizeof(w), "net_af_packet%d,iface=v%d", i, i);
			if (one_in(2))
				n += (size_t)snprintf(w + n, sizeof(w) - n,
						      ",framesz=%" PRIu64 ",blocksz=%" PRIu64, f, f);
			else
				f = 2048;
			max_mtu = f - 52 < 9000 ? f - 52 : 9000;
		} else {
			n = (size_t)snprintf(w, sizeof(w), "net_null%d", i);
		}
		if (!afp && one_in(2)) {
			w[n] = ',';
			word(w + n + 1, between(0, VGW_DEVARGS_LEN - 2 - n), NULL);
		}
		snprintf(key[nk++], sizeof(key[0]), "dev %s", w);
		if (one_in(2))
			snprintf(key[nk++], sizeof(key[0]), "mac %02x:%02x:%02x:%02x:%02x:%02x",
				 (unsigned int)(rnd() & 0xfe), (unsigned int)(rnd() & 0xff),
				 (unsigned int)(rnd() & 0xff), (unsigned int)(rnd() & 0xff),
				 (unsigned int)(rnd() & 0xff), (unsigned int)(rnd() & 0xff));
		if (one_in(2))
			snprintf(key[nk++], sizeof(key[0]), "mtu %" PRIu64,
				 one_in(4) ? 1500 : value(576, max_mtu));
		if (one_in(2)) {
			char h[VGW_PORT_NAME_LEN];
			snprintf(h, sizeof(h), "h%d", i);
			word(h + 2, between(0, VGW_PORT_NAME_LEN - 3), NAME_CHARS);
			snprintf(key[nk++], sizeof(key[0]), "host-port %s", h);
		}
	}
	snprintf(key[nk++], sizeof(key[0]), "role %s", one_in(2) ? "public" : "underlay");
	/* keys in any order, addresses in theirs */
	for (int k = nk - 1; k > 0; k--) {
		int j = (int)between(0, (uint64_t)k);
		char t[300];
		memcpy(t, key[k], sizeof(t));
		memcpy(key[k], key[j], sizeof(t));
		memcpy(key[j], t, sizeof(t));
	}
	static char line[VGW_CLI_MAX_LINE];
	char name[VGW_PORT_NAME_LEN];
	snprintf(name, sizeof(name), "p%d", i);
	word(name + 2, between(0, VGW_PORT_NAME_LEN - 3), NAME_CHARS);
	size_t len = (size_t)snprintf(line, sizeof(line), "port %s", name);
	for (int k = 0; k < nk; k++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", key[k]);
	for (int a = (int)between(0, VGW_MAX_ADDRS); a > 0; a--) {
		unsigned int plen = (unsigned int)between(16, 32);
		uint32_t span = plen == 32 ? 0 : (1u << (32 - plen)) - 1;
		uint32_t net = 0x0a000000u | (uint32_t)(i * 8 + a - 1) << 16 |
			       ((uint32_t)rnd() & 0xffff & ~span);
		/* not the network or broadcast address below /31 */
		uint32_t ip = net | (plen < 31 ? (uint32_t)between(1, span - 1)
					       : (uint32_t)rnd() & span);
		len += (size_t)snprintf(line + len, sizeof(line) - len, " address %u.%u.%u.%u/%u",
					ip >> 24, ip >> 16 & 0xff, ip >> 8 & 0xff, ip & 0xff, plen);
	}
	add(g, "%s", line);
}


static char *join(struct gen *g)
{
	struct vgw_buf b;
	vgw_buf_init(&b);
	for (int i = 0; i < g->n; i++)
		vgw_buf_printf(&b, "%s\n", g->lines[i]);
	return b.data ? b.data : strdup("");
}

static char *running_config(void)
{
	struct vgw_buf b;
	vgw_buf_init(&b);
	vgw_settings_running_config(&b);
	CU_ASSERT_FATAL(!b.oom);
	return b.data;
}

static void test_generated(void)
{
	uint64_t seed = 0x76677721u;
	const char *env = getenv("VGW_CONF_SEED");
	if (env)
		seed = strtoull(env, NULL, 0);
	rng = seed ? seed : 1;
	int failures = 0, max_eal = 0, max_ports = 0;
	for (int round = 0; round < ROUNDS && failures < 3; round++) {
		uint64_t state = rng;
		struct gen g = {.n = 0};
		gen_eal(&g);
		gen_numbers(&g);
		gen_strings(&g);
		/* settings in any order (eal words keep theirs: the count is what
		 * is checked); ports last, in their order */
		for (int k = g.n - 1; k > 0; k--) {
			int j = (int)between(0, (uint64_t)k);
			char *t = g.lines[k];
			g.lines[k] = g.lines[j];
			g.lines[j] = t;
		}
		g.ports = (int)between(1, VGW_MAX_PORTS);
		for (int i = 0; i < g.ports; i++)
			gen_port(&g, i);
		char *text = join(&g), *a = NULL, *b = NULL;
		char err[VGW_ERR_LEN] = "";
		const char *what = NULL;
		if (unit_load_text(text, err) != 0)
			what = "the generated file does not load";
		else if (vgw_startup.n_eal_args != g.eal_words || vgw_gw.n_ports != g.ports)
			what = "the generated file loads to other settings";
		if (!what) {
			a = running_config();
			if (unit_load_text(a, err) != 0)
				what = "its running config does not load";
		}
		if (!what) {
			b = running_config();
			if (strcmp(a, b) != 0)
				what = "its running config prints differently once reloaded";
		}
		if (what) {
			failures++;
			fprintf(stderr, "\n  seed %#" PRIx64 " round %d (VGW_CONF_SEED=%#" PRIx64
				" reproduces it as round 0): %s: %s\n  file:\n%.3000s\n"
				"  running config:\n%.3000s\n",
				seed, round, state, what, err, text, a ? a : "-");
		}
		CU_ASSERT(what == NULL);
		max_eal = g.eal_words > max_eal ? g.eal_words : max_eal;
		max_ports = g.ports > max_ports ? g.ports : max_ports;
		free(text);
		free(a);
		free(b);
		for (int i = 0; i < g.n; i++)
			free(g.lines[i]);
	}
	/* the generator reached the limits */
	ASSERT_EQ(max_eal, VGW_MAX_EAL_ARGS);
	ASSERT_EQ(max_ports, VGW_MAX_PORTS);
	vgw_settings_reset();
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"generated settings: running config loads back, prints the same",
		 test_generated},
	};
	return unit_run("conf-gen", tests, sizeof(tests) / sizeof(tests[0]));
}
