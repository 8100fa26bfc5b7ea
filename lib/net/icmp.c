/* ICMP originated by the gateway: see icmp.h. */
#include "icmp.h"

#include <string.h>

#include "cksum.h"
#include "ip4.h"

static void put_cksum(uint8_t *at, uint16_t ck)
{
	at[0] = (uint8_t)(ck >> 8);
	at[1] = (uint8_t)ck;
}

static void ip4_header(uint8_t *ip, uint16_t tot_len, uint32_t src, uint32_t dst)
{
	ip[0] = 0x45;
	ip[1] = 0;
	ip[2] = (uint8_t)(tot_len >> 8);
	ip[3] = (uint8_t)tot_len;
	ip[4] = ip[5] = 0; /* id 0 with DF: RFC 6864 allows it for atomic datagrams */
	ip[6] = 0x40;
	ip[7] = 0;
	ip[8] = VGW_ICMP_DEFAULT_TTL;
	ip[9] = 1;
	vgw_ip4_put(ip + 12, src);
	vgw_ip4_put(ip + 16, dst);
	vgw_ip4_set_cksum(ip);
}

bool vgw_icmp_is_echo_request(const uint8_t *ip, uint16_t hdr_len, uint16_t tot_len)
{
	if (ip[9] != 1 || vgw_ip4_is_fragment(ip) || tot_len < hdr_len + 8)
		return false;
	const uint8_t *icmp = ip + hdr_len;
	if (icmp[0] != VGW_ICMP_ECHO_REQUEST || icmp[1] != 0)
		return false;
	return vgw_cksum_fold(vgw_cksum_partial(icmp, (size_t)(tot_len - hdr_len), 0)) == 0xffff;
}

uint16_t vgw_icmp_echo_reply(uint8_t *ip, uint16_t hdr_len, uint16_t tot_len, uint32_t self)
{
	uint32_t peer = vgw_ip4_src(ip);
	uint16_t icmp_len = (uint16_t)(tot_len - hdr_len);
	if (hdr_len != VGW_IP4_MIN_HDR) /* reply without the request's options */
		memmove(ip + VGW_IP4_MIN_HDR, ip + hdr_len, icmp_len);
	uint8_t *icmp = ip + VGW_IP4_MIN_HDR;
	/* type 8 -> 0 changes one 16-bit word: patch the checksum incrementally */
	uint16_t ck = (uint16_t)(icmp[2] << 8 | icmp[3]);
	ck = vgw_cksum_update16(ck, (uint16_t)(icmp[0] << 8 | icmp[1]),
				(uint16_t)(VGW_ICMP_ECHO_REPLY << 8 | icmp[1]));
	/* A reply whose other bytes are all zero (id 0, seq 0, zero payload)
	 * sums to +0 and needs checksum 0xffff, but the update sums x + ~x,
	 * which one's complement makes -0, and gives 0x0000: receivers reject
	 * it. 0xffff is right whenever 0x0000 is (any other sum is non-zero),
	 * so it is always written instead. */
	put_cksum(icmp + 2, ck ? ck : 0xffff);
	icmp[0] = VGW_ICMP_ECHO_REPLY;
	uint16_t new_len = (uint16_t)(VGW_IP4_MIN_HDR + icmp_len);
	ip4_header(ip, new_len, self, peer);
	return new_len;
}

bool vgw_icmp_error_allowed(const uint8_t *ip, uint16_t hdr_len, uint16_t tot_len)
{
	if (vgw_ip4_is_later_fragment(ip))
		return false;
	uint32_t src = vgw_ip4_src(ip);
	if (vgw_ip4_src_martian(src))
		return false;
	if (ip[9] == 1) {
		if (tot_len < hdr_len + 1)
			return false;
		uint8_t type = ip[hdr_len];
		/* only informational messages may trigger an error */
		return type == VGW_ICMP_ECHO_REQUEST || type == VGW_ICMP_ECHO_REPLY ||
		       type == 13 || type == 14;
	}
	return true;
}

uint16_t vgw_icmp_error(uint8_t *ip, uint16_t hdr_len, uint16_t tot_len, uint32_t room,
			uint8_t type, uint8_t code, uint32_t rest, uint32_t self)
{
	uint16_t quote = (uint16_t)(hdr_len + (tot_len - hdr_len < 8 ? tot_len - hdr_len : 8));
	uint16_t new_len = (uint16_t)(VGW_IP4_MIN_HDR + 8 + quote);
	if (room < (uint32_t)new_len)
		return 0;
	uint32_t peer = vgw_ip4_src(ip);
	memmove(ip + VGW_IP4_MIN_HDR + 8, ip, quote);
	uint8_t *icmp = ip + VGW_IP4_MIN_HDR;
	memset(icmp, 0, 8);
	icmp[0] = type;
	icmp[1] = code;
	vgw_ip4_put(icmp + 4, rest);
	put_cksum(icmp + 2, vgw_cksum(icmp, (size_t)(8 + quote)));
	ip4_header(ip, new_len, self, peer);
	return new_len;
}

bool vgw_icmp_is_error(const uint8_t *ip, uint16_t hl, uint16_t tl)
{
	if (ip[9] != 1 || vgw_ip4_is_later_fragment(ip) || tl < hl + 1)
		return false;
	uint8_t type = ip[hl];
	return type == VGW_ICMP_DEST_UNREACH || type == VGW_ICMP_TIME_EXCEEDED ||
	       type == VGW_ICMP_PARAM_PROBLEM;
}

/* see icmp.h: the address at `which` (12 src, 16 dst) of the packet quoted in an ICMP
 * error, or 0 when the quote is too short to hold it. */
uint32_t vgw_icmp_quoted_addr(const uint8_t *ip, uint16_t hl, uint16_t tl, int which)
{
	if (tl < hl + 8 + 20)
		return 0;
	const uint8_t *a = ip + hl + 8 + which;
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}
