/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_net.c - CUnit tests of lib/net (ip4.h, cksum.h, icmp.h).
 *
 * Proves, against an independent RFC 1071 checksum (unit.h) and hand-built
 * packets:
 *  - vgw_ip4_check accepts a valid header (with options, with Ethernet
 *    padding after the datagram) and returns each named drop reason for a
 *    short frame, a bad version, IHL < 5, IHL past the frame, total length
 *    below the header, total length past the frame (ip_truncated) and a bad
 *    checksum, in the documented order;
 *  - vgw_ip4_ttl_dec and vgw_cksum_update16/32 give exactly the checksum a
 *    from-scratch computation gives, over thousands of random headers;
 *  - vgw_ip4_flow_hash is a function of the 5-tuple (ports only for
 *    unfragmented TCP/UDP/SCTP; every fragment of a datagram hashes alike);
 *  - vgw_icmp_echo_reply and vgw_icmp_error build valid datagrams (type,
 *    code, addresses, quote, both checksums) and vgw_icmp_error refuses a
 *    buffer that is too small without touching it;
 *  - vgw_icmp_error_allowed implements RFC 1812 4.3.2.7.
 * Needs no EAL: everything here is a pure function over byte buffers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/cksum.h"
#include "net/icmp.h"
#include "net/ip4.h"
#include "unit.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* IPv4 header of ihl words (options = NOPs) with a correct checksum; the
 * payload bytes after it are 0xa0, 0xa1, ... */
static void mk_ip(uint8_t *p, unsigned int ihl, uint16_t tot_len, uint8_t proto, uint32_t src,
		  uint32_t dst)
{
	memset(p, 0, tot_len);
	p[0] = (uint8_t)(0x40 | ihl);
	p[1] = 0x10;
	put16(p + 2, tot_len);
	put16(p + 4, 0x1234);
	p[8] = 17; /* TTL */
	p[9] = proto;
	vgw_ip4_put(p + 12, src);
	vgw_ip4_put(p + 16, dst);
	for (unsigned int i = 20; i < ihl * 4; i++)
		p[i] = 1; /* NOP */
	for (unsigned int i = ihl * 4; i < tot_len; i++)
		p[i] = (uint8_t)(0xa0 + i - ihl * 4);
	put16(p + 10, unit_cksum(p, ihl * 4));
}

static void fix_cksum(uint8_t *p)
{
	put16(p + 10, 0);
	put16(p + 10, unit_cksum(p, (size_t)(p[0] & 0xf) * 4));
}

static enum vgw_drop check(const uint8_t *p, uint32_t avail)
{
	uint16_t hl = 0, tl = 0;
	return vgw_ip4_check(p, avail, &hl, &tl);
}

static void test_ip4_check_valid(void)
{
	uint8_t p[128];
	uint16_t hl = 0, tl = 0;
	mk_ip(p, 5, 40, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	ASSERT_EQ(vgw_ip4_check(p, 40, &hl, &tl), VGW_DROP_NONE);
	ASSERT_EQ(hl, 20);
	ASSERT_EQ(tl, 40);
	/* options: IHL 6 */
	mk_ip(p, 6, 44, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	ASSERT_EQ(vgw_ip4_check(p, 44, &hl, &tl), VGW_DROP_NONE);
	ASSERT_EQ(hl, 24);
	ASSERT_EQ(tl, 44);
	/* Ethernet padding: a 28-byte datagram in a 46-byte minimum payload */
	mk_ip(p, 5, 28, 1, A(192, 0, 2, 1), A(10, 2, 0, 5));
	memset(p + 28, 0xee, 18);
	ASSERT_EQ(vgw_ip4_check(p, 46, &hl, &tl), VGW_DROP_NONE);
	ASSERT_EQ(hl, 20);
	ASSERT_EQ(tl, 28);
	/* header only, maximal IHL 15 */
	mk_ip(p, 15, 60, 6, A(192, 0, 2, 1), A(10, 2, 0, 5));
	ASSERT_EQ(vgw_ip4_check(p, 60, &hl, &tl), VGW_DROP_NONE);
	ASSERT_EQ(hl, 60);
	ASSERT_EQ(tl, 60);
}

static void test_ip4_check_errors(void)
{
	uint8_t p[128];
	mk_ip(p, 5, 40, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	ASSERT_EQ(check(p, 19), VGW_DROP_IP_SHORT);
	ASSERT_EQ(check(p, 0), VGW_DROP_IP_SHORT);
	ASSERT_EQ(check(p, 20), VGW_DROP_IP_TRUNCATED); /* total 40 > 20 */
	ASSERT_EQ(check(p, 39), VGW_DROP_IP_TRUNCATED);

	mk_ip(p, 5, 40, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	p[0] = 0x65;
	fix_cksum(p);
	ASSERT_EQ(check(p, 40), VGW_DROP_IP_BAD_VERSION);
	ASSERT_EQ(check(p, 10), VGW_DROP_IP_SHORT); /* size is checked first */

	for (unsigned int ihl = 0; ihl < 5; ihl++) {
		mk_ip(p, 5, 40, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
		p[0] = (uint8_t)(0x40 | ihl);
		fix_cksum(p);
		ASSERT_EQ(check(p, 40), VGW_DROP_IP_BAD_IHL);
	}
	/* IHL 15 (60 bytes) in a 40-byte frame; IHL 6 in exactly 23 bytes */
	mk_ip(p, 5, 40, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	p[0] = 0x4f;
	ASSERT_EQ(check(p, 40), VGW_DROP_IP_BAD_IHL);
	mk_ip(p, 6, 24, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	ASSERT_EQ(check(p, 23), VGW_DROP_IP_BAD_IHL);
	ASSERT_EQ(check(p, 24), VGW_DROP_NONE);

	/* total length below the header */
	mk_ip(p, 5, 40, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	put16(p + 2, 19);
	fix_cksum(p);
	ASSERT_EQ(check(p, 40), VGW_DROP_IP_BAD_TOTAL_LEN);
	put16(p + 2, 0);
	fix_cksum(p);
	ASSERT_EQ(check(p, 40), VGW_DROP_IP_BAD_TOTAL_LEN);
	mk_ip(p, 6, 40, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	put16(p + 2, 23);
	fix_cksum(p);
	ASSERT_EQ(check(p, 40), VGW_DROP_IP_BAD_TOTAL_LEN);
	put16(p + 2, 24);
	fix_cksum(p);
	ASSERT_EQ(check(p, 40), VGW_DROP_NONE);

	/* total length past the frame */
	mk_ip(p, 5, 40, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	put16(p + 2, 41);
	fix_cksum(p);
	ASSERT_EQ(check(p, 40), VGW_DROP_IP_TRUNCATED);
	put16(p + 2, 0xffff);
	fix_cksum(p);
	ASSERT_EQ(check(p, 40), VGW_DROP_IP_TRUNCATED);

	/* checksum: wrong field, and a changed byte under a stale checksum */
	mk_ip(p, 5, 40, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	p[11] ^= 1;
	ASSERT_EQ(check(p, 40), VGW_DROP_IP_BAD_CHECKSUM);
	mk_ip(p, 5, 40, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	p[8]--;
	ASSERT_EQ(check(p, 40), VGW_DROP_IP_BAD_CHECKSUM);
	mk_ip(p, 6, 44, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	p[22] = 0x44; /* option byte: covered by the checksum */
	ASSERT_EQ(check(p, 44), VGW_DROP_IP_BAD_CHECKSUM);
	/* payload bytes are not covered by the header checksum */
	mk_ip(p, 5, 40, 17, A(192, 0, 2, 1), A(10, 2, 0, 5));
	p[30] ^= 0xff;
	ASSERT_EQ(check(p, 40), VGW_DROP_NONE);
}

static void random_header(uint8_t *p, unsigned int ihl)
{
	for (unsigned int i = 0; i < ihl * 4; i++)
		p[i] = (uint8_t)unit_rand();
	p[0] = (uint8_t)(0x40 | ihl);
	put16(p + 2, (uint16_t)(ihl * 4 + unit_rand() % 1400));
	fix_cksum(p);
}

static void test_ttl_dec(void)
{
	uint8_t p[60], ref[60];
	int bad = 0;
	for (int i = 0; i < 20000; i++) {
		unsigned int ihl = 5 + unit_rand() % 11;
		random_header(p, ihl);
		if (i < 256)
			p[8] = (uint8_t)(i < 2 ? 2 : i); /* every TTL at least once */
		else if (p[8] < 2)
			p[8] = 2;
		if (i % 7 == 0)
			p[9] = 0xff; /* TTL/proto word 0xXXff */
		fix_cksum(p);
		memcpy(ref, p, sizeof(p));
		vgw_ip4_ttl_dec(p);
		ref[8]--;
		fix_cksum(ref);
		if (memcmp(p, ref, ihl * 4) != 0 || !unit_cksum_ok(p, ihl * 4))
			bad++;
	}
	ASSERT_EQ(bad, 0);

	/* a known vector: 45 00 00 73 00 00 40 00 40 11 [b861] c0a80001 c0a800c7 */
	static const uint8_t v[20] = {0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0xb8, 0x61,
				      0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0, 0xc7};
	memcpy(p, v, 20);
	ASSERT_EQ(check(p, 0x73), VGW_DROP_NONE);
	ASSERT_EQ(unit_cksum_ok(p, 20), true);
	vgw_ip4_ttl_dec(p);
	ASSERT_EQ(p[8], 0x3f);
	ASSERT_EQ(get16(p + 10), 0xb961);

	/* vgw_ip4_set_cksum agrees with the reference */
	random_header(p, 7);
	memcpy(ref, p, 28);
	p[10] = 0xde;
	p[11] = 0xad;
	vgw_ip4_set_cksum(p);
	ASSERT_EQ(memcmp(p, ref, 28), 0);
}

static void test_cksum_update(void)
{
	uint8_t b[32];
	int bad16 = 0, bad32 = 0, badfull = 0;
	for (int i = 0; i < 20000; i++) {
		for (int j = 0; j < 32; j++)
			b[j] = (uint8_t)unit_rand();
		if (vgw_cksum(b, 32) != unit_cksum(b, 32) || vgw_cksum(b, 31) != unit_cksum(b, 31))
			badfull++;
		uint16_t hc = unit_cksum(b, 32);
		/* 16-bit word at an even offset */
		unsigned int off = 2 * (unit_rand() % 16);
		uint16_t old = get16(b + off), nw = (uint16_t)unit_rand();
		if (i % 5 == 0)
			nw = old; /* no change */
		if (i % 11 == 0)
			nw = (uint16_t)~old;
		put16(b + off, nw);
		if (vgw_cksum_update16(hc, old, nw) != unit_cksum(b, 32))
			bad16++;
		/* 32-bit value (an address) at an even offset */
		hc = unit_cksum(b, 32);
		off = 2 * (unit_rand() % 15);
		uint32_t o32 = (uint32_t)get16(b + off) << 16 | get16(b + off + 2);
		uint32_t n32 = unit_rand();
		put16(b + off, (uint16_t)(n32 >> 16));
		put16(b + off + 2, (uint16_t)n32);
		if (vgw_cksum_update32(hc, o32, n32) != unit_cksum(b, 32))
			bad32++;
	}
	ASSERT_EQ(badfull, 0);
	ASSERT_EQ(bad16, 0);
	ASSERT_EQ(bad32, 0);
	/* RFC 1624 section 4 example: HC 0xdd2f, m 0x5555 -> 0x3285: HC' 0x0000 */
	ASSERT_EQ(vgw_cksum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
	ASSERT_EQ(vgw_cksum_fold(0x2fffe), 0x0001);
	ASSERT_EQ(vgw_cksum_partial((const uint8_t[]){0x01, 0x02, 0x03}, 3, 0), 0x0402);
}

/* UDP/TCP datagram with the given ports right after the header. */
static uint32_t hash_of(unsigned int ihl, uint8_t proto, uint32_t src, uint32_t dst,
			uint16_t sport, uint16_t dport, uint16_t frag)
{
	uint8_t p[80];
	uint16_t tot = (uint16_t)(ihl * 4 + 16);
	mk_ip(p, ihl, tot, proto, src, dst);
	put16(p + 6, frag);
	put16(p + ihl * 4, sport);
	put16(p + ihl * 4 + 2, dport);
	fix_cksum(p);
	return vgw_ip4_flow_hash(p, (uint16_t)(ihl * 4), tot);
}

static void test_flow_hash(void)
{
	const uint32_t s = A(192, 0, 2, 1), d = A(198, 51, 100, 7);
	uint32_t h = hash_of(5, 17, s, d, 1000, 53, 0);
	ASSERT_EQ(hash_of(5, 17, s, d, 1000, 53, 0), h);
	ASSERT_EQ(hash_of(5, 17, s, d, 1000, 53, 0x4000), h); /* DF is not a fragment */
	ASSERT_EQ(hash_of(6, 17, s, d, 1000, 53, 0), h);      /* options are skipped */
	CU_ASSERT_NOT_EQUAL(hash_of(5, 17, s, d, 1001, 53, 0), h);
	CU_ASSERT_NOT_EQUAL(hash_of(5, 17, s, d, 1000, 54, 0), h);
	CU_ASSERT_NOT_EQUAL(hash_of(5, 17, s, d, 53, 1000, 0), h);
	CU_ASSERT_NOT_EQUAL(hash_of(5, 6, s, d, 1000, 53, 0), h);
	CU_ASSERT_NOT_EQUAL(hash_of(5, 17, s + 1, d, 1000, 53, 0), h);
	CU_ASSERT_NOT_EQUAL(hash_of(5, 17, s, d + 1, 1000, 53, 0), h);
	CU_ASSERT_NOT_EQUAL(hash_of(5, 17, d, s, 1000, 53, 0), h);
	/* TCP and SCTP use ports too */
	CU_ASSERT_NOT_EQUAL(hash_of(5, 6, s, d, 1, 80, 0), hash_of(5, 6, s, d, 2, 80, 0));
	CU_ASSERT_NOT_EQUAL(hash_of(5, 132, s, d, 1, 80, 0), hash_of(5, 132, s, d, 2, 80, 0));
	/* other protocols do not (ICMP id/seq, GRE...) */
	ASSERT_EQ(hash_of(5, 1, s, d, 1, 80, 0), hash_of(5, 1, s, d, 2, 81, 0));
	ASSERT_EQ(hash_of(5, 47, s, d, 1, 80, 0), hash_of(5, 47, s, d, 2, 81, 0));
	/* fragments: first (MF), middle, last hash alike whatever the payload */
	uint32_t f1 = hash_of(5, 17, s, d, 1000, 53, 0x2000);
	ASSERT_EQ(hash_of(5, 17, s, d, 7777, 8888, 0x2000 | 185), f1);
	ASSERT_EQ(hash_of(5, 17, s, d, 1, 2, 370), f1);
	ASSERT_EQ(hash_of(5, 17, s, d, 9, 9, 0x4000 | 0x2000), f1);
	/* ports not present (tot_len < hdr + 4): no read past the datagram */
	uint8_t p[40];
	mk_ip(p, 5, 22, 17, s, d);
	uint32_t a = vgw_ip4_flow_hash(p, 20, 22);
	p[20] ^= 0xff;
	p[21] ^= 0xff;
	p[22] = 0x55;
	p[23] = 0x66;
	ASSERT_EQ(vgw_ip4_flow_hash(p, 20, 22), a);
	/* spread: 4096 source ports never collide into very few values */
	int same_low_bits = 0;
	for (uint16_t sp = 1; sp <= 4096; sp++)
		if ((hash_of(5, 6, s, d, sp, 443, 0) & 0xff) == (h & 0xff))
			same_low_bits++;
	CU_ASSERT(same_low_bits < 64); /* expected ~16 */
}

static void test_echo_reply(void)
{
	const uint32_t peer = A(192, 0, 2, 99), self = A(10, 1, 0, 1);
	for (unsigned int plen = 0; plen <= 101; plen += 1) {
		for (unsigned int ihl = 5; ihl <= 7; ihl++) {
			uint8_t p[256], orig[256];
			uint16_t hl = (uint16_t)(ihl * 4), tot = (uint16_t)(hl + 8 + plen);
			mk_ip(p, ihl, tot, 1, peer, self);
			uint8_t *ic = p + hl;
			ic[0] = VGW_ICMP_ECHO_REQUEST;
			ic[1] = 0;
			put16(ic + 4, 0xbeef); /* id */
			put16(ic + 6, (uint16_t)plen); /* seq */
			put16(ic + 2, 0);
			put16(ic + 2, unit_cksum(ic, 8u + plen));
			memcpy(orig, p, tot);
			CU_ASSERT_TRUE(vgw_icmp_is_echo_request(p, hl, tot));

			uint16_t n = vgw_icmp_echo_reply(p, hl, tot, self);
			ASSERT_EQ(n, 20 + 8 + plen);
			uint16_t h2 = 0, t2 = 0;
			ASSERT_EQ(vgw_ip4_check(p, n, &h2, &t2), VGW_DROP_NONE);
			ASSERT_EQ(h2, 20); /* options removed */
			ASSERT_EQ(t2, n);
			ASSERT_EQ(p[9], 1);
			ASSERT_EQ(p[8], VGW_ICMP_DEFAULT_TTL);
			ASSERT_EQ(vgw_ip4_src(p), self);
			ASSERT_EQ(vgw_ip4_dst(p), peer);
			ASSERT_EQ(p[20], VGW_ICMP_ECHO_REPLY);
			ASSERT_EQ(p[21], 0);
			CU_ASSERT_TRUE(unit_cksum_ok(p + 20, 8u + plen));
			/* id, seq and data unchanged */
			ASSERT_EQ(memcmp(p + 24, orig + hl + 4, 4 + plen), 0);
			CU_ASSERT_FALSE(vgw_icmp_is_echo_request(p, 20, n));
			if (CU_get_number_of_failures() > 0)
				return; /* one case is enough to read */
		}
	}
	/* not an echo request: a fragment, a bad ICMP checksum, a reply */
	uint8_t p[64];
	mk_ip(p, 5, 36, 1, peer, self);
	p[20] = 8;
	p[21] = 0;
	put16(p + 22, 0);
	put16(p + 22, unit_cksum(p + 20, 16));
	CU_ASSERT_TRUE(vgw_icmp_is_echo_request(p, 20, 36));
	p[7] = 1;
	CU_ASSERT_FALSE(vgw_icmp_is_echo_request(p, 20, 36));
	p[7] = 0;
	p[30] ^= 1;
	CU_ASSERT_FALSE(vgw_icmp_is_echo_request(p, 20, 36));
	CU_ASSERT_FALSE(vgw_icmp_is_echo_request(p, 20, 27)); /* shorter than 8 */

	/* id 0, seq 0, zero payload: the reply sums to +0, its checksum must be
	 * 0xffff (the incremental update gave 0x0000; found by fuzz_icmp) */
	uint8_t z[48] = {0};
	mk_ip(z, 5, 38, 1, peer, self);
	memset(z + 20, 0, 18);
	z[20] = VGW_ICMP_ECHO_REQUEST;
	put16(z + 22, unit_cksum(z + 20, 18));
	CU_ASSERT_TRUE(vgw_icmp_is_echo_request(z, 20, 38));
	ASSERT_EQ(vgw_icmp_echo_reply(z, 20, 38, self), 38);
	ASSERT_EQ(z[22] << 8 | z[23], 0xffff);
	CU_ASSERT_TRUE(unit_cksum_ok(z + 20, 18));
}

static void test_icmp_error(void)
{
	const uint32_t src = A(192, 0, 2, 1), dst = A(10, 2, 0, 5), self = A(10, 1, 0, 1);
	for (unsigned int ihl = 5; ihl <= 15; ihl += 5) {
		for (unsigned int pl = 0; pl <= 40; pl += 1) {
			uint8_t p[200], orig[200];
			uint16_t hl = (uint16_t)(ihl * 4), tot = (uint16_t)(hl + pl);
			mk_ip(p, ihl, tot, 17, src, dst);
			memcpy(orig, p, tot);
			uint16_t q = (uint16_t)(hl + (pl < 8 ? pl : 8));
			uint16_t want = (uint16_t)(28 + q);
			/* one byte short: refused, buffer untouched */
			ASSERT_EQ(vgw_icmp_error(p, hl, tot, want - 1u, VGW_ICMP_TIME_EXCEEDED, 0, 0,
						 self), 0);
			ASSERT_EQ(memcmp(p, orig, tot), 0);
			uint16_t n = vgw_icmp_error(p, hl, tot, want, VGW_ICMP_DEST_UNREACH,
						    VGW_ICMP_FRAG_NEEDED, 1400, self);
			ASSERT_EQ(n, want);
			uint16_t h2 = 0, t2 = 0;
			ASSERT_EQ(vgw_ip4_check(p, n, &h2, &t2), VGW_DROP_NONE);
			ASSERT_EQ(h2, 20);
			ASSERT_EQ(t2, want);
			ASSERT_EQ(p[9], 1);
			ASSERT_EQ(p[8], VGW_ICMP_DEFAULT_TTL);
			ASSERT_EQ(vgw_ip4_src(p), self);
			ASSERT_EQ(vgw_ip4_dst(p), src);
			ASSERT_EQ(p[20], VGW_ICMP_DEST_UNREACH);
			ASSERT_EQ(p[21], VGW_ICMP_FRAG_NEEDED);
			ASSERT_EQ(get16(p + 24), 0);    /* unused */
			ASSERT_EQ(get16(p + 26), 1400); /* next-hop MTU (RFC 1191) */
			CU_ASSERT_TRUE(unit_cksum_ok(p + 20, 8u + q));
			ASSERT_EQ(memcmp(p + 28, orig, q), 0); /* header + 8 bytes */
			if (CU_get_number_of_failures() > 0)
				return;
		}
	}
	/* time exceeded: rest 0; contract "room >= hdr_len + 36" is enough */
	uint8_t p[200];
	mk_ip(p, 5, 100, 6, src, dst);
	ASSERT_EQ(vgw_icmp_error(p, 20, 100, 55, VGW_ICMP_TIME_EXCEEDED, 0, 0, self), 0);
	ASSERT_EQ(vgw_icmp_error(p, 20, 100, 56, VGW_ICMP_TIME_EXCEEDED, 0, 0, self), 56);
	ASSERT_EQ(p[20], VGW_ICMP_TIME_EXCEEDED);
	ASSERT_EQ(p[21], 0);
	ASSERT_EQ(get16(p + 24) | get16(p + 26), 0);
	ASSERT_EQ(vgw_ip4_dst(p + 28), dst); /* quoted header keeps the original */
	ASSERT_EQ(p[28 + 20], 0xa0);         /* first payload byte quoted */
	ASSERT_EQ(p[28 + 27], 0xa7);
	CU_ASSERT_TRUE(unit_cksum_ok(p + 20, 36));
	CU_ASSERT_TRUE(unit_cksum_ok(p + 28, 20)); /* original header intact */
}

static void mk_icmp(uint8_t *p, uint32_t src, uint8_t type)
{
	mk_ip(p, 5, 36, 1, src, A(10, 2, 0, 5));
	p[20] = type;
}

static void test_icmp_error_allowed(void)
{
	uint8_t p[64];
	const uint32_t ok = A(192, 0, 2, 1);
	mk_ip(p, 5, 40, 17, ok, A(10, 2, 0, 5));
	CU_ASSERT_TRUE(vgw_icmp_error_allowed(p, 20, 40));
	/* about ICMP: queries yes, errors never */
	static const struct {
		uint8_t type;
		bool allowed;
	} icmp[] = {{0, true},  {8, true},  {13, true}, {14, true}, {3, false},
		    {4, false}, {5, false}, {11, false}, {12, false}};
	for (size_t i = 0; i < sizeof(icmp) / sizeof(icmp[0]); i++) {
		mk_icmp(p, ok, icmp[i].type);
		ASSERT_EQ(vgw_icmp_error_allowed(p, 20, 36), icmp[i].allowed);
	}
	mk_icmp(p, ok, 8);
	CU_ASSERT_FALSE(vgw_icmp_error_allowed(p, 20, 20)); /* no ICMP type to look at */
	/* fragments: the first one may trigger an error, later ones never */
	mk_ip(p, 5, 40, 17, ok, A(10, 2, 0, 5));
	put16(p + 6, 0x2000);
	CU_ASSERT_TRUE(vgw_icmp_error_allowed(p, 20, 40));
	put16(p + 6, 0x2000 | 1);
	CU_ASSERT_FALSE(vgw_icmp_error_allowed(p, 20, 40));
	put16(p + 6, 185);
	CU_ASSERT_FALSE(vgw_icmp_error_allowed(p, 20, 40));
	put16(p + 6, 0x4000 | 0x1fff);
	CU_ASSERT_FALSE(vgw_icmp_error_allowed(p, 20, 40));
	/* martian sources */
	static const uint32_t martian[] = {A(0, 0, 0, 0),      A(0, 1, 2, 3),   A(127, 0, 0, 1),
					   A(224, 0, 0, 1),    A(239, 1, 1, 1), A(240, 0, 0, 1),
					   A(255, 255, 255, 255)};
	for (size_t i = 0; i < sizeof(martian) / sizeof(martian[0]); i++) {
		mk_ip(p, 5, 40, 17, martian[i], A(10, 2, 0, 5));
		CU_ASSERT_FALSE(vgw_icmp_error_allowed(p, 20, 40));
		ASSERT_EQ(vgw_ip4_src_martian(martian[i]), true);
	}
	static const uint32_t fine[] = {A(1, 0, 0, 0), A(126, 255, 255, 255), A(128, 0, 0, 1),
					A(223, 255, 255, 255)};
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		mk_ip(p, 5, 40, 17, fine[i], A(10, 2, 0, 5));
		CU_ASSERT_TRUE(vgw_icmp_error_allowed(p, 20, 40));
		ASSERT_EQ(vgw_ip4_src_martian(fine[i]), false);
	}
	ASSERT_EQ(vgw_ip4_dst_not_unicast(A(224, 0, 0, 5)), true);
	ASSERT_EQ(vgw_ip4_dst_not_unicast(A(255, 255, 255, 255)), true);
	ASSERT_EQ(vgw_ip4_dst_not_unicast(A(223, 255, 255, 255)), false);
	ASSERT_EQ(vgw_ip4_is_fragment((const uint8_t[]){0, 0, 0, 0, 0, 0, 0x40, 0}), false);
	ASSERT_EQ(vgw_ip4_is_fragment((const uint8_t[]){0, 0, 0, 0, 0, 0, 0x20, 0}), true);
	ASSERT_EQ(vgw_ip4_is_later_fragment((const uint8_t[]){0, 0, 0, 0, 0, 0, 0x20, 0}), false);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"ip4_check accepts valid headers", test_ip4_check_valid},
		{"ip4_check drop reasons", test_ip4_check_errors},
		{"ip4_ttl_dec checksum = recompute", test_ttl_dec},
		{"cksum_update16/32 = recompute", test_cksum_update},
		{"ip4_flow_hash", test_flow_hash},
		{"icmp_echo_reply", test_echo_reply},
		{"icmp_error", test_icmp_error},
		{"icmp_error_allowed", test_icmp_error_allowed},
	};
	return unit_run("net", tests, sizeof(tests) / sizeof(tests[0]));
}
