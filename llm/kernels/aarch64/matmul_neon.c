/*
 * NEON tile kernels (see matmul_neon.h). One generic body per tile shape,
 * inlined into each format and level: the format decides how a weight block
 * unpacks to 32 int8 lanes and which float expression turns a block's
 * integer dot into its term; the level decides the int8 multiply-accumulate.
 */
#include "llm/kernels/aarch64/matmul_neon.h"

#include "llm/kernels/aarch64/neon_common.h"
#include "llm/quant/blocks.h"

#define INLINE static inline __attribute__((always_inline))

typedef enum wfmt { W_Q4_0, W_Q4_1, W_Q8_0 } wfmt_t;
typedef int32x4_t (*mla_fn)(int32x4_t acc, int8x16_t a, int8x16_t b);

/* Block sizes of the weights and their activations (Q8_1 for Q4_1, else Q8_0), where the activation quants sit. */
INLINE size_t w_block_bytes(wfmt_t f)
{
    return f == W_Q4_0 ? sizeof(block_q4_0) : f == W_Q4_1 ? sizeof(block_q4_1) : sizeof(block_q8_0);
}
INLINE size_t a_block_bytes(wfmt_t f) { return f == W_Q4_1 ? sizeof(block_q8_1) : sizeof(block_q8_0); }
INLINE size_t a_quants(wfmt_t f) { return f == W_Q4_1 ? offsetof(block_q8_1, qs) : offsetof(block_q8_0, qs); }
INLINE size_t a_sum(wfmt_t f) { return f == W_Q4_1 ? offsetof(block_q8_1, s) : 0; }

/* Elements 0-15 and 16-31 of a weight block as int8. */
INLINE void load_w(wfmt_t f, const uint8_t *b, int8x16_t *lo, int8x16_t *hi)
{
    if (f == W_Q8_0) {
        *lo = vld1q_s8((const int8_t *)b + offsetof(block_q8_0, qs));
        *hi = vld1q_s8((const int8_t *)b + offsetof(block_q8_0, qs) + 16);
    } else {
        nibbles(b + (f == W_Q4_1 ? offsetof(block_q4_1, qs) : offsetof(block_q4_0, qs)), f == W_Q4_0 ? 8 : 0, lo, hi);
    }
}

/* The fp16 fields at p, p + stride, p + 2 stride, p + 3 stride as floats. */
INLINE float32x4_t ld_fp16x4(const uint8_t *p, size_t stride)
{
    uint16x4_t h = vdup_n_u16(0);
#pragma GCC unroll 4
    for (int k = 0; k < 4; k++)
        h = vld1_lane_u16((const uint16_t *)(p + k * stride), h, k);
    return fp16x4_to_f32(h);
}

/* Two fp16 fields (two tokens' scales) as [a, b, a, b]. */
INLINE float32x4_t ld_fp16_pair(const uint8_t *a, const uint8_t *b)
{
    float32x2_t v = vset_lane_f32(ld_fp16(b), vdup_n_f32(ld_fp16(a)), 1);
    return vcombine_f32(v, v);
}

/*
 * The float term of each lane's block, from its integer dot s, weight
 * scale/min dx/mx and activation scale/sum dy/my: the scalar dots'
 * expressions, Q4_0 (float)s * dx * dy, Q8_0 (dx * dy) * (float)s, Q4_1
 * (dx * dy) * (float)s + mx * my.
 */
INLINE float32x4_t block_terms(wfmt_t f, int32x4_t s, float32x4_t dx, float32x4_t mx, float32x4_t dy,
                               float32x4_t my)
{
    float32x4_t fs = vcvtq_f32_s32(s);
    if (f == W_Q4_0)
        return vmulq_f32(vmulq_f32(fs, dx), dy);
    if (f == W_Q8_0)
        return vmulq_f32(vmulq_f32(dx, dy), fs);
    return vaddq_f32(vmulq_f32(vmulq_f32(dx, dy), fs), vmulq_f32(mx, my));
}

/* Block i of four weight rows at wi, wi + ws, ...: codes in q, scales (and Q4_1's mins) in lanes of dx (mx). */
INLINE void load_w4(wfmt_t f, const uint8_t *wi, size_t ws, int8x16_t q[4][2], float32x4_t *dx, float32x4_t *mx)
{
#pragma GCC unroll 4
    for (int r = 0; r < 4; r++)
        load_w(f, wi + r * ws, &q[r][0], &q[r][1]);
    *dx = ld_fp16x4(wi, ws);
    *mx = f == W_Q4_1 ? ld_fp16x4(wi + offsetof(block_q4_1, m), ws) : *dx;
}

/* Lane r: the integer dot of weight row r's block (q[r]) with the activation block y. */
INLINE int32x4_t dot4(mla_fn mla, const int8x16_t q[4][2], int8x16_t y0, int8x16_t y1)
{
    int32x4_t acc[4];
#pragma GCC unroll 4
    for (int r = 0; r < 4; r++)
        acc[r] = mla(mla(vdupq_n_s32(0), q[r][0], y0), q[r][1], y1);
    return vpaddq_s32(vpaddq_s32(acc[0], acc[1]), vpaddq_s32(acc[2], acc[3]));
}

/* The most activation rows a tile takes at once: their weight blocks unpack once for all of them. */
#define TILE_TOKENS 4

/*
 * Up to TILE_TOKENS activation rows (n_tok, a compile-time constant where
 * inlined) at act, act + as, ... against four weight rows, nb blocks; out
 * rows of 4 floats at out, out + os, ...
 */
INLINE void tile_4xn(wfmt_t f, mla_fn mla, const uint8_t *w, size_t ws, const uint8_t *act, size_t as, int n_tok,
                     size_t nb, float *out, size_t os)
{
    const size_t wb = w_block_bytes(f), ab = a_block_bytes(f), aq = a_quants(f);
    float32x4_t sum[TILE_TOKENS];
#pragma GCC unroll 4
    for (int t = 0; t < n_tok; t++)
        sum[t] = vdupq_n_f32(0.0f);
    for (size_t i = 0; i < nb; i++) {
        const uint8_t *wi = w + i * wb;
        int8x16_t q[4][2];
        float32x4_t dx, mx;
        load_w4(f, wi, ws, q, &dx, &mx);
#pragma GCC unroll 4
        for (int t = 0; t < n_tok; t++) {
            const uint8_t *y = act + t * as + i * ab;
            int32x4_t st = dot4(mla, q, vld1q_s8((const int8_t *)y + aq), vld1q_s8((const int8_t *)y + aq + 16));
            sum[t] = vaddq_f32(sum[t], block_terms(f, st, dx, mx, vdupq_n_f32(ld_fp16(y)),
                                                   vdupq_n_f32(f == W_Q4_1 ? ld_fp16(y + a_sum(f)) : 0.0f)));
        }
    }
#pragma GCC unroll 4
    for (int t = 0; t < n_tok; t++)
        vst1q_f32(out + t * os, sum[t]);
}

/* The 64-bit halves: [a.lo, b.lo] and [a.hi, b.hi], SMMLA's 2 x 8 operand layout. */
INLINE int8x16_t zip_lo(int8x16_t a, int8x16_t b)
{
    return vreinterpretq_s8_s64(vzip1q_s64(vreinterpretq_s64_s8(a), vreinterpretq_s64_s8(b)));
}

INLINE int8x16_t zip_hi(int8x16_t a, int8x16_t b)
{
    return vreinterpretq_s8_s64(vzip2q_s64(vreinterpretq_s64_s8(a), vreinterpretq_s64_s8(b)));
}

/* A pair of 32-element blocks (weight rows or tokens) a, b in SMMLA's operand layout, four registers. */
INLINE void zip_pair(const int8x16_t a[2], const int8x16_t b[2], int8x16_t z[4])
{
    z[0] = zip_lo(a[0], b[0]);
    z[1] = zip_hi(a[0], b[0]);
    z[2] = zip_lo(a[1], b[1]);
    z[3] = zip_hi(a[1], b[1]);
}

/* Lanes [r0 t0, r0 t1, r1 t0, r1 t1]: the integer dots of a zipped weight-row pair with a zipped token pair. */
NEON_I8MM INLINE int32x4_t mmla_pair(const int8x16_t wz[4], const int8x16_t y[4])
{
    int32x4_t acc = vmmlaq_s32(vdupq_n_s32(0), wz[0], y[0]);
    acc = vmmlaq_s32(acc, wz[1], y[1]);
    acc = vmmlaq_s32(acc, wz[2], y[2]);
    return vmmlaq_s32(acc, wz[3], y[3]);
}

/*
 * Four weight rows against n_pairs (1 or 2, a constant where inlined) pairs
 * of activation rows at act, act + as, ... by SMMLA, the weights unpacked
 * and zipped once per block for all of them; out rows of 4 floats at out,
 * out + os, ...
 */
NEON_I8MM INLINE void tile_4xpairs_mmla(wfmt_t f, const uint8_t *w, size_t ws, const uint8_t *act, size_t as,
                                        int n_pairs, size_t nb, float *out, size_t os)
{
    const size_t wb = w_block_bytes(f), ab = a_block_bytes(f), aq = a_quants(f);
    float32x4_t sum[TILE_TOKENS / 2][2]; /* [token pair][weight-row pair] */
#pragma GCC unroll 2
    for (int p = 0; p < n_pairs; p++)
        sum[p][0] = sum[p][1] = vdupq_n_f32(0.0f);
    for (size_t i = 0; i < nb; i++) {
        const uint8_t *wi = w + i * wb;
        int8x16_t q[4][2], wz[2][4];
        float32x4_t dx, mx;
        load_w4(f, wi, ws, q, &dx, &mx);
        zip_pair(q[0], q[1], wz[0]);
        zip_pair(q[2], q[3], wz[1]);
        float32x4_t dxz[2] = { vzip1q_f32(dx, dx), vzip2q_f32(dx, dx) };
        float32x4_t mxz[2] = { vzip1q_f32(mx, mx), vzip2q_f32(mx, mx) };
#pragma GCC unroll 2
        for (int p = 0; p < n_pairs; p++) {
            const uint8_t *y0 = act + 2 * p * as + i * ab, *y1 = y0 + as;
            const int8x16_t a0[2] = { vld1q_s8((const int8_t *)y0 + aq), vld1q_s8((const int8_t *)y0 + aq + 16) };
            const int8x16_t a1[2] = { vld1q_s8((const int8_t *)y1 + aq), vld1q_s8((const int8_t *)y1 + aq + 16) };
            int8x16_t y[4];
            zip_pair(a0, a1, y);
            float32x4_t dy = ld_fp16_pair(y0, y1), my = f == W_Q4_1 ? ld_fp16_pair(y0 + a_sum(f), y1 + a_sum(f)) : dy;
#pragma GCC unroll 2
            for (int r = 0; r < 2; r++)
                sum[p][r] = vaddq_f32(sum[p][r], block_terms(f, mmla_pair(wz[r], y), dxz[r], mxz[r], dy, my));
        }
    }
#pragma GCC unroll 2
    for (int p = 0; p < n_pairs; p++) {
        vst1q_f32(out + 2 * p * os, vuzp1q_f32(sum[p][0], sum[p][1]));
        vst1q_f32(out + (2 * p + 1) * os, vuzp2q_f32(sum[p][0], sum[p][1]));
    }
}

/* Four activation rows at a time by SMMLA, then a pair, then an odd last one by SDOT. */
NEON_I8MM INLINE void tile_rows_mmla(wfmt_t f, const uint8_t *w, size_t ws, const uint8_t *act, size_t as,
                                     uint32_t n_act, size_t n_cols, float *out, size_t os)
{
    size_t nb = n_cols / QUANT_QK;
    uint32_t t = 0;
    for (; t + TILE_TOKENS <= n_act; t += TILE_TOKENS)
        tile_4xpairs_mmla(f, w, ws, act + t * as, as, TILE_TOKENS / 2, nb, out + t * os, os);
    if (t + 2 <= n_act) {
        tile_4xpairs_mmla(f, w, ws, act + t * as, as, 1, nb, out + t * os, os);
        t += 2;
    }
    if (t < n_act)
        tile_4xn(f, sdot16, w, ws, act + t * as, as, 1, nb, out + t * os, os);
}

/*
 * The 16-bit path of the nibble formats: a weight block's 16 bytes read as
 * eight 16-bit lanes give, by masks and shifts, four int16 vectors of
 * unsigned nibbles (lane k: elements 2k, 2k + 16, 2k + 1, 2k + 17), which
 * 16-bit multiply-accumulates pair with the activations widened once per
 * matmul into the same order. Bounds: a nibble times a code is at most
 * 15 x 128 = 1920 in magnitude; four of them per lane and two pairwise adds
 * stay within 16 x 1920 = 30720 < 32767, so the int16 sums are exact. Q4_0's
 * offset of 8 comes out as 8 x the block's code sum, kept with the block.
 */
typedef struct wide_block {
    int16_t q[4][8]; /* lane k: elements 2k, 2k + 16, 2k + 1, 2k + 17 */
    int32_t sum8;    /* 8 x the sum of the block's 32 codes */
    float d, s;      /* the block's scale and (Q8_1) its s field, as floats: FCVT is exact */
    int32_t pad;
} wide_block_t;

_Static_assert(sizeof(wide_block_t) == MATMUL_NEON_WIDE_BLOCK_BYTES, "wide block layout");

/* One Q8_0 or Q8_1 (has_s) row in the wide layout. */
INLINE void widen_row(const uint8_t *act, uint8_t *wide, size_t n_cols, bool has_s)
{
    const wfmt_t f = has_s ? W_Q4_1 : W_Q4_0; /* the weights these activations meet */
    const size_t a_bytes = a_block_bytes(f), aq = a_quants(f);
    for (size_t i = 0; i < n_cols / QUANT_QK; i++) {
        const uint8_t *y = act + i * a_bytes;
        int8x16_t lo = vld1q_s8((const int8_t *)y + aq), hi = vld1q_s8((const int8_t *)y + aq + 16);
        int16x8_t lo16 = vreinterpretq_s16_s8(lo), hi16 = vreinterpretq_s16_s8(hi);
        wide_block_t b;
        vst1q_s16(b.q[0], vshrq_n_s16(vshlq_n_s16(lo16, 8), 8));
        vst1q_s16(b.q[1], vshrq_n_s16(vshlq_n_s16(hi16, 8), 8));
        vst1q_s16(b.q[2], vshrq_n_s16(lo16, 8));
        vst1q_s16(b.q[3], vshrq_n_s16(hi16, 8));
        b.sum8 = 8 * ((int32_t)vaddlvq_s8(lo) + (int32_t)vaddlvq_s8(hi));
        b.d = ld_fp16(y);
        b.s = has_s ? ld_fp16(y + a_sum(f)) : 0.0f;
        b.pad = 0;
        __builtin_memcpy(wide + i * MATMUL_NEON_WIDE_BLOCK_BYTES, &b, sizeof b);
    }
}

void matmul_widen_q8_0_neon(const uint8_t *act, uint8_t *wide, size_t n_cols) { widen_row(act, wide, n_cols, false); }
void matmul_widen_q8_1_neon(const uint8_t *act, uint8_t *wide, size_t n_cols) { widen_row(act, wide, n_cols, true); }

/* Lane r: the integer dot of four weight rows' unsigned nibbles (n[r]) with one widened activation block. */
INLINE int32x4_t wide_dot4(const int16x8_t n[4][4], const wide_block_t *y)
{
    int16x8_t acc[4];
#pragma GCC unroll 4
    for (int r = 0; r < 4; r++) {
        acc[r] = vmulq_s16(n[r][0], vld1q_s16(y->q[0]));
#pragma GCC unroll 4
        for (int k = 1; k < 4; k++)
            acc[r] = vmlaq_s16(acc[r], n[r][k], vld1q_s16(y->q[k]));
    }
    return vpaddlq_s16(vpaddq_s16(vpaddq_s16(acc[0], acc[1]), vpaddq_s16(acc[2], acc[3])));
}

/* Four weight rows of Q4_0 or Q4_1 against up to TILE_TOKENS widened activation rows, as tile_4xn. */
INLINE void wide_4xn(wfmt_t f, const uint8_t *w, size_t ws, const uint8_t *act, size_t as, int n_tok, size_t nb,
                     float *out, size_t os)
{
    const size_t wb = w_block_bytes(f);
    const uint16x8_t mask = vdupq_n_u16(0x0f);
    float32x4_t sum[TILE_TOKENS];
#pragma GCC unroll 4
    for (int t = 0; t < n_tok; t++)
        sum[t] = vdupq_n_f32(0.0f);
    for (size_t i = 0; i < nb; i++) {
        const uint8_t *wi = w + i * wb;
        int16x8_t n[4][4];
#pragma GCC unroll 4
        for (int r = 0; r < 4; r++) {
            uint16x8_t v = vreinterpretq_u16_u8(vld1q_u8(wi + r * ws + (f == W_Q4_1 ? 4 : 2)));
            n[r][0] = vreinterpretq_s16_u16(vandq_u16(v, mask));
            n[r][1] = vreinterpretq_s16_u16(vandq_u16(vshrq_n_u16(v, 4), mask));
            n[r][2] = vreinterpretq_s16_u16(vandq_u16(vshrq_n_u16(v, 8), mask));
            n[r][3] = vreinterpretq_s16_u16(vshrq_n_u16(v, 12));
        }
        float32x4_t dx = ld_fp16x4(wi, ws), mx = f == W_Q4_1 ? ld_fp16x4(wi + offsetof(block_q4_1, m), ws) : dx;
#pragma GCC unroll 4
        for (int t = 0; t < n_tok; t++) {
            const wide_block_t *y = (const wide_block_t *)(act + t * as + i * MATMUL_NEON_WIDE_BLOCK_BYTES);
            int32x4_t st = wide_dot4(n, y);
            if (f == W_Q4_0)
                st = vsubq_s32(st, vdupq_n_s32(y->sum8));
            sum[t] = vaddq_f32(sum[t], block_terms(f, st, dx, mx, vdupq_n_f32(y->d), vdupq_n_f32(y->s)));
        }
    }
#pragma GCC unroll 4
    for (int t = 0; t < n_tok; t++)
        vst1q_f32(out + t * os, sum[t]);
}

/* n_tok activation rows against four weight rows: the widened 16-bit path (wide) or the int8 one with mla. */
INLINE void tile_4xk(wfmt_t f, mla_fn mla, bool wide, const uint8_t *w, size_t ws, const uint8_t *act, size_t as,
                     int n_tok, size_t nb, float *out, size_t os)
{
    if (wide)
        wide_4xn(f, w, ws, act, as, n_tok, nb, out, os);
    else
        tile_4xn(f, mla, w, ws, act, as, n_tok, nb, out, os);
}

/* The tile over all activation rows, TILE_TOKENS at a time, then the rest together. */
INLINE void tile_rows(wfmt_t f, mla_fn mla, bool wide, const uint8_t *w, size_t ws, const uint8_t *act, size_t as,
                      uint32_t n_act, size_t n_cols, float *out, size_t os)
{
    size_t nb = n_cols / QUANT_QK;
    uint32_t t = 0;
    for (; t + TILE_TOKENS <= n_act; t += TILE_TOKENS)
        tile_4xk(f, mla, wide, w, ws, act + t * as, as, TILE_TOKENS, nb, out + t * os, os);
    switch (n_act - t) {
    case 3: tile_4xk(f, mla, wide, w, ws, act + t * as, as, 3, nb, out + t * os, os); break;
    case 2: tile_4xk(f, mla, wide, w, ws, act + t * as, as, 2, nb, out + t * os, os); break;
    case 1: tile_4xk(f, mla, wide, w, ws, act + t * as, as, 1, nb, out + t * os, os); break;
    default: break;
    }
}

#define TILE_ARGS                                                                                               \
    const uint8_t *w, size_t ws, const uint8_t *act, size_t as, uint32_t n_act, size_t n_cols, float *out, size_t os
#define DEFINE_TILES(NAME, F)                                                                                   \
    NEON_DOTPROD void NAME##_dotprod(TILE_ARGS)                                                          \
    {                                                                                                           \
        tile_rows(F, sdot16, false, w, ws, act, as, n_act, n_cols, out, os);                                           \
    }                                                                                                           \
    NEON_I8MM void NAME##_i8mm(TILE_ARGS) { tile_rows_mmla(F, w, ws, act, as, n_act, n_cols, out, os); }

#define DEFINE_WIDE(NAME, F)                                                                                    \
    void NAME##_neon(TILE_ARGS) { tile_rows(F, mla16, true, w, ws, act, as, n_act, n_cols, out, os); }

DEFINE_WIDE(matmul_tile_q4_0, W_Q4_0)
DEFINE_WIDE(matmul_tile_q4_1, W_Q4_1)
DEFINE_TILES(matmul_tile_q4_0, W_Q4_0)
DEFINE_TILES(matmul_tile_q4_1, W_Q4_1)
DEFINE_TILES(matmul_tile_q8_0, W_Q8_0)

void matmul_tile_q8_0_neon(TILE_ARGS) { tile_rows(W_Q8_0, mla16, false, w, ws, act, as, n_act, n_cols, out, os); }
