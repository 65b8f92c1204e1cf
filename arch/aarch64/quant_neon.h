/*
 * NEON dot products of the 32-element block formats against their
 * activation formats, at two levels: plain Advanced SIMD (ARMv8.0) and the
 * SDOT instruction (ARMv8.2 dotprod; call those only where the CPU has it).
 * Same arguments and results as their scalar twins in llm/quant.h, bit for
 * bit: each block's integer dot is exact whichever way it is summed, and the
 * float accumulation over blocks keeps the scalar (ggml's) order.
 */
#ifndef ARCH_AARCH64_QUANT_NEON_H
#define ARCH_AARCH64_QUANT_NEON_H

#include <stddef.h>

#include "llm/ops.h"
#include "llm/quant.h"

/* The NEON dot of weight type t at level (OPS_NEON or above), or NULL where there is none. */
quant_vec_dot_fn quant_neon_vec_dot(quant_type_t t, ops_level_t level);

float quant_vec_dot_q4_0_q8_0_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_q4_1_q8_1_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_q8_0_q8_0_neon(const void *w, const void *act, size_t n);

float quant_vec_dot_q4_0_q8_0_dotprod(const void *w, const void *act, size_t n);
float quant_vec_dot_q4_1_q8_1_dotprod(const void *w, const void *act, size_t n);
float quant_vec_dot_q8_0_q8_0_dotprod(const void *w, const void *act, size_t n);

#endif
