/*
 * The scalar element-wise kernels of the kernel table (contracts in
 * kernels.h): the reference, with llama.cpp's x86-64 arithmetic (see
 * transformer.c). Not for the matrix products (matmul.c, llm/quant/).
 */
#include "llm/kernels/kernels.h"

#include "llm/support/mathf.h"

void vec_rmsnorm_scalar(float *out, const float *x, const float *w, uint32_t n, float eps)
{
    double sum = 0.0;
    for (uint32_t i = 0; i < n; i++)
        sum += (double)(x[i] * x[i]);
    float mean = (float)(sum / n);
    float scale = 1.0f / math_sqrtf(mean + eps);
    for (uint32_t i = 0; i < n; i++)
        out[i] = (x[i] * scale) * w[i];
}

void vec_rope_scalar(float *x, uint32_t n_heads, uint32_t head_dim, const float *cs, uint32_t n_rot)
{
    for (uint32_t h = 0; h < n_heads; h++) {
        float *v = x + (size_t)h * head_dim;
        for (uint32_t i = 0; i < n_rot; i += 2) {
            float x0 = v[i], x1 = v[i + 1];
            v[i] = x0 * cs[i] - x1 * cs[i + 1];
            v[i + 1] = x0 * cs[i + 1] + x1 * cs[i];
        }
    }
}

void vec_rope_neox_scalar(float *x, uint32_t n_heads, uint32_t head_dim, const float *cs, uint32_t n_rot)
{
    uint32_t half = n_rot / 2;
    for (uint32_t h = 0; h < n_heads; h++) {
        float *v = x + (size_t)h * head_dim;
        for (uint32_t i = 0; i < half; i++) {
            float x0 = v[i], x1 = v[i + half], c = cs[2 * i], s = cs[2 * i + 1];
            v[i] = x0 * c - x1 * s;
            v[i + half] = x0 * s + x1 * c;
        }
    }
}

/* As llama.cpp's x86-64 build; the zero padding is how ggml pads the cache. */
void vec_softmax_scalar(float *x, uint32_t n)
{
    float max = x[0];
    for (uint32_t i = 1; i < n; i++)
        max = x[i] > max ? x[i] : max;
    double sum = 0.0;
    for (uint32_t i = 0; i < n; i += 4) {
        float e[4] = { 0 };
        for (uint32_t j = 0; j < 4 && i + j < n; j++)
            e[j] = x[i + j] = math_expf_approx(x[i + j] - max);
        sum += (double)((e[0] + e[1]) + (e[2] + e[3]));
    }
    float inv = (float)(1.0 / sum);
    for (uint32_t i = 0; i < n; i++)
        x[i] *= inv;
}

void vec_swiglu_scalar(float *gate, const float *up, uint32_t n)
{
    uint32_t body = n - n % 4;
    for (uint32_t i = 0; i < n; i++) {
        float g = gate[i];
        float e = i < body ? math_expf_approx(0.0f - g) : math_expf(-g);
        gate[i] = g / (1.0f + e) * up[i];
    }
}

void vec_geglu_scalar(float *gate, const float *up, uint32_t n, const uint16_t *gelu_f16)
{
    for (uint32_t i = 0; i < n; i++) {
        float g = gate[i];
        if (g <= -10.0f)
            gate[i] = 0.0f;
        else if (g >= 10.0f)
            gate[i] = g * up[i];
        else
            gate[i] = quant_fp16_to_f32(gelu_f16[quant_f32_to_fp16(g)]) * up[i];
    }
}

void vec_hadamard_scalar(float *x, size_t n_rows, uint32_t n)
{
    const float scale = 1.0f / math_sqrtf((float)n);
    for (size_t r = 0; r < n_rows; r++) {
        float *row = x + r * n;
        for (uint32_t j = 0; j < n; j++)
            row[j] *= scale;
        for (uint32_t len = 1; len < n; len <<= 1)
            for (uint32_t i = 0; i < n; i += 2 * len)
                for (uint32_t j = i; j < i + len; j++) {
                    float u = row[j], v = row[j + len];
                    row[j] = u + v;
                    row[j + len] = u - v;
                }
    }
}

void vec_add_scalar(float *x, const float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] += y[i];
}
