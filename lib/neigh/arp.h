/* ARP (RFC 826) for Ethernet/IPv4: parsing, building and the learning rules.
 * Pure functions; addresses in host byte order. */
#ifndef VGW_NEIGH_ARP_H
#define VGW_NEIGH_ARP_H

#include <stdbool.h>
#include <stdint.h>

#define VGW_NEIGH_ARP_LEN 28
#define VGW_NEIGH_ARP_REQUEST 1
#define VGW_NEIGH_ARP_REPLY 2

struct vgw_neigh_arp {
	uint16_t op;
	uint8_t sha[6];
	uint32_t spa;
	uint8_t tha[6];
	uint32_t tpa;
};

/* 0 when p holds an Ethernet/IPv4 request or reply, -1 otherwise. */
int vgw_neigh_arp_parse(const uint8_t *p, uint32_t len, struct vgw_neigh_arp *a);
void vgw_neigh_arp_build(uint8_t p[VGW_NEIGH_ARP_LEN], const struct vgw_neigh_arp *a);

/* What a received ARP does to the neighbour table. */
enum vgw_neigh_arp_learn {
	VGW_NEIGH_ARP_LEARN_NONE,     /* nothing to change */
	VGW_NEIGH_ARP_LEARN_REFRESH,  /* same MAC: the entry is confirmed (REACHABLE again) */
	VGW_NEIGH_ARP_LEARN_RESOLVED, /* the reply to our request: the entry gets its MAC */
	VGW_NEIGH_ARP_LEARN_CREATE,   /* new entry: the sender asks us something */
	VGW_NEIGH_ARP_IGN_NOT_CONNECTED,
	VGW_NEIGH_ARP_IGN_STATIC,     /* would change a static entry */
	VGW_NEIGH_ARP_IGN_UNSOLICITED,
	VGW_NEIGH_ARP_IGN_FULL,
	VGW_NEIGH_ARP_IGN_NOT_OUR_REQUEST, /* entry being resolved, and this is no reply to us */
	VGW_NEIGH_ARP_REFUSE_VERIFY,  /* new MAC for a REACHABLE entry: refused, verify the old */
	VGW_NEIGH_ARP_REFUSE_VERIFYING, /* new MAC while the old one is being verified: refused */
};

/* The entry the table holds for the sender (spa, receiving port). */
enum vgw_neigh_arp_entry {
	VGW_NEIGH_ARP_ENTRY_NONE,
	VGW_NEIGH_ARP_ENTRY_INCOMPLETE, /* we broadcast a request; no MAC yet */
	VGW_NEIGH_ARP_ENTRY_REACHABLE,  /* MAC learned and recently confirmed */
	VGW_NEIGH_ARP_ENTRY_STALE,      /* MAC learned; unicast probes to it under way */
	VGW_NEIGH_ARP_ENTRY_STATIC,     /* set by the CLI (or the kernel): ARP never changes it */
};

struct vgw_neigh_arp_facts {
	bool sender_connected; /* spa a neighbour address of the receiving port's subnets */
	enum vgw_neigh_arp_entry entry;
	bool mac_differs;      /* sha differs from the entry's MAC (learned entries) */
	bool is_reply;         /* op is reply */
	bool to_our_request;   /* Ethernet destination and tha are the port's MAC and
				* tpa is the port's own address: what the answer to
				* a request we sent carries */
	bool target_is_us;     /* tpa is an address of the port or one it answers for */
	bool table_full;
};

/* The rules, in order:
 *  1. senders outside the port's subnets are ignored;
 *  2. static entries are never changed (a different MAC is counted);
 *  3. an INCOMPLETE entry takes its MAC from the first reply to our own
 *     request (is_reply && to_our_request) and from nothing else. A forged
 *     reply that wins the race with the real one is accepted: from then on
 *     the entry is REACHABLE and the real reply is refused by rule 4, which
 *     verifies the MAC that won. Nothing cheaper tells the two apart;
 *  4. a learned (REACHABLE/STALE) entry never takes a different MAC from an
 *     ARP: the change is refused. A REACHABLE entry starts a verification
 *     (unicast probes to the MAC it has, as STALE does); a STALE one is being
 *     probed already. If the old MAC answers, the entry keeps it; if not, the
 *     entry fails, is resolved again by broadcast, and rule 3 applies. The
 *     same MAC refreshes the entry, whatever the ARP;
 *  5. a new entry is created only from a request addressed to us (the sender
 *     is about to talk to us; an unsolicited reply or a gratuitous ARP for an
 *     unknown IP creates nothing) and while the table is below its cap. */
enum vgw_neigh_arp_learn vgw_neigh_arp_learn_decide(const struct vgw_neigh_arp_facts *f);

#endif
