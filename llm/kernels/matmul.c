/*
 * Matrix multiplication over the kernel table (see matmul.h, kernels.h):
 * weight rows four at a time through the level's tile kernel where the
 * format has one, the rest row by row through its dot product. Weight rows
 * are the outer loop so each is read once per batch of activation rows.
 * Both quantization (by activation blocks) and the product (by weight rows,
 * in chunks of whole tiles) are split over the platform's workers; each
 * output is computed by one chunk exactly as on one core.
 */
#include "llm/kernels/matmul.h"

#include "llm/kernels/kernels.h"
#include "llm/support/parallel.h"

/* Chunks below these sizes are not worth a hand-off to another core. */
#define QUANTIZE_MIN_ELEMS 512u
#define MATMUL_MIN_ROWS 16u
#define TILE_ROWS 4u

typedef struct quantize_job {
    quant_quantize_fn quantize;
    kern_widen_fn widen; /* or NULL: no tile layout */
    size_t block_elems, block_bytes, wide_block_bytes;
    uint32_t row_blocks;
    const float *x;
    act_rows_t *out;
} quantize_job_t;

/*
 * Activation blocks [u0, u1), numbered row by row: quantized, then widened
 * for the tile kernel where it has its own layout. Both work block by
 * block, so a row cut anywhere between blocks gives the same bytes.
 */
static void quantize_blocks(void *ctx, uint32_t u0, uint32_t u1, uint32_t worker)
{
    const quantize_job_t *job = ctx;
    act_rows_t *o = job->out;
    (void)worker;
    while (u0 < u1) {
        uint32_t r = u0 / job->row_blocks, b0 = u0 % job->row_blocks;
        uint32_t b1 = u1 - (u0 - b0) < job->row_blocks ? u1 - (u0 - b0) : job->row_blocks;
        uint8_t *row = (uint8_t *)o->data + r * o->row_bytes + b0 * job->block_bytes;
        size_t n = (b1 - b0) * job->block_elems;
        job->quantize(job->x + (size_t)r * o->n_cols + b0 * job->block_elems, row, n);
        if (job->widen)
            job->widen(row, (uint8_t *)o->wide + r * o->wide_row_bytes + b0 * job->wide_block_bytes, n);
        u0 += b1 - b0;
    }
}

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
    uint32_t row_blocks = (uint32_t)(n_cols / f->block_elems);
    if ((uint64_t)n_rows * row_blocks > UINT32_MAX)
        return err_set(err, ERR_RANGE, "matmul: %u rows of %u columns are too many blocks", n_rows, n_cols);
    uint8_t *data = arena_alloc_array(arena, n_rows, (size_t)row_bytes, 64, err);
    if (!data)
        return ERR_NOMEM;
    *out = (act_rows_t){ f->type, data, (size_t)row_bytes, n_rows, n_cols, NULL, 0 };
    kern_tile_t tile = kern_format(w)->tile;
    bool wide = tile.run && tile.widen;
    if (wide) {
        size_t wide_row = n_cols / QUANT_QK * tile.wide_block_bytes;
        if (!(out->wide = arena_alloc_array(arena, n_rows, wide_row, 64, err)))
            return ERR_NOMEM;
        out->wide_row_bytes = wide_row;
    }
    quantize_job_t job = { kern_format(f)->quantize, wide ? tile.widen : NULL, f->block_elems, f->block_bytes,
                           wide ? tile.wide_block_bytes * (f->block_elems / QUANT_QK) : 0, row_blocks, x, out };
    uint32_t min_blocks = QUANTIZE_MIN_ELEMS / f->block_elems ? (uint32_t)(QUANTIZE_MIN_ELEMS / f->block_elems) : 1;
    par_range(n_rows * row_blocks, 1, min_blocks, quantize_blocks, &job);
    return ERR_OK;
}

typedef struct matmul_job {
    const gguf_tensor_t *w;
    const act_rows_t *x;
    float *out;
} matmul_job_t;

/* Output columns (weight rows) [j0, j1) of every activation row; j0 is a multiple of TILE_ROWS. */
static void matmul_rows(const matmul_job_t *job, uint32_t j0, uint32_t j1)
{
    const gguf_tensor_t *w = job->w;
    const act_rows_t *x = job->x;
    const size_t n_out = (size_t)w->ne[1], w_row_bytes = (size_t)(w->n_bytes / w->ne[1]);
    const uint8_t *wrow = (const uint8_t *)w->data + j0 * w_row_bytes;
    const kern_format_t *k = kern_format(w->format);
    quant_vec_dot_fn dot = k->vec_dot;
    kern_tile_t tile = k->tile;
    bool tiled = tile.run && (!tile.widen || x->wide); /* rows quantized for this level */
    const uint8_t *act = tile.widen ? x->wide : x->data;
    size_t act_stride = tile.widen ? x->wide_row_bytes : x->row_bytes;
    size_t j = j0;
    for (; tiled && j + TILE_ROWS <= j1; j += TILE_ROWS, wrow += TILE_ROWS * w_row_bytes)
        tile.run(wrow, w_row_bytes, act, act_stride, x->n_rows, x->n_cols, job->out + j, n_out);
    for (; j < j1; j++, wrow += w_row_bytes) {
        for (uint32_t r = 0; r < x->n_rows; r++)
            job->out[r * n_out + j] = dot(wrow, x->data + r * x->row_bytes, x->n_cols);
    }
}

/*
 * Several products as one range: tensor i's rows sit at [first[i], first[i]
 * + rows) of it, each start rounded up to a whole tile, so every chunk
 * starts a tile in each tensor it covers and rows take the same path as in
 * a product of their own.
 */
typedef struct matmul_many_job {
    matmul_job_t part[MATMUL_MAX_MANY];
    uint32_t first[MATMUL_MAX_MANY + 1];
    uint32_t count;
} matmul_many_job_t;

static void matmul_range(void *ctx, uint32_t g0, uint32_t g1, uint32_t worker)
{
    const matmul_many_job_t *job = ctx;
    (void)worker;
    for (uint32_t i = 0; i < job->count; i++) {
        uint32_t lo = job->first[i], hi = lo + (uint32_t)job->part[i].w->ne[1];
        uint32_t j0 = g0 > lo ? g0 : lo, j1 = g1 < hi ? g1 : hi;
        if (j0 < j1)
            matmul_rows(&job->part[i], j0 - lo, j1 - lo);
    }
}

void matmul_many(const gguf_tensor_t *const *ws, float *const *outs, uint32_t count, const act_rows_t *x)
{
    matmul_many_job_t job = { .count = count };
    for (uint32_t i = 0; i < count; i++) {
        uint32_t rows = (uint32_t)ws[i]->ne[1];
        job.part[i] = (matmul_job_t){ ws[i], x, outs[i] };
        job.first[i + 1] = job.first[i] + (rows + TILE_ROWS - 1) / TILE_ROWS * TILE_ROWS;
    }
    par_range(job.first[count], TILE_ROWS, MATMUL_MIN_ROWS, matmul_range, &job);
}

void matmul(const gguf_tensor_t *w, const act_rows_t *x, float *out)
{
    matmul_many(&w, &out, 1, x);
}
