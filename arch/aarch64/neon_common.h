/*
 * Inline pieces the NEON kernels share: fp16 fields read by FCVT, nibble
 * unpacking, and the 16-lane int8 multiply-accumulates of each level (plain
 * ARMv8.0 widening multiplies, SDOT). Included by the NEON kernel files of arch/aarch64
 * only; aarch64 builds only.
 */
#ifndef ARCH_AARCH64_NEON_COMMON_H
#define ARCH_AARCH64_NEON_COMMON_H

#include <arm_neon.h>
#include <stdint.h>

#include "lib/string.h"

/* Target attributes of the levels above ARMv8.0: functions that use their instructions carry them. */
#define NEON_DOTPROD __attribute__((target("arch=armv8.2-a+dotprod")))
#define NEON_I8MM __attribute__((target("arch=armv8.2-a+dotprod+i8mm")))

/* An fp16 field at any address by the FCVT instruction: exact, NaNs quieted as quant_fp16_to_f32 does. */
static inline float ld_fp16(const uint8_t *p)
{
    __fp16 h;
    __builtin_memcpy(&h, p, sizeof h); /* inlined even under -fno-builtin */
    return (float)h;
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

#endif
