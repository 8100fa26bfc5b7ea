/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_neigh_msg.c - libFuzzer target: netlink neighbour messages from the
 * kernel (lib/rtnl/neigh_parse.c), a whole datagram at a time.
 *
 * Input: one datagram as the netlink socket module (lib/rtnl/nl_sock.c)
 * receives it, walked with its framing (vgw_rtnl_nl_msg_step); every message
 * is parsed with the bytes left in the datagram as `avail`. Properties: a
 * result is one of the named results; an OK RTM_NEWNEIGH in a valid state
 * has a MAC; the requests vgwd builds (RTM_GETNEIGH, NTF_USE) fit the
 * documented length and are no neighbour to apply when parsed back.
 */
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "fuzz_util.h"
#include "rtnl/nl_sock.h"
#include "rtnl/neigh_parse.h"

/* the states with a usable MAC (NUD_VALID of the kernel, not a uapi name) */
#define USABLE (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = fuzz_dup(data, size);
	size_t off = 0;
	while (off < size) {
		size_t avail = size - off;
		struct vgw_kneigh_msg r;
		enum vgw_kneigh_msg_result res = vgw_kneigh_parse(buf + off, avail, &r);
		FUZZ_CHECK(res < VGW_KNEIGH_MSG_RESULT_MAX);
		FUZZ_CHECK(vgw_kneigh_msg_result_names[res] != NULL);
		if (res == VGW_KNEIGH_MSG_OK && r.op == VGW_KNEIGH_MSG_ADD && (r.state & USABLE))
			FUZZ_CHECK(r.has_mac);
		size_t step = vgw_rtnl_nl_msg_step(buf + off, avail);
		if (!step)
			break;
		off += step;
	}
	free(buf);

	/* the builders, with a room from the input: 0 or exactly the request */
	const uint8_t *q = data;
	size_t left = size;
	size_t cap = fuzz_take(&q, &left, 1) % (VGW_KNEIGH_REQ_LEN + 8);
	int32_t ifindex = (int32_t)fuzz_take(&q, &left, 4);
	uint32_t ip = fuzz_take(&q, &left, 4);
	for (int use = 0; use < 2; use++) {
		uint8_t *req = malloc(cap ? cap : 1);
		FUZZ_CHECK(req);
		size_t n = use ? vgw_kneigh_msg_use(req, cap, 7, ifindex, ip)
			       : vgw_kneigh_msg_get(req, cap, 7, ifindex, ip);
		FUZZ_CHECK(n == (cap < VGW_KNEIGH_REQ_LEN ? 0 : VGW_KNEIGH_REQ_LEN));
		if (n) {
			struct vgw_kneigh_msg r;
			enum vgw_kneigh_msg_result res = vgw_kneigh_parse(req, n, &r);
			if (use) /* NTF_USE, state 0: an RTM_NEWNEIGH with no valid state */
				FUZZ_CHECK(res == VGW_KNEIGH_MSG_OK && r.ip == ip && !(r.state & USABLE));
			else
				FUZZ_CHECK(res == VGW_KNEIGH_MSG_IGN_MSG_TYPE);
		}
		free(req);
	}
	return 0;
}
