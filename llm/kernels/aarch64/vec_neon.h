/*
 * NEON twins of the element-wise kernels of llm/kernels/kernels.h (ARMv8.0 Advanced
 * SIMD: every level from KERN_NEON up uses them). Each returns its scalar
 * twin's results bit for bit (NaN as NaN, payload unspecified): the same
 * float operations per element in the same order, the exponentials by a
 * four-lane math_expf_approx, fp16 roundings by FCVTN/FCVTL (which round as
 * quant_f32_to_fp16 does with FPCR at its default: FZ, DN, AHP clear), and
 * every double sum the scalar code makes in sequence kept in that sequence
 * (attention runs eight keys' sums side by side, each in index order).
 */
#ifndef LLM_KERNELS_AARCH64_VEC_NEON_H
#define LLM_KERNELS_AARCH64_VEC_NEON_H

#include <stddef.h>
#include <stdint.h>

#include "llm/kernels/kernels.h"

/* y[i] = math_expf_approx(x[i]) bit for bit, four lanes at a time (y may be x); for tests. */
void vec_expf_approx_neon(float *y, const float *x, size_t n);

void vec_rmsnorm_neon(float *out, const float *x, const float *w, uint32_t n, float eps);
void vec_rope_neox_neon(float *x, uint32_t n_heads, uint32_t head_dim, const float *cs, uint32_t n_rot);
void vec_rope_neon(float *x, uint32_t n_heads, uint32_t head_dim, const float *cs, uint32_t n_rot);
void vec_softmax_neon(float *x, uint32_t n);
void vec_swiglu_neon(float *gate, const float *up, uint32_t n);
void vec_add_neon(float *x, const float *y, size_t n);
/* Attention over an F16 and an F32 cache. */
void vec_attend_f16_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out);
void vec_attend_f32_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out);
/* KERN_ATTN_FAST over an F16 and an F32 cache: vec_attend_fast_scalar's bits (fused lanes as it defines them). */
void vec_attend_fast_f16_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out);
void vec_attend_fast_f32_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out);
/* KERN_ATTN_FAST over Q8_0 and Q4_0 keys and values (attend_blocks_neon.c). */
void vec_attend_fast_q8_0_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out);
void vec_attend_fast_q4_0_neon(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out);
/* The same with SDOT value sums (dotprod level), and for the query heads of one KV head at once. */
void vec_attend_fast_q8_0_dotprod(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out);
void vec_attend_fast_q4_0_dotprod(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out);
void vec_attend_fast_group_q8_0_dotprod(const kern_kv_head_t *h, const float *q, uint32_t n_q, float *scores,
                                        void *work, float *out);
void vec_attend_fast_group_q4_0_dotprod(const kern_kv_head_t *h, const float *q, uint32_t n_q, float *scores,
                                        void *work, float *out);

#endif
