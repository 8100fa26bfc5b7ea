/* IPv4 header validation and small header operations (RFC 791, RFC 1812).
 * Pure functions over a byte buffer: used by the workers and by unit tests.
 * Addresses passed in and out are in host byte order. */
#ifndef VGW_IP4_H
#define VGW_IP4_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/drop.h"
#include "cksum.h"

#define VGW_IP4_MIN_HDR 20

/* Validates the IPv4 header at p with `avail` bytes of frame after the Ethernet
 * header. On success returns VGW_DROP_NONE and sets the header and total
 * length; otherwise the named drop reason. Checks, in order: room for a
 * minimal header, version, IHL, total length vs header, total length vs frame,
 * header checksum. Out of line on purpose: tests/bench/profile.sh counts
 * received packets by its calls. */
enum vgw_drop vgw_ip4_check(const uint8_t *p, uint32_t avail, uint16_t *hdr_len,
			    uint16_t *tot_len);

/* Martian sources (RFC 1812 5.3.7): 0/8, 127/8, 224/4 and above. */
static inline bool vgw_ip4_src_martian(uint32_t src)
{
	uint8_t a = (uint8_t)(src >> 24);
	return a == 0 || a == 127 || a >= 224;
}

/* Multicast, class E and limited broadcast destinations are not forwarded. */
static inline bool vgw_ip4_dst_not_unicast(uint32_t dst)
{
	return (dst >> 28) >= 0xe;
}

/* Decrements TTL of a valid header and patches the checksum incrementally.
 * The caller has checked ttl > 1. Inline: every forwarded packet pays it. */
static inline void vgw_ip4_ttl_dec(uint8_t *p)
{
	/* TTL shares a 16-bit word with the protocol: patch that word (RFC 1624). */
	uint16_t old = (uint16_t)(p[8] << 8 | p[9]);
	p[8]--;
	uint16_t new_ = (uint16_t)(p[8] << 8 | p[9]);
	uint16_t ck = (uint16_t)(p[10] << 8 | p[11]);
	ck = vgw_cksum_update16(ck, old, new_);
	p[10] = (uint8_t)(ck >> 8);
	p[11] = (uint8_t)ck;
}

/* Recomputes the header checksum from scratch. */
void vgw_ip4_set_cksum(uint8_t *p);

/* True when the packet is a fragment other than the first one. */
static inline bool vgw_ip4_is_later_fragment(const uint8_t *p)
{
	return ((p[6] & 0x1f) | p[7]) != 0;
}

static inline uint32_t vgw_ip4_src(const uint8_t *p)
{
	return (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 | (uint32_t)p[14] << 8 | p[15];
}

static inline uint32_t vgw_ip4_dst(const uint8_t *p)
{
	return (uint32_t)p[16] << 24 | (uint32_t)p[17] << 16 | (uint32_t)p[18] << 8 | p[19];
}

static inline void vgw_ip4_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* True for any fragment (MF set or a non-zero offset). */
static inline bool vgw_ip4_is_fragment(const uint8_t *p)
{
	return ((p[6] & 0x3f) | p[7]) != 0;
}

/* Hash of the flow (addresses, protocol, and ports of unfragmented
 * TCP/UDP/SCTP: every fragment of a datagram hashes alike): packets of one flow always get the same value; used to pick
 * an ECMP path. */
uint32_t vgw_ip4_flow_hash(const uint8_t *p, uint16_t hdr_len, uint16_t tot_len);

#endif
