/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_arp.c - libFuzzer target: the ARP parse of every ARP frame a port
 * receives (lib/neigh/arp.c, RFC 826) and the learning rules it feeds.
 *
 * Input: the ARP payload (bytes after the Ethernet header); its last byte
 * also gives the facts about the table (bits) for vgw_neigh_arp_learn_decide.
 * Properties: a parsed ARP is a request or a reply from a unicast, non-zero
 * MAC; building it again gives back the same 28 bytes; the learning rules
 * answer one of their verdicts, never create or change an entry for a
 * sender outside the port's subnets, and never change a static entry.
 */
#include "fuzz_util.h"
#include "neigh/arp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = fuzz_dup(data, size);
	struct vgw_neigh_arp a;
	if (vgw_neigh_arp_parse(p, (uint32_t)size, &a) == 0) {
		FUZZ_CHECK(size >= VGW_NEIGH_ARP_LEN);
		FUZZ_CHECK(a.op == VGW_NEIGH_ARP_REQUEST || a.op == VGW_NEIGH_ARP_REPLY);
		FUZZ_CHECK(!(a.sha[0] & 1));
		uint8_t *b = malloc(VGW_NEIGH_ARP_LEN);
		FUZZ_CHECK(b);
		vgw_neigh_arp_build(b, &a);
		FUZZ_CHECK(memcmp(b, p, VGW_NEIGH_ARP_LEN) == 0);
		free(b);
	}
	free(p);

	if (size == 0)
		return 0;
	uint8_t x = data[size - 1], y = size > 1 ? data[size - 2] : 0;
	struct vgw_neigh_arp_facts f = {
		.sender_connected = x & 1,
		.entry = (enum vgw_neigh_arp_entry)((x >> 1) % 5),
		.mac_differs = x & 0x10,
		.is_reply = x & 0x20,
		.to_our_request = x & 0x40,
		.target_is_us = x & 0x80,
		.table_full = y & 1,
	};
	enum vgw_neigh_arp_learn l = vgw_neigh_arp_learn_decide(&f);
	FUZZ_CHECK(l <= VGW_NEIGH_ARP_REFUSE_VERIFYING);
	bool changes = l == VGW_NEIGH_ARP_LEARN_RESOLVED || l == VGW_NEIGH_ARP_LEARN_CREATE;
	if (!f.sender_connected)
		FUZZ_CHECK(!changes && l != VGW_NEIGH_ARP_LEARN_REFRESH);
	if (f.entry == VGW_NEIGH_ARP_ENTRY_STATIC)
		FUZZ_CHECK(!changes);
	if (l == VGW_NEIGH_ARP_LEARN_CREATE)
		FUZZ_CHECK(f.entry == VGW_NEIGH_ARP_ENTRY_NONE && !f.table_full && !f.is_reply);
	return 0;
}
