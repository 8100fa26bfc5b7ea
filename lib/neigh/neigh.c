/* Neighbour table and ARP handling on the slow path: see neigh.h. */
#include "neigh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include <linux/neighbour.h>

#include "../core/defer.h"
#include "../core/gw.h"
#include "../core/ratelog.h"
#include "../util/parse.h"

const char *vgw_neigh_state_name(uint8_t state)
{
	switch (state) {
	case VGW_NEIGH_INCOMPLETE: return "incomplete";
	case VGW_NEIGH_REACHABLE: return "reachable";
	case VGW_NEIGH_STALE: return "stale";
	case VGW_NEIGH_STATIC: return "static";
	case VGW_NEIGH_KERNEL: return "kernel";
	}
	return "?";
}

const char *vgw_neigh_nud_name(uint16_t nud)
{
	switch (nud) {
	case NUD_INCOMPLETE: return "incomplete";
	case NUD_REACHABLE: return "reachable";
	case NUD_STALE: return "stale";
	case NUD_DELAY: return "delay";
	case NUD_PROBE: return "probe";
	case NUD_FAILED: return "failed";
	case NUD_NOARP: return "noarp";
	case NUD_PERMANENT: return "permanent";
	case NUD_NONE: return "none";
	}
	return "?";
}

/* The kernel does ARP on this port (af-xdp): see "Kernel mode" in neigh.h. */
static bool kernel_port(uint16_t port)
{
	return vgw_port_kernel_neigh(&vgw_gw.ports[port]);
}

struct vgw_neigh_table *vgw_neigh_create(uint32_t cap, struct rte_rcu_qsbr *rcu,
					 const struct vgw_neigh_ops *ops, char *err)
{
	struct vgw_neigh_table *t = calloc(1, sizeof(*t));
	if (!t)
		goto nomem;
	t->cap = cap;
	t->reachable_ms = 30000;
	t->retrans_ms = 1000;
	t->max_probes = 3;
	t->queued_max = VGW_NEIGH_QUEUED_MAX;
	t->ops = *ops;
	static unsigned int seq;
	char name[RTE_HASH_NAMESIZE];
	snprintf(name, sizeof(name), "vgw_neigh%u", seq++);
	struct rte_hash_parameters hp = {
		.name = name,
		/* headroom: deleted keys stay allocated until their grace period */
		.entries = cap * 2 < 64 ? 64 : cap * 2,
		.key_len = sizeof(struct vgw_neigh_key),
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
		/* lock-free readers need RCU to reclaim key slots; without RCU
		 * (no concurrent readers, e.g. unit tests) slots free at once */
		.extra_flag = rcu ? RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF : 0,
	};
	t->h = rte_hash_create(&hp);
	if (!t->h) {
		snprintf(err, VGW_ERR_LEN, "cannot create the neighbour hash: %s",
			 rte_strerror(rte_errno));
		vgw_neigh_destroy(t);
		return NULL;
	}
	if (rcu) {
		struct rte_hash_rcu_config rc = {.v = rcu, .mode = RTE_HASH_QSBR_MODE_DQ};
		if (rte_hash_rcu_qsbr_add(t->h, &rc) != 0) {
			snprintf(err, VGW_ERR_LEN, "cannot attach RCU to the neighbour hash");
			vgw_neigh_destroy(t);
			return NULL;
		}
	}
	/* entries are indexed by our own allocator; released after a grace period */
	t->e = rte_zmalloc("vgw_neigh", sizeof(*t->e) * cap * 2, 64);
	t->free_idx = malloc(sizeof(uint32_t) * cap * 2);
	if (!t->e || !t->free_idx)
		goto nomem;
	for (uint32_t i = 0; i < cap * 2; i++)
		t->free_idx[i] = cap * 2 - 1 - i;
	t->n_free = cap * 2;
	return t;
nomem:
	snprintf(err, VGW_ERR_LEN, "out of memory for %u neighbours", cap);
	vgw_neigh_destroy(t);
	return NULL;
}

static void drop_queue(struct vgw_neigh_table *t, struct vgw_neigh *n, int counter)
{
	for (uint16_t i = 0; i < n->qlen; i++)
		rte_pktmbuf_free(n->q[i]);
	if (n->qlen && counter >= 0)
		t->ops.count(counter, n->qlen);
	t->queued -= n->qlen;
	n->qlen = 0;
}

void vgw_neigh_destroy(struct vgw_neigh_table *t)
{
	if (!t)
		return;
	if (t->e)
		for (uint32_t i = 0; i < t->cap * 2; i++)
			if (t->e[i].used)
				drop_queue(t, &t->e[i], -1);
	rte_hash_free(t->h);
	rte_free(t->e);
	free(t->free_idx);
	free(t);
}

static struct vgw_neigh_key key_of(uint32_t ip, uint16_t port)
{
	struct vgw_neigh_key k;
	memset(&k, 0, sizeof(k));
	k.ip = ip;
	k.port = port;
	return k;
}

struct vgw_neigh *vgw_neigh_find(struct vgw_neigh_table *t, uint32_t ip, uint16_t port)
{
	struct vgw_neigh_key k = key_of(ip, port);
	void *data;
	if (rte_hash_lookup_data(t->h, &k, &data) < 0)
		return NULL;
	return &t->e[(uintptr_t)data];
}

static uint64_t mac_word(const uint8_t mac[6])
{
	uint64_t w = 0;
	for (int i = 0; i < 6; i++)
		w = (w << 8) | mac[i];
	return w | VGW_NEIGH_MAC_VALID;
}

static struct vgw_neigh *create(struct vgw_neigh_table *t, uint32_t ip, uint16_t port)
{
	if (t->n >= t->cap || t->n_free == 0) {
		t->ops.count(VGW_NEIGH_SP(NEIGH_TABLE_FULL), 1);
		return NULL;
	}
	uint32_t idx = t->free_idx[t->n_free - 1];
	struct vgw_neigh *n = &t->e[idx];
	memset(n, 0, sizeof(*n));
	n->ip = ip;
	n->port = port;
	n->used = true;
	struct vgw_neigh_key k = key_of(ip, port);
	if (rte_hash_add_key_data(t->h, &k, (void *)(uintptr_t)idx) < 0) {
		n->used = false;
		t->ops.count(VGW_NEIGH_SP(NEIGH_TABLE_FULL), 1);
		return NULL;
	}
	t->n_free--;
	t->n++;
	return n;
}

static void release_idx(void *obj, uintptr_t idx)
{
	struct vgw_neigh_table *t = obj;
	t->free_idx[t->n_free++] = (uint32_t)idx;
}

static void destroy(struct vgw_neigh_table *t, struct vgw_neigh *n)
{
	struct vgw_neigh_key k = key_of(n->ip, n->port);
	atomic_store_explicit(&n->mac, 0, memory_order_release);
	drop_queue(t, n, VGW_NEIGH_SP(NEIGH_RESOLVE_FAILED));
	rte_hash_del_key(t->h, &k);
	n->used = false;
	t->n--;
	vgw_defer(release_idx, t, (uintptr_t)(n - t->e));
}

static void send_arp(struct vgw_neigh_table *t, uint16_t port, uint16_t op,
		     const uint8_t *eth_dst, const uint8_t *tha, uint32_t tpa, uint32_t spa,
		     int counter)
{
	/* the one place every ARP we send goes through: none on a port whose
	 * ARP belongs to the kernel, whoever asks */
	if (kernel_port(port))
		return;
	struct rte_mbuf *m = t->ops.alloc();
	if (!m)
		return;
	const struct vgw_port *p = &vgw_gw.ports[port];
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(d, eth_dst, 6);
	memcpy(d + 6, p->mac.addr_bytes, 6);
	d[12] = 0x08;
	d[13] = 0x06;
	struct vgw_neigh_arp a = {.op = op, .spa = spa, .tpa = tpa};
	memcpy(a.sha, p->mac.addr_bytes, 6);
	memcpy(a.tha, tha, 6);
	vgw_neigh_arp_build(d + 14, &a);
	m->data_len = m->pkt_len = 14 + VGW_NEIGH_ARP_LEN;
	t->ops.count(counter, 1);
	t->ops.tx(port, m);
}

/* Source address for requests about ip: our address on ip's subnet. */
static uint32_t source_for(uint16_t port, uint32_t ip)
{
	const struct vgw_port *p = &vgw_gw.ports[port];
	for (int a = 0; a < p->n_addrs; a++) {
		uint32_t m = vgw_prefix_mask(p->addrs[a].plen);
		if ((ip & m) == (p->addrs[a].ip & m))
			return p->addrs[a].ip;
	}
	return p->n_addrs ? p->addrs[0].ip : 0;
}

static void solicit(struct vgw_neigh_table *t, struct vgw_neigh *n, bool unicast)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t zero[6] = {0};
	uint8_t mac[6];
	vgw_neigh_mac_bytes(atomic_load_explicit(&n->mac, memory_order_relaxed), mac);
	send_arp(t, n->port, VGW_NEIGH_ARP_REQUEST, unicast ? mac : bcast, zero, n->ip,
		 source_for(n->port, n->ip), VGW_NEIGH_SP(ARP_REQUEST_TX));
}

/* Sends the packets waiting for n, now that its MAC is known. */
static void flush_queue(struct vgw_neigh_table *t, struct vgw_neigh *n)
{
	uint8_t mac[6];
	vgw_neigh_mac_bytes(atomic_load_explicit(&n->mac, memory_order_relaxed), mac);
	for (uint16_t i = 0; i < n->qlen; i++) {
		struct rte_mbuf *m = n->q[i];
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), mac, 6);
		t->ops.tx(n->port, m);
	}
	t->queued -= n->qlen;
	n->qlen = 0;
}

/* Kernel mode: asks the kernel about n; no new request before retrans_ms
 * (the tick retries pending entries, STALE reports re-ask at most that
 * often), so there is one outstanding request per neighbour. */
static void ask_kernel(struct vgw_neigh_table *t, struct vgw_neigh *n, uint64_t now_ms)
{
	n->asked = true;
	n->deadline_ms = now_ms + t->retrans_ms;
	if (t->ops.kernel_resolve)
		t->ops.kernel_resolve(n->port, n->ip);
}

void vgw_neigh_resolve(struct vgw_neigh_table *t, uint32_t ip, uint16_t port,
		       struct rte_mbuf *m, uint64_t now_ms)
{
	struct vgw_neigh *n = vgw_neigh_find(t, ip, port);
	if (!n) {
		n = create(t, ip, port);
		if (!n) {
			rte_pktmbuf_free(m);
			return;
		}
		n->state = VGW_NEIGH_INCOMPLETE;
		n->probes = 1;
		if (kernel_port(port)) {
			ask_kernel(t, n, now_ms);
		} else {
			n->deadline_ms = now_ms + t->retrans_ms;
			solicit(t, n, false);
		}
	}
	if (atomic_load_explicit(&n->mac, memory_order_relaxed) & VGW_NEIGH_MAC_VALID) {
		/* resolved while the packet sat in the punt ring; a kernel
		 * entry is now one vgwd forwards to: keep it confirmed */
		if (n->state == VGW_NEIGH_KERNEL)
			n->asked = true;
		n->q[0] = m;
		n->qlen = 1;
		t->queued++;
		flush_queue(t, n);
		return;
	}
	if (n->qlen == VGW_NEIGH_QLEN) {
		t->ops.count(VGW_NEIGH_SP(NEIGH_QUEUE_FULL), 1);
		rte_pktmbuf_free(m);
		return;
	}
	if (t->queued >= t->queued_max) {
		t->ops.count(VGW_NEIGH_SP(NEIGH_QUEUE_GLOBAL_FULL), 1);
		rte_pktmbuf_free(m);
		return;
	}
	n->q[n->qlen++] = m;
	t->queued++;
}

static bool is_port_addr(uint16_t port, uint32_t ip)
{
	const struct vgw_port *p = &vgw_gw.ports[port];
	for (int a = 0; a < p->n_addrs; a++)
		if (p->addrs[a].ip == ip)
			return true;
	return false;
}

static bool on_port_subnet(uint16_t port, uint32_t ip)
{
	const struct vgw_port *p = &vgw_gw.ports[port];
	for (int a = 0; a < p->n_addrs; a++) {
		uint32_t m = vgw_prefix_mask(p->addrs[a].plen);
		if ((ip & m) == (p->addrs[a].ip & m) && ip != p->addrs[a].ip)
			return true;
	}
	return false;
}

static void learn(struct vgw_neigh_table *t, struct vgw_neigh *n, const uint8_t mac[6],
		  uint64_t now_ms)
{
	atomic_store_explicit(&n->mac, mac_word(mac), memory_order_release);
	n->state = VGW_NEIGH_REACHABLE;
	n->probes = 0;
	n->verify = false;
	n->deadline_ms = now_ms + t->reachable_ms;
	flush_queue(t, n);
}

/* An ARP claimed another MAC for the REACHABLE entry n: probe the MAC it has
 * at once (unicast), as the tick does for STALE entries; the tick goes on
 * and fails the entry into a new resolution if nobody answers. */
static void verify(struct vgw_neigh_table *t, struct vgw_neigh *n, uint64_t now_ms)
{
	n->state = VGW_NEIGH_STALE;
	n->verify = true;
	n->probes = 1;
	n->deadline_ms = now_ms + t->retrans_ms;
	solicit(t, n, true);
}

/* The MAC of n failed verification: withdraw it and resolve by broadcast,
 * where the first reply to our request sets the MAC (arp.h rule 3). */
static void reresolve(struct vgw_neigh_table *t, struct vgw_neigh *n, uint64_t now_ms)
{
	atomic_store_explicit(&n->mac, 0, memory_order_release);
	n->state = VGW_NEIGH_INCOMPLETE;
	n->verify = false;
	n->probes = 1;
	n->deadline_ms = now_ms + t->retrans_ms;
	solicit(t, n, false);
}

static enum vgw_neigh_arp_entry entry_of(const struct vgw_neigh *n)
{
	if (!n)
		return VGW_NEIGH_ARP_ENTRY_NONE;
	switch (n->state) {
	case VGW_NEIGH_INCOMPLETE: return VGW_NEIGH_ARP_ENTRY_INCOMPLETE;
	case VGW_NEIGH_REACHABLE: return VGW_NEIGH_ARP_ENTRY_REACHABLE;
	case VGW_NEIGH_STALE: return VGW_NEIGH_ARP_ENTRY_STALE;
	}
	/* STATIC; KERNEL entries live on kernel ports, whose ARP never gets here */
	return VGW_NEIGH_ARP_ENTRY_STATIC;
}

void vgw_neigh_arp_input(struct vgw_neigh_table *t, uint16_t port, struct rte_mbuf *m,
			 uint64_t now_ms)
{
	struct vgw_neigh_arp a;
	t->ops.count(VGW_NEIGH_SP(ARP_RX), 1);
	if (kernel_port(port)) {
		/* the XDP program passes ARP to the kernel; one that reaches
		 * us anyway is neither answered nor learned from */
		t->ops.count(VGW_NEIGH_SP(ARP_KERNEL_PORT), 1);
		rte_pktmbuf_free(m);
		return;
	}
	const uint8_t *port_mac = vgw_gw.ports[port].mac.addr_bytes;
	const uint8_t *eth = rte_pktmbuf_mtod(m, const uint8_t *);
	/* a sender claiming our own MAC is a looped-back frame or a forgery:
	 * malformed for our purposes, like a multicast or zero sender MAC */
	if (rte_pktmbuf_data_len(m) < 14 ||
	    vgw_neigh_arp_parse(eth + 14, rte_pktmbuf_data_len(m) - 14, &a) < 0 ||
	    memcmp(a.sha, port_mac, 6) == 0) {
		t->ops.count(VGW_NEIGH_SP(ARP_BAD), 1);
		rte_pktmbuf_free(m);
		return;
	}
	/* proxy ARP: an address the data path answers for (an EIP or a VIP) on
	 * this port is treated like our own for the reply */
	bool own = is_port_addr(port, a.tpa);
	bool proxied = !own && t->ops.proxied && t->ops.proxied(port, a.tpa);
	bool target_is_us = own || proxied;
	/* RFC 5227 probes (sender 0.0.0.0) teach nothing; answer them if ours */
	if (a.spa != 0) {
		struct vgw_neigh *n = vgw_neigh_find(t, a.spa, port);
		uint8_t cur[6] = {0};
		if (n)
			vgw_neigh_mac_bytes(atomic_load_explicit(&n->mac, memory_order_relaxed), cur);
		/* a neighbour is a host address of the port's subnets that is
		 * neither the subnet's edge nor one the gateway answers for */
		bool connected = on_port_subnet(port, a.spa) && vgw_ip_subnet_edge(a.spa) < 0 &&
				 !(t->ops.proxied && t->ops.proxied(port, a.spa));
		struct vgw_neigh_arp_facts f = {
			.sender_connected = connected,
			.entry = entry_of(n),
			.mac_differs = n && memcmp(cur, a.sha, 6) != 0,
			.is_reply = a.op == VGW_NEIGH_ARP_REPLY,
			.to_our_request = own && memcmp(eth, port_mac, 6) == 0 &&
					  memcmp(a.tha, port_mac, 6) == 0,
			.target_is_us = target_is_us,
			.table_full = t->n >= t->cap,
		};
		switch (vgw_neigh_arp_learn_decide(&f)) {
		case VGW_NEIGH_ARP_IGN_NOT_CONNECTED:
			t->ops.count(VGW_NEIGH_SP(ARP_SENDER_NOT_CONNECTED), 1);
			rte_pktmbuf_free(m);
			return; /* not even answered: not a neighbour of this port */
		case VGW_NEIGH_ARP_IGN_STATIC:
			t->ops.count(VGW_NEIGH_SP(ARP_STATIC_PROTECTED), 1);
			break;
		case VGW_NEIGH_ARP_IGN_UNSOLICITED:
			t->ops.count(VGW_NEIGH_SP(ARP_UNSOLICITED_IGNORED), 1);
			break;
		case VGW_NEIGH_ARP_IGN_FULL:
			t->ops.count(VGW_NEIGH_SP(NEIGH_TABLE_FULL), 1);
			break;
		case VGW_NEIGH_ARP_IGN_NOT_OUR_REQUEST:
			t->ops.count(VGW_NEIGH_SP(ARP_INCOMPLETE_IGNORED), 1);
			break;
		case VGW_NEIGH_ARP_REFUSE_VERIFY:
			t->ops.count(VGW_NEIGH_SP(ARP_MAC_CHANGE_REFUSED), 1);
			verify(t, n, now_ms);
			break;
		case VGW_NEIGH_ARP_REFUSE_VERIFYING:
			t->ops.count(VGW_NEIGH_SP(ARP_MAC_CHANGE_REFUSED), 1);
			/* STALE by age: the claim makes a failure re-resolve at once */
			n->verify = true;
			break;
		case VGW_NEIGH_ARP_LEARN_REFRESH:
			if (n->verify)
				t->ops.count(VGW_NEIGH_SP(ARP_VERIFY_CONFIRMED), 1);
			learn(t, n, a.sha, now_ms);
			break;
		case VGW_NEIGH_ARP_LEARN_RESOLVED:
			learn(t, n, a.sha, now_ms);
			break;
		case VGW_NEIGH_ARP_LEARN_CREATE:
			n = create(t, a.spa, port);
			if (n)
				learn(t, n, a.sha, now_ms);
			break;
		case VGW_NEIGH_ARP_LEARN_NONE:
			break;
		}
	}
	if (a.op == VGW_NEIGH_ARP_REQUEST && target_is_us)
		send_arp(t, port, VGW_NEIGH_ARP_REPLY, a.sha, a.sha, a.spa, a.tpa,
			 proxied ? VGW_NEIGH_SP(ARP_PROXY_REPLY_TX) : VGW_NEIGH_SP(ARP_REPLY_TX));
	rte_pktmbuf_free(m);
}

void vgw_neigh_announce(struct vgw_neigh_table *t, uint16_t port, uint32_t ip)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, zero[6];
	if (kernel_port(port))
		return; /* the kernel owns the interface's ARP, announcements included */
	/* RFC 5227 ARP announcement: a request with sender = target = ip */
	send_arp(t, port, VGW_NEIGH_ARP_REQUEST, bcast, zero, ip, ip,
		 VGW_NEIGH_SP(ARP_GRATUITOUS_TX));
}

/* A next hop that stopped answering (or never did): one line each, at most
 * VGW_RATELOG_PER_S a second (a scan of a subnet fails thousands at once);
 * the packets dropped with it count as neigh_resolve_failed. */
static void log_failed(const struct vgw_neigh *n, uint64_t now_ms)
{
	static struct vgw_ratelog r = {.what = "neighbour",
				       .type = &vgw_logtype_neigh,
				       .type_name = "vgw.neigh"};
	char ip[VGW_IP4_STRLEN], line[160];
	snprintf(line, sizeof(line), "%s on port %s did not answer %u ARP requests (%s): removed, "
		 "%u queued packets dropped", vgw_ip4_str(n->ip, ip), vgw_gw.ports[n->port].name,
		 n->probes, n->state == VGW_NEIGH_INCOMPLETE ? "unresolved" : "was reachable",
		 (unsigned int)n->qlen);
	vgw_ratelog_at(&r, now_ms / 1000, RTE_LOG_WARNING, line);
}

void vgw_neigh_tick(struct vgw_neigh_table *t, uint64_t now_ms)
{
	for (uint32_t i = 0; i < t->cap * 2; i++) {
		struct vgw_neigh *n = &t->e[i];
		/* KERNEL entries are aged by the kernel, not here */
		if (!n->used || n->state == VGW_NEIGH_STATIC || n->state == VGW_NEIGH_KERNEL ||
		    now_ms < n->deadline_ms)
			continue;
		switch (n->state) {
		case VGW_NEIGH_REACHABLE:
			/* unconfirmed for reachable_ms: keep forwarding, start probing */
			n->state = VGW_NEIGH_STALE;
			n->probes = 0;
			/* fall through */
		case VGW_NEIGH_STALE:
		case VGW_NEIGH_INCOMPLETE:
			if (n->probes >= t->max_probes && n->verify) {
				/* the old MAC did not answer: someone else may own the
				 * address now; ask everyone */
				t->ops.count(VGW_NEIGH_SP(ARP_VERIFY_FAILED), 1);
				reresolve(t, n, now_ms);
				break;
			}
			if (n->probes >= t->max_probes) {
				log_failed(n, now_ms);
				destroy(t, n);
				break;
			}
			n->probes++;
			if (kernel_port(n->port)) {
				ask_kernel(t, n, now_ms); /* only INCOMPLETE here */
				break;
			}
			n->deadline_ms = now_ms + t->retrans_ms;
			solicit(t, n, n->state == VGW_NEIGH_STALE);
			break;
		}
	}
}

void vgw_neigh_kernel_update(struct vgw_neigh_table *t, uint16_t port, uint32_t ip, bool del,
			     uint16_t nud, const uint8_t *mac, uint64_t now_ms)
{
	if (port >= vgw_gw.n_ports || !kernel_port(port)) {
		t->ops.count(VGW_NEIGH_SP(KNEIGH_OTHER_IF), 1);
		return;
	}
	/* the kernel's interface may hold more subnets than the port; only a
	 * neighbour address vgwd could use as a next hop makes an entry */
	if (!on_port_subnet(port, ip) || vgw_ip_subnet_edge(ip) >= 0) {
		t->ops.count(VGW_NEIGH_SP(KNEIGH_NOT_CONNECTED), 1);
		return;
	}
	struct vgw_neigh *n = vgw_neigh_find(t, ip, port);
	if (n && n->state == VGW_NEIGH_STATIC) {
		t->ops.count(VGW_NEIGH_SP(KNEIGH_STATIC_PROTECTED), 1);
		return;
	}
	if (del || !mac) {
		if (n && n->state == VGW_NEIGH_KERNEL) {
			destroy(t, n);
			t->ops.count(VGW_NEIGH_SP(KNEIGH_DELETE), 1);
			return;
		}
		/* unknown to us, or our INCOMPLETE entry: the kernel may still be
		 * resolving, or this reports an earlier attempt; the tick bounds
		 * the wait either way */
		t->ops.count(VGW_NEIGH_SP(KNEIGH_UNRESOLVED), 1);
		return;
	}
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		t->ops.count(VGW_NEIGH_SP(KNEIGH_BAD_MAC), 1);
		return;
	}
	if (!n) {
		n = create(t, ip, port); /* counts neigh_table_full */
		if (!n)
			return;
	}
	atomic_store_explicit(&n->mac, mac_word(mac), memory_order_release);
	n->state = VGW_NEIGH_KERNEL;
	n->nud = nud;
	n->kgen = t->kgen;
	n->probes = 0;
	t->ops.count(VGW_NEIGH_SP(KNEIGH_UPDATE), 1);
	flush_queue(t, n); /* what waited for the kernel's answer */
	if (nud == NUD_STALE && n->asked && now_ms >= n->deadline_ms) {
		t->ops.count(VGW_NEIGH_SP(KNEIGH_STALE_REFRESH), 1);
		ask_kernel(t, n, now_ms);
	}
}

void vgw_neigh_kernel_resync_begin(struct vgw_neigh_table *t)
{
	t->kgen++;
}

uint32_t vgw_neigh_kernel_sweep(struct vgw_neigh_table *t)
{
	uint32_t swept = 0;
	for (uint32_t i = 0; i < t->cap * 2; i++) {
		struct vgw_neigh *n = &t->e[i];
		if (n->used && n->state == VGW_NEIGH_KERNEL && n->kgen != t->kgen) {
			destroy(t, n);
			swept++;
		}
	}
	if (swept)
		t->ops.count(VGW_NEIGH_SP(KNEIGH_SWEPT), swept);
	return swept;
}

int vgw_neigh_add_static(struct vgw_neigh_table *t, uint32_t ip, const uint8_t mac[6],
			 char *err)
{
	char s[VGW_IP4_STRLEN];
	int port = vgw_port_connected(ip, NULL);
	if (port < 0) {
		snprintf(err, VGW_ERR_LEN, "%s is not on a connected subnet", vgw_ip4_str(ip, s));
		return -1;
	}
	if (!on_port_subnet((uint16_t)port, ip)) {
		snprintf(err, VGW_ERR_LEN, "%s is an address of port %s", vgw_ip4_str(ip, s),
			 vgw_gw.ports[port].name);
		return -1;
	}
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		snprintf(err, VGW_ERR_LEN, "a neighbour MAC must be unicast and non-zero");
		return -1;
	}
	struct vgw_neigh *n = vgw_neigh_find(t, ip, (uint16_t)port);
	if (!n) {
		if (t->n >= t->cap) {
			snprintf(err, VGW_ERR_LEN, "neighbour table full (%u entries)", t->cap);
			return -1;
		}
		n = create(t, ip, (uint16_t)port);
		if (!n) {
			snprintf(err, VGW_ERR_LEN, "neighbour table full");
			return -1;
		}
	}
	atomic_store_explicit(&n->mac, mac_word(mac), memory_order_release);
	n->state = VGW_NEIGH_STATIC;
	flush_queue(t, n);
	return 0;
}

int vgw_neigh_del(struct vgw_neigh_table *t, uint32_t ip, char *err)
{
	char s[VGW_IP4_STRLEN];
	int port = vgw_port_connected(ip, NULL);
	struct vgw_neigh *n = port < 0 ? NULL : vgw_neigh_find(t, ip, (uint16_t)port);
	if (!n) {
		snprintf(err, VGW_ERR_LEN, "no neighbour %s", vgw_ip4_str(ip, s));
		return -1;
	}
	destroy(t, n);
	return 0;
}

void vgw_neigh_set_kernel_resolve(struct vgw_neigh_table *t,
				  void (*fn)(uint16_t port, uint32_t ip))
{
	t->ops.kernel_resolve = fn;
}
