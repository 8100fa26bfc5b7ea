/* The first step of every received burst: classify, then bulk lookups, then
 * each packet in order. Runs on workers.
 *
 * Classify: a frame is "plain" when everything eth_input and ip4_input would
 * check passes on the first test — for our MAC, IPv4, a 20-byte header with
 * a good checksum and total length within the frame, a sane source, a
 * unicast destination. Anything else (ARP, broadcast, options, errors) takes
 * vgw_eth_input, the per-packet path, unchanged: that path is the reference
 * and the drop reasons stay its own.
 *
 * Bulk lookups: the EIP table is searched for the destination of every plain
 * frame with one rte_hash bulk call (it interleaves the bucket fetches of all
 * keys), which a lookup per packet cannot. When services exist, the
 * connection-table bucket of every plain TCP/UDP frame (its ORIG key, as if
 * it went to a VIP) is fetched during classification and the entry it
 * points to a few packets ahead of processing: with a million flows, each
 * lookup would otherwise wait for two cache misses in turn.
 *
 * In order: every packet then continues at vgw_ip4_dispatch with its lookup
 * result, in arrival order, so output order and counters are exactly those
 * of the per-packet path. The results stay valid for the whole burst: the
 * tables are RCU-published and the worker reports no quiescent state within
 * a burst. */
#include "dp.h"

#include <rte_prefetch.h>

#include "../lb/lb_worker.h"
#include "../lb/service.h"
#include "../net/cksum.h"
#include "../net/ip4.h"

/* Frames ahead whose first line is fetched before they are classified. */
#define PREFETCH_AHEAD 4
/* Packets ahead whose connection entry is fetched before they are processed
 * (their buckets were fetched during classification). */
#define ENTRY_AHEAD 4

/* Our MAC as the first 6 bytes of a little-endian 8-byte load. */
static inline uint64_t mac48(const void *p)
{
	uint32_t lo;
	uint16_t hi;
	memcpy(&lo, p, 4);
	memcpy(&hi, (const uint8_t *)p + 4, 2);
	return (uint64_t)hi << 32 | lo;
}

/* The destination of a plain frame (see above), or false. */
static inline bool plain(const struct rte_mbuf *m, uint64_t our_mac, uint32_t *dst)
{
	uint32_t len = rte_pktmbuf_data_len(m);
	if (len < VGW_ETH_HLEN + VGW_IP4_MIN_HDR)
		return false;
	const uint8_t *eh = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *ip = eh + VGW_ETH_HLEN;
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	if (mac48(eh) != our_mac || eh[12] != 0x08 || eh[13] != 0x00 || ip[0] != 0x45 ||
	    tl < VGW_IP4_MIN_HDR || tl > len - VGW_ETH_HLEN)
		return false;
	if (vgw_cksum_fold(vgw_cksum_partial(ip, VGW_IP4_MIN_HDR, 0)) != 0xffff)
		return false;
	*dst = vgw_ip4_dst(ip);
	return !vgw_ip4_src_martian(vgw_ip4_src(ip)) && !vgw_ip4_dst_not_unicast(*dst);
}

/* A plain TCP/UDP frame (not a fragment): its ORIG connection key's hash,
 * and its bucket fetched. */
static inline bool ct_prefetch(const struct vgw_ct *ct, const struct rte_mbuf *m, uint32_t dst,
			       uint32_t *hash)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, VGW_ETH_HLEN);
	uint16_t tl = (uint16_t)(ip[2] << 8 | ip[3]);
	if ((ip[9] != 6 && ip[9] != 17) || vgw_ip4_is_fragment(ip) || tl < VGW_IP4_MIN_HDR + 4)
		return false;
	const uint8_t *l4 = ip + VGW_IP4_MIN_HDR;
	struct vgw_ct_key k = {.src = vgw_ip4_src(ip), .dst = dst,
			       .sport = (uint16_t)(l4[0] << 8 | l4[1]),
			       .dport = (uint16_t)(l4[2] << 8 | l4[3]), .proto = ip[9]};
	*hash = vgw_ct_hash(&k);
	vgw_ct_prefetch_bucket(ct, *hash);
	return true;
}

void vgw_rx_burst(struct vgw_worker *w, uint16_t port, struct rte_mbuf **ms, uint16_t n)
{
	const struct vgw_rmap *eips = vgw_gw.vpc->eip_by_pub;
	uint64_t our_mac = mac48(&vgw_gw.ports[port].mac);
	uint8_t keys[VGW_BURST][VGW_RMAP_KEY_LEN];
	void *eip[VGW_BURST];
	uint8_t kidx[VGW_BURST]; /* packet i's key, or VGW_BURST if not plain */
	unsigned int nk = 0;
	const struct vgw_ct *ct = w->lb->ct;
	bool lb = vgw_lb.vip_addrs->n != 0;
	uint32_t cth[VGW_BURST];
	bool has_cth[VGW_BURST];

	for (uint16_t i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(ms[i], void *));
	for (uint16_t i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(ms[i + PREFETCH_AHEAD], void *));
		uint32_t dst;
		kidx[i] = VGW_BURST;
		has_cth[i] = false;
		if (likely(plain(ms[i], our_mac, &dst))) {
			vgw_rmap_key(&dst, sizeof(dst), keys[nk]);
			kidx[i] = (uint8_t)nk++;
			if (lb)
				has_cth[i] = ct_prefetch(ct, ms[i], dst, &cth[i]);
		}
	}
	/* an empty EIP table needs no lookup at all */
	if (eips->n)
		vgw_rmap_get_bulk(eips, (const uint8_t(*)[VGW_RMAP_KEY_LEN])keys, nk, eip);
	else
		memset(eip, 0, sizeof(eip[0]) * nk);

	if (lb)
		for (uint16_t i = 0; i < n && i < ENTRY_AHEAD; i++)
			if (has_cth[i])
				vgw_ct_prefetch_entry(ct, cth[i]);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = ms[i];
		if (lb && i + ENTRY_AHEAD < n && has_cth[i + ENTRY_AHEAD])
			vgw_ct_prefetch_entry(ct, cth[i + ENTRY_AHEAD]);
		if (unlikely(kidx[i] == VGW_BURST)) {
			vgw_eth_input(w, port, m);
			continue;
		}
		uint16_t tl = rte_be_to_cpu_16(
			rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, VGW_ETH_HLEN)
				->total_length);
		uint32_t avail = rte_pktmbuf_data_len(m) - VGW_ETH_HLEN;
		if (tl < avail) /* Ethernet padding must not travel on */
			rte_pktmbuf_trim(m, (uint16_t)(avail - tl));
		vgw_ip4_dispatch(w, port, m, VGW_IP4_MIN_HDR, tl, eip[kidx[i]]);
	}
}
