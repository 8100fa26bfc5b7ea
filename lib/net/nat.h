/* Address/port rewriting for NAT with incremental checksum updates
 * (RFC 1624): IPv4 header checksum, and the TCP/UDP checksum whose
 * pseudo-header covers the addresses. A UDP checksum of 0 means "none" and
 * stays 0; a computed 0 is sent as 0xffff (RFC 768). ICMP has no pseudo-header.
 * Pure functions over a valid IPv4 packet (hdr_len/tot_len from
 * vgw_ip4_check()); addresses and ports in host byte order. */
#ifndef VGW_NAT_H
#define VGW_NAT_H

#include <stdbool.h>
#include <stdint.h>

#include "cksum.h"
#include "ip4.h"

/* RFC 5508: translates the packet quoted inside an ICMP error (destination
 * unreachable, time exceeded, parameter problem): its address at `which` and,
 * when port >= 0, its TCP/UDP port at `pwhich`; the quoted IP checksum and a
 * quoted UDP/TCP checksum (when present) are patched, then the ICMP checksum is
 * recomputed. The outer header is the caller's. Returns -1, changing nothing,
 * for other ICMP types, a bad ICMP checksum or a malformed quote. */
int vgw_nat_icmp_inner(uint8_t *ip, uint16_t hdr_len, uint16_t tot_len, int which,
		       uint32_t addr, int pwhich, int32_t port);

#define VGW_NAT_SRC 12
#define VGW_NAT_DST 16
#define VGW_NAT_SPORT 0
#define VGW_NAT_DPORT 2

/* Inline (the helpers and the two rewrites): every translated packet pays
 * them. */
static inline uint16_t vgw_nat_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void vgw_nat_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Offset of the L4 checksum that covers the pseudo-header, or 0 if none. */
static inline int vgw_nat_l4_cksum_off(const uint8_t *ip, uint16_t hdr_len, uint16_t tot_len)
{
	if (vgw_ip4_is_later_fragment(ip))
		return 0;
	if (ip[9] == 6 && tot_len >= hdr_len + 18)
		return hdr_len + 16;
	if (ip[9] == 17 && tot_len >= hdr_len + 8)
		return hdr_len + 6;
	return 0;
}

static inline void vgw_nat_patch_l4(uint8_t *ip, int off, uint32_t old, uint32_t new_,
				    bool pseudo_udp)
{
	uint16_t ck = vgw_nat_get16(ip + off);
	if (pseudo_udp && ck == 0)
		return; /* UDP without a checksum stays without one */
	ck = vgw_cksum_update32(ck, old, new_);
	if (pseudo_udp && ck == 0)
		ck = 0xffff;
	vgw_nat_put16(ip + off, ck);
}

/* Rewrites the destination address (which = 16) or source address
 * (which = 12) and patches every checksum that covers it. L4 checksums are
 * only touched on unfragmented or first-fragment packets that carry them. */
static inline void vgw_nat_set_addr(uint8_t *ip, uint16_t hdr_len, uint16_t tot_len,
				    int which, uint32_t addr)
{
	uint8_t *a = ip + which;
	uint32_t old = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	vgw_ip4_put(a, addr);
	vgw_nat_put16(ip + 10, vgw_cksum_update32(vgw_nat_get16(ip + 10), old, addr));
	int off = vgw_nat_l4_cksum_off(ip, hdr_len, tot_len);
	if (off)
		vgw_nat_patch_l4(ip, off, old, addr, ip[9] == 17);
}

/* Rewrites the TCP/UDP destination (which = 2) or source (which = 0) port.
 * Returns -1 when the packet has no such port (other protocol, later fragment,
 * too short). */
static inline int vgw_nat_set_port(uint8_t *ip, uint16_t hdr_len, uint16_t tot_len, int which,
				   uint16_t port)
{
	int off = vgw_nat_l4_cksum_off(ip, hdr_len, tot_len);
	if (!off)
		return -1;
	uint8_t *pp = ip + hdr_len + which;
	uint16_t old = vgw_nat_get16(pp);
	vgw_nat_put16(pp, port);
	uint16_t ck = vgw_nat_get16(ip + off);
	if (ip[9] == 17 && ck == 0)
		return 0;
	ck = vgw_cksum_update16(ck, old, port);
	if (ip[9] == 17 && ck == 0)
		ck = 0xffff;
	vgw_nat_put16(ip + off, ck);
	return 0;
}

#endif
