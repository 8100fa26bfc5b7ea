/* Tenant VPC tables: see vpc.h. */
#include "vpc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../addr/pubaddr.h"
#include "../core/defer.h"
#include "../core/gw.h"
#include "../net/ip4.h"
#include "../util/parse.h"

struct vgw_vpc_tables *vgw_vpc_create(uint32_t max_endpoints, uint32_t max_eips,
				      struct rte_rcu_qsbr *rcu, char *err)
{
	static unsigned int seq; /* rte_hash names are process-wide */
	struct vgw_vpc_tables *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return NULL;
	}
	char n[5][32];
	const char *what[5] = {"vpc", "ep", "hv", "eip", "eipp"};
	for (int i = 0; i < 5; i++)
		snprintf(n[i], sizeof(n[i]), "vgw_%s%u", what[i], seq);
	seq++;
	t->vpc_by_vni = vgw_rmap_create(n[0], sizeof(uint32_t), VGW_VPC_MAX, rcu, err);
	if (t->vpc_by_vni)
		t->endpoints = vgw_rmap_create(n[1], sizeof(struct vgw_vpc_key), max_endpoints,
					       rcu, err);
	if (t->endpoints)
		/* one more than endpoints: a move adds the new hypervisor
		 * before it releases the old one */
		t->hvs = vgw_rmap_create(n[2], sizeof(uint32_t), max_endpoints + 1, rcu, err);
	if (t->hvs)
		t->eip_by_pub = vgw_rmap_create(n[3], sizeof(uint32_t), max_eips, rcu, err);
	if (t->eip_by_pub)
		t->eip_by_priv = vgw_rmap_create(n[4], sizeof(struct vgw_vpc_key), max_eips,
						 rcu, err);
	if (!t->eip_by_priv) {
		vgw_vpc_destroy(t);
		return NULL;
	}
	return t;
}

static void free_all(struct vgw_rmap *m)
{
	uint32_t it = 0;
	const void *k;
	void *o;
	while (m && vgw_rmap_next(m, &it, &k, &o))
		free(o);
}

void vgw_vpc_destroy(struct vgw_vpc_tables *t)
{
	if (!t)
		return;
	/* the addresses go with the tables (the registry keeps no stale EIP) */
	uint32_t it = 0;
	const void *k;
	void *o;
	while (t->eip_by_pub && vgw_rmap_next(t->eip_by_pub, &it, &k, &o))
		vgw_pubaddr_del(*(const uint32_t *)k, VGW_PUBADDR_EIP);
	free_all(t->vpc_by_vni);
	free_all(t->endpoints);
	free_all(t->hvs);
	free_all(t->eip_by_pub); /* eip_by_priv holds the same objects */
	vgw_rmap_destroy(t->vpc_by_vni);
	vgw_rmap_destroy(t->endpoints);
	vgw_rmap_destroy(t->hvs);
	vgw_rmap_destroy(t->eip_by_pub);
	vgw_rmap_destroy(t->eip_by_priv);
	free(t);
}

/* ---- validation helpers ---- */

static int check_name(const char *name, char *err)
{
	size_t len = strlen(name);
	if (len == 0 || len >= VGW_VPC_NAME_LEN || !isalpha((unsigned char)name[0])) {
		snprintf(err, VGW_ERR_LEN,
			 "invalid VPC name '%s': 1-%d characters, starting with a letter", name,
			 VGW_VPC_NAME_LEN - 1);
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("-_.", name[i])) {
			snprintf(err, VGW_ERR_LEN,
				 "invalid VPC name '%s': letters, digits, '-', '_' and '.' only",
				 name);
			return -1;
		}
	return 0;
}

static int check_unicast_mac(const uint8_t mac[6], const char *what, char *err)
{
	static const uint8_t zero[6];
	if ((mac[0] & 1) || memcmp(mac, zero, 6) == 0) {
		char b[VGW_MAC_STRLEN];
		snprintf(err, VGW_ERR_LEN, "%s %s is not a unicast MAC", what, vgw_mac_str(mac, b));
		return -1;
	}
	return 0;
}

/* A host address: not 0/8, loopback, multicast, class E or broadcast. */
static int check_host_ip(uint32_t ip, const char *what, char *err)
{
	if (vgw_ip4_src_martian(ip) || vgw_ip4_dst_not_unicast(ip)) {
		char b[VGW_IP4_STRLEN];
		snprintf(err, VGW_ERR_LEN, "%s %s is not a unicast host address", what,
			 vgw_ip4_str(ip, b));
		return -1;
	}
	return 0;
}

/* The network or broadcast address of a subnet of ours cannot be a host. */
static int check_not_subnet_edge(uint32_t ip, const char *what, char *err)
{
	int p = vgw_ip_subnet_edge(ip);
	if (p >= 0) {
		char b[VGW_IP4_STRLEN];
		snprintf(err, VGW_ERR_LEN, "%s %s is the network or broadcast address of port %s's subnet",
			 what, vgw_ip4_str(ip, b), vgw_gw.ports[p].name);
		return -1;
	}
	return 0;
}

static const struct vgw_vpc *need_vpc(const struct vgw_vpc_tables *t, const char *name,
				      char *err)
{
	const struct vgw_vpc *v = vgw_vpc_by_name(t, name);
	if (!v)
		snprintf(err, VGW_ERR_LEN, "no VPC named '%s'", name);
	return v;
}

/* ---- VPCs ---- */

const struct vgw_vpc *vgw_vpc_by_name(const struct vgw_vpc_tables *t, const char *name)
{
	uint32_t it = 0;
	const void *k;
	void *o;
	while (vgw_rmap_next(t->vpc_by_vni, &it, &k, &o))
		if (strcmp(((const struct vgw_vpc *)o)->name, name) == 0)
			return o;
	return NULL;
}

const struct vgw_vpc *vgw_vpc_by_vni(const struct vgw_vpc_tables *t, uint32_t vni)
{
	return vgw_rmap_get(t->vpc_by_vni, &vni);
}

void vgw_vpc_default_mac(uint32_t vni, uint8_t mac[6])
{
	/* locally administered unicast, "vg" then the VNI: unique per VPC */
	mac[0] = 0x02;
	mac[1] = 0x76;
	mac[2] = 0x67;
	mac[3] = (uint8_t)(vni >> 16);
	mac[4] = (uint8_t)(vni >> 8);
	mac[5] = (uint8_t)vni;
}

int vgw_vpc_add(struct vgw_vpc_tables *t, const char *name, uint32_t vni,
		const uint8_t *gw_mac, char *err)
{
	if (check_name(name, err) < 0)
		return -1;
	if (vni < VGW_VPC_VNI_MIN || vni > VGW_VPC_VNI_LIMIT) {
		snprintf(err, VGW_ERR_LEN, "VNI %u out of range %u-%u", vni, VGW_VPC_VNI_MIN,
			 VGW_VPC_VNI_LIMIT);
		return -1;
	}
	if (gw_mac && check_unicast_mac(gw_mac, "gateway-mac", err) < 0)
		return -1;
	if (vgw_vpc_by_name(t, name)) {
		snprintf(err, VGW_ERR_LEN, "VPC '%s' already exists", name);
		return -1;
	}
	const struct vgw_vpc *other = vgw_vpc_by_vni(t, vni);
	if (other) {
		snprintf(err, VGW_ERR_LEN, "VNI %u is already used by VPC '%s'", vni, other->name);
		return -1;
	}
	struct vgw_vpc *v = calloc(1, sizeof(*v));
	if (!v) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->vni = vni;
	if (gw_mac)
		memcpy(v->gw_mac, gw_mac, 6);
	else
		vgw_vpc_default_mac(vni, v->gw_mac);
	void *old;
	if (vgw_rmap_set(t->vpc_by_vni, &vni, v, &old, err) < 0) {
		free(v);
		return -1;
	}
	return 0;
}

void vgw_vpc_usage(const struct vgw_vpc_tables *t, uint32_t vni, uint32_t *endpoints,
		   uint32_t *eips)
{
	uint32_t it = 0;
	const void *k;
	void *o;
	*endpoints = *eips = 0;
	while (vgw_rmap_next(t->endpoints, &it, &k, &o))
		*endpoints += ((const struct vgw_vpc_endpoint *)o)->vni == vni;
	it = 0;
	while (vgw_rmap_next(t->eip_by_pub, &it, &k, &o))
		*eips += ((const struct vgw_vpc_eip *)o)->vni == vni;
}

int vgw_vpc_del(struct vgw_vpc_tables *t, const char *name, char *err)
{
	const struct vgw_vpc *v = need_vpc(t, name, err);
	if (!v)
		return -1;
	uint32_t n_ep, n_eip, n_be = v->holds;
	vgw_vpc_usage(t, v->vni, &n_ep, &n_eip);
	if (n_ep || n_eip || n_be) {
		snprintf(err, VGW_ERR_LEN,
			 "VPC '%s' is in use by %u endpoint(s), %u EIP(s) and %u backend(s) or "
			 "SNAT binding(s)",
			 name, n_ep, n_eip, n_be);
		return -1;
	}
	uint32_t vni = v->vni;
	vgw_defer_free(vgw_rmap_del(t->vpc_by_vni, &vni));
	return 0;
}

int vgw_vpc_hold(struct vgw_vpc_tables *t, uint32_t vni)
{
	struct vgw_vpc *v = t ? vgw_rmap_get(t->vpc_by_vni, &vni) : NULL;
	if (!v)
		return -1;
	v->holds++; /* a field no worker reads: see vpc.h */
	return 0;
}

void vgw_vpc_release(struct vgw_vpc_tables *t, uint32_t vni)
{
	struct vgw_vpc *v = t ? vgw_rmap_get(t->vpc_by_vni, &vni) : NULL;
	if (v && v->holds)
		v->holds--;
}

/* ---- the gateway's VTEP ---- */

int vgw_vpc_vtep_add(struct vgw_vpc_tables *t, uint32_t ip, uint16_t udp_port, char *err)
{
	char b[VGW_IP4_STRLEN];
	uint32_t cur;
	uint16_t cur_port;
	vgw_vpc_vtep_get(t, &cur, &cur_port);
	if (cur) {
		snprintf(err, VGW_ERR_LEN, "a VTEP is already configured (%s udp-port %u); "
			 "'vtep del' first", vgw_ip4_str(cur, b), cur_port);
		return -1;
	}
	if (udp_port == 0) {
		snprintf(err, VGW_ERR_LEN, "UDP port 0 is not valid");
		return -1;
	}
	bool found = false;
	for (int p = 0; p < vgw_gw.n_ports && !found; p++) {
		if (vgw_gw.ports[p].role != VGW_ROLE_UNDERLAY)
			continue;
		for (int a = 0; a < vgw_gw.ports[p].n_addrs; a++)
			found |= vgw_gw.ports[p].addrs[a].ip == ip;
	}
	if (!found) {
		snprintf(err, VGW_ERR_LEN, "%s is not an address of an underlay port",
			 vgw_ip4_str(ip, b));
		return -1;
	}
	atomic_store_explicit(&t->vtep, (uint64_t)udp_port << 32 | ip, memory_order_release);
	return 0;
}

int vgw_vpc_vtep_del(struct vgw_vpc_tables *t, char *err)
{
	if (!atomic_load_explicit(&t->vtep, memory_order_relaxed)) {
		snprintf(err, VGW_ERR_LEN, "no VTEP is configured");
		return -1;
	}
	atomic_store_explicit(&t->vtep, 0, memory_order_release);
	return 0;
}

/* ---- endpoints ---- */

static void hv_unref(struct vgw_vpc_tables *t, uint32_t ip)
{
	struct vgw_vpc_hv *h = vgw_rmap_get(t->hvs, &ip);
	if (h && --h->refs == 0)
		vgw_defer_free(vgw_rmap_del(t->hvs, &ip));
}

int vgw_vpc_endpoint_set(struct vgw_vpc_tables *t, const char *vpc, uint32_t ip,
			 const uint8_t mac[6], uint32_t vtep, bool replace, char *err)
{
	const struct vgw_vpc *v = need_vpc(t, vpc, err);
	if (!v || check_host_ip(ip, "endpoint address", err) < 0 ||
	    check_unicast_mac(mac, "endpoint MAC", err) < 0 ||
	    check_host_ip(vtep, "hypervisor VTEP", err) < 0 ||
	    check_not_subnet_edge(vtep, "hypervisor VTEP", err) < 0)
		return -1;
	char b[VGW_IP4_STRLEN];
	if (vgw_ip_is_local(vtep)) {
		snprintf(err, VGW_ERR_LEN, "hypervisor VTEP %s is an address of this gateway",
			 vgw_ip4_str(vtep, b));
		return -1;
	}
	struct vgw_vpc_key key = {.vni = v->vni, .ip = ip};
	const struct vgw_vpc_endpoint *cur = vgw_rmap_get(t->endpoints, &key);
	if (cur && !replace) {
		snprintf(err, VGW_ERR_LEN,
			 "endpoint %s in VPC '%s' exists; 'endpoint replace' moves it",
			 vgw_ip4_str(ip, b), vpc);
		return -1;
	}
	if (!cur && t->endpoints->n >= t->endpoints->cap) {
		snprintf(err, VGW_ERR_LEN, "endpoint table full (%u entries)", t->endpoints->cap);
		return -1;
	}
	/* the hypervisor entry first, so workers accept the VTEP as soon as the
	 * endpoint naming it is visible */
	struct vgw_vpc_hv *h = vgw_rmap_get(t->hvs, &vtep);
	struct vgw_vpc_hv *new_h = NULL;
	if (!h) {
		new_h = calloc(1, sizeof(*new_h));
		if (!new_h) {
			snprintf(err, VGW_ERR_LEN, "out of memory");
			return -1;
		}
		new_h->ip = vtep;
		void *old;
		if (vgw_rmap_set(t->hvs, &vtep, new_h, &old, err) < 0) {
			free(new_h);
			return -1;
		}
		h = new_h;
	}
	struct vgw_vpc_endpoint *e = calloc(1, sizeof(*e));
	if (!e) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		if (new_h)
			vgw_defer_free(vgw_rmap_del(t->hvs, &vtep));
		return -1;
	}
	*e = (struct vgw_vpc_endpoint){.vni = v->vni, .ip = ip, .vtep = vtep};
	memcpy(e->mac, mac, 6);
	void *old;
	if (vgw_rmap_set(t->endpoints, &key, e, &old, err) < 0) {
		free(e);
		if (new_h)
			vgw_defer_free(vgw_rmap_del(t->hvs, &vtep));
		return -1;
	}
	h->refs++;
	if (old) { /* a move: the previous hypervisor loses one endpoint */
		hv_unref(t, ((const struct vgw_vpc_endpoint *)old)->vtep);
		vgw_defer_free(old);
	}
	return 0;
}

int vgw_vpc_endpoint_del(struct vgw_vpc_tables *t, const char *vpc, uint32_t ip, char *err)
{
	const struct vgw_vpc *v = need_vpc(t, vpc, err);
	if (!v)
		return -1;
	struct vgw_vpc_key key = {.vni = v->vni, .ip = ip};
	struct vgw_vpc_endpoint *e = vgw_rmap_del(t->endpoints, &key);
	if (!e) {
		char b[VGW_IP4_STRLEN];
		snprintf(err, VGW_ERR_LEN, "no endpoint %s in VPC '%s'", vgw_ip4_str(ip, b), vpc);
		return -1;
	}
	hv_unref(t, e->vtep);
	vgw_defer_free(e);
	return 0;
}

/* ---- elastic IPs ---- */

int vgw_vpc_eip_add(struct vgw_vpc_tables *t, uint32_t eip, const char *vpc, uint32_t ip, char *err)
{
	char b[VGW_IP4_STRLEN], b2[VGW_IP4_STRLEN];
	if (vgw_pubaddr_check(eip, VGW_PUBADDR_EIP, err) < 0)
		return -1;
	const struct vgw_vpc_eip *cur = vgw_rmap_get(t->eip_by_pub, &eip);
	if (cur) {
		const struct vgw_vpc *cv = vgw_vpc_by_vni(t, cur->vni);
		snprintf(err, VGW_ERR_LEN, "EIP %s already maps to %s in VPC '%s'",
			 vgw_ip4_str(eip, b), vgw_ip4_str(cur->ip, b2), cv ? cv->name : "?");
		return -1;
	}
	const struct vgw_vpc *v = need_vpc(t, vpc, err);
	if (!v || check_host_ip(ip, "private address", err) < 0)
		return -1;
	struct vgw_vpc_key key = {.vni = v->vni, .ip = ip};
	cur = vgw_rmap_get(t->eip_by_priv, &key);
	if (cur) {
		snprintf(err, VGW_ERR_LEN, "%s in VPC '%s' already has EIP %s",
			 vgw_ip4_str(ip, b), vpc, vgw_ip4_str(cur->eip, b2));
		return -1;
	}
	if (t->eip_by_pub->n >= t->eip_by_pub->cap) {
		snprintf(err, VGW_ERR_LEN, "EIP table full (%u entries)", t->eip_by_pub->cap);
		return -1;
	}
	struct vgw_vpc_eip *e = malloc(sizeof(*e));
	if (!e) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	*e = (struct vgw_vpc_eip){.eip = eip, .vni = v->vni, .ip = ip};
	/* the registry first (validated above, so only memory can fail it), then
	 * what workers see; every failure below undoes the registration */
	if (vgw_pubaddr_add(eip, VGW_PUBADDR_EIP, v->vni, err) < 0) {
		free(e);
		return -1;
	}
	void *old;
	/* private side first: a reply must never find a half-made mapping gone */
	if (vgw_rmap_set(t->eip_by_priv, &key, e, &old, err) < 0) {
		vgw_pubaddr_del(eip, VGW_PUBADDR_EIP);
		free(e);
		return -1;
	}
	if (vgw_rmap_set(t->eip_by_pub, &eip, e, &old, err) < 0) {
		vgw_rmap_del(t->eip_by_priv, &key);
		vgw_pubaddr_del(eip, VGW_PUBADDR_EIP);
		vgw_defer_free(e);
		return -1;
	}
	return 0;
}

int vgw_vpc_eip_del(struct vgw_vpc_tables *t, uint32_t eip, char *err)
{
	struct vgw_vpc_eip *e = vgw_rmap_del(t->eip_by_pub, &eip);
	if (!e) {
		char b[VGW_IP4_STRLEN];
		snprintf(err, VGW_ERR_LEN, "no EIP %s", vgw_ip4_str(eip, b));
		return -1;
	}
	struct vgw_vpc_key key = {.vni = e->vni, .ip = e->ip};
	vgw_rmap_del(t->eip_by_priv, &key);
	vgw_pubaddr_del(eip, VGW_PUBADDR_EIP);
	vgw_defer_free(e);
	return 0;
}
