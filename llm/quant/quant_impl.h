/*
 * Private helpers of the tensor-format files (llm/quant*.c): little-endian
 * field access at any alignment, float bit manipulation, and the three
 * rounding rules ggml's quantizers use. Not a public header: the engine
 * includes llm/quant/quant.h.
 */
#ifndef LLM_QUANT_QUANT_IMPL_H
#define LLM_QUANT_QUANT_IMPL_H

#include <stdint.h>

#include "llm/quant/quant.h"

/* ---- float bits (union punning is defined in C11) */

static inline float quant_fabsf(float f)
{
    return f32_from_bits(f32_to_bits(f) & 0x7fffffffu);
}

/* ---- little-endian fields at any address */

static inline uint16_t quant_ld_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t quant_ld_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline float quant_ld_f32(const uint8_t *p)
{
    return f32_from_bits(quant_ld_u32(p));
}

static inline float quant_ld_fp16(const uint8_t *p)
{
    return quant_fp16_to_f32(quant_ld_u16(p));
}

static inline void quant_st_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void quant_st_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void quant_st_fp16(uint8_t *p, float f)
{
    quant_st_u16(p, quant_f32_to_fp16(f));
}

/* ---- rounding. A C float-to-int conversion out of range is undefined, so
 * each rule first pins NaN to 0 and clamps to a range no caller reaches with
 * finite data. */

#define QUANT_INT_LIMIT 1.0e9f

/* (int)x: toward zero, as ggml's (int8_t)(x + 8.5f). */
static inline int32_t quant_trunc(float x)
{
    if (!(x == x))
        return 0;
    if (x > QUANT_INT_LIMIT)
        return (int32_t)QUANT_INT_LIMIT;
    if (x < -QUANT_INT_LIMIT)
        return -(int32_t)QUANT_INT_LIMIT;
    return (int32_t)x;
}

/* roundf: halves away from zero, as ggml's Q8_0/Q8_1 reference. x - trunc(x)
 * is exact for every float, so the comparison with 0.5 decides correctly. */
static inline int32_t quant_round_away(float x)
{
    int32_t t = quant_trunc(x);
    float frac = x - (float)t;
    if (frac >= 0.5f)
        t++;
    else if (frac <= -0.5f)
        t--;
    return t;
}

/* ggml's nearest_int: adding 1.5 * 2^23 leaves the integer, rounded half to
 * even, in the low mantissa bits. Exact for |x| <= 2^22 - 1 (clamped there). */
static inline int32_t quant_nearest_int(float x)
{
    if (!(x == x))
        return 0;
    if (x > 4194303.0f)
        x = 4194303.0f;
    if (x < -4194303.0f)
        x = -4194303.0f;
    float v = x + 12582912.0f;
    return (int32_t)(f32_to_bits(v) & 0x007fffffu) - 0x00400000;
}

#endif
