/* L4 services and their backends: see service.h. */
#include "service.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../addr/pubaddr.h"
#include "../core/defer.h"
#include "../core/gw.h"
#include "../net/ip4.h"
#include "../util/parse.h"
#include "../vpc/vpc.h"
#include "../vpc/vpc_dp.h"
#include "health.h"
#include "lb_dp.h"
#include "ct_worker.h"
#include "maglev.h"

struct vgw_lb vgw_lb;

/* What marker maps point at: only presence matters. */
static char marker;

int vgw_lb_init(struct rte_rcu_qsbr *rcu, char *err)
{
	static unsigned int seq; /* rte_hash names are process-wide */
	char name[32];
	snprintf(name, sizeof(name), "vgw_svc%u", seq++);
	memset(&vgw_lb, 0, sizeof(vgw_lb));
	vgw_lb.svc = calloc(VGW_LB_SVC_MAX, sizeof(*vgw_lb.svc));
	if (!vgw_lb.svc) {
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	vgw_lb.by_vip = vgw_rmap_create(name, sizeof(struct vgw_lb_svc_key), VGW_LB_SVC_MAX, rcu,
					err);
	snprintf(name, sizeof(name), "vgw_vipa%u", seq);
	if (vgw_lb.by_vip)
		vgw_lb.vip_addrs = vgw_rmap_create(name, sizeof(uint32_t), VGW_LB_SVC_MAX, rcu,
						   err);
	snprintf(name, sizeof(name), "vgw_bep%u", seq);
	if (vgw_lb.vip_addrs)
		vgw_lb.be_ports = vgw_rmap_create(name, sizeof(struct vgw_vpc_port_key), VGW_LB_BACKEND_IDS,
						  rcu, err);
	if (!vgw_lb.be_ports) {
		vgw_lb_fini();
		return -1;
	}
	/* what vxlan-in must not take for a VM's own traffic: a backend's reply
	 * goes to the lb stage, a health check's answer (to a VIP, from the
	 * backend's port) up to the checker (health.h) */
	vgw_vpc_claim_set(&(struct vgw_vpc_claim){
		.ports = vgw_lb.be_ports,
		.answer_addrs = vgw_lb.vip_addrs,
		.stage = VGW_STAGE_LB,
		.kind = VGW_LB_REPLY,
		.answer_port = VGW_LB_HC_SPORT_BASE,
		.answer_ports = VGW_LB_HC_SPORT_N,
		.answer_punt = VGW_PUNT_HEALTH,
		.answer_drop = VGW_LB_DROP(HEALTH_NOT_PROBE_ANSWER),
	});
	return 0;
}

/* Publishes or withdraws the marker of key in m: set when used. A full map
 * cannot happen (sized for every service / backend id). */
static void marker_sync(struct vgw_rmap *m, const void *key, bool used)
{
	char err[VGW_ERR_LEN];
	void *old;
	if (used)
		vgw_rmap_set(m, key, &marker, &old, err);
	else
		vgw_rmap_del(m, key);
}

/* The worker-side VIP marker follows the registry, which counts the
 * services sharing the address. */
static void sync_vip(uint32_t vip)
{
	marker_sync(vgw_lb.vip_addrs, &vip, vgw_pubaddr_is(vip, VGW_PUBADDR_VIP));
}

static void sync_backend(uint32_t vni, uint32_t ip, uint16_t port, uint8_t proto)
{
	bool used = false;
	for (int i = 0; i < VGW_LB_SVC_MAX && !used; i++) {
		const struct vgw_lb_service_cfg *s = &vgw_lb.svc[i];
		for (uint16_t b = 0; s->used && s->key.proto == proto && b < s->n_backends; b++)
			used |= s->be[b].vni == vni && s->be[b].ip == ip && s->be[b].port == port;
	}
	struct vgw_vpc_port_key k = {.vni = vni, .ip = ip, .port = port, .proto = proto};
	marker_sync(vgw_lb.be_ports, &k, used);
}

void vgw_lb_fini(void)
{
	vgw_vpc_claim_set(NULL); /* before its maps go */
	for (int i = 0; vgw_lb.svc && i < VGW_LB_SVC_MAX; i++) {
		const struct vgw_lb_service_cfg *s = &vgw_lb.svc[i];
		/* what the services held elsewhere goes with them */
		if (s->used)
			vgw_pubaddr_del(s->key.vip, VGW_PUBADDR_VIP);
		for (uint16_t b = 0; s->used && vgw_vpc_main && b < s->n_backends; b++)
			vgw_vpc_release(vgw_vpc_main, s->be[b].vni);
		free((void *)s->pub);
	}
	vgw_rmap_destroy(vgw_lb.by_vip);
	vgw_rmap_destroy(vgw_lb.vip_addrs);
	vgw_rmap_destroy(vgw_lb.be_ports);
	free(vgw_lb.svc);
	memset(&vgw_lb, 0, sizeof(vgw_lb));
}

const char *vgw_lb_be_admin_name(uint8_t a)
{
	return a == VGW_LB_BE_UP ? "up" : a == VGW_LB_BE_DOWN ? "down" : "drain";
}

const char *vgw_lb_be_health_name(uint8_t h)
{
	return h == VGW_LB_HEALTH_UP ? "up" : h == VGW_LB_HEALTH_DOWN ? "down" : "unknown";
}

bool vgw_lb_backend_usable(const struct vgw_lb_backend_cfg *b)
{
	return b->admin == VGW_LB_BE_UP && b->weight > 0 && b->health != VGW_LB_HEALTH_DOWN;
}

/* The identity every gateway node agrees on: where the backend lives. VNI (24
 * bits), IP and port do not fit 64 bits, so they are hashed (splitmix64
 * steps); distinct backends collide with probability ~2^-64. */
static uint64_t backend_key(const struct vgw_lb_backend_cfg *b)
{
	uint64_t x = ((uint64_t)b->vni << 32 | b->ip) + 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	x ^= (x >> 31) ^ b->port;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 27);
}

/* Builds the worker view of s (one allocation: header, backends, table) and
 * swaps it in. On failure the old view stays published. */
static int publish(struct vgw_lb_service_cfg *s, char *err)
{
	size_t be_off = RTE_ALIGN_CEIL(sizeof(struct vgw_lb_svc), 8);
	size_t tab_off = be_off +
			 RTE_ALIGN_CEIL(sizeof(struct vgw_lb_svc_backend) * s->n_backends, 8);
	uint8_t *blk = malloc(tab_off + sizeof(uint16_t) * s->m);
	struct vgw_lb_maglev_backend *mb = malloc(sizeof(*mb) * (s->n_backends + 1));
	if (!blk || !mb) {
		free(blk);
		free(mb);
		snprintf(err, VGW_ERR_LEN, "out of memory");
		return -1;
	}
	struct vgw_lb_svc *v = (struct vgw_lb_svc *)blk;
	*v = (struct vgw_lb_svc){.key = s->key, .id = (uint16_t)(s - vgw_lb.svc),
			      .max_conns = s->max_conns, .m = s->m, .n_backends = s->n_backends};
	v->be = (struct vgw_lb_svc_backend *)(blk + be_off);
	v->table = (uint16_t *)(blk + tab_off);
	for (uint16_t i = 0; i < s->n_backends; i++) {
		const struct vgw_lb_backend_cfg *b = &s->be[i];
		v->be[i] = (struct vgw_lb_svc_backend){.vni = b->vni, .ip = b->ip, .port = b->port,
						    .id = b->id};
		mb[i].key = backend_key(b);
		mb[i].weight = vgw_lb_backend_usable(b) ? b->weight : 0;
	}
	int rc = vgw_lb_maglev_build(mb, s->n_backends, s->m, v->table);
	free(mb);
	void *old = NULL;
	if (rc < 0 || vgw_rmap_set(vgw_lb.by_vip, &s->key, v, &old, err) < 0) {
		if (rc < 0)
			snprintf(err, VGW_ERR_LEN, "cannot build the Maglev table");
		free(blk);
		return -1;
	}
	s->pub = v;
	if (old)
		vgw_defer_free(old);
	return 0;
}

struct vgw_lb_service_cfg *vgw_lb_service_by_name(const char *name)
{
	for (int i = 0; vgw_lb.svc && i < VGW_LB_SVC_MAX; i++)
		if (vgw_lb.svc[i].used && strcmp(vgw_lb.svc[i].name, name) == 0)
			return &vgw_lb.svc[i];
	return NULL;
}

static struct vgw_lb_service_cfg *need_service(const char *name, char *err)
{
	struct vgw_lb_service_cfg *s = vgw_lb_service_by_name(name);
	if (!s)
		snprintf(err, VGW_ERR_LEN, "no service named '%s'", name);
	return s;
}

uint32_t vgw_lb_backends_in(uint32_t vni)
{
	uint32_t n = 0;
	for (int i = 0; vgw_lb.svc && i < VGW_LB_SVC_MAX; i++)
		for (uint16_t b = 0; vgw_lb.svc[i].used && b < vgw_lb.svc[i].n_backends; b++)
			n += vgw_lb.svc[i].be[b].vni == vni;
	return n;
}

int vgw_lb_service_add(const char *name, struct vgw_lb_svc_key key, uint32_t m, uint32_t max_conns,
		       char *err)
{
	char b[VGW_IP4_STRLEN];
	size_t len = strlen(name);
	bool ok = len > 0 && len < VGW_LB_SVC_NAME_LEN && isalpha((unsigned char)name[0]);
	for (size_t i = 0; ok && i < len; i++)
		ok = isalnum((unsigned char)name[i]) || strchr("-_.", name[i]);
	if (!ok) {
		snprintf(err, VGW_ERR_LEN,
			 "invalid service name '%s': 1-%d letters, digits, '-', '_', '.', "
			 "starting with a letter", name, VGW_LB_SVC_NAME_LEN - 1);
		return -1;
	}
	if (key.proto != 6 && key.proto != 17) {
		snprintf(err, VGW_ERR_LEN, "protocol must be tcp or udp");
		return -1;
	}
	if (key.port == 0) {
		snprintf(err, VGW_ERR_LEN, "port 0 is not valid");
		return -1;
	}
	if (vgw_pubaddr_check(key.vip, VGW_PUBADDR_VIP, err) < 0)
		return -1;
	if (!vgw_lb_is_prime(m) || m > VGW_LB_MAGLEV_MAX_M) {
		snprintf(err, VGW_ERR_LEN, "table-size %u must be a prime up to %u", m,
			 VGW_LB_MAGLEV_MAX_M);
		return -1;
	}
	if (vgw_lb_service_by_name(name)) {
		snprintf(err, VGW_ERR_LEN, "service '%s' already exists", name);
		return -1;
	}
	key.pad = 0;
	if (vgw_rmap_get(vgw_lb.by_vip, &key)) {
		snprintf(err, VGW_ERR_LEN, "a service for %s port %u %s already exists",
			 vgw_ip4_str(key.vip, b), key.port, key.proto == 6 ? "tcp" : "udp");
		return -1;
	}
	struct vgw_lb_service_cfg *s = NULL;
	for (int i = 0; i < VGW_LB_SVC_MAX && !s; i++)
		if (!vgw_lb.svc[i].used)
			s = &vgw_lb.svc[i];
	if (!s) {
		snprintf(err, VGW_ERR_LEN, "at most %d services", VGW_LB_SVC_MAX);
		return -1;
	}
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->key = key;
	s->m = m;
	s->max_conns = max_conns;
	s->check = vgw_lb_check_default(key.proto);
	/* validated above: only memory can fail the registration */
	if (vgw_pubaddr_add(key.vip, VGW_PUBADDR_VIP, (uint32_t)(s - vgw_lb.svc), err) < 0)
		return -1;
	if (publish(s, err) < 0) {
		vgw_pubaddr_del(key.vip, VGW_PUBADDR_VIP);
		return -1;
	}
	s->used = true;
	sync_vip(key.vip);
	vgw_ct_svc_baseline((uint16_t)(s - vgw_lb.svc));
	return 0;
}

struct vgw_lb_check_cfg vgw_lb_check_default(uint8_t proto)
{
	return (struct vgw_lb_check_cfg){.kind = proto == 6 ? VGW_LB_CHECK_TCP : VGW_LB_CHECK_NONE,
				      .rise = VGW_LB_CHECK_DEFAULT_RISE,
				      .fall = VGW_LB_CHECK_DEFAULT_FALL,
				      .interval_ms = VGW_LB_CHECK_DEFAULT_INTERVAL_MS};
}

int vgw_lb_check_validate(const struct vgw_lb_check_cfg *c, uint8_t proto, char *err)
{
	if (c->kind == VGW_LB_CHECK_TCP && proto != 6) {
		snprintf(err, VGW_ERR_LEN, "check tcp needs a tcp service (udp has no handshake)");
		return -1;
	}
	if (c->rise < 1 || c->rise > 10 || c->fall < 1 || c->fall > 10) {
		snprintf(err, VGW_ERR_LEN, "check-rise and check-fall must be 1-10");
		return -1;
	}
	if (c->interval_ms < 100 || c->interval_ms > 60000) {
		snprintf(err, VGW_ERR_LEN, "check-interval must be 100-60000 ms");
		return -1;
	}
	return 0;
}

int vgw_lb_service_set(const char *name, const uint32_t *max_conns,
		       const struct vgw_lb_check_cfg *check, char *err)
{
	struct vgw_lb_service_cfg *s = need_service(name, err);
	if (!s || (check && vgw_lb_check_validate(check, s->key.proto, err) < 0))
		return -1;
	if (max_conns && *max_conns != s->max_conns) {
		uint32_t saved = s->max_conns;
		s->max_conns = *max_conns;
		if (publish(s, err) < 0) {
			s->max_conns = saved;
			return -1;
		}
	}
	if (check) {
		if (check->kind == VGW_LB_CHECK_NONE)
			for (uint16_t i = 0; i < s->n_backends; i++)
				vgw_lb_backend_health(s, &s->be[i], VGW_LB_HEALTH_UNKNOWN);
		s->check = *check;
	}
	return 0;
}

static void release_ids(struct vgw_lb_service_cfg *s)
{
	for (uint16_t i = 0; i < s->n_backends; i++)
		vgw_lb.be_id_used[s->be[i].id] = 0;
}

int vgw_lb_service_del(const char *name, char *err)
{
	struct vgw_lb_service_cfg *s = need_service(name, err);
	if (!s)
		return -1;
	void *old = vgw_rmap_del(vgw_lb.by_vip, &s->key);
	if (old)
		vgw_defer_free(old);
	release_ids(s);
	s->used = false;
	s->pub = NULL;
	vgw_pubaddr_del(s->key.vip, VGW_PUBADDR_VIP);
	sync_vip(s->key.vip);
	for (uint16_t i = 0; i < s->n_backends; i++) {
		vgw_vpc_release(vgw_vpc_main, s->be[i].vni);
		sync_backend(s->be[i].vni, s->be[i].ip, s->be[i].port, s->key.proto);
	}
	return 0;
}

/* Finds the backend (vpc, ip, port) of service svc; *s and *vni are set
 * when the service and VPC exist. */
static struct vgw_lb_backend_cfg *find_backend(const char *svc, const char *vpc, uint32_t ip,
					       uint16_t port, struct vgw_lb_service_cfg **s,
					       uint32_t *vni, char *err)
{
	*s = need_service(svc, err);
	if (!*s)
		return NULL;
	const struct vgw_vpc *v = vgw_vpc_main ? vgw_vpc_by_name(vgw_vpc_main, vpc) : NULL;
	if (!v) {
		snprintf(err, VGW_ERR_LEN, "no VPC named '%s'", vpc);
		*s = NULL;
		return NULL;
	}
	*vni = v->vni;
	for (uint16_t i = 0; i < (*s)->n_backends; i++) {
		struct vgw_lb_backend_cfg *b = &(*s)->be[i];
		if (b->vni == v->vni && b->ip == ip && b->port == port)
			return b;
	}
	return NULL;
}

/* The existing backend, or NULL with err set. */
static struct vgw_lb_backend_cfg *need_backend(const char *svc, const char *vpc, uint32_t ip,
					       uint16_t port, struct vgw_lb_service_cfg **s,
					       char *err)
{
	uint32_t vni;
	struct vgw_lb_backend_cfg *b = find_backend(svc, vpc, ip, port, s, &vni, err);
	if (*s && !b) {
		char x[VGW_IP4_STRLEN];
		snprintf(err, VGW_ERR_LEN, "no backend %s port %u in VPC '%s' in '%s'",
			 vgw_ip4_str(ip, x), port, vpc, svc);
	}
	return b;
}

static int check_weight(int weight, char *err)
{
	if (weight > VGW_LB_WEIGHT_MAX) {
		snprintf(err, VGW_ERR_LEN, "weight %d out of range 0-%d", weight,
			 VGW_LB_WEIGHT_MAX);
		return -1;
	}
	return 0;
}

int vgw_lb_backend_add(const char *svc, const char *vpc, uint32_t ip, uint16_t port, int weight,
		       char *err)
{
	struct vgw_lb_service_cfg *s;
	uint32_t vni;
	char b[VGW_IP4_STRLEN];
	struct vgw_lb_backend_cfg *cur = find_backend(svc, vpc, ip, port, &s, &vni, err);
	if (!s || check_weight(weight, err) < 0)
		return -1;
	if (cur) {
		snprintf(err, VGW_ERR_LEN, "backend %s port %u in VPC '%s' is already in '%s'",
			 vgw_ip4_str(ip, b), port, vpc, svc);
		return -1;
	}
	if (vgw_ip4_src_martian(ip) || vgw_ip4_dst_not_unicast(ip) || port == 0) {
		snprintf(err, VGW_ERR_LEN, "backend %s port %u is not a unicast host and port",
			 vgw_ip4_str(ip, b), port);
		return -1;
	}
	if (s->n_backends >= VGW_LB_SVC_BACKENDS_MAX) {
		snprintf(err, VGW_ERR_LEN, "at most %d backends per service",
			 VGW_LB_SVC_BACKENDS_MAX);
		return -1;
	}
	int id = -1;
	for (int i = 0; i < VGW_LB_BACKEND_IDS && id < 0; i++)
		if (!vgw_lb.be_id_used[i])
			id = i;
	if (id < 0) {
		snprintf(err, VGW_ERR_LEN, "at most %d backends in all", VGW_LB_BACKEND_IDS);
		return -1;
	}
	s->be[s->n_backends] = (struct vgw_lb_backend_cfg){
		.vni = vni, .ip = ip, .port = port, .weight = (uint16_t)(weight < 0 ? 1 : weight),
		.admin = VGW_LB_BE_UP, .health = VGW_LB_HEALTH_UNKNOWN, .id = (uint16_t)id};
	s->n_backends++;
	if (publish(s, err) < 0) {
		s->n_backends--;
		return -1;
	}
	vgw_lb.be_id_used[id] = 1;
	vgw_vpc_hold(vgw_vpc_main, vni); /* found above: cannot fail */
	vgw_ct_be_baseline((uint16_t)id);
	sync_backend(vni, ip, port, s->key.proto);
	return 0;
}

int vgw_lb_backend_set(const char *svc, const char *vpc, uint32_t ip, uint16_t port, int weight,
		       int admin, char *err)
{
	struct vgw_lb_service_cfg *s;
	if (check_weight(weight, err) < 0)
		return -1;
	struct vgw_lb_backend_cfg *b = need_backend(svc, vpc, ip, port, &s, err);
	if (!b)
		return -1;
	struct vgw_lb_backend_cfg saved = *b;
	if (weight >= 0)
		b->weight = (uint16_t)weight;
	if (admin >= 0)
		b->admin = (uint8_t)admin;
	if (publish(s, err) < 0) {
		*b = saved;
		return -1;
	}
	return 0;
}

int vgw_lb_backend_del(const char *svc, const char *vpc, uint32_t ip, uint16_t port, char *err)
{
	struct vgw_lb_service_cfg *s;
	struct vgw_lb_backend_cfg *b = need_backend(svc, vpc, ip, port, &s, err);
	if (!b)
		return -1;
	struct vgw_lb_backend_cfg saved = *b;
	uint16_t idx = (uint16_t)(b - s->be);
	memmove(b, b + 1, sizeof(*b) * (size_t)(s->n_backends - idx - 1));
	s->n_backends--;
	if (publish(s, err) < 0) {
		memmove(&s->be[idx + 1], &s->be[idx], sizeof(*b) * (size_t)(s->n_backends - idx));
		s->be[idx] = saved;
		s->n_backends++;
		return -1;
	}
	vgw_lb.be_id_used[saved.id] = 0;
	vgw_vpc_release(vgw_vpc_main, saved.vni);
	sync_backend(saved.vni, saved.ip, saved.port, s->key.proto);
	return 0;
}

void vgw_lb_backend_health(struct vgw_lb_service_cfg *s, struct vgw_lb_backend_cfg *b,
			   uint8_t health)
{
	bool was = vgw_lb_backend_usable(b);
	b->health = health;
	char err[VGW_ERR_LEN];
	if (was != vgw_lb_backend_usable(b) && publish(s, err) < 0)
		b->health = was ? VGW_LB_HEALTH_UP : VGW_LB_HEALTH_DOWN; /* retried next check */
}
