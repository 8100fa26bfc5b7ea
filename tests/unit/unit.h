/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * unit.h - helpers shared by the CUnit unit tests of lib/ (header only).
 *
 * ASSERT_EQ / ASSERT_STR are CUnit assertions that also print both values
 * on failure (CUnit's own macros print only the expression), so a failing
 * run says what was produced. unit_run() registers one suite, runs it
 * verbosely and returns the process exit code: 0 when every assertion held,
 * 1 otherwise. unit_rand() is a fixed-seed PRNG so that every "random" test
 * is reproducible.
 */
#ifndef VGW_UNIT_H
#define VGW_UNIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#ifdef UNIT_LIBVGW /* linked with libvgw (tests/unit/meson.build) */
#include "core/drop.h"
#endif

#define ASSERT_EQ(a, b)                                                                   \
	do {                                                                              \
		long long a_ = (long long)(a), b_ = (long long)(b);                       \
		if (a_ != b_)                                                             \
			fprintf(stderr, "\n  %s:%d: %s == %s: got %lld (0x%llx), want %lld (0x%llx)\n", \
				__FILE__, __LINE__, #a, #b, a_, (unsigned long long)a_, b_,  \
				(unsigned long long)b_);                                     \
		CU_assertImplementation(a_ == b_, __LINE__, #a " == " #b, __FILE__, "",  \
					CU_FALSE);                                        \
	} while (0)

#define ASSERT_STR(a, b)                                                                  \
	do {                                                                              \
		const char *a_ = (a), *b_ = (b);                                          \
		bool ok_ = a_ && b_ && strcmp(a_, b_) == 0;                               \
		if (!ok_)                                                                 \
			fprintf(stderr, "\n  %s:%d: %s\n  got:  [%s]\n  want: [%s]\n",     \
				__FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
		CU_assertImplementation(ok_, __LINE__, #a " eq " #b, __FILE__, "", CU_FALSE); \
	} while (0)

/* True when haystack contains needle (prints both otherwise). */
#define ASSERT_CONTAINS(hay, needle)                                                      \
	do {                                                                              \
		const char *h_ = (hay), *n_ = (needle);                                   \
		bool ok_ = h_ && n_ && strstr(h_, n_) != NULL;                            \
		if (!ok_)                                                                 \
			fprintf(stderr, "\n  %s:%d: [%s] does not contain [%s]\n", __FILE__, \
				__LINE__, h_ ? h_ : "(null)", n_ ? n_ : "(null)");          \
		CU_assertImplementation(ok_, __LINE__, #hay " contains " #needle, __FILE__, \
					"", CU_FALSE);                                    \
	} while (0)

struct unit_test {
	const char *name;
	CU_TestFunc fn;
};

static inline int unit_run(const char *suite_name, const struct unit_test *tests, size_t n)
{
#ifdef UNIT_LIBVGW
	/* as vgwd does first: every module's counters get their indexes */
	char err[256];
	if (vgw_counters_register(err) < 0) {
		fprintf(stderr, "counters: %s\n", err);
		return 1;
	}
#endif
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite(suite_name, NULL, NULL);
	if (!s) {
		CU_cleanup_registry();
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (!CU_add_test(s, tests[i].name, tests[i].fn)) {
			CU_cleanup_registry();
			return 1;
		}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned int failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	unsigned int run = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	return (failed == 0 && run == n) ? 0 : 1;
}

/* xorshift64*: deterministic, good enough for test inputs. */
static inline uint32_t unit_rand(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15ull;
	s ^= s >> 12;
	s ^= s << 25;
	s ^= s >> 27;
	return (uint32_t)((s * 0x2545f4914f6cdd1dull) >> 32);
}

/* Independent RFC 1071 checksum (not the one under test): big-endian 16-bit
 * words, end-around carry, inverted. Returns the host-order value. */
static inline uint16_t unit_cksum(const uint8_t *p, size_t len)
{
	uint64_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* True when the checksum over p (field included) verifies. */
static inline bool unit_cksum_ok(const uint8_t *p, size_t len)
{
	return unit_cksum(p, len) == 0;
}

#endif
