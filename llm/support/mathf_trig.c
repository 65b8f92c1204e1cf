/*
 * math_sincosf (see mathf.h): single-precision sine and cosine by the method
 * of glibc's sinf/cosf (from ARM's optimized routines), so that RoPE angles
 * equal llama.cpp's bit for bit. The argument is reduced to r in [-pi/4,
 * pi/4] and a quadrant n: below 120 by one multiply-subtract with pi/2 as a
 * double, above by a fixed-point product with 2/pi to 192 bits. Then
 * odd/even polynomials in double, rounded once to float. Every a + b * c is
 * one fused multiply-add, as in the FMA build of glibc that x86-64 machines
 * with FMA (and all aarch64 ones) run; with separate operations some
 * results differ by an ulp.
 */
#include "llm/support/mathf.h"

#include <stdbool.h>
#include <stdint.h>

#include "llm/support/bits.h"

/* The fused multiply-add instruction where there is one (aarch64), libm's otherwise. */
#define fmadd(a, b, c) __builtin_fma((a), (b), (c))

#define HALF_PI 0x1.921FB54442D18p0
#define TWO_OVER_PI_2_24 0x1.45F306DC9C883p+23 /* 2/pi * 2^24: the quadrant lands in bits 24..31 */
#define PI_2_63 0x1.921FB54442D18p-62          /* 2 pi * 2^-64: the scale of the fixed-point remainder */

static const double COS_POLY[5] = { 0x1p0, -0x1.ffffffd0c621cp-2, 0x1.55553e1068f19p-5, -0x1.6c087e89a359dp-10,
                                    0x1.99343027bf8c3p-16 };
static const double SIN_POLY[3] = { -0x1.555545995a603p-3, 0x1.1107605230bc4p-7, -0x1.994eb3774cf24p-13 };

/* 2/pi in binary: entry i holds bits 8i-23 .. 8i+8 after the point (8 new bits per entry, none unaligned). */
static const uint32_t TWO_OVER_PI_BITS[24] = {
    0x000000a2, 0x0000a2f9, 0x00a2f983, 0xa2f9836e, 0xf9836e4e, 0x836e4e44, 0x6e4e4415, 0x4e441529,
    0x441529fc, 0x1529fc27, 0x29fc2757, 0xfc2757d1, 0x2757d1f5, 0x57d1f534, 0xd1f534dd, 0xf534ddc0,
    0x34ddc0db, 0xddc0db62, 0xc0db6295, 0xdb629599, 0x6295993c, 0x95993c43, 0x993c4390, 0x3c439041,
};

/* Exponent and top mantissa bits of |x|: the coarse magnitude tests compare these. */
static uint32_t magnitude12(float x)
{
    return (f32_to_bits(x) >> 20) & 0x7ff;
}

/* sin(r) (cosine false) or cos(r), r in [-pi/4, pi/4], r2 = r * r. */
static float poly(double r, double r2, bool cosine)
{
    if (!cosine) {
        double r3 = r * r2;
        double tail = fmadd(r2, SIN_POLY[2], SIN_POLY[1]);
        return (float)fmadd(r3 * r2, tail, fmadd(r3, SIN_POLY[0], r));
    }
    double r4 = r2 * r2;
    double tail = fmadd(r2, COS_POLY[4], COS_POLY[3]);
    double head = fmadd(r4, COS_POLY[2], fmadd(r2, COS_POLY[1], COS_POLY[0]));
    return (float)fmadd(r4 * r2, tail, head);
}

/* x in [-120, 120]: x - n pi/2 with n = round(x / (pi/2)). */
static double reduce_small(double x, int *n)
{
    double q = x * TWO_OVER_PI_2_24;
    *n = ((int32_t)q + 0x800000) >> 24; /* rounds the quadrant; GCC shifts negative values arithmetically */
    return fmadd(-(double)*n, HALF_PI, x);
}

/* |x| >= 2 given as its bit pattern: the remainder of |x| by pi/2 as an exact 2.62 fixed-point product. */
static double reduce_large(uint32_t xi, int *n)
{
    const uint32_t *bits = &TWO_OVER_PI_BITS[(xi >> 26) & 15];
    uint32_t m = ((xi & 0xffffff) | 0x800000) << ((xi >> 23) & 7);
    uint64_t top = (uint32_t)(m * bits[0]); /* only its low 32 bits are below the 2-bit integer part */
    uint64_t mid = (uint64_t)m * bits[4];
    uint64_t bottom = (uint64_t)m * bits[8];
    uint64_t frac = ((bottom >> 32) | (top << 32)) + mid;
    uint64_t quadrant = (frac + (1ull << 61)) >> 62;
    frac -= quadrant << 62;
    *n = (int)quadrant;
    return (double)(int64_t)frac * PI_2_63;
}

void math_sincosf(float y, float *s, float *c)
{
    double x = y;
    uint32_t mag = magnitude12(y);
    if (mag < magnitude12((float)(HALF_PI / 2))) {
        if (mag < magnitude12(0x1p-12f)) {
            *s = y;
            *c = 1.0f;
        } else {
            *s = poly(x, x * x, false);
            *c = poly(x, x * x, true);
        }
        return;
    }
    if (mag >= magnitude12(f32_from_bits(0x7f800000u))) { /* inf or NaN */
        *s = *c = y - y;
        return;
    }
    int n, q;
    if (mag < magnitude12(120.0f)) {
        x = reduce_small(x, &n);
        q = n;
    } else {
        uint32_t xi = f32_to_bits(y);
        x = reduce_large(xi, &n);
        q = n + (int)(xi >> 31); /* the sign of y moves the quadrant, not the remainder */
    }
    /* Quadrants 1 and 2 negate the reduced argument, 2 and 3 the cosine polynomial. */
    double r = ((q & 3) == 1 || (q & 3) == 2) ? -x : x;
    float flip = (q & 2) ? -1.0f : 1.0f;
    float sin_part = poly(r, r * r, n & 1), cos_part = poly(r, r * r, !(n & 1));
    *s = (n & 1) ? flip * sin_part : sin_part;
    *c = (n & 1) ? cos_part : flip * cos_part;
}
