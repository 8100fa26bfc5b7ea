/* Named drop reasons of the data path and counters of the slow path.
 * One X-macro table each: the enum, the counter names printed by
 * `show stats` and the telemetry keys come from the same list. */
#ifndef VGW_DROP_H
#define VGW_DROP_H

#define VGW_DROP_REASONS(X)                                                    \
	X(ETH_SHORT, "eth_short", "frame shorter than an Ethernet header")      \
	X(ETH_NOT_FOR_US, "eth_not_for_us", "destination MAC is not the port's") \
	X(ETHERTYPE_UNSUPPORTED, "ethertype_unsupported", "neither IPv4 nor ARP") \
	X(IP_SHORT, "ip_short", "frame shorter than a minimal IPv4 header")     \
	X(IP_BAD_VERSION, "ip_bad_version", "IP version is not 4")              \
	X(IP_BAD_IHL, "ip_bad_ihl", "header length below 20 bytes or past the frame") \
	X(IP_BAD_TOTAL_LEN, "ip_bad_total_len", "total length below the header length") \
	X(IP_TRUNCATED, "ip_truncated", "total length exceeds the frame")      \
	X(IP_BAD_CHECKSUM, "ip_bad_checksum", "header checksum mismatch")       \
	X(IP_BAD_SRC, "ip_bad_src", "martian source address")                  \
	X(IP_DST_NOT_UNICAST, "ip_dst_not_unicast", "multicast or broadcast destination") \
	X(TTL_EXCEEDED, "ttl_exceeded", "TTL reached zero (ICMP sent)")         \
	X(NO_ROUTE, "no_route", "no FIB entry for the destination")             \
	X(MTU_EXCEEDED, "mtu_exceeded", "larger than the egress MTU (ICMP sent if DF)") \
	X(LOCAL_UNSUPPORTED, "local_unsupported", "to-self packet with no handler") \
	X(PUNT_RING_FULL, "punt_ring_full", "slow path ring full")              \
	X(TX_FULL, "tx_full", "transmit queue full")                            \
	X(NO_HEADROOM, "no_headroom", "no mbuf headroom for the outer headers") \
	X(VXLAN_MALFORMED, "vxlan_malformed", "UDP/VXLAN header short or inconsistent") \
	X(VXLAN_OUTER_FRAGMENT, "vxlan_outer_fragment", "fragmented outer VXLAN packet") \
	X(VXLAN_UNKNOWN_VTEP, "vxlan_unknown_vtep", "VXLAN from an address that is no configured VTEP") \
	X(VXLAN_NO_I_FLAG, "vxlan_no_i_flag", "VXLAN I flag clear (no valid VNI)") \
	X(VXLAN_UNKNOWN_VNI, "vxlan_unknown_vni", "VNI of no configured VPC")    \
	X(VXLAN_INNER_NOT_IPV4, "vxlan_inner_not_ipv4", "inner frame short or not IPv4") \
	X(VXLAN_INNER_WRONG_MAC, "vxlan_inner_wrong_mac", "inner destination MAC is not the VPC gateway's") \
	X(VXLAN_SRC_NOT_ENDPOINT, "vxlan_src_not_endpoint", "inner source is no endpoint of the VNI") \
	X(VXLAN_SRC_WRONG_VTEP, "vxlan_src_wrong_vtep", "inner source lives behind another VTEP") \
	X(VPC_NO_EIP, "vpc_no_eip", "outbound from an endpoint without an EIP") \
	X(VTEP_NOT_CONFIGURED, "vtep_not_configured", "EIP traffic while the gateway has no VTEP") \
	X(EIP_NO_ENDPOINT, "eip_no_endpoint", "inbound to an EIP whose private address has no endpoint") \
	X(VXLAN_MTU_EXCEEDED, "vxlan_mtu_exceeded", "encapsulated packet over the underlay MTU (ICMP sent if DF)") \
	X(NAT_ICMP_UNTRANSLATABLE, "nat_icmp_untranslatable", "ICMP error whose quoted packet does not match the mapping") \
	X(L4_SHORT, "l4_short", "TCP/UDP header truncated (load-balanced flow)") \
	X(VIP_NO_SERVICE, "vip_no_service", "to a VIP address on a port/protocol with no service") \
	X(VIP_FRAGMENT, "vip_fragment", "fragment to a VIP (no ports to balance on)") \
	X(LB_NO_BACKEND, "lb_no_backend", "new flow to a service with no usable backend") \
	X(LB_SERVICE_FULL, "lb_service_full", "new flow over the service's max-conns share") \
	X(CT_FULL, "ct_full", "new flow while the connection table is full of replied flows") \
	X(CT_REPLY_CLASH, "ct_reply_clash", "new flow whose backend reply 5-tuple is another flow's") \
	X(HANDOFF_RING_FULL, "handoff_ring_full", "ring to the flow's owning worker full") \
	X(HOST_PUNT_LIMITED, "host_punt_limited", "to-self packet over the worker's host-port punt rate") \
	X(PUNT_ARP_LIMITED, "punt_arp_limited", "ARP over the worker's punt arp rate") \
	X(PUNT_NEIGH_LIMITED, "punt_neigh_limited", "packet to an unresolved next hop over the worker's punt neigh-miss rate") \
	X(PUNT_HEALTH_LIMITED, "punt_health_limited", "health-check answer over the worker's punt health rate") \
	X(HEALTH_NOT_PROBE_ANSWER, "health_not_probe_answer", "from a backend to a VIP address but no answer to a probe (not TCP SYN-ACK/RST to a probe port)") \
	X(IP_SRC_SPOOFED, "ip_src_spoofed", "source is the gateway's own, an EIP or a VIP address") \
	X(ICMP_ERROR_LIMITED, "icmp_error_limited", "ICMP error not sent: over the worker's icmp-error rate (packet dropped)")

#define VGW_SP_COUNTERS(X)                                                     \
	X(ARP_RX, "arp_rx", "ARP packets received")                             \
	X(ARP_BAD, "arp_bad", "malformed or unsupported ARP, or a multicast, zero or own sender MAC") \
	X(ARP_REPLY_TX, "arp_reply_tx", "ARP replies sent for own addresses")   \
	X(ARP_REQUEST_TX, "arp_request_tx", "ARP requests sent to resolve next hops") \
	X(ARP_UNSOLICITED_IGNORED, "arp_unsolicited_ignored", "ARP for an unknown IP that is no request addressed to us") \
	X(ARP_SENDER_NOT_CONNECTED, "arp_sender_not_connected", "ARP sender outside the port's subnets, a subnet edge or an address the gateway answers for") \
	X(ARP_STATIC_PROTECTED, "arp_static_protected", "ARP tried to change a static entry") \
	X(ARP_MAC_CHANGE_REFUSED, "arp_mac_change_refused", "ARP claiming another MAC for a learned neighbour: refused, the old MAC is verified") \
	X(ARP_VERIFY_CONFIRMED, "arp_verify_confirmed", "verifications the old MAC answered: the neighbour keeps it") \
	X(ARP_VERIFY_FAILED, "arp_verify_failed", "verifications the old MAC left unanswered: resolved again by broadcast") \
	X(ARP_INCOMPLETE_IGNORED, "arp_incomplete_ignored", "ARP about a next hop being resolved that is no reply to our request: ignored") \
	X(NEIGH_QUEUE_GLOBAL_FULL, "neigh_queue_global_full", "packets dropped: all resolution queues together at their bound") \
	X(NEIGH_TABLE_FULL, "neigh_table_full", "neighbour table at its cap")   \
	X(NEIGH_QUEUE_FULL, "neigh_queue_full", "packets dropped: resolution queue full") \
	X(NEIGH_RESOLVE_FAILED, "neigh_resolve_failed", "packets dropped: next hop did not answer") \
	X(INJECT_RING_FULL, "inject_ring_full", "slow path transmit ring full") \
	X(ARP_PROXY_REPLY_TX, "arp_proxy_reply_tx", "proxy ARP replies sent for EIPs and VIPs") \
	X(ARP_GRATUITOUS_TX, "arp_gratuitous_tx", "gratuitous ARP announcements sent for EIPs and VIPs") \
	X(HC_PROBE_TX, "hc_probe_tx", "health-check SYNs sent to backends") \
	X(HC_REPLY_RX, "hc_reply_rx", "health-check answers (SYN-ACK or RST) matched") \
	X(HC_REPLY_UNMATCHED, "hc_reply_unmatched", "packets to a health-check source matching no probe") \
	X(HC_TIMEOUT, "hc_timeout", "health-check probes unanswered within the interval") \
	X(HC_UP, "hc_up", "backends that passed rise checks and became up") \
	X(HC_DOWN, "hc_down", "backends that failed fall checks and became down") \
	X(TUNNEL_RING_FULL, "tunnel_ring_full", "slow path tunnel ring full") \
	X(ANN_ANNOUNCE, "ann_announce", "/32s added to the announce table (kernel acked)") \
	X(ANN_WITHDRAW, "ann_withdraw", "/32s deleted from the announce table (kernel acked)") \
	X(ANN_ERROR, "ann_error", "announce table requests refused or unanswered (retried)") \
	X(ANN_STALL, "ann_stall", "workers seen stalled: every announcement withdrawn") \
	X(HOST_RX, "host_rx", "frames Linux sent on a host port") \
	X(HOST_RX_NOT_IPV4, "host_rx_not_ipv4", "from Linux, dropped: not IPv4 (ARP, IPv6, ...)") \
	X(HOST_RX_BAD_IP, "host_rx_bad_ip", "from Linux, dropped: bad IPv4 header or source") \
	X(HOST_RX_NOT_UNICAST, "host_rx_not_unicast", "from Linux, dropped: multicast/broadcast") \
	X(HOST_RX_NO_ROUTE, "host_rx_no_route", "from Linux, dropped: no route") \
	X(HOST_RX_LOCAL, "host_rx_local", "from Linux, dropped: to our own address or an EIP") \
	X(HOST_RX_MTU_EXCEEDED, "host_rx_mtu_exceeded", "from Linux, dropped: over the egress MTU") \
	X(HOST_TX, "host_tx", "punted to-self frames handed to Linux") \
	X(HOST_TX_FULL, "host_tx_full", "punted to-self frames dropped: host port TX full") \
	X(ARP_KERNEL_PORT, "arp_kernel_port", "ARP punted from an af-xdp port, where the kernel does ARP: dropped") \
	X(KNEIGH_UPDATE, "kneigh_update", "kernel neighbours with a MAC applied (entry created or refreshed)") \
	X(KNEIGH_DELETE, "kneigh_delete", "kernel-learned entries removed: deleted, failed or without a MAC in the kernel") \
	X(KNEIGH_UNRESOLVED, "kneigh_unresolved", "kernel neighbours without a MAC that changed nothing (unknown, or still resolving)") \
	X(KNEIGH_STATIC_PROTECTED, "kneigh_static_protected", "kernel neighbours ignored: a static entry holds the address") \
	X(KNEIGH_NOT_CONNECTED, "kneigh_not_connected", "kernel neighbours ignored: not a neighbour address of the port's subnets") \
	X(KNEIGH_BAD_MAC, "kneigh_bad_mac", "kernel neighbours ignored: multicast or zero MAC") \
	X(KNEIGH_OTHER_IF, "kneigh_other_if", "kernel neighbours ignored: their interface is no af-xdp port") \
	X(KNEIGH_STALE_REFRESH, "kneigh_stale_refresh", "next hops vgwd asked for, reported STALE: the kernel is asked to confirm them") \
	X(KNEIGH_SWEPT, "kneigh_swept", "kernel-learned entries a dump no longer listed: removed") \
	X(KNEIGH_MSG, "kneigh_msg", "neighbour messages read from the kernel (notifications, dump and query answers)") \
	X(KNEIGH_IGNORED, "kneigh_ignored", "kernel neighbour messages not about an IPv4 unicast neighbour (IPv6, proxy, broadcast, ...)") \
	X(KNEIGH_MALFORMED, "kneigh_malformed", "kernel neighbour messages refused as malformed") \
	X(KNEIGH_FOREIGN, "kneigh_foreign", "netlink datagrams on the neighbour socket not sent by the kernel: dropped") \
	X(KNEIGH_QUERY_TX, "kneigh_query_tx", "RTM_GETNEIGH sent: vgwd asks the kernel for a next hop") \
	X(KNEIGH_REQUEST_TX, "kneigh_request_tx", "NTF_USE sent: the kernel resolves or re-confirms a next hop") \
	X(KNEIGH_REQUEST_ERROR, "kneigh_request_error", "queries or requests the kernel refused or that could not be sent") \
	X(KNEIGH_DUMP, "kneigh_dump", "dumps of the kernel's IPv4 neighbours (start-up, after an overrun)") \
	X(KNEIGH_OVERRUN, "kneigh_overrun", "netlink overruns (ENOBUFS): neighbour notifications lost, dumped again") \
	X(CTL_REFUSED, "ctl_refused", "control clients refused: every slot busy") \
	X(CTL_EVICTED, "ctl_evicted", "idle control clients closed to give their slot to a new one") \
	X(CTL_IDLE_CLOSED, "ctl_idle_closed", "control clients closed after 60 s without a request or output progress") \
	X(CTL_BAD_REQUEST, "ctl_bad_request", "control requests refused unrun: control byte, over-long line, bad flag") \
	X(CTL_PAUSED, "ctl_paused", "times a control client's unsent answers reached 256 KiB: its requests wait")

#define VGW_X_ENUM(id, name, help) VGW_DROP_##id,
enum vgw_drop { VGW_DROP_NONE = -1, VGW_DROP_REASONS(VGW_X_ENUM) VGW_DROP_MAX };
#undef VGW_X_ENUM
#define VGW_X_ENUM(id, name, help) VGW_SP_##id,
enum vgw_sp_counter { VGW_SP_COUNTERS(VGW_X_ENUM) VGW_SP_MAX };
#undef VGW_X_ENUM

extern const char *const vgw_drop_names[VGW_DROP_MAX];
extern const char *const vgw_sp_names[VGW_SP_MAX];

#endif
