/*
 * NEON quantizers of activation rows (Q8_0, Q8_1, F16): the same blocks as
 * their scalar twins in llm/quant.h, bit for bit.
 */
#ifndef ARCH_AARCH64_QUANT_NEON_ACT_H
#define ARCH_AARCH64_QUANT_NEON_ACT_H

#include "llm/ops.h"
#include "llm/quant.h"

/* The NEON quantizer of format t at level (OPS_NEON or above), or NULL where there is none. */
quant_quantize_fn quant_neon_act_quantize(quant_type_t t, ops_level_t level);

#endif
