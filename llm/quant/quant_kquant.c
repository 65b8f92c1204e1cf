/*
 * ggml's K-quants, 256-element super-blocks with per-group integer scales:
 * dequantize and the scalar dot product against Q8_K for Q2_K ... Q6_K, and
 * ggml's reference quantizer for the activation format Q8_K, bit for bit
 * ggml's. Not for quantizing weights to K-quants (nothing here chooses
 * scales) nor for SIMD.
 */
#include "llm/quant/quant.h"

#include <stdbool.h>

#include "llm/quant/blocks.h"
#include "llm/quant/quant_impl.h"

#define QK_K QUANT_QK_K



/* ---------------------------------------------------------- the plain form */

/*
 * Each weight format has an unpack function that turns one block into the
 * same plain form (integer quants, integer scales and mins per group, the two
 * fp16 super-scales); dequantize and the dot products work on that form.
 */

/* Element e is (d * scale[e / group]) * q[e] - dmin * min[e / group]. */
typedef struct kblock {
    int8_t q[QK_K];
    int32_t scale[QK_K / 16];
    int32_t min[QK_K / 16]; /* zero for the formats without mins */
    int group;              /* elements per scale: 16 or 32 */
    bool has_min;
    float d, dmin;          /* dmin is 0 without mins */
} kblock_t;

typedef void (*unpack_fn)(const void *block, kblock_t *k);

/* A weight format: its block size and how to unpack a block. */
typedef struct kformat {
    size_t block_bytes;
    unpack_fn unpack;
} kformat_t;

static void kblock_no_min(kblock_t *k, int group, float d)
{
    for (int g = 0; g < QK_K / 16; g++)
        k->min[g] = 0;
    k->group = group;
    k->has_min = false;
    k->d = d;
    k->dmin = 0.0f;
}

/*
 * Q4_K/Q5_K scales: bytes 0-3 hold the low 6 bits of scales 0-3, bytes 4-7
 * those of mins 0-3; for groups 4-7 the low 4 bits are the nibbles of bytes
 * 8-11 (scale low, min high) and the top 2 bits the spare top bits of bytes
 * 0-3 (scales) and 4-7 (mins).
 */
static void scale_min_k4(const uint8_t s[12], kblock_t *k)
{
    for (int g = 0; g < 4; g++) {
        k->scale[g] = s[g] & 63;
        k->min[g] = s[g + 4] & 63;
        k->scale[g + 4] = (s[g + 8] & 0x0f) | ((s[g] >> 6) << 4);
        k->min[g + 4] = (s[g + 8] >> 4) | ((s[g + 4] >> 6) << 4);
    }
    k->group = 32;
    k->has_min = true;
}

/*
 * Layout shared by Q2_K, Q3_K and Q6_K: element e = 128 h + 32 j + l (h the
 * half, j the 32-group within it, l the lane) takes its 2-bit field j from
 * byte 32 h + l of a 64-byte array.
 */
static int crumb(const uint8_t *bytes, int e)
{
    int h = e / 128, j = (e % 128) / 32, l = e % 32;
    return (bytes[32 * h + l] >> (2 * j)) & 3;
}

static void unpack_q2_k(const void *block, kblock_t *k)
{
    const block_q2_k *b = block;
    for (int e = 0; e < QK_K; e++)
        k->q[e] = (int8_t)crumb(b->qs, e);
    for (int g = 0; g < QK_K / 16; g++) {
        k->scale[g] = b->scales[g] & 0x0f;
        k->min[g] = b->scales[g] >> 4;
    }
    k->group = 16;
    k->has_min = true;
    k->d = quant_ld_fp16(b->d);
    k->dmin = quant_ld_fp16(b->dmin);
}

/*
 * Q3_K scales: 16 six-bit values; scale g has its low 4 bits in the low
 * (g < 8) or high (g >= 8) nibble of byte g % 8, its top 2 bits in bits
 * 2 (g / 4) of byte 8 + g % 4; stored plus 32.
 */
static void unpack_q3_k(const void *block, kblock_t *k)
{
    const block_q3_k *b = block;
    for (int e = 0; e < QK_K; e++) {
        int hbit = (b->hmask[e % 32] >> (e / 32)) & 1;
        k->q[e] = (int8_t)(crumb(b->qs, e) - (hbit ? 0 : 4));
    }
    for (int g = 0; g < QK_K / 16; g++) {
        int lo = (b->scales[g % 8] >> (g < 8 ? 0 : 4)) & 0x0f;
        int hi = (b->scales[8 + g % 4] >> (2 * (g / 4))) & 3;
        k->scale[g] = (lo | (hi << 4)) - 32;
    }
    kblock_no_min(k, 16, quant_ld_fp16(b->d));
}

/* Q4_K/Q5_K quants: element e = 64 c + 32 s + l is nibble s of qs[32 c + l]. */
static int nibble_k(const uint8_t qs[QK_K / 2], int e)
{
    int c = e / 64, s = (e % 64) / 32, l = e % 32;
    return (qs[32 * c + l] >> (4 * s)) & 0x0f;
}

static void unpack_q4_k(const void *block, kblock_t *k)
{
    const block_q4_k *b = block;
    for (int e = 0; e < QK_K; e++)
        k->q[e] = (int8_t)nibble_k(b->qs, e);
    scale_min_k4(b->scales, k);
    k->d = quant_ld_fp16(b->d);
    k->dmin = quant_ld_fp16(b->dmin);
}

/* The fifth bit of element e is bit e / 32 of qh[e % 32]. */
static void unpack_q5_k(const void *block, kblock_t *k)
{
    const block_q5_k *b = block;
    for (int e = 0; e < QK_K; e++)
        k->q[e] = (int8_t)(nibble_k(b->qs, e) | (((b->qh[e % 32] >> (e / 32)) & 1) << 4));
    scale_min_k4(b->scales, k);
    k->d = quant_ld_fp16(b->d);
    k->dmin = quant_ld_fp16(b->dmin);
}

/* Q6_K: element e = 128 h + 32 j + l: low nibble j / 2 of ql[64 h + 32 (j % 2) + l],
 * high crumb j of qh[32 h + l]. */
static void unpack_q6_k(const void *block, kblock_t *k)
{
    const block_q6_k *b = block;
    for (int e = 0; e < QK_K; e++) {
        int h = e / 128, j = (e % 128) / 32, l = e % 32;
        int lo = (b->ql[64 * h + 32 * (j % 2) + l] >> (4 * (j / 2))) & 0x0f;
        k->q[e] = (int8_t)((lo | (crumb(b->qh, e) << 4)) - 32);
    }
    for (int g = 0; g < QK_K / 16; g++)
        k->scale[g] = b->scales[g];
    kblock_no_min(k, 16, quant_ld_fp16(b->d));
}

/* ---------------------------------------------------------- rows */

/* As ggml: dl = d * scale, ml = dmin * min, y = dl * q - ml (ml is +0
 * without mins, and subtracting +0 changes nothing). */
static void dequantize_k(const kformat_t *f, const void *src, float *dst, size_t n)
{
    const uint8_t *blk = src;
    kblock_t k;
    for (size_t i = 0; i < n / QK_K; i++) {
        f->unpack(blk + i * f->block_bytes, &k);
        float *y = dst + i * QK_K;
        for (int e = 0; e < QK_K; e++) {
            const float dl = k.d * (float)k.scale[e / k.group];
            const float ml = k.dmin * (float)k.min[e / k.group];
            y[e] = dl * (float)k.q[e] - ml;
        }
    }
}

static int32_t q8_k_bsum(const block_q8_k *y, int j)
{
    return (int16_t)quant_ld_u16(y->bsums + 2 * j);
}

/* Integer sums of scale * q * q8 over the lanes e % 8, as ggml's aux32[8]. */
static void scaled_lanes(const kblock_t *k, const int8_t *q8, int32_t lanes[8])
{
    for (int l = 0; l < 8; l++)
        lanes[l] = 0;
    for (int e = 0; e < QK_K; e++)
        lanes[e % 8] += k->scale[e / k->group] * (q8[e] * k->q[e]);
}

/* sum over the 16-element groups of bsum * min, as ggml's sumi / summs. */
static int32_t min_sum(const kblock_t *k, const block_q8_k *y)
{
    int32_t sum = 0;
    for (int j = 0; j < QK_K / 16; j++)
        sum += q8_k_bsum(y, j) * k->min[j * 16 / k->group];
    return sum;
}

/*
 * The order of ggml's generic Q3_K ... Q6_K dots: per block the lanes are
 * added into eight float sums (times d * y.d), the mins (Q4_K, Q5_K) are
 * taken off a running total at once, and the eight sums join it at the end.
 */
static float vec_dot_lanes(const kformat_t *f, const void *w, const void *act, size_t n)
{
    const uint8_t *x = w;
    const block_q8_k *y = act;
    kblock_t k;
    float sums[8] = { 0 };
    float sum = 0.0f;
    int32_t lanes[8];
    for (size_t i = 0; i < n / QK_K; i++) {
        f->unpack(x + i * f->block_bytes, &k);
        const float yd = quant_ld_f32(y[i].d);
        scaled_lanes(&k, y[i].qs, lanes);
        const float d = k.d * yd;
        for (int l = 0; l < 8; l++)
            sums[l] += d * (float)lanes[l];
        if (k.has_min)
            sum -= (k.dmin * yd) * (float)min_sum(&k, &y[i]);
    }
    for (int l = 0; l < 8; l++)
        sum += sums[l];
    return sum;
}

/* ggml: per block sumf += dall * isum - dmin * summs, with dall = y.d * d. */
float quant_vec_dot_q2_k_q8_k(const void *w, const void *act, size_t n)
{
    const block_q2_k *x = w;
    const block_q8_k *y = act;
    kblock_t k;
    int32_t lanes[8];
    float sum = 0.0f;
    for (size_t i = 0; i < n / QK_K; i++) {
        unpack_q2_k(&x[i], &k);
        scaled_lanes(&k, y[i].qs, lanes);
        int32_t isum = 0;
        for (int l = 0; l < 8; l++)
            isum += lanes[l];
        const float yd = quant_ld_f32(y[i].d);
        const float dall = yd * k.d;
        const float dmin = yd * k.dmin;
        sum += dall * (float)isum - dmin * (float)min_sum(&k, &y[i]);
    }
    return sum;
}

/* ---------------------------------------------------------- the kernels by name */

static const kformat_t Q2_K = { sizeof(block_q2_k), unpack_q2_k };
static const kformat_t Q3_K = { sizeof(block_q3_k), unpack_q3_k };
static const kformat_t Q4_K = { sizeof(block_q4_k), unpack_q4_k };
static const kformat_t Q5_K = { sizeof(block_q5_k), unpack_q5_k };
static const kformat_t Q6_K = { sizeof(block_q6_k), unpack_q6_k };

void quant_dequantize_q2_k(const void *src, float *dst, size_t n) { dequantize_k(&Q2_K, src, dst, n); }
void quant_dequantize_q3_k(const void *src, float *dst, size_t n) { dequantize_k(&Q3_K, src, dst, n); }
void quant_dequantize_q4_k(const void *src, float *dst, size_t n) { dequantize_k(&Q4_K, src, dst, n); }
void quant_dequantize_q5_k(const void *src, float *dst, size_t n) { dequantize_k(&Q5_K, src, dst, n); }
void quant_dequantize_q6_k(const void *src, float *dst, size_t n) { dequantize_k(&Q6_K, src, dst, n); }

float quant_vec_dot_q3_k_q8_k(const void *w, const void *act, size_t n) { return vec_dot_lanes(&Q3_K, w, act, n); }
float quant_vec_dot_q4_k_q8_k(const void *w, const void *act, size_t n) { return vec_dot_lanes(&Q4_K, w, act, n); }
float quant_vec_dot_q5_k_q8_k(const void *w, const void *act, size_t n) { return vec_dot_lanes(&Q5_K, w, act, n); }
float quant_vec_dot_q6_k_q8_k(const void *w, const void *act, size_t n) { return vec_dot_lanes(&Q6_K, w, act, n); }

/* ---------------------------------------------------------- Q8_K */

void quant_dequantize_q8_k(const void *src, float *dst, size_t n)
{
    const block_q8_k *b = src;
    for (size_t i = 0; i < n / QK_K; i++) {
        const float d = quant_ld_f32(b[i].d);
        for (int j = 0; j < QK_K; j++)
            dst[i * QK_K + j] = d * (float)b[i].qs[j];
    }
}

/*
 * ggml's quantize_row_q8_K_ref: iscale = -127 / max (max the first element
 * of largest magnitude), q = min(127, nearest_int(iscale * x)), d = 1 / iscale.
 * An all-zero block gets d = 0 and zero quants; its bsums are zeroed here too
 * (ggml leaves them as they were).
 */
void quant_quantize_q8_k(const float *src, void *dst, size_t n)
{
    block_q8_k *b = dst;
    for (size_t i = 0; i < n / QK_K; i++) {
        const float *x = src + i * QK_K;
        float max = 0.0f, amax = 0.0f;
        for (int j = 0; j < QK_K; j++) {
            float ax = quant_fabsf(x[j]);
            if (ax > amax) {
                amax = ax;
                max = x[j];
            }
        }
        const float iscale = amax != 0.0f ? -127.0f / max : 0.0f;
        for (int j = 0; j < QK_K; j++) {
            int32_t v = quant_nearest_int(iscale * x[j]);
            b[i].qs[j] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
        }
        for (int j = 0; j < QK_K / 16; j++) {
            int32_t sum = 0;
            for (int l = 0; l < 16; l++)
                sum += b[i].qs[16 * j + l];
            quant_st_u16(b[i].bsums + 2 * j, (uint16_t)(int16_t)sum);
        }
        quant_st_u32(b[i].d, f32_to_bits(amax != 0.0f ? 1.0f / iscale : 0.0f));
    }
}
