/*
 * Tensor formats: ggml's tensor types as GGUF files store them, with the
 * portable scalar code that reads them (dequantize, dot product against a
 * quantized activation row) and writes the ones the engine produces
 * (activation quantization, F16/BF16 conversion, the 32-element legacy
 * formats), bit for bit as ggml's reference quantizers and generic (scalar)
 * dot products. Not for speed: SIMD twins live behind the kernel table
 * (llm/kernels/kernels.h) and are pinned to these by tests.
 *
 * Memory: nothing here allocates or keeps a pointer. Block data may sit at
 * any address (a GGUF tensor inside a cpio archive is only 4-byte aligned,
 * and an 18-byte Q4_0 block puts its fp16 scale anywhere): every multi-byte
 * field is read byte by byte, little-endian. float rows (the src of quantize,
 * the dst of dequantize) are the caller's ordinary float arrays. Sizes are
 * element counts; bytes come from quant_row_bytes.
 *
 * Bit-exactness needs float expressions evaluated as written: no FMA
 * contraction (GCC's default under -std=c11 is -ffp-contract=off; a GNU mode
 * or -ffast-math would break it, and tests/unit/quant/test_quant.c would say so;
 * its tolerances are in tests/unit/quant/quant_tolerances.h).
 */
#ifndef LLM_QUANT_QUANT_H
#define LLM_QUANT_QUANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/support/bits.h"
#include "llm/support/err.h"

/* ggml's type ids, which are also the tensor type ids of a GGUF file. */
typedef enum quant_type {
    QUANT_F32 = 0,
    QUANT_F16 = 1,
    QUANT_Q4_0 = 2,
    QUANT_Q4_1 = 3,
    QUANT_Q5_0 = 6,
    QUANT_Q5_1 = 7,
    QUANT_Q8_0 = 8,
    QUANT_Q8_1 = 9,   /* activations only: the vec_dot_type of Q4_1 and Q5_1; 36-byte blocks */
    QUANT_Q2_K = 10,
    QUANT_Q3_K = 11,
    QUANT_Q4_K = 12,
    QUANT_Q5_K = 13,
    QUANT_Q6_K = 14,
    QUANT_Q8_K = 15,  /* activations only: the vec_dot_type of the K-quants */
    QUANT_IQ4_NL = 20,
    QUANT_IQ4_XS = 23,
    QUANT_BF16 = 30,
} quant_type_t;

#define QUANT_TYPE_IDS 31 /* every type we handle has an id below this */

#define QUANT_QK 32    /* elements in a block of Q4_0 ... Q8_1 */
#define QUANT_QK_K 256 /* elements in a super-block of the K-quants */

/* n is a multiple of the format's block_elems in all three. */
typedef void (*quant_dequantize_fn)(const void *src, float *dst, size_t n);
typedef void (*quant_quantize_fn)(const float *src, void *dst, size_t n);
/* Sum over n elements of w[i] * act[i]; act is in the format's vec_dot_type. */
typedef float (*quant_vec_dot_fn)(const void *w, const void *act, size_t n);

typedef struct quant_format {
    quant_type_t type;
    const char *name;            /* ggml's name: "Q4_0" */
    size_t block_elems;          /* 1 for F32/F16/BF16, 32, or 256 */
    size_t block_bytes;          /* bytes per block, = ggml's type_size */
    quant_type_t vec_dot_type;   /* activation format vec_dot takes (ggml's CPU backend's choice) */
    quant_dequantize_fn dequantize;
    quant_quantize_fn quantize;  /* NULL where we do not quantize (Q2_K ... Q6_K) */
    quant_vec_dot_fn vec_dot;    /* NULL for the activation-only Q8_1 and Q8_K */
} quant_format_t;

/*
 * The format of a GGUF/ggml type id. Q8_1 and Q8_K are found too (their
 * vec_dot is NULL: a loader that wants weights checks it). Errors: a type
 * ggml knows but we do not handle (IQ*, TQ*, I8 ... F64, MXFP4, the removed
 * Q4_2 ...) is ERR_UNSUPPORTED, "unsupported tensor type 16 (IQ2_XXS)"; any
 * other id is ERR_FORMAT, "unknown tensor type 200". *out is set only on
 * success.
 */
err_code_t quant_lookup(uint32_t type, const quant_format_t **out, err_t *err);

/* ggml's name of a type id ("Q4_0", "IQ2_XXS"), or "unknown"; never NULL. */
const char *quant_type_name(uint32_t type);

/*
 * Bytes that n elements of format f take. False (and *bytes untouched) if n
 * is not a multiple of f->block_elems or the size does not fit in uint64.
 */
bool quant_row_bytes(const quant_format_t *f, uint64_t n, uint64_t *bytes);

/*
 * Scalar conversions. f32 -> fp16 and f32 -> bf16 round to nearest, ties to
 * even; fp16 overflow gives inf, and values below half the smallest fp16
 * subnormal give a signed zero; fp16 subnormals are converted exactly. NaN
 * stays NaN with its sign and top payload bits, made quiet (as the FCVT
 * instructions do; ggml's bf16 rounding does the same). bf16 -> f32 is exact.
 */
static inline float quant_fp16_to_f32(uint16_t h);
uint16_t quant_f32_to_fp16(float f);
float quant_bf16_to_f32(uint16_t h);
uint16_t quant_f32_to_bf16(float f);

/*
 * The scalar kernels by name, for the kernel table and for SIMD twins to be
 * tested against; the format table holds the same pointers. Rounding, as
 * ggml's reference quantizers: Q4_0/Q5_0 truncate x/d + 8.5 (16.5), Q4_1/Q5_1
 * truncate (x - min)/d + 0.5, Q8_0/Q8_1 round halves away from zero (roundf),
 * Q8_K rounds halves to even (nearest_int). Non-finite inputs give some
 * well-defined but unspecified block.
 */
void quant_dequantize_f32(const void *src, float *dst, size_t n);
void quant_dequantize_f16(const void *src, float *dst, size_t n);
void quant_dequantize_bf16(const void *src, float *dst, size_t n);
void quant_quantize_f32(const float *src, void *dst, size_t n);
void quant_quantize_f16(const float *src, void *dst, size_t n);
void quant_quantize_bf16(const float *src, void *dst, size_t n);
float quant_vec_dot_f32(const void *w, const void *act, size_t n);
float quant_vec_dot_f16(const void *w, const void *act, size_t n);
float quant_vec_dot_bf16(const void *w, const void *act, size_t n);

void quant_dequantize_q4_0(const void *src, float *dst, size_t n);
void quant_dequantize_q4_1(const void *src, float *dst, size_t n);
void quant_dequantize_q5_0(const void *src, float *dst, size_t n);
void quant_dequantize_q5_1(const void *src, float *dst, size_t n);
void quant_dequantize_q8_0(const void *src, float *dst, size_t n);
void quant_dequantize_q8_1(const void *src, float *dst, size_t n);
void quant_quantize_q4_0(const float *src, void *dst, size_t n);
void quant_quantize_q4_1(const float *src, void *dst, size_t n);
void quant_quantize_q5_0(const float *src, void *dst, size_t n);
void quant_quantize_q5_1(const float *src, void *dst, size_t n);
void quant_quantize_q8_0(const float *src, void *dst, size_t n);
void quant_quantize_q8_1(const float *src, void *dst, size_t n);
float quant_vec_dot_q4_0_q8_0(const void *w, const void *act, size_t n);
float quant_vec_dot_q4_1_q8_1(const void *w, const void *act, size_t n);
float quant_vec_dot_q5_0_q8_0(const void *w, const void *act, size_t n);
float quant_vec_dot_q5_1_q8_1(const void *w, const void *act, size_t n);
float quant_vec_dot_q8_0_q8_0(const void *w, const void *act, size_t n);

void quant_dequantize_q2_k(const void *src, float *dst, size_t n);
void quant_dequantize_q3_k(const void *src, float *dst, size_t n);
void quant_dequantize_q4_k(const void *src, float *dst, size_t n);
void quant_dequantize_q5_k(const void *src, float *dst, size_t n);
void quant_dequantize_q6_k(const void *src, float *dst, size_t n);
void quant_dequantize_q8_k(const void *src, float *dst, size_t n);
void quant_quantize_q8_k(const float *src, void *dst, size_t n);
float quant_vec_dot_q2_k_q8_k(const void *w, const void *act, size_t n);
float quant_vec_dot_q3_k_q8_k(const void *w, const void *act, size_t n);
float quant_vec_dot_q4_k_q8_k(const void *w, const void *act, size_t n);
float quant_vec_dot_q5_k_q8_k(const void *w, const void *act, size_t n);
float quant_vec_dot_q6_k_q8_k(const void *w, const void *act, size_t n);

/* The non-linear 4-bit formats (read only: no quantizer): a nibble indexes quant_iq4_levels. */
extern const int8_t quant_iq4_levels[16];
void quant_dequantize_iq4_nl(const void *src, float *dst, size_t n);
void quant_dequantize_iq4_xs(const void *src, float *dst, size_t n);
float quant_vec_dot_iq4_nl_q8_0(const void *w, const void *act, size_t n);
float quant_vec_dot_iq4_xs_q8_k(const void *w, const void *act, size_t n);

/* fp16 -> f32 inline (every weight block's scale goes through it): the
 * bits moved into place, then one exact multiply by 2^112 rebiases the
 * exponent of normal numbers and normalises subnormal ones. */
static inline float quant_fp16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, rest = h & 0x7fffu;
    if (rest >= 0x7c00u) /* inf, or NaN made quiet with its payload */
        return f32_from_bits(sign | 0x7f800000u | (rest & 0x3ffu) << 13 | ((rest & 0x3ffu) ? 0x00400000u : 0));
    return f32_from_bits(sign | f32_to_bits(f32_from_bits(rest << 13) * 0x1p112f));
}

#endif
