/* Netlink route messages -> a plain route (pure function, no state).
 *
 * vgw_rtnl_parse() reads one RTM_NEWROUTE / RTM_DELROUTE message as the
 * kernel sends it (notification or dump answer) and says what it means for
 * the followed table: a route to apply or withdraw (OK), a message that does
 * not concern us (IGN_*), or a message we cannot use (ERR_*). It must be
 * safe on arbitrary bytes: the message and its attributes are walked with libmnl
 * (nl_sock.h: vgw_rtnl_nl_msg_step, vgw_rtnl_nl_attr_parse), every length is checked
 * against the bytes available, every attribute read is checked for its exact
 * size (mnl_attr_validate), and nothing is read past `avail`. msg is 4-byte
 * aligned, as netlink buffers are (libmnl reads the headers in place).
 *
 * What is followed: IPv4 unicast routes of the table, without TOS, not
 * cloned, with 1 to VGW_FIB_ECMP_MAX gateways (RTA_GATEWAY, or the rtnexthop list
 * of RTA_MULTIPATH; next hops flagged RTNH_F_DEAD are left out; weights,
 * rtnh_hops, are ignored: vgw spreads flows evenly). The key of a route is
 * (dst, len, metric = RTA_PRIORITY): the kernel may hold several routes of a
 * prefix with different metrics, the lowest wins.
 * Ignored (IGN_TYPE): blackhole, unreachable, prohibit, throw, local,
 * broadcast, anycast, multicast, nat — vgw has no drop route and no use for
 * the others; the parse still fills op/dst/len/metric so that the follower
 * can withdraw a unicast route the kernel replaced by such a route.
 * Unknown attributes (types the kernel headers of the build do not name)
 * are skipped and counted in unknown_attrs; known ones we do not need
 * (PREFSRC, METRICS, CACHEINFO, PREF, ...) are skipped silently. */
#ifndef VGW_RTNL_PARSE_H
#define VGW_RTNL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "../fib/fib.h"

/* Results: OK, then ignored kinds, then errors (refusals). */
#define VGW_RTNL_RESULTS(X)                                                          \
	X(OK, "ok", "a route to apply or withdraw")                                  \
	X(IGN_MSG_TYPE, "msg_type", "not RTM_NEWROUTE or RTM_DELROUTE")              \
	X(IGN_FAMILY, "family", "not IPv4")                                          \
	X(IGN_TABLE, "table", "another routing table")                               \
	X(IGN_CLONED, "cloned", "a cached route (RTM_F_CLONED)")                     \
	X(IGN_TOS, "tos", "a route with a TOS selector")                             \
	X(IGN_TYPE, "type", "not unicast (blackhole, unreachable, local, broadcast, ...)") \
	X(ERR_TRUNCATED, "truncated", "shorter than its headers or than its length field") \
	X(ERR_ATTR, "bad_attr", "an attribute length is invalid or a known attribute has the wrong size") \
	X(ERR_MULTIPATH, "bad_multipath", "a malformed RTA_MULTIPATH next-hop list") \
	X(ERR_PLEN, "bad_plen", "prefix length over 32")                             \
	X(ERR_HOST_BITS, "host_bits", "destination bits set past the prefix length") \
	X(ERR_NO_DST, "no_dst", "a prefix length without RTA_DST")                   \
	X(ERR_TOO_MANY_PATHS, "too_many_paths", "more than 16 next hops")            \
	X(ERR_NO_GATEWAY, "no_gateway", "no gateway (a device route) or every next hop dead") \
	X(ERR_UNSUPPORTED, "unsupported", "a next-hop object without gateway attributes, an IPv6 gateway or an encapsulation")

#define VGW_X_ENUM(id, name, help) VGW_RTNL_##id,
enum vgw_rtnl_result { VGW_RTNL_RESULTS(VGW_X_ENUM) VGW_RTNL_RESULT_MAX };
#undef VGW_X_ENUM
#define VGW_RTNL_FIRST_ERR VGW_RTNL_ERR_TRUNCATED

extern const char *const vgw_rtnl_result_names[VGW_RTNL_RESULT_MAX];
extern const char *const vgw_rtnl_result_help[VGW_RTNL_RESULT_MAX];

enum vgw_rtnl_op { VGW_RTNL_ADD, VGW_RTNL_DEL };

struct vgw_rtnl_path {
	uint32_t gw; /* host order */
	int32_t oif; /* kernel ifindex, 0 if none */
};

struct vgw_rtnl_route {
	uint8_t op;    /* enum vgw_rtnl_op */
	uint8_t len;   /* rtm_dst_len */
	uint8_t type;  /* rtm_type */
	uint8_t proto; /* rtm_protocol */
	uint8_t n_paths;
	uint32_t table;  /* RTA_TABLE, else rtm_table */
	uint32_t dst;    /* host order */
	uint32_t metric; /* RTA_PRIORITY, 0 if absent */
	uint32_t unknown_attrs;
	struct vgw_rtnl_path paths[VGW_FIB_ECMP_MAX];
};

/* msg: one netlink message, avail: the bytes readable from msg (the message's
 * own length field is checked against it). table: the followed table. The
 * fields of r are meaningful as far as parsing got: all of them for OK,
 * op/dst/len/metric/table for IGN_TYPE. */
enum vgw_rtnl_result vgw_rtnl_parse(const void *msg, size_t avail, uint32_t table,
				    struct vgw_rtnl_route *r);

static inline int vgw_rtnl_is_error(enum vgw_rtnl_result res)
{
	return res >= VGW_RTNL_FIRST_ERR;
}

/* "bird", "bgp", "zebra", ... or the number (buf: at least 4 bytes). */
const char *vgw_rtnl_proto_name(uint8_t proto, char buf[4]);

#endif
