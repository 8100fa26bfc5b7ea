/* ct_mem CAP...: the memory of a connection table of CAP entries per flow
 * and in total, as vgw_ct_create allocates it (lib/ct/ct.h), for the bench
 * report: "bytes per conntrack entry and the memory for 10M connections". */
#include <stdio.h>
#include <stdlib.h>

#include "ct/ct.h"

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		uint32_t cap = (uint32_t)strtoul(argv[i], NULL, 0);
		size_t b = vgw_ct_memsize(cap);
		printf("%u %.1f %.1f\n", cap, (double)b / cap, (double)b / (1 << 20));
	}
	return 0;
}
