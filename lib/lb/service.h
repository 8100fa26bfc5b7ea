/* L4 load-balanced services (LVS-NAT model): a VIP:port/protocol spread over
 * weighted backends that live in VPCs, picked by Maglev.
 *
 * Writers: the slow path only (CLI, health checks).
 * Readers: workers, through the published `struct vgw_svc` of each service,
 * found in `vgw_lb.by_vip` (RCU map keyed by vgw_svc_key).
 * Publication: any change to a service or its backends (add, del, weight,
 * state, health) builds a new immutable vgw_svc with a freshly built Maglev
 * table and swaps it in with one atomic store; the old one is freed after a
 * grace period. Workers never see a table being built, and connections in
 * the conntrack keep the backend they have (by address), so a change moves
 * only new flows. */
#ifndef VGW_SERVICE_H
#define VGW_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/rmap.h"

#define VGW_SVC_MAX 1024
#define VGW_SVC_NAME_LEN 32
#define VGW_SVC_BACKENDS_MAX 256
#define VGW_BACKEND_IDS 8192 /* counter slots across all services */
#define VGW_WEIGHT_MAX 1000

enum vgw_be_admin { VGW_BE_UP, VGW_BE_DOWN, VGW_BE_DRAIN };
enum vgw_be_health { VGW_HEALTH_UNKNOWN, VGW_HEALTH_UP, VGW_HEALTH_DOWN };

struct vgw_svc_key {
	uint32_t vip; /* host order */
	uint16_t port;
	uint8_t proto; /* 6 or 17 */
	uint8_t pad;
};

/* Worker view of one backend. */
struct vgw_svc_backend {
	uint32_t vni;
	uint32_t ip;
	uint16_t port;
	uint16_t id; /* counter slot */
};

/* Immutable once published. */
struct vgw_svc {
	struct vgw_svc_key key;
	uint16_t id; /* counter slot of the service */
	uint32_t max_conns; /* 0 = no cap */
	uint32_t m;        /* Maglev table size (prime) */
	uint16_t n_backends;
	struct vgw_svc_backend *be;
	uint16_t *table; /* m slots: index into be, or VGW_MAGLEV_NONE */
};

#endif
