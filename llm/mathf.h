/*
 * The few elementary functions the engine needs, without libm: exp, log,
 * sin/cos and square root. Computed in double precision and rounded, so the
 * float results are within one ulp of the exact value (almost always
 * correctly rounded). For the scalar reference path and set-up work; SIMD
 * kernels bring their own approximations, pinned to these by tests.
 */
#ifndef LLM_MATHF_H
#define LLM_MATHF_H

/* e^x; +inf above ~709.78, 0 below ~-745.13, NaN stays NaN. */
double math_exp(double x);
float math_expf(float x);

/* Natural logarithm; -inf at 0, NaN below 0. */
double math_log(double x);

/* sin and cos of x (radians), |x| up to about 1e9 with full accuracy. */
void math_sincos(double x, double *s, double *c);

/* Square root (the hardware instruction; NaN below 0). */
static inline float math_sqrtf(float x)
{
    return __builtin_sqrtf(x);
}

#endif
