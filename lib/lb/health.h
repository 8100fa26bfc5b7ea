/* Active health checks of load-balanced backends (slow path only).
 *
 * For every backend of a service whose check is tcp (and whose admin state
 * is not down), the slow path sends one TCP SYN per interval from the VIP
 * (source port from a private range) to the backend's address and port,
 * inside the backend's VPC: the frame goes to worker 0 over vgw_gw.tunnel
 * and is tunnelled like inbound traffic, so a probe takes the same underlay
 * path, VTEP and VNI as the backend's real connections. The backend answers
 * through its default route, the VPC gateway, so its SYN-ACK or RST comes
 * back in VXLAN; the worker sees a packet from a backend address/port to a
 * VIP address and punts it (VGW_PUNT_HEALTH, priv.vni set). An answer must
 * acknowledge the probe (ack == our seq + 1): a SYN-ACK passes it and is
 * answered with an RST so the backend frees its half-open state; an RST
 * fails it at once (the host is up, nothing listens on the port). A probe
 * unanswered when the next one is due failed. `rise` consecutive passes make a backend up,
 * `fall` consecutive failures down (vgw_lb_backend_health republishes the
 * Maglev table); each transition is logged and counted (hc_up, hc_down).
 * Until its first verdict a backend is "unknown" and gets traffic.
 *
 * State per backend lives here, indexed by the backend's counter id, and is
 * reset when the id is assigned to another backend. */
#ifndef VGW_LB_HEALTH_H
#define VGW_LB_HEALTH_H

#include <stdint.h>

#include "../core/drop.h"

/* The lb module's slow-path counters (core/drop.h): VGW_LB_SP(x)
 * is x's index in the dense array once registered. */
#define VGW_LB_COUNTERS(X, P) \
	X(P, HC_PROBE_TX, "hc_probe_tx", "health-check SYNs sent to backends") \
	X(P, HC_REPLY_RX, "hc_reply_rx", "health-check answers (SYN-ACK or RST) matched") \
	X(P, HC_REPLY_UNMATCHED, "hc_reply_unmatched", "packets to a health-check source matching no probe") \
	X(P, HC_TIMEOUT, "hc_timeout", "health-check probes unanswered within the interval") \
	X(P, HC_UP, "hc_up", "backends that passed rise checks and became up") \
	X(P, HC_DOWN, "hc_down", "backends that failed fall checks and became down") \
	X(P, TUNNEL_RING_FULL, "tunnel_ring_full", "slow path tunnel ring full")

VGW_COUNTER_SET(VGW_LB_COUNTERS, VGW_LB_SP, vgw_lb_sp_base);
#define VGW_LB_SP(id) VGW_COUNTER(vgw_lb_sp_base, VGW_LB_SP, id)

struct rte_mbuf;

/* Probes leave from VIP:port with port in [BASE, BASE + N): an answer goes
 * to one of them (the data path punts nothing else as an answer). */
#define VGW_LB_HC_SPORT_BASE 61000
#define VGW_LB_HC_SPORT_N 1000

/* How the checker reaches the data path; vgwd's slow path fills it, unit
 * tests capture frames and fake the clock. */
struct vgw_lb_health_ops {
	struct rte_mbuf *(*alloc)(void);
	/* m: inner frame [Eth 14][IPv4 20][TCP 20], priv.vni set; consumed. */
	void (*tunnel_tx)(struct rte_mbuf *m);
	void (*count)(int sp_counter, uint64_t n);
};

void vgw_lb_health_init(const struct vgw_lb_health_ops *ops);

/* Called every slow-path tick (about 100 ms): sends due probes, fails the
 * unanswered ones. now in ms. */
void vgw_lb_health_tick(uint64_t now_ms);

/* A punted answer: m holds [inner Eth 14][IPv4][TCP], priv.vni set.
 * Always consumed. */
void vgw_lb_health_input(struct rte_mbuf *m, uint64_t now_ms);

#endif
