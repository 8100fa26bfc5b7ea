/* The worker-private hash table (snat_tab.h). */
#include "snat_tab.h"

#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "../util/parse.h"

static uint32_t n_slots(uint32_t max_keys)
{
	uint32_t n = 16;
	while (n < 2ull * max_keys)
		n <<= 1;
	return n;
}

size_t vgw_snat_tab_memsize(uint32_t max_keys)
{
	return (size_t)n_slots(max_keys) * sizeof(struct vgw_snat_tab_slot);
}

int vgw_snat_tab_create(struct vgw_snat_tab *t, const char *name, uint32_t max_keys, int socket,
			char *err)
{
	if (max_keys > (1u << 30)) {
		snprintf(err, VGW_ERR_LEN, "%s: %u keys, at most 2^30", name, max_keys);
		return -1;
	}
	uint32_t n = n_slots(max_keys);
	memset(t, 0, sizeof(*t));
	t->s = rte_malloc_socket(name, (size_t)n * sizeof(*t->s), 64, socket);
	if (!t->s) {
		snprintf(err, VGW_ERR_LEN, "cannot allocate %s (%u keys): %s", name, max_keys,
			 rte_strerror(rte_errno));
		return -1;
	}
	for (uint32_t i = 0; i < n; i++)
		t->s[i].val = VGW_SNAT_TAB_NONE;
	t->mask = n - 1;
	t->max = max_keys;
	return 0;
}

void vgw_snat_tab_destroy(struct vgw_snat_tab *t)
{
	rte_free(t->s);
	memset(t, 0, sizeof(*t));
}

int vgw_snat_tab_add(struct vgw_snat_tab *t, uint64_t k0, uint64_t k1, uint32_t val)
{
	if (t->n >= t->max)
		return -1;
	uint32_t i = vgw_snat_tab_hash(k0, k1) & t->mask;
	while (t->s[i].val != VGW_SNAT_TAB_NONE)
		i = (i + 1) & t->mask;
	t->s[i] = (struct vgw_snat_tab_slot){.k0 = k0, .k1 = k1, .val = val};
	t->n++;
	return 0;
}

int vgw_snat_tab_set(struct vgw_snat_tab *t, uint64_t k0, uint64_t k1, uint32_t val)
{
	for (uint32_t i = vgw_snat_tab_hash(k0, k1) & t->mask;; i = (i + 1) & t->mask) {
		struct vgw_snat_tab_slot *s = &t->s[i];
		if (s->val == VGW_SNAT_TAB_NONE)
			return -1;
		if (s->k0 == k0 && s->k1 == k1) {
			s->val = val;
			return 0;
		}
	}
}

bool vgw_snat_tab_del(struct vgw_snat_tab *t, uint64_t k0, uint64_t k1)
{
	uint32_t i = vgw_snat_tab_hash(k0, k1) & t->mask;
	for (;; i = (i + 1) & t->mask) {
		if (t->s[i].val == VGW_SNAT_TAB_NONE)
			return false;
		if (t->s[i].k0 == k0 && t->s[i].k1 == k1)
			break;
	}
	/* backward shift: every key after the hole that would be found from
	 * its home slot through the hole moves into it */
	uint32_t hole = i;
	for (uint32_t j = (i + 1) & t->mask; t->s[j].val != VGW_SNAT_TAB_NONE;
	     j = (j + 1) & t->mask) {
		uint32_t home = vgw_snat_tab_hash(t->s[j].k0, t->s[j].k1) & t->mask;
		/* j's key may move to hole unless its home lies in (hole, j] */
		bool in_between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (in_between)
			continue;
		t->s[hole] = t->s[j];
		hole = j;
	}
	t->s[hole].val = VGW_SNAT_TAB_NONE;
	t->n--;
	return true;
}
