/*
 * ggml's 32-element block formats, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and the
 * activation format Q8_1: each block layout beside its dequantize, reference
 * quantizer and scalar dot product, byte for byte and bit for bit ggml's.
 * Not for the 256-element K-quants (quant_kquant.c) nor for SIMD.
 *
 * Blocks are structs of bytes only (alignment 1, no padding), so a pointer to
 * one may hold any address; fp16 fields go through quant_ld_fp16.
 */
#include "llm/quant.h"

#include <float.h>

#include "llm/quant_impl.h"

#define QK QUANT_QK

/* The m of the formats without one: x + -0.0f is x for every x, while
 * x + 0.0f would turn the -0 of a zero quant times a negative d into +0. */
#define NO_MIN (-0.0f)

/* d: scale; values are (nibble - 8) * d. */
typedef struct { uint8_t d[2]; uint8_t qs[QK / 2]; } block_q4_0;
/* d, m: scale and minimum; values are nibble * d + m. */
typedef struct { uint8_t d[2]; uint8_t m[2]; uint8_t qs[QK / 2]; } block_q4_1;
/* qh: the fifth bit of element j is bit j; values are (q5 - 16) * d. */
typedef struct { uint8_t d[2]; uint8_t qh[4]; uint8_t qs[QK / 2]; } block_q5_0;
typedef struct { uint8_t d[2]; uint8_t m[2]; uint8_t qh[4]; uint8_t qs[QK / 2]; } block_q5_1;
typedef struct { uint8_t d[2]; int8_t qs[QK]; } block_q8_0;
/* s: d * sum(qs), rounded to fp16, so Q4_1/Q5_1 dots add m * sum(act). */
typedef struct { uint8_t d[2]; uint8_t s[2]; int8_t qs[QK]; } block_q8_1;

_Static_assert(sizeof(block_q4_0) == 18, "block_q4_0 is 18 bytes");
_Static_assert(sizeof(block_q4_1) == 20, "block_q4_1 is 20 bytes");
_Static_assert(sizeof(block_q5_0) == 22, "block_q5_0 is 22 bytes");
_Static_assert(sizeof(block_q5_1) == 24, "block_q5_1 is 24 bytes");
_Static_assert(sizeof(block_q8_0) == 34, "block_q8_0 is 34 bytes");
_Static_assert(sizeof(block_q8_1) == 36, "block_q8_1 is 36 bytes");

/* ---------------------------------------------------------- shared pieces */

/*
 * Element j of a block lives in the low nibble of qs[j] for j < 16 and in the
 * high nibble of qs[j - 16] above; for the 5-bit formats bit j of qh adds 16.
 * Unpacked values are the stored codes minus bias.
 */
static void unpack_nibbles(const uint8_t qs[QK / 2], const uint8_t *qh, int bias, int8_t q[QK])
{
    uint32_t high = qh ? quant_ld_u32(qh) : 0;
    for (int j = 0; j < QK / 2; j++) {
        int lo = (qs[j] & 0x0f) | (int)(((high >> j) & 1) << 4);
        int hi = (qs[j] >> 4) | (int)(((high >> (j + QK / 2)) & 1) << 4);
        q[j] = (int8_t)(lo - bias);
        q[j + QK / 2] = (int8_t)(hi - bias);
    }
}

/* The inverse: codes 0..31 into nibbles and (if qh) the fifth bits. */
static void pack_nibbles(const uint8_t q[QK], uint8_t qs[QK / 2], uint8_t *qh)
{
    uint32_t high = 0;
    for (int j = 0; j < QK / 2; j++) {
        qs[j] = (uint8_t)((q[j] & 0x0f) | ((q[j + QK / 2] & 0x0f) << 4));
        high |= (uint32_t)(q[j] >> 4) << j;
        high |= (uint32_t)(q[j + QK / 2] >> 4) << (j + QK / 2);
    }
    if (qh)
        quant_st_u32(qh, high);
}

/* y = q * d + m, as ggml (with m = NO_MIN: q * d). */
static void scale_block(const int8_t q[QK], float d, float m, float *y)
{
    for (int j = 0; j < QK; j++)
        y[j] = (float)q[j] * d + m;
}

static int32_t dot_i8(const int8_t *a, const int8_t *b, int n)
{
    int32_t sum = 0;
    for (int j = 0; j < n; j++)
        sum += a[j] * b[j];
    return sum;
}

/*
 * Q4_0 and Q5_0 reference: d = max / -half, where max is the first element of
 * largest magnitude, and q = min(2 half - 1, trunc(x / d + half + 0.5)).
 */
static float quantize_symmetric(const float *x, int half, uint8_t q[QK])
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
    for (int j = 0; j < QK; j++) {
        int32_t v = quant_trunc(x[j] * id + offset);
        q[j] = (uint8_t)(v < 0 ? 0 : v > 2 * half - 1 ? 2 * half - 1 : v);
    }
    return d;
}

/*
 * Q4_1 and Q5_1 reference: d = (max - min) / levels, q = trunc((x - min) / d + 0.5),
 * capped at levels. Returns d; *min gets the minimum.
 */
static float quantize_affine(const float *x, int levels, float *min_out, uint8_t q[QK])
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
    for (int j = 0; j < QK; j++) {
        int32_t v = quant_trunc((x[j] - min) * id + 0.5f);
        q[j] = (uint8_t)(v < 0 ? 0 : v > levels ? levels : v);
    }
    *min_out = min;
    return d;
}

/* Q8_0 and Q8_1 reference: d = amax / 127, q = roundf(x / d). Returns d; *sum gets sum(q). */
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
        int32_t v = quant_round_away(x[j] * id);
        q[j] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
        s += q[j];
    }
    *sum = s;
    return d;
}

/* ---------------------------------------------------------- Q4_0 */

void quant_dequantize_q4_0(const void *src, float *dst, size_t n)
{
    const block_q4_0 *b = src;
    int8_t q[QK];
    for (size_t i = 0; i < n / QK; i++) {
        unpack_nibbles(b[i].qs, NULL, 8, q);
        scale_block(q, quant_ld_fp16(b[i].d), NO_MIN, dst + i * QK);
    }
}

void quant_quantize_q4_0(const float *src, void *dst, size_t n)
{
    block_q4_0 *b = dst;
    uint8_t q[QK];
    for (size_t i = 0; i < n / QK; i++) {
        quant_st_fp16(b[i].d, quantize_symmetric(src + i * QK, 8, q));
        pack_nibbles(q, b[i].qs, NULL);
    }
}

/* ggml: sumf += sumi * dx * dy, evaluated left to right. */
float quant_vec_dot_q4_0_q8_0(const void *w, const void *act, size_t n)
{
    const block_q4_0 *x = w;
    const block_q8_0 *y = act;
    int8_t q[QK];
    float sum = 0.0f;
    for (size_t i = 0; i < n / QK; i++) {
        unpack_nibbles(x[i].qs, NULL, 8, q);
        int32_t sumi = dot_i8(q, y[i].qs, QK);
        sum += (float)sumi * quant_ld_fp16(x[i].d) * quant_ld_fp16(y[i].d);
    }
    return sum;
}

/* ---------------------------------------------------------- Q4_1 */

void quant_dequantize_q4_1(const void *src, float *dst, size_t n)
{
    const block_q4_1 *b = src;
    int8_t q[QK];
    for (size_t i = 0; i < n / QK; i++) {
        unpack_nibbles(b[i].qs, NULL, 0, q);
        scale_block(q, quant_ld_fp16(b[i].d), quant_ld_fp16(b[i].m), dst + i * QK);
    }
}

void quant_quantize_q4_1(const float *src, void *dst, size_t n)
{
    block_q4_1 *b = dst;
    uint8_t q[QK];
    float min;
    for (size_t i = 0; i < n / QK; i++) {
        quant_st_fp16(b[i].d, quantize_affine(src + i * QK, 15, &min, q));
        quant_st_fp16(b[i].m, min);
        pack_nibbles(q, b[i].qs, NULL);
    }
}

/* Q4_1 and Q5_1 against Q8_1, ggml: sumf += (dx * dy) * sumi + mx * sy. */
static float affine_block_dot(const int8_t q[QK], const uint8_t d[2], const uint8_t m[2], const block_q8_1 *y)
{
    int32_t sumi = dot_i8(q, y->qs, QK);
    return (quant_ld_fp16(d) * quant_ld_fp16(y->d)) * (float)sumi + quant_ld_fp16(m) * quant_ld_fp16(y->s);
}

float quant_vec_dot_q4_1_q8_1(const void *w, const void *act, size_t n)
{
    const block_q4_1 *x = w;
    const block_q8_1 *y = act;
    int8_t q[QK];
    float sum = 0.0f;
    for (size_t i = 0; i < n / QK; i++) {
        unpack_nibbles(x[i].qs, NULL, 0, q);
        sum += affine_block_dot(q, x[i].d, x[i].m, &y[i]);
    }
    return sum;
}

/* ---------------------------------------------------------- Q5_0 */

void quant_dequantize_q5_0(const void *src, float *dst, size_t n)
{
    const block_q5_0 *b = src;
    int8_t q[QK];
    for (size_t i = 0; i < n / QK; i++) {
        unpack_nibbles(b[i].qs, b[i].qh, 16, q);
        scale_block(q, quant_ld_fp16(b[i].d), NO_MIN, dst + i * QK);
    }
}

void quant_quantize_q5_0(const float *src, void *dst, size_t n)
{
    block_q5_0 *b = dst;
    uint8_t q[QK];
    for (size_t i = 0; i < n / QK; i++) {
        quant_st_fp16(b[i].d, quantize_symmetric(src + i * QK, 16, q));
        pack_nibbles(q, b[i].qs, b[i].qh);
    }
}

/* Q5_0 and Q8_0 against Q8_0, ggml: sumf += (dx * dy) * sumi. */
static float symmetric_block_dot(const int8_t q[QK], const uint8_t d[2], const block_q8_0 *y)
{
    int32_t sumi = dot_i8(q, y->qs, QK);
    return (quant_ld_fp16(d) * quant_ld_fp16(y->d)) * (float)sumi;
}

float quant_vec_dot_q5_0_q8_0(const void *w, const void *act, size_t n)
{
    const block_q5_0 *x = w;
    const block_q8_0 *y = act;
    int8_t q[QK];
    float sum = 0.0f;
    for (size_t i = 0; i < n / QK; i++) {
        unpack_nibbles(x[i].qs, x[i].qh, 16, q);
        sum += symmetric_block_dot(q, x[i].d, &y[i]);
    }
    return sum;
}

/* ---------------------------------------------------------- Q5_1 */

void quant_dequantize_q5_1(const void *src, float *dst, size_t n)
{
    const block_q5_1 *b = src;
    int8_t q[QK];
    for (size_t i = 0; i < n / QK; i++) {
        unpack_nibbles(b[i].qs, b[i].qh, 0, q);
        scale_block(q, quant_ld_fp16(b[i].d), quant_ld_fp16(b[i].m), dst + i * QK);
    }
}

void quant_quantize_q5_1(const float *src, void *dst, size_t n)
{
    block_q5_1 *b = dst;
    uint8_t q[QK];
    float min;
    for (size_t i = 0; i < n / QK; i++) {
        quant_st_fp16(b[i].d, quantize_affine(src + i * QK, 31, &min, q));
        quant_st_fp16(b[i].m, min);
        pack_nibbles(q, b[i].qs, b[i].qh);
    }
}

float quant_vec_dot_q5_1_q8_1(const void *w, const void *act, size_t n)
{
    const block_q5_1 *x = w;
    const block_q8_1 *y = act;
    int8_t q[QK];
    float sum = 0.0f;
    for (size_t i = 0; i < n / QK; i++) {
        unpack_nibbles(x[i].qs, x[i].qh, 0, q);
        sum += affine_block_dot(q, x[i].d, x[i].m, &y[i]);
    }
    return sum;
}

/* ---------------------------------------------------------- Q8_0 */

void quant_dequantize_q8_0(const void *src, float *dst, size_t n)
{
    const block_q8_0 *b = src;
    for (size_t i = 0; i < n / QK; i++)
        scale_block(b[i].qs, quant_ld_fp16(b[i].d), NO_MIN, dst + i * QK);
}

void quant_quantize_q8_0(const float *src, void *dst, size_t n)
{
    block_q8_0 *b = dst;
    int32_t sum;
    for (size_t i = 0; i < n / QK; i++)
        quant_st_fp16(b[i].d, quantize_q8(src + i * QK, b[i].qs, &sum));
}

float quant_vec_dot_q8_0_q8_0(const void *w, const void *act, size_t n)
{
    const block_q8_0 *x = w;
    const block_q8_0 *y = act;
    float sum = 0.0f;
    for (size_t i = 0; i < n / QK; i++)
        sum += symmetric_block_dot(x[i].qs, x[i].d, &y[i]);
    return sum;
}

/* ---------------------------------------------------------- Q8_1 */

void quant_dequantize_q8_1(const void *src, float *dst, size_t n)
{
    const block_q8_1 *b = src;
    for (size_t i = 0; i < n / QK; i++)
        scale_block(b[i].qs, quant_ld_fp16(b[i].d), NO_MIN, dst + i * QK);
}

/* s is fp16(sum(q) * d), with d before its own fp16 rounding, as ggml. */
void quant_quantize_q8_1(const float *src, void *dst, size_t n)
{
    block_q8_1 *b = dst;
    int32_t sum;
    for (size_t i = 0; i < n / QK; i++) {
        float d = quantize_q8(src + i * QK, b[i].qs, &sum);
        quant_st_fp16(b[i].d, d);
        quant_st_fp16(b[i].s, (float)sum * d);
    }
}
