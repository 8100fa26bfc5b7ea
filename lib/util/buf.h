/* Growable text buffer used by the slow path (CLI output, running-config).
 * Contract: slow path only; allocates with malloc. A failed allocation sets
 * `oom` and later appends are ignored, so callers check once at the end. */
#ifndef VGW_BUF_H
#define VGW_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct vgw_buf {
	char *data;
	size_t len;
	size_t cap;
	bool oom;
};

void vgw_buf_init(struct vgw_buf *b);
void vgw_buf_free(struct vgw_buf *b);
void vgw_buf_reset(struct vgw_buf *b);
void vgw_buf_append(struct vgw_buf *b, const char *s, size_t n);
void vgw_buf_puts(struct vgw_buf *b, const char *s);
void vgw_buf_printf(struct vgw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vgw_buf_vprintf(struct vgw_buf *b, const char *fmt, va_list ap);

#endif
