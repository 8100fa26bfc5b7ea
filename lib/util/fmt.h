/* One formatter for text and JSON output.
 *
 * Every object has one format function (route, port, neighbour, stats) written
 * against this API; the same calls produce JSON (`vgwctl -j`) or aligned text
 * tables, so text, JSON and tests never drift apart.
 *
 * Shape rules: the output is one top-level object. A list directly under an
 * object is a table in text mode (one row per object, columns named by the
 * first row's keys); a list inside a row becomes one comma-joined cell; a named
 * object under an object is an indented "key: value" section. A list of
 * sections (vgw_fmt_sections_begin) is for objects that hold tables of their
 * own: a list in JSON, one titled section per object in text.
 * Contract: slow path only (allocates through vgw_buf). */
#ifndef VGW_FMT_H
#define VGW_FMT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

#define VGW_FMT_MAX_DEPTH 8
#define VGW_FMT_MAX_COLS 32 /* show service has 20 columns */

struct vgw_fmt {
	struct vgw_buf *out;
	bool json;
	int depth;
	struct {
		int role;
		bool first;
		bool untitled; /* text: an item of a list of sections, title not yet out */
		int col;
		const char *key; /* text: column name of a list inside a row; key of a
				  * list of sections */
	} st[VGW_FMT_MAX_DEPTH];
	/* text tables: rows are buffered to align columns at the list end */
	struct vgw_buf rows;
	struct vgw_buf cell;
	char *hdr[VGW_FMT_MAX_COLS];
	int ncols;
	int width[VGW_FMT_MAX_COLS];
	int nrows;
};

void vgw_fmt_init(struct vgw_fmt *f, struct vgw_buf *out, bool json);
/* Closes the top-level object and releases the formatter's scratch buffers. */
void vgw_fmt_finish(struct vgw_fmt *f);

void vgw_fmt_obj_begin(struct vgw_fmt *f, const char *key);
void vgw_fmt_obj_end(struct vgw_fmt *f);
void vgw_fmt_list_begin(struct vgw_fmt *f, const char *key);
void vgw_fmt_list_end(struct vgw_fmt *f);
/* A list whose objects each hold tables (a worker and its stages), directly
 * under an object or section; closed by vgw_fmt_list_end. JSON: a list. Text:
 * each object is an indented section titled by its first field, which should
 * be a scalar ("worker 0:" for {"worker":0,...}); an object that starts with
 * a container is titled by the list's key. */
void vgw_fmt_sections_begin(struct vgw_fmt *f, const char *key);

/* key is NULL for the items of a list of scalars. */
void vgw_fmt_str(struct vgw_fmt *f, const char *key, const char *val);
void vgw_fmt_u64(struct vgw_fmt *f, const char *key, uint64_t val);
void vgw_fmt_bool(struct vgw_fmt *f, const char *key, bool val);
/* An absent value (a route without a port, a neighbour without a MAC): JSON
 * null, so that scripts need no sentinel string; text "-". */
void vgw_fmt_null(struct vgw_fmt *f, const char *key);
/* vgw_fmt_str, or vgw_fmt_null when val is NULL. */
void vgw_fmt_str_or_null(struct vgw_fmt *f, const char *key, const char *val);
/* A ratio (packets per call, a percentage) with two decimals; a JSON number.
 * NaN and infinities, which JSON cannot carry, are written as 0. */
void vgw_fmt_double(struct vgw_fmt *f, const char *key, double val);

#endif
