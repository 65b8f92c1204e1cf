/*
 * exp and log in double precision (see mathf.h): argument reduction by
 * multiples of ln 2 in extra precision (Cody-Waite), then short
 * polynomials (Taylor coefficients, enough terms for < 1e-16 relative error
 * on the reduced range).
 */
#include "llm/support/mathf.h"

#include <stdint.h>

#include "llm/support/bits.h"

#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
#define INV_LN2 1.44269504088896338700e+00

/* 2^k for -1022 <= k <= 1023. */
static double pow2(int k)
{
    return f64_from_bits((uint64_t)(k + 1023) << 52);
}

double math_exp(double x)
{
    if (x != x)
        return x;
    if (x > 709.782712893384)
        return f64_from_bits(0x7ff0000000000000ull);
    if (x < -745.1332191019412)
        return 0.0;
    double kf = x * INV_LN2;
    int k = (int)(kf < 0 ? kf - 0.5 : kf + 0.5);
    double r = (x - k * LN2_HI) - k * LN2_LO; /* |r| <= ln2/2 */
    /* e^r by Taylor series to r^13/13!: |error| < 1e-17 for |r| <= 0.35. */
    double p = 1.0 / 6227020800.0;
    static const double inv_fact[] = { 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
                                       1.0 / 40320.0,     1.0 / 5040.0,     1.0 / 720.0,     1.0 / 120.0,
                                       1.0 / 24.0,        1.0 / 6.0,        0.5,             1.0,
                                       1.0 };
    for (int i = 0; i < 13; i++)
        p = p * r + inv_fact[i];
    if (k > 1023) /* only just below the overflow bound */
        return p * pow2(1023) * pow2(k - 1023);
    if (k < -1022)
        return p * pow2(k + 1022) * pow2(-1022);
    return p * pow2(k);
}

float math_expf(float x)
{
    return (float)math_exp((double)x);
}

float math_expf_approx(float x)
{
    const float shift = 0x1.8p23f;
    float z = x * 0x1.715476p+0f + shift; /* n = round(x / ln 2) sits in z's low mantissa bits */
    float n = z - shift;
    float b = x - n * 0x1.62e4p-1f; /* x - n ln 2 in two steps */
    b = b - n * 0x1.7f7d1cp-20f;
    uint32_t e = f32_to_bits(z) << 23;
    float k = f32_from_bits(e + f32_to_bits(1.0f)); /* 2^n when it is a normal float */
    float u = b * b;
    float j = ((0x1.0e4020p-7f * b + 0x1.573e2ep-5f) * u + (0x1.555e66p-3f * b + 0x1.fffdb6p-2f)) * u +
              0x1.ffffecp-1f * b; /* e^b - 1 */
    float an = n < 0 ? -n : n;
    if (!(an > 126.0f))
        return j * k + k;
    /* 2^n out of the normal range: scale in two steps (or saturate past 2^192). */
    uint32_t g = n <= 0.0f ? 0x82000000u : 0u;
    float s1 = f32_from_bits(g + 0x7f000000u);
    float s2 = f32_from_bits(e - g);
    if (an > 192.0f)
        return s1 * s1;
    return (s2 * j + s2) * s1;
}

double math_log(double x)
{
    if (x != x || x < 0)
        return f64_from_bits(0x7ff8000000000000ull);
    if (x == 0)
        return -f64_from_bits(0x7ff0000000000000ull);
    uint64_t u = f64_to_bits(x);
    int e = (int)((u >> 52) & 0x7ff);
    if (e == 0x7ff)
        return x; /* +inf */
    if (e == 0) { /* subnormal: scale into the normal range */
        x *= f64_from_bits(0x4350000000000000ull); /* 2^54 */
        u = f64_to_bits(x);
        e = (int)((u >> 52) & 0x7ff) - 54;
    }
    e -= 1023;
    double m = f64_from_bits((u & 0x000fffffffffffffull) | 0x3ff0000000000000ull); /* [1, 2) */
    if (m > 1.4142135623730951) {
        m *= 0.5;
        e++;
    }
    /* log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.1716 */
    double s = (m - 1.0) / (m + 1.0), s2 = s * s, term = s, sum = 0.0;
    for (int i = 1; i < 40; i += 2) {
        sum += term / i;
        term *= s2;
    }
    return e * LN2_HI + (e * LN2_LO + 2.0 * sum);
}
