/* Internet checksum helpers (RFC 1071, incremental update by RFC 1624).
 * Pure inline functions; values are in network byte order as they sit in the
 * packet, so callers never swap bytes to patch a checksum. */
#ifndef VGW_CKSUM_H
#define VGW_CKSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

/* One's-complement sum of a buffer as big-endian 16-bit words, added to
 * sum; partly folded (at most 17 bits plus sum), not inverted. Words are read
 * 8 bytes at a time in the CPU's order and swapped once at the end: the
 * one's-complement sum commutes with byte swapping (RFC 1071 2.(B)), and a
 * byte-at-a-time loop was most of vgw_ip4_check's cost. */
static inline uint32_t vgw_cksum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = 0;
	while (len >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		acc += v >> 32;
		acc += v & 0xffffffffu;
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t v;
		memcpy(&v, p, 4);
		acc += v;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		acc += v;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = {p[0], 0};
		uint16_t v;
		memcpy(&v, last, 2);
		acc += v;
	}
	/* fold to 16 bits in CPU order, then to network order */
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	uint32_t w = (uint32_t)acc;
	w = (w & 0xffff) + (w >> 16);
	w = (w & 0xffff) + (w >> 16);
	uint16_t h = (uint16_t)w;
	if (RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN)
		h = (uint16_t)(h << 8 | h >> 8);
	return sum + h;
}

static inline uint16_t vgw_cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Checksum of a buffer in host order (ready for htons before storing). */
static inline uint16_t vgw_cksum(const void *buf, size_t len)
{
	return (uint16_t)~vgw_cksum_fold(vgw_cksum_partial(buf, len, 0));
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), all 16-bit host-order values. */
static inline uint16_t vgw_cksum_update16(uint16_t hc, uint16_t old, uint16_t new_)
{
	uint32_t sum = (uint16_t)~hc;
	sum += (uint16_t)~old;
	sum += new_;
	return (uint16_t)~vgw_cksum_fold(sum);
}

static inline uint16_t vgw_cksum_update32(uint16_t hc, uint32_t old, uint32_t new_)
{
	/* both halves in one sum, one fold (eqn. 3 is linear in the words) */
	uint32_t sum = (uint16_t)~hc;
	sum += (uint16_t)~(old >> 16);
	sum += (uint16_t)~old;
	sum += new_ >> 16;
	sum += new_ & 0xffff;
	return (uint16_t)~vgw_cksum_fold(sum);
}

#endif
