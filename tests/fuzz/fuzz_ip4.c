/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_ip4.c - libFuzzer target: the IPv4 header check every received packet
 * goes through (lib/net/ip4.c) and what a worker does next with a header it
 * accepted.
 *
 * Input: the bytes after the Ethernet header (what vgw_ip4_check sees as
 * `avail`). Properties: an accepted header has 20 <= hdr_len <= tot_len <=
 * avail and a right checksum; the flow hash reads only the packet; a TTL
 * decrement keeps the header valid (incremental checksum, RFC 1624).
 */
#include "fuzz_util.h"
#include "fuzz_l4sum.h"
#include "net/ip4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = fuzz_dup(data, size);
	uint16_t hl = 0, tl = 0;
	enum vgw_drop d = vgw_ip4_check(p, (uint32_t)size, &hl, &tl);
	if (d != VGW_DROP_NONE)
		goto out;
	FUZZ_CHECK(hl >= VGW_IP4_MIN_HDR && hl <= tl && tl <= size);
	FUZZ_CHECK(fuzz_ip_sum_ok(p, hl));
	uint32_t h = vgw_ip4_flow_hash(p, hl, tl);
	(void)h;
	(void)vgw_ip4_src_martian(vgw_ip4_src(p));
	(void)vgw_ip4_dst_not_unicast(vgw_ip4_dst(p));
	if (p[8] > 1) {
		uint8_t ttl = p[8];
		vgw_ip4_ttl_dec(p);
		FUZZ_CHECK(p[8] == ttl - 1);
		FUZZ_CHECK(vgw_ip4_check(p, (uint32_t)size, &hl, &tl) == VGW_DROP_NONE);
		/* the flow hash ignores the TTL: ECMP keeps a flow on its path */
		FUZZ_CHECK(vgw_ip4_flow_hash(p, hl, tl) == h);
	}
	vgw_ip4_set_cksum(p);
	FUZZ_CHECK(fuzz_ip_sum_ok(p, hl));
out:
	free(p);
	return 0;
}
