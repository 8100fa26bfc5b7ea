/* VXLAN (RFC 7348) outer headers: Ethernet + IPv4 + UDP + VXLAN = 50 bytes in
 * front of the inner Ethernet frame. Pure functions over byte buffers, used by
 * workers for encapsulation and decapsulation and by unit tests.
 * Addresses in host byte order; MACs as 6 bytes. */
#ifndef VGW_VXLAN_H
#define VGW_VXLAN_H

#include <stdbool.h>
#include <stdint.h>

#define VGW_VXLAN_PORT 4789
#define VGW_VXLAN_HLEN 8
#define VGW_VXLAN_OUTER_LEN (14 + 20 + 8 + VGW_VXLAN_HLEN)
#define VGW_VXLAN_FLAG_I 0x08
#define VGW_VNI_MAX 0xffffffu

struct vgw_vxlan_outer {
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint32_t src_ip;
	uint32_t dst_ip;
	uint16_t src_port;
	uint16_t dst_port;
	uint32_t vni;
};

/* RFC 7348 5: the outer UDP source port comes from a hash of the inner flow,
 * here in the dynamic range 49152-65535 (same flow, same port). */
static inline uint16_t vgw_vxlan_src_port(uint32_t flow_hash)
{
	return (uint16_t)(49152u + (flow_hash & 0x3fffu));
}

/* Writes the 50 outer bytes at p for an inner frame of inner_len bytes: outer
 * IPv4 with DF, TTL 64, a valid header checksum; UDP checksum 0 (RFC 7348
 * allows it for IPv4); VXLAN with the I flag and the VNI. */
void vgw_vxlan_encap(uint8_t p[VGW_VXLAN_OUTER_LEN], const struct vgw_vxlan_outer *o,
		     uint16_t inner_len);

enum vgw_vxlan_err {
	VGW_VXLAN_OK,
	VGW_VXLAN_SHORT,   /* UDP payload shorter than the VXLAN header */
	VGW_VXLAN_NO_I,    /* I flag clear: the VNI is not valid */
};

/* Parses the VXLAN header at p (the UDP payload, len bytes); sets *vni. */
enum vgw_vxlan_err vgw_vxlan_parse(const uint8_t *p, uint32_t len, uint32_t *vni);

#endif
