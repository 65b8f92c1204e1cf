/*
 * The element-wise kernels of the forward pass (everything hot but the
 * matrix products): RMSNorm, RoPE, softmax, SwiGLU, the residual add and the
 * attention of one head. The scalar versions are the reference, with
 * llama.cpp's x86-64 arithmetic (see transformer.c); vec_ops() gives the
 * table of the level llm/ops.h selected, where aarch64 swaps in NEON twins
 * (llm/kernels/aarch64/vec_neon.h). Every twin returns the scalar results bit for
 * bit (a NaN result is NaN at every level, its payload unspecified), so the
 * logits do not depend on the level. Lengths are element counts; no kernel
 * allocates.
 */
#ifndef LLM_KERNELS_VEC_OPS_H
#define LLM_KERNELS_VEC_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "llm/quant/quant.h"

/* out[i] = (x[i] * s) * w[i], s = 1 / sqrt(float(sum x[i]^2 / n) + eps), the sum in double in index order. */
typedef void (*vec_rmsnorm_fn)(float *out, const float *x, const float *w, uint32_t n, float eps);

/*
 * Rotates the adjacent pairs (x[2i], x[2i+1]), 2i < n_rot, of each of
 * n_heads heads of head_dim floats by the angle whose cos, sin are
 * cs[2i], cs[2i+1]: x0 c - x1 s, x0 s + x1 c. n_rot is even, <= head_dim.
 */
typedef void (*vec_rope_fn)(float *x, uint32_t n_heads, uint32_t head_dim, const float *cs, uint32_t n_rot);

/*
 * In place, n >= 1: x[i] = e_i / sum e, e_i = math_expf_approx(x[i] - max),
 * the e_i added in float four at a time ((e0 + e1) + (e2 + e3), the row
 * zero-padded to a multiple of four) and the group sums in double in order.
 */
typedef void (*vec_softmax_fn)(float *x, uint32_t n);

/*
 * gate[i] = gate[i] / (1 + e) * up[i], e = math_expf_approx(0 - gate[i]) for
 * i below n rounded down to a multiple of 4, math_expf(-gate[i]) after (as
 * ggml's SiLU: four lanes, a libm tail).
 */
typedef void (*vec_swiglu_fn)(float *gate, const float *up, uint32_t n);

/* x[i] += y[i]. */
typedef void (*vec_add_fn)(float *x, const float *y, size_t n);

/* One KV head of the cache as attention reads it. */
typedef struct vec_kv_head {
    const quant_format_t *format; /* the cache type: F16 or F32 */
    const uint8_t *k, *v;         /* the head's key and value at position 0 */
    size_t stride;                /* bytes from one position to the next */
    uint32_t n;                   /* positions 0 .. n-1 (n >= 1) */
    uint32_t head_dim;
} vec_kv_head_t;

/* Bytes of the work area of an attention head (16-byte aligned). */
#define VEC_ATTEND_WORK_BYTES(head_dim) ((size_t)(head_dim) * 16)

/*
 * One query head q (head_dim floats) against h's positions, as llama.cpp:
 * q rounded to the cache type; score_t = float(k_t . q) * (1 / sqrt(head_dim)),
 * the dot as the format's vec_dot (float products summed in double in index
 * order); softmax as above; out[d] = float(sum_t w_t v_t[d]), w_t the score
 * rounded to the cache type, the float products w_t v_t[d] summed in double in
 * position order. scores: n floats of scratch; work: VEC_ATTEND_WORK_BYTES.
 */
typedef void (*vec_attend_fn)(const vec_kv_head_t *h, const float *q, float *scores, void *work, float *out);

typedef struct vec_ops {
    vec_rmsnorm_fn rmsnorm;
    vec_rope_fn rope;
    vec_softmax_fn softmax;
    vec_swiglu_fn swiglu;
    vec_add_fn add;
    vec_attend_fn attend;
} vec_ops_t;

/* The kernels of the level ops_level() reports (the scalar ones where there is no twin). */
const vec_ops_t *vec_ops(void);

/* The scalar reference kernels, by name for tests and twins. */
extern const vec_ops_t vec_ops_scalar;
void vec_rmsnorm_scalar(float *out, const float *x, const float *w, uint32_t n, float eps);
void vec_rope_scalar(float *x, uint32_t n_heads, uint32_t head_dim, const float *cs, uint32_t n_rot);
void vec_softmax_scalar(float *x, uint32_t n);
void vec_swiglu_scalar(float *gate, const float *up, uint32_t n);
void vec_add_scalar(float *x, const float *y, size_t n);
void vec_attend_scalar(const vec_kv_head_t *h, const float *q, float *scores, void *work, float *out);

#endif
