/* Registers the /vgw/stats, /vgw/ports and /vgw/runtime telemetry commands
 * (start-up). */
#ifndef VGW_TELEMETRY_H
#define VGW_TELEMETRY_H

void vgw_telemetry_register(void);

#endif
