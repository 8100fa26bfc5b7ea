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

int vgw_nat_icmp_inner(uint8_t *ip, uint16_t hdr_len, uint16_t tot_len, int which,
		       uint32_t addr, int pwhich, int32_t port)
{
	if (ip[9] != 1 || vgw_ip4_is_fragment(ip) || tot_len < hdr_len + 8 + 20)
		return -1;
	uint8_t *icmp = ip + hdr_len;
	uint16_t icmp_len = (uint16_t)(tot_len - hdr_len);
	if (icmp[0] != 3 && icmp[0] != 11 && icmp[0] != 12)
		return -1;
	if (vgw_cksum_fold(vgw_cksum_partial(icmp, icmp_len, 0)) != 0xffff)
		return -1;
	uint8_t *in = icmp + 8;
	uint16_t avail = (uint16_t)(icmp_len - 8);
	uint16_t ihl = (uint16_t)((in[0] & 0xf) * 4);
	if ((in[0] >> 4) != 4 || ihl < 20 || ihl > avail)
		return -1;
	bool has_ports = (in[9] == 6 || in[9] == 17) && !vgw_ip4_is_later_fragment(in) &&
			 avail >= ihl + 4;
	if (port >= 0 && !has_ports)
		return -1;
	/* the quote may be cut short: only the bytes present are rewritten */
	vgw_nat_set_addr(in, ihl, avail, which, addr);
	if (port >= 0 && vgw_nat_set_port(in, ihl, avail, pwhich, (uint16_t)port) < 0)
		put16(in + ihl + pwhich, (uint16_t)port); /* quoted without its checksum */
	icmp[2] = icmp[3] = 0;
	put16(icmp + 2, vgw_cksum(icmp, icmp_len));
	return 0;
}
