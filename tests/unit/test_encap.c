/*
 * test_encap.c - VXLAN outer headers and NAT rewriting (lib/net/vxlan.c, nat.c).
 *
 * Proves: the 50 encapsulation bytes are what RFC 7348 asks (I flag, VNI, UDP
 * 4789, checksum 0, DF, valid IPv4 checksum, lengths); the outer source port is
 * in 49152-65535 and fixed per flow hash; parsing rejects short headers and a
 * clear I flag; address and port rewrites leave every checksum equal to a
 * from-scratch computation, and a UDP checksum of 0 stays 0; a whole inbound
 * (TTL-1, DNAT, inner Ethernet, encapsulation) and outbound (parse, TTL-1,
 * SNAT) transformation, and RFC 5508 quote translation in both directions,
 * give exactly the bytes of packets built from scratch.
 */
#include "net/ip4.h"
#include "net/nat.h"
#include "net/vxlan.h"
#include "unit.h"

static void test_encap_layout(void)
{
	uint8_t p[VGW_VXLAN_OUTER_LEN];
	struct vgw_vxlan_outer o = {
		.src_mac = {2, 0, 0, 0, 1, 1},
		.dst_mac = {2, 0, 0, 0, 2, 2},
		.src_ip = 0x0a020001,
		.dst_ip = 0x0a020002,
		.src_port = 50000,
		.dst_port = VGW_VXLAN_PORT,
		.vni = 0xabcdef,
	};
	vgw_vxlan_encap(p, &o, 100);
	ASSERT_EQ(memcmp(p, o.dst_mac, 6), 0);
	ASSERT_EQ(memcmp(p + 6, o.src_mac, 6), 0);
	ASSERT_EQ(p[12] << 8 | p[13], 0x0800);
	const uint8_t *ip = p + 14;
	ASSERT_EQ(ip[0], 0x45);
	ASSERT_EQ(ip[2] << 8 | ip[3], 20 + 8 + 8 + 100);
	ASSERT_EQ(ip[6] & 0x40, 0x40);
	ASSERT_EQ(ip[9], 17);
	ASSERT_EQ(unit_cksum_ok(ip, 20), true);
	const uint8_t *udp = p + 34;
	ASSERT_EQ(udp[0] << 8 | udp[1], 50000);
	ASSERT_EQ(udp[2] << 8 | udp[3], 4789);
	ASSERT_EQ(udp[4] << 8 | udp[5], 8 + 8 + 100);
	ASSERT_EQ(udp[6] | udp[7], 0);
	const uint8_t *vx = p + 42;
	ASSERT_EQ(vx[0], 0x08);
	ASSERT_EQ(vx[1] | vx[2] | vx[3] | vx[7], 0);
	uint32_t vni = 0;
	ASSERT_EQ(vgw_vxlan_parse(vx, 8, &vni), VGW_VXLAN_OK);
	ASSERT_EQ(vni, 0xabcdef);
}

static void test_src_port(void)
{
	for (int i = 0; i < 10000; i++) {
		uint32_t h = unit_rand();
		uint16_t sp = vgw_vxlan_src_port(h);
		ASSERT_EQ(sp >= 49152, true);
		ASSERT_EQ(sp, vgw_vxlan_src_port(h));
	}
}

static void test_parse_errors(void)
{
	uint8_t vx[8] = {0x08, 0, 0, 0, 0, 0, 7, 0};
	uint32_t vni = 0;
	ASSERT_EQ(vgw_vxlan_parse(vx, 7, &vni), VGW_VXLAN_SHORT);
	vx[0] = 0;
	ASSERT_EQ(vgw_vxlan_parse(vx, 8, &vni), VGW_VXLAN_NO_I);
	vx[0] = 0x08;
	ASSERT_EQ(vgw_vxlan_parse(vx, 8, &vni), VGW_VXLAN_OK);
	ASSERT_EQ(vni, 7);
}

/* Independent L4 checksum over the segment (with the TCP/UDP pseudo-header):
 * 0 when the stored checksum verifies. */
static uint16_t l4_sum(const uint8_t *ip, uint16_t tl)
{
	uint8_t proto = ip[9];
	uint8_t buf[1600];
	size_t n = 0;
	if (proto != 1) {
		memcpy(buf, ip + 12, 8);
		buf[8] = 0;
		buf[9] = proto;
		buf[10] = (uint8_t)((tl - 20) >> 8);
		buf[11] = (uint8_t)(tl - 20);
		n = 12;
	}
	memcpy(buf + n, ip + 20, (size_t)(tl - 20));
	return unit_cksum(buf, n + (size_t)(tl - 20));
}

static bool l4_ok(const uint8_t *ip, uint16_t tl)
{
	return l4_sum(ip, tl) == 0;
}

/* Builds IPv4 + TCP/UDP/ICMP with valid checksums (independent code). */
static uint16_t build(uint8_t *ip, uint8_t proto, uint16_t payload, bool udp_zero)
{
	uint16_t l4h = proto == 6 ? 20 : 8;
	uint16_t tl = (uint16_t)(20 + l4h + payload);
	memset(ip, 0, tl);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tl >> 8);
	ip[3] = (uint8_t)tl;
	ip[8] = 64;
	ip[9] = proto;
	for (int i = 12; i < 20; i++)
		ip[i] = (uint8_t)unit_rand();
	for (int i = 20; i < tl; i++)
		ip[i] = (uint8_t)unit_rand();
	uint8_t *l4 = ip + 20;
	int ck_off = proto == 6 ? 16 : proto == 17 ? 6 : 2;
	if (proto == 6)
		l4[12] = 0x50;
	if (proto == 17) {
		l4[4] = (uint8_t)((l4h + payload) >> 8);
		l4[5] = (uint8_t)(l4h + payload);
	}
	l4[ck_off] = l4[ck_off + 1] = 0;
	if (!(proto == 17 && udp_zero)) {
		uint16_t ck = l4_sum(ip, tl);
		if (proto == 17 && ck == 0)
			ck = 0xffff;
		l4[ck_off] = (uint8_t)(ck >> 8);
		l4[ck_off + 1] = (uint8_t)ck;
	}
	uint16_t ck = unit_cksum(ip, 20);
	ip[10] = (uint8_t)(ck >> 8);
	ip[11] = (uint8_t)ck;
	return tl;
}

static void test_nat_checksums(void)
{
	static const uint8_t protos[] = {6, 17, 1};
	for (int round = 0; round < 3000; round++) {
		uint8_t ip[1600];
		uint8_t proto = protos[round % 3];
		uint16_t tl = build(ip, proto, (uint16_t)(unit_rand() % 1400), false);
		ASSERT_EQ(unit_cksum_ok(ip, 20), true);
		ASSERT_EQ(l4_ok(ip, tl), true);
		vgw_nat_set_addr(ip, 20, tl, (round & 1) ? VGW_NAT_DST : VGW_NAT_SRC, unit_rand());
		ASSERT_EQ(unit_cksum_ok(ip, 20), true);
		ASSERT_EQ(l4_ok(ip, tl), true);
		int rc = vgw_nat_set_port(ip, 20, tl, (round & 2) ? VGW_NAT_DPORT : VGW_NAT_SPORT,
					  (uint16_t)unit_rand());
		ASSERT_EQ(rc, proto == 1 ? -1 : 0);
		ASSERT_EQ(l4_ok(ip, tl), true);
		ASSERT_EQ(unit_cksum_ok(ip, 20), true);
	}
}

static void test_nat_udp_zero_stays_zero(void)
{
	uint8_t ip[200];
	uint16_t tl = build(ip, 17, 40, true);
	vgw_nat_set_addr(ip, 20, tl, VGW_NAT_DST, 0xc0a80101);
	ASSERT_EQ(ip[26] | ip[27], 0);
	ASSERT_EQ(vgw_nat_set_port(ip, 20, tl, VGW_NAT_DPORT, 8080), 0);
	ASSERT_EQ(ip[26] | ip[27], 0);
	ASSERT_EQ(ip[22] << 8 | ip[23], 8080);
	ASSERT_EQ(unit_cksum_ok(ip, 20), true);
	ASSERT_EQ((uint32_t)ip[16] << 24 | (uint32_t)ip[17] << 16 | (uint32_t)ip[18] << 8 | ip[19],
		  0xc0a80101u);
}

static void test_nat_later_fragment(void)
{
	uint8_t ip[200];
	uint16_t tl = build(ip, 6, 40, false);
	uint8_t l4_before[60];
	memcpy(l4_before, ip + 20, (size_t)(tl - 20));
	ip[7] = 10; /* fragment offset 80: no L4 header here */
	uint16_t ck = unit_cksum((ip[10] = ip[11] = 0, ip), 20);
	ip[10] = (uint8_t)(ck >> 8);
	ip[11] = (uint8_t)ck;
	vgw_nat_set_addr(ip, 20, tl, VGW_NAT_DST, 0x01020304);
	ASSERT_EQ(memcmp(l4_before, ip + 20, (size_t)(tl - 20)), 0);
	ASSERT_EQ(unit_cksum_ok(ip, 20), true);
	ASSERT_EQ(vgw_nat_set_port(ip, 20, tl, VGW_NAT_DPORT, 1), -1);
}

/* An ICMP error from 192.0.2.1 quoting a whole UDP datagram whose source is
 * 203.0.113.5:5000 (an EIP); translate the quote to 192.168.1.10:6000. */
static uint16_t build_icmp_error(uint8_t *ip, uint8_t type, bool udp_zero)
{
	uint8_t inner[100];
	uint16_t itl = build(inner, 17, 20, udp_zero);
	inner[12] = 203, inner[13] = 0, inner[14] = 113, inner[15] = 5;
	inner[20] = 5000 >> 8, inner[21] = 5000 & 0xff;
	/* rebuild both checksums for the chosen address/port (independent code) */
	if (!udp_zero) {
		inner[26] = inner[27] = 0;
		uint16_t ck = l4_sum(inner, itl);
		inner[26] = (uint8_t)(ck >> 8), inner[27] = (uint8_t)ck;
	}
	inner[10] = inner[11] = 0;
	uint16_t ck = unit_cksum(inner, 20);
	inner[10] = (uint8_t)(ck >> 8), inner[11] = (uint8_t)ck;

	uint16_t tl = (uint16_t)(20 + 8 + itl);
	memset(ip, 0, tl);
	ip[0] = 0x45, ip[2] = (uint8_t)(tl >> 8), ip[3] = (uint8_t)tl, ip[8] = 64, ip[9] = 1;
	ip[12] = 192, ip[13] = 0, ip[14] = 2, ip[15] = 1;
	ip[16] = 203, ip[17] = 0, ip[18] = 113, ip[19] = 5;
	ip[20] = type;
	memcpy(ip + 28, inner, itl);
	ck = unit_cksum(ip + 20, (size_t)(tl - 20));
	ip[22] = (uint8_t)(ck >> 8), ip[23] = (uint8_t)ck;
	ck = unit_cksum(ip, 20);
	ip[10] = (uint8_t)(ck >> 8), ip[11] = (uint8_t)ck;
	return tl;
}

static void test_icmp_error_translation(void)
{
	uint8_t ip[200];
	uint16_t tl = build_icmp_error(ip, 3, false);
	ASSERT_EQ(vgw_nat_icmp_inner(ip, 20, tl, VGW_NAT_SRC, 0xc0a8010a, VGW_NAT_SPORT, 6000), 0);
	const uint8_t *in = ip + 28;
	ASSERT_EQ((uint32_t)in[12] << 24 | (uint32_t)in[13] << 16 | (uint32_t)in[14] << 8 | in[15],
		  0xc0a8010au);
	ASSERT_EQ(in[20] << 8 | in[21], 6000);
	ASSERT_EQ(unit_cksum_ok(in, 20), true);               /* quoted IP header */
	ASSERT_EQ(l4_ok(in, (uint16_t)(tl - 28)), true);      /* quoted UDP */
	ASSERT_EQ(unit_cksum_ok(ip + 20, (size_t)(tl - 20)), true); /* ICMP */

	/* time exceeded, UDP without checksum: it stays 0 */
	tl = build_icmp_error(ip, 11, true);
	ASSERT_EQ(vgw_nat_icmp_inner(ip, 20, tl, VGW_NAT_SRC, 0xc0a8010a, VGW_NAT_SPORT, -1), 0);
	ASSERT_EQ(ip[28 + 26] | ip[28 + 27], 0);
	ASSERT_EQ(unit_cksum_ok(ip + 20, (size_t)(tl - 20)), true);
}

static void test_icmp_error_refusals(void)
{
	uint8_t ip[200], copy[200];
	uint16_t tl = build_icmp_error(ip, 8, false); /* echo request: not an error */
	memcpy(copy, ip, tl);
	ASSERT_EQ(vgw_nat_icmp_inner(ip, 20, tl, VGW_NAT_SRC, 1, VGW_NAT_SPORT, -1), -1);
	ASSERT_EQ(memcmp(ip, copy, tl), 0);
	tl = build_icmp_error(ip, 3, false);
	ip[40] ^= 0x55; /* corrupt: ICMP checksum no longer matches */
	memcpy(copy, ip, tl);
	ASSERT_EQ(vgw_nat_icmp_inner(ip, 20, tl, VGW_NAT_SRC, 1, VGW_NAT_SPORT, -1), -1);
	ASSERT_EQ(memcmp(ip, copy, tl), 0);
	tl = build_icmp_error(ip, 3, false);
	ASSERT_EQ(vgw_nat_icmp_inner(ip, 20, 20 + 8 + 19, VGW_NAT_SRC, 1, VGW_NAT_SPORT, -1), -1);
}

/* ---- whole transformations, against packets built from scratch --------- */
#define EIP 0xcb00710au  /* 203.0.113.10 */
#define PRIV 0xc0a8010au /* 192.168.1.10 */
#define PEER 0xc6336407u /* 198.51.100.7 */
#define RTR 0xc0000201u  /* 192.0.2.1 */
static const uint8_t VM_MAC[6] = {2, 0xaa, 0, 0, 0, 1}, GW_MAC[6] = {2, 0x76, 0x67, 0, 0, 100};
static const uint8_t PORT_MAC[6] = {2, 0, 0, 0, 2, 0}, NH_MAC[6] = {2, 0xcc, 0, 0, 0, 9};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_ck(uint8_t *p, uint16_t ck)
{
	p[0] = (uint8_t)(ck >> 8), p[1] = (uint8_t)ck;
}

/* IPv4 + TCP/UDP/ICMP echo src:sport -> dst:dport with a payload derived
 * from seed and checksums computed from scratch. */
static uint16_t packet(uint8_t *ip, uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport,
		       uint16_t dport, uint8_t ttl, uint16_t payload, bool udp_zero, uint32_t seed)
{
	uint16_t l4h = proto == 6 ? 20 : 8, tl = (uint16_t)(20 + l4h + payload);
	memset(ip, 0, tl);
	ip[0] = 0x45, ip[2] = (uint8_t)(tl >> 8), ip[3] = (uint8_t)tl;
	ip[4] = (uint8_t)(seed >> 8), ip[5] = (uint8_t)seed, ip[6] = 0x40; /* id, DF */
	ip[8] = ttl, ip[9] = proto;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	uint8_t *l4 = ip + 20;
	for (int i = 0; i < payload; i++)
		l4[l4h + i] = (uint8_t)((seed + (uint32_t)i) * 2654435761u >> 24);
	if (proto == 1) {
		l4[0] = 8, put_ck(l4 + 4, sport), put_ck(l4 + 6, dport); /* echo id, seq */
		put_ck(l4 + 2, unit_cksum(l4, (size_t)(tl - 20)));
	} else {
		put_ck(l4, sport);
		put_ck(l4 + 2, dport);
		if (proto == 6)
			l4[12] = 0x50, l4[13] = 0x18;
		else
			put_ck(l4 + 4, (uint16_t)(tl - 20));
		int off = proto == 6 ? 16 : 6;
		uint16_t ck = l4_sum(ip, tl);
		if (proto == 17 && ck == 0)
			ck = 0xffff;
		if (!(proto == 17 && udp_zero))
			put_ck(l4 + off, ck);
	}
	put_ck(ip + 10, unit_cksum(ip, 20));
	return tl;
}

/* The 50 outer bytes written by hand from RFC 7348 (not vgw_vxlan_encap). */
static void outer_by_hand(uint8_t *p, const uint8_t *dmac, const uint8_t *smac, uint32_t sip,
			  uint32_t dip, uint16_t sport, uint16_t dport, uint32_t vni,
			  uint16_t inner)
{
	memset(p, 0, VGW_VXLAN_OUTER_LEN);
	memcpy(p, dmac, 6);
	memcpy(p + 6, smac, 6);
	p[12] = 0x08;
	uint8_t *ip = p + 14;
	ip[0] = 0x45, put_ck(ip + 2, (uint16_t)(20 + 8 + 8 + inner)), ip[6] = 0x40, ip[8] = 64;
	ip[9] = 17;
	put32(ip + 12, sip);
	put32(ip + 16, dip);
	put_ck(ip + 10, unit_cksum(ip, 20));
	put_ck(p + 34, sport);
	put_ck(p + 36, dport);
	put_ck(p + 38, (uint16_t)(8 + 8 + inner));
	p[42] = 0x08;
	p[46] = (uint8_t)(vni >> 16), p[47] = (uint8_t)(vni >> 8), p[48] = (uint8_t)vni;
}

static void put_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	p[12] = 0x08, p[13] = 0;
}

/* Same bytes, else print the first difference. */
static bool same(const uint8_t *got, const uint8_t *want, size_t n, const char *what, int i)
{
	for (size_t k = 0; k < n; k++)
		if (got[k] != want[k]) {
			fprintf(stderr, "\n  %s case %d: byte %zu is %02x, want %02x\n", what, i, k,
				got[k], want[k]);
			return false;
		}
	return true;
}

/* Inbound: TTL-1, DNAT EIP -> private, inner Ethernet, VXLAN encapsulation. */
static void test_inbound_whole(void)
{
	static const uint8_t protos[] = {6, 17, 17, 1};
	for (int i = 0; i < 400; i++) {
		uint8_t got[1600], want[1600];
		uint8_t proto = protos[i % 4];
		bool zero = i % 4 == 2;
		uint16_t pay = (uint16_t)(unit_rand() % 1400);
		uint32_t seed = unit_rand(), vni = unit_rand() & 0xffffff;
		uint8_t *ip = got + VGW_VXLAN_OUTER_LEN + 14;
		uint16_t tl = packet(ip, proto, PEER, EIP, 40000, 53, 64, pay, zero, seed);
		uint16_t sport = vgw_vxlan_src_port(vgw_ip4_flow_hash(ip, 20, tl));
		vgw_ip4_ttl_dec(ip);
		vgw_nat_set_addr(ip, 20, tl, VGW_NAT_DST, PRIV);
		put_eth(got + VGW_VXLAN_OUTER_LEN, VM_MAC, GW_MAC);
		struct vgw_vxlan_outer o = {.src_ip = 0x0a020001, .dst_ip = 0x0a020014,
					    .src_port = sport, .dst_port = 8472, .vni = vni};
		memcpy(o.src_mac, PORT_MAC, 6);
		memcpy(o.dst_mac, NH_MAC, 6);
		vgw_vxlan_encap(got, &o, (uint16_t)(14 + tl));

		uint16_t wtl = packet(want + VGW_VXLAN_OUTER_LEN + 14, proto, PEER, PRIV, 40000, 53,
				      63, pay, zero, seed);
		put_eth(want + VGW_VXLAN_OUTER_LEN, VM_MAC, GW_MAC);
		outer_by_hand(want, NH_MAC, PORT_MAC, 0x0a020001, 0x0a020014, sport, 8472, vni,
			      (uint16_t)(14 + tl));
		ASSERT_EQ(wtl, tl);
		CU_ASSERT(sport >= 49152);
		CU_ASSERT(same(got, want, (size_t)(VGW_VXLAN_OUTER_LEN + 14 + tl), "inbound", i));
		if (zero)
			ASSERT_EQ(ip[26] | ip[27], 0);
	}
}

/* Outbound: parse the VXLAN frame from a hypervisor, decapsulate, TTL-1,
 * SNAT private -> EIP. */
static void test_outbound_whole(void)
{
	static const uint8_t protos[] = {6, 17, 17, 1};
	for (int i = 0; i < 400; i++) {
		uint8_t f[1600], want[1600];
		uint8_t proto = protos[i % 4];
		bool zero = i % 4 == 2;
		uint16_t pay = (uint16_t)(unit_rand() % 1400);
		uint32_t seed = unit_rand(), vni = 1 + unit_rand() % 0xffffff;
		uint16_t tl = packet(f + VGW_VXLAN_OUTER_LEN + 14, proto, PRIV, PEER, 53, 40000, 64,
				     pay, zero, seed);
		put_eth(f + VGW_VXLAN_OUTER_LEN, GW_MAC, VM_MAC);
		outer_by_hand(f, PORT_MAC, NH_MAC, 0x0a020014, 0x0a020001, 51000, 4789, vni,
			      (uint16_t)(14 + tl));
		f[43] = f[49] = 0xff; /* reserved bits: ignored on receipt (RFC 7348) */
		/* what the receive path reads */
		const uint8_t *oip = f + 14, *udp = f + 34;
		ASSERT_EQ(unit_cksum_ok(oip, 20), true);
		ASSERT_EQ(oip[9], 17);
		ASSERT_EQ(udp[2] << 8 | udp[3], 4789);
		uint16_t ulen = (uint16_t)(udp[4] << 8 | udp[5]);
		ASSERT_EQ(ulen, (oip[2] << 8 | oip[3]) - 20);
		uint32_t got_vni = 0;
		ASSERT_EQ(vgw_vxlan_parse(udp + 8, (uint32_t)(ulen - 8), &got_vni), VGW_VXLAN_OK);
		ASSERT_EQ(got_vni, vni);
		const uint8_t *eth = udp + 16;
		ASSERT_EQ(memcmp(eth, GW_MAC, 6), 0);
		ASSERT_EQ(eth[12] << 8 | eth[13], 0x0800);
		uint8_t *ip = f + VGW_VXLAN_OUTER_LEN + 14;
		ASSERT_EQ(ulen, 16 + 14 + tl);
		vgw_ip4_ttl_dec(ip);
		vgw_nat_set_addr(ip, 20, tl, VGW_NAT_SRC, EIP);
		packet(want, proto, EIP, PEER, 53, 40000, 63, pay, zero, seed);
		CU_ASSERT(same(ip, want, tl, "outbound", i));
		ASSERT_EQ(unit_cksum_ok(ip, 20), true);
		if (proto != 1 && !zero)
			ASSERT_EQ(l4_ok(ip, tl), true);
	}
}

/* ICMP error type/code from osrc to odst quoting the first qlen bytes (0:
 * all) of a qproto packet qsrc:qsport -> qdst:qdport; built from scratch. */
static uint16_t icmp_err(uint8_t *ip, uint8_t type, uint32_t osrc, uint32_t odst, uint8_t qproto,
			 uint32_t qsrc, uint32_t qdst, uint16_t qsport, uint16_t qdport,
			 uint16_t qlen, bool udp_zero)
{
	uint8_t q[200];
	uint16_t qtl = packet(q, qproto, qsrc, qdst, qsport, qdport, 60, 40, udp_zero, 7);
	if (qlen == 0 || qlen > qtl)
		qlen = qtl;
	uint16_t tl = (uint16_t)(20 + 8 + qlen);
	memset(ip, 0, 28);
	ip[0] = 0x45, put_ck(ip + 2, tl), ip[8] = 64, ip[9] = 1;
	put32(ip + 12, osrc);
	put32(ip + 16, odst);
	ip[20] = type, ip[21] = type == 3 ? 3 : 0;
	if (type == 3)
		put_ck(ip + 26, 1400); /* next-hop MTU: any value */
	if (type == 12)
		ip[24] = 8; /* pointer */
	memcpy(ip + 28, q, qlen);
	put_ck(ip + 22, unit_cksum(ip + 20, (size_t)(tl - 20)));
	put_ck(ip + 10, unit_cksum(ip, 20));
	return tl;
}

/* RFC 5508 in both directions, for quoted UDP (with and without checksum),
 * TCP and ICMP, whole or cut to 8 bytes of L4 header, types 3, 11, 12. */
static void test_icmp_error_both_ways(void)
{
	static const struct {
		uint8_t proto;
		uint16_t qlen;
		bool udp_zero;
	} q[] = {{17, 0, false}, {17, 0, true}, {17, 28, false}, {6, 0, false},
		 {6, 28, false}, {6, 40, false}, {1, 0, false}, {1, 28, false}};
	static const uint8_t types[] = {3, 11, 12};
	int n = 0;
	for (size_t k = 0; k < sizeof(q) / sizeof(q[0]); k++) {
		for (size_t t = 0; t < 3; t++, n++) {
			uint8_t got[300], want[300];
			/* inbound: a router answers a packet the VM sent as the EIP */
			uint16_t tl = icmp_err(got, types[t], RTR, EIP, q[k].proto, EIP, PEER, 53,
					       40000, q[k].qlen, q[k].udp_zero);
			ASSERT_EQ(vgw_nat_icmp_inner(got, 20, tl, VGW_NAT_SRC, PRIV, VGW_NAT_SPORT,
						     -1), 0);
			vgw_nat_set_addr(got, 20, tl, VGW_NAT_DST, PRIV);
			icmp_err(want, types[t], RTR, PRIV, q[k].proto, PRIV, PEER, 53, 40000,
				 q[k].qlen, q[k].udp_zero);
			CU_ASSERT(same(got, want, tl, "icmp inbound", n));
			/* outbound: the VM answers a packet it got for its EIP */
			tl = icmp_err(got, types[t], PRIV, PEER, q[k].proto, PEER, PRIV, 40000, 53,
				      q[k].qlen, q[k].udp_zero);
			ASSERT_EQ(vgw_nat_icmp_inner(got, 20, tl, VGW_NAT_DST, EIP, VGW_NAT_DPORT,
						     -1), 0);
			vgw_nat_set_addr(got, 20, tl, VGW_NAT_SRC, EIP);
			icmp_err(want, types[t], EIP, PEER, q[k].proto, PEER, EIP, 40000, 53,
				 q[k].qlen, q[k].udp_zero);
			CU_ASSERT(same(got, want, tl, "icmp outbound", n));
			/* with a port translation too (not for ICMP quotes) */
			if (q[k].proto == 1)
				continue;
			tl = icmp_err(got, types[t], RTR, EIP, q[k].proto, EIP, PEER, 53, 40000,
				      q[k].qlen, q[k].udp_zero);
			ASSERT_EQ(vgw_nat_icmp_inner(got, 20, tl, VGW_NAT_SRC, PRIV, VGW_NAT_SPORT,
						     5353), 0);
			icmp_err(want, types[t], RTR, EIP, q[k].proto, PRIV, PEER, 5353, 40000,
				 q[k].qlen, q[k].udp_zero);
			CU_ASSERT(same(got, want, tl, "icmp port", n));
		}
	}
	/* an ICMP quote has no port to translate: refused, unchanged */
	uint8_t ip[300], copy[300];
	uint16_t tl = icmp_err(ip, 3, RTR, EIP, 1, EIP, PEER, 1, 2, 0, false);
	memcpy(copy, ip, tl);
	ASSERT_EQ(vgw_nat_icmp_inner(ip, 20, tl, VGW_NAT_SRC, PRIV, VGW_NAT_SPORT, 9), -1);
	ASSERT_EQ(memcmp(ip, copy, tl), 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"VXLAN outer header layout (RFC 7348)", test_encap_layout},
		{"outer source port range and stability", test_src_port},
		{"VXLAN parse errors", test_parse_errors},
		{"NAT rewrites keep IP/TCP/UDP/ICMP checksums exact", test_nat_checksums},
		{"UDP checksum 0 stays 0", test_nat_udp_zero_stays_zero},
		{"later fragments: L4 untouched", test_nat_later_fragment},
		{"ICMP error quote translated (RFC 5508)", test_icmp_error_translation},
		{"non-errors and corrupt errors refused unchanged", test_icmp_error_refusals},
		{"inbound: DNAT + VXLAN encap, byte-exact", test_inbound_whole},
		{"outbound: VXLAN parse + SNAT, byte-exact", test_outbound_whole},
		{"ICMP error quotes both ways (RFC 5508), byte-exact", test_icmp_error_both_ways},
	};
	return unit_run("encap", tests, sizeof(tests) / sizeof(tests[0]));
}
