/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_ct_tcp.c - libFuzzer target: the TCP header parse of load-balanced
 * flows and the connection tracker fed whole segment sequences
 * (lib/ct/ct_tcp.c).
 *
 * Input: a sequence of records [dir:1][payload_len:2][n:1][n bytes of TCP
 * header and options]; each header goes to vgw_ct_tcp_seg_parse in its own
 * exact-size buffer (with payload_len as the IP header would give it), the
 * first parsed segment starts the flow (vgw_ct_tcp_init, as ORIG) and the
 * others update it in their direction. Properties: the state stays a named
 * state; `confirmed` is never cleared (but by a SYN that reuses the 4-tuple
 * of a closed flow: a new connection); a parsed segment's window scale is
 * -1 or 0..14 and its payload never exceeds payload_len; only a SYN carries
 * a window scale.
 */
#include "fuzz_util.h"
#include "ct/ct_tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vgw_ct_tcp c;
	bool started = false;
	const uint8_t *q = data;
	size_t left = size;
	for (int rec = 0; left >= 4 && rec < 64; rec++) {
		uint8_t dir = (uint8_t)fuzz_take(&q, &left, 1) & 1;
		uint32_t payload_len = fuzz_take(&q, &left, 2);
		size_t n = fuzz_take(&q, &left, 1) % 61;
		if (n > left)
			n = left;
		uint8_t *l4 = fuzz_dup(q, n);
		q += n, left -= n;
		struct vgw_ct_tcp_seg seg;
		int rc = vgw_ct_tcp_seg_parse(l4, (uint32_t)n, payload_len, &seg);
		free(l4);
		if (rc < 0)
			continue;
		FUZZ_CHECK(seg.wscale >= -1 && seg.wscale <= 14);
		FUZZ_CHECK(seg.len <= payload_len);
		if (!(seg.flags & VGW_CT_TCP_SYN))
			FUZZ_CHECK(seg.wscale == -1);
		if (!started) {
			vgw_ct_tcp_init(&c, &seg);
			started = true;
		} else {
			/* a SYN reusing the 4-tuple of a closed flow starts a new
			 * connection (re-init): the one case that may clear it */
			bool reuse =
				dir == VGW_CT_ORIG &&
				(seg.flags & (VGW_CT_TCP_SYN | VGW_CT_TCP_ACK)) == VGW_CT_TCP_SYN &&
				!(seg.flags & VGW_CT_TCP_RST) &&
				(c.state == VGW_CT_TCP_TIME_WAIT || c.state == VGW_CT_TCP_CLOSE);
			bool was = c.confirmed && !reuse;
			enum vgw_ct_tcp_verdict v = vgw_ct_tcp_update(&c, dir, &seg);
			FUZZ_CHECK(v == VGW_CT_TCP_OK || v == VGW_CT_TCP_RST_IGNORED ||
				   v == VGW_CT_TCP_ACK_INVALID);
			FUZZ_CHECK(!was || c.confirmed);
		}
		FUZZ_CHECK(c.state < VGW_CT_TCP_N_STATES);
		FUZZ_CHECK(vgw_ct_tcp_state_name(c.state) != NULL);
		FUZZ_CHECK(c.s[0].wscale <= 14 && c.s[1].wscale <= 14);
	}
	return 0;
}
