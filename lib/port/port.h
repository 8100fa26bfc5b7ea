/* DPDK port bring-up and tear-down.
 *
 * Each configured port gets min(workers, device max) RX queues (RSS spreads
 * flows over them; worker w polls queue w), one TX queue per worker (worker w
 * owns TX queue w, so no TX lock exists anywhere), a TX buffer per worker, and
 * an inject ring that the slow path fills and worker 0 drains.
 * Contract: main thread, before workers start / after they stop. */
#ifndef VGW_PORT_H
#define VGW_PORT_H

#include "../util/parse.h"
#include "../cli/cli.h"

/* Probes the devices and configures queues, MACs, rings (not started). */
int vgw_port_init(char *err);
int vgw_port_start(char *err);
/* Stops and closes every port (flushes pcap outputs, detaches devices). */
void vgw_port_close(void);

/* Its commands (the *_cli.c files), ended by words == NULL. */
extern const struct vgw_cmd vgw_port_cmds[];
/* object names the commands take, for completion (cli/cli.h) */
extern const struct vgw_cli_names vgw_port_names[];

#endif
