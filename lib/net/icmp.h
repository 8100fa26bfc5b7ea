/* ICMP messages the gateway originates (RFC 792, RFC 1812 4.3.2).
 * Pure in-place transforms of an IPv4 packet in a buffer, so a worker answers
 * without allocating: the reply reuses the request's buffer. */
#ifndef VGW_ICMP_H
#define VGW_ICMP_H

#include <stdbool.h>
#include <stdint.h>

#define VGW_ICMP_ECHO_REPLY 0
#define VGW_ICMP_DEST_UNREACH 3
#define VGW_ICMP_ECHO_REQUEST 8
#define VGW_ICMP_TIME_EXCEEDED 11
#define VGW_ICMP_PARAM_PROBLEM 12
#define VGW_ICMP_FRAG_NEEDED 4 /* code of DEST_UNREACH */
#define VGW_ICMP_DEFAULT_TTL 64

/* True if the packet (valid header, hdr_len/tot_len from vgw_ip4_check) is an
 * unfragmented ICMP echo request with a valid ICMP checksum. */
bool vgw_icmp_is_echo_request(const uint8_t *ip, uint16_t hdr_len, uint16_t tot_len);

/* Turns an echo request into the echo reply from `self` (host order):
 * addresses swapped, options dropped, TTL 64, both checksums valid. Returns
 * the new total length. The reply is never longer than the request. */
uint16_t vgw_icmp_echo_reply(uint8_t *ip, uint16_t hdr_len, uint16_t tot_len, uint32_t self);

/* RFC 1812 4.3.2.7: no ICMP error about an ICMP error, a non-first fragment,
 * or a packet whose source is not a unicast host. */
bool vgw_icmp_error_allowed(const uint8_t *ip, uint16_t hdr_len, uint16_t tot_len);

/* Rewrites the packet at ip into an ICMP error (type, code) from `self` to the
 * original source, quoting the original header and the first 8 bytes of its
 * payload. `rest` fills ICMP bytes 4-7 (the next-hop MTU of RFC 1191 for
 * fragmentation needed, else 0). `room` is the buffer space available from ip onwards; it must be at
 * least hdr_len + 36 (checked: returns 0 when too small). Returns the new total
 * length. */
uint16_t vgw_icmp_error(uint8_t *ip, uint16_t hdr_len, uint16_t tot_len, uint32_t room,
			uint8_t type, uint8_t code, uint32_t rest, uint32_t self);

/* True for an ICMP error (destination unreachable, time exceeded, parameter
 * problem) that is not a later fragment. */
bool vgw_icmp_is_error(const uint8_t *ip, uint16_t hdr_len, uint16_t tot_len);

/* The address at `which` (12 = source, 16 = destination) of the packet quoted
 * in an ICMP error, or 0 when the quote is too short to hold it. */
uint32_t vgw_icmp_quoted_addr(const uint8_t *ip, uint16_t hdr_len, uint16_t tot_len,
			      int which);

#endif
