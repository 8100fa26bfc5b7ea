/* Counter name tables generated from drop.h. */
#include "drop.h"

#define VGW_X_NAME(id, name, help) [VGW_DROP_##id] = name,
const char *const vgw_drop_names[VGW_DROP_MAX] = {VGW_DROP_REASONS(VGW_X_NAME)};
#undef VGW_X_NAME
#define VGW_X_NAME(id, name, help) [VGW_SP_##id] = name,
const char *const vgw_sp_names[VGW_SP_MAX] = {VGW_SP_COUNTERS(VGW_X_NAME)};
#undef VGW_X_NAME
