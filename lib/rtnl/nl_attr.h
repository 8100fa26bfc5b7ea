/* Netlink attribute walk shared by the pure parsers of lib/rtnl
 * (rtnl_parse.c: routes, neigh_parse.c: neighbours). Header only, no state;
 * any thread may use it, in practice the slow path.
 *
 * nl_attr_next() takes the next attribute of [*p, *p + *n): it checks the
 * attribute header and length against the bytes left (never trusting the
 * sender), copies the header out with memcpy (no alignment assumption) and
 * steps over the padding, which the last attribute may lack. */
#ifndef VGW_NL_ATTR_H
#define VGW_NL_ATTR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define VGW_NL_ATTR_HDR 4u /* struct rtattr / struct nlattr */
#define VGW_NL_ALIGN4(x) (((x) + 3u) & ~(size_t)3u)
#define VGW_NL_TYPE_MASK 0x3fffu /* NLA_TYPE_MASK: without the nested / byte-order flags */

struct vgw_nl_attr {
	uint16_t type; /* without the flag bits */
	const uint8_t *data;
	size_t size; /* payload bytes */
};

static inline uint32_t vgw_nl_get_u32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline uint16_t vgw_nl_get_u16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

/* 0 and *a filled, or -1 when the header or the length does not fit (a
 * trailing piece shorter than an attribute header is malformed too). */
static inline int vgw_nl_attr_next(const uint8_t **p, size_t *n, struct vgw_nl_attr *a)
{
	if (*n < VGW_NL_ATTR_HDR)
		return -1;
	uint16_t len = vgw_nl_get_u16(*p);
	if (len < VGW_NL_ATTR_HDR || len > *n)
		return -1;
	a->type = vgw_nl_get_u16(*p + 2) & VGW_NL_TYPE_MASK;
	a->data = *p + VGW_NL_ATTR_HDR;
	a->size = len - VGW_NL_ATTR_HDR;
	size_t step = VGW_NL_ALIGN4(len);
	if (step > *n)
		step = *n; /* the last attribute may lack its padding */
	*p += step;
	*n -= step;
	return 0;
}

#endif
