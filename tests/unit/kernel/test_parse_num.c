/* Shell number parsing (kernel/parse_num.c): integers with bounds, decimal fractions, and refusals. */
#include <math.h>
#include <stdlib.h>

#include "kernel/parse_num.h"
#include "tests/unit/suites.h"

static void test_u64(void)
{
    uint64_t v = 7;
    CU_ASSERT(parse_u64("0", 10, &v) && v == 0);
    CU_ASSERT(parse_u64("4096", 4096, &v) && v == 4096);
    CU_ASSERT(parse_u64("18446744073709551615", UINT64_MAX, &v) && v == UINT64_MAX);
    v = 7;
    CU_ASSERT_FALSE(parse_u64("4097", 4096, &v));
    CU_ASSERT_FALSE(parse_u64("18446744073709551616", UINT64_MAX, &v));
    CU_ASSERT_FALSE(parse_u64("", 10, &v));
    CU_ASSERT_FALSE(parse_u64("-1", 10, &v));
    CU_ASSERT_FALSE(parse_u64("+1", 10, &v));
    CU_ASSERT_FALSE(parse_u64("1 ", 10, &v));
    CU_ASSERT_FALSE(parse_u64("12abc", 100, &v));
    CU_ASSERT_FALSE(parse_u64("0x10", 100, &v));
    CU_ASSERT_EQUAL(v, 7); /* untouched on failure */
}

static void test_float(void)
{
    static const char *good[] = { "0",   "0.7",   "1.5",  ".5",   "5.",     "-0.25", "+2", "1e-3",
                                  "2E2", "3.5e+1", "0.000001", "12345678901234567890123", "0.1234567890123456789012" };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        float f = -99;
        CU_ASSERT_TRUE(parse_float(good[i], &f));
        double want = strtod(good[i], NULL);
        CU_ASSERT(fabs(f - want) <= 1e-6 * fabs(want));
    }
    static const char *bad[] = { "", ".", "-", "e5", "1e", "1e+", "1.2.3", "abc", "1 ", " 1", "1f", "nan", "inf",
                                 "1e31", "0x1p3" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        float f = 42;
        CU_ASSERT_FALSE(parse_float(bad[i], &f));
        CU_ASSERT_EQUAL(f, 42);
    }
    float f;
    CU_ASSERT(parse_float("1e-999", &f) && f == 0.0f);
}

TEST_REGISTER(test_parse_num_register)
{
    CU_pSuite s = test_suite("parse_num");
    TEST_ADD(s, test_u64);
    TEST_ADD(s, test_float);
}
