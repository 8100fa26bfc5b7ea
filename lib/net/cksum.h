/* Internet checksum helpers (RFC 1071, incremental update by RFC 1624).
 * Pure inline functions; values are in network byte order as they sit in the
 * packet, so callers never swap bytes to patch a checksum. */
#ifndef VGW_CKSUM_H
#define VGW_CKSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's-complement sum of a buffer, not folded, not inverted. */
static inline uint32_t vgw_cksum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	while (len > 1) {
		sum += (uint32_t)((p[0] << 8) | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)(p[0] << 8);
	return sum;
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
	hc = vgw_cksum_update16(hc, (uint16_t)(old >> 16), (uint16_t)(new_ >> 16));
	return vgw_cksum_update16(hc, (uint16_t)old, (uint16_t)new_);
}

#endif
