/*
 * NEON dot products of the 32-element block formats (Q4_0, Q4_1, Q5_0,
 * Q5_1, Q8_0) against their activation formats, at two levels: plain
 * Advanced SIMD (ARMv8.0) and the SDOT instruction (ARMv8.2 dotprod; call
 * those only where the CPU has it). Same arguments and results as their
 * scalar twins in llm/quant/quant.h, bit for bit: each block's integer dot is
 * exact whichever way it is summed, and the float accumulation over blocks
 * keeps the scalar (ggml's) order. The table below also hands out the
 * F32/F16/BF16 dots of quant_neon_float.h, which are not bit-exact (bound
 * there).
 */
#ifndef LLM_KERNELS_AARCH64_QUANT_NEON_H
#define LLM_KERNELS_AARCH64_QUANT_NEON_H

#include <stddef.h>

#include "llm/quant/quant.h"

float quant_vec_dot_q4_0_q8_0_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_q4_1_q8_1_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_q5_0_q8_0_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_q5_1_q8_1_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_q8_0_q8_0_neon(const void *w, const void *act, size_t n);

float quant_vec_dot_q4_0_q8_0_dotprod(const void *w, const void *act, size_t n);
float quant_vec_dot_q4_1_q8_1_dotprod(const void *w, const void *act, size_t n);
float quant_vec_dot_q5_0_q8_0_dotprod(const void *w, const void *act, size_t n);
float quant_vec_dot_q5_1_q8_1_dotprod(const void *w, const void *act, size_t n);
float quant_vec_dot_q8_0_q8_0_dotprod(const void *w, const void *act, size_t n);

#endif
