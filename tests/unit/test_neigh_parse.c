/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_neigh_parse.c - the netlink neighbour message parser and the two
 * requests vgwd sends (lib/rtnl/neigh_parse.h). Pure: no EAL, no socket;
 * messages are built in memory with libmnl as the kernel lays them out.
 *
 * Proves:
 *  - OK: RTM_NEWNEIGH in each valid state (REACHABLE, STALE, DELAY, PROBE,
 *    PERMANENT, NOARP) with a 6-byte NDA_LLADDR gives op, ifindex, ip (host
 *    order), state, flags and the MAC; INCOMPLETE / FAILED / NONE give no
 *    MAC even when an NDA_LLADDR (of any size) is there; RTM_DELNEIGH with
 *    or without a MAC; ndm_type RTN_UNSPEC; attributes we do not need are
 *    skipped;
 *  - every IGN_* result: other message types, IPv6 / bridge, NTF_PROXY,
 *    broadcast / multicast / local types, no NDA_DST;
 *  - every ERR_* result: truncated (buffer, length field under a header,
 *    over the buffer, no room for the ndmsg), bad attributes (NDA_DST of 3
 *    or 16 bytes, an attribute length under its header or past the message,
 *    a trailing fragment), a valid state without a 6-byte NDA_LLADDR (none,
 *    0, 5, 8 or 20 bytes); ifindex is filled for errors after the ndmsg;
 *  - 300,000 random buffers, every truncation of valid messages and 20,000
 *    byte flips: never an out-of-range result, never a MAC without a valid
 *    state, never a read past the end (each buffer is exactly its length: an
 *    ASan build catches an over-read);
 *  - vgw_kneigh_msg_get / vgw_kneigh_msg_use: the exact header, ndmsg and
 *    NDA_DST fields (RTM_GETNEIGH with NLM_F_REQUEST only; RTM_NEWNEIGH with
 *    NLM_F_REQUEST|NLM_F_CREATE, NTF_USE, state 0, no NLM_F_ACK), a short
 *    buffer refused, and the request read back by the parser.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "rtnl/neigh_parse.h"
#include "unit.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t MAC[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01};
static char mb[1024];

/* An IPv4 neighbour message: NDA_DST, and NDA_LLADDR of ll_len bytes when
 * ll_len >= 0 (the bytes of MAC, then zeros). */
static struct nlmsghdr *neigh_msg(uint16_t type, uint32_t ip, uint16_t state, int ll_len)
{
	memset(mb, 0, sizeof(mb));
	struct nlmsghdr *n = mnl_nlmsg_put_header(mb);
	n->nlmsg_type = type;
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(n, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = 7;
	ndm->ndm_state = state;
	ndm->ndm_type = RTN_UNICAST;
	mnl_attr_put_u32(n, NDA_DST, htonl(ip));
	if (ll_len >= 0) {
		uint8_t ll[32] = {0};
		memcpy(ll, MAC, 6);
		mnl_attr_put(n, NDA_LLADDR, (size_t)ll_len, ll);
	}
	return n;
}

static struct ndmsg *ndm_of(struct nlmsghdr *n)
{
	return mnl_nlmsg_get_payload(n);
}

/* Parses a copy of exactly len bytes (ASan catches a read past it). */
static enum vgw_kneigh_msg_result parse_exact(const void *src, size_t len, struct vgw_kneigh_msg *r)
{
	void *p = malloc(len ? len : 1);
	memcpy(p, src, len);
	enum vgw_kneigh_msg_result res = vgw_kneigh_parse(p, len, r);
	free(p);
	return res;
}

static enum vgw_kneigh_msg_result parse(const struct nlmsghdr *n, struct vgw_kneigh_msg *r)
{
	return parse_exact(n, n->nlmsg_len, r);
}

#define ASSERT_RES(n, want)                                                                    \
	do {                                                                                   \
		struct vgw_kneigh_msg r_;                                                      \
		enum vgw_kneigh_msg_result got_ = parse(n, &r_);                               \
		if (got_ != (want))                                                            \
			fprintf(stderr, "\n  %s:%d: result %s, want %s\n", __FILE__, __LINE__, \
				vgw_kneigh_msg_result_names[got_],                             \
				vgw_kneigh_msg_result_names[want]);                            \
		CU_assertImplementation(got_ == (want), __LINE__, #want, __FILE__, "",        \
					CU_FALSE);                                            \
	} while (0)

static void test_ok(void)
{
	struct vgw_kneigh_msg r;
	static const uint16_t valid[] = {NUD_REACHABLE, NUD_STALE, NUD_DELAY, NUD_PROBE,
					 NUD_PERMANENT, NUD_NOARP};
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		struct nlmsghdr *n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 2), valid[i], 6);
		ndm_of(n)->ndm_flags = NTF_ROUTER;
		ASSERT_EQ(parse(n, &r), VGW_KNEIGH_MSG_OK);
		ASSERT_EQ(r.op, VGW_KNEIGH_MSG_ADD);
		ASSERT_EQ(r.ifindex, 7);
		ASSERT_EQ(r.ip, A(10, 1, 0, 2));
		ASSERT_EQ(r.state, valid[i]);
		ASSERT_EQ(r.flags, NTF_ROUTER);
		CU_ASSERT(r.has_mac);
		ASSERT_EQ(memcmp(r.mac, MAC, 6), 0);
	}
	/* no usable MAC, whatever NDA_LLADDR says */
	static const uint16_t unusable[] = {NUD_INCOMPLETE, NUD_FAILED, NUD_NONE};
	static const int lls[] = {-1, 0, 6, 20};
	for (size_t i = 0; i < 3; i++)
		for (size_t k = 0; k < 4; k++) {
			struct nlmsghdr *n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 3), unusable[i], lls[k]);
			ASSERT_EQ(parse(n, &r), VGW_KNEIGH_MSG_OK);
			CU_ASSERT(!r.has_mac);
			ASSERT_EQ(r.state, unusable[i]);
			ASSERT_EQ(r.ip, A(10, 1, 0, 3));
		}
	/* deletes: the MAC when there is one, none needed */
	struct nlmsghdr *n = neigh_msg(RTM_DELNEIGH, A(192, 168, 7, 200), NUD_REACHABLE, 6);
	ASSERT_EQ(parse(n, &r), VGW_KNEIGH_MSG_OK);
	ASSERT_EQ(r.op, VGW_KNEIGH_MSG_DEL);
	ASSERT_EQ(r.ip, A(192, 168, 7, 200));
	CU_ASSERT(r.has_mac);
	n = neigh_msg(RTM_DELNEIGH, A(10, 1, 0, 2), NUD_STALE, -1);
	ASSERT_EQ(parse(n, &r), VGW_KNEIGH_MSG_OK);
	CU_ASSERT(!r.has_mac);
	n = neigh_msg(RTM_DELNEIGH, A(10, 1, 0, 2), NUD_REACHABLE, 8);
	ASSERT_EQ(parse(n, &r), VGW_KNEIGH_MSG_OK);
	CU_ASSERT(!r.has_mac);
	n = neigh_msg(RTM_DELNEIGH, A(10, 1, 0, 2), NUD_FAILED, -1);
	ASSERT_EQ(parse(n, &r), VGW_KNEIGH_MSG_OK);
	/* RTN_UNSPEC, attributes we skip (before and after the ones we read) */
	n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 4), NUD_REACHABLE, -1);
	ndm_of(n)->ndm_type = RTN_UNSPEC;
	mnl_attr_put_u32(n, NDA_PROBES, 3);
	struct nda_cacheinfo ci = {1, 2, 3, 4};
	mnl_attr_put(n, NDA_CACHEINFO, sizeof(ci), &ci);
	mnl_attr_put(n, NDA_LLADDR, 6, MAC);
	mnl_attr_put_u16(n, 0x3ff0, 9); /* unknown */
	ASSERT_EQ(parse(n, &r), VGW_KNEIGH_MSG_OK);
	CU_ASSERT(r.has_mac);
	ASSERT_EQ(r.ip, A(10, 1, 0, 4));
	/* the last attribute without its padding */
	n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 5), NUD_REACHABLE, 6);
	n->nlmsg_len -= 2;
	ASSERT_EQ(parse(n, &r), VGW_KNEIGH_MSG_OK);
	CU_ASSERT(r.has_mac);
}

static void test_ignored(void)
{
	struct nlmsghdr *n = neigh_msg(RTM_NEWROUTE, A(10, 1, 0, 2), NUD_REACHABLE, 6);
	ASSERT_RES(n, VGW_KNEIGH_MSG_IGN_MSG_TYPE);
	n = neigh_msg(RTM_GETNEIGH, A(10, 1, 0, 2), NUD_REACHABLE, 6);
	ASSERT_RES(n, VGW_KNEIGH_MSG_IGN_MSG_TYPE);
	n = neigh_msg(NLMSG_DONE, A(10, 1, 0, 2), NUD_REACHABLE, 6);
	ASSERT_RES(n, VGW_KNEIGH_MSG_IGN_MSG_TYPE);
	static const uint8_t fams[] = {AF_INET6, AF_BRIDGE, AF_UNSPEC};
	for (size_t i = 0; i < sizeof(fams); i++) {
		n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 2), NUD_REACHABLE, 6);
		ndm_of(n)->ndm_family = fams[i];
		ASSERT_RES(n, VGW_KNEIGH_MSG_IGN_FAMILY);
	}
	n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 2), NUD_NONE, -1);
	ndm_of(n)->ndm_flags = NTF_PROXY;
	ASSERT_RES(n, VGW_KNEIGH_MSG_IGN_PROXY);
	static const uint8_t types[] = {RTN_BROADCAST, RTN_MULTICAST, RTN_LOCAL, RTN_ANYCAST};
	for (size_t i = 0; i < sizeof(types); i++) {
		n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 255), NUD_NOARP, 6);
		ndm_of(n)->ndm_type = types[i];
		ASSERT_RES(n, VGW_KNEIGH_MSG_IGN_TYPE);
	}
	memset(mb, 0, sizeof(mb));
	n = mnl_nlmsg_put_header(mb);
	n->nlmsg_type = RTM_NEWNEIGH;
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(n, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	ndm->ndm_state = NUD_REACHABLE;
	mnl_attr_put(n, NDA_LLADDR, 6, MAC);
	ASSERT_RES(n, VGW_KNEIGH_MSG_IGN_NO_DST);
}

static void test_errors(void)
{
	struct vgw_kneigh_msg r;
	struct nlmsghdr *n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 2), NUD_REACHABLE, 6);
	ASSERT_EQ(parse_exact(n, 15, &r), VGW_KNEIGH_MSG_ERR_TRUNCATED);
	ASSERT_EQ(parse_exact(n, 0, &r), VGW_KNEIGH_MSG_ERR_TRUNCATED);
	uint32_t full = n->nlmsg_len;
	ASSERT_EQ(parse_exact(n, full - 1, &r), VGW_KNEIGH_MSG_ERR_TRUNCATED); /* length > avail */
	n->nlmsg_len = 15;
	ASSERT_EQ(parse_exact(n, full, &r), VGW_KNEIGH_MSG_ERR_TRUNCATED);
	n->nlmsg_len = 16 + 11; /* no room for the ndmsg */
	ASSERT_EQ(parse_exact(n, full, &r), VGW_KNEIGH_MSG_ERR_TRUNCATED);
	n->nlmsg_len = 16 + 12; /* the ndmsg alone: no NDA_DST */
	ASSERT_EQ(parse_exact(n, full, &r), VGW_KNEIGH_MSG_IGN_NO_DST);

	/* NDA_DST of the wrong size */
	memset(mb, 0, sizeof(mb));
	n = mnl_nlmsg_put_header(mb);
	n->nlmsg_type = RTM_NEWNEIGH;
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(n, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = 9;
	ndm->ndm_state = NUD_REACHABLE;
	mnl_attr_put(n, NDA_DST, 3, "\x0a\x01\x00");
	ASSERT_EQ(parse(n, &r), VGW_KNEIGH_MSG_ERR_ATTR);
	ASSERT_EQ(r.ifindex, 9); /* known: the caller can tell whose it was */
	memset(mb + 28, 0, sizeof(mb) - 28);
	n->nlmsg_len = 28;
	mnl_attr_put(n, NDA_DST, 16, "0123456789abcdef");
	ASSERT_RES(n, VGW_KNEIGH_MSG_ERR_ATTR);
	/* attribute length under its header, past the message, a fragment */
	n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 2), NUD_REACHABLE, 6);
	struct nlattr *first = (struct nlattr *)((char *)n + 28);
	first->nla_len = 3;
	ASSERT_RES(n, VGW_KNEIGH_MSG_ERR_ATTR);
	n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 2), NUD_REACHABLE, 6);
	first = (struct nlattr *)((char *)n + 28);
	first->nla_len = 200;
	ASSERT_RES(n, VGW_KNEIGH_MSG_ERR_ATTR);
	n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 2), NUD_REACHABLE, 6);
	n->nlmsg_len += 2; /* two stray bytes (zeros in mb) after the last attribute */
	ASSERT_RES(n, VGW_KNEIGH_MSG_ERR_ATTR);
	/* a valid state needs a 6-byte NDA_LLADDR */
	static const int bad_ll[] = {-1, 0, 5, 8, 20};
	static const uint16_t valid[] = {NUD_REACHABLE, NUD_STALE, NUD_PERMANENT, NUD_NOARP};
	for (size_t i = 0; i < 5; i++)
		for (size_t k = 0; k < 4; k++) {
			n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 2), valid[k], bad_ll[i]);
			ASSERT_EQ(parse(n, &r), VGW_KNEIGH_MSG_ERR_LLADDR);
			ASSERT_EQ(r.ifindex, 7);
			CU_ASSERT(!r.has_mac);
		}
	CU_ASSERT(vgw_kneigh_msg_is_error(VGW_KNEIGH_MSG_ERR_LLADDR));
	CU_ASSERT(!vgw_kneigh_msg_is_error(VGW_KNEIGH_MSG_IGN_NO_DST));
	for (int i = 0; i < VGW_KNEIGH_MSG_RESULT_MAX; i++)
		CU_ASSERT(vgw_kneigh_msg_result_names[i] && vgw_kneigh_msg_result_names[i][0]);
}

/* Results must be in range; a MAC only with a valid state. */
static bool sane(enum vgw_kneigh_msg_result res, const struct vgw_kneigh_msg *r)
{
	if ((unsigned int)res >= VGW_KNEIGH_MSG_RESULT_MAX)
		return false;
	if (res != VGW_KNEIGH_MSG_OK)
		return !r->has_mac;
	const uint16_t valid = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT |
			       NUD_NOARP;
	if (r->has_mac && !(r->state & valid))
		return false;
	return r->op == VGW_KNEIGH_MSG_DEL || r->has_mac || !(r->state & valid);
}

static size_t valid_samples(uint8_t out[4][128])
{
	struct nlmsghdr *n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 2), NUD_REACHABLE, 6);
	struct nda_cacheinfo ci = {1, 2, 3, 4};
	mnl_attr_put(n, NDA_CACHEINFO, sizeof(ci), &ci);
	mnl_attr_put_u32(n, NDA_PROBES, 1);
	memcpy(out[0], n, n->nlmsg_len);
	n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 3), NUD_STALE, 6);
	memcpy(out[1], n, n->nlmsg_len);
	n = neigh_msg(RTM_DELNEIGH, A(10, 1, 0, 4), NUD_FAILED, -1);
	memcpy(out[2], n, n->nlmsg_len);
	n = neigh_msg(RTM_NEWNEIGH, A(10, 1, 0, 5), NUD_INCOMPLETE, -1);
	mnl_attr_put_u32(n, NDA_PROBES, 3);
	memcpy(out[3], n, n->nlmsg_len);
	return 4;
}

static void test_fuzz(void)
{
	struct vgw_kneigh_msg r;
	uint8_t buf[256];
	unsigned int bad = 0, ok = 0, mac = 0;
	/* random bytes; half of them with a plausible header and ndmsg */
	for (int i = 0; i < 300000; i++) {
		size_t len = unit_rand() % 120;
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)unit_rand();
		if ((i & 1) && len >= 28) {
			struct nlmsghdr h = {.nlmsg_len = (uint32_t)(unit_rand() % 4 ? len : unit_rand()),
					     .nlmsg_type = unit_rand() & 1 ? RTM_NEWNEIGH : RTM_DELNEIGH};
			memcpy(buf, &h, sizeof(h));
			buf[16] = AF_INET;
			buf[26] &= NTF_ROUTER;  /* no NTF_PROXY, mostly */
			buf[27] = RTN_UNICAST;
		}
		enum vgw_kneigh_msg_result res = parse_exact(buf, len, &r);
		bad += !sane(res, &r);
		ok += res == VGW_KNEIGH_MSG_OK;
	}
	/* every truncation of valid messages, with and without a fixed length */
	uint8_t v[4][128];
	size_t nv = valid_samples(v);
	for (size_t k = 0; k < nv; k++) {
		uint32_t full;
		memcpy(&full, v[k], 4);
		for (uint32_t len = 0; len < full; len++) {
			bad += !sane(parse_exact(v[k], len, &r), &r);
			uint8_t t[128];
			memcpy(t, v[k], full);
			memcpy(t, &len, 4);
			bad += !sane(parse_exact(t, len, &r), &r);
		}
		bad += parse_exact(v[k], full, &r) != VGW_KNEIGH_MSG_OK;
	}
	/* byte flips of valid messages */
	for (int i = 0; i < 20000; i++) {
		size_t k = unit_rand() % nv;
		uint32_t full;
		memcpy(&full, v[k], 4);
		memcpy(buf, v[k], full);
		for (int f = 0; f < 1 + (int)(unit_rand() % 3); f++)
			buf[4 + unit_rand() % (full - 4)] ^= (uint8_t)(1u << (unit_rand() % 8));
		enum vgw_kneigh_msg_result res = parse_exact(buf, full, &r);
		bad += !sane(res, &r);
		ok += res == VGW_KNEIGH_MSG_OK;
		mac += res == VGW_KNEIGH_MSG_OK && r.has_mac;
	}
	ASSERT_EQ(bad, 0);
	CU_ASSERT(ok > 1000); /* the flips reached deep into valid messages */
	CU_ASSERT(mac > 100);
}

static void test_requests(void)
{
	uint8_t b[64];
	memset(b, 0xee, sizeof(b));
	ASSERT_EQ(vgw_kneigh_msg_get(b, 35, 1, 7, A(10, 1, 0, 2)), 0);
	ASSERT_EQ(vgw_kneigh_msg_use(b, 35, 1, 7, A(10, 1, 0, 2)), 0);
	ASSERT_EQ(b[0], 0xee); /* nothing written */

	/* RTM_GETNEIGH: header, ndmsg, NDA_DST, exactly */
	ASSERT_EQ(vgw_kneigh_msg_get(b, sizeof(b), 0x01020304, 7, A(10, 1, 0, 2)), 36);
	struct nlmsghdr h;
	struct ndmsg ndm;
	struct nlattr at;
	memcpy(&h, b, sizeof(h));
	memcpy(&ndm, b + 16, sizeof(ndm));
	memcpy(&at, b + 28, sizeof(at));
	ASSERT_EQ(h.nlmsg_len, 36);
	ASSERT_EQ(h.nlmsg_type, RTM_GETNEIGH);
	ASSERT_EQ(h.nlmsg_flags, NLM_F_REQUEST);
	ASSERT_EQ(h.nlmsg_seq, 0x01020304);
	ASSERT_EQ(h.nlmsg_pid, 0);
	ASSERT_EQ(ndm.ndm_family, AF_INET);
	ASSERT_EQ(ndm.ndm_pad1, 0);
	ASSERT_EQ(ndm.ndm_pad2, 0);
	ASSERT_EQ(ndm.ndm_ifindex, 7);
	ASSERT_EQ(ndm.ndm_state, 0); /* the kernel refuses a get with any of these set */
	ASSERT_EQ(ndm.ndm_flags, 0);
	ASSERT_EQ(ndm.ndm_type, 0);
	ASSERT_EQ(at.nla_len, 8);
	ASSERT_EQ(at.nla_type, NDA_DST);
	static const uint8_t ip[4] = {10, 1, 0, 2};
	ASSERT_EQ(memcmp(b + 32, ip, 4), 0);
	ASSERT_EQ(b[36], 0xee);

	/* RTM_NEWNEIGH NTF_USE */
	memset(b, 0xee, sizeof(b));
	ASSERT_EQ(vgw_kneigh_msg_use(b, 36, 99, 12, A(192, 168, 1, 254)), 36);
	memcpy(&h, b, sizeof(h));
	memcpy(&ndm, b + 16, sizeof(ndm));
	memcpy(&at, b + 28, sizeof(at));
	ASSERT_EQ(h.nlmsg_len, 36);
	ASSERT_EQ(h.nlmsg_type, RTM_NEWNEIGH);
	ASSERT_EQ(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE); /* no ACK, no REPLACE, no EXCL */
	ASSERT_EQ(h.nlmsg_seq, 99);
	ASSERT_EQ(ndm.ndm_family, AF_INET);
	ASSERT_EQ(ndm.ndm_ifindex, 12);
	ASSERT_EQ(ndm.ndm_state, NUD_NONE);
	ASSERT_EQ(ndm.ndm_flags, NTF_USE);
	ASSERT_EQ(ndm.ndm_type, 0);
	ASSERT_EQ(at.nla_len, 8);
	ASSERT_EQ(at.nla_type, NDA_DST);
	static const uint8_t ip2[4] = {192, 168, 1, 254};
	ASSERT_EQ(memcmp(b + 32, ip2, 4), 0);
	/* read back: a neighbour message without MAC */
	struct vgw_kneigh_msg r;
	ASSERT_EQ(parse_exact(b, 36, &r), VGW_KNEIGH_MSG_OK);
	ASSERT_EQ(r.ip, A(192, 168, 1, 254));
	ASSERT_EQ(r.ifindex, 12);
	CU_ASSERT(!r.has_mac);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"parse: neighbours to apply", test_ok},
		{"parse: ignored kinds", test_ignored},
		{"parse: malformed", test_errors},
		{"parse: fuzz (random, truncated, flipped)", test_fuzz},
		{"requests: RTM_GETNEIGH and NTF_USE bytes", test_requests},
	};
	return unit_run("neigh-parse", tests, sizeof(tests) / sizeof(tests[0]));
}
