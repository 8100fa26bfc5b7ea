/* VXLAN (RFC 7348) outer headers: Ethernet + IPv4 + UDP + VXLAN = 50 bytes in
 * front of the inner Ethernet frame. Pure functions over byte buffers, used by
 * workers for encapsulation and decapsulation and by unit tests.
 * Addresses in host byte order; MACs as 6 bytes. */
#ifndef VGW_VXLAN_H
#define VGW_VXLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

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
 * allows it for IPv4); VXLAN with the I flag and the VNI. Inline, in 8-byte
 * stores of big-endian words: every packet into a VPC pays it. */
static inline void vgw_vxlan_encap(uint8_t p[VGW_VXLAN_OUTER_LEN],
				   const struct vgw_vxlan_outer *o, uint16_t inner_len)
{
	memcpy(p, o->dst_mac, 6);
	memcpy(p + 6, o->src_mac, 6);
	p[12] = 0x08;
	p[13] = 0x00;
	uint16_t udp_len = (uint16_t)(8 + VGW_VXLAN_HLEN + inner_len);
	uint16_t ip_len = (uint16_t)(20 + udp_len);
	/* the header is fixed but for the length and addresses: sum its words
	 * directly (0x4500, DF 0x4000, TTL 64 / UDP; id 0 is fine for atomic
	 * datagrams, RFC 6864) */
	uint32_t sum = 0x4500u + ip_len + 0x4000u + (64u << 8 | 17u) + (o->src_ip >> 16) +
		       (o->src_ip & 0xffff) + (o->dst_ip >> 16) + (o->dst_ip & 0xffff);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	uint16_t ck = (uint16_t)~sum;
	uint64_t w[5] = {
		/* IPv4 0-7: 45 00 len, id 0, DF */
		(uint64_t)0x4500 << 48 | (uint64_t)ip_len << 32 | 0x4000,
		/* 8-15: TTL 64, UDP, checksum, source */
		(uint64_t)0x4011 << 48 | (uint64_t)ck << 32 | o->src_ip,
		/* 16-19 destination, UDP source and destination port */
		(uint64_t)o->dst_ip << 32 | (uint32_t)o->src_port << 16 | o->dst_port,
		/* UDP length, checksum 0; VXLAN flags (I), reserved */
		(uint64_t)udp_len << 48 | (uint64_t)VGW_VXLAN_FLAG_I << 24,
		/* VNI, reserved (the last 4 bytes are not written) */
		(uint64_t)(o->vni & 0xffffff) << 40,
	};
	for (int i = 0; i < 4; i++) {
		uint64_t be = rte_cpu_to_be_64(w[i]);
		memcpy(p + 14 + 8 * i, &be, 8);
	}
	uint64_t be = rte_cpu_to_be_64(w[4]);
	memcpy(p + 46, &be, 4);
}

enum vgw_vxlan_err {
	VGW_VXLAN_OK,
	VGW_VXLAN_SHORT,   /* UDP payload shorter than the VXLAN header */
	VGW_VXLAN_NO_I,    /* I flag clear: the VNI is not valid */
};

/* Parses the VXLAN header at p (the UDP payload, len bytes); sets *vni. */
enum vgw_vxlan_err vgw_vxlan_parse(const uint8_t *p, uint32_t len, uint32_t *vni);

#endif
