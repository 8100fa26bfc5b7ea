/* The announced set and its reconciliation: see announce_state.h.
 *
 * Rows and candidates are both sorted by address, so a tick is one merge
 * (O(rows + candidates)) into a scratch array that then becomes the rows. */
#include "announce_state.h"

#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "../core/drop.h"
#include "../core/log.h"
#include "../util/parse.h"

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

static void count(const struct vgw_announce_ops *ops, int c, uint64_t n)
{
	if (ops->count && n)
		ops->count(c, n);
}

static void log_change(const struct vgw_announce_row *r, bool add, unsigned int *logged)
{
	if ((*logged)++ >= VGW_ANNOUNCE_LOG_MAX)
		return;
	char ip[VGW_IP4_STRLEN];
	VGW_LOG(NOTICE, announce, "%s %s/32 (%s: %s)\n", add ? "announce" : "withdraw",
		vgw_ip4_str(r->ip, ip), vgw_announce_kind_name(r->kind),
		vgw_announce_reason_name(r->reason));
}

static void log_error(struct vgw_announce_state *s, const struct vgw_announce_op *op, uint64_t now)
{
	if (s->err_log_ms && now - s->err_log_ms < VGW_ANNOUNCE_ERR_LOG_MS) {
		s->err_quiet++;
		return;
	}
	char ip[VGW_IP4_STRLEN];
	VGW_LOG(ERR, announce, "cannot %s %s/32: %s (retried every tick; %lu errors not "
			    "logged since the last report)\n",
		op->add ? "add" : "delete", vgw_ip4_str(op->ip, ip), strerror(op->err),
		(unsigned long)s->err_quiet);
	s->err_log_ms = now;
	s->err_quiet = 0;
}

/* Sends what differs between want and installed, deletions first; records
 * what the kernel acked. */
static int apply_changes(struct vgw_announce_state *s, uint64_t now,
			 const struct vgw_announce_ops *ops)
{
	size_t n = 0, adds = 0;
	if (!grow((void **)&s->ops, &s->ops_cap, s->n, sizeof(*s->ops)))
		return -1;
	for (size_t i = 0; i < s->n; i++)
		if (!s->rows[i].want && s->rows[i].installed)
			s->ops[n++] = (struct vgw_announce_op){.ip = s->rows[i].ip, .add = false, .row = i};
	for (size_t i = 0; i < s->n && adds < VGW_ANNOUNCE_MAX_ADDS; i++)
		if (s->rows[i].want && !s->rows[i].installed) {
			s->ops[n++] = (struct vgw_announce_op){.ip = s->rows[i].ip, .add = true, .row = i};
			adds++;
		}
	if (n == 0)
		return 0;
	ops->apply(ops->ctx, s->ops, n);
	uint64_t added = 0, deleted = 0, failed = 0;
	unsigned int logged = 0;
	for (size_t i = 0; i < n; i++) {
		const struct vgw_announce_op *op = &s->ops[i];
		struct vgw_announce_row *r = &s->rows[op->row];
		r->err = op->err;
		if (op->err) {
			failed++;
			log_error(s, op, now);
			continue;
		}
		r->installed = op->add;
		r->since_ms = now;
		log_change(r, op->add, &logged);
		if (op->add)
			added++;
		else
			deleted++;
	}
	if (logged > VGW_ANNOUNCE_LOG_MAX)
		VGW_LOG(NOTICE, announce,
			"... %u more changes not logged (%lu announced, "
			"%lu withdrawn in all)\n",
			logged - VGW_ANNOUNCE_LOG_MAX, (unsigned long)added,
			(unsigned long)deleted);
	count(ops, VGW_ANNOUNCE_SP(ANN_ANNOUNCE), added);
	count(ops, VGW_ANNOUNCE_SP(ANN_WITHDRAW), deleted);
	count(ops, VGW_ANNOUNCE_SP(ANN_ERROR), failed);
	return 0;
}

/* Drops the rows that are neither candidates nor in the kernel. */
static void compact(struct vgw_announce_state *s)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].cand || s->rows[i].installed)
			s->rows[k++] = s->rows[i];
	s->n = k;
}

static void swap_rows(struct vgw_announce_state *s, size_t n)
{
	struct vgw_announce_row *r = s->rows;
	size_t cap = s->cap;
	s->rows = s->tmp;
	s->cap = s->tmp_cap;
	s->tmp = r;
	s->tmp_cap = cap;
	s->n = n;
}

int vgw_announce_sync(struct vgw_announce_state *s, const struct vgw_announce_cand *cands, size_t n,
		      uint64_t now_ms, const struct vgw_announce_ops *ops)
{
	/* room for the merge and for one request per row, before anything
	 * changes */
	if (!grow((void **)&s->tmp, &s->tmp_cap, s->n + n, sizeof(*s->tmp)) ||
	    !grow((void **)&s->ops, &s->ops_cap, s->n + n, sizeof(*s->ops)))
		return -1;
	size_t i = 0, j = 0, k = 0;
	while (i < s->n || j < n) {
		struct vgw_announce_row *out = &s->tmp[k];
		if (j == n || (i < s->n && s->rows[i].ip < cands[j].ip)) {
			/* configured no more: delete it from the kernel, then forget it */
			*out = s->rows[i++];
			if (!out->installed)
				continue;
			out->cand = false;
			out->want = false;
			if (out->kind != VGW_ANNOUNCE_STALE)
				out->reason = VGW_ANNOUNCE_R_REMOVED;
		} else {
			if (i < s->n && s->rows[i].ip == cands[j].ip)
				*out = s->rows[i++];
			else
				*out = (struct vgw_announce_row){.ip = cands[j].ip,
								 .since_ms = now_ms};
			out->kind = cands[j].kind;
			out->reason = cands[j].reason;
			out->want = cands[j].want;
			out->cand = true;
			j++;
		}
		k++;
	}
	swap_rows(s, k);
	apply_changes(s, now_ms, ops); /* cannot fail: ops has room */
	compact(s);
	return 0;
}

int vgw_announce_audit(struct vgw_announce_state *s, const uint32_t *kernel, size_t n,
		       uint64_t now_ms)
{
	if (!grow((void **)&s->tmp, &s->tmp_cap, s->n + n, sizeof(*s->tmp)))
		return -1;
	size_t i = 0, j = 0, k = 0;
	unsigned int vanished = 0;
	char ip[VGW_IP4_STRLEN];
	while (i < s->n || j < n) {
		struct vgw_announce_row *out = &s->tmp[k++];
		if (j == n || (i < s->n && s->rows[i].ip < kernel[j])) {
			*out = s->rows[i++];
			if (out->installed) {
				out->installed = false;
				out->since_ms = now_ms;
				if (vanished++ < VGW_ANNOUNCE_LOG_MAX)
					VGW_LOG(WARNING, announce,
						"%s/32 vanished from the kernel table\n",
						vgw_ip4_str(out->ip, ip));
			}
		} else if (i < s->n && s->rows[i].ip == kernel[j]) {
			*out = s->rows[i++];
			j++;
			if (!out->installed) {
				out->installed = true;
				out->since_ms = now_ms;
			}
		} else {
			*out = (struct vgw_announce_row){.ip = kernel[j++],
							 .kind = VGW_ANNOUNCE_STALE,
							 .reason = VGW_ANNOUNCE_R_LEFTOVER,
							 .installed = true,
							 .since_ms = now_ms};
		}
	}
	if (vanished > VGW_ANNOUNCE_LOG_MAX)
		VGW_LOG(WARNING, announce, "%u routes vanished from the kernel table in all\n",
			vanished);
	swap_rows(s, k);
	return 0;
}

size_t vgw_announce_withdraw_all(struct vgw_announce_state *s, uint8_t reason, uint64_t now_ms,
				 const struct vgw_announce_ops *ops)
{
	for (size_t i = 0; i < s->n; i++) {
		s->rows[i].want = false;
		s->rows[i].reason = reason;
	}
	apply_changes(s, now_ms, ops);
	return vgw_announce_installed(s);
}

size_t vgw_announce_installed(const struct vgw_announce_state *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += s->rows[i].installed;
	return n;
}

void vgw_announce_state_free(struct vgw_announce_state *s)
{
	free(s->rows);
	free(s->tmp);
	free(s->ops);
	memset(s, 0, sizeof(*s));
}
