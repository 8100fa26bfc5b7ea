/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ct_index.c - the connection table's index and ageing (lib/ct/ct.c)
 * beyond the behaviour test_ct.c pins down: how often a key overflows its
 * bucket at a million entries (random and structured clients), the lookup
 * and insert variants that take the caller's hash, and ageing that skips
 * groups by their deadline bound exactly as a scan of every deadline would
 * expire.
 */
#include "gw_fixture.h"
#include "ct/ct.h"

static struct vgw_ct *mk(uint32_t cap)
{
	static unsigned int seq;
	char name[32];
	snprintf(name, sizeof(name), "ct_index%u", seq++);
	struct vgw_ct *ct = vgw_ct_create(name, cap, SOCKET_ID_ANY, NULL, err);
	CU_ASSERT_FATAL(ct != NULL);
	return ct;
}

/* Flow i of a key pattern: 0 random clients, 1 the bench's (client
 * 100.64.0.0 + (i >> 8), port 1024 + (i & 0xff)), 2 test_ct's (address and
 * port both + i). Backends: 16 in VNI 100. */
static void flow(unsigned int pattern, uint32_t i, struct vgw_ct_key *o, struct vgw_ct_key *r)
{
	uint32_t c_ip, be = A(192, 168, 0, 10) + (i % 16);
	uint16_t c_port;
	switch (pattern) {
	case 0:
		c_ip = unit_rand();
		c_port = (uint16_t)unit_rand();
		break;
	case 1:
		c_ip = A(100, 64, 0, 0) + (i >> 8);
		c_port = (uint16_t)(1024 + (i & 0xff));
		break;
	default:
		c_ip = A(198, 51, 100, 1) + i;
		c_port = (uint16_t)(40000 + i);
		break;
	}
	*o = (struct vgw_ct_key){.src = c_ip, .dst = A(198, 51, 100, 80), .sport = c_port,
				 .dport = 80, .proto = 6};
	*r = (struct vgw_ct_key){.vni = 100, .src = be, .dst = c_ip, .sport = 8080,
				 .dport = c_port, .proto = 6};
}

/* A full table of a million flows: keys in overflow buckets (a lookup
 * reads a second bucket line) stay under 1% and the pool far from used
 * up. Prints the figures (doc/performance.md). */
static void test_overflow_1m(void)
{
	enum { CAP = 1u << 20 };
	static const char *const names[] = {"random", "bench", "sequential"};
	for (unsigned int p = 0; p < 3; p++) {
		struct vgw_ct *ct = mk(CAP);
		uint32_t ok = 0;
		for (uint32_t i = 0; i < CAP; i++) {
			struct vgw_ct_key o, r;
			flow(p, i, &o, &r);
			enum vgw_ct_insert_result res;
			ok += vgw_ct_insert(ct, &o, &r, 0, &res) != NULL;
		}
		struct vgw_ct_index_stats st;
		vgw_ct_index_stats(ct, &st);
		printf("\n    %s clients, %u flows: %u buckets, %.3f%% overflowed, %.3f%% of %u keys "
		       "in overflow buckets, pool %u of %u used, longest chain %u",
		       names[p], ok, st.buckets, 100.0 * st.overflowed / st.buckets,
		       100.0 * st.keys_overflow / ct->keys, ct->keys, st.pool_used, st.pool,
		       st.longest);
		CU_ASSERT(ok >= CAP - 16); /* random clients may repeat a 5-tuple */
		CU_ASSERT(st.keys_overflow * 100 < ct->keys);
		CU_ASSERT(st.pool_used * 4 < st.pool);
		vgw_ct_destroy(ct);
	}
	printf("\n   ");
}

static void test_hashed(void)
{
	struct vgw_ct *ct = mk(64);
	struct vgw_ct_key o, r;
	flow(1, 7, &o, &r);
	enum vgw_ct_insert_result res;
	struct vgw_ct_entry *e = vgw_ct_insert_hashed(ct, &o, vgw_ct_hash(&o), &r, 5, &res);
	CU_ASSERT_FATAL(e != NULL);
	ASSERT_EQ(res, VGW_CT_NEW);
	enum vgw_ct_dir d = VGW_CT_REPLY;
	CU_ASSERT(vgw_ct_lookup_hashed(ct, &o, vgw_ct_hash(&o), &d) == e && d == VGW_CT_ORIG);
	CU_ASSERT(vgw_ct_lookup_hashed(ct, &r, vgw_ct_hash(&r), &d) == e && d == VGW_CT_REPLY);
	CU_ASSERT(vgw_ct_lookup(ct, &o, &d) == e);
	/* the reply key taken: refused whatever the caller's hash of orig */
	struct vgw_ct_key o2 = o;
	o2.dst++;
	CU_ASSERT(vgw_ct_insert_hashed(ct, &o2, vgw_ct_hash(&o2), &r, 5, &res) == NULL);
	ASSERT_EQ(res, VGW_CT_CLASH);
	ASSERT_EQ(ct->keys, 2);
	vgw_ct_destroy(ct);
}

/* Ageing against a model of the plain scan (every slot's deadline, from
 * the cursor, budget slots a call): random inserts, touches at other
 * times, confirmations, deletes and budgets, on a capacity that is not a
 * multiple of the group. */
static uint32_t expired_idx[512], n_expired;
static struct vgw_ct *age_ct;

static void note_expired(const struct vgw_ct_entry *e, void *arg)
{
	(void)arg;
	expired_idx[n_expired++] = (uint32_t)(e - age_ct->e);
}

static void test_age_model(void)
{
	enum { CAP = 200 };
	struct vgw_ct *ct = age_ct = mk(CAP);
	uint32_t exp[CAP], cursor = 0, next_id = 0;
	for (uint32_t i = 0; i < CAP; i++)
		exp[i] = UINT32_MAX;
	uint64_t now = 1000;
	for (int step = 0; step < 200000; step++) {
		uint32_t op = unit_rand() % 8;
		now += unit_rand() % 3;
		if (op <= 2) {
			struct vgw_ct_key o, r;
			flow(2, next_id++, &o, &r);
			enum vgw_ct_insert_result res;
			struct vgw_ct_entry *e = vgw_ct_insert(ct, &o, &r, now, &res);
			if (e) {
				if (unit_rand() % 4 == 0) /* a TCP state with another timeout */
					e->tcp.state = (uint8_t)(unit_rand() % VGW_CT_TCP_N_STATES);
				vgw_ct_touch(ct, e, now - unit_rand() % 40);
			}
		} else if (op <= 4 && ct->n) {
			/* some live entry: touch, confirm or delete it */
			uint32_t i = unit_rand() % CAP;
			struct vgw_ct_entry *e = &ct->e[i];
			if (e->used) {
				if (op == 3)
					vgw_ct_touch(ct, e, now - unit_rand() % 60);
				else if (unit_rand() % 2)
					vgw_ct_confirm(ct, e, now);
				else
					vgw_ct_delete(ct, e);
			}
		} else {
			for (uint32_t i = 0; i < CAP; i++)
				exp[i] = (uint32_t)vgw_ct_expires(ct, &ct->e[i]);
			uint32_t budget = op == 7 ? unit_rand() % 64 : unit_rand() % 400;
			uint32_t want[CAP], n_want = 0;
			for (uint32_t k = 0; k < budget && k < CAP; k++) {
				uint32_t i = cursor;
				cursor = i + 1 == CAP ? 0 : i + 1;
				if (now < exp[i] || exp[i] == UINT32_MAX)
					continue;
				want[n_want++] = i;
			}
			n_expired = 0;
			ASSERT_EQ(vgw_ct_age(ct, now, budget, note_expired, NULL), n_want);
			ASSERT_EQ(n_expired, n_want);
			for (uint32_t k = 0; k < n_want && k < n_expired; k++)
				ASSERT_EQ(expired_idx[k], want[k]);
			ASSERT_EQ(ct->age_cursor, cursor);
		}
	}
	vgw_ct_destroy(ct);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"a million flows: under 1% of keys in overflow buckets", test_overflow_1m},
		{"lookup and insert with the caller's hash", test_hashed},
		{"ageing by group bounds expires as a scan of every deadline", test_age_model},
	};
	return unit_eal_run("ct-index", tests, sizeof(tests) / sizeof(tests[0]));
}
