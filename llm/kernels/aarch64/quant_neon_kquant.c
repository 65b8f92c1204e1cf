/*
 * NEON K-quant dot products and the Q8_K quantizer (see quant_neon_kquant.h
 * for why they equal the scalar ones bit for bit). One row loop serves
 * Q3_K ... Q6_K: a format's block function returns the eight integer lanes
 * (e % 8) of a super-block, and the loop does the scalar float steps. Q2_K
 * has one body for both levels, the int8 multiply-accumulate passed in.
 */
#include "llm/kernels/aarch64/quant_neon_kquant.h"

#include "llm/kernels/aarch64/neon_common.h"
#include "llm/quant/blocks.h"

#define INLINE static inline __attribute__((always_inline))
/* Before the fixed-count loops over a super-block: unrolled, their vectors stay in registers. */
#define UNROLL _Pragma("GCC unroll 16")
#define QK_K QUANT_QK_K

/* Block sizes and field offsets (llm/quant/blocks.h), under short names. */
#define Q8K_BYTES sizeof(block_q8_k)
#define Q8K_D offsetof(block_q8_k, d)
#define Q8K_QS offsetof(block_q8_k, qs)
#define Q8K_BSUMS offsetof(block_q8_k, bsums)
#define Q2K_BYTES sizeof(block_q2_k)
#define Q2K_SCALES offsetof(block_q2_k, scales)
#define Q2K_QS offsetof(block_q2_k, qs)
#define Q2K_D offsetof(block_q2_k, d)
#define Q2K_DMIN offsetof(block_q2_k, dmin)
#define Q3K_BYTES sizeof(block_q3_k)
#define Q3K_HMASK offsetof(block_q3_k, hmask)
#define Q3K_QS offsetof(block_q3_k, qs)
#define Q3K_SCALES offsetof(block_q3_k, scales)
#define Q3K_D offsetof(block_q3_k, d)
#define Q4K_BYTES sizeof(block_q4_k)
#define Q5K_BYTES sizeof(block_q5_k)
#define Q45K_D offsetof(block_q4_k, d)
#define Q45K_DMIN offsetof(block_q4_k, dmin)
#define Q45K_SCALES offsetof(block_q4_k, scales)
#define Q4K_QS offsetof(block_q4_k, qs)
#define Q5K_QH offsetof(block_q5_k, qh)
#define Q5K_QS offsetof(block_q5_k, qs)
#define Q6K_BYTES sizeof(block_q6_k)
#define Q6K_QL offsetof(block_q6_k, ql)
#define Q6K_QH offsetof(block_q6_k, qh)
#define Q6K_SCALES offsetof(block_q6_k, scales)
#define Q6K_D offsetof(block_q6_k, d)
_Static_assert(offsetof(block_q5_k, d) == Q45K_D && offsetof(block_q5_k, dmin) == Q45K_DMIN &&
               offsetof(block_q5_k, scales) == Q45K_SCALES, "Q4_K and Q5_K share their head");

typedef int32x4_t (*mla_fn)(int32x4_t acc, int8x16_t a, int8x16_t b);

/* A float field at any address, copied by the compiler inline (no library call in the kernel build). */
INLINE float kq_f32(const uint8_t *p)
{
    float f;
    __builtin_memcpy(&f, p, sizeof f);
    return f;
}

INLINE uint8x16_t u8(uint8_t v)
{
    return vdupq_n_u8(v);
}

/* ---------------------------------------------------------- integer pieces */

/* The eight integer lane sums of a super-block (lane e % 8): lo holds lanes 0-3, hi lanes 4-7. */
typedef struct lanes {
    int32x4_t lo, hi;
} lanes_t;

/*
 * p plus the products x * y of 16 elements that start at a multiple of 8,
 * element e in int16 lane e % 8 (a low and a high widening multiply). Callers
 * keep |p| below 2^15: at most four products of |q| <= 32 and |q8| <= 128.
 */
INLINE int16x8_t mul_lanes(int16x8_t p, uint8x16_t x, const int8_t *y)
{
    int8x16_t xs = vreinterpretq_s8_u8(x), ys = vld1q_s8(y);
    return vmlal_high_s8(vmlal_s8(p, vget_low_s8(xs), vget_low_s8(ys)), xs, ys);
}

/* acc += scale * p, lane by lane, widened to int32. */
INLINE void add_scaled(lanes_t *acc, int16x8_t p, int16_t scale)
{
    acc->lo = vmlal_n_s16(acc->lo, vget_low_s16(p), scale);
    acc->hi = vmlal_high_n_s16(acc->hi, p, scale);
}

/*
 * The 2-bit layout of Q2_K, Q3_K (low bits) and Q6_K (high bits): element
 * e = 128 h + 32 j + l is crumb j of bytes[32 h + l]. Returns the crumbs of the 16
 * elements of group g = e / 16 = 8 h + 2 j + l / 16.
 */
INLINE uint8x16_t crumbs(const uint8_t *bytes, int g)
{
    uint8x16_t v = vld1q_u8(bytes + 32 * (g / 8) + 16 * (g % 2));
    return vandq_u8(vshlq_u8(v, vdupq_n_s8((int8_t)(-2 * (g / 2 % 4)))), u8(3));
}

/* sum over the 16 groups of 16 of bsum[j] * mins[j] (the scalar's min_sum), exact in int32. */
INLINE int32_t min_sum16(uint8x16_t mins, const uint8_t *bsums)
{
    int16x8_t b0 = vreinterpretq_s16_u8(vld1q_u8(bsums)), b1 = vreinterpretq_s16_u8(vld1q_u8(bsums + 16));
    int16x8_t m0 = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(mins))), m1 = vreinterpretq_s16_u16(vmovl_high_u8(mins));
    int32x4_t s = vmull_s16(vget_low_s16(b0), vget_low_s16(m0));
    s = vmlal_high_s16(s, b0, m0);
    s = vmlal_s16(s, vget_low_s16(b1), vget_low_s16(m1));
    return vaddvq_s32(vmlal_high_s16(s, b1, m1));
}

/*
 * Q3_K's 16 scales (six bits, stored plus 32): scale g has its low 4 bits in
 * the low (g < 8) or high nibble of byte g % 8 and its top 2 bits at bit
 * 2 (g / 4) of byte 8 + g % 4; four bytes a word.
 */
INLINE void scales_q3_k(const uint8_t *s, int8_t out[16])
{
    uint32_t w[3], v[4];
    __builtin_memcpy(w, s, sizeof w);
    v[0] = (w[0] & 0x0f0f0f0fu) | (w[2] & 0x03030303u) << 4;
    v[1] = (w[1] & 0x0f0f0f0fu) | (w[2] >> 2 & 0x03030303u) << 4;
    v[2] = (w[0] >> 4 & 0x0f0f0f0fu) | (w[2] >> 4 & 0x03030303u) << 4;
    v[3] = (w[1] >> 4 & 0x0f0f0f0fu) | (w[2] >> 6 & 0x03030303u) << 4;
    vst1q_s8(out, vsubq_s8(vreinterpretq_s8_u32(vld1q_u32(v)), vdupq_n_s8(32)));
}

/*
 * Q3_K: element e = 128 h + 32 j + l is the crumb minus 4 unless bit
 * 4 h + j (= g / 2) of hmask[l] is set.
 */
INLINE lanes_t lanes_q3_k(const uint8_t *x, const int8_t *q8)
{
    int8_t sc[16];
    scales_q3_k(x + Q3K_SCALES, sc);
    const uint8x16_t hm[2] = { vld1q_u8(x + Q3K_HMASK), vld1q_u8(x + Q3K_HMASK + 16) };
    lanes_t acc = { vdupq_n_s32(0), vdupq_n_s32(0) };
    UNROLL
    for (int g = 0; g < 16; g++) {
        uint8x16_t minus4 = vbicq_u8(u8(4), vtstq_u8(hm[g % 2], u8((uint8_t)(1u << (g / 2)))));
        uint8x16_t q = vsubq_u8(crumbs(x + Q3K_QS, g), minus4);
        add_scaled(&acc, mul_lanes(vdupq_n_s16(0), q, q8 + 16 * g), sc[g]);
    }
    return acc;
}

/*
 * Q4_K/Q5_K scales and mins: bytes 0-7 of the result are the scales of the
 * eight groups of 32, bytes 8-15 the mins. Groups 0-3 take the low 6 bits of
 * bytes 0-3 (scales) and 4-7 (mins); groups 4-7 the nibbles of bytes 8-11
 * (scale low, min high) with the spare top bits of bytes 0-3 and 4-7 on top.
 */
INLINE uint8x16_t scales_k4(const uint8_t *s)
{
    uint32_t w[3], v[4];
    __builtin_memcpy(w, s, sizeof w);
    v[0] = w[0] & 0x3f3f3f3fu;
    v[1] = (w[2] & 0x0f0f0f0fu) | (w[0] >> 6 & 0x03030303u) << 4;
    v[2] = w[1] & 0x3f3f3f3fu;
    v[3] = (w[2] >> 4 & 0x0f0f0f0fu) | (w[1] >> 6 & 0x03030303u) << 4;
    return vreinterpretq_u8_u32(vld1q_u32(v));
}

/*
 * Q4_K (five false) and Q5_K: element e = 64 c + 32 s + l is nibble s of
 * qs[32 c + l], group g = e / 32 = 2 c + s; Q5_K adds bit g of qh[l] as 16.
 * A group's 32 products fit int16 lanes (4 per lane, |q| <= 31).
 */
INLINE lanes_t lanes_q45_k(const uint8_t *x, const int8_t *q8, bool five, const uint8_t sc[8])
{
    const uint8_t *qs = x + (five ? Q5K_QS : Q4K_QS);
    uint8x16_t qh[2] = { vdupq_n_u8(0), vdupq_n_u8(0) };
    if (five) {
        qh[0] = vld1q_u8(x + Q5K_QH);
        qh[1] = vld1q_u8(x + Q5K_QH + 16);
    }
    lanes_t acc = { vdupq_n_s32(0), vdupq_n_s32(0) };
    UNROLL
    for (int c = 0; c < 4; c++) {
        const uint8x16_t b[2] = { vld1q_u8(qs + 32 * c), vld1q_u8(qs + 32 * c + 16) };
        const uint8x16_t nib[2][2] = { { vandq_u8(b[0], u8(0x0f)), vandq_u8(b[1], u8(0x0f)) },
                                       { vshrq_n_u8(b[0], 4), vshrq_n_u8(b[1], 4) } };
        UNROLL
        for (int s = 0; s < 2; s++) {
            const int g = 2 * c + s;
            int16x8_t p = vdupq_n_s16(0);
            UNROLL
            for (int k = 0; k < 2; k++) {
                uint8x16_t q = nib[s][k];
                if (five) {
                    q = vorrq_u8(q, vandq_u8(vshlq_n_u8(qh[k], 4), u8(0x10)));
                    qh[k] = vshrq_n_u8(qh[k], 1);
                }
                p = mul_lanes(p, q, q8 + 32 * g + 16 * k);
            }
            add_scaled(&acc, p, sc[g]);
        }
    }
    return acc;
}

/*
 * Q6_K: element e = 128 h + 32 j + l has its high crumb in qh, its low
 * nibble j / 2 in ql[64 h + 32 (j % 2) + l], and is minus 32; int8 scales.
 */
INLINE lanes_t lanes_q6_k(const uint8_t *x, const int8_t *q8)
{
    const int8_t *sc = (const int8_t *)x + Q6K_SCALES;
    lanes_t acc = { vdupq_n_s32(0), vdupq_n_s32(0) };
    UNROLL
    for (int g = 0; g < 16; g++) {
        const int j = g / 2 % 4;
        const uint8x16_t ql = vld1q_u8(x + Q6K_QL + 64 * (g / 8) + 32 * (j % 2) + 16 * (g % 2));
        uint8x16_t lo = j < 2 ? vandq_u8(ql, u8(0x0f)) : vshrq_n_u8(ql, 4);
        uint8x16_t q = vsubq_u8(vorrq_u8(lo, vshlq_n_u8(crumbs(x + Q6K_QH, g), 4)), u8(32));
        add_scaled(&acc, mul_lanes(vdupq_n_s16(0), q, q8 + 16 * g), sc[g]);
    }
    return acc;
}

/* ---------------------------------------------------------- the dots */

typedef enum kfmt { K_Q3, K_Q4, K_Q5, K_Q6 } kfmt_t;

/*
 * Q3_K ... Q6_K, in the order of the scalar vec_dot_lanes: per super-block
 * sums[l] += (d * y.d) * (float)lanes[l], and for Q4_K/Q5_K sum -= (dmin *
 * y.d) * (float)min_sum; at the end sum += sums[0], ..., sums[7].
 */
INLINE float dot_lanes(kfmt_t f, const void *w, const void *act, size_t n)
{
    const size_t bytes = f == K_Q3 ? Q3K_BYTES : f == K_Q4 ? Q4K_BYTES : f == K_Q5 ? Q5K_BYTES : Q6K_BYTES;
    const size_t d_at = f == K_Q3 ? Q3K_D : f == K_Q6 ? Q6K_D : Q45K_D;
    const bool has_min = f == K_Q4 || f == K_Q5;
    const uint8_t *x = w, *y = act;
    float32x4_t sums_lo = vdupq_n_f32(0.0f), sums_hi = vdupq_n_f32(0.0f);
    float sum = 0.0f;
    for (size_t i = 0; i < n / QK_K; i++, x += bytes, y += Q8K_BYTES) {
        const int8_t *q8 = (const int8_t *)y + Q8K_QS;
        lanes_t l;
        int32_t msum = 0;
        if (f == K_Q3) {
            l = lanes_q3_k(x, q8);
        } else if (f == K_Q6) {
            l = lanes_q6_k(x, q8);
        } else {
            uint8_t sm[16];
            const uint8x16_t v = scales_k4(x + Q45K_SCALES);
            vst1q_u8(sm, v);
            l = lanes_q45_k(x, q8, f == K_Q5, sm);
            msum = min_sum16(vzip2q_u8(v, v), y + Q8K_BSUMS); /* group of 16 j takes min j / 2 */
        }
        const float yd = kq_f32(y + Q8K_D);
        const float32x4_t d = vdupq_n_f32(ld_fp16(x + d_at) * yd);
        sums_lo = vaddq_f32(sums_lo, vmulq_f32(d, vcvtq_f32_s32(l.lo)));
        sums_hi = vaddq_f32(sums_hi, vmulq_f32(d, vcvtq_f32_s32(l.hi)));
        if (has_min)
            sum -= (ld_fp16(x + Q45K_DMIN) * yd) * (float)msum;
    }
    float s[8];
    vst1q_f32(s, sums_lo);
    vst1q_f32(s + 4, sums_hi);
    UNROLL
    for (int k = 0; k < 8; k++)
        sum += s[k];
    return sum;
}

/*
 * Q2_K: the crumbs are the quants; group g has its scale (at most 15) in the
 * low nibble of byte g, its min in the high one. The scale is folded into the crumbs (3 * 15 fits int8)
 * and the whole super-block summed in one integer, as the scalar's isum;
 * per block sum += (y.d * d) * (float)isum - (y.d * dmin) * (float)min_sum.
 */
INLINE float dot_q2_k(mla_fn mla, const void *w, const void *act, size_t n)
{
    const uint8_t *x = w, *y = act;
    float sum = 0.0f;
    for (size_t i = 0; i < n / QK_K; i++, x += Q2K_BYTES, y += Q8K_BYTES) {
        const int8_t *q8 = (const int8_t *)y + Q8K_QS;
        int32x4_t acc = vdupq_n_s32(0);
        UNROLL
        for (int g = 0; g < 16; g++) {
            uint8x16_t q = vmulq_u8(crumbs(x + Q2K_QS, g), u8(x[Q2K_SCALES + g] & 0x0f));
            acc = mla(acc, vreinterpretq_s8_u8(q), vld1q_s8(q8 + 16 * g));
        }
        const int32_t isum = vaddvq_s32(acc);
        const int32_t msum = min_sum16(vshrq_n_u8(vld1q_u8(x + Q2K_SCALES), 4), y + Q8K_BSUMS);
        const float yd = kq_f32(y + Q8K_D);
        const float dall = yd * ld_fp16(x + Q2K_D), dmin = yd * ld_fp16(x + Q2K_DMIN);
        sum += dall * (float)isum - dmin * (float)msum;
    }
    return sum;
}

float quant_vec_dot_q2_k_q8_k_neon(const void *w, const void *act, size_t n) { return dot_q2_k(mla16, w, act, n); }

NEON_DOTPROD float quant_vec_dot_q2_k_q8_k_dotprod(const void *w, const void *act, size_t n)
{
    return dot_q2_k(sdot16, w, act, n);
}

float quant_vec_dot_q3_k_q8_k_neon(const void *w, const void *act, size_t n) { return dot_lanes(K_Q3, w, act, n); }
float quant_vec_dot_q4_k_q8_k_neon(const void *w, const void *act, size_t n) { return dot_lanes(K_Q4, w, act, n); }
float quant_vec_dot_q5_k_q8_k_neon(const void *w, const void *act, size_t n) { return dot_lanes(K_Q5, w, act, n); }
float quant_vec_dot_q6_k_q8_k_neon(const void *w, const void *act, size_t n) { return dot_lanes(K_Q6, w, act, n); }

/* ---------------------------------------------------------- Q8_K */

/* The largest |x[j]|, NaNs passed over as the scalar's `ax > amax` does (0 if there is none above 0). */
INLINE float amax_k(const float *x)
{
    float32x4_t m[4] = { vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f) };
    for (int j = 0; j < QK_K; j += 16) {
        UNROLL
        for (int k = 0; k < 4; k++) {
            float32x4_t a = vabsq_f32(vld1q_f32(x + j + 4 * k));
            m[k] = vbslq_f32(vcgtq_f32(a, m[k]), a, m[k]);
        }
    }
    return vmaxvq_f32(vmaxq_f32(vmaxq_f32(m[0], m[1]), vmaxq_f32(m[2], m[3]))); /* no NaN left */
}

/* The first x[j] with |x[j]| == amax: the scalar's max (amax > 0 is one of them). */
INLINE float first_of_magnitude(const float *x, float amax)
{
    const float32x4_t a = vdupq_n_f32(amax);
    for (int j = 0; j < QK_K; j += 4) {
        uint32x4_t eq = vceqq_f32(vabsq_f32(vld1q_f32(x + j)), a);
        if (vmaxvq_u32(eq)) {
            uint32_t e[4];
            vst1q_u32(e, eq);
            for (int k = 0; k < 4; k++)
                if (e[k])
                    return x[j + k];
        }
    }
    return amax;
}

/* Elements 16 g ... 16 g + 15 times iscale, rounded half to even, saturated to int8 (the scalar's clamp). */
INLINE int8x16_t quant16(const float *x, float32x4_t iscale)
{
    int32x4_t r[4];
    UNROLL
    for (int k = 0; k < 4; k++)
        r[k] = vcvtnq_s32_f32(vmulq_f32(iscale, vld1q_f32(x + 4 * k)));
    int16x8_t a = vqmovn_high_s32(vqmovn_s32(r[0]), r[1]), b = vqmovn_high_s32(vqmovn_s32(r[2]), r[3]);
    return vqmovn_high_s16(vqmovn_s16(a), b);
}

/*
 * As the scalar quant_quantize_q8_k: iscale = -127 / max (max the first
 * element of largest magnitude), q = clamp(nearest_int(iscale * x)), bsums
 * the int16 sums of each 16 quants (a pairwise-add tree), d = 1 / iscale.
 */
void quant_quantize_q8_k_neon(const float *src, void *dst, size_t n)
{
    uint8_t *b = dst;
    for (size_t i = 0; i < n / QK_K; i++, b += Q8K_BYTES) {
        const float *x = src + i * QK_K;
        const float amax = amax_k(x);
        const float iscale = amax != 0.0f ? -127.0f / first_of_magnitude(x, amax) : 0.0f;
        const float32x4_t vs = vdupq_n_f32(iscale);
        int16x8_t t[16];
        UNROLL
        for (int g = 0; g < 16; g++) {
            int8x16_t q = quant16(x + 16 * g, vs);
            vst1q_u8(b + Q8K_QS + 16 * g, vreinterpretq_u8_s8(q));
            t[g] = vpaddlq_s8(q);
        }
        UNROLL
        for (int w = 8; w >= 2; w /= 2) { /* then t[k] holds the sums of groups 8 k ... 8 k + 7 */
            UNROLL
            for (int k = 0; k < w; k++)
                t[k] = vpaddq_s16(t[2 * k], t[2 * k + 1]);
        }
        vst1q_u8(b + Q8K_BSUMS, vreinterpretq_u8_s16(t[0]));
        vst1q_u8(b + Q8K_BSUMS + 16, vreinterpretq_u8_s16(t[1]));
        const float d = amax != 0.0f ? 1.0f / iscale : 0.0f;
        __builtin_memcpy(b + Q8K_D, &d, sizeof d);
    }
}
