/* Counter registration: see drop.h. */
#include "drop.h"

#include <stdio.h>
#include <string.h>

#include "module.h"
#include "../util/parse.h"

const char *vgw_drop_names[VGW_DROP_CAP];
const char *vgw_sp_names[VGW_SP_CAP];
uint16_t vgw_drop_n, vgw_sp_n;

/* Appends one module's set to a dense array of names. */
static int add_set(const struct vgw_module *mod, const struct vgw_counter_set *set,
		   const char **names, uint16_t *n, unsigned int cap, const char *what, char *err)
{
	if (!set->n)
		return 0;
	if (*n + set->n > cap) {
		snprintf(err, VGW_ERR_LEN, "module %s: %u %s do not fit (%u of %u taken)", mod->name,
			 set->n, what, *n, cap);
		return -1;
	}
	for (uint16_t i = 0; i < set->n; i++)
		for (uint16_t j = 0; j < *n; j++)
			if (strcmp(names[j], set->desc[i].name) == 0) {
				snprintf(err, VGW_ERR_LEN, "module %s: %s '%s' is another module's",
					 mod->name, what, set->desc[i].name);
				return -1;
			}
	*set->base = *n;
	for (uint16_t i = 0; i < set->n; i++)
		names[*n + i] = set->desc[i].name;
	*n = (uint16_t)(*n + set->n);
	return 0;
}

int vgw_counters_register(char *err)
{
	if (vgw_drop_n || vgw_sp_n)
		return 0;
	VGW_FOREACH_MODULE(mod) {
		if (add_set(mod, &mod->drops, vgw_drop_names, &vgw_drop_n, VGW_DROP_CAP,
			    "drop reasons", err) < 0 ||
		    add_set(mod, &mod->sp_counters, vgw_sp_names, &vgw_sp_n, VGW_SP_CAP,
			    "slow-path counters", err) < 0)
			return -1;
	}
	/* the core's indexes are constants: its sets must come first */
	if (vgw_modules[0]->drops.n != VGW_DROP_CORE_N ||
	    vgw_modules[0]->sp_counters.n != VGW_SP_CORE_N) {
		snprintf(err, VGW_ERR_LEN, "the core module's counters are not first in the table");
		return -1;
	}
	return 0;
}
