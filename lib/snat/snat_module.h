/* The snat module's process-wide state (snat_module.c): the workers'
 * engines and the handoff kinds the stage uses.
 *
 * Start-up values: set by the module's init on the main thread before any
 * worker runs, read by workers (engines[w->idx], the kinds) and by the slow
 * path (counters, `show snat`); freed by fini after the workers ended. */
#ifndef VGW_SNAT_MODULE_H
#define VGW_SNAT_MODULE_H

#include "../core/gw.h"

struct vgw_snat_engine;
extern struct vgw_snat_engine *vgw_snat_engines[VGW_MAX_WORKERS];
extern int vgw_snat_handoff_out, vgw_snat_handoff_in, vgw_snat_handoff_icmp;

extern const struct vgw_cmd vgw_snat_cmds[]; /* snat_cli.c */
void vgw_snat_running_config(struct vgw_buf *b);

#endif
