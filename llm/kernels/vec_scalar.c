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

void vec_add_scalar(float *x, const float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] += y[i];
}

/* The row base of an attention: t0 rounded down to a multiple of four (kernels.h). */
static uint32_t row_base(const kern_kv_head_t *h)
{
    return h->t0 & ~3u;
}

void vec_attend_scalar(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out)
{
    const quant_format_t *f = h->format;
    uint32_t head_dim = h->head_dim, b = row_base(h), n = h->n - b;
    double *acc = work;
    float *v_row = (float *)(acc + head_dim);
    uint8_t *q_kv = (uint8_t *)(v_row + head_dim); /* room for head_dim F32 elements */
    f->quantize(q, q_kv, head_dim); /* llama.cpp multiplies Q in the cache's type */
    for (uint32_t r = 0; r < n; r++)
        scores[r] = b + r < h->t0 ? -__builtin_inff()
                                  : f->vec_dot(h->k + kern_kv_offset(h, b + r), q_kv, head_dim) * h->scale;
    vec_softmax_scalar(scores, n);
    for (uint32_t d = 0; d < head_dim; d++)
        acc[d] = 0.0;
    for (uint32_t r = h->t0 - b; r < n; r++) {
        float w;
        f->quantize(&scores[r], q_kv, 1); /* ... and the weights too */
        f->dequantize(q_kv, &w, 1);
        f->dequantize(h->v + kern_kv_offset(h, b + r), v_row, head_dim);
        for (uint32_t d = 0; d < head_dim; d++)
            acc[d] += (double)(w * v_row[d]);
    }
    for (uint32_t d = 0; d < head_dim; d++)
        out[d] = (float)acc[d];
}

/* KERN_ATTN_FAST over any cache format with a quantize and dequantize (kernels.h says the order). */
void vec_attend_fast_scalar(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out)
{
    const quant_format_t *f = h->format;
    uint32_t hd = h->head_dim, b = row_base(h), n = h->n - b, body = n - n % 4, r0 = h->t0 - b;
    float *row = work, *acc = row + hd, *qr = acc + hd;
    float max = 0.0f;
    f->quantize(q, (uint8_t *)acc, hd); /* q in the cache type's values, as the exact path has it */
    f->dequantize((const uint8_t *)acc, qr, hd);
    for (uint32_t r = r0; r < n; r++) {
        float lane[4] = { 0.0f, 0.0f, 0.0f, 0.0f };
        f->dequantize(h->k + kern_kv_offset(h, b + r), row, hd);
        for (uint32_t d = 0; d < hd; d++)
            lane[d % 4] = math_fmaf(row[d], qr[d], lane[d % 4]);
        scores[r] = ((lane[0] + lane[1]) + (lane[2] + lane[3])) * h->scale;
        max = r == r0 || scores[r] > max ? scores[r] : max;
    }
    float part[4] = { 0.0f, 0.0f, 0.0f, 0.0f };
    for (uint32_t r = 0; r < n; r++) {
        scores[r] = r < r0 ? 0.0f : math_expf_approx(scores[r] - max);
        if (r < body)
            part[r % 4] += scores[r];
    }
    float sum = (part[0] + part[1]) + (part[2] + part[3]);
    for (uint32_t r = body; r < n; r++)
        sum += scores[r];
    float inv = 1.0f / sum;
    for (uint32_t r = 0; r < n; r++) {
        float w = scores[r] * inv;
        f->quantize(&w, (uint8_t *)acc, 1); /* the weights in the cache type, as the exact path has them */
        f->dequantize((const uint8_t *)acc, &scores[r], 1);
    }
    for (uint32_t d = 0; d < hd; d++)
        out[d] = 0.0f;
    for (uint32_t r = 0; r < n; r++) {
        f->dequantize(h->v + kern_kv_offset(h, b + r), row, hd);
        for (uint32_t d = 0; d < hd; d++)
            out[d] = math_fmaf(scores[r], row[d], out[d]);
    }
}
