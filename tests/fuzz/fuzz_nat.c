/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_nat.c - libFuzzer target: the NAT rewrites of EIPs and VIPs
 * (lib/net/nat.c): address and port rewrites with incremental checksums
 * (RFC 1624), and the translation of the packet quoted inside an ICMP error
 * (RFC 5508).
 *
 * Input: 8 bytes of parameters (which address, the new address, which port,
 * the new port or none), then the IPv4 packet (bytes after the Ethernet
 * header) in a buffer of exactly its size. Properties, checked against
 * checksums recomputed from scratch: the header checksum stays right; a
 * TCP/UDP checksum that was right stays right (and UDP's "no checksum" stays
 * 0); vgw_nat_icmp_inner either changes nothing (-1) or leaves a right ICMP
 * checksum and a quoted header whose checksum was right still right.
 */
#include "fuzz_util.h"
#include "fuzz_l4sum.h"
#include "net/ip4.h"
#include "net/nat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	const uint8_t *q = data;
	size_t left = 8;
	uint8_t sel = (uint8_t)fuzz_take(&q, &left, 1);
	uint32_t addr = fuzz_take(&q, &left, 4);
	uint16_t port = (uint16_t)fuzz_take(&q, &left, 2);
	uint8_t op = (uint8_t)fuzz_take(&q, &left, 1);
	int which = sel & 1 ? VGW_NAT_SRC : VGW_NAT_DST;
	int pwhich = sel & 2 ? VGW_NAT_SPORT : VGW_NAT_DPORT;
	data += 8, size -= 8;

	uint8_t *p = fuzz_dup(data, size);
	uint16_t hl, tl;
	if (vgw_ip4_check(p, (uint32_t)size, &hl, &tl) != VGW_DROP_NONE)
		goto out;
	switch (op % 3) {
	case 0: {
		int before = fuzz_l4_sum_state(p, hl, tl);
		uint8_t udp0 = p[9] == 17 && !vgw_ip4_is_fragment(p) && tl >= hl + 8 &&
			       !p[hl + 6] && !p[hl + 7];
		vgw_nat_set_addr(p, hl, tl, which, addr);
		FUZZ_CHECK(fuzz_ip_sum_ok(p, hl));
		FUZZ_CHECK((which == 12 ? vgw_ip4_src(p) : vgw_ip4_dst(p)) == addr);
		if (before == 1)
			FUZZ_CHECK(fuzz_l4_sum_state(p, hl, tl) == 1);
		if (udp0)
			FUZZ_CHECK(!p[hl + 6] && !p[hl + 7]);
		break;
	}
	case 1: {
		int before = fuzz_l4_sum_state(p, hl, tl);
		if (vgw_nat_set_port(p, hl, tl, pwhich, port) == 0) {
			FUZZ_CHECK((p[hl + pwhich] << 8 | p[hl + pwhich + 1]) == port);
			if (before == 1)
				FUZZ_CHECK(fuzz_l4_sum_state(p, hl, tl) == 1);
		}
		FUZZ_CHECK(fuzz_ip_sum_ok(p, hl));
		break;
	}
	default: {
		uint8_t *orig = fuzz_dup(p, size);
		int32_t pv = sel & 4 ? -1 : port;
		const uint8_t *in = p + hl + 8;
		uint16_t ihl = tl >= hl + 28 ? (uint16_t)((in[0] & 0xf) * 4) : 0;
		bool inner_ok = ihl >= 20 && tl >= hl + 8 + ihl && fuzz_ip_sum_ok(in, ihl);
		if (vgw_nat_icmp_inner(p, hl, tl, which, addr, pwhich, pv) < 0) {
			FUZZ_CHECK(memcmp(p, orig, size) == 0);
		} else {
			FUZZ_CHECK(fuzz_icmp_sum_ok(p, hl, tl));
			FUZZ_CHECK(memcmp(p, orig, hl) == 0); /* the outer header is the caller's */
			if (inner_ok)
				FUZZ_CHECK(fuzz_ip_sum_ok(in, ihl));
		}
		free(orig);
		break;
	}
	}
out:
	free(p);
	return 0;
}
