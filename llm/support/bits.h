/*
 * Reinterpreting floating-point values as their IEEE-754 bit patterns and
 * back, without aliasing tricks (memcpy, which compilers turn into a move).
 */
#ifndef LLM_SUPPORT_BITS_H
#define LLM_SUPPORT_BITS_H

#include <stdint.h>

#include "llm/platform.h"

static inline float f32_from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline uint32_t f32_to_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline double f64_from_bits(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static inline uint64_t f64_to_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

#endif
