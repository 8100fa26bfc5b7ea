/* Steering map synchronisation: see xdp_sync.h. */
#include "xdp_sync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int vgw_xdp_key_cmp(const struct vgw_xdp_key *a, const struct vgw_xdp_key *b)
{
	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	return vgw_xdp_key_cmp(&((const struct vgw_xdp_entry *)a)->k,
			       &((const struct vgw_xdp_entry *)b)->k);
}

static bool val_eq(const struct vgw_xdp_val *a, const struct vgw_xdp_val *b)
{
	return a->kind == b->kind && a->vxlan_port == b->vxlan_port;
}

size_t vgw_xdp_normalize(struct vgw_xdp_entry *e, size_t n)
{
	if (n == 0)
		return 0;
	qsort(e, n, sizeof(*e), entry_cmp);
	size_t o = 0;
	for (size_t i = 1; i < n; i++) {
		if (vgw_xdp_key_cmp(&e[o].k, &e[i].k) == 0) {
			e[o].v.kind |= e[i].v.kind;
			if (e[i].v.kind & VGW_XDP_VTEP)
				e[o].v.vxlan_port = e[i].v.vxlan_port;
		} else {
			e[++o] = e[i];
		}
	}
	for (size_t i = 0; i <= o; i++) {
		e[i].v.pad = 0;
		if (!(e[i].v.kind & VGW_XDP_VTEP))
			e[i].v.vxlan_port = 0;
	}
	return o + 1;
}

bool vgw_xdp_sync_same(const struct vgw_xdp_sync *s, const struct vgw_xdp_entry *want,
		       size_t n)
{
	if (n != s->n_have)
		return false;
	for (size_t i = 0; i < n; i++)
		if (vgw_xdp_key_cmp(&want[i].k, &s->have[i].k) != 0 ||
		    !val_eq(&want[i].v, &s->have[i].v))
			return false;
	return true;
}

static void refused(struct vgw_xdp_sync *s, int rc, long *left)
{
	s->errors++;
	s->last_err = -rc;
	(*left)++;
}

long vgw_xdp_sync_apply(struct vgw_xdp_sync *s, const struct vgw_xdp_entry *want, size_t n,
			const struct vgw_xdp_sync_ops *ops, void *ctx)
{
	/* the new `have` is at most both sets together */
	size_t cap = s->n_have + n;
	struct vgw_xdp_entry *out = malloc((cap ? cap : 1) * sizeof(*out));
	if (!out)
		return -1;
	size_t i = 0, j = 0, o = 0;
	long left = 0;
	while (i < n || j < s->n_have) {
		int c = i == n ? 1 : j == s->n_have ? -1 : vgw_xdp_key_cmp(&want[i].k, &s->have[j].k);
		if (c < 0) { /* wanted, not in the map */
			int rc = ops->update(ctx, &want[i]);
			if (rc == 0) {
				s->updates++;
				out[o++] = want[i];
			} else {
				refused(s, rc, &left);
			}
			i++;
		} else if (c > 0) { /* in the map, no longer wanted */
			int rc = ops->del(ctx, &s->have[j].k);
			if (rc == 0 || rc == -ENOENT) {
				s->deletes++;
			} else {
				refused(s, rc, &left);
				out[o++] = s->have[j];
			}
			j++;
		} else {
			if (!val_eq(&want[i].v, &s->have[j].v)) {
				int rc = ops->update(ctx, &want[i]);
				if (rc == 0) {
					s->updates++;
					out[o++] = want[i];
				} else {
					refused(s, rc, &left);
					out[o++] = s->have[j];
				}
			} else {
				out[o++] = s->have[j];
			}
			i++;
			j++;
		}
	}
	free(s->have);
	s->have = out;
	s->n_have = o;
	s->cap = cap;
	s->failed = (uint32_t)left;
	if (!left)
		s->last_err = 0;
	return left;
}

long vgw_xdp_sync_reset(struct vgw_xdp_sync *s, struct vgw_xdp_entry *e, size_t n)
{
	n = vgw_xdp_normalize(e, n);
	struct vgw_xdp_entry *copy = malloc((n ? n : 1) * sizeof(*copy));
	if (!copy)
		return -1;
	if (n)
		memcpy(copy, e, n * sizeof(*e));
	long diff = 0;
	size_t i = 0, j = 0;
	while (i < n || j < s->n_have) {
		int c = i == n ? 1 : j == s->n_have ? -1 : vgw_xdp_key_cmp(&e[i].k, &s->have[j].k);
		if (c != 0 || !val_eq(&e[i].v, &s->have[j].v))
			diff++;
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	free(s->have);
	s->have = copy;
	s->n_have = s->cap = n;
	return diff;
}

void vgw_xdp_sync_free(struct vgw_xdp_sync *s)
{
	free(s->have);
	memset(s, 0, sizeof(*s));
}
