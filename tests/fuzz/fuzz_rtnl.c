/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_rtnl.c - libFuzzer target: netlink route messages from the kernel
 * (lib/rtnl/rtnl_parse.c), a whole datagram at a time.
 *
 * Input: one datagram as the netlink socket module (lib/rtnl/nl_sock.c)
 * receives it; it is walked with the module's own framing (vgw_rtnl_nl_msg_step:
 * a header whose length is short or past the end ends the walk, the next
 * message starts at NLMSG_ALIGN(len)), and every message is parsed with the bytes
 * left in the datagram as `avail`, the parse's own checks against its length
 * field included. Properties: a result is one of the named results; an OK
 * route to add has 1..VGW_FIB_ECMP_MAX paths (one to withdraw none), a prefix
 * length <= 32 and no host bits.
 */
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "fuzz_util.h"
#include "rtnl/nl_sock.h"
#include "rtnl/rtnl_parse.h"

#define TABLE 100

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = fuzz_dup(data, size);
	size_t off = 0;
	while (off < size) {
		size_t avail = size - off;
		struct vgw_rtnl_route r;
		enum vgw_rtnl_result res = vgw_rtnl_parse(buf + off, avail, TABLE, &r);
		FUZZ_CHECK(res < VGW_RTNL_RESULT_MAX);
		FUZZ_CHECK(vgw_rtnl_result_names[res] && vgw_rtnl_result_help[res]);
		if (res == VGW_RTNL_OK) {
			if (r.op == VGW_RTNL_ADD)
				FUZZ_CHECK(r.n_paths >= 1 && r.n_paths <= VGW_FIB_ECMP_MAX);
			else
				FUZZ_CHECK(r.n_paths == 0); /* the key is all a withdrawal needs */
			FUZZ_CHECK(r.len <= 32);
			FUZZ_CHECK(r.len == 32 || (r.dst & (0xffffffffu >> r.len)) == 0);
			FUZZ_CHECK(r.table == TABLE);
			char pb[4];
			FUZZ_CHECK(vgw_rtnl_proto_name(r.proto, pb) != NULL);
		}
		size_t step = vgw_rtnl_nl_msg_step(buf + off, avail);
		if (!step)
			break;
		off += step;
	}
	free(buf);
	return 0;
}
