/*
 * KERN_ATTN_FAST over a Q8_0 or Q4_0 cache at the NEON level (contract in
 * kernels.h, scalar twin in attend_scalar.c, the same bits): the scores by
 * the level's block dot, exponentials from kern_exp2_table, and the
 * value sums as 16-bit multiply-adds of 15-bit weights with the cache's
 * 8-bit (or 4-bit) values into eight int32x4 accumulators per 32-value
 * block. QEMU runs those inline, where every float lane is a soft-float
 * call.
 */
#include "llm/kernels/aarch64/vec_neon.h"

#include "llm/kernels/aarch64/neon_common.h"
#include "llm/quant/blocks.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* Block j's scale in a Q8_0 or Q4_0 row. */
static ALWAYS_INLINE float scale_of(const uint8_t *row, uint32_t j, bool q4)
{
    const uint8_t *d = q4 ? ((const block_q4_0 *)row)[j].d : ((const block_q8_0 *)row)[j].d;
    return fp16_to_f32((uint16_t)(d[0] | d[1] << 8));
}

/* Block j's 32 integers: elements 0-15 and 16-31. */
static ALWAYS_INLINE int8x16x2_t values_of(const uint8_t *row, uint32_t j, bool q4)
{
    int8x16x2_t v;
    if (q4) {
        uint8x16_t qs = vld1q_u8(((const block_q4_0 *)row)[j].qs);
        v.val[0] = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(qs, vdupq_n_u8(0xf))), vdupq_n_s8(8));
        v.val[1] = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(qs, 4)), vdupq_n_s8(8));
    } else {
        const int8_t *qs = ((const block_q8_0 *)row)[j].qs;
        v.val[0] = vld1q_s8(qs);
        v.val[1] = vld1q_s8(qs + 16);
    }
    return v;
}

/* e for four scores against max, from kern_exp2_table (kernels.h, KERN_ATTN_FAST over block values). */
static ALWAYS_INLINE float32x4_t exp2_table4(float32x4_t s, float32x4_t max)
{
    _Static_assert(KERN_EXP2_STEPS == 1u << 13, "y / KERN_EXP2_STEPS is y >> 13");
    float32x4_t p = vmaxnmq_f32(vmulq_n_f32(vsubq_f32(s, max), KERN_EXP2_SCALE), vdupq_n_f32(-1048576.0f));
    uint32x4_t y = vreinterpretq_u32_s32(vnegq_s32(vcvtnq_s32_f32(p)));
    uint32_t i[4];
    vst1q_u32(i, vandq_u32(y, vdupq_n_u32(KERN_EXP2_STEPS - 1)));
    uint32x4_t t = vdupq_n_u32(0);
    t = vld1q_lane_u32(&kern_exp2_table[i[0]], t, 0);
    t = vld1q_lane_u32(&kern_exp2_table[i[1]], t, 1);
    t = vld1q_lane_u32(&kern_exp2_table[i[2]], t, 2);
    t = vld1q_lane_u32(&kern_exp2_table[i[3]], t, 3);
    uint32x4_t bits = vsubq_u32(t, vshlq_n_u32(vshrq_n_u32(y, 13), 23));
    return vreinterpretq_f32_u32(vandq_u32(bits, vcltq_u32(y, vdupq_n_u32(126 * KERN_EXP2_STEPS))));
}

/* scores[0 .. n) (the first r0 masked) become their e, masked 0; returns 1 / sum, summed as kernels.h says. */
static ALWAYS_INLINE float exp_weights(float *scores, uint32_t n, uint32_t r0)
{
    uint32_t body = n - n % 4, r;
    const float32x4_t max = masked_max(scores, n, r0);
    float32x4_t part = vdupq_n_f32(0.0f);
    for (r = 0; r < body; r += 4) {
        float32x4_t e = exp2_table4(vld1q_f32(scores + r), max);
        vst1q_f32(scores + r, e);
        part = vaddq_f32(part, e);
    }
    part = vpaddq_f32(part, part);
    float sum = vgetq_lane_f32(vpaddq_f32(part, part), 0); /* (s0 + s1) + (s2 + s3) */
    if (r < n) {
        float rest[4] = { 0.0f, 0.0f, 0.0f, 0.0f };
        for (uint32_t j = 0; r + j < n; j++)
            rest[j] = scores[r + j];
        vst1q_f32(rest, exp2_table4(vld1q_f32(rest), max));
        for (uint32_t j = 0; r + j < n; j++) {
            scores[r + j] = rest[j];
            sum += rest[j];
        }
    }
    return 1.0f / sum;
}

/* Lane i: block j's scale in the rows of positions t .. t+3. */
static ALWAYS_INLINE float32x4_t scales4(const kern_kv_head_t *h, uint32_t t, uint32_t j, bool q4)
{
    uint16_t d[4];
    for (uint32_t i = 0; i < 4; i++) {
        const uint8_t *row = kern_kv_row(h, &h->v, t + i);
        const uint8_t *p = q4 ? ((const block_q4_0 *)row)[j].d : ((const block_q8_0 *)row)[j].d;
        d[i] = (uint16_t)(p[0] | p[1] << 8);
    }
    return fp16x4_to_f32(vld1_u16(d));
}

/* acc += u * (the 32 integers of block j of row), eight int32x4 lanes in element order. */
static ALWAYS_INLINE void mla_block(int32x4_t acc[8], const uint8_t *row, uint32_t j, bool q4, int16_t u)
{
    int8x16x2_t v = values_of(row, j, q4);
    int16x8_t x[4] = { vmovl_s8(vget_low_s8(v.val[0])), vmovl_high_s8(v.val[0]), vmovl_s8(vget_low_s8(v.val[1])),
                       vmovl_high_s8(v.val[1]) };
    for (int i = 0; i < 4; i++) {
        acc[2 * i] = vmlal_n_s16(acc[2 * i], vget_low_s16(x[i]), u);
        acc[2 * i + 1] = vmlal_high_n_s16(acc[2 * i + 1], x[i], u);
    }
}

/*
 * out[0 .. 32) of block j of the head (kernels.h, KERN_ATTN_FAST over block
 * values): the weights' float work four positions to a vector, then one
 * integer multiply-add per value.
 */
static ALWAYS_INLINE void v_block(const kern_kv_head_t *h, const float *w, float inv, uint32_t b, uint32_t j,
                                  bool q4, float *out)
{
    uint32_t t, end4 = h->t0 + (h->n - h->t0) / 4 * 4;
    float32x4_t cm = vdupq_n_f32(0.0f);
    for (t = h->t0; t < end4; t += 4)
        cm = vmaxq_f32(cm, vabsq_f32(vmulq_f32(vld1q_f32(w + (t - b)), scales4(h, t, j, q4))));
    float c_max = vmaxvq_f32(cm);
    for (; t < h->n; t++) {
        float c = w[t - b] * scale_of(kern_kv_row(h, &h->v, t), j, q4);
        c = c < 0.0f ? -c : c;
        c_max = c > c_max || c != c ? c : c_max; /* a NaN stays, as FMAX */
    }
    float m = c_max > 0.0f ? 32767.0f / c_max : 0.0f;
    int32x4_t acc[8];
    float32x4_t sum[8];
    for (int i = 0; i < 8; i++) {
        acc[i] = vdupq_n_s32(0);
        sum[i] = vdupq_n_f32(0.0f);
    }
    for (t = h->t0; t < h->n;) {
        int16_t u[4];
        uint32_t k = t + 4 <= end4 ? 4 : 1;
        if (k == 4)
            vst1_s16(u, vmovn_s32(vcvtnq_s32_f32(vmulq_n_f32(vmulq_f32(vld1q_f32(w + (t - b)), scales4(h, t, j, q4)), m))));
        else
            u[0] = (int16_t)vcvtns_s32_f32(w[t - b] * scale_of(kern_kv_row(h, &h->v, t), j, q4) * m);
        for (uint32_t i = 0; i < k; i++, t++) { /* |u| <= 32767 */
            mla_block(acc, kern_kv_row(h, &h->v, t), j, q4, u[i]);
            if ((t - h->t0) % KERN_ATTN_CHUNK == KERN_ATTN_CHUNK - 1 || t + 1 == h->n)
                for (int a = 0; a < 8; a++) {
                    sum[a] = vaddq_f32(sum[a], vcvtq_f32_s32(acc[a]));
                    acc[a] = vdupq_n_s32(0);
                }
        }
    }
    float unit = (c_max / 32767.0f) * inv;
    for (int i = 0; i < 8; i++)
        vst1q_f32(out + 4 * i, vmulq_n_f32(sum[i], unit));
}

static ALWAYS_INLINE void attend_fast_blocks(const kern_kv_head_t *h, const float *q, float *scores, void *work,
                                             float *out, bool q4)
{
    uint32_t hd = h->head_dim, b = h->t0 & ~3u;
    vec_attend_scores(h, q, work, scores);
    float inv = exp_weights(scores, h->n - b, h->t0 - b);
    for (uint32_t j = 0; j < hd / 32; j++)
        v_block(h, scores, inv, b, j, q4, out + 32 * j);
}

void vec_attend_fast_q8_0_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out)
{
    attend_fast_blocks(h, q, scores, work, out, false);
}

void vec_attend_fast_q4_0_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out)
{
    attend_fast_blocks(h, q, scores, work, out, true);
}
