/*
 * NEON activation quantizers (see quant_neon_act.h). Q8_0/Q8_1: the block's
 * max |x| by FABS/FMAX (the maximum is the same in any order), d and 1/d by
 * the scalar expressions, codes x * id rounded by FCVTAS (halves away from
 * zero, as roundf) and saturated by SQXTN (as the scalar clamp); a block
 * holding a NaN, whose scalar maximum depends on where the NaN sits, goes to
 * the scalar quantizer. fp16 fields and F16 rows by FCVT/FCVTN (round to
 * nearest even, as quant_f32_to_fp16).
 */
#include "llm/kernels/aarch64/quant_neon_act.h"

#include <stdbool.h>

#include "llm/kernels/aarch64/neon_common.h"
#include "llm/quant/blocks.h"

#define QK QUANT_QK

static inline void st_fp16(uint8_t *p, float f)
{
    __fp16 h = (__fp16)f;
    __builtin_memcpy(p, &h, sizeof h); /* a move even in the kernel's -fno-builtin build */
}

/* Quantizes n / QK blocks of Q8_0 (sum false) or Q8_1 (sum true: s = fp16(float(sum q) * d)). */
static inline __attribute__((always_inline)) void quantize_q8(const float *src, uint8_t *blk, size_t n, bool sum)
{
    const size_t bytes = sum ? sizeof(block_q8_1) : sizeof(block_q8_0);
    const size_t qs = sum ? offsetof(block_q8_1, qs) : offsetof(block_q8_0, qs);
    for (size_t b = 0; b < n / QK; b++, src += QK, blk += bytes) {
        float32x4_t v[8], m[4];
        for (int i = 0; i < 8; i++)
            v[i] = vld1q_f32(src + 4 * i);
        for (int i = 0; i < 4; i++)
            m[i] = vmaxq_f32(vabsq_f32(v[2 * i]), vabsq_f32(v[2 * i + 1])); /* FMAX: NaN wins */
        const float amax = vmaxvq_f32(vmaxq_f32(vmaxq_f32(m[0], m[1]), vmaxq_f32(m[2], m[3])));
        if (amax != amax) {
            (sum ? quant_quantize_q8_1 : quant_quantize_q8_0)(src, blk, QK);
            continue;
        }
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        int16x8_t h[4];
        for (int i = 0; i < 4; i++)
            h[i] = vcombine_s16(vqmovn_s32(vcvtaq_s32_f32(vmulq_n_f32(v[2 * i], id))),
                                vqmovn_s32(vcvtaq_s32_f32(vmulq_n_f32(v[2 * i + 1], id))));
        int8x16_t lo = vcombine_s8(vqmovn_s16(h[0]), vqmovn_s16(h[1]));
        int8x16_t hi = vcombine_s8(vqmovn_s16(h[2]), vqmovn_s16(h[3]));
        st_fp16(blk, d);
        if (sum)
            st_fp16(blk + offsetof(block_q8_1, s), (float)(int32_t)(vaddlvq_s8(lo) + vaddlvq_s8(hi)) * d);
        vst1q_s8((int8_t *)(blk + qs), lo);
        vst1q_s8((int8_t *)(blk + qs + 16), hi);
    }
}

void quant_quantize_q8_0_neon(const float *src, void *dst, size_t n)
{
    quantize_q8(src, dst, n, false);
}

void quant_quantize_q8_1_neon(const float *src, void *dst, size_t n)
{
    quantize_q8(src, dst, n, true);
}

/* F16: FCVTN eight at a time, stored as bytes (rows may sit at any even address); the tail by FCVT. */
void quant_quantize_f16_neon(const float *src, void *dst, size_t n)
{
    uint8_t *p = dst;
    size_t i = 0;
    for (; i + 8 <= n; i += 8, p += 16) {
        float16x8_t h = vcvt_high_f16_f32(vcvt_f16_f32(vld1q_f32(src + i)), vld1q_f32(src + i + 4));
        vst1q_u8(p, vreinterpretq_u8_f16(h));
    }
    for (; i < n; i++, p += 2)
        st_fp16(p, src[i]);
}
