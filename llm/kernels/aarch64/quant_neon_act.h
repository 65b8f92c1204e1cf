/*
 * NEON quantizers of activation rows (Q8_0, Q8_1, F16): the same bytes as
 * their scalar twins in llm/quant/quant.h (quant_quantize_q8_0, _q8_1, _f16) for
 * every input, NaN and infinities included (with FPCR at its default: FZ,
 * DN, AHP clear). Same row sizes as the scalar ones (n a multiple of 32 for
 * Q8_0/Q8_1, any n for F16); dst at any address.
 */
#ifndef LLM_KERNELS_AARCH64_QUANT_NEON_ACT_H
#define LLM_KERNELS_AARCH64_QUANT_NEON_ACT_H

#include <stddef.h>

void quant_quantize_q8_0_neon(const float *src, void *dst, size_t n);
void quant_quantize_q8_1_neon(const float *src, void *dst, size_t n);
void quant_quantize_f16_neon(const float *src, void *dst, size_t n);

#endif
