/*
 * ggml's 32-element block formats, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and the
 * activation format Q8_1: block layouts, dequantize, reference quantizers
 * and scalar dot products, byte for byte and bit for bit ggml's. Not for the
 * 256-element K-quants (quant_kquant.c) nor for SIMD.
 */
#include "llm/quant/quant.h"

#include <float.h>
#include <stdbool.h>

#include "llm/quant/blocks.h"
#include "llm/quant/quant_impl.h"

#define QK QUANT_QK

/* ---------------------------------------------------------- layouts */

/*
 * The six formats differ only in a few choices (nibbles or bytes, a fifth
 * bit, an offset m, the code bias, the order of the float products), so each
 * block struct comes with a layout naming those choices and one set of row
 * functions serves them all. The structs hold bytes only (alignment 1, no
 * padding): a pointer to a block may hold any address.
 */

/* Float accumulation of one block's integer dot, sumi, in ggml's order. */
typedef float (*block_sum_fn)(int32_t sumi, const uint8_t *w_block, const uint8_t *act_block);

/* Where a block keeps its fields and what its codes mean. d is always at
 * offset 0, so an offset of 0 for qh, m or s means the block has none. */
typedef struct layout {
    size_t block_bytes;
    size_t qs;           /* the quants */
    size_t qh;           /* the fifth bits (0: 4-bit codes) */
    size_t m;            /* the offset m (0: none) */
    size_t s;            /* Q8_1's s (0: none) */
    bool bytes;          /* qs are int8 values, not nibbles */
    int bias;            /* subtracted from the stored code: 8, 16 or 0 */
    block_sum_fn block_sum;
} layout_t;

/* ggml: sumf += sumi * d_x * d_y, left to right. */
static float sum_q4_0(int32_t sumi, const uint8_t *x, const uint8_t *y)
{
    return (float)sumi * quant_ld_fp16(x) * quant_ld_fp16(y);
}

/* ggml (Q5_0, Q8_0): sumf += (d_x * d_y) * sumi. */
static float sum_scaled(int32_t sumi, const uint8_t *x, const uint8_t *y)
{
    return (quant_ld_fp16(x) * quant_ld_fp16(y)) * (float)sumi;
}

/* ggml (Q4_1, Q5_1 against Q8_1): sumf += (d_x * d_y) * sumi + m_x * s_y. */
static float sum_affine(int32_t sumi, const uint8_t *x, const uint8_t *y)
{
    return sum_scaled(sumi, x, y) + quant_ld_fp16(x + offsetof(block_q4_1, m)) *
                                        quant_ld_fp16(y + offsetof(block_q8_1, s));
}

_Static_assert(offsetof(block_q4_1, m) == offsetof(block_q5_1, m), "m at one offset");

#define AT(block, field) .field = offsetof(block, field)

static const layout_t Q4_0 = { sizeof(block_q4_0), AT(block_q4_0, qs), .bias = 8, .block_sum = sum_q4_0 };
static const layout_t Q4_1 = { sizeof(block_q4_1), AT(block_q4_1, qs), AT(block_q4_1, m), .block_sum = sum_affine };
static const layout_t Q5_0 = { sizeof(block_q5_0), AT(block_q5_0, qs), AT(block_q5_0, qh), .bias = 16,
                               .block_sum = sum_scaled };
static const layout_t Q5_1 = { sizeof(block_q5_1), AT(block_q5_1, qs), AT(block_q5_1, qh), AT(block_q5_1, m),
                               .block_sum = sum_affine };
static const layout_t Q8_0 = { sizeof(block_q8_0), AT(block_q8_0, qs), .bytes = true, .block_sum = sum_scaled };
static const layout_t Q8_1 = { sizeof(block_q8_1), AT(block_q8_1, qs), AT(block_q8_1, s), .bytes = true };

/* ---------------------------------------------------------- codes */

/* The block's quants as signed values (stored code minus bias). */
static inline __attribute__((always_inline)) void unpack(const layout_t *L, const uint8_t *blk, int8_t q[QK])
{
    const uint8_t *qs = blk + L->qs;
    if (L->bytes) {
        for (int j = 0; j < QK; j++)
            q[j] = (int8_t)qs[j];
        return;
    }
    uint32_t high = L->qh ? quant_ld_u32(blk + L->qh) : 0;
    for (int j = 0; j < QK / 2; j++) {
        int lo = (qs[j] & 0x0f) | (int)(((high >> j) & 1) << 4);
        int hi = (qs[j] >> 4) | (int)(((high >> (j + QK / 2)) & 1) << 4);
        q[j] = (int8_t)(lo - L->bias);
        q[j + QK / 2] = (int8_t)(hi - L->bias);
    }
}

/* The inverse, from stored codes (0..31, or int8 values for Q8). */
static void pack(const layout_t *L, const int8_t q[QK], uint8_t *blk)
{
    uint8_t *qs = blk + L->qs;
    if (L->bytes) {
        for (int j = 0; j < QK; j++)
            qs[j] = (uint8_t)q[j];
        return;
    }
    uint32_t high = 0;
    for (int j = 0; j < QK / 2; j++) {
        qs[j] = (uint8_t)((q[j] & 0x0f) | ((q[j + QK / 2] & 0x0f) << 4));
        high |= (uint32_t)(q[j] >> 4) << j;
        high |= (uint32_t)(q[j + QK / 2] >> 4) << (j + QK / 2);
    }
    if (L->qh)
        quant_st_u32(blk + L->qh, high);
}

/* ---------------------------------------------------------- reference quantizers */

static int8_t clamp_code(int32_t v, int32_t lo, int32_t hi)
{
    return (int8_t)(v < lo ? lo : v > hi ? hi : v);
}

/*
 * Q4_0, Q5_0: d = max / -half, max the first element of largest magnitude;
 * code = min(2 half - 1, trunc(x / d + half + 0.5)).
 */
static float quantize_symmetric(const float *x, int half, int8_t q[QK])
{
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < QK; j++) {
        if (amax < quant_fabsf(x[j])) {
            amax = quant_fabsf(x[j]);
            max = x[j];
        }
    }
    const float d = max / (float)-half;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    const float offset = (float)half + 0.5f;
    for (int j = 0; j < QK; j++)
        q[j] = clamp_code(quant_trunc(x[j] * id + offset), 0, 2 * half - 1);
    return d;
}

/* Q4_1, Q5_1: d = (max - min) / levels, code = trunc((x - min) / d + 0.5), capped. */
static float quantize_affine(const float *x, int levels, float *min_out, int8_t q[QK])
{
    float min = FLT_MAX, max = -FLT_MAX;
    for (int j = 0; j < QK; j++) {
        if (x[j] < min)
            min = x[j];
        if (x[j] > max)
            max = x[j];
    }
    const float d = (max - min) / (float)levels;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    for (int j = 0; j < QK; j++)
        q[j] = clamp_code(quant_trunc((x[j] - min) * id + 0.5f), 0, levels);
    *min_out = min;
    return d;
}

/* Q8_0, Q8_1: d = amax / 127, q = roundf(x / d); *sum gets sum q. */
static float quantize_q8(const float *x, int8_t q[QK], int32_t *sum)
{
    float amax = 0.0f;
    for (int j = 0; j < QK; j++) {
        float a = quant_fabsf(x[j]);
        amax = amax > a ? amax : a;
    }
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    int32_t s = 0;
    for (int j = 0; j < QK; j++) {
        q[j] = clamp_code(quant_round_away(x[j] * id), -128, 127);
        s += q[j];
    }
    *sum = s;
    return d;
}

/* ---------------------------------------------------------- rows */

/* y = q * d + m, as ggml; without m, adding -0.0f leaves q * d as it is
 * (+0.0f would turn the -0 of a zero quant times a negative d into +0). */
static void dequantize_rows(const layout_t *L, const void *src, float *dst, size_t n)
{
    const uint8_t *blk = src;
    int8_t q[QK];
    for (size_t i = 0; i < n / QK; i++, blk += L->block_bytes, dst += QK) {
        unpack(L, blk, q);
        const float d = quant_ld_fp16(blk);
        const float m = L->m ? quant_ld_fp16(blk + L->m) : -0.0f;
        for (int j = 0; j < QK; j++)
            dst[j] = (float)q[j] * d + m;
    }
}

static void quantize_rows(const layout_t *L, const float *src, void *dst, size_t n)
{
    uint8_t *blk = dst;
    int8_t q[QK];
    for (size_t i = 0; i < n / QK; i++, blk += L->block_bytes, src += QK) {
        float d, min;
        int32_t sum;
        if (L->bytes) {
            d = quantize_q8(src, q, &sum);
            if (L->s) /* from d before its own fp16 rounding, as ggml */
                quant_st_fp16(blk + L->s, (float)sum * d);
        } else if (L->m) {
            d = quantize_affine(src, L->qh ? 31 : 15, &min, q);
            quant_st_fp16(blk + L->m, min);
        } else {
            d = quantize_symmetric(src, L->bias, q);
        }
        quant_st_fp16(blk, d);
        pack(L, q, blk);
    }
}

/* ggml's generic dots: an exact integer sum per block, then the block's float
 * expression added to a float total. */
static inline __attribute__((always_inline)) float dot_rows(const layout_t *W, const layout_t *A, const void *w, const void *act, size_t n)
{
    const uint8_t *x = w, *y = act;
    int8_t qx[QK], qy[QK];
    float sum = 0.0f;
    for (size_t i = 0; i < n / QK; i++, x += W->block_bytes, y += A->block_bytes) {
        unpack(W, x, qx);
        unpack(A, y, qy);
        int32_t sumi = 0;
        for (int j = 0; j < QK; j++)
            sumi += qx[j] * qy[j];
        sum += W->block_sum(sumi, x, y);
    }
    return sum;
}

/* ---------------------------------------------------------- the kernels by name */

void quant_dequantize_q4_0(const void *src, float *dst, size_t n) { dequantize_rows(&Q4_0, src, dst, n); }
void quant_dequantize_q4_1(const void *src, float *dst, size_t n) { dequantize_rows(&Q4_1, src, dst, n); }
void quant_dequantize_q5_0(const void *src, float *dst, size_t n) { dequantize_rows(&Q5_0, src, dst, n); }
void quant_dequantize_q5_1(const void *src, float *dst, size_t n) { dequantize_rows(&Q5_1, src, dst, n); }
void quant_dequantize_q8_0(const void *src, float *dst, size_t n) { dequantize_rows(&Q8_0, src, dst, n); }
void quant_dequantize_q8_1(const void *src, float *dst, size_t n) { dequantize_rows(&Q8_1, src, dst, n); }

void quant_quantize_q4_0(const float *src, void *dst, size_t n) { quantize_rows(&Q4_0, src, dst, n); }
void quant_quantize_q4_1(const float *src, void *dst, size_t n) { quantize_rows(&Q4_1, src, dst, n); }
void quant_quantize_q5_0(const float *src, void *dst, size_t n) { quantize_rows(&Q5_0, src, dst, n); }
void quant_quantize_q5_1(const float *src, void *dst, size_t n) { quantize_rows(&Q5_1, src, dst, n); }
void quant_quantize_q8_0(const float *src, void *dst, size_t n) { quantize_rows(&Q8_0, src, dst, n); }
void quant_quantize_q8_1(const float *src, void *dst, size_t n) { quantize_rows(&Q8_1, src, dst, n); }

float quant_vec_dot_q4_0_q8_0(const void *w, const void *act, size_t n) { return dot_rows(&Q4_0, &Q8_0, w, act, n); }
float quant_vec_dot_q4_1_q8_1(const void *w, const void *act, size_t n) { return dot_rows(&Q4_1, &Q8_1, w, act, n); }
float quant_vec_dot_q5_0_q8_0(const void *w, const void *act, size_t n) { return dot_rows(&Q5_0, &Q8_0, w, act, n); }
float quant_vec_dot_q5_1_q8_1(const void *w, const void *act, size_t n) { return dot_rows(&Q5_1, &Q8_1, w, act, n); }
float quant_vec_dot_q8_0_q8_0(const void *w, const void *act, size_t n) { return dot_rows(&Q8_0, &Q8_0, w, act, n); }
