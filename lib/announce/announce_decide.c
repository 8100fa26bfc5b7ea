/* Announcement decisions: see announce_decide.h. */
#include "announce_decide.h"

#include <stdlib.h>

#define VGW_X_NAME(id, name) [VGW_ANNOUNCE_R_##id] = name,
static const char *const reason_names[VGW_ANNOUNCE_R_MAX] = {VGW_ANNOUNCE_REASONS(VGW_X_NAME)};
#undef VGW_X_NAME

const char *vgw_announce_reason_name(uint8_t reason)
{
	return reason < VGW_ANNOUNCE_R_MAX ? reason_names[reason] : "?";
}

const char *vgw_announce_kind_name(uint8_t kind)
{
	static const char *const names[] = {"eip", "vip", "stale"};
	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

/* Stricter than vgw_lb_backend_usable(), on purpose, in two cases:
 *
 * Drain (state drain, or weight 0) keeps a backend's existing connections
 * and gives it no new ones. A VIP whose backends all drain can take no new
 * connection: announcing it would draw new clients only to drop their SYNs
 * (lb_no_backend), and would keep another site or gateway that does have
 * backends from getting them. So it is withdrawn. The price: the drained
 * backends' open connections lose their path too once the routers converge,
 * unless a covering route still brings the traffic here. Draining the last
 * backends of a VIP therefore means "take the VIP out of service now"; a
 * graceful drain keeps at least one backend up until the drained ones are
 * idle (active_conns in show service).
 *
 * A checked backend whose health is still unknown (no verdict yet) gets
 * traffic on the data path — a packet that arrived has nowhere better to go —
 * but does not justify an announcement: a new service is announced after
 * `check-rise` answers, so a VIP in front of dead servers is never announced,
 * not even for the few seconds its first checks take. Without a check the
 * health is always unknown and the admin state is all there is to go by. */
bool vgw_announce_backend_healthy(const struct vgw_lb_backend_cfg *b, uint8_t check)
{
	if (b->admin != VGW_LB_BE_UP || b->weight == 0)
		return false;
	if (check == VGW_LB_CHECK_NONE)
		return b->health != VGW_LB_HEALTH_DOWN;
	return b->health == VGW_LB_HEALTH_UP;
}

/* The most hopeful verdict wins when services share an address. */
static int rank(uint8_t reason)
{
	switch (reason) {
	case VGW_ANNOUNCE_R_EIP:
		return 3;
	case VGW_ANNOUNCE_R_HEALTHY:
		return 2;
	case VGW_ANNOUNCE_R_NO_HEALTHY:
		return 1;
	default:
		return 0;
	}
}

static int cmp_cand(const void *a, const void *b)
{
	const struct vgw_announce_cand *x = a, *y = b;
	if (x->ip != y->ip)
		return x->ip < y->ip ? -1 : 1;
	return rank(y->reason) - rank(x->reason);
}

size_t vgw_announce_decide(const uint32_t *eips, size_t n_eips, const struct vgw_announce_svc *svcs,
			   size_t n_svcs, uint8_t hold, struct vgw_announce_cand *out)
{
	size_t n = 0;
	for (size_t i = 0; i < n_eips; i++)
		out[n++] = (struct vgw_announce_cand){.ip = eips[i],
						      .kind = VGW_ANNOUNCE_EIP,
						      .reason = VGW_ANNOUNCE_R_EIP,
						      .want = true};
	for (size_t i = 0; i < n_svcs; i++) {
		const struct vgw_announce_svc *s = &svcs[i];
		uint8_t r = s->n_backends ? VGW_ANNOUNCE_R_NO_HEALTHY : VGW_ANNOUNCE_R_NO_BACKEND;
		for (uint16_t b = 0; b < s->n_backends && r != VGW_ANNOUNCE_R_HEALTHY; b++)
			if (vgw_announce_backend_healthy(&s->be[b], s->check))
				r = VGW_ANNOUNCE_R_HEALTHY;
		out[n++] = (struct vgw_announce_cand){.ip = s->vip,
						      .kind = VGW_ANNOUNCE_VIP,
						      .reason = r,
						      .want = r == VGW_ANNOUNCE_R_HEALTHY};
	}
	/* sorted by address, best verdict first: keep the first of each run */
	if (n > 1)
		qsort(out, n, sizeof(*out), cmp_cand);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || out[k - 1].ip != out[i].ip)
			out[k++] = out[i];
	if (hold != VGW_ANNOUNCE_R_NONE)
		for (size_t i = 0; i < k; i++) {
			out[i].want = false;
			out[i].reason = hold;
		}
	return k;
}
