/* IPv4 header checks and operations: see ip4.h. */
#include "ip4.h"

#include "cksum.h"

enum vgw_drop vgw_ip4_check(const uint8_t *p, uint32_t avail, uint16_t *hdr_len,
			    uint16_t *tot_len)
{
	if (avail < VGW_IP4_MIN_HDR)
		return VGW_DROP_IP_SHORT;
	if ((p[0] >> 4) != 4)
		return VGW_DROP_IP_BAD_VERSION;
	uint16_t hl = (uint16_t)((p[0] & 0xf) * 4);
	if (hl < VGW_IP4_MIN_HDR || hl > avail)
		return VGW_DROP_IP_BAD_IHL;
	uint16_t tl = (uint16_t)(p[2] << 8 | p[3]);
	if (tl < hl)
		return VGW_DROP_IP_BAD_TOTAL_LEN;
	if (tl > avail)
		return VGW_DROP_IP_TRUNCATED;
	if (vgw_cksum_fold(vgw_cksum_partial(p, hl, 0)) != 0xffff)
		return VGW_DROP_IP_BAD_CHECKSUM;
	*hdr_len = hl;
	*tot_len = tl;
	return VGW_DROP_NONE;
}

void vgw_ip4_set_cksum(uint8_t *p)
{
	p[10] = p[11] = 0;
	uint16_t ck = vgw_cksum(p, (size_t)(p[0] & 0xf) * 4);
	p[10] = (uint8_t)(ck >> 8);
	p[11] = (uint8_t)ck;
}

static inline uint32_t mix(uint32_t h, uint32_t v)
{
	/* murmur3 32-bit mixing step: cheap, and good enough to spread flows */
	v *= 0xcc9e2d51u;
	v = (v << 15) | (v >> 17);
	v *= 0x1b873593u;
	h ^= v;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64u;
}

uint32_t vgw_ip4_flow_hash(const uint8_t *p, uint16_t hdr_len, uint16_t tot_len)
{
	uint8_t proto = p[9];
	uint32_t h = mix(0x9747b28cu, vgw_ip4_src(p));
	h = mix(h, vgw_ip4_dst(p));
	h = mix(h, proto);
	bool has_ports = (proto == 6 || proto == 17 || proto == 132) &&
			 !vgw_ip4_is_fragment(p) && tot_len >= hdr_len + 4;
	if (has_ports) {
		const uint8_t *l4 = p + hdr_len;
		h = mix(h, (uint32_t)l4[0] << 24 | (uint32_t)l4[1] << 16 | (uint32_t)l4[2] << 8 |
				   l4[3]);
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}
