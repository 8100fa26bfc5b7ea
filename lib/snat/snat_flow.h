/* The NIC rules that bring each reply to a SNAT mapping to the worker that
 * owns it (port/port_flow.h), built from the pools (snat.h) and the
 * ownership rule (snat_engine.h vgw_snat_port_owner):
 *   steer address  one rule per pool address: IPv4 to it -> the queue of its
 *                  worker (every protocol, ICMP too)
 *   steer port     per pool address and per residue r of the block number,
 *                  TCP and UDP to it with destination port bits
 *                  r << 6 under mask (residues - 1) << 6 -> queue r % workers;
 *                  ICMP echo replies stay on the software path (no rte_flow
 *                  item names the echo identifier on common NICs)
 * With one worker there is nothing to steer. Slow path. */
#ifndef VGW_SNAT_FLOW_H
#define VGW_SNAT_FLOW_H

#include <stdint.h>

#include "../port/port_flow.h"
#include "snat.h"

/* The rules for t with n_workers workers: their number; at most cap are
 * written to out (out may be NULL with cap 0, to count them). */
uint32_t vgw_snat_flow_rules(const struct vgw_snat_tables *t, unsigned int n_workers,
			     struct vgw_flow_rule *out, uint32_t cap);

/* Hands the current rules to the ports (after every pool change). 0, or -1
 * with err. */
int vgw_snat_flow_sync(char *err);

#endif
