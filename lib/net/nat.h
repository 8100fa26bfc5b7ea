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

#endif
