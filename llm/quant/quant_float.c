/*
 * The unquantized formats, F32, F16 and BF16: their rows (copy, convert, dot
 * product) and the fp16/bf16 <-> f32 conversions the quantized formats use
 * for their scales. Bit manipulation only, no FPU half-precision support
 * assumed. Not for conversions of whole tensors at load time: weights are
 * never copied.
 */
#include "llm/quant/quant.h"

#include "llm/platform.h"
#include "llm/quant/quant_impl.h"

/* ---------------------------------------------------------- conversions */

/* v >> shift, rounded to nearest with ties to even; shift in 1..31. */
static uint32_t shift_round_even(uint32_t v, unsigned shift)
{
    uint32_t q = v >> shift;
    uint32_t rem = v & ((1u << shift) - 1);
    uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (q & 1)))
        q++;
    return q;
}

uint16_t quant_f32_to_fp16(float f)
{
    uint32_t x = f32_to_bits(f);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    x &= 0x7fffffffu;

    if (x > 0x7f800000u) /* NaN: quiet, top payload bits kept */
        return (uint16_t)(sign | 0x7e00u | ((x >> 13) & 0x3ffu));
    if (x >= 0x477ff000u) /* 65520 and up round past 65504: inf */
        return (uint16_t)(sign | 0x7c00u);
    if (x >= 0x38800000u) /* fp16 normal range, from 2^-14: rebias, round off 13 bits */
        return (uint16_t)(sign | shift_round_even(x - (112u << 23), 13));
    /* fp16 subnormal or zero: value = mant * 2^(exp-150), in units of 2^-24. */
    uint32_t exp = x >> 23;
    if (exp < 102) /* below 2^-25: rounds to zero */
        return sign;
    uint32_t mant = (x & 0x7fffffu) | 0x800000u;
    return (uint16_t)(sign | shift_round_even(mant, 126 - exp));
}

float quant_bf16_to_f32(uint16_t h)
{
    return f32_from_bits((uint32_t)h << 16);
}

/* As ggml_compute_fp32_to_bf16: NaN keeps its top bits and is made quiet. */
uint16_t quant_f32_to_bf16(float f)
{
    uint32_t x = f32_to_bits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((x >> 16) | 64);
    return (uint16_t)((x + 0x7fffu + ((x >> 16) & 1)) >> 16);
}

/* ---------------------------------------------------------- F32 */

void quant_dequantize_f32(const void *src, float *dst, size_t n)
{
    memcpy(dst, src, n * sizeof(float));
}

void quant_quantize_f32(const float *src, void *dst, size_t n)
{
    memcpy(dst, src, n * sizeof(float));
}

/* ggml's scalar ggml_vec_dot_f32: float products summed in double. */
float quant_vec_dot_f32(const void *w, const void *act, size_t n)
{
    const uint8_t *x = w, *y = act;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += (double)(quant_ld_f32(x + 4 * i) * quant_ld_f32(y + 4 * i));
    return (float)sum;
}

/* ---------------------------------------------------------- F16 and BF16 */

typedef float (*half_to_f32_fn)(uint16_t h);
typedef uint16_t (*f32_to_half_fn)(float f);

static void halves_to_f32(const uint8_t *src, float *dst, size_t n, half_to_f32_fn cvt)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = cvt(quant_ld_u16(src + 2 * i));
}

static void f32_to_halves(const float *src, uint8_t *dst, size_t n, f32_to_half_fn cvt)
{
    for (size_t i = 0; i < n; i++)
        quant_st_u16(dst + 2 * i, cvt(src[i]));
}

/* ggml's scalar ggml_vec_dot_f16 / _bf16: float products summed in double. */
static float dot_halves(const uint8_t *x, const uint8_t *y, size_t n, half_to_f32_fn cvt)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += (double)(cvt(quant_ld_u16(x + 2 * i)) * cvt(quant_ld_u16(y + 2 * i)));
    return (float)sum;
}

void quant_dequantize_f16(const void *src, float *dst, size_t n) { halves_to_f32(src, dst, n, quant_fp16_to_f32); }
void quant_quantize_f16(const float *src, void *dst, size_t n) { f32_to_halves(src, dst, n, quant_f32_to_fp16); }
float quant_vec_dot_f16(const void *w, const void *act, size_t n) { return dot_halves(w, act, n, quant_fp16_to_f32); }

void quant_dequantize_bf16(const void *src, float *dst, size_t n) { halves_to_f32(src, dst, n, quant_bf16_to_f32); }
void quant_quantize_bf16(const float *src, void *dst, size_t n) { f32_to_halves(src, dst, n, quant_f32_to_bf16); }
float quant_vec_dot_bf16(const void *w, const void *act, size_t n) { return dot_halves(w, act, n, quant_bf16_to_f32); }
