/*
 * The one interface for matrix work: weights of any supported type times
 * activation rows quantized to the format that type's dot product takes
 * (Q8_0, Q8_1, Q8_K, F16, ...), as ggml does. The forward pass calls only
 * this; faster kernels (NEON, several cores) plug in behind it.
 */
#ifndef LLM_KERNELS_MATMUL_H
#define LLM_KERNELS_MATMUL_H

#include <stddef.h>
#include <stdint.h>

#include "llm/support/err.h"
#include "llm/gguf/gguf.h"
#include "llm/support/arena.h"

/* Activation rows quantized for one weight format's dot product. */
typedef struct act_rows {
    quant_type_t type;
    const uint8_t *data;
    size_t row_bytes;
    uint32_t n_rows, n_cols;
    const uint8_t *wide;   /* the rows in the tile kernel's own layout, or NULL (see kern_tile_t) */
    size_t wide_row_bytes;
} act_rows_t;

/*
 * Quantizes x[n_rows][n_cols] (floats) for the dot product of weight format
 * w into memory from the arena, and into the layout of w's tile kernel
 * where it has one. ERR_NOMEM if it does not fit.
 */
err_code_t act_quantize(const quant_format_t *w, const float *x, uint32_t n_rows, uint32_t n_cols, arena_t *arena,
                        act_rows_t *out, err_t *err);

/*
 * out[r][j] = dot(row j of w, row r of x) for every activation row r and
 * weight row j (w is [n_cols, n_out] in ggml order: ne[0] == x->n_cols).
 * x must have been quantized for w's format.
 */
void matmul(const gguf_tensor_t *w, const act_rows_t *x, float *out);

/* The most products matmul_many takes at once (q/k/v is three). */
#define MATMUL_MAX_MANY 4

/*
 * outs[i] = ws[i] times x for i < count (1 .. MATMUL_MAX_MANY), as count
 * matmul() calls would compute them, bit for bit, but split over the
 * workers as one range: one hand-off instead of count. Every ws[i] must
 * take x's format and width.
 */
void matmul_many(const gguf_tensor_t *const *ws, float *const *outs, uint32_t count, const act_rows_t *x);

#endif
