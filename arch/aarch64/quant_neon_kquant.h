/*
 * NEON dot products of the K-quants (Q2_K ... Q6_K) against Q8_K, and the
 * Q8_K quantizer: the same results as their scalar twins in llm/quant.h.
 */
#ifndef ARCH_AARCH64_QUANT_NEON_KQUANT_H
#define ARCH_AARCH64_QUANT_NEON_KQUANT_H

#include "llm/ops.h"
#include "llm/quant.h"

/* The NEON dot of weight type t at level (OPS_NEON or above), or NULL where there is none. */
quant_vec_dot_fn quant_neon_kquant_vec_dot(quant_type_t t, ops_level_t level);

/* The NEON quantizer of format t (Q8_K) at level, or NULL. */
quant_quantize_fn quant_neon_kquant_quantize(quant_type_t t, ops_level_t level);

#endif
