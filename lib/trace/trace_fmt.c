/* The trace record formatter (trace.h): one record as text or JSON through
 * util/fmt, and the decoder of the header bytes a record keeps. Pure: no
 * DPDK state, names come from the caller (tests/unit/test_trace.c). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../util/fmt.h"
#include "../util/parse.h"
#include "trace.h"

#define VXLAN_PORT 4789

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void mac_str(const uint8_t *p, char *s)
{
	snprintf(s, 18, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3], p[4], p[5]);
}

static void layer(struct vgw_fmt *f, const char *name, const char *src, const char *dst,
		  const char *info)
{
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "layer", name);
	if (src)
		vgw_fmt_str(f, "src", src);
	else
		vgw_fmt_null(f, "src");
	if (dst)
		vgw_fmt_str(f, "dst", dst);
	else
		vgw_fmt_null(f, "dst");
	vgw_fmt_str(f, "info", info);
	vgw_fmt_obj_end(f);
}

static void truncated(struct vgw_fmt *f, const char *what, uint32_t len, uint32_t cap)
{
	char info[64];
	snprintf(info, sizeof(info), "%s not kept (%u of %u bytes)", what, cap, len);
	layer(f, "truncated", NULL, NULL, info);
}

static const char *tcp_flags(uint8_t fl, char *s)
{
	static const char names[] = "FSRPAUEC";
	int n = 0;
	for (int i = 0; i < 8; i++)
		if (fl & (1u << i))
			s[n++] = names[i];
	if (!n)
		s[n++] = '.';
	s[n] = '\0';
	return s;
}

static void l4(struct vgw_fmt *f, const uint8_t *b, uint32_t cap, uint32_t len, uint8_t proto,
	       int depth);

/* An Ethernet frame at b (cap bytes of len); depth: frames inside VXLAN. */
static void ether(struct vgw_fmt *f, const uint8_t *b, uint32_t cap, uint32_t len, int depth)
{
	char s[18], d[18], info[64];
	if (cap < 14) {
		truncated(f, "ethernet header", len, cap);
		return;
	}
	mac_str(b + 6, s);
	mac_str(b, d);
	uint16_t type = be16(b + 12);
	snprintf(info, sizeof(info), "type 0x%04x", type);
	layer(f, "ether", s, d, info);
	b += 14, cap -= 14, len = len >= 14 ? len - 14 : 0;
	if (type == 0x0806) {
		if (cap < 28) {
			truncated(f, "arp", len, cap);
			return;
		}
		char sa[VGW_IP4_STRLEN], ta[VGW_IP4_STRLEN], sh[18];
		vgw_ip4_str(be32(b + 14), sa);
		vgw_ip4_str(be32(b + 24), ta);
		mac_str(b + 8, sh);
		uint16_t op = be16(b + 6);
		snprintf(info, sizeof(info), "%s sender mac %s",
			 op == 1 ? "request" : op == 2 ? "reply" : "op ?", sh);
		layer(f, "arp", sa, ta, info);
		return;
	}
	if (type != 0x0800)
		return;
	if (cap < 20) {
		truncated(f, "ipv4 header", len, cap);
		return;
	}
	uint32_t hl = (uint32_t)(b[0] & 0xf) * 4;
	uint16_t tl = be16(b + 2), frag = be16(b + 6);
	char sa[VGW_IP4_STRLEN], da[VGW_IP4_STRLEN];
	vgw_ip4_str(be32(b + 12), sa);
	vgw_ip4_str(be32(b + 16), da);
	snprintf(info, sizeof(info), "proto %u ttl %u len %u id %u%s%s", b[9], b[8], tl,
		 be16(b + 4), frag & 0x4000 ? " DF" : "", frag & 0x3fff ? " fragment" : "");
	layer(f, "ipv4", sa, da, info);
	if ((frag & 0x1fff) || hl < 20 || cap < hl)
		return; /* a later fragment has no L4 header */
	uint32_t l4len = tl > hl ? tl - hl : 0;
	l4(f, b + hl, cap - hl, l4len, b[9], depth);
}

static void l4(struct vgw_fmt *f, const uint8_t *b, uint32_t cap, uint32_t len, uint8_t proto,
	       int depth)
{
	char s[8], d[8], info[64], fl[9];
	switch (proto) {
	case 1:
		if (cap < 8) {
			truncated(f, "icmp header", len, cap);
			return;
		}
		if (b[0] == 0 || b[0] == 8)
			snprintf(info, sizeof(info), "type %u code %u id %u seq %u", b[0], b[1],
				 be16(b + 4), be16(b + 6));
		else
			snprintf(info, sizeof(info), "type %u code %u", b[0], b[1]);
		layer(f, "icmp", NULL, NULL, info);
		return;
	case 6:
		if (cap < 20) {
			truncated(f, "tcp header", len, cap);
			return;
		}
		snprintf(s, sizeof(s), "%u", be16(b));
		snprintf(d, sizeof(d), "%u", be16(b + 2));
		snprintf(info, sizeof(info), "flags %s seq %" PRIu32 " ack %" PRIu32 " win %u",
			 tcp_flags(b[13], fl), be32(b + 4), be32(b + 8), be16(b + 14));
		layer(f, "tcp", s, d, info);
		return;
	case 17:
		if (cap < 8) {
			truncated(f, "udp header", len, cap);
			return;
		}
		snprintf(s, sizeof(s), "%u", be16(b));
		snprintf(d, sizeof(d), "%u", be16(b + 2));
		snprintf(info, sizeof(info), "len %u", be16(b + 4));
		layer(f, "udp", s, d, info);
		/* VXLAN (RFC 7348): the I flag set; one level deep */
		if (be16(b + 2) != VXLAN_PORT || depth > 0)
			return;
		if (cap < 16) {
			truncated(f, "vxlan header", len, cap);
			return;
		}
		if (!(b[8] & 0x08))
			return;
		snprintf(info, sizeof(info), "vni %u", be32(b + 12) >> 8);
		layer(f, "vxlan", NULL, NULL, info);
		ether(f, b + 16, cap - 16, len >= 16 ? len - 16 : 0, depth + 1);
		return;
	default:
		return;
	}
}

void vgw_trace_fmt_headers(struct vgw_fmt *f, const char *key, const uint8_t *buf, uint32_t cap,
			   uint32_t len)
{
	vgw_fmt_list_begin(f, key);
	ether(f, buf, cap, len, 0);
	vgw_fmt_list_end(f);
}

static const char *const end_names[] = {
	[VGW_TRACE_END_NONE] = "none", [VGW_TRACE_END_TX] = "tx", [VGW_TRACE_END_DROP] = "drop",
	[VGW_TRACE_END_PUNT] = "punt", [VGW_TRACE_END_FREED] = "freed",
};

static uint64_t us(uint64_t cycles, uint64_t hz)
{
	return hz ? (uint64_t)((double)cycles * 1e6 / (double)hz) : 0;
}

void vgw_trace_fmt_rec(struct vgw_fmt *f, unsigned int no, const struct vgw_trace_rec *r,
		       const struct vgw_trace_names *nm)
{
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_u64(f, "packet", no);
	vgw_fmt_u64(f, "worker", r->worker);
	vgw_fmt_str(f, "port", nm->port(r->port));
	vgw_fmt_u64(f, "queue", r->queue);
	vgw_fmt_u64(f, "time_us", r->tsc >= nm->base_tsc ? us(r->tsc - nm->base_tsc, nm->hz) : 0);
	vgw_fmt_u64(f, "took_us", r->end_tsc >= r->tsc ? us(r->end_tsc - r->tsc, nm->hz) : 0);
	unsigned int end = r->end < sizeof(end_names) / sizeof(end_names[0]) ? r->end : 0;
	vgw_fmt_str(f, "verdict", end_names[end]);
	if (end == VGW_TRACE_END_TX)
		vgw_fmt_str(f, "out_port", nm->port(r->end_code));
	else
		vgw_fmt_null(f, "out_port");
	if (end == VGW_TRACE_END_DROP)
		vgw_fmt_str(f, "reason", nm->drop(r->end_code));
	else if (end == VGW_TRACE_END_PUNT)
		vgw_fmt_str(f, "reason", nm->punt(r->end_code));
	else
		vgw_fmt_null(f, "reason");
	vgw_fmt_u64(f, "steps_lost", r->lost_steps);
	vgw_fmt_obj_begin(f, "before");
	vgw_fmt_u64(f, "len", r->len_in);
	vgw_trace_fmt_headers(f, "headers", r->hdr_in, r->cap_in, r->len_in);
	vgw_fmt_obj_end(f);
	vgw_fmt_list_begin(f, "steps");
	for (unsigned int i = 0; i < r->n_steps && i < VGW_TRACE_STEPS; i++) {
		const struct vgw_trace_step *st = &r->step[i];
		char note[VGW_TRACE_NOTE + 1];
		memcpy(note, st->note, sizeof(note));
		note[VGW_TRACE_NOTE] = '\0';
		vgw_fmt_obj_begin(f, NULL);
		vgw_fmt_str(f, "stage", nm->stage(st->stage));
		vgw_fmt_u64(f, "worker", st->worker);
		vgw_fmt_str(f, "event", st->enter ? "enter" : "found");
		vgw_fmt_str(f, "note", note);
		vgw_fmt_obj_end(f);
	}
	vgw_fmt_list_end(f);
	vgw_fmt_obj_begin(f, "after");
	vgw_fmt_u64(f, "len", r->len_out);
	vgw_trace_fmt_headers(f, "headers", r->hdr_out, r->cap_out, r->len_out);
	vgw_fmt_obj_end(f);
	vgw_fmt_obj_end(f);
}
