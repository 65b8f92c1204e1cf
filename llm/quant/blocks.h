/*
 * The block layouts of ggml's quantized formats, written once: the structs
 * are the file format (ggml-common.h's block_q4_0 ... block_q8_K), byte for
 * byte, and every file that reads or writes blocks takes sizes (sizeof) and
 * field positions (offsetof) from here: the scalar reference (quant_*.c),
 * the format table (quant.c) and the SIMD twins (llm/kernels/<arch>/).
 *
 * The structs hold bytes only (alignment 1, no padding): block data sits at
 * any address in a model file (an 18-byte Q4_0 block puts its scale
 * anywhere), so code never dereferences a block pointer's multi-byte field
 * directly; it loads bytes at p + offsetof(...). fp16 fields are
 * little-endian IEEE halves, f32 fields little-endian floats.
 */
#ifndef LLM_QUANT_BLOCKS_H
#define LLM_QUANT_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "llm/quant/quant.h"

/* ---- the 32-element formats */

/* Q4_0: values (nibble - 8) * d; element j < 16 is the low nibble of qs[j],
 * element j + 16 the high one. */
typedef struct { uint8_t d[2]; uint8_t qs[QUANT_QK / 2]; } block_q4_0;
/* Q4_1: values nibble * d + m. */
typedef struct { uint8_t d[2]; uint8_t m[2]; uint8_t qs[QUANT_QK / 2]; } block_q4_1;
/* Q5_0: bit j of qh (little-endian u32) is the fifth bit of element j; values (q - 16) * d. */
typedef struct { uint8_t d[2]; uint8_t qh[4]; uint8_t qs[QUANT_QK / 2]; } block_q5_0;
/* Q5_1: values q * d + m. */
typedef struct { uint8_t d[2]; uint8_t m[2]; uint8_t qh[4]; uint8_t qs[QUANT_QK / 2]; } block_q5_1;
/* Q8_0: values q * d. */
typedef struct { uint8_t d[2]; int8_t qs[QUANT_QK]; } block_q8_0;
/* Q8_1: values q * d; s = fp16(d * sum q), so Q4_1/Q5_1 dots add m * s. */
typedef struct { uint8_t d[2]; uint8_t s[2]; int8_t qs[QUANT_QK]; } block_q8_1;

_Static_assert(sizeof(block_q4_0) == 18, "block_q4_0 is 18 bytes");
_Static_assert(sizeof(block_q4_1) == 20, "block_q4_1 is 20 bytes");
_Static_assert(sizeof(block_q5_0) == 22, "block_q5_0 is 22 bytes");
_Static_assert(sizeof(block_q5_1) == 24, "block_q5_1 is 24 bytes");
_Static_assert(sizeof(block_q8_0) == 34, "block_q8_0 is 34 bytes");
_Static_assert(sizeof(block_q8_1) == 36, "block_q8_1 is 36 bytes");

/* The fp16 bit pattern of block j's d in a row of Q4_0 or Q8_0 blocks (d is their first field). */
static inline uint16_t block_d_bits(const uint8_t *row, uint32_t j, size_t block_bytes)
{
    const uint8_t *d = row + (size_t)j * block_bytes;
    return (uint16_t)(d[0] | d[1] << 8);
}

/* ---- the K-quants: 256-element super-blocks */

/* 16 groups of 16: 2-bit quants, scale (low nibble) and min (high nibble) per group. */
typedef struct {
    uint8_t scales[QUANT_QK_K / 16];
    uint8_t qs[QUANT_QK_K / 4];
    uint8_t d[2];
    uint8_t dmin[2];
} block_q2_k;

/* 16 groups of 16: 2 low bits in qs, the third in hmask (set means no -4),
 * 6-bit scales (minus 32) packed in 12 bytes. */
typedef struct {
    uint8_t hmask[QUANT_QK_K / 8];
    uint8_t qs[QUANT_QK_K / 4];
    uint8_t scales[12];
    uint8_t d[2];
} block_q3_k;

/* 8 groups of 32: 4-bit quants, 6-bit scale and min per group packed in 12 bytes. */
typedef struct {
    uint8_t d[2];
    uint8_t dmin[2];
    uint8_t scales[12];
    uint8_t qs[QUANT_QK_K / 2];
} block_q4_k;

/* As Q4_K, with a fifth bit per quant in qh. */
typedef struct {
    uint8_t d[2];
    uint8_t dmin[2];
    uint8_t scales[12];
    uint8_t qh[QUANT_QK_K / 8];
    uint8_t qs[QUANT_QK_K / 2];
} block_q5_k;

/* 16 groups of 16: 4 low bits in ql, 2 high in qh, minus 32; int8 scales. */
typedef struct {
    uint8_t ql[QUANT_QK_K / 2];
    uint8_t qh[QUANT_QK_K / 4];
    int8_t scales[QUANT_QK_K / 16];
    uint8_t d[2];
} block_q6_k;

/* Activations: f32 d, int8 quants, int16 sums of each 16 quants. */
typedef struct {
    uint8_t d[4];
    int8_t qs[QUANT_QK_K];
    uint8_t bsums[QUANT_QK_K / 16 * 2];
} block_q8_k;

_Static_assert(sizeof(block_q2_k) == 84, "block_q2_K is 84 bytes");
_Static_assert(sizeof(block_q3_k) == 110, "block_q3_K is 110 bytes");
_Static_assert(sizeof(block_q4_k) == 144, "block_q4_K is 144 bytes");
_Static_assert(sizeof(block_q5_k) == 176, "block_q5_K is 176 bytes");
_Static_assert(sizeof(block_q6_k) == 210, "block_q6_K is 210 bytes");
_Static_assert(sizeof(block_q8_k) == 292, "block_q8_K is 292 bytes");

_Static_assert(offsetof(block_q8_k, bsums) == 260, "block_q8_K sums after d and 256 quants");

/* ---- the non-linear 4-bit formats: a nibble picks one of 16 fixed int8 levels (quant_iq4.c's table) */

/* IQ4_NL: values level[nibble] * d, nibbles ordered as Q4_0's. */
typedef struct { uint8_t d[2]; uint8_t qs[QUANT_QK / 2]; } block_iq4_nl;
/* IQ4_XS: 8 groups of 32 as IQ4_NL, each with a 6-bit scale (low 4 bits in scales_l, two per byte, group 0
 * in the low nibble; high 2 bits in the little-endian u16 scales_h, 2 per group) minus 32, times d. */
typedef struct {
    uint8_t d[2];
    uint8_t scales_h[2];
    uint8_t scales_l[QUANT_QK_K / 64];
    uint8_t qs[QUANT_QK_K / 2];
} block_iq4_xs;

_Static_assert(sizeof(block_iq4_nl) == 18, "block_iq4_nl is 18 bytes");
_Static_assert(sizeof(block_iq4_xs) == 136, "block_iq4_xs is 136 bytes");

#endif
