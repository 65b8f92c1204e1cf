/*
 * NEON element-wise kernels (see vec_neon.h): four float lanes doing what
 * the scalar code in llm/kernels/vec_scalar.c does to each element, tails of fewer than
 * four elements by the scalar expressions or through a zero-padded vector.
 */
#include "llm/kernels/aarch64/vec_neon.h"

#include <stdbool.h>

#include "llm/kernels/aarch64/neon_common.h"
#include "llm/support/mathf.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* ---------------------------------------------------------- exp */

/*
 * math_expf_approx on four lanes: the same float operations in the same
 * order; the scalar code's three outcomes (2^n normal, scaled in two steps,
 * saturated) are all computed when any lane needs them and selected per lane.
 */
static ALWAYS_INLINE float32x4_t expf4(float32x4_t x)
{
    const float32x4_t shift = vdupq_n_f32(0x1.8p23f);
    float32x4_t z = vaddq_f32(vmulq_f32(x, vdupq_n_f32(0x1.715476p+0f)), shift);
    float32x4_t n = vsubq_f32(z, shift);
    float32x4_t b = vsubq_f32(x, vmulq_f32(n, vdupq_n_f32(0x1.62e4p-1f)));
    b = vsubq_f32(b, vmulq_f32(n, vdupq_n_f32(0x1.7f7d1cp-20f)));
    uint32x4_t e = vshlq_n_u32(vreinterpretq_u32_f32(z), 23);
    float32x4_t k = vreinterpretq_f32_u32(vaddq_u32(e, vdupq_n_u32(0x3f800000u))); /* + bits of 1.0f */
    float32x4_t u = vmulq_f32(b, b);
    float32x4_t p5 = vaddq_f32(vmulq_f32(vdupq_n_f32(0x1.0e4020p-7f), b), vdupq_n_f32(0x1.573e2ep-5f));
    float32x4_t p3 = vaddq_f32(vmulq_f32(vdupq_n_f32(0x1.555e66p-3f), b), vdupq_n_f32(0x1.fffdb6p-2f));
    float32x4_t j = vaddq_f32(vmulq_f32(vaddq_f32(vmulq_f32(p5, u), p3), u),
                              vmulq_f32(vdupq_n_f32(0x1.ffffecp-1f), b));
    float32x4_t normal = vaddq_f32(vmulq_f32(j, k), k);
    float32x4_t an = vabsq_f32(n);
    uint32x4_t out_of_range = vcgtq_f32(an, vdupq_n_f32(126.0f)); /* false for NaN, as !(an > 126) */
    if (vmaxvq_u32(out_of_range) == 0)
        return normal;
    uint32x4_t g = vandq_u32(vcleq_f32(n, vdupq_n_f32(0.0f)), vdupq_n_u32(0x82000000u));
    float32x4_t s1 = vreinterpretq_f32_u32(vaddq_u32(g, vdupq_n_u32(0x7f000000u)));
    float32x4_t s2 = vreinterpretq_f32_u32(vsubq_u32(e, g));
    float32x4_t scaled = vmulq_f32(vaddq_f32(vmulq_f32(s2, j), s2), s1);
    float32x4_t far = vbslq_f32(vcgtq_f32(an, vdupq_n_f32(192.0f)), vmulq_f32(s1, s1), scaled);
    return vbslq_f32(out_of_range, far, normal);
}

/* The first m < 4 floats of p in a vector, the other lanes 0. */
static ALWAYS_INLINE float32x4_t load_part(const float *p, uint32_t m)
{
    float buf[4] = { 0 };
    for (uint32_t i = 0; i < m; i++)
        buf[i] = p[i];
    return vld1q_f32(buf);
}

static ALWAYS_INLINE void store_part(float *p, float32x4_t v, uint32_t m)
{
    float buf[4];
    vst1q_f32(buf, v);
    for (uint32_t i = 0; i < m; i++)
        p[i] = buf[i];
}

void vec_expf_approx_neon(float *y, const float *x, size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        vst1q_f32(y + i, expf4(vld1q_f32(x + i)));
    if (i < n)
        store_part(y + i, expf4(load_part(x + i, (uint32_t)(n - i))), (uint32_t)(n - i));
}

/* ---------------------------------------------------------- row kernels */

void vec_rmsnorm_neon(float *out, const float *x, const float *w, uint32_t n, float eps)
{
    double sum = 0.0; /* in index order, as the scalar sum: the products are vector, the adds not */
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        float32x4_t v = vld1q_f32(x + i);
        float32x4_t p = vmulq_f32(v, v);
        float64x2_t lo = vcvt_f64_f32(vget_low_f32(p)), hi = vcvt_high_f64_f32(p);
        sum += vgetq_lane_f64(lo, 0);
        sum += vgetq_lane_f64(lo, 1);
        sum += vgetq_lane_f64(hi, 0);
        sum += vgetq_lane_f64(hi, 1);
    }
    for (; i < n; i++)
        sum += (double)(x[i] * x[i]);
    float mean = (float)(sum / n);
    float scale = 1.0f / math_sqrtf(mean + eps);
    float32x4_t s = vdupq_n_f32(scale);
    for (i = 0; i + 4 <= n; i += 4)
        vst1q_f32(out + i, vmulq_f32(vmulq_f32(vld1q_f32(x + i), s), vld1q_f32(w + i)));
    for (; i < n; i++)
        out[i] = (x[i] * scale) * w[i];
}

void vec_rope_neon(float *x, uint32_t n_heads, uint32_t head_dim, const float *cs, uint32_t n_rot)
{
    for (uint32_t h = 0; h < n_heads; h++) {
        float *v = x + (size_t)h * head_dim;
        uint32_t i = 0;
        for (; i + 8 <= n_rot; i += 8) { /* four pairs, split into x0 and x1 lanes */
            float32x4x2_t p = vld2q_f32(v + i), c = vld2q_f32(cs + i);
            float32x4x2_t r;
            r.val[0] = vsubq_f32(vmulq_f32(p.val[0], c.val[0]), vmulq_f32(p.val[1], c.val[1]));
            r.val[1] = vaddq_f32(vmulq_f32(p.val[0], c.val[1]), vmulq_f32(p.val[1], c.val[0]));
            vst2q_f32(v + i, r);
        }
        for (; i < n_rot; i += 2) {
            float x0 = v[i], x1 = v[i + 1];
            v[i] = x0 * cs[i] - x1 * cs[i + 1];
            v[i + 1] = x0 * cs[i + 1] + x1 * cs[i];
        }
    }
}

void vec_rope_neox_neon(float *x, uint32_t n_heads, uint32_t head_dim, const float *cs, uint32_t n_rot)
{
    uint32_t half = n_rot / 2;
    for (uint32_t h = 0; h < n_heads; h++) {
        float *v = x + (size_t)h * head_dim;
        uint32_t i = 0;
        for (; i + 4 <= half; i += 4) { /* four pairs: cos and sin split by the de-interleaving load */
            float32x4x2_t c = vld2q_f32(cs + 2 * i);
            float32x4_t x0 = vld1q_f32(v + i), x1 = vld1q_f32(v + i + half);
            vst1q_f32(v + i, vsubq_f32(vmulq_f32(x0, c.val[0]), vmulq_f32(x1, c.val[1])));
            vst1q_f32(v + i + half, vaddq_f32(vmulq_f32(x0, c.val[1]), vmulq_f32(x1, c.val[0])));
        }
        for (; i < half; i++) {
            float x0 = v[i], x1 = v[i + half], c = cs[2 * i], s = cs[2 * i + 1];
            v[i] = x0 * c - x1 * s;
            v[i + half] = x0 * s + x1 * c;
        }
    }
}

/*
 * The maximum by FMAX, which differs from the scalar running maximum only
 * where it cannot matter: a NaN anywhere makes every scalar output NaN too
 * (through the sum), and of +0 and -0 the scalar keeps the first, but
 * x - (+0) and x - (-0) have the same exponential.
 */
void vec_softmax_neon(float *x, uint32_t n)
{
    float32x4_t m = vdupq_n_f32(x[0]);
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4)
        m = vmaxq_f32(m, vld1q_f32(x + i));
    for (; i < n; i++)
        m = vmaxq_f32(m, vdupq_n_f32(x[i]));
    float32x4_t max = vdupq_n_f32(vmaxvq_f32(m));
    double sum = 0.0;
    for (i = 0; i + 4 <= n; i += 4) {
        float32x4_t e = expf4(vsubq_f32(vld1q_f32(x + i), max));
        vst1q_f32(x + i, e);
        sum += (double)vpadds_f32(vpadd_f32(vget_low_f32(e), vget_high_f32(e))); /* (e0 + e1) + (e2 + e3) */
    }
    if (i < n) {
        uint32_t rem = n - i;
        float e[4] = { 0 };
        store_part(e, expf4(vsubq_f32(load_part(x + i, rem), max)), rem); /* padding lanes stay 0 */
        store_part(x + i, vld1q_f32(e), rem);
        sum += (double)((e[0] + e[1]) + (e[2] + e[3]));
    }
    float inv = (float)(1.0 / sum);
    for (i = 0; i + 4 <= n; i += 4)
        vst1q_f32(x + i, vmulq_n_f32(vld1q_f32(x + i), inv));
    for (; i < n; i++)
        x[i] *= inv;
}

void vec_swiglu_neon(float *gate, const float *up, uint32_t n)
{
    uint32_t body = n - n % 4, i = 0;
    const float32x4_t one = vdupq_n_f32(1.0f);
    for (; i < body; i += 4) {
        float32x4_t g = vld1q_f32(gate + i);
        float32x4_t e = expf4(vsubq_f32(vdupq_n_f32(0.0f), g));
        vst1q_f32(gate + i, vmulq_f32(vdivq_f32(g, vaddq_f32(one, e)), vld1q_f32(up + i)));
    }
    for (; i < n; i++) {
        float g = gate[i];
        gate[i] = g / (1.0f + math_expf(-g)) * up[i];
    }
}

void vec_add_neon(float *x, const float *y, size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        vst1q_f32(x + i, vaddq_f32(vld1q_f32(x + i), vld1q_f32(y + i)));
    for (; i < n; i++)
        x[i] += y[i];
}

/* ---------------------------------------------------------- attention */

/* dst = src rounded to fp16 and back (FCVTN, FCVTL), n floats (dst may be src). */
static void round_f16(float *dst, const float *src, uint32_t n)
{
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4)
        vst1q_f32(dst + i, vcvt_f32_f16(vcvt_f16_f32(vld1q_f32(src + i))));
    if (i < n)
        store_part(dst + i, vcvt_f32_f16(vcvt_f16_f32(load_part(src + i, n - i))), n - i);
}

/* Four cache elements at p (F16 or F32) as floats; exact. */
static ALWAYS_INLINE float32x4_t ld4(const uint8_t *p, bool f16)
{
    if (f16)
        return fp16x4_to_f32(vreinterpret_u16_u8(vld1_u8(p)));
    return vreinterpretq_f32_u8(vld1q_u8(p));
}

/* One cache element at p as a float; exact. */
static ALWAYS_INLINE float ld1(const uint8_t *p, bool f16)
{
    if (f16)
        return ld_fp16(p);
    float f;
    __builtin_memcpy(&f, p, sizeof f);
    return f;
}

/* acc's two lanes (keys a and b) += the four products of each, index by index. */
static ALWAYS_INLINE float64x2_t add_pairs(float64x2_t acc, float32x4_t pa, float32x4_t pb)
{
    float32x4_t z1 = vzip1q_f32(pa, pb), z2 = vzip2q_f32(pa, pb);
    acc = vaddq_f64(acc, vcvt_f64_f32(vget_low_f32(z1)));
    acc = vaddq_f64(acc, vcvt_high_f64_f32(z1));
    acc = vaddq_f64(acc, vcvt_f64_f32(vget_low_f32(z2)));
    return vaddq_f64(acc, vcvt_high_f64_f32(z2));
}

/* acc's two lanes (keys a and b) += one product of each. */
static ALWAYS_INLINE float64x2_t add_pair(float64x2_t acc, float pa, float pb)
{
    return vaddq_f64(acc, vcombine_f64(vdup_n_f64((double)pa), vdup_n_f64((double)pb)));
}

/*
 * out[0 .. 8) = float(k . q) * scale for the eight keys from position t
 * (q already in the cache type's values; past the last position the last key
 * again, its results dropped): per key the float products summed in double
 * in index order, as the format's scalar vec_dot, eight sums side by side.
 */
static ALWAYS_INLINE void dots8(const kern_kv_head_t *h, uint32_t t, const float *q, bool f16, float scale,
                                float *out)
{
    const size_t eb = f16 ? 2 : 4;
    const uint8_t *k[8];
    for (uint32_t j = 0; j < 8; j++)
        k[j] = kern_kv_row(h, &h->k, t + j < h->n ? t + j : h->n - 1);
    const uint8_t *k0 = k[0], *k1 = k[1], *k2 = k[2], *k3 = k[3], *k4 = k[4], *k5 = k[5], *k6 = k[6], *k7 = k[7];
    float64x2_t a01 = vdupq_n_f64(0.0), a23 = a01, a45 = a01, a67 = a01;
    uint32_t d = 0;
    for (; d + 4 <= h->head_dim; d += 4) {
        float32x4_t qv = vld1q_f32(q + d);
        size_t o = d * eb;
        a01 = add_pairs(a01, vmulq_f32(ld4(k0 + o, f16), qv), vmulq_f32(ld4(k1 + o, f16), qv));
        a23 = add_pairs(a23, vmulq_f32(ld4(k2 + o, f16), qv), vmulq_f32(ld4(k3 + o, f16), qv));
        a45 = add_pairs(a45, vmulq_f32(ld4(k4 + o, f16), qv), vmulq_f32(ld4(k5 + o, f16), qv));
        a67 = add_pairs(a67, vmulq_f32(ld4(k6 + o, f16), qv), vmulq_f32(ld4(k7 + o, f16), qv));
    }
    for (; d < h->head_dim; d++) {
        size_t o = d * eb;
        a01 = add_pair(a01, ld1(k0 + o, f16) * q[d], ld1(k1 + o, f16) * q[d]);
        a23 = add_pair(a23, ld1(k2 + o, f16) * q[d], ld1(k3 + o, f16) * q[d]);
        a45 = add_pair(a45, ld1(k4 + o, f16) * q[d], ld1(k5 + o, f16) * q[d]);
        a67 = add_pair(a67, ld1(k6 + o, f16) * q[d], ld1(k7 + o, f16) * q[d]);
    }
    float s[8];
    vst1q_f32(s, vmulq_n_f32(vcvt_high_f32_f64(vcvt_f32_f64(a01), a23), scale));
    vst1q_f32(s + 4, vmulq_n_f32(vcvt_high_f32_f64(vcvt_f32_f64(a45), a67), scale));
    for (uint32_t j = 0; j < 8 && t + j < h->n; j++)
        out[j] = s[j];
}

/*
 * out[d0 .. d0+16) = float(sum_t w[t - b] * v_t[d]) over positions t0 .. n-1:
 * the float products added in double in position order.
 */
static ALWAYS_INLINE void v_sum16(const kern_kv_head_t *h, const float *w, uint32_t b, uint32_t d0, bool f16,
                                  float *out)
{
    const size_t eb = f16 ? 2 : 4;
    const size_t o = (size_t)d0 * eb;
    float64x2_t a0 = vdupq_n_f64(0.0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (uint32_t t = h->t0; t < h->n; t++) {
        const uint8_t *v = kern_kv_row(h, &h->v, t) + o;
        float wt = w[t - b];
        float32x4_t p0 = vmulq_n_f32(ld4(v, f16), wt), p1 = vmulq_n_f32(ld4(v + 4 * eb, f16), wt);
        float32x4_t p2 = vmulq_n_f32(ld4(v + 8 * eb, f16), wt), p3 = vmulq_n_f32(ld4(v + 12 * eb, f16), wt);
        a0 = vaddq_f64(a0, vcvt_f64_f32(vget_low_f32(p0)));
        a1 = vaddq_f64(a1, vcvt_high_f64_f32(p0));
        a2 = vaddq_f64(a2, vcvt_f64_f32(vget_low_f32(p1)));
        a3 = vaddq_f64(a3, vcvt_high_f64_f32(p1));
        a4 = vaddq_f64(a4, vcvt_f64_f32(vget_low_f32(p2)));
        a5 = vaddq_f64(a5, vcvt_high_f64_f32(p2));
        a6 = vaddq_f64(a6, vcvt_f64_f32(vget_low_f32(p3)));
        a7 = vaddq_f64(a7, vcvt_high_f64_f32(p3));
    }
    vst1q_f32(out + d0, vcvt_high_f32_f64(vcvt_f32_f64(a0), a1));
    vst1q_f32(out + d0 + 4, vcvt_high_f32_f64(vcvt_f32_f64(a2), a3));
    vst1q_f32(out + d0 + 8, vcvt_high_f32_f64(vcvt_f32_f64(a4), a5));
    vst1q_f32(out + d0 + 12, vcvt_high_f32_f64(vcvt_f32_f64(a6), a7));
}

/* The same for out[d0 .. d0+4). */
static ALWAYS_INLINE void v_sum4(const kern_kv_head_t *h, const float *w, uint32_t b, uint32_t d0, bool f16,
                                 float *out)
{
    const size_t o = (size_t)d0 * (f16 ? 2 : 4);
    float64x2_t a0 = vdupq_n_f64(0.0), a1 = a0;
    for (uint32_t t = h->t0; t < h->n; t++) {
        float32x4_t p = vmulq_n_f32(ld4(kern_kv_row(h, &h->v, t) + o, f16), w[t - b]);
        a0 = vaddq_f64(a0, vcvt_f64_f32(vget_low_f32(p)));
        a1 = vaddq_f64(a1, vcvt_high_f64_f32(p));
    }
    vst1q_f32(out + d0, vcvt_high_f32_f64(vcvt_f32_f64(a0), a1));
}

/* q (head_dim floats) in the cache type's values, as llama.cpp multiplies it, into work; returns work. */
static ALWAYS_INLINE const float *q_in_cache_type(void *work, const float *q, uint32_t hd, bool f16)
{
    float *qr = work;
    if (f16)
        round_f16(qr, q, hd);
    else
        for (uint32_t i = 0; i < hd; i++)
            qr[i] = q[i];
    return qr;
}

static ALWAYS_INLINE void attend(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out,
                                 bool f16)
{
    uint32_t hd = h->head_dim, d = 0, b = h->t0 & ~3u, n = h->n - b;
    const float *qr = q_in_cache_type(work, q, hd, f16);
    for (uint32_t t = b; t < h->n; t += 8)
        dots8(h, t, qr, f16, h->scale, scores + (t - b));
    for (uint32_t t = b; t < h->t0; t++)
        scores[t - b] = -__builtin_inff(); /* masked, as ggml's row */
    vec_softmax_neon(scores, n);
    if (f16)
        round_f16(scores, scores, n); /* the weights in the cache type */
    for (; d + 16 <= hd; d += 16)
        v_sum16(h, scores, b, d, f16, out);
    for (; d + 4 <= hd; d += 4)
        v_sum4(h, scores, b, d, f16, out);
    for (; d < hd; d++) {
        double acc = 0.0;
        const size_t o = (size_t)d * (f16 ? 2 : 4);
        for (uint32_t t = h->t0; t < h->n; t++)
            acc += (double)(scores[t - b] * ld1(kern_kv_row(h, &h->v, t) + o, f16));
        out[d] = (float)acc;
    }
}

void vec_attend_f16_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out)
{
    attend(h, q, scores, work, out, true);
}

void vec_attend_f32_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out)
{
    attend(h, q, scores, work, out, false);
}

/* ---------------------------------------------------------- fast attention */

/*
 * Lane j: score of the key at position t + j (past the last position the
 * last key again, its lane to be dropped): four fused lanes over the head,
 * reduced as (a0 + a1) + (a2 + a3), times scale (kernels.h, KERN_ATTN_FAST).
 */
static ALWAYS_INLINE float32x4_t fast_dots4(const kern_kv_head_t *h, uint32_t t, const float *q, bool f16,
                                            float scale)
{
    const size_t eb = f16 ? 2 : 4;
    const uint8_t *k[4];
    for (uint32_t j = 0; j < 4; j++)
        k[j] = kern_kv_row(h, &h->k, t + j < h->n ? t + j : h->n - 1);
    float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0, a2 = a0, a3 = a0;
    for (uint32_t d = 0; d < h->head_dim; d += 4) {
        float32x4_t qv = vld1q_f32(q + d);
        size_t o = d * eb;
        a0 = vfmaq_f32(a0, ld4(k[0] + o, f16), qv);
        a1 = vfmaq_f32(a1, ld4(k[1] + o, f16), qv);
        a2 = vfmaq_f32(a2, ld4(k[2] + o, f16), qv);
        a3 = vfmaq_f32(a3, ld4(k[3] + o, f16), qv);
    }
    return vmulq_n_f32(vpaddq_f32(vpaddq_f32(a0, a1), vpaddq_f32(a2, a3)), scale);
}

/* out[d0 .. d0 + 4m) = sum_t w[t - b] v_t[d] over t = b .. n-1, m <= 4 vectors, each sum fused in order. */
static ALWAYS_INLINE void fast_v_sum(const kern_kv_head_t *h, const float *w, uint32_t b, uint32_t d0, uint32_t m,
                                     bool f16, float *out)
{
    const size_t eb = f16 ? 2 : 4;
    const size_t o = (size_t)d0 * eb;
    float32x4_t a[4] = { vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f) };
    for (uint32_t t = b; t < h->n; t++) {
        const uint8_t *v = kern_kv_row(h, &h->v, t) + o;
        float32x4_t wt = vdupq_n_f32(w[t - b]);
        for (uint32_t i = 0; i < m; i++)
            a[i] = vfmaq_f32(a[i], ld4(v + 4 * i * eb, f16), wt);
    }
    for (uint32_t i = 0; i < m; i++)
        vst1q_f32(out + d0 + 4 * i, a[i]);
}

/* KERN_ATTN_FAST's softmax and weights (kernels.h) over scores[0 .. n), the first r0 masked; F16 rounds them. */
static void fast_weights(float *scores, uint32_t n, uint32_t r0, bool f16)
{
    uint32_t body = n - n % 4, r;
    const float32x4_t max = masked_max(scores, n, r0);
    float32x4_t part = vdupq_n_f32(0.0f);
    for (r = 0; r < body; r += 4) {
        float32x4_t e = expf4(vsubq_f32(vld1q_f32(scores + r), max));
        vst1q_f32(scores + r, e);
        part = vaddq_f32(part, e);
    }
    part = vpaddq_f32(part, part);
    float sum = vgetq_lane_f32(vpaddq_f32(part, part), 0); /* (s0 + s1) + (s2 + s3) */
    for (; r < n; r++) {
        scores[r] = math_expf_approx(scores[r] - vgetq_lane_f32(max, 0));
        sum += scores[r];
    }
    const float inv = 1.0f / sum;
    for (r = 0; r < n; r += 4) {
        uint32_t m = n - r < 4 ? n - r : 4;
        float32x4_t w = vmulq_n_f32(m == 4 ? vld1q_f32(scores + r) : load_part(scores + r, m), inv);
        if (f16)
            w = vcvt_f32_f16(vcvt_f16_f32(w)); /* the weights in the cache type, as the exact path has them */
        store_part(scores + r, w, m);
    }
}

static ALWAYS_INLINE void attend_fast(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out,
                                      bool f16)
{
    uint32_t hd = h->head_dim, b = h->t0 & ~3u, n = h->n - b, r = 0, d = 0;
    if (hd % 4 != 0)
        return vec_attend_fast_scalar(h, q, scores, work, out); /* the same bits, lane by lane */
    const float *qr = q_in_cache_type(work, q, hd, f16);
    for (r = 0; r < n; r += 4) {
        float32x4_t s = fast_dots4(h, b + r, qr, f16, h->scale);
        if (r + 4 <= n)
            vst1q_f32(scores + r, s);
        else
            store_part(scores + r, s, n - r);
    }
    fast_weights(scores, n, h->t0 - b, f16);
    for (; d + 16 <= hd; d += 16)
        fast_v_sum(h, scores, b, d, 4, f16, out);
    for (; d < hd; d += 4)
        fast_v_sum(h, scores, b, d, 1, f16, out);
}

void vec_attend_fast_f16_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out)
{
    attend_fast(h, q, scores, work, out, true);
}

void vec_attend_fast_f32_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out)
{
    attend_fast(h, q, scores, work, out, false);
}
