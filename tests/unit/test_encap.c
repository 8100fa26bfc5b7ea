/*
 * test_encap.c - VXLAN outer headers and NAT rewriting (lib/net/vxlan.c, nat.c).
 *
 * Proves: the 50 encapsulation bytes are what RFC 7348 asks (I flag, VNI, UDP
 * 4789, checksum 0, DF, valid IPv4 checksum, lengths); the outer source port is
 * in 49152-65535 and fixed per flow hash; parsing rejects short headers and a
 * clear I flag; address and port rewrites leave every checksum equal to a
 * from-scratch computation, and a UDP checksum of 0 stays 0.
 */
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
	};
	return unit_run("encap", tests, sizeof(tests) / sizeof(tests[0]));
}
