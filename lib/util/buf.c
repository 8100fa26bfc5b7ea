/* Growable text buffer: see buf.h. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vgw_buf_init(struct vgw_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void vgw_buf_free(struct vgw_buf *b)
{
	free(b->data);
	vgw_buf_init(b);
}

void vgw_buf_reset(struct vgw_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->data)
		b->data[0] = '\0';
}

static bool reserve(struct vgw_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void vgw_buf_append(struct vgw_buf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void vgw_buf_puts(struct vgw_buf *b, const char *s)
{
	vgw_buf_append(b, s, strlen(s));
}

void vgw_buf_vprintf(struct vgw_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || !reserve(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void vgw_buf_printf(struct vgw_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vgw_buf_vprintf(b, fmt, ap);
	va_end(ap);
}
