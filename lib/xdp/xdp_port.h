/* AF_XDP ports: bring-up and tear-down of `port NAME af-xdp IFNAME`.
 *
 * The port is DPDK's af_xdp PMD on a Linux interface the kernel keeps, with
 * vgw's XDP program (vgw_xdp.bpf.c, devarg xdp_prog) steering only the
 * gateway's traffic to vgwd. The PMD loads and attaches the program when the
 * port's first RX queue is set up and detaches it when the port is closed;
 * this module makes that safe and its failures clear:
 *
 *   vgw_xdp_prepare   (main thread, after EAL init, before vgw_port_init):
 *       bpffs mounted on /sys/fs/bpf when missing; the interface exists and
 *       carries the port's addresses; its queues match the workers (one
 *       AF_XDP socket per worker, none left unserved); a program of ours left
 *       by a crashed vgwd is detached, anyone else's is refused; a dry run
 *       loads the program and attaches it natively (then detaches it) so
 *       that the kernel's, the driver's or the permissions' refusal is
 *       reported in words before DPDK tries; the MTU is the interface's;
 *       the devargs are completed (iface, queues, xdp_prog).
 *   vgw_xdp_started   (main thread, after vgw_port_init): records the
 *       attachment (program id, native or generic mode) and finds the
 *       program's counters map.
 *   vgw_xdp_close     (main thread, after vgw_port_close): checks that the
 *       program is gone from every interface, detaching it if the PMD did not
 *       (a port that failed half-way).
 *
 * Readers: `show xdp` (xdp_cli.c) reads vgw_xdp_port_info() on the slow
 * path; the state is written only by the functions above. */
#ifndef VGW_XDP_PORT_H
#define VGW_XDP_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/gw.h"
#include "../util/parse.h"
#include "xdp_abi.h"

/* `xdp program PATH` (xdp_module.c), "" = the default: written by the
 * settings loader, read only once the settings are finished. */
struct vgw_xdp_conf {
	char program[VGW_DEVARGS_LEN];
};
extern struct vgw_xdp_conf vgw_xdp_conf;

struct vgw_xdp_port_info {
	uint32_t prog_id;  /* 0: not attached */
	uint8_t mode;      /* XDP_ATTACHED_DRV (native) / _SKB (generic) / ... */
	uint16_t queues;   /* AF_XDP sockets (= RX queues bound) */
	int stats_fd;      /* the attachment's counters map, -1 if unknown */
};

/* true when any port is an af-xdp port */
bool vgw_xdp_any(void);
int vgw_xdp_prepare(char *err);
int vgw_xdp_started(char *err);
void vgw_xdp_close(void);

const struct vgw_xdp_port_info *vgw_xdp_port_info(uint16_t port);
/* "native", "generic", "offload", "-" */
const char *vgw_xdp_mode_name(uint8_t mode);
/* Sums the per-CPU counters of port's attachment into c (zeros if none). */
void vgw_xdp_port_counters(uint16_t port, uint64_t c[VGW_XDP_ST_MAX]);
/* The program file the af-xdp ports load. */
const char *vgw_xdp_program_path(void);

#endif
