/* Maglev table construction: see maglev.h. */
#include "maglev.h"

#include <stdlib.h>

bool vgw_lb_is_prime(uint32_t m)
{
	if (m < 2)
		return false;
	if (m % 2 == 0)
		return m == 2;
	for (uint32_t d = 3; (uint64_t)d * d <= m; d += 2)
		if (m % d == 0)
			return false;
	return true;
}

static uint64_t mix64(uint64_t x)
{
	/* splitmix64 finaliser: the two permutation parameters must look
	 * independent even for keys that differ in one bit */
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

struct walker {
	uint32_t idx;    /* into the caller's array */
	uint64_t key;
	uint32_t weight;
	uint32_t offset; /* first preferred slot */
	uint32_t skip;   /* step through the slots, 1..m-1 */
	uint32_t next;   /* how far along its permutation it is */
	uint64_t filled;
};

static int by_key(const void *a, const void *b)
{
	const struct walker *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

int vgw_lb_maglev_build(const struct vgw_lb_maglev_backend *b, uint32_t n, uint32_t m,
			uint16_t *table)
{
	if (!vgw_lb_is_prime(m) || m > VGW_LB_MAGLEV_MAX_M || n > VGW_LB_MAGLEV_MAX_BACKENDS)
		return -1;
	for (uint32_t s = 0; s < m; s++)
		table[s] = VGW_LB_MAGLEV_NONE;
	struct walker *w = calloc(n ? n : 1, sizeof(*w));
	if (!w)
		return -1;
	uint32_t k = 0, wmax = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!b[i].weight)
			continue;
		w[k] = (struct walker){.idx = i, .key = b[i].key, .weight = b[i].weight};
		w[k].offset = (uint32_t)(mix64(b[i].key) % m);
		w[k].skip = (uint32_t)(mix64(b[i].key ^ 0x5bd1e9955bd1e995ull) % (m - 1)) + 1;
		if (b[i].weight > wmax)
			wmax = b[i].weight;
		k++;
	}
	/* key order, not argument order: the table depends on the set only */
	qsort(w, k, sizeof(*w), by_key);
	uint32_t free_slots = k ? m : 0;
	/* round r: backend j may hold floor(r * w_j / wmax) slots, so the
	 * heaviest claims one per round and the others in proportion */
	for (uint64_t r = 1; free_slots; r++) {
		for (uint32_t j = 0; j < k && free_slots; j++) {
			uint64_t quota = r * w[j].weight / wmax;
			while (w[j].filled < quota && free_slots) {
				uint32_t s;
				do { /* its next preferred slot that is still free */
					s = (uint32_t)((w[j].offset + (uint64_t)w[j].next * w[j].skip) % m);
					w[j].next++;
				} while (table[s] != VGW_LB_MAGLEV_NONE);
				table[s] = (uint16_t)w[j].idx;
				w[j].filled++;
				free_slots--;
			}
		}
	}
	free(w);
	return (int)k;
}

const struct vgw_siphash_key vgw_lb_maglev_default_key = {0x4d61676c65764b31ull, 0x7667772d64656621ull};

uint32_t vgw_lb_maglev_flow_hash(const struct vgw_siphash_key *key, uint32_t src, uint32_t dst,
				 uint16_t sport, uint16_t dport, uint8_t proto)
{
	/* a fixed byte layout, so that every node (any endianness) agrees */
	uint8_t b[13] = {
		(uint8_t)(src >> 24), (uint8_t)(src >> 16), (uint8_t)(src >> 8), (uint8_t)src,
		(uint8_t)(dst >> 24), (uint8_t)(dst >> 16), (uint8_t)(dst >> 8), (uint8_t)dst,
		(uint8_t)(sport >> 8), (uint8_t)sport, (uint8_t)(dport >> 8), (uint8_t)dport, proto,
	};
	uint64_t h = vgw_siphash24(key, b, sizeof(b));
	return (uint32_t)(h ^ (h >> 32));
}
