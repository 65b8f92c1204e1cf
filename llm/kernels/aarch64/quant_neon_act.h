/*
 * NEON quantizers of activation rows (Q8_0, Q8_1, F16): the same bytes as
 * their scalar twins in llm/quant/quant.h (quant_quantize_q8_0, _q8_1, _f16) for
 * every input, NaN and infinities included (with FPCR at its default: FZ,
 * DN, AHP clear). Same row sizes as the scalar ones (n a multiple of 32 for
 * Q8_0/Q8_1, any n for F16); dst at any address.
 */
#ifndef LLM_KERNELS_AARCH64_QUANT_NEON_ACT_H
#define LLM_KERNELS_AARCH64_QUANT_NEON_ACT_H

#include "llm/kernels/ops.h"
#include "llm/quant/quant.h"

/* The NEON quantizer of format t at level (OPS_NEON or above), or NULL where there is none. */
quant_quantize_fn quant_neon_act_quantize(quant_type_t t, ops_level_t level);

#endif
