/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_l4sum.h - checksum oracles of the packet targets (fuzz_nat.c,
 * fuzz_icmp.c); header only. Computed from scratch, independently of the
 * incremental updates (RFC 1624) that the library uses, so that a target can
 * say "valid before the rewrite => valid after it".
 */
#ifndef VGW_FUZZ_L4SUM_H
#define VGW_FUZZ_L4SUM_H

#include <stdbool.h>
#include <stdint.h>

#include "net/cksum.h"
#include "net/ip4.h"

/* The IPv4 header checksum of a header of hl bytes is right. */
static inline bool fuzz_ip_sum_ok(const uint8_t *ip, uint16_t hl)
{
	return vgw_cksum_fold(vgw_cksum_partial(ip, hl, 0)) == 0xffff;
}

/* 1: the packet carries a TCP/UDP checksum over the pseudo-header and it is
 * right; 0: it is wrong; -1: no such checksum (other protocol, fragment,
 * short, or UDP's "no checksum"). */
static inline int fuzz_l4_sum_state(const uint8_t *ip, uint16_t hl, uint16_t tl)
{
	uint8_t proto = ip[9];
	if (vgw_ip4_is_fragment(ip) || (proto != 6 && proto != 17))
		return -1;
	uint16_t len = (uint16_t)(tl - hl);
	if ((proto == 6 && len < 20) || (proto == 17 && len < 8))
		return -1;
	if (proto == 17 && ip[hl + 6] == 0 && ip[hl + 7] == 0)
		return -1;
	uint8_t pseudo[12];
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = proto;
	pseudo[10] = (uint8_t)(len >> 8);
	pseudo[11] = (uint8_t)len;
	uint32_t sum = vgw_cksum_partial(pseudo, sizeof(pseudo), 0);
	sum = vgw_cksum_partial(ip + hl, len, sum);
	return vgw_cksum_fold(sum) == 0xffff;
}

/* The ICMP checksum (over everything after the IP header) is right. */
static inline bool fuzz_icmp_sum_ok(const uint8_t *ip, uint16_t hl, uint16_t tl)
{
	return vgw_cksum_fold(vgw_cksum_partial(ip + hl, (size_t)(tl - hl), 0)) == 0xffff;
}

#endif
