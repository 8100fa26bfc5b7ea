/* ARP parsing, building and learning rules: see arp.h. */
#include "arp.h"

#include <string.h>

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int vgw_neigh_arp_parse(const uint8_t *p, uint32_t len, struct vgw_neigh_arp *a)
{
	if (len < VGW_NEIGH_ARP_LEN)
		return -1;
	/* htype Ethernet, ptype IPv4, hlen 6, plen 4 */
	if (p[0] != 0 || p[1] != 1 || p[2] != 0x08 || p[3] != 0 || p[4] != 6 || p[5] != 4)
		return -1;
	a->op = (uint16_t)(p[6] << 8 | p[7]);
	if (a->op != VGW_NEIGH_ARP_REQUEST && a->op != VGW_NEIGH_ARP_REPLY)
		return -1;
	memcpy(a->sha, p + 8, 6);
	a->spa = get32(p + 14);
	memcpy(a->tha, p + 18, 6);
	a->tpa = get32(p + 24);
	/* a multicast/broadcast or zero sender hardware address is never a
	 * neighbour: learning it would blackhole the next hop */
	static const uint8_t zero[6];
	if ((a->sha[0] & 1) || memcmp(a->sha, zero, 6) == 0)
		return -1;
	return 0;
}

void vgw_neigh_arp_build(uint8_t p[VGW_NEIGH_ARP_LEN], const struct vgw_neigh_arp *a)
{
	p[0] = 0;
	p[1] = 1;
	p[2] = 0x08;
	p[3] = 0;
	p[4] = 6;
	p[5] = 4;
	p[6] = (uint8_t)(a->op >> 8);
	p[7] = (uint8_t)a->op;
	memcpy(p + 8, a->sha, 6);
	put32(p + 14, a->spa);
	memcpy(p + 18, a->tha, 6);
	put32(p + 24, a->tpa);
}

enum vgw_neigh_arp_learn vgw_neigh_arp_learn_decide(const struct vgw_neigh_arp_facts *f)
{
	if (!f->sender_connected)
		return VGW_NEIGH_ARP_IGN_NOT_CONNECTED;
	switch (f->entry) {
	case VGW_NEIGH_ARP_ENTRY_STATIC:
		return f->mac_differs ? VGW_NEIGH_ARP_IGN_STATIC : VGW_NEIGH_ARP_LEARN_NONE;
	case VGW_NEIGH_ARP_ENTRY_INCOMPLETE:
		return f->is_reply && f->to_our_request ? VGW_NEIGH_ARP_LEARN_RESOLVED
							: VGW_NEIGH_ARP_IGN_NOT_OUR_REQUEST;
	case VGW_NEIGH_ARP_ENTRY_REACHABLE:
	case VGW_NEIGH_ARP_ENTRY_STALE:
		if (!f->mac_differs)
			return VGW_NEIGH_ARP_LEARN_REFRESH;
		return f->entry == VGW_NEIGH_ARP_ENTRY_REACHABLE ? VGW_NEIGH_ARP_REFUSE_VERIFY
							   : VGW_NEIGH_ARP_REFUSE_VERIFYING;
	case VGW_NEIGH_ARP_ENTRY_NONE:
		break;
	}
	if (f->is_reply || !f->target_is_us)
		return VGW_NEIGH_ARP_IGN_UNSOLICITED;
	if (f->table_full)
		return VGW_NEIGH_ARP_IGN_FULL;
	return VGW_NEIGH_ARP_LEARN_CREATE;
}
