/*
 * NEON IQ4_NL and IQ4_XS dots (see quant_neon_iq4.h): per 32-element group,
 * TBL maps the low and high nibbles of 16 bytes to levels, a multiply-
 * accumulate (widening MLA or SDOT) sums their products with the int8
 * activations exactly, and the float terms follow the scalar code.
 */
#include "llm/kernels/aarch64/quant_neon_iq4.h"

#include "llm/kernels/aarch64/neon_common.h"
#include "llm/quant/blocks.h"
#include "llm/quant/quant.h"

#define INLINE static inline __attribute__((always_inline))

typedef int32x4_t (*mla_fn)(int32x4_t acc, int8x16_t a, int8x16_t b);

/* The integer dot of one group's levels (nibbles of qs[0 .. 16)) with 32 int8 activations at q8. */
INLINE int32_t group_isum(mla_fn mla, int8x16_t levels, const uint8_t *qs, const int8_t *q8)
{
    uint8x16_t b = vld1q_u8(qs);
    int8x16_t lo = vqtbl1q_s8(levels, vandq_u8(b, vdupq_n_u8(0x0f))), hi = vqtbl1q_s8(levels, vshrq_n_u8(b, 4));
    return vaddvq_s32(mla(mla(vdupq_n_s32(0), lo, vld1q_s8(q8)), hi, vld1q_s8(q8 + 16)));
}

/* IQ4_NL: (dy * dx) * sumi per block. */
INLINE float dot_nl(mla_fn mla, const void *w, const void *act, size_t n)
{
    const int8x16_t levels = vld1q_s8(quant_iq4_levels);
    const uint8_t *x = w, *y = act;
    float sum = 0.0f;
    for (size_t i = 0; i < n / QUANT_QK; i++, x += sizeof(block_iq4_nl), y += sizeof(block_q8_0)) {
        int32_t sumi = group_isum(mla, levels, x + offsetof(block_iq4_nl, qs),
                                  (const int8_t *)y + offsetof(block_q8_0, qs));
        sum += (ld_fp16(y) * ld_fp16(x)) * (float)sumi;
    }
    return sum;
}

/* IQ4_XS: (dx * dy) * (scale - 32) * sumi per group of 32. */
INLINE float dot_xs(mla_fn mla, const void *w, const void *act, size_t n)
{
    const int8x16_t levels = vld1q_s8(quant_iq4_levels);
    const uint8_t *x = w, *y = act;
    float sum = 0.0f;
    for (size_t i = 0; i < n / QUANT_QK_K; i++, x += sizeof(block_iq4_xs), y += sizeof(block_q8_k)) {
        float dy;
        __builtin_memcpy(&dy, y + offsetof(block_q8_k, d), sizeof dy);
        float d = ld_fp16(x) * dy;
        uint32_t h = (uint32_t)x[offsetof(block_iq4_xs, scales_h)] | (uint32_t)x[offsetof(block_iq4_xs, scales_h) + 1] << 8;
        const uint8_t *sl = x + offsetof(block_iq4_xs, scales_l), *qs = x + offsetof(block_iq4_xs, qs);
        const int8_t *q8 = (const int8_t *)y + offsetof(block_q8_k, qs);
        for (int g = 0; g < QUANT_QK_K / QUANT_QK; g++) {
            int32_t scale = (int32_t)(((sl[g / 2] >> (4 * (g % 2))) & 0xf) | ((h >> (2 * g)) & 3) << 4) - 32;
            int32_t sumi = group_isum(mla, levels, qs + 16 * g, q8 + 32 * g);
            sum += d * (float)scale * (float)sumi;
        }
    }
    return sum;
}

float quant_vec_dot_iq4_nl_q8_0_neon(const void *w, const void *act, size_t n) { return dot_nl(mla16, w, act, n); }
float quant_vec_dot_iq4_xs_q8_k_neon(const void *w, const void *act, size_t n) { return dot_xs(mla16, w, act, n); }

NEON_DOTPROD float quant_vec_dot_iq4_nl_q8_0_dotprod(const void *w, const void *act, size_t n)
{
    return dot_nl(sdot16, w, act, n);
}

NEON_DOTPROD float quant_vec_dot_iq4_xs_q8_k_dotprod(const void *w, const void *act, size_t n)
{
    return dot_xs(sdot16, w, act, n);
}
