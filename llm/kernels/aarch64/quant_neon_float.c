/* NEON F32/F16/BF16 dot products: float products summed in 8 double lanes (bound in quant_neon_float.h). */
#include "llm/kernels/aarch64/quant_neon_float.h"

#include "llm/kernels/aarch64/neon_common.h"

#define INLINE static inline __attribute__((always_inline))
#define STEP 8 /* elements per iteration: two float32x4 of products into 8 double lanes (four float64x2) */

typedef enum fkind { K_F32, K_F16, K_BF16 } fkind_t;

INLINE size_t elem_bytes(fkind_t k) { return k == K_F32 ? 4 : 2; }

/* Elements 0-3 and 4-7 at p (any address) as f32, exactly: F16 by fp16x4_to_f32, BF16 shifted into the high half. */
INLINE void load8(fkind_t k, const uint8_t *p, float32x4_t *lo, float32x4_t *hi)
{
    uint8x16_t b = vld1q_u8(p);
    if (k == K_F32) {
        *lo = vreinterpretq_f32_u8(b);
        *hi = vreinterpretq_f32_u8(vld1q_u8(p + 16));
    } else if (k == K_F16) {
        uint16x8_t h = vreinterpretq_u16_u8(b);
        *lo = fp16x4_to_f32(vget_low_u16(h));
        *hi = fp16x4_to_f32(vget_high_u16(h));
    } else {
        uint16x8_t h = vreinterpretq_u16_u8(b);
        *lo = vreinterpretq_f32_u32(vshll_n_u16(vget_low_u16(h), 16));
        *hi = vreinterpretq_f32_u32(vshll_high_n_u16(h, 16));
    }
}

/* Products of elements 0-7 rounded to float, element j added to lane j of acc (acc[j / 2], lane j % 2) in double. */
INLINE void add8(fkind_t k, const uint8_t *x, const uint8_t *y, float64x2_t acc[4])
{
    float32x4_t x0, x1, y0, y1;
    load8(k, x, &x0, &x1);
    load8(k, y, &y0, &y1);
    float32x4_t p0 = vmulq_f32(x0, y0), p1 = vmulq_f32(x1, y1);
    acc[0] = vaddq_f64(acc[0], vcvt_f64_f32(vget_low_f32(p0)));
    acc[1] = vaddq_f64(acc[1], vcvt_high_f64_f32(p0));
    acc[2] = vaddq_f64(acc[2], vcvt_f64_f32(vget_low_f32(p1)));
    acc[3] = vaddq_f64(acc[3], vcvt_high_f64_f32(p1));
}

/* The row loop; a tail of n % 8 elements goes through add8 from zero-padded copies (+0 products add exactly). */
INLINE float dot(fkind_t k, const uint8_t *x, const uint8_t *y, size_t n)
{
    const size_t stride = STEP * elem_bytes(k);
    float64x2_t acc[4] = { vdupq_n_f64(0.0), vdupq_n_f64(0.0), vdupq_n_f64(0.0), vdupq_n_f64(0.0) };
    size_t i = 0;
    for (; i + STEP <= n; i += STEP, x += stride, y += stride)
        add8(k, x, y, acc);
    if (i < n) {
        uint8_t tx[STEP * 4], ty[STEP * 4];
        vst1q_u8(tx, vdupq_n_u8(0)), vst1q_u8(tx + 16, vdupq_n_u8(0));
        vst1q_u8(ty, vdupq_n_u8(0)), vst1q_u8(ty + 16, vdupq_n_u8(0));
        memcpy(tx, x, (n - i) * elem_bytes(k));
        memcpy(ty, y, (n - i) * elem_bytes(k));
        add8(k, tx, ty, acc);
    }
    return (float)vaddvq_f64(vaddq_f64(vaddq_f64(acc[0], acc[1]), vaddq_f64(acc[2], acc[3])));
}

float quant_vec_dot_f32_neon(const void *w, const void *act, size_t n) { return dot(K_F32, w, act, n); }
float quant_vec_dot_f16_neon(const void *w, const void *act, size_t n) { return dot(K_F16, w, act, n); }
float quant_vec_dot_bf16_neon(const void *w, const void *act, size_t n) { return dot(K_BF16, w, act, n); }
