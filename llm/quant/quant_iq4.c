/*
 * ggml's non-linear 4-bit formats: IQ4_NL (32-element blocks, dot against
 * Q8_0 activations) and IQ4_XS (256-element super-blocks of eight IQ4_NL
 * groups with 6-bit scales, dot against Q8_K): dequantize and the scalar
 * dot products, bit for bit ggml's dequantize_row_iq4_nl/_xs and
 * ggml_vec_dot_iq4_nl_q8_0/_iq4_xs_q8_K generic code. We read these
 * formats, we do not write them (ggml's quantizer searches scales with an
 * importance matrix; llama-quantize makes them).
 */
#include "llm/quant/quant.h"

#include "llm/quant/blocks.h"
#include "llm/quant/quant_impl.h"

const int8_t quant_iq4_levels[16] = { -127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113 };

/* Group g's 6-bit scale of an IQ4_XS block, minus 32. */
static int32_t xs_scale(const block_iq4_xs *x, int g)
{
    int32_t lo = (x->scales_l[g / 2] >> (4 * (g % 2))) & 0xf, hi = (quant_ld_u16(x->scales_h) >> (2 * g)) & 3;
    return (lo | hi << 4) - 32;
}

/* 32 elements of one group: levels of qs[0 .. 16) low nibbles, then high nibbles, times d. */
static void dequantize_group(const uint8_t *qs, float d, float *dst)
{
    for (int j = 0; j < 16; j++) {
        dst[j] = d * (float)quant_iq4_levels[qs[j] & 0xf];
        dst[j + 16] = d * (float)quant_iq4_levels[qs[j] >> 4];
    }
}

/* The integer dot of one group's levels with 32 int8 activations. */
static int32_t dot_group(const uint8_t *qs, const int8_t *q8)
{
    int32_t lo = 0, hi = 0;
    for (int j = 0; j < 16; j++) {
        lo += q8[j] * quant_iq4_levels[qs[j] & 0xf];
        hi += q8[j + 16] * quant_iq4_levels[qs[j] >> 4];
    }
    return lo + hi;
}

void quant_dequantize_iq4_nl(const void *src, float *dst, size_t n)
{
    const block_iq4_nl *x = src;
    for (size_t i = 0; i < n / QUANT_QK; i++)
        dequantize_group(x[i].qs, quant_ld_fp16(x[i].d), dst + i * QUANT_QK);
}

void quant_dequantize_iq4_xs(const void *src, float *dst, size_t n)
{
    const block_iq4_xs *x = src;
    for (size_t i = 0; i < n / QUANT_QK_K; i++) {
        float d = quant_ld_fp16(x[i].d);
        for (int g = 0; g < QUANT_QK_K / QUANT_QK; g++)
            dequantize_group(x[i].qs + 16 * g, d * (float)xs_scale(&x[i], g), dst + i * QUANT_QK_K + g * QUANT_QK);
    }
}

float quant_vec_dot_iq4_nl_q8_0(const void *w, const void *act, size_t n)
{
    const block_iq4_nl *x = w;
    const block_q8_0 *y = act;
    float sum = 0.0f;
    for (size_t i = 0; i < n / QUANT_QK; i++) {
        float d = quant_ld_fp16(y[i].d) * quant_ld_fp16(x[i].d);
        sum += d * (float)dot_group(x[i].qs, y[i].qs);
    }
    return sum;
}

float quant_vec_dot_iq4_xs_q8_k(const void *w, const void *act, size_t n)
{
    const block_iq4_xs *x = w;
    const block_q8_k *y = act;
    float sum = 0.0f;
    for (size_t i = 0; i < n / QUANT_QK_K; i++) {
        float d = quant_ld_fp16(x[i].d) * quant_ld_f32(y[i].d);
        for (int g = 0; g < QUANT_QK_K / QUANT_QK; g++)
            sum += d * (float)xs_scale(&x[i], g) * (float)dot_group(x[i].qs + 16 * g, y[i].qs + 32 * g);
    }
    return sum;
}
