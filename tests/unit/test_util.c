/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_util.c - CUnit tests of lib/util (parse.h, fmt.h, buf.h).
 *
 * Proves:
 *  - vgw_parse_ip4 / _prefix / _mac / _u64 accept exactly the documented
 *    forms (tables of accepted words with their values, and of rejected
 *    words: too few/many parts, out of range, leading/trailing junk, host
 *    bits with strict), and give the documented error messages;
 *  - the formatting helpers (vgw_ip4_str, vgw_prefix_str, vgw_mac_str,
 *    vgw_prefix_mask) give exact strings/values;
 *  - vgw_fmt produces byte-exact JSON for nested objects and lists
 *    (escaping of quotes, backslashes and control characters), checked
 *    twice: against the expected string and by a small JSON validator;
 *  - vgw_fmt produces byte-exact aligned text tables (column widths from
 *    the widest cell, list cells comma-joined, "-" for an empty list,
 *    sections indented by two spaces); a list of sections is a JSON list
 *    and, in text, one section per item titled by its first field (by the
 *    list's key when the item starts with a container); doubles have two
 *    decimals, NaN is written as 0;
 *  - vgw_buf grows past its first allocation and resets.
 * Needs no EAL.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/fmt.h"
#include "util/parse.h"
#include "unit.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void test_parse_ip4(void)
{
	static const struct {
		const char *s;
		uint32_t v;
	} good[] = {{"0.0.0.0", 0},
		    {"10.0.0.1", A(10, 0, 0, 1)},
		    {"192.168.1.254", A(192, 168, 1, 254)},
		    {"255.255.255.255", 0xffffffffu},
		    {"1.2.3.4", 0x01020304u}};
	static const char *const bad[] = {"",          "1.2.3",    "1.2.3.4.5", "256.1.1.1",
					  "1.2.3.256", "1.2.3.4 ", " 1.2.3.4",  "1.2.3.4x",
					  "a.b.c.d",   "1..2.3",   "1.2.3.-1",  "0x1.2.3.4",
					  "01.2.3.4",  "1.2.3.4/8", "10.0.0.1\n", "-1.2.3.4"};
	char err[VGW_ERR_LEN];
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint32_t ip = 0xdeadbeef;
		ASSERT_EQ(vgw_parse_ip4(good[i].s, &ip, err), 0);
		ASSERT_EQ(ip, good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t ip;
		err[0] = '\0';
		ASSERT_EQ(vgw_parse_ip4(bad[i], &ip, err), -1);
		CU_ASSERT(err[0] != '\0');
	}
	uint32_t ip;
	ASSERT_EQ(vgw_parse_ip4("1.2.3", &ip, err), -1);
	ASSERT_STR(err, "invalid IPv4 address '1.2.3'");
	ASSERT_EQ(vgw_parse_ip4(NULL, &ip, err), -1);
}

static void test_parse_prefix(void)
{
	static const struct {
		const char *s;
		int strict;
		uint32_t ip;
		uint8_t len;
	} good[] = {{"10.0.0.0/8", 1, A(10, 0, 0, 0), 8},
		    {"0.0.0.0/0", 1, 0, 0},
		    {"10.1.2.3/32", 1, A(10, 1, 2, 3), 32},
		    {"192.168.0.0/16", 1, A(192, 168, 0, 0), 16},
		    {"10.0.0.128/25", 1, A(10, 0, 0, 128), 25},
		    {"10.0.0.1/24", 0, A(10, 0, 0, 1), 24}, /* host bits allowed */
		    {"1.2.3.4/0", 0, A(1, 2, 3, 4), 0}};
	static const char *const bad[] = {
		"10.0.0.0/33", "10.0.0.0/",   "10.0.0.0",    "/24",          "10.0.0.0/-1",
		"10.0.0.0/24x", "10.0.0.0/ 24", " 10.0.0.0/24", "10.0.0.0/24/1", "1.2.3/24",
		"300.0.0.0/8", "10.0.0.0/+8", "10.0.0.0/0x8", "",             "10.0.0.0//8",
		"1111111111111111111111111/8", "10.0.0.0/99999999999999999999999"};
	char err[VGW_ERR_LEN];
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint32_t ip = 0;
		uint8_t len = 99;
		ASSERT_EQ(vgw_parse_prefix(good[i].s, &ip, &len, good[i].strict, err), 0);
		ASSERT_EQ(ip, good[i].ip);
		ASSERT_EQ(len, good[i].len);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t ip;
		uint8_t len;
		for (int strict = 0; strict <= 1; strict++) {
			err[0] = '\0';
			ASSERT_EQ(vgw_parse_prefix(bad[i], &ip, &len, strict, err), -1);
			CU_ASSERT(err[0] != '\0');
		}
	}
	uint32_t ip;
	uint8_t len;
	ASSERT_EQ(vgw_parse_prefix("10.0.0.1/24", &ip, &len, 1, err), -1);
	ASSERT_STR(err, "invalid prefix '10.0.0.1/24': host bits set (did you mean 10.0.0.0/24?)");
	ASSERT_EQ(vgw_parse_prefix("0.0.0.1/0", &ip, &len, 1, err), -1);
	ASSERT_CONTAINS(err, "did you mean 0.0.0.0/0?");
	ASSERT_EQ(vgw_parse_prefix("10.0.0.0/33", &ip, &len, 1, err), -1);
	ASSERT_STR(err, "invalid prefix '10.0.0.0/33' (expected A.B.C.D/LEN, LEN 0-32)");
	ASSERT_EQ(vgw_parse_prefix("10.0.0.0", &ip, &len, 1, err), -1);
	ASSERT_STR(err, "invalid prefix '10.0.0.0' (expected A.B.C.D/LEN)");
	ASSERT_EQ(vgw_parse_prefix(NULL, &ip, &len, 1, err), -1);
}

static void test_parse_mac(void)
{
	static const struct {
		const char *s;
		uint8_t m[6];
	} good[] = {{"00:11:22:33:44:55", {0x00, 0x11, 0x22, 0x33, 0x44, 0x55}},
		    {"AA:bb:CC:dd:EE:ff", {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}},
		    {"ff:ff:ff:ff:ff:ff", {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		    {"02:00:00:00:00:0a", {0x02, 0, 0, 0, 0, 0x0a}}};
	static const char *const bad[] = {
		"aa:bb:cc:dd:ee",     "aa:bb:cc:dd:ee:ff:00", "aa:bb:cc:dd:ee:fg", "aa-bb-cc-dd-ee-ff",
		"aabb.ccdd.eeff",     " a:bb:cc:dd:ee:ff",    "aa:bb:cc:dd:ee:f ", "+a:bb:cc:dd:ee:ff",
		"-1:bb:cc:dd:ee:ff",  "aa:bb:cc:dd:ee:ff ",   "a:b:c:d:e:f",       "",
		"aa:bb:cc:dd:eeff:",  "aa::bb:cc:dd:ee:f",    "0x:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:f\n"};
	char err[VGW_ERR_LEN];
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint8_t m[6] = {0};
		ASSERT_EQ(vgw_parse_mac(good[i].s, m, err), 0);
		ASSERT_EQ(memcmp(m, good[i].m, 6), 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t m[6] = {1, 2, 3, 4, 5, 6};
		err[0] = '\0';
		ASSERT_EQ(vgw_parse_mac(bad[i], m, err), -1);
		CU_ASSERT(err[0] != '\0');
		ASSERT_EQ(memcmp(m, (uint8_t[]){1, 2, 3, 4, 5, 6}, 6), 0); /* untouched */
	}
	uint8_t m[6];
	ASSERT_EQ(vgw_parse_mac("aa:bb:cc:dd:ee", m, err), -1);
	ASSERT_STR(err, "invalid MAC address 'aa:bb:cc:dd:ee' (expected xx:xx:xx:xx:xx:xx)");
	ASSERT_EQ(vgw_parse_mac(NULL, m, err), -1);
}

static void test_parse_u64(void)
{
	static const struct {
		const char *s;
		uint64_t min, max, v;
	} good[] = {{"0", 0, 10, 0},
		    {"42", 0, 100, 42},
		    {"32", 0, 32, 32},
		    {"10", 10, 10, 10},
		    {"007", 0, 10, 7},
		    {"18446744073709551615", 0, UINT64_MAX, UINT64_MAX}};
	static const struct {
		const char *s;
		uint64_t min, max;
	} bad[] = {{"", 0, 10},
		   {"-1", 0, 10},
		   {"+1", 0, 10},
		   {" 1", 0, 10},
		   {"1 ", 0, 10},
		   {"1.0", 0, 10},
		   {"0x10", 0, 100},
		   {"1e3", 0, 10000},
		   {"33", 0, 32},
		   {"5", 10, 20},
		   {"18446744073709551616", 0, UINT64_MAX},
		   {"99999999999999999999", 0, UINT64_MAX},
		   {"123456789012345678901", 0, UINT64_MAX}};
	char err[VGW_ERR_LEN];
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint64_t v = 12345;
		ASSERT_EQ(vgw_parse_u64(good[i].s, good[i].min, good[i].max, &v, err), 0);
		CU_ASSERT(v == good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v;
		err[0] = '\0';
		ASSERT_EQ(vgw_parse_u64(bad[i].s, bad[i].min, bad[i].max, &v, err), -1);
		CU_ASSERT(err[0] != '\0');
	}
	uint64_t v;
	ASSERT_EQ(vgw_parse_u64("33", 0, 32, &v, err), -1);
	ASSERT_STR(err, "number '33' out of range [0, 32]");
	ASSERT_EQ(vgw_parse_u64("x1", 0, 32, &v, err), -1);
	ASSERT_STR(err, "invalid number 'x1'");
	ASSERT_EQ(vgw_parse_u64(NULL, 0, 32, &v, err), -1);
}

static void test_str_helpers(void)
{
	char b[VGW_PREFIX_STRLEN], m[VGW_MAC_STRLEN];
	ASSERT_STR(vgw_ip4_str(A(10, 0, 0, 1), b), "10.0.0.1");
	ASSERT_STR(vgw_ip4_str(0xffffffffu, b), "255.255.255.255");
	ASSERT_STR(vgw_ip4_str(0, b), "0.0.0.0");
	ASSERT_STR(vgw_prefix_str(A(192, 168, 0, 0), 16, b), "192.168.0.0/16");
	ASSERT_STR(vgw_prefix_str(0, 0, b), "0.0.0.0/0");
	ASSERT_STR(vgw_mac_str((const uint8_t[]){0x02, 0xab, 0, 0x10, 0xff, 9}, m),
		   "02:ab:00:10:ff:09");
	ASSERT_EQ(vgw_prefix_mask(0), 0);
	ASSERT_EQ(vgw_prefix_mask(1), 0x80000000u);
	ASSERT_EQ(vgw_prefix_mask(24), 0xffffff00u);
	ASSERT_EQ(vgw_prefix_mask(31), 0xfffffffeu);
	ASSERT_EQ(vgw_prefix_mask(32), 0xffffffffu);
	/* round trip through the parser for every length */
	for (uint8_t len = 0; len <= 32; len++) {
		uint32_t ip = A(172, 16, 255, 255) & vgw_prefix_mask(len), ip2;
		uint8_t len2;
		char err[VGW_ERR_LEN];
		ASSERT_EQ(vgw_parse_prefix(vgw_prefix_str(ip, len, b), &ip2, &len2, 1, err), 0);
		ASSERT_EQ(ip2, ip);
		ASSERT_EQ(len2, len);
	}
}

/* ---- a small strict JSON validator (RFC 8259 grammar, no numbers with
 * fractions needed here but accepted) ---------------------------------- */
static bool j_value(const char **p, int depth);

static void j_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static bool j_string(const char **p)
{
	if (**p != '"')
		return false;
	for ((*p)++; **p != '"'; (*p)++) {
		unsigned char c = (unsigned char)**p;
		if (c < 0x20)
			return false; /* raw control characters are invalid */
		if (c == '\\') {
			(*p)++;
			if (**p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)(*p)[i]))
						return false;
				*p += 4;
			} else if (!strchr("\"\\/bfnrt", **p) || !**p) {
				return false;
			}
		}
	}
	(*p)++;
	return true;
}

static bool j_value(const char **p, int depth)
{
	if (depth > 32)
		return false;
	j_ws(p);
	if (**p == '{' || **p == '[') {
		char close = **p == '{' ? '}' : ']';
		bool obj = close == '}';
		(*p)++;
		j_ws(p);
		if (**p == close) {
			(*p)++;
			return true;
		}
		for (;;) {
			j_ws(p);
			if (obj) {
				if (!j_string(p))
					return false;
				j_ws(p);
				if (*(*p)++ != ':')
					return false;
			}
			if (!j_value(p, depth + 1))
				return false;
			j_ws(p);
			if (**p == ',') {
				(*p)++;
				continue;
			}
			if (**p != close)
				return false;
			(*p)++;
			return true;
		}
	}
	if (**p == '"')
		return j_string(p);
	if (isdigit((unsigned char)**p) || **p == '-') {
		if (**p == '-')
			(*p)++;
		if (!isdigit((unsigned char)**p) || (**p == '0' && isdigit((unsigned char)(*p)[1])))
			return false;
		while (isdigit((unsigned char)**p) || **p == '.' || **p == 'e' || **p == 'E')
			(*p)++;
		return true;
	}
	for (const char *const *w = (const char *const[]){"true", "false", "null", NULL}; *w; w++)
		if (strncmp(*p, *w, strlen(*w)) == 0) {
			*p += strlen(*w);
			return true;
		}
	return false;
}

static bool json_valid(const char *s)
{
	const char *p = s;
	if (!j_value(&p, 0))
		return false;
	j_ws(&p);
	return *p == '\0';
}

/* The same calls in both modes: a port-like table with list cells. */
static void emit_ports(struct vgw_fmt *f)
{
	vgw_fmt_str(f, "version", "1.0");
	vgw_fmt_list_begin(f, "ports");
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "name", "p0");
	vgw_fmt_u64(f, "mtu", 1500);
	vgw_fmt_list_begin(f, "addresses");
	vgw_fmt_str(f, NULL, "10.0.0.1/24");
	vgw_fmt_str(f, NULL, "10.0.1.1/24");
	vgw_fmt_list_end(f);
	vgw_fmt_str(f, "role", "public");
	vgw_fmt_obj_end(f);
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "name", "longname1");
	vgw_fmt_u64(f, "mtu", 9000);
	vgw_fmt_list_begin(f, "addresses");
	vgw_fmt_list_end(f);
	vgw_fmt_str(f, "role", "underlay");
	vgw_fmt_obj_end(f);
	vgw_fmt_list_end(f);
	vgw_fmt_obj_begin(f, "slowpath");
	vgw_fmt_u64(f, "arp_rx", 5);
	vgw_fmt_bool(f, "up", false);
	vgw_fmt_obj_end(f);
}

/* A table inside a section, with a list of objects in a cell. */
static void emit_routes(struct vgw_fmt *f)
{
	static const struct {
		const char *prefix;
		int n;
		const char *nh[2], *port[2];
	} r[] = {{"10.9.0.0/16", 2, {"10.1.0.2", "10.2.0.2"}, {"p0", "p1"}},
		 {"0.0.0.0/0", 1, {"10.1.0.3", NULL}, {"p0", NULL}}};
	vgw_fmt_obj_begin(f, "routes_sec");
	vgw_fmt_list_begin(f, "routes");
	for (int i = 0; i < 2; i++) {
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_str(f, "prefix", r[i].prefix);
		vgw_fmt_list_begin(f, "via");
		for (int j = 0; j < r[i].n; j++) {
			vgw_fmt_obj_begin(f, NULL);
			vgw_fmt_str(f, "nh", r[i].nh[j]);
			vgw_fmt_str(f, "port", r[i].port[j]);
			vgw_fmt_obj_end(f);
		}
		vgw_fmt_list_end(f);
		vgw_fmt_bool(f, "ecmp", r[i].n > 1);
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
	vgw_fmt_u64(f, "count", 2);
	vgw_fmt_obj_end(f);
}

/* A list of sections: objects that hold a table each (show runtime's
 * workers), then a plain section. */
static void emit_workers(struct vgw_fmt *f)
{
	vgw_fmt_u64(f, "tsc_hz", 1000);
	vgw_fmt_sections_begin(f, "workers");
	for (unsigned int w = 0; w < 2; w++) {
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_u64(f, "worker", w);
		vgw_fmt_u64(f, "lcore", w + 1);
		vgw_fmt_double(f, "busy_pct", w ? NAN : 12.5);
		vgw_fmt_list_begin(f, "stages");
		if (w == 0) {
			vgw_fmt_obj_begin(f, NULL);
			vgw_fmt_str(f, "stage", "classify");
			vgw_fmt_u64(f, "calls", 3);
			vgw_fmt_double(f, "per_call", 7.0 / 3.0);
			vgw_fmt_obj_end(f);
		}
		vgw_fmt_list_end(f);
		vgw_fmt_obj_end(f);
	}
	/* an item that starts with a container: titled by the list's key */
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_list_begin(f, "t");
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "a", "x");
	vgw_fmt_obj_end(f);
	vgw_fmt_list_end(f);
	vgw_fmt_obj_end(f);
	vgw_fmt_list_end(f);
	vgw_fmt_obj_begin(f, "total");
	vgw_fmt_double(f, "big", 1e20);
	vgw_fmt_obj_end(f);
}

static char *run_fmt(bool json, void (*emit)(struct vgw_fmt *))
{
	struct vgw_buf b;
	struct vgw_fmt f;
	vgw_buf_init(&b);
	vgw_fmt_init(&f, &b, json);
	emit(&f);
	vgw_fmt_finish(&f);
	CU_ASSERT_FALSE(b.oom);
	return b.data; /* caller frees */
}

static void test_fmt_json(void)
{
	char *s = run_fmt(true, emit_ports);
	ASSERT_STR(s, "{\"version\":\"1.0\",\"ports\":[{\"name\":\"p0\",\"mtu\":1500,\"addresses\":"
		      "[\"10.0.0.1/24\",\"10.0.1.1/24\"],\"role\":\"public\"},{\"name\":"
		      "\"longname1\",\"mtu\":9000,\"addresses\":[],\"role\":\"underlay\"}],"
		      "\"slowpath\":{\"arp_rx\":5,\"up\":false}}\n");
	CU_ASSERT_TRUE(json_valid(s));
	free(s);
	s = run_fmt(true, emit_routes);
	ASSERT_STR(s, "{\"routes_sec\":{\"routes\":[{\"prefix\":\"10.9.0.0/16\",\"via\":[{\"nh\":"
		      "\"10.1.0.2\",\"port\":\"p0\"},{\"nh\":\"10.2.0.2\",\"port\":\"p1\"}],\"ecmp\":"
		      "true},{\"prefix\":\"0.0.0.0/0\",\"via\":[{\"nh\":\"10.1.0.3\",\"port\":\"p0\"}"
		      "],\"ecmp\":false}],\"count\":2}}\n");
	CU_ASSERT_TRUE(json_valid(s));
	free(s);

	s = run_fmt(true, emit_workers);
	ASSERT_STR(s, "{\"tsc_hz\":1000,\"workers\":[{\"worker\":0,\"lcore\":1,\"busy_pct\":"
		      "12.50,\"stages\":[{\"stage\":\"classify\",\"calls\":3,\"per_call\":2.33}]},"
		      "{\"worker\":1,\"lcore\":2,\"busy_pct\":0.00,\"stages\":[]},{\"t\":[{\"a\":"
		      "\"x\"}]}],\"total\":{\"big\":100000000000000000000.00}}\n");
	CU_ASSERT_TRUE(json_valid(s));
	free(s);

	/* escaping, lists of lists, big numbers, empty containers */
	struct vgw_buf b;
	struct vgw_fmt f;
	vgw_buf_init(&b);
	vgw_fmt_init(&f, &b, true);
	vgw_fmt_str(&f, "k\"ey", "q\"b\\s/\x01\x1f\n\t\r\x7f \xc3\xa9");
	vgw_fmt_u64(&f, "max", UINT64_MAX);
	vgw_fmt_list_begin(&f, "m");
	vgw_fmt_list_begin(&f, "ignored-key");
	vgw_fmt_u64(&f, NULL, 1);
	vgw_fmt_u64(&f, "ignored", 2);
	vgw_fmt_list_end(&f);
	vgw_fmt_list_begin(&f, NULL);
	vgw_fmt_list_end(&f);
	vgw_fmt_obj_begin(&f, NULL);
	vgw_fmt_obj_end(&f);
	vgw_fmt_bool(&f, NULL, true);
	vgw_fmt_list_end(&f);
	vgw_fmt_obj_begin(&f, "e");
	vgw_fmt_obj_end(&f);
	vgw_fmt_finish(&f);
	ASSERT_STR(b.data, "{\"k\\\"ey\":\"q\\\"b\\\\s/\\u0001\\u001f\\u000a\\u0009\\u000d\x7f "
			   "\xc3\xa9\",\"max\":18446744073709551615,\"m\":[[1,2],[],{},true],"
			   "\"e\":{}}\n");
	CU_ASSERT_TRUE(json_valid(b.data));
	/* the validator itself rejects what it must */
	CU_ASSERT_FALSE(json_valid("{\"a\":1,}"));
	CU_ASSERT_FALSE(json_valid("{\"a\":\"x\ny\"}"));
	CU_ASSERT_FALSE(json_valid("{\"a\":[1 2]}"));
	vgw_buf_free(&b);

	/* an empty top-level object */
	vgw_buf_init(&b);
	vgw_fmt_init(&f, &b, true);
	vgw_fmt_finish(&f);
	ASSERT_STR(b.data, "{}\n");
	vgw_buf_free(&b);
}

static void test_fmt_text(void)
{
	char *s = run_fmt(false, emit_ports);
	ASSERT_STR(s, "version: 1.0\n"
		      "NAME       MTU   ADDRESSES                 ROLE\n"
		      "p0         1500  10.0.0.1/24, 10.0.1.1/24  public\n"
		      "longname1  9000  -                         underlay\n"
		      "slowpath:\n"
		      "  arp_rx: 5\n"
		      "  up: no\n");
	free(s);
	s = run_fmt(false, emit_routes);
	ASSERT_STR(s, "routes_sec:\n"
		      "  PREFIX       VIA                       ECMP\n"
		      "  10.9.0.0/16  10.1.0.2 p0, 10.2.0.2 p1  yes\n"
		      "  0.0.0.0/0    10.1.0.3 p0               no\n"
		      "  count: 2\n");
	free(s);

	s = run_fmt(false, emit_workers);
	ASSERT_STR(s, "tsc_hz: 1000\n"
		      "worker 0:\n"
		      "  lcore: 1\n"
		      "  busy_pct: 12.50\n"
		      "  STAGE     CALLS  PER_CALL\n"
		      "  classify  3      2.33\n"
		      "worker 1:\n"
		      "  lcore: 2\n"
		      "  busy_pct: 0.00\n"
		      "workers:\n"
		      "  A\n"
		      "  x\n"
		      "total:\n"
		      "  big: 100000000000000000000.00\n");
	free(s);

	/* a top-level list of scalars: one per line; two tables in a row */
	struct vgw_buf b;
	struct vgw_fmt f;
	vgw_buf_init(&b);
	vgw_fmt_init(&f, &b, false);
	vgw_fmt_list_begin(&f, "config");
	vgw_fmt_str(&f, NULL, "route add 10.0.0.0/8 via 10.1.0.2");
	vgw_fmt_str(&f, NULL, "neigh add 10.1.0.2 02:00:00:00:00:01");
	vgw_fmt_list_end(&f);
	vgw_fmt_list_begin(&f, "t1");
	vgw_fmt_obj_begin(&f, NULL);
	vgw_fmt_str(&f, "a", "xyz");
	vgw_fmt_u64(&f, "b", 7);
	vgw_fmt_obj_end(&f);
	vgw_fmt_list_end(&f);
	vgw_fmt_list_begin(&f, "t2");
	vgw_fmt_obj_begin(&f, NULL);
	vgw_fmt_str(&f, "long_header", "1");
	vgw_fmt_str(&f, "c", "2");
	vgw_fmt_obj_end(&f);
	vgw_fmt_list_end(&f);
	vgw_fmt_finish(&f);
	ASSERT_STR(b.data, "route add 10.0.0.0/8 via 10.1.0.2\n"
			   "neigh add 10.1.0.2 02:00:00:00:00:01\n"
			   "A    B\n"
			   "xyz  7\n"
			   "LONG_HEADER  C\n"
			   "1            2\n");
	vgw_buf_free(&b);
}

static void test_buf(void)
{
	struct vgw_buf b;
	vgw_buf_init(&b);
	CU_ASSERT_EQUAL(b.len, 0);
	for (int i = 0; i < 300; i++)
		vgw_buf_printf(&b, "%03d,", i);
	ASSERT_EQ(b.len, 1200);
	ASSERT_EQ(strlen(b.data), 1200);
	ASSERT_EQ(strncmp(b.data, "000,001,002,", 12), 0);
	ASSERT_STR(b.data + 1196, "299,");
	CU_ASSERT(b.cap > b.len);
	CU_ASSERT_FALSE(b.oom);
	vgw_buf_reset(&b);
	ASSERT_EQ(b.len, 0);
	ASSERT_STR(b.data, "");
	vgw_buf_append(&b, "ab\0cd", 5);
	ASSERT_EQ(b.len, 5);
	ASSERT_EQ(memcmp(b.data, "ab\0cd", 6), 0); /* NUL-terminated after the bytes */
	vgw_buf_puts(&b, "!");
	ASSERT_EQ(b.len, 6);
	vgw_buf_free(&b);
	CU_ASSERT_PTR_NULL(b.data);
	ASSERT_EQ(b.len, 0);
}

/* Absent values and a wide table: null in JSON, "-" in text; 20 columns
 * (show service) all kept, headers starting where their values start. */
static void emit_wide(struct vgw_fmt *f)
{
	vgw_fmt_null(f, "device");
	vgw_fmt_list_begin(f, "rows");
	for (int r = 0; r < 2; r++) {
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_str_or_null(f, "mac", r ? "02:00:00:00:00:01" : NULL);
		for (int c = 0; c < 19; c++) {
			char k[8];
			snprintf(k, sizeof(k), "c%d", c);
			vgw_fmt_u64(f, k, (uint64_t)(r ? 1000 * c : c));
		}
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
}

static void test_fmt_null_wide(void)
{
	char *s = run_fmt(true, emit_wide);
	CU_ASSERT(strncmp(s, "{\"device\":null,\"rows\":[{\"mac\":null,\"c0\":0,", 42) == 0);
	CU_ASSERT(strstr(s, "\"c18\":18000}]}") != NULL);
	CU_ASSERT_TRUE(json_valid(s));
	free(s);
	s = run_fmt(false, emit_wide);
	CU_ASSERT(strncmp(s, "device: -\nMAC  ", 15) == 0);
	char *hdr = strchr(s, '\n') + 1;
	char *row0 = strchr(hdr, '\n') + 1;
	char *row1 = strchr(row0, '\n') + 1;
	CU_ASSERT(strstr(hdr, "C18") != NULL && strncmp(row0, "-  ", 3) == 0);
	/* every header word starts at the offset of its column's values */
	int cols = 0;
	for (char *h = hdr; *h != '\n'; h++) {
		if (*h == ' ' || (h > hdr && h[-1] != ' '))
			continue;
		long off = h - hdr;
		cols++;
		CU_ASSERT(row0[off] != ' ' && (off == 0 || row0[off - 1] == ' '));
		CU_ASSERT(row1[off] != ' ' && (off == 0 || row1[off - 1] == ' '));
	}
	ASSERT_EQ(cols, 20);
	free(s);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"parse_ip4", test_parse_ip4},
		{"parse_prefix", test_parse_prefix},
		{"parse_mac", test_parse_mac},
		{"parse_u64", test_parse_u64},
		{"ip4/prefix/mac strings", test_str_helpers},
		{"fmt JSON exact and valid", test_fmt_json},
		{"fmt text tables exact", test_fmt_text},
		{"fmt null and a 20-column table", test_fmt_null_wide},
		{"buf", test_buf},
	};
	return unit_run("util", tests, sizeof(tests) / sizeof(tests[0]));
}
