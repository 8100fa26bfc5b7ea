/* Text/JSON formatter: see fmt.h. */
#include "fmt.h"

#include <ctype.h>
#include <math.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum role { R_TOP, R_SECTION, R_TABLE, R_ROW, R_CELL_LIST, R_CELL_OBJ, R_SECTIONS };

#define CELL_SEP '\x1f'
#define ROW_SEP '\x1e'

static int role(const struct vgw_fmt *f)
{
	return f->st[f->depth].role;
}

static int indent_of(const struct vgw_fmt *f)
{
	int indent = 0;
	for (int d = 1; d <= f->depth; d++)
		if (f->st[d].role == R_SECTION)
			indent += 2;
	return indent;
}

/* Text: one cell of the current table row; the first row names the columns. */
static void table_cell(struct vgw_fmt *f, int row_depth, const char *key, const char *val)
{
	int c = f->st[row_depth].col++;
	if (c >= VGW_FMT_MAX_COLS)
		return;
	if (f->nrows == 0 && c >= f->ncols) {
		char *h = strdup(key ? key : "");
		for (char *p = h; p && *p; p++)
			*p = (char)toupper((unsigned char)*p);
		f->hdr[c] = h;
		f->ncols = c + 1;
		f->width[c] = h ? (int)strlen(h) : 0;
	}
	int w = (int)strlen(val);
	if (c < f->ncols && w > f->width[c])
		f->width[c] = w;
	if (c > 0)
		vgw_buf_append(&f->rows, (char[]){CELL_SEP}, 1);
	vgw_buf_puts(&f->rows, val);
}

static void push(struct vgw_fmt *f, int r)
{
	if (f->depth + 1 >= VGW_FMT_MAX_DEPTH) {
		f->out->oom = true; /* a programming error: refuse silently */
		return;
	}
	f->depth++;
	f->st[f->depth].role = r;
	f->st[f->depth].first = true;
	f->st[f->depth].untitled = false;
	f->st[f->depth].col = 0;
}

/* Text: the title line of an item of a list of sections, once, before its
 * first output: "key value:" from its first field, else the list's key. */
static void section_title(struct vgw_fmt *f, const char *key, const char *val)
{
	if (!f->st[f->depth].untitled)
		return;
	f->st[f->depth].untitled = false;
	int indent = indent_of(f) - 2;
	if (val)
		vgw_buf_printf(f->out, "%*s%s %s:\n", indent, "", key ? key : "", val);
	else
		vgw_buf_printf(f->out, "%*s%s:\n", indent, "", f->st[f->depth - 1].key ?
			       f->st[f->depth - 1].key : "");
}

static void json_str(struct vgw_buf *b, const char *s)
{
	vgw_buf_append(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			vgw_buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			vgw_buf_printf(b, "\\u%04x", c);
		else
			vgw_buf_append(b, (const char *)&c, 1);
	}
	vgw_buf_append(b, "\"", 1);
}

/* JSON: separator and key before a value or a container. */
static void json_key(struct vgw_fmt *f, const char *key)
{
	if (!f->st[f->depth].first)
		vgw_buf_append(f->out, ",", 1);
	f->st[f->depth].first = false;
	if (key && f->st[f->depth].role != R_TABLE && f->st[f->depth].role != R_CELL_LIST) {
		json_str(f->out, key);
		vgw_buf_append(f->out, ":", 1);
	}
}

void vgw_fmt_init(struct vgw_fmt *f, struct vgw_buf *out, bool json)
{
	memset(f, 0, sizeof(*f));
	f->out = out;
	f->json = json;
	f->st[0].role = R_TOP;
	f->st[0].first = true;
	vgw_buf_init(&f->rows);
	vgw_buf_init(&f->cell);
	if (json)
		vgw_buf_append(out, "{", 1);
}

void vgw_fmt_finish(struct vgw_fmt *f)
{
	if (f->json)
		vgw_buf_append(f->out, "}\n", 2);
	for (int i = 0; i < f->ncols; i++)
		free(f->hdr[i]);
	vgw_buf_free(&f->rows);
	vgw_buf_free(&f->cell);
}

/* Text: a scalar or a finished cell lands where the current frame wants it. */
static void text_value(struct vgw_fmt *f, const char *key, const char *val)
{
	int r = role(f);
	int indent = indent_of(f);

	if (f->st[f->depth].untitled) {
		section_title(f, key, val); /* the first field names the section */
		return;
	}
	switch (r) {
	case R_TOP:
	case R_SECTION:
		vgw_buf_printf(f->out, "%*s%s: %s\n", indent, "", key ? key : "", val);
		break;
	case R_TABLE: /* list of scalars: one per line */
		vgw_buf_printf(f->out, "%*s%s\n", indent, "", val);
		break;
	case R_ROW:
		table_cell(f, f->depth, key, val);
		break;
	case R_CELL_LIST:
		if (!f->st[f->depth].first)
			vgw_buf_puts(&f->cell, ", ");
		f->st[f->depth].first = false;
		vgw_buf_puts(&f->cell, val);
		break;
	case R_CELL_OBJ:
		if (!f->st[f->depth].first)
			vgw_buf_puts(&f->cell, " ");
		f->st[f->depth].first = false;
		vgw_buf_puts(&f->cell, val);
		break;
	}
}

static void text_table_flush(struct vgw_fmt *f, int indent)
{
	if (f->nrows > 0) {
		vgw_buf_printf(f->out, "%*s", indent, "");
		for (int c = 0; c < f->ncols; c++) {
			const char *h = f->hdr[c] ? f->hdr[c] : "";
			if (c + 1 < f->ncols)
				vgw_buf_printf(f->out, "%-*s  ", f->width[c], h);
			else
				vgw_buf_puts(f->out, h);
		}
		vgw_buf_puts(f->out, "\n");
		const char *p = f->rows.data;
		const char *end = p + f->rows.len;
		while (p < end) {
			vgw_buf_printf(f->out, "%*s", indent, "");
			int c = 0;
			while (p < end && *p != ROW_SEP) {
				const char *q = p;
				while (q < end && *q != CELL_SEP && *q != ROW_SEP)
					q++;
				int w = c < f->ncols ? f->width[c] : 0;
				bool last = (q >= end || *q == ROW_SEP);
				vgw_buf_append(f->out, p, (size_t)(q - p));
				if (!last)
					vgw_buf_printf(f->out, "%*s", w - (int)(q - p) + 2, "");
				c++;
				p = (q < end && *q == CELL_SEP) ? q + 1 : q;
			}
			vgw_buf_puts(f->out, "\n");
			if (p < end)
				p++;
		}
	}
	for (int i = 0; i < f->ncols; i++) {
		free(f->hdr[i]);
		f->hdr[i] = NULL;
	}
	f->ncols = 0;
	f->nrows = 0;
	vgw_buf_reset(&f->rows);
}

void vgw_fmt_obj_begin(struct vgw_fmt *f, const char *key)
{
	if (f->json) {
		json_key(f, key);
		vgw_buf_append(f->out, "{", 1);
		push(f, role(f) == R_TABLE ? R_ROW : R_SECTION);
		return;
	}
	switch (role(f)) {
	case R_TABLE:
		if (f->nrows > 0)
			vgw_buf_append(&f->rows, (char[]){ROW_SEP}, 1);
		push(f, R_ROW);
		break;
	case R_CELL_LIST:
		if (!f->st[f->depth].first)
			vgw_buf_puts(&f->cell, ", ");
		f->st[f->depth].first = false;
		push(f, R_CELL_OBJ);
		break;
	case R_SECTIONS:
		push(f, R_SECTION);
		f->st[f->depth].untitled = true;
		break;
	default:
		section_title(f, NULL, NULL);
		vgw_buf_printf(f->out, "%*s%s:\n", indent_of(f), "", key ? key : "");
		push(f, R_SECTION);
	}
}

void vgw_fmt_obj_end(struct vgw_fmt *f)
{
	if (f->json) {
		vgw_buf_append(f->out, "}", 1);
		f->depth--;
		return;
	}
	section_title(f, NULL, NULL); /* an empty item still shows */
	int r = role(f);
	f->depth--;
	if (r == R_ROW)
		f->nrows++;
}

void vgw_fmt_list_begin(struct vgw_fmt *f, const char *key)
{
	if (f->json) {
		json_key(f, key);
		vgw_buf_append(f->out, "[", 1);
		push(f, R_TABLE);
		return;
	}
	int r = role(f);
	if (r == R_ROW || r == R_CELL_OBJ || r == R_CELL_LIST) {
		if (r == R_ROW)
			vgw_buf_reset(&f->cell);
		push(f, R_CELL_LIST);
		f->st[f->depth].col = (r == R_ROW) ? 1 : 0; /* owns the cell */
		f->st[f->depth].key = key;
		return;
	}
	section_title(f, NULL, NULL);
	push(f, R_TABLE);
}

void vgw_fmt_sections_begin(struct vgw_fmt *f, const char *key)
{
	int r = role(f);
	if (f->json || (r != R_TOP && r != R_SECTION)) {
		vgw_fmt_list_begin(f, key); /* JSON, or misplaced: an ordinary list */
		return;
	}
	section_title(f, NULL, NULL);
	push(f, R_SECTIONS);
	f->st[f->depth].key = key;
}

void vgw_fmt_list_end(struct vgw_fmt *f)
{
	if (f->json) {
		vgw_buf_append(f->out, "]", 1);
		f->depth--;
		return;
	}
	int r = role(f);
	bool owns_cell = r == R_CELL_LIST && f->st[f->depth].col == 1;
	const char *key = f->st[f->depth].key;
	f->depth--;
	if (r == R_TABLE) {
		text_table_flush(f, indent_of(f));
	} else if (owns_cell) {
		table_cell(f, f->depth, key, f->cell.len ? f->cell.data : "-");
		vgw_buf_reset(&f->cell);
	}
}

void vgw_fmt_str(struct vgw_fmt *f, const char *key, const char *val)
{
	if (f->json) {
		json_key(f, key);
		json_str(f->out, val);
		return;
	}
	text_value(f, key, val);
}

void vgw_fmt_u64(struct vgw_fmt *f, const char *key, uint64_t val)
{
	if (f->json) {
		json_key(f, key);
		vgw_buf_printf(f->out, "%" PRIu64, val);
		return;
	}
	char s[24];
	snprintf(s, sizeof(s), "%" PRIu64, val);
	text_value(f, key, s);
}

void vgw_fmt_bool(struct vgw_fmt *f, const char *key, bool val)
{
	if (f->json) {
		json_key(f, key);
		vgw_buf_puts(f->out, val ? "true" : "false");
		return;
	}
	text_value(f, key, val ? "yes" : "no");
}

void vgw_fmt_double(struct vgw_fmt *f, const char *key, double val)
{
	char s[330]; /* -DBL_MAX is 309 digits, then ".00" */
	snprintf(s, sizeof(s), "%.2f", isfinite(val) ? val : 0.0);
	if (f->json) {
		json_key(f, key);
		vgw_buf_puts(f->out, s);
		return;
	}
	text_value(f, key, s);
}

void vgw_fmt_null(struct vgw_fmt *f, const char *key)
{
	if (f->json) {
		json_key(f, key);
		vgw_buf_puts(f->out, "null");
		return;
	}
	text_value(f, key, "-");
}

void vgw_fmt_str_or_null(struct vgw_fmt *f, const char *key, const char *val)
{
	if (val)
		vgw_fmt_str(f, key, val);
	else
		vgw_fmt_null(f, key);
}
