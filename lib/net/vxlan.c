/* VXLAN outer headers: see vxlan.h. */
#include "vxlan.h"

#include <string.h>

#include "cksum.h"
#include "ip4.h"

void vgw_vxlan_encap(uint8_t p[VGW_VXLAN_OUTER_LEN], const struct vgw_vxlan_outer *o,
		     uint16_t inner_len)
{
	uint8_t *eth = p, *ip = p + 14, *udp = p + 34, *vx = p + 42;
	memcpy(eth, o->dst_mac, 6);
	memcpy(eth + 6, o->src_mac, 6);
	eth[12] = 0x08;
	eth[13] = 0x00;

	uint16_t udp_len = (uint16_t)(8 + VGW_VXLAN_HLEN + inner_len);
	uint16_t ip_len = (uint16_t)(20 + udp_len);
	ip[0] = 0x45;
	ip[1] = 0;
	ip[2] = (uint8_t)(ip_len >> 8);
	ip[3] = (uint8_t)ip_len;
	ip[4] = ip[5] = 0; /* DF set: id 0 is fine for atomic datagrams (RFC 6864) */
	ip[6] = 0x40;
	ip[7] = 0;
	ip[8] = 64;
	ip[9] = 17;
	vgw_ip4_put(ip + 12, o->src_ip);
	vgw_ip4_put(ip + 16, o->dst_ip);
	/* the header is fixed but for the length and addresses: sum its words
	 * directly instead of reading it back (0x4500, DF 0x4000, TTL 64 / UDP) */
	uint32_t sum = 0x4500u + ip_len + 0x4000u + (64u << 8 | 17u) + (o->src_ip >> 16) +
		       (o->src_ip & 0xffff) + (o->dst_ip >> 16) + (o->dst_ip & 0xffff);
	uint16_t ck = (uint16_t)~vgw_cksum_fold(sum);
	ip[10] = (uint8_t)(ck >> 8);
	ip[11] = (uint8_t)ck;

	udp[0] = (uint8_t)(o->src_port >> 8);
	udp[1] = (uint8_t)o->src_port;
	udp[2] = (uint8_t)(o->dst_port >> 8);
	udp[3] = (uint8_t)o->dst_port;
	udp[4] = (uint8_t)(udp_len >> 8);
	udp[5] = (uint8_t)udp_len;
	udp[6] = udp[7] = 0;

	memset(vx, 0, VGW_VXLAN_HLEN);
	vx[0] = VGW_VXLAN_FLAG_I;
	vx[4] = (uint8_t)(o->vni >> 16);
	vx[5] = (uint8_t)(o->vni >> 8);
	vx[6] = (uint8_t)o->vni;
}

enum vgw_vxlan_err vgw_vxlan_parse(const uint8_t *p, uint32_t len, uint32_t *vni)
{
	if (len < VGW_VXLAN_HLEN)
		return VGW_VXLAN_SHORT;
	if (!(p[0] & VGW_VXLAN_FLAG_I))
		return VGW_VXLAN_NO_I;
	*vni = (uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6];
	return VGW_VXLAN_OK;
}
