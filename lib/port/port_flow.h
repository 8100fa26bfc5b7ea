/* NIC steering rules (rte_flow): which RX queue, and so which worker,
 * receives a packet. A module that needs a packet on a given worker (the
 * NAT gateway: a reply on the worker owning its mapping) says which packets
 * go to which queue; the NIC does it where its PMD can, the module's
 * software handoff elsewhere.
 *
 * A rule: IPv4 packets to dst/dst_mask, optionally TCP or UDP with a
 * destination port under a mask, go to RX queue `queue` (= the worker of
 * that index: worker w polls queue w, port.h). Each owner ("snat") sets its
 * whole list at once; the rules go to every public port that has a queue
 * per worker and whose PMD validates them. Each rule keeps its state per
 * port: in the NIC, refused (with the PMD's message), or not tried (why).
 *
 * Lifecycle: set any time (the startup commands run before the ports
 * start: the rules wait for it); created after the port starts; destroyed
 * at stop (SIGTERM, before the ports stop) and when their owner replaces
 * them. A rule the NIC refuses never fails the owner's command: the
 * owner's software path (dp/handoff.h) carries the traffic, counted.
 *
 * Threads: the slow path (main thread at start-up) only. */
#ifndef VGW_PORT_FLOW_H
#define VGW_PORT_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/drop.h"
#include "../util/buf.h"
#include "../util/fmt.h"

/* The port module's slow-path counters (core/drop.h). */
#define VGW_PORT_SP_COUNTERS(X, P) \
	X(P, FLOW_RULES_INSTALLED, "flow_rules_installed", "steering rules the NICs took (rte_flow)") \
	X(P, FLOW_RULES_REFUSED, "flow_rules_refused", "steering rules a NIC refused (the software handoff carries their traffic)")

VGW_COUNTER_SET(VGW_PORT_SP_COUNTERS, VGW_PORT_SP, vgw_port_sp_base);
#define VGW_PORT_SP(id) VGW_COUNTER(vgw_port_sp_base, VGW_PORT_SP, id)

struct vgw_flow_rule {
	uint32_t dst, dst_mask;      /* host order */
	uint8_t proto;               /* 0: any IPv4; 6 or 17 */
	uint16_t dport, dport_mask;  /* proto 6/17: mask 0 = any port */
	uint16_t queue;
};

/* owner's rules become r[0..n) (copied). 0, or -1 with err (memory). */
int vgw_port_flow_set(const char *owner, const struct vgw_flow_rule *r, uint32_t n, char *err);

/* The port module: after the ports started (probe, then the rules set so
 * far), and at stop / fini (every rule destroyed). */
void vgw_port_flow_start(void);
void vgw_port_flow_stop(void);

/* Rules in the NIC, over every port (tests, show). */
uint32_t vgw_port_flow_installed(void);

/* `show flow`: per port, whether its PMD takes rules and each rule's state. */
void vgw_port_flow_show(struct vgw_fmt *f);

#endif
