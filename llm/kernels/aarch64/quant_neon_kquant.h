/*
 * NEON dot products of the K-quants (Q2_K ... Q6_K) against Q8_K, and the
 * Q8_K quantizer: the same results as their scalar twins in llm/quant/quant.h,
 * bit for bit, for every input (tests/unit/kernels/aarch64/test_quant_neon_kquant.c pins them).
 *
 * Exactness. The integer work is exact whichever way it is summed, but the
 * scalar Q3_K ... Q6_K dots (ggml's generic C) convert EIGHT integer sums per
 * super-block to float, one per lane e % 8 of the element index e, and keep
 * eight float sums across super-blocks. So the kernels keep exactly those
 * eight integer lanes (a widening multiply of 8 int8 lanes at an 8-aligned
 * element puts element e in int16 lane e % 8; scales are applied by
 * widening multiply-accumulates into two int32x4, lanes 0-3 and 4-7), then
 * do the scalar float steps per super-block in its order: sums[l] += d *
 * (float)lanes[l] as two float32x4 (a multiply, then an add: no FMA), the
 * mins term taken off one float total, and the eight sums added to it in
 * order 0 ... 7 at the end. Q2_K sums all its lanes to one integer, so any
 * integer order does. The quantizer does the scalar float operations
 * element-wise (one multiply by iscale, FCVTNS, which rounds half to even as
 * nearest_int does, saturating narrows for the clamp) and picks the first
 * element of largest magnitude with NaNs passed over, as the scalar does.
 *
 * Levels. KERN_NEON: plain Advanced SIMD. KERN_DOTPROD (and KERN_I8MM, treated
 * alike): Q2_K by SDOT (its scales, at most 15, are folded into its 2-bit
 * quants, which then fit int8). For Q3_K ... Q6_K the level hands out the
 * KERN_NEON kernel: SDOT adds four adjacent products, i.e. four different
 * lanes e % 8, so an exact SDOT kernel would first have to transpose both
 * the weights and the activations (TBL or ZIP) to bring four products of
 * one lane and one scale group together, and for the 16-element groups of
 * Q3_K and Q6_K a group holds only two products per lane. That costs at
 * least the widening multiplies it replaces; a faster SDOT kernel would have
 * to sum the lanes in another order, which would break bit-exactness.
 *
 * Blocks may sit at any address (byte loads only); the Q8_K quantizer's
 * float source is an ordinary float array.
 */
#ifndef LLM_KERNELS_AARCH64_QUANT_NEON_KQUANT_H
#define LLM_KERNELS_AARCH64_QUANT_NEON_KQUANT_H

#include <stddef.h>

#include "llm/quant/quant.h"

float quant_vec_dot_q2_k_q8_k_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_q2_k_q8_k_dotprod(const void *w, const void *act, size_t n);
float quant_vec_dot_q3_k_q8_k_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_q4_k_q8_k_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_q5_k_q8_k_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_q6_k_q8_k_neon(const void *w, const void *act, size_t n);

void quant_quantize_q8_k_neon(const float *src, void *dst, size_t n);

#endif
