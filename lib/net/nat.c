/* NAT rewriting with incremental checksums: see nat.h. */
#include "nat.h"

#include "cksum.h"
#include "ip4.h"

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
		vgw_nat_put16(in + ihl + pwhich, (uint16_t)port); /* quoted without its checksum */
	icmp[2] = icmp[3] = 0;
	vgw_nat_put16(icmp + 2, vgw_cksum(icmp, icmp_len));
	return 0;
}
