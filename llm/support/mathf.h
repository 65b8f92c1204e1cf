/*
 * The few elementary functions the engine needs, without libm: exp, log,
 * sin/cos, square root and a fused multiply-add. Computed in double precision and rounded, so the
 * float results are within one ulp of the exact value (almost always
 * correctly rounded). For the scalar reference path and set-up work; SIMD
 * kernels bring their own approximations, pinned to these by tests.
 */
#ifndef LLM_SUPPORT_MATHF_H
#define LLM_SUPPORT_MATHF_H

/* e^x; +inf above ~709.78, 0 below ~-745.13, NaN stays NaN. */
double math_exp(double x);
float math_expf(float x);

/*
 * e^x by the short polynomial ggml's SIMD code uses (after ARM's optimized
 * routines): within 1.95 ulp of the exact value, +inf above ~88.38, 0 below
 * ~-103.97 and at -inf. Evaluated with separately rounded multiplies and adds,
 * as llama.cpp's x86-64 build without FMA does for SiLU and softmax, so that
 * our activations equal its bit for bit.
 */
float math_expf_approx(float x);

/* Natural logarithm; -inf at 0, NaN below 0. */
double math_log(double x);

/*
 * Single-precision sine and cosine of x (radians), any finite x, as glibc
 * computes sinf and cosf (ARM's optimized routines: a quadrant reduction, by
 * a 192-bit 2/pi above 120, and short double-precision polynomials): within
 * 0.561 ulp, and equal to glibc's bit for bit, which llama.cpp's RoPE uses.
 * NaN and infinities give NaN.
 */
void math_sincosf(float x, float *s, float *c);

/*
 * Single-precision tanh as glibc's tanhf computes it (fdlibm's algorithm,
 * mathf_tanh.c): equal to it bit for bit on every float (checked
 * exhaustively against glibc 2.36), within about 2 ulp of the exact value.
 * tanh(+-inf) = +-1, NaN stays NaN. llama.cpp's GELU table and soft-capping
 * use tanhf.
 */
float math_tanhf(float x);

/* a * b + c rounded once (the FMADD instruction on aarch64; libm's fmaf in hosted builds elsewhere). */
static inline float math_fmaf(float a, float b, float c)
{
    return __builtin_fmaf(a, b, c);
}

/* Square root (the hardware instruction; NaN below 0). */
static inline float math_sqrtf(float x)
{
    return __builtin_sqrtf(x);
}

#endif
