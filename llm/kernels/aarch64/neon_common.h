/*
 * Inline pieces the NEON kernels share: fp16 to float conversions, nibble
 * unpacking, and the 16-lane int8 multiply-accumulates of each level (plain
 * ARMv8.0 widening multiplies, SDOT). Included by the NEON kernel files of arch/aarch64
 * only; aarch64 builds only.
 */
#ifndef LLM_KERNELS_AARCH64_NEON_COMMON_H
#define LLM_KERNELS_AARCH64_NEON_COMMON_H

#include <arm_neon.h>
#include <stdint.h>

#include "llm/platform.h"

/* Target attributes of the levels above ARMv8.0: functions that use their instructions carry them. */
#define NEON_DOTPROD __attribute__((target("arch=armv8.2-a+dotprod")))
#define NEON_I8MM __attribute__((target("arch=armv8.2-a+dotprod+i8mm")))

/*
 * fp16 to float without FCVT where the value is normal. Both ways are exact
 * and give the same bits; moving a normal number's exponent and mantissa
 * into float position takes a few integer instructions, which QEMU runs
 * inline, where its FCVT/FCVTL is a soft-float call per lane (about 25 ns a
 * value under TCG, against 1-2 ns). Zeros, subnormals, infinities and NaNs
 * go through FCVT(L) itself, NaNs quieted as quant_fp16_to_f32 does.
 */
#define FP16_EXP_MASK 0x7c00u
#define FP16_REBIAS ((127u - 15u) << 23) /* float minus fp16 exponent bias, in float's exponent field */

/* Four fp16 values (bit patterns h) as floats. */
static inline float32x4_t fp16x4_to_f32(uint16x4_t h)
{
    uint16x4_t e = vand_u16(h, vdup_n_u16(FP16_EXP_MASK)); /* normal: 0x0400 <= e <= 0x7800 */
    uint16x4_t normal = vclt_u16(vsub_u16(e, vdup_n_u16(0x0400)), vdup_n_u16(0x7400 + 1));
    if (vget_lane_u64(vreinterpret_u64_u16(normal), 0) != ~(uint64_t)0)
        return vcvt_f32_f16(vreinterpret_f16_u16(h));
    uint32x4_t x = vshll_n_u16(h, 13); /* sign at bit 28, exponent and mantissa at bits 13-27 */
    uint32x4_t mag = vaddq_u32(vandq_u32(x, vdupq_n_u32(0x0fffe000u)), vdupq_n_u32(FP16_REBIAS));
    uint32x4_t sign = vshlq_n_u32(vandq_u32(x, vdupq_n_u32(0x10000000u)), 3);
    return vreinterpretq_f32_u32(vorrq_u32(mag, sign));
}

/* The fp16 value with bit pattern h as a float. */
static inline float fp16_to_f32(uint16_t h)
{
    uint32_t e = h & FP16_EXP_MASK;
    if (e == 0 || e == FP16_EXP_MASK) {
        __fp16 v;
        __builtin_memcpy(&v, &h, sizeof v);
        return (float)v;
    }
    uint32_t bits = ((uint32_t)(h & 0x8000u) << 16) | (((uint32_t)(h & 0x7fffu) << 13) + FP16_REBIAS);
    float f;
    __builtin_memcpy(&f, &bits, sizeof f);
    return f;
}

/* An fp16 field at any address as a float. */
static inline float ld_fp16(const uint8_t *p)
{
    uint16_t h;
    __builtin_memcpy(&h, p, sizeof h); /* inlined even under -fno-builtin */
    return fp16_to_f32(h);
}

/* Element j < 16 of a nibble block is the low nibble of byte j, element j + 16 the high one; bias is subtracted. */
static inline void nibbles(const uint8_t *qs, uint8_t bias, int8x16_t *lo, int8x16_t *hi)
{
    uint8x16_t b = vld1q_u8(qs);
    *lo = vreinterpretq_s8_u8(vsubq_u8(vandq_u8(b, vdupq_n_u8(0x0f)), vdupq_n_u8(bias)));
    *hi = vreinterpretq_s8_u8(vsubq_u8(vshrq_n_u8(b, 4), vdupq_n_u8(bias)));
}

/*
 * sum of a[i] * b[i] over 16 int8 lanes, added to acc: ARMv8.0 widening
 * multiplies, each product (up to 128 * 128, which int16 holds) widened to
 * 32 bits by the pairwise add, so no lane overflows for any bytes.
 */
static inline int32x4_t mla16(int32x4_t acc, int8x16_t a, int8x16_t b)
{
    acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
    return vpadalq_s16(acc, vmull_s8(vget_high_s8(a), vget_high_s8(b)));
}

/* The same sum by SDOT (ARMv8.2 dotprod). */
NEON_DOTPROD static inline int32x4_t sdot16(int32x4_t acc, int8x16_t a, int8x16_t b)
{
    return vdotq_s32(acc, a, b);
}

/*
 * x rounded to the nearest integer, ties to even, for |x| <= 2^22: what
 * FCVTNS gives there, as the bits of x + 1.5 * 2^23 (whose ulp is 1) less
 * those of 1.5 * 2^23. QEMU runs that float add as one call for the
 * vector, where FCVTNS costs it about four times as much.
 */
static inline int32x4_t round_even_small(float32x4_t x)
{
    return vsubq_s32(vreinterpretq_s32_f32(vaddq_f32(x, vdupq_n_f32(12582912.0f))), vdupq_n_s32(0x4b400000));
}

/* Float bits as unsigned keys in the order of the floats (-0 below +0); NaNs are told apart separately. */
static inline uint32x4_t float_order_key(uint32x4_t b)
{
    uint32x4_t flip = vorrq_u32(vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_u32(b), 31)), vdupq_n_u32(0x80000000u));
    return veorq_u32(b, flip);
}

/*
 * Attention rows: scores[0 .. r0) set to -inf (masked, so e = 0), then the
 * largest of scores[0 .. n) in every lane, as FMAX gives it (a NaN if any
 * is one). Compared as integers: QEMU's FMAX is a soft-float call per
 * lane.
 */
static inline float32x4_t masked_max(float *scores, uint32_t n, uint32_t r0)
{
    uint32_t r;
    for (r = 0; r < r0; r++)
        scores[r] = -__builtin_inff();
    uint32x4_t key = vdupq_n_u32(0), nan = vdupq_n_u32(0);
    for (r = 0; r < n; r += 4) {
        float tail[4];
        for (uint32_t i = 0; r + 4 > n && i < 4; i++)
            tail[i] = scores[r + i < n ? r + i : n - 1];
        uint32x4_t b = vreinterpretq_u32_f32(vld1q_f32(r + 4 <= n ? scores + r : tail));
        key = vmaxq_u32(key, float_order_key(b));
        nan = vorrq_u32(nan, vcgtq_u32(vandq_u32(b, vdupq_n_u32(0x7fffffffu)), vdupq_n_u32(0x7f800000u)));
    }
    if (vmaxvq_u32(nan))
        return vdupq_n_f32(__builtin_nanf(""));
    uint32_t k = vmaxvq_u32(key), bits = k & 0x80000000u ? k ^ 0x80000000u : ~k;
    return vreinterpretq_f32_u32(vdupq_n_u32(bits));
}

#endif
