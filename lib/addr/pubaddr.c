/* The gateway's public addresses: see pubaddr.h.
 *
 * Storage: open addressing keyed by the address (0 marks a free slot: it is
 * never a host address), linear probing, deletion by moving the rest of the
 * probe run back so no tombstones pile up under EIP churn. The table grows by
 * doubling at 3/4 load and is freed with its last address, so an idle
 * gateway (or a unit test that empties its tables) holds nothing. */
#include "pubaddr.h"

#include <stdio.h>
#include <stdlib.h>

#include "../core/gw.h"
#include "../net/ip4.h"
#include "../util/parse.h"

#define MIN_SLOTS 64u

#define VGW_X_NAME(id, name, label, clashes, shared) name,
static const char *const kind_names[] = {VGW_PUBADDR_KINDS(VGW_X_NAME)};
#undef VGW_X_NAME
#define VGW_X_LABEL(id, name, label, clashes, shared) label,
static const char *const kind_labels[] = {VGW_PUBADDR_KINDS(VGW_X_LABEL)};
#undef VGW_X_LABEL
#define VGW_X_CLASH(id, name, label, clashes, shared) clashes,
static const char *const kind_clashes[] = {VGW_PUBADDR_KINDS(VGW_X_CLASH)};
#undef VGW_X_CLASH
/* "an EIP", "a VIP", "a SNAT address": a holder named in a clash */
static const char *const kind_as_clash[] = {"an EIP", "a VIP", "a SNAT address"};
_Static_assert(sizeof(kind_as_clash) / sizeof(kind_as_clash[0]) == VGW_PUBADDR_KIND_MAX,
	       "a clash name per kind");
#define VGW_X_SHARED(id, name, label, clashes, shared) shared,
static const bool kind_shared[] = {VGW_PUBADDR_KINDS(VGW_X_SHARED)};
#undef VGW_X_SHARED

static struct {
	struct vgw_pubaddr *slot;
	uint32_t mask; /* slots - 1; meaningful while slot != NULL */
	uint32_t n;
	uint32_t by_kind[VGW_PUBADDR_KIND_MAX];
} R;

static uint32_t home(uint32_t ip, uint32_t mask)
{
	/* murmur3's finaliser: neighbouring addresses land far apart */
	ip ^= ip >> 16;
	ip *= 0x85ebca6bu;
	ip ^= ip >> 13;
	ip *= 0xc2b2ae35u;
	ip ^= ip >> 16;
	return ip & mask;
}

static struct vgw_pubaddr *lookup(uint32_t ip)
{
	if (!R.slot || ip == 0)
		return NULL;
	for (uint32_t i = home(ip, R.mask);; i = (i + 1) & R.mask) {
		if (R.slot[i].ip == ip)
			return &R.slot[i];
		if (R.slot[i].ip == 0)
			return NULL;
	}
}

/* A free slot for ip (absent), growing the table first if needed. */
static struct vgw_pubaddr *claim(uint32_t ip)
{
	uint32_t slots = R.slot ? R.mask + 1 : 0;
	if ((uint64_t)(R.n + 1) * 4 > (uint64_t)slots * 3) {
		uint32_t grown = slots ? slots * 2 : MIN_SLOTS;
		struct vgw_pubaddr *t = calloc(grown, sizeof(*t));
		if (!t)
			return NULL;
		for (uint32_t i = 0; i < slots; i++) {
			if (R.slot[i].ip == 0)
				continue;
			uint32_t j = home(R.slot[i].ip, grown - 1);
			while (t[j].ip)
				j = (j + 1) & (grown - 1);
			t[j] = R.slot[i];
		}
		free(R.slot);
		R.slot = t;
		R.mask = grown - 1;
	}
	uint32_t i = home(ip, R.mask);
	while (R.slot[i].ip)
		i = (i + 1) & R.mask;
	return &R.slot[i];
}

static void release(struct vgw_pubaddr *a)
{
	R.by_kind[a->kind]--;
	if (--R.n == 0) {
		free(R.slot);
		R.slot = NULL;
		return;
	}
	/* close the gap: an entry after it moves up unless its home slot lies
	 * cyclically after the gap and at or before the entry */
	uint32_t gap = (uint32_t)(a - R.slot);
	for (uint32_t j = (gap + 1) & R.mask; R.slot[j].ip; j = (j + 1) & R.mask) {
		uint32_t h = home(R.slot[j].ip, R.mask);
		bool stays = gap < j ? (gap < h && h <= j) : (gap < h || h <= j);
		if (stays)
			continue;
		R.slot[gap] = R.slot[j];
		gap = j;
	}
	R.slot[gap] = (struct vgw_pubaddr){0};
}

int vgw_pubaddr_check(uint32_t ip, enum vgw_pubaddr_kind kind, char *err)
{
	char b[VGW_IP4_STRLEN];
	const char *what = kind_labels[kind];
	if (vgw_ip4_src_martian(ip) || vgw_ip4_dst_not_unicast(ip)) {
		snprintf(err, VGW_ERR_LEN, "%s %s is not a unicast host address", what,
			 vgw_ip4_str(ip, b));
		return -1;
	}
	int p = vgw_ip_subnet_edge(ip);
	if (p >= 0) {
		snprintf(err, VGW_ERR_LEN, "%s %s is the network or broadcast address of port %s's subnet",
			 what, vgw_ip4_str(ip, b), vgw_gw.ports[p].name);
		return -1;
	}
	const struct vgw_pubaddr *a = lookup(ip);
	if (vgw_ip_is_local(ip) || (a && a->kind != kind)) {
		/* the holder when there is one, else every kind it may not be */
		snprintf(err, VGW_ERR_LEN, "%s %s is an address of this gateway or %s", what,
			 vgw_ip4_str(ip, b), a && a->kind != kind ? kind_as_clash[a->kind]
								  : kind_clashes[kind]);
		return -1;
	}
	return 0;
}

int vgw_pubaddr_add(uint32_t ip, enum vgw_pubaddr_kind kind, uint32_t owner, char *err)
{
	if (vgw_pubaddr_check(ip, kind, err) < 0)
		return -1;
	struct vgw_pubaddr *a = lookup(ip);
	if (a) {
		if (!kind_shared[kind]) {
			char b[VGW_IP4_STRLEN];
			snprintf(err, VGW_ERR_LEN, "%s %s is already in use", kind_labels[kind],
				 vgw_ip4_str(ip, b));
			return -1;
		}
		a->refs++;
		return 0;
	}
	a = claim(ip);
	if (!a) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	*a = (struct vgw_pubaddr){.ip = ip, .kind = (uint8_t)kind, .owner = owner, .refs = 1};
	R.n++;
	R.by_kind[kind]++;
	return 0;
}

void vgw_pubaddr_del(uint32_t ip, enum vgw_pubaddr_kind kind)
{
	struct vgw_pubaddr *a = lookup(ip);
	if (a && a->kind == kind && --a->refs == 0)
		release(a);
}

const struct vgw_pubaddr *vgw_pubaddr_find(uint32_t ip)
{
	return lookup(ip);
}

bool vgw_pubaddr_is(uint32_t ip, enum vgw_pubaddr_kind kind)
{
	const struct vgw_pubaddr *a = lookup(ip);
	return a && a->kind == kind;
}

uint32_t vgw_pubaddr_count(enum vgw_pubaddr_kind kind)
{
	return R.by_kind[kind];
}

bool vgw_pubaddr_next(uint32_t *it, const struct vgw_pubaddr **a)
{
	for (; R.slot && *it <= R.mask; (*it)++)
		if (R.slot[*it].ip) {
			*a = &R.slot[(*it)++];
			return true;
		}
	return false;
}

const char *vgw_pubaddr_kind_name(uint8_t kind)
{
	return kind < VGW_PUBADDR_KIND_MAX ? kind_names[kind] : "?";
}
