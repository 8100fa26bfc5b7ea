/* Registers the /vgw/stats and /vgw/ports telemetry commands (start-up). */
#ifndef VGW_TELEMETRY_H
#define VGW_TELEMETRY_H

void vgw_telemetry_register(void);

#endif
