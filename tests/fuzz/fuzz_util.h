/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_util.h - helpers shared by the libFuzzer targets; header only.
 *
 * fuzz_dup() copies the input into a heap buffer of exactly its size, so that
 * ASan reports a parser that reads (or a rewrite that writes) one byte past
 * the bytes it was given; a target that rewrites in place needs its own copy
 * anyway (libFuzzer's input is const). FUZZ_CHECK() turns a broken property
 * into a crash libFuzzer keeps, with the property's text on stderr.
 */
#ifndef VGW_FUZZ_UTIL_H
#define VGW_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A malloc'ed copy of exactly size bytes (malloc(0) may give NULL: a
 * one-byte allocation then, still with nothing readable past size). */
static inline uint8_t *fuzz_dup(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	return p;
}

/* The same, as a C string: size bytes and a NUL. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#define FUZZ_CHECK(cond)                                                              \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__,    \
				__LINE__, #cond);                                     \
			abort();                                                      \
		}                                                                     \
	} while (0)

/* Reads n bytes (n <= 4) big-endian from *p, advancing; 0 past the end. */
static inline uint32_t fuzz_take(const uint8_t **p, size_t *left, int n)
{
	uint32_t v = 0;
	for (int i = 0; i < n; i++) {
		v <<= 8;
		if (*left) {
			v |= **p;
			(*p)++;
			(*left)--;
		}
	}
	return v;
}

#endif
