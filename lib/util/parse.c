/* Strict parsers: see parse.h. */
#include "parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vgw_parse_ip4(const char *s, uint32_t *ip, char *err)
{
	struct in_addr a;
	if (!s || inet_pton(AF_INET, s, &a) != 1) {
		snprintf(err, VGW_ERR_LEN, "invalid IPv4 address '%s'", s ? s : "");
		return -1;
	}
	*ip = ntohl(a.s_addr);
	return 0;
}

int vgw_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *v, char *err)
{
	if (!s || !*s || strlen(s) > 20) {
		snprintf(err, VGW_ERR_LEN, "invalid number '%s'", s ? s : "");
		return -1;
	}
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p)) {
			snprintf(err, VGW_ERR_LEN, "invalid number '%s'", s);
			return -1;
		}
	}
	errno = 0;
	unsigned long long x = strtoull(s, NULL, 10);
	if (errno || x < min || x > max) {
		snprintf(err, VGW_ERR_LEN, "number '%s' out of range [%llu, %llu]", s,
			 (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*v = x;
	return 0;
}

int vgw_parse_prefix(const char *s, uint32_t *ip, uint8_t *len, int strict, char *err)
{
	char addr[VGW_IP4_STRLEN];
	const char *slash = s ? strchr(s, '/') : NULL;
	if (!slash || (size_t)(slash - s) >= sizeof(addr)) {
		snprintf(err, VGW_ERR_LEN, "invalid prefix '%s' (expected A.B.C.D/LEN)", s ? s : "");
		return -1;
	}
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	uint64_t l;
	char e2[VGW_ERR_LEN];
	if (vgw_parse_ip4(addr, ip, e2) < 0 || vgw_parse_u64(slash + 1, 0, 32, &l, e2) < 0) {
		snprintf(err, VGW_ERR_LEN, "invalid prefix '%s' (expected A.B.C.D/LEN, LEN 0-32)", s);
		return -1;
	}
	*len = (uint8_t)l;
	if (strict && (*ip & ~vgw_prefix_mask(*len))) {
		char buf[VGW_PREFIX_STRLEN];
		snprintf(err, VGW_ERR_LEN, "invalid prefix '%s': host bits set (did you mean %s?)",
			 s, vgw_prefix_str(*ip & vgw_prefix_mask(*len), *len, buf));
		return -1;
	}
	return 0;
}

int vgw_parse_mac(const char *s, uint8_t mac[6], char *err)
{
	unsigned int b[6];
	char tail;
	if (!s || strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6) {
		snprintf(err, VGW_ERR_LEN, "invalid MAC address '%s' (expected xx:xx:xx:xx:xx:xx)",
			 s ? s : "");
		return -1;
	}
	for (int i = 0; i < 17; i++) {
		if ((i % 3 == 2) ? s[i] != ':' : !isxdigit((unsigned char)s[i])) {
			snprintf(err, VGW_ERR_LEN, "invalid MAC address '%s'", s);
			return -1;
		}
	}
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

const char *vgw_ip4_str(uint32_t ip, char buf[VGW_IP4_STRLEN])
{
	snprintf(buf, VGW_IP4_STRLEN, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
		 ip & 0xff);
	return buf;
}

const char *vgw_prefix_str(uint32_t ip, uint8_t len, char buf[VGW_PREFIX_STRLEN])
{
	snprintf(buf, VGW_PREFIX_STRLEN, "%u.%u.%u.%u/%u", ip >> 24, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff, len);
	return buf;
}

const char *vgw_mac_str(const uint8_t mac[6], char buf[VGW_MAC_STRLEN])
{
	snprintf(buf, VGW_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return buf;
}

unsigned int vgw_edit_distance(const char *a, const char *b, unsigned int limit)
{
	size_t la = strlen(a), lb = strlen(b);
	/* three rows of the classic table on the stack: words to compare are
	 * setting and command names, a few bytes long */
	if (la > 63 || lb > 63)
		return limit + 1;
	unsigned int pp[64] = {0}, prev[64], cur[64];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (unsigned int)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (unsigned int)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			unsigned int del = prev[j] + 1, ins = cur[j - 1] + 1;
			unsigned int d = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			/* two neighbours swapped ("prot" for "port") cost one
			 * edit, the commonest typo (optimal string alignment) */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			cur[j] = d;
		}
		memcpy(pp, prev, sizeof(prev[0]) * (lb + 1));
		memcpy(prev, cur, sizeof(prev[0]) * (lb + 1));
	}
	return prev[lb];
}
