/* The engine's exp/log/sincos against the host C library, over wide ranges and edge values. */
#include <math.h>

#include "llm/mathf.h"
#include "tests/suites.h"

static double rel_err(double got, double want)
{
    if (got == want)
        return 0;
    return fabs(got - want) / (fabs(want) > 1e-300 ? fabs(want) : 1e-300);
}

static void test_exp(void)
{
    double worst = 0;
    for (double x = -740; x < 709; x += 0.01237)
        worst = fmax(worst, rel_err(math_exp(x), exp(x)));
    CU_ASSERT(worst < 4e-16);
    CU_ASSERT_EQUAL(math_exp(0), 1.0);
    CU_ASSERT(isinf(math_exp(710)));
    CU_ASSERT_EQUAL(math_exp(-746), 0.0);
    CU_ASSERT(isnan(math_exp(NAN)));
    /* expf: within one float ulp of the library's. */
    int bad = 0;
    for (float x = -87.0f; x < 88.0f; x += 0.0123f) {
        float a = math_expf(x), b = expf(x);
        bad += fabsf(a - b) > nextafterf(b, INFINITY) - b;
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_log(void)
{
    double worst = 0;
    for (double x = 1e-300; x < 1e300; x *= 1.0137)
        worst = fmax(worst, rel_err(math_log(x), log(x)));
    for (double x = 0.5; x < 2.0; x += 1e-4) /* near 1, where log is near 0 */
        worst = fmax(worst, fabs(math_log(x) - log(x)));
    CU_ASSERT(worst < 4e-16);
    CU_ASSERT(isinf(math_log(0)) && math_log(0) < 0);
    CU_ASSERT(isnan(math_log(-1)));
    CU_ASSERT(fabs(math_log(4.9e-324) - log(4.9e-324)) < 1e-12); /* subnormal input */
}

static void test_sincos(void)
{
    double worst = 0;
    for (double x = -10000; x < 10000; x += 0.0731) {
        double s, c;
        math_sincos(x, &s, &c);
        worst = fmax(worst, fmax(fabs(s - sin(x)), fabs(c - cos(x))));
    }
    CU_ASSERT(worst < 1e-15);
    double s, c;
    math_sincos(0, &s, &c);
    CU_ASSERT_EQUAL(s, 0.0);
    CU_ASSERT_EQUAL(c, 1.0);
}

void test_mathf_register(void)
{
    CU_pSuite s = test_suite("mathf");
    TEST_ADD(s, test_exp);
    TEST_ADD(s, test_log);
    TEST_ADD(s, test_sincos);
}
