/* Address/port rewriting for NAT with incremental checksum updates
 * (RFC 1624): IPv4 header checksum, and the TCP/UDP checksum whose
 * pseudo-header covers the addresses. A UDP checksum of 0 means "none" and
 * stays 0; a computed 0 is sent as 0xffff (RFC 768). ICMP has no pseudo-header.
 * Pure functions over a valid IPv4 packet (hdr_len/tot_len from
 * vgw_ip4_check()); addresses and ports in host byte order. */
#ifndef VGW_NAT_H
#define VGW_NAT_H

#include <stdint.h>

/* Rewrites the destination address (which = 16) or source address
 * (which = 12) and patches every checksum that covers it. L4 checksums are
 * only touched on unfragmented or first-fragment packets that carry them. */
void vgw_nat_set_addr(uint8_t *ip, uint16_t hdr_len, uint16_t tot_len, int which,
		      uint32_t addr);

/* Rewrites the TCP/UDP destination (which = 2) or source (which = 0) port.
 * Returns -1 when the packet has no such port (other protocol, later fragment,
 * too short). */
int vgw_nat_set_port(uint8_t *ip, uint16_t hdr_len, uint16_t tot_len, int which, uint16_t port);

#define VGW_NAT_SRC 12
#define VGW_NAT_DST 16
#define VGW_NAT_SPORT 0
#define VGW_NAT_DPORT 2

#endif
