/*
 * Attention over a paged KV cache, the scalar reference of the attend and
 * attend_fast slots (contracts in kernels.h): keys and values of any cache
 * type the engine writes (F32, F16, Q8_0, Q4_0), mixed pairs included.
 * Block dot products and the softmax go through the selected level's
 * table, whose twins give the same bits as the scalar kernels.
 */
#include "llm/kernels/kernels.h"

#include "llm/quant/blocks.h"
#include "llm/support/bits.h"
#include "llm/support/mathf.h"

/* The row base of an attention: t0 rounded down to a multiple of four (kernels.h). */
static uint32_t row_base(const kern_kv_head_t *h)
{
    return h->t0 & ~3u;
}

static bool block_quantized(const quant_format_t *f)
{
    return f->block_elems == QUANT_QK;
}

void vec_attend_scores_group(const kern_kv_head_t *h, const float *q, uint32_t n_q, void *work, float *scores,
                             size_t stride)
{
    const quant_format_t *kf = h->k.format, *qf = NULL;
    quant_lookup(kf->vec_dot_type, &qf, NULL);
    uint32_t hd = h->head_dim, b = row_base(h), t = h->t0;
    const kern_format_t *lk = kern_format(kf);
    /* Each head's q in the keys' type (llama.cpp multiplies Q in it), rows of act_bytes from work; widened after them. */
    size_t q_bytes = hd / qf->block_elems * qf->block_bytes;
    size_t act_bytes = lk->tile.widen ? hd / QUANT_QK * lk->tile.wide_block_bytes : q_bytes;
    uint8_t *acts = work, *q_kv = acts + (lk->tile.widen ? n_q * act_bytes : 0);
    for (uint32_t g = 0; g < n_q; g++) {
        qf->quantize(q + (size_t)g * hd, q_kv + g * q_bytes, hd);
        if (lk->tile.widen)
            lk->tile.widen(q_kv + g * q_bytes, acts + g * act_bytes, hd);
    }
    if (block_quantized(kf) && lk->tile.run) {
        /* Four positions at a time: a group from a multiple of four lies in one block of the cache. */
        float scale = h->scale; /* a local, so the four products below can be one vector multiply */
        for (t = b; t + 4 <= h->n; t += 4) {
            lk->tile.run(kern_kv_row(h, &h->k, t), h->k.stride, acts, act_bytes, n_q, hd, scores + (t - b), stride);
            for (uint32_t g = 0; g < n_q; g++) {
                float *sc = scores + g * stride + (t - b);
                sc[0] *= scale, sc[1] *= scale, sc[2] *= scale, sc[3] *= scale;
            }
        }
        t = t > h->t0 ? t : h->t0;
    }
    /* Block dots: the level's twin, the same bits. Float dots: the scalar one (their twins differ within a bound). */
    quant_vec_dot_fn dot = block_quantized(kf) ? lk->vec_dot : kf->vec_dot;
    for (uint32_t g = 0; g < n_q; g++)
        for (uint32_t r = t; r < h->n; r++)
            scores[g * stride + r - b] = dot(kern_kv_row(h, &h->k, r), q_kv + g * q_bytes, hd) * h->scale;
}

void vec_attend_scores(const kern_kv_head_t *h, const float *q, void *work, float *scores)
{
    vec_attend_scores_group(h, q, 1, work, scores, 0);
}

/* w rounded to F16 when the values are F16 (ggml's product converts it), else as it is. */
static float weight_in_v_type(const kern_kv_head_t *h, float w)
{
    return h->v.format->type == QUANT_F16 ? quant_fp16_to_f32(quant_f32_to_fp16(w)) : w;
}

void vec_attend_scalar(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out)
{
    uint32_t hd = h->head_dim, b = row_base(h), n = h->n - b;
    double *acc = work;
    float *v_row = (float *)(acc + hd);
    vec_attend_scores(h, q, v_row + hd, scores); /* room for 4 * head_dim bytes */
    for (uint32_t t = b; t < h->t0; t++)
        scores[t - b] = -__builtin_inff(); /* masked, as ggml's row */
    kern()->softmax(scores, n);
    for (uint32_t d = 0; d < hd; d++)
        acc[d] = 0.0;
    for (uint32_t t = h->t0; t < h->n; t++) {
        float w = weight_in_v_type(h, scores[t - b]);
        h->v.format->dequantize(kern_kv_row(h, &h->v, t), v_row, hd);
        for (uint32_t d = 0; d < hd; d++)
            acc[d] += (double)(w * v_row[d]);
    }
    for (uint32_t d = 0; d < hd; d++)
        out[d] = (float)acc[d];
}

/* Block j's i-th integer (i < 32) in a Q8_0 or Q4_0 row. */
static int32_t block_value(const uint8_t *row, uint32_t j, uint32_t i, bool q4)
{
    if (!q4)
        return ((const block_q8_0 *)row)[j].qs[i];
    uint8_t byte = ((const block_q4_0 *)row)[j].qs[i % 16];
    return (int32_t)(i < 16 ? byte & 0xf : byte >> 4) - 8;
}

/* x rounded to the nearest integer, ties to even (|x| < 2^22), as FCVTNS; 0 for NaN, as FCVTNS. */
static int32_t round_even(float x)
{
    return x != x ? 0 : (int32_t)((x + 12582912.0f) - 12582912.0f);
}

/* The larger of a and b, a NaN if either is one (as FMAX). */
static float max_nan(float a, float b)
{
    return a != a ? a : b != b ? b : a > b ? a : b;
}

/* e^x for x <= 0 from kern_exp2_table (kernels.h, KERN_ATTN_FAST over block values). */
static float exp2_from_table(float x)
{
    float p = x * KERN_EXP2_SCALE;
    p = p > -1048576.0f ? p : -1048576.0f; /* a NaN too */
    uint32_t y = (uint32_t)-round_even(p);
    if (y >= 126 * KERN_EXP2_STEPS)
        return 0.0f;
    return f32_from_bits(kern_exp2_table[y % KERN_EXP2_STEPS] - (y / KERN_EXP2_STEPS << 23));
}

/* 2^k as a float, -126 <= k <= 127. */
static float pow2f(int32_t k)
{
    return f32_from_bits((uint32_t)(127 + k) << 23);
}

/* The FAST value sums over Q8_0/Q4_0 values (kernels.h): weights scaled by a power of two, integer multiply-adds. */
static void v_sum_blocks(const kern_kv_head_t *h, const float *e, float inv, uint32_t b, float *out)
{
    bool q4 = h->v.format->type == QUANT_Q4_0;
    size_t bb = h->v.format->block_bytes;
    for (uint32_t j = 0; j < h->head_dim / QUANT_QK; j++) {
        uint16_t c = 0;
        for (uint32_t t = h->t0; t < h->n; t++) {
            uint16_t m = block_d_bits(kern_kv_row(h, &h->v, t), j, bb) & 0x7fffu;
            c = m > c ? m : c;
        }
        float *o = out + j * QUANT_QK;
        if (c >= 0x7c00u) { /* an Inf or NaN scale */
            for (uint32_t i = 0; i < QUANT_QK; i++)
                o[i] = f32_from_bits(0x7fc00000u);
            continue;
        }
        int32_t k = c ? kern_attn_shift(c) : 0;
        float up = pow2f(k);
        int32_t acc[QUANT_QK] = { 0 };
        for (uint32_t i = 0; i < QUANT_QK; i++)
            o[i] = 0.0f;
        for (uint32_t t = h->t0; t < h->n; t++) {
            const uint8_t *row = kern_kv_row(h, &h->v, t);
            int32_t u = round_even(e[t - b] * (quant_fp16_to_f32(block_d_bits(row, j, bb)) * up));
            for (uint32_t i = 0; i < QUANT_QK; i++)
                acc[i] += u * block_value(row, j, i, q4);
            if ((t - h->t0) % KERN_ATTN_CHUNK == KERN_ATTN_CHUNK - 1 || t + 1 == h->n)
                for (uint32_t i = 0; i < QUANT_QK; i++) {
                    o[i] += (float)acc[i];
                    acc[i] = 0;
                }
        }
        float unit = inv * pow2f(-k);
        for (uint32_t i = 0; i < QUANT_QK; i++)
            o[i] *= unit;
    }
}

void vec_attend_fast_scalar(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out)
{
    const quant_format_t *kf = h->k.format, *vf = h->v.format;
    uint32_t hd = h->head_dim, b = row_base(h), n = h->n - b, body = n - n % 4, r0 = h->t0 - b;
    float *row = work, *acc = row + hd, *qr = acc + hd;
    float max = 0.0f;
    if (block_quantized(kf)) {
        vec_attend_scores(h, q, qr, scores);
    } else {
        kf->quantize(q, (uint8_t *)acc, hd); /* q in the keys' values, as the exact path has it */
        kf->dequantize((const uint8_t *)acc, qr, hd);
        for (uint32_t r = r0; r < n; r++) {
            float lane[4] = { 0.0f, 0.0f, 0.0f, 0.0f };
            kf->dequantize(kern_kv_row(h, &h->k, b + r), row, hd);
            for (uint32_t d = 0; d < hd; d++)
                lane[d % 4] = math_fmaf(row[d], qr[d], lane[d % 4]);
            scores[r] = ((lane[0] + lane[1]) + (lane[2] + lane[3])) * h->scale;
        }
    }
    for (uint32_t r = r0; r < n; r++)
        max = r == r0 ? scores[r] : max_nan(max, scores[r]);
    bool table = block_quantized(vf);
    float part[4] = { 0.0f, 0.0f, 0.0f, 0.0f };
    for (uint32_t r = 0; r < n; r++) {
        scores[r] = r < r0 ? 0.0f : table ? exp2_from_table(scores[r] - max) : math_expf_approx(scores[r] - max);
        if (r < body)
            part[r % 4] += scores[r];
    }
    float sum = (part[0] + part[1]) + (part[2] + part[3]);
    for (uint32_t r = body; r < n; r++)
        sum += scores[r];
    float inv = 1.0f / sum;
    if (table)
        return v_sum_blocks(h, scores, inv, b, out);
    for (uint32_t r = 0; r < n; r++)
        scores[r] = weight_in_v_type(h, scores[r] * inv);
    for (uint32_t d = 0; d < hd; d++)
        out[d] = 0.0f;
    for (uint32_t r = 0; r < n; r++) {
        vf->dequantize(kern_kv_row(h, &h->v, b + r), row, hd);
        for (uint32_t d = 0; d < hd; d++)
            out[d] = math_fmaf(scores[r], row[d], out[d]);
    }
}
