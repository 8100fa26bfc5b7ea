/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_icmp.c - libFuzzer target: the ICMP messages the gateway builds from a
 * received packet in place (lib/net/icmp.c): echo replies, errors quoting the
 * packet (RFC 792, RFC 1812 4.3.2), and the reading of an error's quote.
 *
 * Input: byte 0 picks the error's type/code, then the IPv4 packet (bytes
 * after the Ethernet header). The packet sits in a buffer of exactly its
 * size, and that size is the `room` the builders are given: a build that
 * writes past the room it was told of is an ASan report. Properties: every
 * message built passes vgw_ip4_check and carries a right ICMP checksum; an
 * echo reply is never longer than the request; an error is built only when
 * it fits and is exactly header + 8 + quoted header + 8 bytes.
 */
#include "fuzz_util.h"
#include "fuzz_l4sum.h"
#include "net/icmp.h"
#include "net/ip4.h"

#define SELF 0xc6336401u /* 198.51.100.1 */

static const uint8_t kinds[][2] = {
	{VGW_ICMP_DEST_UNREACH, 1},
	{VGW_ICMP_DEST_UNREACH, VGW_ICMP_FRAG_NEEDED},
	{VGW_ICMP_TIME_EXCEEDED, 0},
	{VGW_ICMP_PARAM_PROBLEM, 0},
};

static void check_built(uint8_t *p, size_t size, uint16_t len)
{
	uint16_t hl, tl;
	FUZZ_CHECK(len <= size);
	FUZZ_CHECK(vgw_ip4_check(p, len, &hl, &tl) == VGW_DROP_NONE);
	FUZZ_CHECK(tl == len && hl == VGW_IP4_MIN_HDR);
	FUZZ_CHECK(vgw_ip4_src(p) == SELF);
	FUZZ_CHECK(fuzz_icmp_sum_ok(p, hl, tl));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t kind = data[0] % (sizeof(kinds) / sizeof(kinds[0]));
	data++, size--;
	uint8_t *p = fuzz_dup(data, size);
	uint16_t hl, tl;
	if (vgw_ip4_check(p, (uint32_t)size, &hl, &tl) != VGW_DROP_NONE)
		goto out;
	if (vgw_icmp_is_error(p, hl, tl)) {
		uint32_t s = vgw_icmp_quoted_addr(p, hl, tl, 12);
		uint32_t d = vgw_icmp_quoted_addr(p, hl, tl, 16);
		if (tl < hl + 8 + 20)
			FUZZ_CHECK(s == 0 && d == 0);
	}
	if (vgw_icmp_is_echo_request(p, hl, tl)) {
		uint8_t *q = fuzz_dup(p, size);
		uint32_t peer = vgw_ip4_src(q);
		uint16_t n = vgw_icmp_echo_reply(q, hl, tl, SELF);
		FUZZ_CHECK(n <= tl);
		check_built(q, size, n);
		FUZZ_CHECK(vgw_ip4_dst(q) == peer);
		FUZZ_CHECK(q[VGW_IP4_MIN_HDR] == VGW_ICMP_ECHO_REPLY);
		free(q);
	}
	if (vgw_icmp_error_allowed(p, hl, tl)) {
		uint32_t peer = vgw_ip4_src(p);
		uint16_t quote = (uint16_t)(hl + (tl - hl < 8 ? tl - hl : 8));
		uint8_t orig[60 + 8];
		memcpy(orig, p, quote);
		uint16_t n = vgw_icmp_error(p, hl, tl, (uint32_t)size, kinds[kind][0],
					    kinds[kind][1], kind == 1 ? 1400 : 0, SELF);
		if (size < (size_t)VGW_IP4_MIN_HDR + 8 + quote) {
			FUZZ_CHECK(n == 0);
		} else {
			FUZZ_CHECK(n == VGW_IP4_MIN_HDR + 8 + quote);
			check_built(p, size, n);
			FUZZ_CHECK(vgw_ip4_dst(p) == peer);
			FUZZ_CHECK(memcmp(p + VGW_IP4_MIN_HDR + 8, orig, quote) == 0);
			FUZZ_CHECK(vgw_icmp_is_error(p, VGW_IP4_MIN_HDR, n));
		}
	}
out:
	free(p);
	return 0;
}
