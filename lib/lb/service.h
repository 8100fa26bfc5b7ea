/* L4 load-balanced services (LVS-NAT model): a VIP:port/protocol spread over
 * weighted backends that live in VPCs, picked by Maglev.
 *
 * Writers: the slow path only (CLI, health checks).
 * Readers: workers, through the published `struct vgw_lb_svc` of each service,
 * found in `vgw_lb.by_vip` (RCU map keyed by vgw_lb_svc_key).
 * Publication: any change to a service or its backends (add, del, weight,
 * state, health) builds a new immutable vgw_lb_svc with a freshly built Maglev
 * table and swaps it in with one atomic store; the old one is freed after a
 * grace period. Workers never see a table being built, and connections in
 * the conntrack keep the backend they have (by address), so a change moves
 * only new flows. */
#ifndef VGW_LB_SERVICE_H
#define VGW_LB_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/rmap.h"
#include "../util/siphash.h"
#include "../vpc/vpc.h"
#include "../ct/ct.h"
#include "../cli/cli.h"

struct rte_rcu_qsbr;

#define VGW_LB_SVC_MAX 1024
#define VGW_LB_SVC_NAME_LEN 32
#define VGW_LB_SVC_BACKENDS_MAX 256
#define VGW_LB_BACKEND_IDS 8192 /* counter slots across all services */
#define VGW_LB_WEIGHT_MAX 1000

enum vgw_lb_be_admin { VGW_LB_BE_UP, VGW_LB_BE_DOWN, VGW_LB_BE_DRAIN };
enum vgw_lb_be_health { VGW_LB_HEALTH_UNKNOWN, VGW_LB_HEALTH_UP, VGW_LB_HEALTH_DOWN };

struct vgw_lb_svc_key {
	uint32_t vip; /* host order */
	uint16_t port;
	uint8_t proto; /* 6 or 17 */
	uint8_t pad;
};

/* Worker view of one backend. */
struct vgw_lb_svc_backend {
	uint32_t vni;
	uint32_t ip;
	uint16_t port;
	uint16_t id; /* counter slot */
};

/* Immutable once published. */
struct vgw_lb_svc {
	struct vgw_lb_svc_key key;
	uint16_t id; /* counter slot of the service */
	uint32_t max_conns; /* 0 = no cap */
	uint32_t m;        /* Maglev table size (prime) */
	uint16_t n_backends;
	struct vgw_lb_svc_backend *be;
	uint16_t *table; /* m slots: index into be, or VGW_LB_MAGLEV_NONE */
};

/* Slow-path configuration of one backend. */
struct vgw_lb_backend_cfg {
	uint32_t vni;
	uint32_t ip;
	uint16_t port;
	uint16_t weight; /* 0..VGW_LB_WEIGHT_MAX; 0 = drain */
	uint8_t admin;   /* enum vgw_lb_be_admin */
	uint8_t health;  /* enum vgw_lb_be_health, written by the health checker */
	uint16_t id;     /* counter slot */
};

/* Active health checks (health.h): TCP half-open probes from the VIP.
 * Defaults: a dead backend is out of the Maglev table within 3 s, a single
 * lost probe never takes one out. A probe fails when it is refused (RST, at
 * once) or unanswered when the next one is due (one interval), and `fall`
 * failures in a row make the backend down, so after the last answered probe
 * the verdict comes at most (fall + 1) x interval plus a 100 ms tick later:
 * 3 x 800 + 100 = 2.5 s for a host that vanished (timeouts), 2 x 800 + 100
 * = 1.7 s for a server that was killed (RSTs). fall 2 is the smallest value
 * that rides out one lost SYN or SYN-ACK; 800 ms is a long wait for a SYN-ACK
 * inside a data centre, and 1.25 probes a second per backend costs nothing. */
enum vgw_lb_check_kind { VGW_LB_CHECK_NONE, VGW_LB_CHECK_TCP };
#define VGW_LB_CHECK_DEFAULT_INTERVAL_MS 800
#define VGW_LB_CHECK_DEFAULT_RISE 2
#define VGW_LB_CHECK_DEFAULT_FALL 2

struct vgw_lb_check_cfg {
	uint8_t kind;         /* enum vgw_lb_check_kind; tcp services default to tcp */
	uint8_t rise, fall;   /* 1..10 consecutive results */
	uint32_t interval_ms; /* 100..60000; a probe unanswered by then failed */
};

struct vgw_lb_service_cfg {
	bool used;
	char name[VGW_LB_SVC_NAME_LEN];
	struct vgw_lb_svc_key key;
	uint32_t m;
	uint32_t max_conns;
	struct vgw_lb_check_cfg check;
	uint16_t n_backends;
	struct vgw_lb_backend_cfg be[VGW_LB_SVC_BACKENDS_MAX];
	const struct vgw_lb_svc *pub; /* what workers see now */
};

struct vgw_lb {
	struct vgw_rmap *by_vip; /* vgw_lb_svc_key -> struct vgw_lb_svc */
	/* Markers (the object is a constant, never freed): addresses that are
	 * a VIP of some service, and backend (vni, ip, port, proto) tuples.
	 * Recomputed by the slow path on every add/del. */
	struct vgw_rmap *vip_addrs; /* uint32_t vip */
	/* a (VPC, address, port, protocol) that is a backend of some service,
	 * so a packet from it may be a reply to a client; vxlan-in reads both
	 * maps as lb's claim (vpc/vpc_dp.h struct vgw_vpc_claim) */
	struct vgw_rmap *be_ports;  /* struct vgw_vpc_port_key */
	struct vgw_lb_service_cfg *svc; /* VGW_LB_SVC_MAX, index = service counter slot */
	uint8_t be_id_used[VGW_LB_BACKEND_IDS];
};

extern struct vgw_lb vgw_lb;

/* The lb and conntrack modules' settings (lb_module.c): written by the
 * settings loader, read only once the settings are finished. */
struct vgw_lb_conf {
	uint32_t ct_max_entries; /* `conntrack max-entries N`, per worker */
	struct vgw_ct_timeouts ct_timeouts; /* `conntrack timeout KIND S` */
	/* `maglev key HEX`: the cluster-wide SipHash key of the Maglev flow
	 * hash (every gateway node must have the same one); when unset, a
	 * built-in key anyone can read in the source */
	struct vgw_siphash_key maglev_key;
	bool maglev_key_set;
};
extern struct vgw_lb_conf vgw_lb_conf;


int vgw_lb_init(struct rte_rcu_qsbr *rcu, char *err);
void vgw_lb_fini(void);

int vgw_lb_service_add(const char *name, struct vgw_lb_svc_key key, uint32_t m, uint32_t max_conns,
		       char *err);
int vgw_lb_service_del(const char *name, char *err);
/* Changes the connection cap and/or the health check (NULL: unchanged). */
int vgw_lb_service_set(const char *name, const uint32_t *max_conns,
		       const struct vgw_lb_check_cfg *check, char *err);
/* The default check of a protocol: tcp probes for TCP, none for UDP. */
struct vgw_lb_check_cfg vgw_lb_check_default(uint8_t proto);
int vgw_lb_check_validate(const struct vgw_lb_check_cfg *c, uint8_t proto, char *err);
struct vgw_lb_service_cfg *vgw_lb_service_by_name(const char *name);

/* weight < 0 / admin < 0: unchanged (set) or default (add: weight 1, up). */
int vgw_lb_backend_add(const char *svc, const char *vpc, uint32_t ip, uint16_t port, int weight,
		       char *err);
int vgw_lb_backend_set(const char *svc, const char *vpc, uint32_t ip, uint16_t port, int weight,
		       int admin, char *err);
int vgw_lb_backend_del(const char *svc, const char *vpc, uint32_t ip, uint16_t port, char *err);
/* The health checker's verdict; republishes the service when usability changes. */
void vgw_lb_backend_health(struct vgw_lb_service_cfg *s, struct vgw_lb_backend_cfg *b,
			   uint8_t health);

/* A backend gets new connections: admin up, weight > 0, not failed checks. */
bool vgw_lb_backend_usable(const struct vgw_lb_backend_cfg *b);

/* Backends in a VNI (each also holds its VPC: vgw_vpc_hold()). A VIP is
 * registered in lib/addr/pubaddr.h while a service uses it. */
uint32_t vgw_lb_backends_in(uint32_t vni);

/* Worker side: marker lookups. */
static inline bool vgw_lb_is_vip_addr(uint32_t ip)
{
	return vgw_lb.vip_addrs->n && vgw_rmap_get(vgw_lb.vip_addrs, &ip) != NULL;
}
static inline bool vgw_lb_is_backend(uint32_t vni, uint32_t ip, uint16_t port, uint8_t proto)
{
	struct vgw_vpc_port_key k = {.vni = vni, .ip = ip, .port = port, .proto = proto};
	return vgw_lb.be_ports->n && vgw_rmap_get(vgw_lb.be_ports, &k) != NULL;
}

const char *vgw_lb_be_admin_name(uint8_t a);
const char *vgw_lb_be_health_name(uint8_t h);

struct vgw_buf;
void vgw_lb_running_config(struct vgw_buf *b);

/* Its commands (the *_cli.c files), ended by words == NULL. */
extern const struct vgw_cmd vgw_lb_cmds[];
/* object names the commands take, for completion (cli/cli.h) */
extern const struct vgw_cli_names vgw_lb_names[];
extern const struct vgw_cmd vgw_ct_cmds[];

#endif
