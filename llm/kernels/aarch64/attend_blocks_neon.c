/*
 * KERN_ATTN_FAST over a Q8_0 or Q4_0 cache at the NEON and dotprod levels
 * (contract in kernels.h, scalar twin in attend_scalar.c, the same bits):
 * the scores by the level's block dot, exponentials from kern_exp2_table,
 * and the value sums of 15-bit weights (one float multiply each: the
 * block's power-of-two scale is added to the exponent) with the cache's
 * 8-bit (or 4-bit) values into eight int32x4 accumulators per 32-value
 * block: 16-bit
 * multiply-adds one position at a time (NEON), or SDOT over four positions
 * transposed in registers, each weight split into two signed bytes
 * (dotprod), for all the query heads of a KV head at once (their scores
 * through one pass of the tile, the values transposed once). QEMU runs
 * those inline, where every float lane is a soft-float call.
 */
#include "llm/kernels/aarch64/vec_neon.h"

#include "llm/kernels/aarch64/neon_common.h"
#include "llm/quant/blocks.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

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
    /* p <= 0 or a NaN (s <= max): at least -2^20 by integer compares, as FMAXNM would clamp it */
    uint32x4_t pb = vreinterpretq_u32_f32(vmulq_n_f32(vsubq_f32(s, max), KERN_EXP2_SCALE));
    uint32x4_t clamp = vorrq_u32(vcgtq_u32(pb, vdupq_n_u32(0xc9800000u)), /* below -2^20 (bits of -2^20) */
                                 vcgtq_u32(vandq_u32(pb, vdupq_n_u32(0x7fffffffu)), vdupq_n_u32(0x7f800000u)));
    float32x4_t p = vbslq_f32(clamp, vdupq_n_f32(-1048576.0f), vreinterpretq_f32_u32(pb));
    uint32x4_t y = vreinterpretq_u32_s32(vnegq_s32(round_even_small(p)));
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

/* Lane i: the fp16 bits of block j's scale in the rows of positions t .. t+3. */
static ALWAYS_INLINE uint16x4_t scale_bits4(const kern_kv_head_t *h, uint32_t t, uint32_t j, size_t bb)
{
    uint16_t d[4];
    for (uint32_t i = 0; i < 4; i++)
        d[i] = block_d_bits(kern_kv_row(h, &h->v, t + i), j, bb);
    return vld1_u16(d);
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
 * k_j for block j (kernels.h, KERN_ATTN_FAST over block values): C_j, the
 * largest scale magnitude, by integer maxima of the fp16 bits; false if it
 * is an Inf or NaN.
 */
static ALWAYS_INLINE bool block_shift(const kern_kv_head_t *h, uint32_t j, size_t bb, int32_t *k)
{
    uint32_t t, end4 = h->t0 + (h->n - h->t0) / 4 * 4;
    uint16x4_t cm = vdup_n_u16(0);
    for (t = h->t0; t < end4; t += 4)
        cm = vmax_u16(cm, vand_u16(scale_bits4(h, t, j, bb), vdup_n_u16(0x7fff)));
    uint16_t c = vmaxv_u16(cm);
    for (; t < h->n; t++) {
        uint16_t m = block_d_bits(kern_kv_row(h, &h->v, t), j, bb) & 0x7fffu;
        c = m > c ? m : c;
    }
    *k = c ? kern_attn_shift(c) : 0;
    return c < 0x7c00u;
}

/* d * 2^k for fp16 scales d (bits) with |d| * 2^k <= KERN_ATTN_UMAX: k added to each nonzero float's exponent. */
static ALWAYS_INLINE float32x4_t shifted4(uint16x4_t d, int32_t k)
{
    uint32x4_t f = vreinterpretq_u32_f32(fp16x4_to_f32(d));
    uint32x4_t nonzero = vtstq_u32(f, vdupq_n_u32(0x7fffffffu));
    return vreinterpretq_f32_u32(vaddq_u32(f, vandq_u32(nonzero, vdupq_n_u32((uint32_t)k << 23))));
}

/* u of position t (k = k_j). */
static ALWAYS_INLINE int32_t weight1(const kern_kv_head_t *h, const float *w, uint32_t b, uint32_t t, uint32_t j,
                                    size_t bb, int32_t k)
{
    uint16x4_t d = vdup_n_u16(block_d_bits(kern_kv_row(h, &h->v, t), j, bb));
    return vcvtns_s32_f32(w[t - b] * vgetq_lane_f32(shifted4(d, k), 0));
}

/* u of positions t .. t+3. */
static ALWAYS_INLINE int32x4_t weights4(const kern_kv_head_t *h, const float *w, uint32_t b, uint32_t t, uint32_t j,
                                       size_t bb, int32_t k)
{
    return round_even_small(vmulq_f32(vld1q_f32(w + (t - b)), shifted4(scale_bits4(h, t, j, bb), k))); /* |u| <= UMAX */
}

/* The end of a chunk of value sums after position t: the int32 sums go into the float ones. */
static ALWAYS_INLINE bool chunk_ends(const kern_kv_head_t *h, uint32_t t)
{
    return (t - h->t0) % KERN_ATTN_CHUNK == KERN_ATTN_CHUNK - 1 || t + 1 == h->n;
}

static ALWAYS_INLINE void flush(float32x4_t sum[8], int32x4_t acc[8])
{
    for (int a = 0; a < 8; a++) {
        sum[a] = vaddq_f32(sum[a], vcvtq_f32_s32(acc[a]));
        acc[a] = vdupq_n_s32(0);
    }
}

/* out[0 .. 32) = sum * (inv * 2^-k). */
static ALWAYS_INLINE void store_block(const float32x4_t sum[8], int32_t k, float inv, float *out)
{
    float unit = inv * vgetq_lane_f32(vreinterpretq_f32_u32(vdupq_n_u32((uint32_t)(127 - k) << 23)), 0);
    for (int i = 0; i < 8; i++)
        vst1q_f32(out + 4 * i, vmulq_n_f32(sum[i], unit));
}

/* A block whose largest scale is an Inf or NaN: NaN outputs. */
static ALWAYS_INLINE void store_nan(float *out)
{
    for (int i = 0; i < 8; i++)
        vst1q_f32(out + 4 * i, vreinterpretq_f32_u32(vdupq_n_u32(0x7fc00000u)));
}

/*
 * out[0 .. 32) of block j of the head (kernels.h, KERN_ATTN_FAST over block
 * values): the weights' float work four positions to a vector, then one
 * 16-bit integer multiply-add per value.
 */
static ALWAYS_INLINE void v_block(const kern_kv_head_t *h, const float *w, float inv, uint32_t b, uint32_t j,
                                  bool q4, float *out)
{
    uint32_t t, end4 = h->t0 + (h->n - h->t0) / 4 * 4;
    size_t bb = q4 ? sizeof(block_q4_0) : sizeof(block_q8_0);
    int32_t k;
    if (!block_shift(h, j, bb, &k)) {
        store_nan(out);
        return;
    }
    int32x4_t acc[8];
    float32x4_t sum[8];
    for (int i = 0; i < 8; i++) {
        acc[i] = vdupq_n_s32(0);
        sum[i] = vdupq_n_f32(0.0f);
    }
    for (t = h->t0; t < h->n;) {
        int16_t u[4];
        uint32_t step = t + 4 <= end4 ? 4 : 1;
        if (step == 4)
            vst1_s16(u, vmovn_s32(weights4(h, w, b, t, j, bb, k)));
        else
            u[0] = (int16_t)weight1(h, w, b, t, j, bb, k);
        for (uint32_t i = 0; i < step; i++, t++) { /* |u| <= KERN_ATTN_UMAX */
            mla_block(acc, kern_kv_row(h, &h->v, t), j, q4, u[i]);
            if (chunk_ends(h, t))
                flush(sum, acc);
        }
    }
    store_block(sum, k, inv, out);
}

/*
 * The weights of four positions as SDOT operands: lane i of *lo holds
 * lo_0 .. lo_3 (bytes in position order), of *hi hi_0 .. hi_3, where u_t =
 * 256 * hi_t + lo_t, lo_t in [-128, 127] and |hi_t| <= 127 (|u_t| <=
 * KERN_ATTN_UMAX).
 */
static ALWAYS_INLINE void split_weights(int32x4_t u, int8x16_t *lo, int8x16_t *hi)
{
    int32x4_t l = vsubq_s32(vandq_s32(vaddq_s32(u, vdupq_n_s32(128)), vdupq_n_s32(255)), vdupq_n_s32(128));
    int32x4_t hh = vshrq_n_s32(vsubq_s32(u, l), 8);
    int32x2_t bytes = vreinterpret_s32_s8(vmovn_s16(vcombine_s16(vmovn_s32(l), vmovn_s32(hh))));
    *lo = vreinterpretq_s8_s32(vdupq_lane_s32(bytes, 0));
    *hi = vreinterpretq_s8_s32(vdupq_lane_s32(bytes, 1));
}

/* Block j of four rows transposed: x[half][i] lane l holds element 16 * half + 4 * i + l of the four rows, in row order. */
static ALWAYS_INLINE void transpose4(const uint8_t *const rows[4], uint32_t j, bool q4, int8x16_t x[2][4])
{
    int8x16x2_t r[4];
    for (int i = 0; i < 4; i++)
        r[i] = values_of(rows[i], j, q4);
    for (int half = 0; half < 2; half++) {
        int16x8_t a = vreinterpretq_s16_s8(vzip1q_s8(r[0].val[half], r[1].val[half]));
        int16x8_t c = vreinterpretq_s16_s8(vzip2q_s8(r[0].val[half], r[1].val[half]));
        int16x8_t e = vreinterpretq_s16_s8(vzip1q_s8(r[2].val[half], r[3].val[half]));
        int16x8_t g = vreinterpretq_s16_s8(vzip2q_s8(r[2].val[half], r[3].val[half]));
        x[half][0] = vreinterpretq_s8_s16(vzip1q_s16(a, e));
        x[half][1] = vreinterpretq_s8_s16(vzip2q_s16(a, e));
        x[half][2] = vreinterpretq_s8_s16(vzip1q_s16(c, g));
        x[half][3] = vreinterpretq_s8_s16(vzip2q_s16(c, g));
    }
}

/* One head's SDOT sums of a group of four positions: lo- and hi-weighted, one SDOT per four elements and half. */
static ALWAYS_INLINE NEON_DOTPROD void sdot_head(int32x4_t acc_lo[8], int32x4_t acc_hi[8], int8x16_t x[2][4],
                                                 int32x4_t u)
{
    int8x16_t lo, hi;
    split_weights(u, &lo, &hi);
    for (int half = 0; half < 2; half++)
        for (int i = 0; i < 4; i++) {
            acc_lo[4 * half + i] = vdotq_s32(acc_lo[4 * half + i], x[half][i], lo);
            acc_hi[4 * half + i] = vdotq_s32(acc_hi[4 * half + i], x[half][i], hi);
        }
}

/*
 * The value sums of block j for n_q heads at the dotprod level (head g's
 * weights at w + g * w_stride, its out at out + g * out_stride), each the
 * bits of v_block: positions four at a time (a last short group padded
 * with zero weights on its last row), the rows transposed once for all
 * heads, each head's int32 sums as 256 * (hi sums) + (lo sums), which
 * equal the u-weighted ones exactly (each part at most 256 * 127 * 128 a
 * chunk).
 */
static ALWAYS_INLINE NEON_DOTPROD void v_block_group(const kern_kv_head_t *h, const float *w, size_t w_stride,
                                                     const float *inv, uint32_t n_q, uint32_t b, uint32_t j, bool q4,
                                                     float *out, size_t out_stride)
{
    size_t bb = q4 ? sizeof(block_q4_0) : sizeof(block_q8_0);
    int32_t k;
    if (!block_shift(h, j, bb, &k)) {
        for (uint32_t g = 0; g < n_q; g++)
            store_nan(out + g * out_stride);
        return;
    }
    int32x4_t acc_lo[KERN_ATTEND_GROUP_MAX][8], acc_hi[KERN_ATTEND_GROUP_MAX][8], acc[8];
    float32x4_t sum[KERN_ATTEND_GROUP_MAX][8];
    for (uint32_t g = 0; g < n_q; g++)
        for (int i = 0; i < 8; i++) {
            acc_lo[g][i] = acc_hi[g][i] = vdupq_n_s32(0);
            sum[g][i] = vdupq_n_f32(0.0f);
        }
    for (uint32_t t = h->t0; t < h->n; t += 4) {
        uint32_t m = h->n - t < 4 ? h->n - t : 4; /* positions in this group */
        const uint8_t *rows[4];
        uint16_t d[4];
        for (uint32_t i = 0; i < 4; i++) {
            rows[i] = kern_kv_row(h, &h->v, t + (i < m ? i : m - 1));
            d[i] = block_d_bits(rows[i], j, bb);
        }
        float32x4_t scale = shifted4(vld1_u16(d), k);
        int8x16_t x[2][4];
        transpose4(rows, j, q4, x);
        for (uint32_t g = 0; g < n_q; g++) {
            const float *wg = w + g * w_stride + (t - b);
            float pad[4] = { 0.0f, 0.0f, 0.0f, 0.0f };
            for (uint32_t i = 0; m < 4 && i < m; i++)
                pad[i] = wg[i];
            float32x4_t e = vld1q_f32(m == 4 ? wg : pad);
            sdot_head(acc_lo[g], acc_hi[g], x, round_even_small(vmulq_f32(e, scale))); /* |u| <= UMAX */
        }
        if (chunk_ends(h, t + m - 1))
            for (uint32_t g = 0; g < n_q; g++) {
                for (int a = 0; a < 8; a++) {
                    acc[a] = vaddq_s32(vshlq_n_s32(acc_hi[g][a], 8), acc_lo[g][a]);
                    acc_lo[g][a] = acc_hi[g][a] = vdupq_n_s32(0);
                }
                flush(sum[g], acc);
            }
    }
    for (uint32_t g = 0; g < n_q; g++)
        store_block(sum[g], k, inv[g], out + g * out_stride);
}

/* The scores and weights; returns 1 / sum (the value sums are the caller's). */
static ALWAYS_INLINE float fast_weights_blocks(const kern_kv_head_t *h, const float *q, float *scores, void *work)
{
    uint32_t b = h->t0 & ~3u;
    vec_attend_scores(h, q, work, scores);
    return exp_weights(scores, h->n - b, h->t0 - b);
}

static ALWAYS_INLINE void attend_fast_blocks(const kern_kv_head_t *h, const float *q, float *scores, void *work,
                                             float *out, bool q4)
{
    float inv = fast_weights_blocks(h, q, scores, work);
    for (uint32_t j = 0; j < h->head_dim / 32; j++)
        v_block(h, scores, inv, h->t0 & ~3u, j, q4, out + 32 * j);
}

/* KERN_ATTN_FAST for n_q heads of one KV head at the dotprod level: their scores in one pass over the keys. */
static ALWAYS_INLINE NEON_DOTPROD void attend_fast_group_dot(const kern_kv_head_t *h, const float *q, uint32_t n_q,
                                                             float *scores, void *work, float *out, bool q4)
{
    uint32_t b = h->t0 & ~3u, len = h->n - b, hd = h->head_dim;
    float inv[KERN_ATTEND_GROUP_MAX];
    vec_attend_scores_group(h, q, n_q, work, scores, len);
    for (uint32_t g = 0; g < n_q; g++)
        inv[g] = exp_weights(scores + (size_t)g * len, len, h->t0 - b);
    for (uint32_t j = 0; j < hd / 32; j++)
        v_block_group(h, scores, len, inv, n_q, b, j, q4, out + 32 * j, hd);
}

void vec_attend_fast_q8_0_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out)
{
    attend_fast_blocks(h, q, scores, work, out, false);
}

void vec_attend_fast_q4_0_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out)
{
    attend_fast_blocks(h, q, scores, work, out, true);
}

NEON_DOTPROD void vec_attend_fast_q8_0_dotprod(const kern_kv_head_t *h, const float *q, float *scores, void *work,
                                              float *out)
{
    attend_fast_group_dot(h, q, 1, scores, work, out, false);
}

NEON_DOTPROD void vec_attend_fast_q4_0_dotprod(const kern_kv_head_t *h, const float *q, float *scores, void *work,
                                              float *out)
{
    attend_fast_group_dot(h, q, 1, scores, work, out, true);
}

NEON_DOTPROD void vec_attend_fast_group_q8_0_dotprod(const kern_kv_head_t *h, const float *q, uint32_t n_q,
                                                    float *scores, void *work, float *out)
{
    attend_fast_group_dot(h, q, n_q, scores, work, out, false);
}

NEON_DOTPROD void vec_attend_fast_group_q4_0_dotprod(const kern_kv_head_t *h, const float *q, uint32_t n_q,
                                                    float *scores, void *work, float *out)
{
    attend_fast_group_dot(h, q, n_q, scores, work, out, true);
}
