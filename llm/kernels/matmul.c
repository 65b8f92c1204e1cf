/*
 * Matrix multiplication over the kernel table (see matmul.h, kernels.h):
 * weight rows four at a time through the level's tile kernel where the
 * format has one, the rest row by row through its dot product. Weight rows
 * are the outer loop so each is read once per batch of activation rows.
 */
#include "llm/kernels/matmul.h"

#include "llm/kernels/kernels.h"

err_code_t act_quantize(const quant_format_t *w, const float *x, uint32_t n_rows, uint32_t n_cols, arena_t *arena,
                        act_rows_t *out, err_t *err)
{
    const quant_format_t *f;
    uint64_t row_bytes;
    err_code_t rc = quant_lookup(w->vec_dot_type, &f, err);
    if (rc != ERR_OK)
        return rc;
    if (!quant_row_bytes(f, n_cols, &row_bytes))
        return err_set(err, ERR_FORMAT, "matmul: %u columns are not a multiple of the %s block", n_cols, f->name);
    uint8_t *data = arena_alloc_array(arena, n_rows, (size_t)row_bytes, 64, err);
    if (!data)
        return ERR_NOMEM;
    quant_quantize_fn quantize = kern_format(f)->quantize;
    for (uint32_t r = 0; r < n_rows; r++)
        quantize(x + (size_t)r * n_cols, data + r * (size_t)row_bytes, n_cols);
    *out = (act_rows_t){ f->type, data, (size_t)row_bytes, n_rows, n_cols, NULL, 0 };
    kern_tile_t tile = kern_format(w)->tile;
    if (tile.run && tile.widen) {
        size_t wide_row = n_cols / QUANT_QK * tile.wide_block_bytes;
        uint8_t *wide = arena_alloc_array(arena, n_rows, wide_row, 64, err);
        if (!wide)
            return ERR_NOMEM;
        for (uint32_t r = 0; r < n_rows; r++)
            tile.widen(data + r * (size_t)row_bytes, wide + r * wide_row, n_cols);
        out->wide = wide;
        out->wide_row_bytes = wide_row;
    }
    return ERR_OK;
}

void matmul(const gguf_tensor_t *w, const act_rows_t *x, float *out)
{
    const size_t n_out = (size_t)w->ne[1], w_row_bytes = (size_t)(w->n_bytes / w->ne[1]);
    const uint8_t *wrow = w->data;
    const kern_format_t *k = kern_format(w->format);
    quant_vec_dot_fn dot = k->vec_dot;
    kern_tile_t tile = k->tile;
    bool tiled = tile.run && (!tile.widen || x->wide); /* rows quantized for this level */
    const uint8_t *act = tile.widen ? x->wide : x->data;
    size_t act_stride = tile.widen ? x->wide_row_bytes : x->row_bytes;
    size_t j = 0;
    for (; tiled && j + 4 <= n_out; j += 4, wrow += 4 * w_row_bytes)
        tile.run(wrow, w_row_bytes, act, act_stride, x->n_rows, x->n_cols, out + j, n_out);
    for (; j < n_out; j++, wrow += w_row_bytes) {
        for (uint32_t r = 0; r < x->n_rows; r++)
            out[r * n_out + j] = dot(wrow, x->data + r * x->row_bytes, x->n_cols);
    }
}
