/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_rtnl.c - following a kernel routing table (lib/rtnl): the netlink
 * route message parser, and the kernel RIB fed with messages built in memory
 * with libmnl, exactly as the kernel lays them out (no socket; EAL for the
 * FIB, not parallel). Fixture: p0 10.1.0.1/24, p1 10.2.0.1/24, table 100.
 *
 * Proves (parser, rtnl_parse.h):
 *  - single path (gateway, oif, metric, protocol, RTA_TABLE over rtm_table,
 *    rtm_table alone), multipath (dead next hops left out, weights ignored),
 *    delete (no next hop needed), the default route;
 *  - ignored: another table, IPv6, cloned, TOS, blackhole / unreachable /
 *    prohibit / local / broadcast (key still filled), other message types;
 *  - refused: truncated (header, rtmsg, length field past the bytes), short
 *    attribute, attribute past the end, RTA_DST of 3 bytes, bad rtnexthop
 *    length (short, past the list), prefix length 33, host bits, no RTA_DST,
 *    17 next hops, a device route, a multipath next hop without gateway,
 *    RTA_NH_ID alone, RTA_VIA, an encapsulation;
 *  - unknown attributes are skipped and counted (known unused ones are not);
 *  - 300,000 random buffers, every truncation and 20,000 byte flips of valid
 *    messages: never out of bounds (each buffer is exactly its length, so an
 *    ASan build catches an over-read), every OK result is a valid route.
 * Proves (kernel RIB, krib.h):
 *  - add / replace (same slot, kernel/PROTO in show route) / delete; an
 *    ECMP group sorted by gateway; a route replaced by a blackhole, or by one
 *    we cannot follow, is withdrawn;
 *  - a gateway off every connected subnet, or our own / network address,
 *    is refused and counted; the FIB is unchanged;
 *  - precedence: a kernel route of a connected prefix is shadowed; `route add`
 *    of a static route over a kernel route wins, kernel updates meanwhile do
 *    not touch the FIB, `route del` brings the kernel route back (same slot,
 *    latest kernel next hop); a kernel route arriving under a static one is
 *    shadowed; `route replace` over kernel too;
 *  - metrics: the lowest wins, deleting it brings the next one back;
 *  - resync: routes the dump does not bring are swept (alternates too),
 *    routes notified during the dump stay, a sweep is incremental;
 *  - FIB full: the routes beyond it are refused (fib_full), nothing is half
 *    applied (RIB, FIB and counters agree), room made later is used again;
 *  - after the fuzz, fed through the RIB too, the FIB holds exactly the
 *    connected routes plus what the RIB says it installed;
 *  - several messages in one datagram, and a broken tail, are framed right;
 *  - show kernel-routes / show route summary / show route (JSON).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "core/defer.h"
#include "fib/fib_dp.h"
#include "fib/route.h"
#include "gw_fixture.h"
#include "rtnl/krib.h"
#include "rtnl/rtnl_follow.h"
#include "rtnl/rtnl_parse.h"
#include "cli_run.h"

#define TABLE 100

/* ---- building messages --------------------------------------------------- */

static char mb[8192];

/* An IPv4 unicast route message of table TABLE (RTA_TABLE), protocol bird. */
static struct nlmsghdr *route_msg(uint16_t type, uint32_t dst, uint8_t len)
{
	memset(mb, 0, sizeof(mb));
	struct nlmsghdr *n = mnl_nlmsg_put_header(mb);
	n->nlmsg_type = type;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(n, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = len;
	rtm->rtm_table = RT_TABLE_UNSPEC;
	rtm->rtm_protocol = RTPROT_BIRD;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put_u32(n, RTA_TABLE, TABLE);
	if (len > 0)
		mnl_attr_put_u32(n, RTA_DST, htonl(dst));
	return n;
}

static struct rtmsg *rtm_of(struct nlmsghdr *n)
{
	return mnl_nlmsg_get_payload(n);
}

static void put_gw(struct nlmsghdr *n, uint32_t gw, uint32_t oif)
{
	mnl_attr_put_u32(n, RTA_GATEWAY, htonl(gw));
	mnl_attr_put_u32(n, RTA_OIF, oif);
}

/* RTA_MULTIPATH with n next hops; flags[i] (may be NULL) per next hop; a gw
 * of 0 leaves RTA_GATEWAY out. Returns the first rtnexthop. */
static struct rtnexthop *put_mp(struct nlmsghdr *n, int cnt, const uint32_t *gws,
				const uint8_t *flags)
{
	struct nlattr *mp = mnl_attr_nest_start(n, RTA_MULTIPATH);
	struct rtnexthop *first = NULL;
	for (int i = 0; i < cnt; i++) {
		struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(n);
		memset(nh, 0, sizeof(*nh));
		nh->rtnh_ifindex = 10 + i;
		nh->rtnh_hops = (uint8_t)i; /* weight - 1: ignored */
		nh->rtnh_flags = flags ? flags[i] : 0;
		n->nlmsg_len += MNL_ALIGN(sizeof(*nh));
		if (gws[i])
			mnl_attr_put_u32(n, RTA_GATEWAY, htonl(gws[i]));
		nh->rtnh_len = (unsigned short)((char *)mnl_nlmsg_get_payload_tail(n) - (char *)nh);
		if (!first)
			first = nh;
	}
	mnl_attr_nest_end(n, mp);
	return first;
}

static enum vgw_rtnl_result parse(const struct nlmsghdr *n, struct vgw_rtnl_route *r)
{
	return vgw_rtnl_parse(n, n->nlmsg_len, TABLE, r);
}

#define ASSERT_RES(n, want)                                                                    \
	do {                                                                                   \
		struct vgw_rtnl_route r_;                                                      \
		enum vgw_rtnl_result got_ = parse(n, &r_);                                     \
		if (got_ != (want))                                                            \
			fprintf(stderr, "\n  %s:%d: result %s, want %s\n", __FILE__, __LINE__, \
				vgw_rtnl_result_names[got_], vgw_rtnl_result_names[want]);     \
		CU_assertImplementation(got_ == (want), __LINE__, #want, __FILE__, "",        \
					CU_FALSE);                                            \
	} while (0)

/* ---- parser --------------------------------------------------------------- */

static void test_parse_single(void)
{
	struct vgw_rtnl_route r;
	struct nlmsghdr *n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	put_gw(n, A(10, 1, 0, 2), 7);
	mnl_attr_put_u32(n, RTA_PRIORITY, 20);
	mnl_attr_put_u32(n, RTA_PREFSRC, htonl(A(10, 1, 0, 1))); /* known, unused */
	ASSERT_EQ(parse(n, &r), VGW_RTNL_OK);
	ASSERT_EQ(r.op, VGW_RTNL_ADD);
	ASSERT_EQ(r.dst, A(198, 51, 100, 0));
	ASSERT_EQ(r.len, 24);
	ASSERT_EQ(r.table, TABLE);
	ASSERT_EQ(r.proto, RTPROT_BIRD);
	ASSERT_EQ(r.metric, 20);
	ASSERT_EQ(r.n_paths, 1);
	ASSERT_EQ(r.paths[0].gw, A(10, 1, 0, 2));
	ASSERT_EQ(r.paths[0].oif, 7);
	ASSERT_EQ(r.unknown_attrs, 0);
	/* rtm_table alone (tables below 256), RTA_TABLE wins over it */
	n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	put_gw(n, A(10, 1, 0, 2), 7);
	rtm_of(n)->rtm_table = 5;
	ASSERT_EQ(parse(n, &r), VGW_RTNL_OK);
	memset(mb, 0, sizeof(mb));
	n = mnl_nlmsg_put_header(mb);
	n->nlmsg_type = RTM_NEWROUTE;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(n, sizeof(*rtm));
	*rtm = (struct rtmsg){.rtm_family = AF_INET, .rtm_dst_len = 8, .rtm_table = TABLE,
			      .rtm_type = RTN_UNICAST, .rtm_protocol = RTPROT_BGP};
	mnl_attr_put_u32(n, RTA_DST, htonl(A(11, 0, 0, 0)));
	put_gw(n, A(10, 2, 0, 9), 3);
	ASSERT_EQ(parse(n, &r), VGW_RTNL_OK);
	ASSERT_EQ(r.table, TABLE);
	ASSERT_EQ(r.proto, RTPROT_BGP);
	/* the default route has no RTA_DST */
	n = route_msg(RTM_NEWROUTE, 0, 0);
	put_gw(n, A(10, 1, 0, 2), 7);
	ASSERT_EQ(parse(n, &r), VGW_RTNL_OK);
	ASSERT_EQ(r.len, 0);
	ASSERT_EQ(r.dst, 0);
}

static void test_parse_multipath(void)
{
	struct vgw_rtnl_route r;
	const uint32_t gws[] = {A(10, 1, 0, 3), A(10, 2, 0, 4), A(10, 1, 0, 5)};
	const uint8_t flags[] = {0, RTNH_F_DEAD, RTNH_F_ONLINK};
	struct nlmsghdr *n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 0), 24);
	put_mp(n, 3, gws, flags);
	ASSERT_EQ(parse(n, &r), VGW_RTNL_OK);
	ASSERT_EQ(r.n_paths, 2); /* the dead one is left out */
	ASSERT_EQ(r.paths[0].gw, A(10, 1, 0, 3));
	ASSERT_EQ(r.paths[0].oif, 10);
	ASSERT_EQ(r.paths[1].gw, A(10, 1, 0, 5));
	ASSERT_EQ(r.paths[1].oif, 12);
	/* all dead: nothing usable */
	const uint8_t dead[] = {RTNH_F_DEAD, RTNH_F_DEAD};
	n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 0), 24);
	put_mp(n, 2, gws, dead);
	ASSERT_RES(n, VGW_RTNL_ERR_NO_GATEWAY);
	/* 16 is the most */
	uint32_t many[VGW_FIB_ECMP_MAX + 1];
	for (int i = 0; i <= VGW_FIB_ECMP_MAX; i++)
		many[i] = A(10, 1, 0, 10 + i);
	n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 0), 24);
	put_mp(n, VGW_FIB_ECMP_MAX, many, NULL);
	ASSERT_EQ(parse(n, &r), VGW_RTNL_OK);
	ASSERT_EQ(r.n_paths, VGW_FIB_ECMP_MAX);
	n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 0), 24);
	put_mp(n, VGW_FIB_ECMP_MAX + 1, many, NULL);
	ASSERT_RES(n, VGW_RTNL_ERR_TOO_MANY_PATHS);
	/* a device next hop in the list */
	const uint32_t dev[] = {A(10, 1, 0, 3), 0};
	n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 0), 24);
	put_mp(n, 2, dev, NULL);
	ASSERT_RES(n, VGW_RTNL_ERR_NO_GATEWAY);
}

static void test_parse_delete_and_ignored(void)
{
	struct vgw_rtnl_route r;
	struct nlmsghdr *n = route_msg(RTM_DELROUTE, A(198, 51, 100, 0), 24);
	mnl_attr_put_u32(n, RTA_PRIORITY, 7);
	ASSERT_EQ(parse(n, &r), VGW_RTNL_OK);
	ASSERT_EQ(r.op, VGW_RTNL_DEL);
	ASSERT_EQ(r.dst, A(198, 51, 100, 0));
	ASSERT_EQ(r.metric, 7);
	ASSERT_EQ(r.n_paths, 0);

	n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	put_gw(n, A(10, 1, 0, 2), 7);
	ASSERT_EQ(vgw_rtnl_parse(n, n->nlmsg_len, 200, &r), VGW_RTNL_IGN_TABLE);
	rtm_of(n)->rtm_family = AF_INET6;
	ASSERT_RES(n, VGW_RTNL_IGN_FAMILY);
	rtm_of(n)->rtm_family = AF_INET;
	rtm_of(n)->rtm_flags = RTM_F_CLONED;
	ASSERT_RES(n, VGW_RTNL_IGN_CLONED);
	rtm_of(n)->rtm_flags = 0;
	rtm_of(n)->rtm_tos = 0x10;
	ASSERT_RES(n, VGW_RTNL_IGN_TOS);
	rtm_of(n)->rtm_tos = 0;
	static const uint8_t types[] = {RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_LOCAL,
					RTN_BROADCAST, RTN_MULTICAST, RTN_THROW};
	for (size_t i = 0; i < sizeof(types); i++) {
		rtm_of(n)->rtm_type = types[i];
		ASSERT_EQ(parse(n, &r), VGW_RTNL_IGN_TYPE);
		ASSERT_EQ(r.dst, A(198, 51, 100, 0)); /* the key, for a withdrawal */
		ASSERT_EQ(r.len, 24);
	}
	n->nlmsg_type = RTM_NEWLINK;
	ASSERT_RES(n, VGW_RTNL_IGN_MSG_TYPE);
}

/* An attribute header written by hand at the end of the message. */
static void put_raw_attr(struct nlmsghdr *n, uint16_t len, uint16_t type, size_t room)
{
	uint8_t *p = (uint8_t *)n + n->nlmsg_len;
	memcpy(p, &len, 2);
	memcpy(p + 2, &type, 2);
	n->nlmsg_len += (uint32_t)room;
}

static void test_parse_malformed(void)
{
	struct vgw_rtnl_route r;
	struct nlmsghdr *n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	put_gw(n, A(10, 1, 0, 2), 7);
	uint32_t full = n->nlmsg_len;
	/* truncated: fewer bytes than the header, than the rtmsg, than nlmsg_len */
	ASSERT_EQ(vgw_rtnl_parse(n, 10, TABLE, &r), VGW_RTNL_ERR_TRUNCATED);
	ASSERT_EQ(vgw_rtnl_parse(n, full - 1, TABLE, &r), VGW_RTNL_ERR_TRUNCATED);
	n->nlmsg_len = NLMSG_HDRLEN + 8;
	ASSERT_RES(n, VGW_RTNL_ERR_TRUNCATED);
	n->nlmsg_len = 3;
	ASSERT_EQ(vgw_rtnl_parse(n, full, TABLE, &r), VGW_RTNL_ERR_TRUNCATED);
	/* an attribute of length 2 (shorter than its header) */
	n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	put_raw_attr(n, 2, RTA_GATEWAY, 4);
	ASSERT_RES(n, VGW_RTNL_ERR_ATTR);
	/* an attribute running past the message */
	n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	put_raw_attr(n, 64, RTA_GATEWAY, 8);
	ASSERT_RES(n, VGW_RTNL_ERR_ATTR);
	/* 3 bytes left after the last attribute */
	n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	put_gw(n, A(10, 1, 0, 2), 7);
	n->nlmsg_len += 3;
	ASSERT_RES(n, VGW_RTNL_ERR_ATTR);
	/* RTA_DST of 3 bytes, RTA_GATEWAY of 8, RTA_TABLE of 2 */
	const uint8_t three[8] = {198, 51, 100};
	n = route_msg(RTM_NEWROUTE, 0, 0);
	rtm_of(n)->rtm_dst_len = 24;
	mnl_attr_put(n, RTA_DST, 3, three);
	ASSERT_RES(n, VGW_RTNL_ERR_ATTR);
	n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	mnl_attr_put(n, RTA_GATEWAY, 8, three);
	ASSERT_RES(n, VGW_RTNL_ERR_ATTR);
	n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	mnl_attr_put_u16(n, RTA_TABLE, TABLE);
	ASSERT_RES(n, VGW_RTNL_ERR_ATTR);
	/* rtnexthop lengths: below its header, past the list */
	const uint32_t gws[] = {A(10, 1, 0, 3), A(10, 1, 0, 4)};
	n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 0), 24);
	struct rtnexthop *nh = put_mp(n, 2, gws, NULL);
	nh->rtnh_len = 4;
	ASSERT_RES(n, VGW_RTNL_ERR_MULTIPATH);
	n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 0), 24);
	nh = put_mp(n, 2, gws, NULL);
	nh = (struct rtnexthop *)((char *)nh + RTNH_ALIGN(nh->rtnh_len));
	nh->rtnh_len = 200;
	ASSERT_RES(n, VGW_RTNL_ERR_MULTIPATH);
	n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 0), 24);
	nh = put_mp(n, 1, gws, NULL);
	*(uint16_t *)(nh + 1) = 3; /* the gateway attribute inside: length 3 */
	ASSERT_RES(n, VGW_RTNL_ERR_MULTIPATH);
	/* prefix length 33, host bits, no RTA_DST */
	n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	put_gw(n, A(10, 1, 0, 2), 7);
	rtm_of(n)->rtm_dst_len = 33;
	ASSERT_RES(n, VGW_RTNL_ERR_PLEN);
	rtm_of(n)->rtm_dst_len = 16;
	ASSERT_RES(n, VGW_RTNL_ERR_HOST_BITS);
	n = route_msg(RTM_NEWROUTE, 0, 0);
	rtm_of(n)->rtm_dst_len = 24;
	put_gw(n, A(10, 1, 0, 2), 7);
	ASSERT_RES(n, VGW_RTNL_ERR_NO_DST);
	/* no gateway: a device route; a next-hop object; RTA_VIA; encap */
	n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	mnl_attr_put_u32(n, RTA_OIF, 7);
	ASSERT_RES(n, VGW_RTNL_ERR_NO_GATEWAY);
	mnl_attr_put_u32(n, RTA_NH_ID, 42);
	ASSERT_RES(n, VGW_RTNL_ERR_UNSUPPORTED);
	n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	const uint8_t via6[18] = {AF_INET6, 0};
	mnl_attr_put(n, RTA_VIA, sizeof(via6), via6);
	ASSERT_RES(n, VGW_RTNL_ERR_UNSUPPORTED);
	n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	put_gw(n, A(10, 1, 0, 2), 7);
	mnl_attr_put_u16(n, RTA_ENCAP_TYPE, 1);
	ASSERT_RES(n, VGW_RTNL_ERR_UNSUPPORTED);
	/* a delete needs no next hop */
	n = route_msg(RTM_DELROUTE, A(198, 51, 100, 0), 24);
	ASSERT_RES(n, VGW_RTNL_OK);
}

static void test_parse_unknown_attrs(void)
{
	struct vgw_rtnl_route r;
	struct nlmsghdr *n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	mnl_attr_put_u32(n, 200, 1);
	put_gw(n, A(10, 1, 0, 2), 7);
	mnl_attr_put_u64(n, RTA_NH_ID + 1, 1);
	mnl_attr_put(n, 0x3ff0 | NLA_F_NESTED, 0, NULL);
	mnl_attr_put_u32(n, RTA_CACHEINFO, 0); /* known */
	ASSERT_EQ(parse(n, &r), VGW_RTNL_OK);
	ASSERT_EQ(r.unknown_attrs, 3);
	ASSERT_EQ(r.paths[0].gw, A(10, 1, 0, 2));
	const uint32_t gws[] = {A(10, 1, 0, 3)};
	n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 0), 24);
	struct nlattr *mp = mnl_attr_nest_start(n, RTA_MULTIPATH);
	struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(n);
	memset(nh, 0, sizeof(*nh));
	n->nlmsg_len += MNL_ALIGN(sizeof(*nh));
	mnl_attr_put_u32(n, 99, 5);
	mnl_attr_put_u32(n, RTA_GATEWAY, htonl(gws[0]));
	nh->rtnh_len = (unsigned short)((char *)mnl_nlmsg_get_payload_tail(n) - (char *)nh);
	mnl_attr_nest_end(n, mp);
	ASSERT_EQ(parse(n, &r), VGW_RTNL_OK);
	ASSERT_EQ(r.unknown_attrs, 1);
	ASSERT_EQ(r.n_paths, 1);
}

/* Results must be in range and an OK route valid. */
static bool sane(enum vgw_rtnl_result res, const struct vgw_rtnl_route *r)
{
	if ((unsigned int)res >= VGW_RTNL_RESULT_MAX)
		return false;
	if (res != VGW_RTNL_OK)
		return true;
	if (r->len > 32 || (r->dst & ~vgw_prefix_mask(r->len)) || r->table != TABLE)
		return false;
	return r->op == VGW_RTNL_DEL || (r->n_paths >= 1 && r->n_paths <= VGW_FIB_ECMP_MAX);
}

/* Parses a copy of exactly len bytes (ASan catches a read past it). */
static enum vgw_rtnl_result parse_exact(const void *src, size_t len, struct vgw_rtnl_route *r)
{
	void *p = malloc(len ? len : 1);
	memcpy(p, src, len);
	enum vgw_rtnl_result res = vgw_rtnl_parse(p, len, TABLE, r);
	free(p);
	return res;
}

static size_t valid_samples(uint8_t out[4][512])
{
	const uint32_t gws[] = {A(10, 1, 0, 3), A(10, 2, 0, 4), A(10, 1, 0, 5)};
	struct nlmsghdr *n = route_msg(RTM_NEWROUTE, A(198, 51, 100, 0), 24);
	put_gw(n, A(10, 1, 0, 2), 7);
	memcpy(out[0], n, n->nlmsg_len);
	n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 128), 25);
	put_mp(n, 3, gws, NULL);
	mnl_attr_put_u32(n, RTA_PRIORITY, 3);
	memcpy(out[1], n, n->nlmsg_len);
	n = route_msg(RTM_DELROUTE, A(198, 51, 100, 0), 24);
	memcpy(out[2], n, n->nlmsg_len);
	n = route_msg(RTM_NEWROUTE, A(100, 0, 0, 0), 8);
	mnl_attr_put_u32(n, 77, 1);
	put_mp(n, 2, gws, NULL);
	memcpy(out[3], n, n->nlmsg_len);
	return 4;
}

static void test_parse_fuzz(void)
{
	struct vgw_rtnl_route r;
	uint8_t buf[512];
	unsigned int bad = 0, ok = 0;
	/* random bytes; half of them with a plausible netlink + rtmsg header */
	for (int i = 0; i < 300000; i++) {
		size_t len = unit_rand() % 300;
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)unit_rand();
		if ((i & 1) && len >= 28) {
			struct nlmsghdr h = {.nlmsg_len = (uint32_t)(unit_rand() % 4 ? len : unit_rand()),
					     .nlmsg_type = unit_rand() & 1 ? RTM_NEWROUTE : RTM_DELROUTE};
			memcpy(buf, &h, sizeof(h));
			buf[16] = AF_INET;
			buf[17] = (uint8_t)(unit_rand() % 40); /* dst_len */
			buf[19] = 0;                          /* tos */
			buf[20] = TABLE;
			buf[23] = RTN_UNICAST;
		}
		enum vgw_rtnl_result res = parse_exact(buf, len, &r);
		bad += !sane(res, &r);
		ok += res == VGW_RTNL_OK;
	}
	/* every truncation of valid messages, with and without a fixed length */
	uint8_t v[4][512];
	size_t nv = valid_samples(v);
	for (size_t k = 0; k < nv; k++) {
		uint32_t full;
		memcpy(&full, v[k], 4);
		for (uint32_t len = 0; len < full; len++) {
			bad += !sane(parse_exact(v[k], len, &r), &r);
			uint8_t t[512];
			memcpy(t, v[k], full);
			memcpy(t, &len, 4);
			bad += !sane(parse_exact(t, len, &r), &r);
		}
		bad += parse_exact(v[k], full, &r) != VGW_RTNL_OK;
	}
	/* byte flips of valid messages */
	for (int i = 0; i < 20000; i++) {
		size_t k = unit_rand() % nv;
		uint32_t full;
		memcpy(&full, v[k], 4);
		memcpy(buf, v[k], full);
		for (int f = 0; f < 1 + (int)(unit_rand() % 3); f++)
			buf[4 + unit_rand() % (full - 4)] ^= (uint8_t)(1u << (unit_rand() % 8));
		enum vgw_rtnl_result res = parse_exact(buf, full, &r);
		bad += !sane(res, &r);
		ok += res == VGW_RTNL_OK;
	}
	ASSERT_EQ(bad, 0);
	CU_ASSERT(ok > 1000); /* the flips reached deep into valid messages */
}

/* ---- kernel RIB ------------------------------------------------------------ */

static void rib_reset(uint32_t max)
{
	vgw_rtnl_krib_fini();
	vgw_defer_reclaim();
	vgw_fib_destroy(vgw_fib_main);
	vgw_fib_main = vgw_fib_create(max, NULL, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vgw_fib_main);
	ASSERT_EQ(vgw_fib_route_install_connected(err), 0);
	ASSERT_EQ(vgw_rtnl_krib_init(TABLE, max), 0);
}

static void feed(const struct nlmsghdr *n)
{
	vgw_rtnl_krib_handle(n, n->nlmsg_len);
}

static void kadd(uint32_t dst, uint8_t len, uint32_t gw, uint32_t metric)
{
	struct nlmsghdr *n = route_msg(RTM_NEWROUTE, dst, len);
	put_gw(n, gw, 3);
	if (metric)
		mnl_attr_put_u32(n, RTA_PRIORITY, metric);
	feed(n);
}

static void kdel(uint32_t dst, uint8_t len, uint32_t metric)
{
	struct nlmsghdr *n = route_msg(RTM_DELROUTE, dst, len);
	if (metric)
		mnl_attr_put_u32(n, RTA_PRIORITY, metric);
	feed(n);
}

/* first next hop of the FIB route for addr, 0 if none or not VIA */
static uint32_t via_of(uint32_t addr)
{
	const struct vgw_fib_route_target *t = vgw_fib_lookup(vgw_fib_main, addr);
	return t && t->kind == VGW_FIB_RT_VIA ? t->paths[0].gw : 0;
}

static uint8_t source_of(uint32_t prefix, uint8_t len)
{
	int s = vgw_fib_find(vgw_fib_main, prefix, len);
	return s < 0 ? 0xff : vgw_fib_main->routes[s].source;
}

static const struct vgw_rtnl_krib_stats *st(void)
{
	return vgw_rtnl_krib_stats();
}

static void test_rib_basic(void)
{
	rib_reset(4096);
	const uint32_t P = A(198, 51, 100, 0);
	kadd(P, 24, A(10, 1, 0, 2), 0);
	ASSERT_EQ(via_of(A(198, 51, 100, 7)), A(10, 1, 0, 2));
	ASSERT_EQ(source_of(P, 24), VGW_FIB_RS_KERNEL);
	int slot = vgw_fib_find(vgw_fib_main, P, 24);
	ASSERT_EQ(vgw_fib_main->routes[slot].proto, RTPROT_BIRD);
	ASSERT_EQ(st()->installed, 1);
	/* replace: same slot, new next hop */
	kadd(P, 24, A(10, 2, 0, 7), 0);
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, P, 24), slot);
	ASSERT_EQ(via_of(A(198, 51, 100, 7)), A(10, 2, 0, 7));
	ASSERT_EQ(vgw_fib_lookup(vgw_fib_main, A(198, 51, 100, 7))->paths[0].port, 1);
	ASSERT_EQ(st()->routes, 1);
	ASSERT_EQ(st()->updates, 2);
	/* multipath: one target, sorted by gateway, duplicates dropped */
	const uint32_t gws[] = {A(10, 2, 0, 9), A(10, 1, 0, 9), A(10, 2, 0, 9)};
	struct nlmsghdr *n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 0), 24);
	put_mp(n, 3, gws, NULL);
	feed(n);
	const struct vgw_fib_route_target *t = vgw_fib_lookup(vgw_fib_main, A(203, 0, 113, 1));
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	ASSERT_EQ(t->n_paths, 2);
	ASSERT_EQ(t->paths[0].gw, A(10, 1, 0, 9));
	ASSERT_EQ(t->paths[0].port, 0);
	ASSERT_EQ(t->paths[1].gw, A(10, 2, 0, 9));
	ASSERT_EQ(t->paths[1].port, 1);
	/* delete */
	kdel(P, 24, 0);
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, P, 24), -1);
	CU_ASSERT_PTR_NULL(vgw_fib_lookup(vgw_fib_main, A(198, 51, 100, 7)));
	ASSERT_EQ(st()->withdrawals, 1);
	kdel(P, 24, 0); /* unknown: nothing */
	ASSERT_EQ(st()->withdrawals, 1);
	/* replaced by a blackhole: withdrawn */
	n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 0), 24);
	rtm_of(n)->rtm_type = RTN_BLACKHOLE;
	feed(n);
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, A(203, 0, 113, 0), 24), -1);
	ASSERT_EQ(st()->by_result[VGW_RTNL_IGN_TYPE], 1);
	/* replaced by a device route: refused and withdrawn */
	kadd(P, 24, A(10, 1, 0, 2), 0);
	n = route_msg(RTM_NEWROUTE, P, 24);
	mnl_attr_put_u32(n, RTA_OIF, 3);
	feed(n);
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, P, 24), -1);
	ASSERT_EQ(st()->by_result[VGW_RTNL_ERR_NO_GATEWAY], 1);
	ASSERT_EQ(st()->routes, 0);
	ASSERT_EQ(st()->installed, 0);
	ASSERT_EQ(vgw_fib_main->n_routes, 4);
}

static void test_rib_bad_next_hops(void)
{
	rib_reset(4096);
	const uint32_t P = A(198, 51, 100, 0);
	kadd(P, 24, A(192, 0, 2, 1), 0);
	ASSERT_EQ(st()->refused[VGW_RTNL_KRIB_NH_UNREACHABLE], 1);
	ASSERT_CONTAINS(st()->last_error, "198.51.100.0/24 refused (nh_unreachable)");
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, P, 24), -1);
	static const uint32_t notnb[] = {NPORT0, A(10, 1, 0, 0), A(10, 2, 0, 255)};
	for (int i = 0; i < 3; i++)
		kadd(P, 24, notnb[i], 0);
	ASSERT_EQ(st()->refused[VGW_RTNL_KRIB_NH_INVALID], 3);
	/* one bad path spoils the group */
	const uint32_t gws[] = {A(10, 1, 0, 9), A(172, 16, 0, 1)};
	struct nlmsghdr *n = route_msg(RTM_NEWROUTE, P, 24);
	put_mp(n, 2, gws, NULL);
	feed(n);
	ASSERT_EQ(st()->refused[VGW_RTNL_KRIB_NH_UNREACHABLE], 2);
	ASSERT_EQ(vgw_fib_main->n_routes, 4);
	/* an installed route changed to an unreachable gateway is withdrawn:
	 * the kernel does not use the old one any more */
	kadd(P, 24, A(10, 1, 0, 2), 0);
	ASSERT_EQ(via_of(A(198, 51, 100, 1)), A(10, 1, 0, 2));
	kadd(P, 24, A(192, 0, 2, 1), 0);
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, P, 24), -1);
	ASSERT_EQ(st()->routes, 0);
}

static void test_rib_precedence(void)
{
	rib_reset(4096);
	/* connected prefix: shadowed, the connected route stays */
	kadd(A(10, 1, 0, 0), 24, A(10, 2, 0, 5), 0);
	ASSERT_EQ(source_of(A(10, 1, 0, 0), 24), VGW_FIB_RS_CONNECTED);
	ASSERT_EQ(st()->shadowed, 1);
	ASSERT_EQ(st()->installed, 0);
	kadd(A(10, 2, 0, 1), 32, A(10, 1, 0, 5), 0); /* our own address */
	ASSERT_EQ(vgw_fib_lookup(vgw_fib_main, NPORT1)->kind, VGW_FIB_RT_LOCAL);
	ASSERT_EQ(st()->shadowed, 2);
	kdel(A(10, 1, 0, 0), 24, 0);
	kdel(A(10, 2, 0, 1), 32, 0);
	ASSERT_EQ(st()->shadowed, 0);
	ASSERT_EQ(source_of(A(10, 1, 0, 0), 24), VGW_FIB_RS_CONNECTED);
	ASSERT_EQ(vgw_fib_main->n_routes, 4);

	/* a static route over a kernel route wins ... */
	const uint32_t P = A(198, 51, 100, 0);
	kadd(P, 24, A(10, 1, 0, 2), 0);
	int slot = vgw_fib_find(vgw_fib_main, P, 24);
	OK("route add 198.51.100.0/24 via 10.2.0.5");
	ASSERT_EQ(source_of(P, 24), VGW_FIB_RS_STATIC);
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, P, 24), slot);
	ASSERT_EQ(via_of(A(198, 51, 100, 1)), A(10, 2, 0, 5));
	ASSERT_EQ(st()->shadowed, 1);
	ASSERT_EQ(st()->installed, 0);
	/* ... kernel changes meanwhile do not touch the FIB ... */
	kadd(P, 24, A(10, 1, 0, 3), 0);
	ASSERT_EQ(via_of(A(198, 51, 100, 1)), A(10, 2, 0, 5));
	/* ... a second `route add` is still refused, running-config has it ... */
	ASSERT_EQ(run("route add 198.51.100.0/24 via 10.2.0.6", false), -1);
	ASSERT_CONTAINS(err, "exists");
	struct vgw_buf rc;
	vgw_buf_init(&rc);
	vgw_fib_route_running_config(&rc);
	ASSERT_STR(rc.data, "route add 198.51.100.0/24 via 10.2.0.5\n");
	vgw_buf_free(&rc);
	/* ... and `route del` brings the kernel route back, with its latest
	 * next hop, in the same slot */
	OK("route del 198.51.100.0/24");
	ASSERT_EQ(source_of(P, 24), VGW_FIB_RS_KERNEL);
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, P, 24), slot);
	ASSERT_EQ(via_of(A(198, 51, 100, 1)), A(10, 1, 0, 3));
	ASSERT_EQ(vgw_fib_main->routes[slot].proto, RTPROT_BIRD);
	ASSERT_EQ(st()->shadowed, 0);
	ASSERT_EQ(st()->installed, 1);
	/* a kernel route deleted while shadowed does not come back */
	OK("route replace 198.51.100.0/24 via 10.2.0.5");
	kdel(P, 24, 0);
	OK("route del 198.51.100.0/24");
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, P, 24), -1);
	/* a kernel route under an existing static route is shadowed */
	OK("route add 198.51.100.0/24 via 10.2.0.5");
	kadd(P, 24, A(10, 1, 0, 2), 0);
	ASSERT_EQ(source_of(P, 24), VGW_FIB_RS_STATIC);
	ASSERT_EQ(st()->shadowed, 1);
	/* kernel routes cannot be deleted from the CLI */
	kadd(A(203, 0, 113, 0), 24, A(10, 1, 0, 2), 0);
	ASSERT_EQ(run("route del 203.0.113.0/24", false), -1);
	ASSERT_STR(err, "203.0.113.0/24 is a kernel route and cannot be deleted");
	ASSERT_EQ(st()->shadow_events, 5); /* connected, local, add, replace, under */
}

static void test_rib_metrics(void)
{
	rib_reset(4096);
	const uint32_t P = A(198, 51, 100, 0);
	kadd(P, 24, A(10, 1, 0, 100), 100);
	kadd(P, 24, A(10, 1, 0, 50), 50); /* better */
	ASSERT_EQ(via_of(A(198, 51, 100, 1)), A(10, 1, 0, 50));
	kadd(P, 24, A(10, 1, 0, 200), 200); /* worse */
	ASSERT_EQ(via_of(A(198, 51, 100, 1)), A(10, 1, 0, 50));
	ASSERT_EQ(st()->routes, 3);
	ASSERT_EQ(st()->alternates, 2);
	ASSERT_EQ(st()->installed, 1);
	kadd(P, 24, A(10, 1, 0, 101), 100); /* an alternate changes */
	kdel(P, 24, 50);
	ASSERT_EQ(via_of(A(198, 51, 100, 1)), A(10, 1, 0, 101));
	kdel(P, 24, 200);
	ASSERT_EQ(via_of(A(198, 51, 100, 1)), A(10, 1, 0, 101));
	kdel(P, 24, 7); /* no such metric */
	ASSERT_EQ(st()->routes, 1);
	kdel(P, 24, 100);
	ASSERT_EQ(vgw_fib_find(vgw_fib_main, P, 24), -1);
	ASSERT_EQ(st()->routes, 0);
	ASSERT_EQ(st()->alternates, 0);
}

static void test_rib_resync(void)
{
	rib_reset(4096);
	for (uint32_t i = 0; i < 300; i++)
		kadd(A(100, 64, 0, 0) + (i << 8), 24, A(10, 1, 0, 2), 0);
	kadd(A(100, 64, 0, 0), 24, A(10, 1, 0, 3), 10); /* an alternate */
	ASSERT_EQ(st()->routes, 301);
	/* the dump brings the even /24s only; a notification adds another
	 * route meanwhile */
	vgw_rtnl_krib_resync_begin();
	for (uint32_t i = 0; i < 300; i += 2)
		kadd(A(100, 64, 0, 0) + (i << 8), 24, A(10, 1, 0, 2), 0);
	kadd(A(100, 99, 0, 0), 24, A(10, 1, 0, 2), 0);
	vgw_rtnl_krib_resync_end();
	unsigned int steps = 0;
	while (!vgw_rtnl_krib_sweep_step(64))
		steps++;
	CU_ASSERT(steps > 4); /* incremental */
	ASSERT_EQ(st()->routes, 151);
	ASSERT_EQ(st()->installed, 151);
	ASSERT_EQ(st()->alternates, 0);
	ASSERT_EQ(st()->swept, 151);
	ASSERT_EQ(vgw_fib_main->n_routes, 4 + 151);
	ASSERT_EQ(via_of(A(100, 64, 0, 1)), A(10, 1, 0, 2));
	CU_ASSERT_PTR_NULL(vgw_fib_lookup(vgw_fib_main, A(100, 64, 1, 1)));
	ASSERT_EQ(via_of(A(100, 64, 2, 1)), A(10, 1, 0, 2));
	ASSERT_EQ(via_of(A(100, 99, 0, 1)), A(10, 1, 0, 2));
	/* an empty dump takes everything away */
	vgw_rtnl_krib_resync_begin();
	vgw_rtnl_krib_resync_end();
	while (!vgw_rtnl_krib_sweep_step(1000))
		;
	ASSERT_EQ(st()->routes, 0);
	ASSERT_EQ(vgw_fib_main->n_routes, 4);
}

static void test_rib_full(void)
{
	rib_reset(64); /* 4 connected/local: room for 60 */
	for (uint32_t i = 0; i < 100; i++)
		kadd(A(100, 64, 0, 0) + (i << 8), 24, A(10, 1, 0, 2), 0);
	ASSERT_EQ(st()->refused[VGW_RTNL_KRIB_FIB_FULL], 40);
	ASSERT_EQ(st()->installed, 60);
	ASSERT_EQ(st()->routes, 60);
	ASSERT_EQ(vgw_fib_main->n_routes, 64);
	ASSERT_CONTAINS(st()->last_error, "fib_full");
	for (uint32_t i = 0; i < 100; i++)
		ASSERT_EQ(via_of(A(100, 64, (uint8_t)i, 1)) != 0, i < 60);
	/* room made later serves the next update */
	kdel(A(100, 64, 0, 0), 24, 0);
	vgw_defer_reclaim();
	kadd(A(100, 64, 99, 0), 24, A(10, 1, 0, 2), 0);
	ASSERT_EQ(via_of(A(100, 64, 99, 1)), A(10, 1, 0, 2));
	ASSERT_EQ(st()->installed, 60);
}

static void test_rib_fuzz_keeps_fib(void)
{
	rib_reset(4096);
	kadd(A(198, 51, 100, 0), 24, A(10, 1, 0, 2), 0);
	uint8_t v[4][512], buf[512];
	size_t nv = valid_samples(v);
	for (int i = 0; i < 50000; i++) {
		size_t k = unit_rand() % nv;
		uint32_t full;
		memcpy(&full, v[k], 4);
		memcpy(buf, v[k], full);
		for (int f = 0; f < 1 + (int)(unit_rand() % 3); f++)
			buf[4 + unit_rand() % (full - 4)] ^= (uint8_t)(1u << (unit_rand() % 8));
		vgw_rtnl_krib_handle(buf, i % 7 ? full : unit_rand() % (full + 1));
	}
	vgw_defer_reclaim();
	/* the FIB holds what the RIB says, nothing else */
	ASSERT_EQ(vgw_fib_main->n_routes, 4 + st()->installed);
	ASSERT_EQ(vgw_fib_main->n_by_source[VGW_FIB_RS_KERNEL], st()->installed);
	ASSERT_EQ(st()->installed + st()->shadowed + st()->alternates, st()->routes);
	ASSERT_EQ(vgw_fib_lookup(vgw_fib_main, NPORT0)->kind, VGW_FIB_RT_LOCAL);
	uint64_t refused = 0;
	for (int i = VGW_RTNL_FIRST_ERR; i < VGW_RTNL_RESULT_MAX; i++)
		refused += st()->by_result[i];
	CU_ASSERT(refused > 1000);
	ASSERT_EQ(st()->messages, 50001);
}

static void test_follow_framing(void)
{
	rib_reset(4096);
	uint8_t dg[2048];
	size_t len = 0;
	for (uint32_t i = 0; i < 3; i++) {
		struct nlmsghdr *n = route_msg(RTM_NEWROUTE, A(100, 64, i, 0), 24);
		put_gw(n, A(10, 1, 0, 2), 3);
		memcpy(dg + len, n, n->nlmsg_len);
		len += NLMSG_ALIGN(n->nlmsg_len);
	}
	vgw_rtnl_input(dg, len);
	ASSERT_EQ(st()->installed, 3);
	/* a broken tail: the length field runs past the datagram */
	struct nlmsghdr *n = route_msg(RTM_NEWROUTE, A(100, 64, 9, 0), 24);
	put_gw(n, A(10, 1, 0, 2), 3);
	memcpy(dg + len, n, n->nlmsg_len);
	vgw_rtnl_input(dg, len + 20);
	ASSERT_EQ(st()->by_result[VGW_RTNL_ERR_TRUNCATED], 1);
	ASSERT_EQ(st()->installed, 3);
	ASSERT_EQ(st()->messages, 7);
}

static void test_show(void)
{
	rib_reset(4096);
	kadd(A(198, 51, 100, 0), 24, A(10, 1, 0, 2), 0);
	struct nlmsghdr *n = route_msg(RTM_NEWROUTE, A(203, 0, 113, 0), 24);
	rtm_of(n)->rtm_protocol = 99;
	put_gw(n, A(10, 1, 0, 2), 3);
	feed(n);
	kadd(A(192, 0, 2, 0), 24, A(172, 16, 0, 1), 0);
	OK("show route");
	ASSERT_CONTAINS(out.data, "198.51.100.0/24  kernel/bird");
	ASSERT_CONTAINS(out.data, "203.0.113.0/24   kernel/99");
	ASSERT_EQ(run("show route", true), 0);
	ASSERT_CONTAINS(out.data, "{\"prefix\":\"198.51.100.0/24\",\"source\":\"kernel/bird\","
				  "\"via\":[{\"nh\":\"10.1.0.2\",\"port\":\"p0\"}],\"port\":null}");
	ASSERT_EQ(run("show route summary", true), 0);
	ASSERT_CONTAINS(out.data, "{\"routes\":6,\"max\":4096,\"local\":2,\"connected\":2,"
				  "\"static\":0,\"kernel\":2,\"targets\":5,\"tbl8_used\":2,");
	ASSERT_EQ(run("show kernel-routes", true), 0);
	ASSERT_CONTAINS(out.data, "\"routes\":2,\"installed\":2,\"shadowed\":0");
	ASSERT_CONTAINS(out.data, "\"refused\":{\"truncated\":0,");
	ASSERT_CONTAINS(out.data, "\"nh_unreachable\":1,\"nh_invalid\":0,\"fib_full\":0}");
	ASSERT_CONTAINS(out.data, "\"last_error\":\"192.0.2.0/24 refused (nh_unreachable)");
	/* no socket here: a resync is refused with a reason */
	ASSERT_EQ(run("kernel-routes resync", false), -1);
	ASSERT_CONTAINS(err, "kernel import-table");
	vgw_rtnl_krib_fini();
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"parse: single path", test_parse_single},
		{"parse: multipath", test_parse_multipath},
		{"parse: delete, ignored kinds", test_parse_delete_and_ignored},
		{"parse: malformed", test_parse_malformed},
		{"parse: unknown attributes counted", test_parse_unknown_attrs},
		{"parse: fuzz (random, truncated, flipped)", test_parse_fuzz},
		{"rib: add, replace, ECMP, delete, withdraw", test_rib_basic},
		{"rib: unreachable / invalid next hops", test_rib_bad_next_hops},
		{"rib: connected > static > kernel", test_rib_precedence},
		{"rib: metrics", test_rib_metrics},
		{"rib: resync mark and sweep", test_rib_resync},
		{"rib: FIB full", test_rib_full},
		{"rib: fuzzed messages never corrupt the FIB", test_rib_fuzz_keeps_fib},
		{"follow: datagram framing", test_follow_framing},
		{"show kernel-routes, route summary", test_show},
	};
	return unit_eal_run("rtnl", tests, sizeof(tests) / sizeof(tests[0]));
}
