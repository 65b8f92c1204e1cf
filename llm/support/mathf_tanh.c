/*
 * Single-precision tanh as glibc computes tanhf (see mathf.h), for the
 * GELU of Gemma's FFN and final-logit soft-capping. The algorithm is the
 * classic one from Sun's fdlibm, which glibc's flt-32 code still uses:
 * tanh(x) = 1 - 2 / (expm1(2|x|) + 2) for |x| >= 1 and
 * -expm1(-2|x|) / (expm1(-2|x|) + 2) below, with a float expm1 that reduces
 * its argument by k ln 2 (ln 2 split in a high and a low part), then a
 * rational approximation in x^2 / 2 with five coefficients, and
 * reconstructs 2^k (e^r - 1) + (2^k - 1). Every step is a float operation
 * rounded separately, in the order below, so the results are glibc's bit
 * for bit (tested on every float against the host's libm).
 */
#include "llm/support/mathf.h"

#include <stdbool.h>
#include <stdint.h>

#include "llm/support/bits.h"

#define EXPM1_LN2_HI 6.9313812256e-01f  /* 0x3f317180 */
#define EXPM1_LN2_LO 9.0580006145e-06f  /* 0x3717f7d1 */
#define EXPM1_INV_LN2 1.4426950216e+00f /* 0x3fb8aa3b */
#define EXPM1_Q1 -3.3333335072e-02f     /* 0xbd088889 */
#define EXPM1_Q2 1.5873016091e-03f      /* 0x3ad00d01 */
#define EXPM1_Q3 -7.9365076090e-05f     /* 0xb8a670cd */
#define EXPM1_Q4 4.0082177293e-06f      /* 0x36867e54 */
#define EXPM1_Q5 -2.0109921195e-07f     /* 0xb457edbb */

/* y with k added to its exponent (y normal, the result too). */
static float add_exponent(float y, int32_t k)
{
    return f32_from_bits((uint32_t)((int32_t)f32_to_bits(y) + k * (1 << 23)));
}

/* e^x - 1 for finite x with |x| < 27 ln 2 or x >= 0 below the overflow bound: all tanhf asks for. */
static float expm1f_fdlibm(float x)
{
    uint32_t hx = f32_to_bits(x) & 0x7fffffffu;
    bool neg = (f32_to_bits(x) >> 31) != 0;
    if (hx >= 0x4195b844u && neg)
        return 1.0e-30f - 1.0f; /* below -27 ln 2: -1 */
    int32_t k = 0;
    float c = 0.0f;
    if (hx > 0x3eb17218u) { /* |x| > ln2 / 2: reduce */
        float hi, lo;
        if (hx < 0x3f851592u) { /* |x| < 1.5 ln 2 */
            k = neg ? -1 : 1;
            hi = neg ? x + EXPM1_LN2_HI : x - EXPM1_LN2_HI;
            lo = neg ? -EXPM1_LN2_LO : EXPM1_LN2_LO;
        } else {
            k = (int32_t)(EXPM1_INV_LN2 * x + (neg ? -0.5f : 0.5f));
            float t = (float)k;
            hi = x - t * EXPM1_LN2_HI; /* exact */
            lo = t * EXPM1_LN2_LO;
        }
        x = hi - lo;
        c = (hi - x) - lo;
    } else if (hx < 0x33000000u) { /* |x| < 2^-25 */
        return x;
    }
    float hfx = 0.5f * x, hxs = x * hfx;
    float r1 = 1.0f + hxs * (EXPM1_Q1 + hxs * (EXPM1_Q2 + hxs * (EXPM1_Q3 + hxs * (EXPM1_Q4 + hxs * EXPM1_Q5))));
    float t = 3.0f - r1 * hfx;
    float e = hxs * ((r1 - t) / (6.0f - x * t));
    if (k == 0)
        return x - (x * e - hxs);
    e = (x * (e - c) - c);
    e -= hxs;
    if (k == -1)
        return 0.5f * (x - e) - 0.5f;
    if (k == 1)
        return x < -0.25f ? -2.0f * (e - (x + 0.5f)) : 1.0f + 2.0f * (x - e);
    if (k <= -2 || k > 56) /* e^x - 1 is e^x here */
        return (k == 128 ? (1.0f - (e - x)) * 2.0f * 0x1p127f : add_exponent(1.0f - (e - x), k)) - 1.0f;
    if (k < 23) {
        float one_minus = f32_from_bits(0x3f800000u - (0x1000000u >> k)); /* 1 - 2^-k */
        return add_exponent(one_minus - (e - x), k);
    }
    float y = x - (e + f32_from_bits((uint32_t)(0x7f - k) << 23)); /* 2^-k */
    return add_exponent(y + 1.0f, k);
}

float math_tanhf(float x)
{
    uint32_t jx = f32_to_bits(x), ix = jx & 0x7fffffffu;
    bool neg = (jx >> 31) != 0;
    if (ix >= 0x7f800000u) /* NaN stays NaN, tanh(+-inf) = +-1 */
        return ix > 0x7f800000u ? x + x : neg ? -1.0f : 1.0f;
    float z;
    if (ix >= 0x41b00000u) { /* |x| >= 22 */
        z = 1.0f - 1.0e-30f;
    } else if (ix == 0) {
        return x;
    } else if (ix < 0x24000000u) { /* |x| < 2^-55 */
        return x * (1.0f + x);
    } else {
        float ax = f32_from_bits(ix);
        if (ix >= 0x3f800000u) { /* |x| >= 1 */
            float t = expm1f_fdlibm(2.0f * ax);
            z = 1.0f - 2.0f / (t + 2.0f);
        } else {
            float t = expm1f_fdlibm(-2.0f * ax);
            z = -t / (t + 2.0f);
        }
    }
    return neg ? -z : z;
}
