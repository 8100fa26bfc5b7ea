/* The gateway's public addresses: which addresses it answers for on the
 * public side, and who owns each (the EIP of a VM in a VPC, the VIP of one or
 * more services, an address of a SNAT pool).
 *
 * Why a module of its own: an EIP must not be a VIP and a VIP must not be an
 * EIP, and proxy ARP, the XDP map, the announcer and the host ports all ask
 * "is this one of our public addresses". Asking the owners directly made
 * lib/vpc and lib/lb include each other; now each owner registers its
 * addresses here and asks here, and the other consumers read only this.
 *
 * Consistency: an owner validates first (vgw_pubaddr_check(), which also
 * holds the address checks every public address shares), then registers
 * (vgw_pubaddr_add(), which can fail only for memory or a same-kind clash the
 * owner should have caught), then publishes its own tables; if publishing
 * fails it unregisters. So the registry and the owners' tables agree after
 * every command, and a refused command changes neither.
 *
 * Not for workers: the data path keeps its own fast tables (the EIP map of
 * lib/vpc, the VIP marker map of lib/lb); this registry is the slow path's.
 * Contract: slow path only (one thread), no locks, no RCU. */
#ifndef VGW_PUBADDR_H
#define VGW_PUBADDR_H

#include <stdbool.h>
#include <stdint.h>

/* X(id, name, label, clashes, shared): label names the address in errors
 * ("EIP 1.2.3.4 ..."), clashes names the other owners it may not be, shared
 * says whether several owners of this kind may hold one address (services of
 * one VIP on different ports) or only one (an EIP maps 1:1). */
#define VGW_PUBADDR_KINDS(X)                                          \
	X(EIP, "eip", "EIP", "a VIP", false)                         \
	X(VIP, "vip", "VIP", "an EIP", true)                         \
	X(SNAT, "snat", "SNAT address", "an EIP or a VIP", false)

#define VGW_X_ENUM(id, name, label, clashes, shared) VGW_PUBADDR_##id,
enum vgw_pubaddr_kind { VGW_PUBADDR_KINDS(VGW_X_ENUM) VGW_PUBADDR_KIND_MAX };
#undef VGW_X_ENUM

struct vgw_pubaddr {
	uint32_t ip;   /* host order; 0 never (not a host address) */
	uint8_t kind;  /* enum vgw_pubaddr_kind */
	uint32_t owner; /* EIP: the VNI of its VPC; VIP: the first service's slot;
			 * SNAT: the pool's id */
	uint32_t refs; /* owners holding it: 1, or the services sharing a VIP */
};

/* May ip become a public address of `kind`? Refused (-1, err says why, in the
 * words the CLI has always used) when it is not a unicast host address, is
 * the network or broadcast address of a port's subnet, is an address of a
 * port, or is held by another kind. Another holder of the same kind is the
 * owner's business (an EIP's own message names its mapping). */
int vgw_pubaddr_check(uint32_t ip, enum vgw_pubaddr_kind kind, char *err);

/* Registers ip for kind (vgw_pubaddr_check() first, then a same-kind clash of
 * an unshared kind is refused); a shared kind counts one more holder. */
int vgw_pubaddr_add(uint32_t ip, enum vgw_pubaddr_kind kind, uint32_t owner, char *err);
/* Drops one holder of ip of kind; the address goes with its last holder.
 * Unknown addresses or another kind: nothing happens. */
void vgw_pubaddr_del(uint32_t ip, enum vgw_pubaddr_kind kind);

/* The entry of ip, or NULL. Valid until the next add or del. */
const struct vgw_pubaddr *vgw_pubaddr_find(uint32_t ip);
/* ip is a public address of kind. */
bool vgw_pubaddr_is(uint32_t ip, enum vgw_pubaddr_kind kind);
/* Addresses registered for kind. */
uint32_t vgw_pubaddr_count(enum vgw_pubaddr_kind kind);
/* Iteration in no particular order: *it starts at 0; false at the end. No add
 * or del between calls. */
bool vgw_pubaddr_next(uint32_t *it, const struct vgw_pubaddr **a);

const char *vgw_pubaddr_kind_name(uint8_t kind);

#endif
