/* Per-worker connection table: see ct.h. */
#include "ct.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "../util/parse.h"

const struct vgw_ct_timeouts vgw_ct_default_timeouts = {
	.tcp_established = 7440, /* RFC 5382 REQ-5: at least 2 h 4 min */
	.tcp_transitory = 240,   /* RFC 5382: at least 4 min */
	.tcp_time_wait = 240,    /* 2 MSL */
	.tcp_close = 10,
	.udp = 300,              /* RFC 4787 REQ-5: at least 2 min, 5 min recommended */
	.udp_unreplied = 120,
	.icmp = 60,
};

struct vgw_ct *vgw_ct_create(const char *name, uint32_t cap, int socket,
			     const struct vgw_ct_timeouts *to, char *err)
{
	struct vgw_ct *ct = rte_zmalloc_socket(name, sizeof(*ct), 64, socket);
	if (!ct) {
		snprintf(err, VGW_ERR_LEN, "out of memory for conntrack %s", name);
		return NULL;
	}
	ct->cap = cap;
	ct->to = to ? *to : vgw_ct_default_timeouts;
	ct->unreplied_head = ct->unreplied_tail = VGW_CT_NIL;
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = cap * 2 + 8, /* two keys per entry */
		.key_len = sizeof(struct vgw_ct_key),
		.hash_func = rte_jhash,
		.socket_id = socket,
		/* single writer and reader (the owning worker): no locking
		 * flags. Extendable buckets: without them cuckoo insertion
		 * fails near a full bucket array (seen with 2 x cap just below
		 * a power of two), and the table would refuse flows while
		 * entries are free. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	ct->h = rte_hash_create(&hp);
	ct->e = rte_zmalloc_socket(name, sizeof(*ct->e) * cap, 64, socket);
	ct->free_idx = rte_malloc_socket(name, sizeof(uint32_t) * cap, 64, socket);
	ct->exp = rte_malloc_socket(name, sizeof(uint64_t) * cap, 64, socket);
	if (!ct->h || !ct->e || !ct->free_idx || !ct->exp) {
		snprintf(err, VGW_ERR_LEN, "cannot create conntrack %s (%u entries): %s", name, cap,
			 rte_strerror(rte_errno));
		vgw_ct_destroy(ct);
		return NULL;
	}
	for (uint32_t i = 0; i < cap; i++) {
		ct->free_idx[i] = cap - 1 - i;
		ct->exp[i] = UINT64_MAX;
	}
	ct->n_free = cap;
	return ct;
}

void vgw_ct_destroy(struct vgw_ct *ct)
{
	if (!ct)
		return;
	rte_hash_free(ct->h);
	rte_free(ct->e);
	rte_free(ct->free_idx);
	rte_free(ct->exp);
	rte_free(ct);
}

struct vgw_ct_entry *vgw_ct_lookup(struct vgw_ct *ct, const struct vgw_ct_key *key,
				   enum vgw_ct_dir *dir)
{
	void *data;
	if (rte_hash_lookup_data(ct->h, key, &data) < 0)
		return NULL;
	uintptr_t v = (uintptr_t)data;
	*dir = (enum vgw_ct_dir)(v & 1);
	return &ct->e[v >> 1];
}

static void lru_unlink(struct vgw_ct *ct, struct vgw_ct_entry *e)
{
	uint32_t i = (uint32_t)(e - ct->e);
	if (e->lru_prev != VGW_CT_NIL)
		ct->e[e->lru_prev].lru_next = e->lru_next;
	else if (ct->unreplied_head == i)
		ct->unreplied_head = e->lru_next;
	if (e->lru_next != VGW_CT_NIL)
		ct->e[e->lru_next].lru_prev = e->lru_prev;
	else if (ct->unreplied_tail == i)
		ct->unreplied_tail = e->lru_prev;
	e->lru_prev = e->lru_next = VGW_CT_NIL;
}

void vgw_ct_delete(struct vgw_ct *ct, struct vgw_ct_entry *e)
{
	if (!e->replied)
		lru_unlink(ct, e);
	rte_hash_del_key(ct->h, &e->key[0]);
	rte_hash_del_key(ct->h, &e->key[1]);
	e->used = false;
	ct->exp[e - ct->e] = UINT64_MAX;
	ct->free_idx[ct->n_free++] = (uint32_t)(e - ct->e);
	ct->n--;
	ct->st.deleted++;
}

uint32_t vgw_ct_timeout(const struct vgw_ct *ct, const struct vgw_ct_entry *e)
{
	switch (e->key[0].proto) {
	case 6:
		switch (e->tcp.state) {
		case VGW_TCP_ESTABLISHED: return ct->to.tcp_established;
		case VGW_TCP_TIME_WAIT: return ct->to.tcp_time_wait;
		case VGW_TCP_CLOSE: return ct->to.tcp_close;
		default: return ct->to.tcp_transitory;
		}
	case 17:
		return e->replied ? ct->to.udp : ct->to.udp_unreplied;
	default:
		return ct->to.icmp;
	}
}

struct vgw_ct_entry *vgw_ct_insert(struct vgw_ct *ct, const struct vgw_ct_key *orig,
				   const struct vgw_ct_key *reply, uint64_t now,
				   enum vgw_ct_insert_result *res)
{
	*res = VGW_CT_NEW;
	if (rte_hash_lookup(ct->h, reply) >= 0) {
		*res = VGW_CT_CLASH;
		return NULL;
	}
	if (!ct->n_free) {
		if (ct->unreplied_head == VGW_CT_NIL) {
			ct->st.full++;
			*res = VGW_CT_FULL;
			return NULL;
		}
		/* the oldest flow that never got an answer makes room */
		vgw_ct_delete(ct, &ct->e[ct->unreplied_head]);
		ct->st.deleted--;
		ct->st.evicted++;
		*res = VGW_CT_NEW_EVICTED;
	}
	uint32_t i = ct->free_idx[--ct->n_free];
	struct vgw_ct_entry *e = &ct->e[i];
	memset(e, 0, sizeof(*e));
	e->key[0] = *orig;
	e->key[1] = *reply;
	if (rte_hash_add_key_data(ct->h, orig, (void *)((uintptr_t)i << 1 | VGW_CT_ORIG)) < 0 ||
	    rte_hash_add_key_data(ct->h, reply, (void *)((uintptr_t)i << 1 | VGW_CT_REPLY)) < 0) {
		/* the hash has room for every entry's two keys (extendable
		 * buckets): not expected */
		rte_hash_del_key(ct->h, orig);
		ct->free_idx[ct->n_free++] = i;
		ct->st.full++;
		*res = VGW_CT_FULL;
		return NULL;
	}
	e->used = true;
	/* newest at the tail of the unreplied list */
	e->lru_next = VGW_CT_NIL;
	e->lru_prev = ct->unreplied_tail;
	if (ct->unreplied_tail != VGW_CT_NIL)
		ct->e[ct->unreplied_tail].lru_next = i;
	else
		ct->unreplied_head = i;
	ct->unreplied_tail = i;
	ct->n++;
	ct->st.created++;
	e->expires = now + vgw_ct_timeout(ct, e);
	ct->exp[i] = e->expires;
	return e;
}

void vgw_ct_touch(struct vgw_ct *ct, struct vgw_ct_entry *e, enum vgw_ct_dir dir, uint64_t now)
{
	if (dir == VGW_CT_REPLY && !e->replied) {
		lru_unlink(ct, e);
		e->replied = true;
	}
	e->expires = now + vgw_ct_timeout(ct, e);
	ct->exp[e - ct->e] = e->expires;
}

uint32_t vgw_ct_age(struct vgw_ct *ct, uint64_t now, uint32_t budget,
		    void (*on_expire)(const struct vgw_ct_entry *e, void *arg), void *arg)
{
	uint32_t n = 0;
	for (uint32_t k = 0; k < budget && k < ct->cap; k++) {
		uint32_t i = ct->age_cursor;
		ct->age_cursor = i + 1 == ct->cap ? 0 : i + 1;
		if (now < ct->exp[i]) /* also skips free slots */
			continue;
		struct vgw_ct_entry *e = &ct->e[i];
		if (on_expire)
			on_expire(e, arg);
		vgw_ct_delete(ct, e);
		ct->st.deleted--;
		ct->st.expired++;
		n++;
	}
	return n;
}
