/* Counters: the dense per-port drop-reason array of the data path and the
 * slow path's counter array, and the core's own entries in them.
 *
 * Each module names its counters in its own X-macro (the core's are here:
 * Ethernet, IPv4, routing, punts, transmit, worker handoff; the control
 * socket's) and lists
 * them in its module entry (core/module.h: drops, sp_counters).
 * vgw_counters_register() gives every module's set its base, in the module
 * table's order, so the indexes of all modules together are dense: 0 ..
 * vgw_drop_n - 1 and 0 .. vgw_sp_n - 1. The core module is first, so its
 * indexes are the compile-time constants below (VGW_DROP_x, VGW_SP_x);
 * another module's are VGW_<MODULE>_DROP(x) = its base + x's place in its
 * list, a load of the base when the counter moves.
 *
 * Threads: registered once on the main thread before anything counts (vgwd's
 * main, the unit and fuzz harnesses); read-only afterwards. */
#ifndef VGW_DROP_H
#define VGW_DROP_H

#include <stdint.h>

/* the room of the dense arrays (struct vgw_port_stats, vgw_gw.sp_stats) */
#define VGW_DROP_CAP 128
#define VGW_SP_CAP 128

#define VGW_DROP_REASONS(X, P) \
	X(P, ETH_SHORT, "eth_short", "frame shorter than an Ethernet header") \
	X(P, ETH_NOT_FOR_US, "eth_not_for_us", "destination MAC is not the port's") \
	X(P, ETHERTYPE_UNSUPPORTED, "ethertype_unsupported", "neither IPv4 nor ARP") \
	X(P, IP_SHORT, "ip_short", "frame shorter than a minimal IPv4 header") \
	X(P, IP_BAD_VERSION, "ip_bad_version", "IP version is not 4") \
	X(P, IP_BAD_IHL, "ip_bad_ihl", "header length below 20 bytes or past the frame") \
	X(P, IP_BAD_TOTAL_LEN, "ip_bad_total_len", "total length below the header length") \
	X(P, IP_TRUNCATED, "ip_truncated", "total length exceeds the frame") \
	X(P, IP_BAD_CHECKSUM, "ip_bad_checksum", "header checksum mismatch") \
	X(P, IP_BAD_SRC, "ip_bad_src", "martian source address") \
	X(P, IP_DST_NOT_UNICAST, "ip_dst_not_unicast", "multicast or broadcast destination") \
	X(P, TTL_EXCEEDED, "ttl_exceeded", "TTL reached zero (ICMP sent)") \
	X(P, NO_ROUTE, "no_route", "no FIB entry for the destination") \
	X(P, MTU_EXCEEDED, "mtu_exceeded", "larger than the egress MTU (ICMP sent if DF)") \
	X(P, LOCAL_UNSUPPORTED, "local_unsupported", "to-self packet with no handler") \
	X(P, PUNT_RING_FULL, "punt_ring_full", "slow path ring full") \
	X(P, TX_FULL, "tx_full", "transmit queue full") \
	X(P, NO_HEADROOM, "no_headroom", "no mbuf headroom for the outer headers") \
	X(P, VIP_NO_SERVICE, "vip_no_service", "to a VIP address on a port/protocol with no service") \
	X(P, VIP_FRAGMENT, "vip_fragment", "fragment to a VIP (no ports to balance on)") \
	X(P, HOST_PUNT_LIMITED, "host_punt_limited", "to-self packet over the worker's host-port punt rate") \
	X(P, PUNT_ARP_LIMITED, "punt_arp_limited", "ARP over the worker's punt arp rate") \
	X(P, PUNT_NEIGH_LIMITED, "punt_neigh_limited", "packet to an unresolved next hop over the worker's punt neigh-miss rate") \
	X(P, PUNT_HEALTH_LIMITED, "punt_health_limited", "health-check answer over the worker's punt health rate") \
	X(P, IP_SRC_SPOOFED, "ip_src_spoofed", "source is the gateway's own, an EIP or a VIP address") \
	X(P, ICMP_ERROR_LIMITED, "icmp_error_limited", "ICMP error not sent: over the worker's icmp-error rate (packet dropped)") \
	X(P, HANDOFF_RING_FULL, "handoff_ring_full", "ring to the flow's owning worker full")

#define VGW_SP_COUNTERS(X, P) \
	X(P, CTL_REFUSED, "ctl_refused", "control clients refused: every slot busy") \
	X(P, CTL_EVICTED, "ctl_evicted", "idle control clients closed to give their slot to a new one") \
	X(P, CTL_IDLE_CLOSED, "ctl_idle_closed", "control clients closed after 60 s without a request or output progress") \
	X(P, CTL_BAD_REQUEST, "ctl_bad_request", "control requests refused unrun: control byte, over-long line, bad flag") \
	X(P, CTL_PAUSED, "ctl_paused", "times a control client's unsent answers reached 256 KiB: its requests wait")

/* A module's set, from its list LIST(X, P) of X(P, ID, "name", "help"):
 * the indexes P_I_ID in the list and P_N, and the base vgw_counters_register
 * gives it; P(ID) (a module's one-line macro over VGW_COUNTER) is ID's index
 * in the dense array. */
#define VGW_COUNTER_INDEX(P, id, name, help) P##_I_##id,
#define VGW_COUNTER_SET(LIST, P, base)                                          \
	enum { LIST(VGW_COUNTER_INDEX, P) P##_N };                              \
	extern uint16_t base
#define VGW_COUNTER(base, P, id) ((int)(base) + P##_I_##id)
/* The entries of a module's struct vgw_counter_set (core/module.h). */
#define VGW_COUNTER_DESC(P, id, name, help) {name, help},

/* The core's, at base 0: their indexes are constants. */
#define VGW_CORE_ENUM(P, id, name, help) P##_##id,
enum vgw_drop { VGW_DROP_NONE = -1, VGW_DROP_REASONS(VGW_CORE_ENUM, VGW_DROP) VGW_DROP_CORE_N };
enum vgw_sp_counter { VGW_SP_COUNTERS(VGW_CORE_ENUM, VGW_SP) VGW_SP_CORE_N };
#undef VGW_CORE_ENUM

/* Every registered counter's name, by index; how many there are. */
extern const char *vgw_drop_names[VGW_DROP_CAP];
extern const char *vgw_sp_names[VGW_SP_CAP];
extern uint16_t vgw_drop_n, vgw_sp_n;

/* Gives each module's counter sets their bases and fills the names. Once per
 * process (later calls do nothing). 0, or -1 with err: the arrays' room is
 * exceeded, or a name is used twice. */
int vgw_counters_register(char *err);

#endif
