/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_trace.c - the trace record formatter (lib/trace/trace_fmt.c): the
 * header decoder's layers (Ethernet, ARP, IPv4, ICMP, TCP, UDP, VXLAN and the
 * frame inside it), truncated and odd headers, and one record's fields in
 * JSON (null for what is absent) and text.
 */
#include <stdlib.h>
#include <string.h>

#include "trace/trace.h"
#include "unit.h"
#include "util/fmt.h"

static size_t put_eth(uint8_t *b, uint8_t last_dst, uint16_t type)
{
	static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x01};
	uint8_t dst[6] = {0x02, 0, 0, 0, 0, last_dst};
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	b[12] = (uint8_t)(type >> 8);
	b[13] = (uint8_t)type;
	return 14;
}

static size_t put_ip(uint8_t *b, uint8_t proto, uint32_t src, uint32_t dst, uint16_t tl,
		     uint16_t frag)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (uint8_t)(tl >> 8), b[3] = (uint8_t)tl;
	b[4] = 0x12, b[5] = 0x34;
	b[6] = (uint8_t)(frag >> 8), b[7] = (uint8_t)frag;
	b[8] = 64;
	b[9] = proto;
	for (int i = 0; i < 4; i++) {
		b[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		b[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	return 20;
}

static char *render(const uint8_t *b, uint32_t cap, uint32_t len, bool json)
{
	struct vgw_buf out;
	struct vgw_fmt f;
	vgw_buf_init(&out);
	vgw_fmt_init(&f, &out, json);
	vgw_trace_fmt_headers(&f, "headers", b, cap, len);
	vgw_fmt_finish(&f);
	CU_ASSERT_FATAL(out.data != NULL && !out.oom);
	return out.data;
}

#define HAS(s, sub)                                                                        \
	do {                                                                               \
		if (!strstr((s), (sub)))                                                   \
			fprintf(stderr, "\n  lacks %s in:\n%s\n", (sub), (s));           \
		CU_ASSERT(strstr((s), (sub)) != NULL);                                     \
	} while (0)

/* VXLAN to a hypervisor carrying a TCP SYN-ACK: every layer, in order */
static void test_vxlan_tcp(void)
{
	uint8_t b[VGW_TRACE_HDR];
	memset(b, 0, sizeof(b));
	size_t o = put_eth(b, 0x21, 0x0800);
	o += put_ip(b + o, 17, 0x0a020001, 0x0a020015, 90, 0x4000);
	b[o] = 0xc0, b[o + 1] = 0x00, b[o + 2] = 0x12, b[o + 3] = 0xb5; /* 49152 -> 4789 */
	b[o + 5] = 70;
	o += 8;
	b[o] = 0x08, b[o + 4] = 0, b[o + 5] = 0, b[o + 6] = 100; /* I flag, VNI 100 */
	o += 8;
	o += put_eth(b + o, 0x0a, 0x0800);
	o += put_ip(b + o, 6, 0xcb007105, 0xc0a8010a, 40, 0);
	b[o] = 0x9c, b[o + 1] = 0x40, b[o + 2] = 0x1f, b[o + 3] = 0x90; /* 40000 -> 8080 */
	b[o + 13] = 0x12;                                                /* SYN ACK */
	b[o + 7] = 7, b[o + 11] = 9;
	o += 20;
	char *j = render(b, (uint32_t)o, 104, true);
	const char *want[] = {
		"{\"layer\":\"ether\",\"src\":\"02:00:00:00:00:01\",\"dst\":\"02:00:00:00:00:21\","
		"\"info\":\"type 0x0800\"}",
		"{\"layer\":\"ipv4\",\"src\":\"10.2.0.1\",\"dst\":\"10.2.0.21\","
		"\"info\":\"proto 17 ttl 64 len 90 id 4660 DF\"}",
		"{\"layer\":\"udp\",\"src\":\"49152\",\"dst\":\"4789\",\"info\":\"len 70\"}",
		"{\"layer\":\"vxlan\",\"src\":null,\"dst\":null,\"info\":\"vni 100\"}",
		"{\"layer\":\"ipv4\",\"src\":\"203.0.113.5\",\"dst\":\"192.168.1.10\"",
		"{\"layer\":\"tcp\",\"src\":\"40000\",\"dst\":\"8080\","
		"\"info\":\"flags SA seq 7 ack 9 win 0\"}",
	};
	const char *at = j;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *p = strstr(at, want[i]);
		if (!p)
			fprintf(stderr, "\n  layer %zu not found after the previous one: %s\nin %s\n", i,
				want[i], j);
		CU_ASSERT_FATAL(p != NULL);
		at = p + 1;
	}
	free(j);
	/* text: one table, a row per layer */
	char *t = render(b, (uint32_t)o, 104, false);
	HAS(t, "LAYER");
	HAS(t, "vxlan");
	HAS(t, "flags SA seq 7");
	free(t);
}

/* ARP, ICMP echo, a later fragment (no L4 header), cut headers */
static void test_other_layers(void)
{
	uint8_t b[VGW_TRACE_HDR];
	memset(b, 0, sizeof(b));
	size_t o = put_eth(b, 0xff, 0x0806);
	b[o + 6] = 0, b[o + 7] = 1; /* request */
	b[o + 14] = 10, b[o + 15] = 1, b[o + 16] = 0, b[o + 17] = 2;
	b[o + 24] = 10, b[o + 25] = 1, b[o + 26] = 0, b[o + 27] = 1;
	char *j = render(b, (uint32_t)o + 28, 42, true);
	HAS(j, "{\"layer\":\"arp\",\"src\":\"10.1.0.2\",\"dst\":\"10.1.0.1\",\"info\":\"request");
	free(j);

	o = put_eth(b, 1, 0x0800);
	o += put_ip(b + o, 1, 0x01020304, 0x05060708, 28, 0);
	memset(b + o, 0, 8);
	b[o] = 8, b[o + 5] = 3, b[o + 7] = 4;
	j = render(b, (uint32_t)o + 8, 42, true);
	HAS(j, "\"layer\":\"icmp\",\"src\":null,\"dst\":null,\"info\":\"type 8 code 0 id 3 seq 4\"");
	free(j);

	o = put_eth(b, 1, 0x0800);
	o += put_ip(b + o, 6, 0x01020304, 0x05060708, 60, 0x0010); /* offset 16 */
	j = render(b, (uint32_t)o + 20, 74, true);
	HAS(j, "fragment\"}]");  /* the IPv4 layer is the last one */
	CU_ASSERT(strstr(j, "\"tcp\"") == NULL);
	free(j);

	/* cut in the IPv4 header, and before the Ethernet header ends */
	j = render(b, 20, 74, true);
	HAS(j, "\"layer\":\"truncated\"");
	HAS(j, "ipv4 header not kept (6 of 60 bytes)");
	free(j);
	j = render(b, 5, 74, true);
	HAS(j, "ethernet header not kept (5 of 74 bytes)");
	free(j);
	j = render(b, 0, 0, true);
	HAS(j, "\"headers\":[{\"layer\":\"truncated\"");
	free(j);
}

static const char *pname(uint16_t p)
{
	return p == 0 ? "p0" : p == 1 ? "p1" : "?";
}
static const char *dname(uint16_t d)
{
	return d == 7 ? "no_route" : "?";
}
static const char *sname(uint8_t s)
{
	return s == 3 ? "eth-out" : "lb";
}

/* a record: the verdict and reason fields, null where absent, the steps */
static void test_record(void)
{
	struct vgw_trace_rec *r = calloc(1, sizeof(*r));
	CU_ASSERT_FATAL(r != NULL);
	r->worker = 1;
	r->port = 1;
	r->queue = 2;
	r->tsc = 3000;
	r->end_tsc = 5000;
	r->end = VGW_TRACE_END_DROP;
	r->end_code = 7;
	r->n_steps = 2;
	r->step[0] = (struct vgw_trace_step){.stage = 1, .worker = 1, .enter = 1};
	r->step[1] = (struct vgw_trace_step){.stage = 1, .worker = 0, .enter = 0};
	snprintf(r->step[1].note, sizeof(r->step[1].note), "conntrack new: backend 1.2.3.4:80");
	struct vgw_trace_names nm = {.port = pname, .drop = dname, .punt = dname, .stage = sname,
				     .hz = 1000000, .base_tsc = 1000};
	struct vgw_buf out;
	struct vgw_fmt f;
	vgw_buf_init(&out);
	vgw_fmt_init(&f, &out, true);
	vgw_fmt_list_begin(&f, "trace");
	vgw_trace_fmt_rec(&f, 4, r, &nm);
	vgw_fmt_list_end(&f);
	vgw_fmt_finish(&f);
	CU_ASSERT_FATAL(out.data != NULL);
	HAS(out.data, "{\"packet\":4,\"worker\":1,\"port\":\"p1\",\"queue\":2,\"time_us\":2000,"
		      "\"took_us\":2000,\"verdict\":\"drop\",\"out_port\":null,"
		      "\"reason\":\"no_route\",\"steps_lost\":0,");
	HAS(out.data, "\"steps\":[{\"stage\":\"lb\",\"worker\":1,\"event\":\"enter\",\"note\":\"\"},"
		      "{\"stage\":\"lb\",\"worker\":0,\"event\":\"found\","
		      "\"note\":\"conntrack new: backend 1.2.3.4:80\"}]");
	HAS(out.data, "\"after\":{\"len\":0,\"headers\":[{\"layer\":\"truncated\"");
	vgw_buf_free(&out);

	/* sent: the port, no reason */
	r->end = VGW_TRACE_END_TX;
	r->end_code = 0;
	vgw_buf_init(&out);
	vgw_fmt_init(&f, &out, false);
	vgw_fmt_sections_begin(&f, "trace");
	vgw_trace_fmt_rec(&f, 1, r, &nm);
	vgw_fmt_list_end(&f);
	vgw_fmt_finish(&f);
	HAS(out.data, "packet 1:");
	HAS(out.data, "verdict: tx");
	HAS(out.data, "out_port: p0");
	HAS(out.data, "reason: -");
	vgw_buf_free(&out);
	free(r);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"headers: VXLAN with the frame inside, every layer in order", test_vxlan_tcp},
		{"headers: ARP, ICMP, a later fragment, truncated headers", test_other_layers},
		{"record: fields, null when absent, steps, text sections", test_record},
	};
	return unit_run("trace", tests, sizeof(tests) / sizeof(tests[0]));
}
