/* NAT rewriting with incremental checksums: see nat.h. */
#include "nat.h"

#include "cksum.h"
#include "ip4.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Offset of the L4 checksum that covers the pseudo-header, or 0 if none. */
static int l4_cksum_off(const uint8_t *ip, uint16_t hdr_len, uint16_t tot_len)
{
	if (vgw_ip4_is_later_fragment(ip))
		return 0;
	if (ip[9] == 6 && tot_len >= hdr_len + 18)
		return hdr_len + 16;
	if (ip[9] == 17 && tot_len >= hdr_len + 8)
		return hdr_len + 6;
	return 0;
}

static void patch_l4(uint8_t *ip, int off, uint32_t old, uint32_t new_, bool pseudo_udp)
{
	uint16_t ck = get16(ip + off);
	if (pseudo_udp && ck == 0)
		return; /* UDP without a checksum stays without one */
	ck = vgw_cksum_update32(ck, old, new_);
	if (pseudo_udp && ck == 0)
		ck = 0xffff;
	put16(ip + off, ck);
}

void vgw_nat_set_addr(uint8_t *ip, uint16_t hdr_len, uint16_t tot_len, int which,
		      uint32_t addr)
{
	uint8_t *a = ip + which;
	uint32_t old = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	vgw_ip4_put(a, addr);
	put16(ip + 10, vgw_cksum_update32(get16(ip + 10), old, addr));
	int off = l4_cksum_off(ip, hdr_len, tot_len);
	if (off)
		patch_l4(ip, off, old, addr, ip[9] == 17);
}

int vgw_nat_set_port(uint8_t *ip, uint16_t hdr_len, uint16_t tot_len, int which, uint16_t port)
{
	int off = l4_cksum_off(ip, hdr_len, tot_len);
	if (!off)
		return -1;
	uint8_t *pp = ip + hdr_len + which;
	uint16_t old = get16(pp);
	put16(pp, port);
	uint16_t ck = get16(ip + off);
	if (ip[9] == 17 && ck == 0)
		return 0;
	ck = vgw_cksum_update16(ck, old, port);
	if (ip[9] == 17 && ck == 0)
		ck = 0xffff;
	put16(ip + off, ck);
	return 0;
}
