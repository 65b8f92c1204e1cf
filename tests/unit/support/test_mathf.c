/* The engine's exp/log/sin/cos against the host C library, over wide ranges and edge values. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "llm/support/mathf.h"
#include "tests/unit/suites.h"

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

/* Error of a float result in units of the float spacing at the exact value. */
static double ulps(float got, double want)
{
    float w = (float)want;
    double spacing = (double)nextafterf(w, INFINITY) - (double)w;
    return fabs((double)got - want) / spacing;
}

static void test_expf_approx(void)
{
    double worst = 0;
    for (float x = -103.9f; x < 88.3f; x += 0.00731f)
        worst = fmax(worst, ulps(math_expf_approx(x), exp((double)x)));
    for (float x = -1.0f; x < 1.0f; x += 1.1e-5f) /* the reduced range itself, densely */
        worst = fmax(worst, ulps(math_expf_approx(x), exp((double)x)));
    CU_ASSERT(worst <= 1.95);
    CU_ASSERT(worst > 0); /* it is an approximation: a test of something else would see 0 */
    CU_ASSERT_EQUAL(math_expf_approx(0.0f), 1.0f);
    CU_ASSERT_EQUAL(math_expf_approx(-0.0f), 1.0f);
    CU_ASSERT(isinf(math_expf_approx(89.0f)));
    CU_ASSERT(isinf(math_expf_approx(INFINITY)));
    CU_ASSERT_EQUAL(math_expf_approx(-104.0f), 0.0f);
    CU_ASSERT_EQUAL(math_expf_approx(-INFINITY), 0.0f); /* the padding of a masked softmax row */
    CU_ASSERT(isnan(math_expf_approx(NAN)));
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

/*
 * Whether (s, c) differs from glibc's sinf/cosf of x: bit for bit where glibc
 * runs its FMA build (aarch64, x86-64 with FMA: what made the goldens), else
 * by more than an ulp.
 */
static bool sincosf_differs(float x, float s, float c)
{
#if defined(__x86_64__)
    bool exact = __builtin_cpu_supports("fma");
#else
    bool exact = true;
#endif
    float gs = sinf(x), gc = cosf(x);
    if (exact)
        return s != gs || c != gc;
    return fabsf(s - gs) > fabsf(nextafterf(gs, INFINITY) - gs) || fabsf(c - gc) > fabsf(nextafterf(gc, INFINITY) - gc);
}

/* glibc's sinf and cosf (what llama.cpp's RoPE calls), bit for bit. */
static void test_sincosf(void)
{
    int bad = 0, n = 0;
    for (float x = -300.0f; x < 300.0f; x += 0.000731f, n++) { /* both reductions, dense */
        float s, c;
        math_sincosf(x, &s, &c);
        bad += sincosf_differs(x, s, c);
    }
    uint32_t u = 0x9e3779b9u; /* every magnitude, by random bit patterns */
    for (int i = 0; i < 2000000; i++, n++) {
        u = u * 1664525u + 1013904223u;
        float x, s, c;
        memcpy(&x, &u, sizeof x);
        if (!isfinite(x))
            continue;
        math_sincosf(x, &s, &c);
        bad += sincosf_differs(x, s, c);
    }
    float theta_scale = powf(100000.0f, -2.0f / 64); /* RoPE's own angles up to position 8192 */
    for (int pos = 0; pos < 8192; pos++) {
        float theta = (float)pos;
        for (int i = 0; i < 32; i++, n++, theta *= theta_scale) {
            float s, c;
            math_sincosf(theta, &s, &c);
            bad += sincosf_differs(theta, s, c);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(n > 2000000);
    float s, c;
    math_sincosf(0.0f, &s, &c);
    CU_ASSERT(s == 0.0f && c == 1.0f);
    math_sincosf(INFINITY, &s, &c);
    CU_ASSERT(isnan(s) && isnan(c));
    math_sincosf(NAN, &s, &c);
    CU_ASSERT(isnan(s) && isnan(c));
}

/*
 * math_tanhf against the host's tanhf, which on glibc 2.28 to 2.40 is
 * fdlibm's algorithm too (2.41 moved to correctly rounded CORE-MATH code,
 * which differs in 2.8% of floats): every 4099th bit pattern, a dense run
 * over [-12, 12] and the edges. Exhaustively (all 2^32 floats, about a
 * minute natively) it was checked once: 0 differ from glibc 2.36 on x86-64,
 * where the goldens come from. Other hosts' libm may be built with fused
 * multiply-adds (aarch64 glibc 2.36: up to 3 ulp apart): there within 4 ulp.
 */
#ifdef __x86_64__
#define TANHF_MAX_ULP 0
#else
#define TANHF_MAX_ULP 4
#endif

static bool tanhf_differs(float x)
{
    float want = tanhf(x), got = math_tanhf(x);
    uint32_t a, b;
    if (isnan(want) || isnan(got))
        return isnan(want) != isnan(got);
    memcpy(&a, &want, 4), memcpy(&b, &got, 4);
    if ((a ^ b) >> 31)
        return want != got; /* +0 and -0 only */
    return (a > b ? a - b : b - a) > TANHF_MAX_ULP;
}

static void test_tanhf(void)
{
    int bad = 0, n = 0;
    for (uint64_t u = 0; u < 0x100000000ull; u += 4099, n++) {
        uint32_t v = (uint32_t)u;
        float x;
        memcpy(&x, &v, sizeof x);
        bad += tanhf_differs(x);
    }
    for (float x = -12.0f; x < 12.0f; x += 0.0001373f, n++)
        bad += tanhf_differs(x);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(n > 1000000);
    CU_ASSERT(math_tanhf(INFINITY) == 1.0f && math_tanhf(-INFINITY) == -1.0f && isnan(math_tanhf(NAN)));
    CU_ASSERT(signbit(math_tanhf(-0.0f)) && math_tanhf(-0.0f) == 0.0f);
    CU_ASSERT(math_tanhf(0x1p-60f) == 0x1p-60f && math_tanhf(30.0f) == 1.0f);
}

TEST_REGISTER(test_mathf_register)
{
    CU_pSuite s = test_suite("mathf");
    TEST_ADD(s, test_exp);
    TEST_ADD(s, test_expf_approx);
    TEST_ADD(s, test_log);
    TEST_ADD(s, test_sincosf);
    TEST_ADD(s, test_tanhf);
}
