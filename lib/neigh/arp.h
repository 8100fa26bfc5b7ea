/* ARP (RFC 826) for Ethernet/IPv4: parsing, building and the learning rules.
 * Pure functions; addresses in host byte order. */
#ifndef VGW_ARP_H
#define VGW_ARP_H

#include <stdbool.h>
#include <stdint.h>

#define VGW_ARP_LEN 28
#define VGW_ARP_REQUEST 1
#define VGW_ARP_REPLY 2

struct vgw_arp {
	uint16_t op;
	uint8_t sha[6];
	uint32_t spa;
	uint8_t tha[6];
	uint32_t tpa;
};

/* 0 when p holds an Ethernet/IPv4 request or reply, -1 otherwise. */
int vgw_arp_parse(const uint8_t *p, uint32_t len, struct vgw_arp *a);
void vgw_arp_build(uint8_t p[VGW_ARP_LEN], const struct vgw_arp *a);

/* What a received ARP does to the neighbour table. */
enum vgw_arp_learn {
	VGW_ARP_LEARN_NONE,    /* nothing to change */
	VGW_ARP_LEARN_UPDATE,  /* refresh the existing dynamic entry */
	VGW_ARP_LEARN_CREATE,  /* new entry: the sender is talking to us */
	VGW_ARP_IGN_NOT_CONNECTED,
	VGW_ARP_IGN_STATIC,    /* would change a static entry */
	VGW_ARP_IGN_UNSOLICITED,
	VGW_ARP_IGN_FULL,
};

struct vgw_arp_facts {
	bool sender_connected; /* spa within a subnet of the receiving port */
	bool exists;           /* an entry for (spa, port) exists */
	bool is_static;
	bool mac_differs;      /* sha differs from the entry's MAC */
	bool target_is_us;     /* tpa is an address of the receiving port */
	bool table_full;
};

/* The rules, in order: senders outside the port's subnets are ignored; static
 * entries are never overwritten; an existing dynamic entry is refreshed; a new
 * entry is created only when the ARP is addressed to us (no entry from
 * unsolicited ARP for unknown IPs) and the table is below its cap. */
enum vgw_arp_learn vgw_arp_learn_decide(const struct vgw_arp_facts *f);

#endif
