/* Strict parsers for words from outside (CLI, startup file).
 * Pure functions: no allocation, no global state. Each returns 0 on success and
 * -1 on error with a human message in err (size VGW_ERR_LEN).
 * IPv4 addresses are returned in host byte order. */
#ifndef VGW_PARSE_H
#define VGW_PARSE_H

#include <stdint.h>

#define VGW_ERR_LEN 256
#define VGW_WHERE_LEN 160 /* "FILE:LINE" of a startup-file line */

int vgw_parse_ip4(const char *s, uint32_t *ip, char *err);
/* A.B.C.D/LEN; with strict, host bits set past LEN are an error. */
int vgw_parse_prefix(const char *s, uint32_t *ip, uint8_t *len, int strict, char *err);
int vgw_parse_mac(const char *s, uint8_t mac[6], char *err);
/* Decimal only, within [min, max]. */
int vgw_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *v, char *err);

/* Edit distance between a and b: insertions, deletions, substitutions and
 * swaps of two neighbours count one each (optimal string alignment). Words
 * over 63 bytes give limit + 1: "did you mean" suggestions only ask whether
 * it is at most a small limit. */
unsigned int vgw_edit_distance(const char *a, const char *b, unsigned int limit);

/* Formatting helpers (output into caller buffers). */
#define VGW_IP4_STRLEN 24
#define VGW_PREFIX_STRLEN 24
#define VGW_MAC_STRLEN 18
const char *vgw_ip4_str(uint32_t ip, char buf[VGW_IP4_STRLEN]);
const char *vgw_prefix_str(uint32_t ip, uint8_t len, char buf[VGW_PREFIX_STRLEN]);
const char *vgw_mac_str(const uint8_t mac[6], char buf[VGW_MAC_STRLEN]);

static inline uint32_t vgw_prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

#endif
