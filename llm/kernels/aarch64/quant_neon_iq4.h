/*
 * NEON dot products of the non-linear 4-bit formats, IQ4_NL against Q8_0
 * and IQ4_XS against Q8_K, at two levels: plain Advanced SIMD (ARMv8.0)
 * and SDOT (ARMv8.2 dotprod; only where the CPU has it). One table lookup
 * (TBL) turns 16 nibbles into their int8 levels; each 32-element group's
 * products are summed exactly in integer lanes, and the group's float
 * expression is the scalar twin's, in its order (llm/quant/quant_iq4.c), so
 * the results equal quant_vec_dot_iq4_nl_q8_0 / _iq4_xs_q8_k bit for bit.
 */
#ifndef LLM_KERNELS_AARCH64_QUANT_NEON_IQ4_H
#define LLM_KERNELS_AARCH64_QUANT_NEON_IQ4_H

#include <stddef.h>

float quant_vec_dot_iq4_nl_q8_0_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_iq4_xs_q8_k_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_iq4_nl_q8_0_dotprod(const void *w, const void *act, size_t n);
float quant_vec_dot_iq4_xs_q8_k_dotprod(const void *w, const void *act, size_t n);

#endif
