/* Port MTUs: what each kind of device can carry, and the mbuf data room
 * they need.
 *
 * vgw has no RX scatter (the data path reads a packet as one segment), so an
 * mbuf must hold the largest frame of any port. Rather than cap the MTU at
 * the default 2 KB data room, vgwd sizes the pool's data room from the
 * largest port MTU at start-up (a 9000-byte VXLAN underlay is normal).
 *
 * Where a port's MTU comes from:
 *  - a DPDK device (dev): the configured MTU (default 1500), set with
 *    rte_eth_dev_set_mtu; a device that refuses it fails start-up, naming
 *    its limits (port.c);
 *  - an af_packet device (dev net_af_packet...,iface=IF): the kernel
 *    interface's MTU. The PMD cannot raise it (it reports 1518-byte frames
 *    to ethdev, and would change the kernel's interface below that), so vgwd
 *    reads it: a configured MTU that differs is refused, none means take
 *    the interface's. Its frames (framesz devarg, default 2048) must hold
 *    the MTU: mtu <= framesz - 52, the PMD's own rule (TPACKET2 header),
 *    and its blocks (blocksz, default a page) whole frames: the PMD finds
 *    frame i at i * framesz;
 *  - an af-xdp port: the kernel interface's MTU (lib/xdp/xdp_port.c).
 *
 * Everything but vgw_port_kernel_mtu() is pure: unit-tested without EAL.
 * Contract: main thread, at configuration and start-up. */
#ifndef VGW_PORT_MTU_H
#define VGW_PORT_MTU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/gw.h"

#define VGW_PORT_MTU_MIN 576
#define VGW_PORT_MTU_MAX 9000
/* Bytes of a frame beyond its MTU an mbuf must hold: Ethernet header, one
 * VLAN tag of slack, and the CRC some NICs leave in place. */
#define VGW_PORT_FRAME_OVERHEAD (14 + 4 + 4)
/* af_packet: TPACKET2_HDRLEN, what a frame loses to the kernel's header
 * (the PMD refuses mtu > framesz - this), and what its RX queue setup
 * subtracts from framesz before comparing with the mbuf data room. */
#define VGW_PORT_AF_PACKET_HDR 52
#define VGW_PORT_AF_PACKET_RX_HDR 32
#define VGW_PORT_AF_PACKET_FRAMESZ 2048 /* the PMD's default framesz */

/* True for the af_packet PMD's devices (and its eth_af_packet alias). */
bool vgw_port_is_af_packet(const char *dev);

/* The value of KEY=VALUE among the devargs after the device name (dev is
 * "NAME,k=v,..."): copies it into out and returns true, false if absent. */
bool vgw_port_devarg(const char *dev, const char *key, char *out, size_t n);

/* framesz of an af_packet device: its devarg, else the PMD's default. */
unsigned int vgw_port_af_packet_framesz(const char *dev);

/* Configuration-time check of a port's MTU against what its device can
 * carry (af_packet frames). 0, or -1 with err naming the port. */
int vgw_port_mtu_check(const struct vgw_port *p, char *err);

/* The mbuf data room (headroom excluded) every port's largest frame needs,
 * at least RTE_MBUF_DEFAULT_DATAROOM: from each port's MTU in effect
 * (p->mtu) and each af_packet device's frame size. */
uint32_t vgw_port_data_room(void);

/* Start-up, before the mbuf pool exists: the MTU of every port whose kernel
 * interface has one (af_packet, af-xdp) is read into p->mtu; an af_packet
 * port with a configured MTU that differs fails, as does an interface MTU
 * its frames cannot hold. 0, or -1 with err. */
int vgw_port_kernel_mtu(char *err);

/* The MTU the kernel gives Linux interface ifname (SIOCGIFMTU); -1 with a
 * message when it cannot be read. Start-up only (a system call). */
int vgw_port_iface_mtu(const char *ifname, unsigned int *mtu, char *err);

#endif
