/* Tenant VPC tables: VPCs (name, VNI), the gateway's VTEP, VM endpoints
 * ((VNI, private IP) -> VM MAC + hypervisor VTEP) and elastic IPs
 * (public IP <-> (VNI, private IP), 1:1).
 *
 * Writers: the slow path only (CLI handlers, startup file).
 * Readers: workers (vpc_dp.h) and the slow path (proxy ARP, show).
 * Publication: every table is an RCU map (core/rmap.h) of immutable objects;
 * a change publishes a new object and frees the old one after a grace period.
 * The VTEP (address + UDP port) is one atomic 64-bit word. Every function
 * validates all of its input before it changes anything: on error the tables
 * are exactly as before. */
#ifndef VGW_VPC_H
#define VGW_VPC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/rmap.h"
#include "../cli/cli.h"

#define VGW_VPC_MAX 4096
#define VGW_VPC_NAME_LEN 32
#define VGW_VPC_VNI_MIN 1u
#define VGW_VPC_VNI_LIMIT 0xffffffu

struct rte_rcu_qsbr;

struct vgw_vpc {
	char name[VGW_VPC_NAME_LEN];
	uint32_t vni;
	uint8_t gw_mac[6]; /* inner source MAC towards the VMs */
	/* Objects of other modules that live in this VPC (load-balancer
	 * backends): vgw_vpc_hold/release. Read and written by the slow path
	 * only; workers never read it. */
	uint32_t holds;
};

/* Key of endpoints and of the private side of EIPs. */
struct vgw_vpc_key {
	uint32_t vni;
	uint32_t ip; /* host order */
};

/* Key of a TCP or UDP port in a VPC (vpc_dp.h struct vgw_vpc_claim). */
struct vgw_vpc_port_key {
	uint32_t vni;
	uint32_t ip; /* host order */
	uint16_t port;
	uint8_t proto; /* 6 or 17 */
	uint8_t pad;
};

struct vgw_vpc_endpoint {
	uint32_t vni;
	uint32_t ip;
	uint32_t vtep; /* the hypervisor's VTEP, host order */
	uint8_t mac[6];
};

struct vgw_vpc_eip {
	uint32_t eip; /* public, host order */
	uint32_t vni;
	uint32_t ip; /* private */
};

/* A hypervisor VTEP that some endpoint names. Workers only test presence;
 * `refs` (endpoints naming it) is read and written by the slow path only. */
struct vgw_vpc_hv {
	uint32_t ip;
	uint32_t refs;
};

struct vgw_vpc_tables {
	struct vgw_rmap *vpc_by_vni;  /* uint32_t vni -> struct vgw_vpc */
	struct vgw_rmap *endpoints;   /* vgw_vpc_key -> struct vgw_vpc_endpoint */
	struct vgw_rmap *hvs;         /* uint32_t ip -> struct vgw_vpc_hv */
	struct vgw_rmap *eip_by_pub;  /* uint32_t eip -> struct vgw_vpc_eip */
	struct vgw_rmap *eip_by_priv; /* vgw_vpc_key -> the same struct vgw_vpc_eip */
	_Atomic uint64_t vtep;        /* udp_port << 32 | ip; 0 = no VTEP */
};

/* The gateway's VPC tables: created by the vpc module's init
 * (vpc_module.c), NULL before and after; the pointer is a start-up value,
 * the contents are written by the slow path and read by workers (RCU). */
extern struct vgw_vpc_tables *vgw_vpc_main;

/* `endpoint-table` and `eip-table max-entries N` (vpc_module.c): written by
 * the settings loader, read only once the settings are finished. */
struct vgw_vpc_conf {
	uint32_t endpoint_max_entries;
	uint32_t eip_max_entries;
};
extern struct vgw_vpc_conf vgw_vpc_conf;

struct vgw_vpc_tables *vgw_vpc_create(uint32_t max_endpoints, uint32_t max_eips,
				      struct rte_rcu_qsbr *rcu, char *err);
/* Frees everything at once: no reader may run. */
void vgw_vpc_destroy(struct vgw_vpc_tables *t);

/* gw_mac NULL: a locally administered MAC derived from the VNI. */
int vgw_vpc_add(struct vgw_vpc_tables *t, const char *name, uint32_t vni,
		const uint8_t *gw_mac, char *err);
/* Refused while an endpoint, an EIP or a hold belongs to the VPC. */
int vgw_vpc_del(struct vgw_vpc_tables *t, const char *name, char *err);
const struct vgw_vpc *vgw_vpc_by_name(const struct vgw_vpc_tables *t, const char *name);
void vgw_vpc_default_mac(uint32_t vni, uint8_t mac[6]);
/* Another module puts an object in VPC vni (-1: no such VPC) or takes it out:
 * `vpc del` is refused while holds remain (load-balancer backends, SNAT
 * bindings). This way vpc.c need not know who holds it. */
int vgw_vpc_hold(struct vgw_vpc_tables *t, uint32_t vni);
void vgw_vpc_release(struct vgw_vpc_tables *t, uint32_t vni);

/* ip must be an address of an underlay port. */
int vgw_vpc_vtep_add(struct vgw_vpc_tables *t, uint32_t ip, uint16_t udp_port, char *err);
int vgw_vpc_vtep_del(struct vgw_vpc_tables *t, char *err);
static inline void vgw_vpc_vtep_get(const struct vgw_vpc_tables *t, uint32_t *ip, uint16_t *port)
{
	uint64_t v = atomic_load_explicit(&t->vtep, memory_order_acquire);
	*ip = (uint32_t)v;
	*port = (uint16_t)(v >> 32);
}

/* replace = false refuses an existing endpoint; true adds or moves it. */
int vgw_vpc_endpoint_set(struct vgw_vpc_tables *t, const char *vpc, uint32_t ip,
			 const uint8_t mac[6], uint32_t vtep, bool replace, char *err);
int vgw_vpc_endpoint_del(struct vgw_vpc_tables *t, const char *vpc, uint32_t ip, char *err);

/* The EIP is checked against and registered in the public address registry
 * (lib/addr/pubaddr.h) before the tables change; del unregisters it. */
int vgw_vpc_eip_add(struct vgw_vpc_tables *t, uint32_t eip, const char *vpc, uint32_t ip,
		    char *err);
int vgw_vpc_eip_del(struct vgw_vpc_tables *t, uint32_t eip, char *err);

struct vgw_buf;
/* Commands that rebuild the tables, in dependency order (vpc_cli.c). */
void vgw_vpc_running_config(struct vgw_buf *b);

/* Slow-path queries. */
const struct vgw_vpc *vgw_vpc_by_vni(const struct vgw_vpc_tables *t, uint32_t vni);
/* Counts the endpoints and EIPs of a VNI (O(table size)). */
void vgw_vpc_usage(const struct vgw_vpc_tables *t, uint32_t vni, uint32_t *endpoints,
		   uint32_t *eips);

/* Its commands (the *_cli.c files), ended by words == NULL. */
extern const struct vgw_cmd vgw_vpc_cmds[];
/* object names the commands take, for completion (cli/cli.h) */
extern const struct vgw_cli_names vgw_vpc_names[];

#endif
