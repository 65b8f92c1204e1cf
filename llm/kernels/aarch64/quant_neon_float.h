/*
 * NEON dot products of the unquantized formats, each against itself (the
 * vec_dot_type of F32, F16 and BF16): weights F32 x activations F32, F16 x
 * F16, BF16 x BF16. One level: the Advanced SIMD of ARMv8.0 (SDOT adds
 * nothing to float work), so the kernel table runs the same function
 * at every level. Rows may sit at any address; n is any element count
 * (there are no blocks), 0 gives +0.
 *
 * Not bit-exact with the scalar twins (quant_vec_dot_f32 ... _bf16 of
 * llm/quant/quant.h), but close, with a proven bound. Both compute the same
 * products p_i = w_i * a_i, rounded to float (the F16 and BF16 to f32
 * conversions are exact both ways), and sum them in double before one
 * final rounding to float. The scalar code adds the p_i one after another
 * to a double W; these add them to 8 double lanes (element i to lane
 * i % 8), then combine the lanes in 3 rounds to a double D, so each p_i
 * goes through at most ceil(n/8) + 2 rounded additions against the scalar
 * n - 1. With A = sum |p_i| and u = 2^-53, the usual bound on recursive
 * summation (|computed - exact| <= gamma_k A, gamma_k = k u / (1 - k u), k
 * the additions a term goes through) gives, for n < 2^25,
 *
 *     |D - W| <= E = (n + 1) * 2^-52 * A      (below 2^-40 * A for n < 4096)
 *
 * since gamma_(n-1) + gamma_(ceil(n/8)+2) <= gamma_(2n+1) <= (2n + 2) u.
 * No underflow weakens it (every p_i is a multiple of 2^-149, so is every
 * partial sum, and doubles hold those exactly down to 2^-1074) and no
 * overflow can happen in double (|p_i| < 2^128). The results are got =
 * float(D) and want = float(W); rounding is monotone, so
 *
 *     float(W - E) <= got <= float(W + E),
 *
 * hence |got - want| <= E + 1 ulp (float spacing at the larger of |got|,
 * |want|) when both are finite. Non-finite results agree in kind: NaN when
 * some p_i is NaN or the p_i hold both infinities (then NaN's sign and
 * payload may differ), else the infinity among the p_i if there is one.
 * tests/unit/kernels/aarch64/test_quant_neon.c checks the interval on random and adversarial rows.
 */
#ifndef LLM_KERNELS_AARCH64_QUANT_NEON_FLOAT_H
#define LLM_KERNELS_AARCH64_QUANT_NEON_FLOAT_H

#include <stddef.h>

/* sum over n elements of w[i] * act[i], both rows of the same format; the bound above against the scalar twin. */
float quant_vec_dot_f32_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_f16_neon(const void *w, const void *act, size_t n);
float quant_vec_dot_bf16_neon(const void *w, const void *act, size_t n);

#endif
