/*
 * The kernel table's tuner (kern_tune in kernels.h): for each block format
 * whose matmul tile or dot product more than one level provides, times
 * every candidate on this CPU and puts the fastest in the selected table,
 * as Linux times its RAID6 and XOR routines at boot and keeps the best.
 * Only kernels that give the same bits at every level are candidates (the
 * integer block dots and tiles; never the float dots, whose twins differ
 * within a bound), so tuning changes speed, never a result. Not for the
 * element-wise kernels or attention: each has one twin per level.
 */
#include "llm/kernels/kernels.h"

#include "llm/platform.h"

#define TUNE_COLS 1024u    /* elements per row: 32 blocks of 32, 4 super-blocks */
#define TUNE_ROWS 4u       /* one tile of weight rows */
#define TUNE_TOKENS 4u     /* a prefill's tile of activation rows; decode is 1 */
#define TUNE_MIN_US 2000u  /* each candidate runs at least this long per round */
#define TUNE_ROUNDS 3u     /* the fastest round counts: a busy spell slows one, not all */

/* Weights, activations and their widened layout for one format's candidates, from the scratch arena. */
typedef struct tune_data {
    const quant_format_t *w, *a;
    uint8_t *w_rows, *a_rows, *wide;
    size_t w_row_bytes, a_row_bytes, wide_row_bytes;
    float out[TUNE_TOKENS * TUNE_ROWS];
} tune_data_t;

/* One timed call: a tile over n_act activation rows, or (tile.run NULL) the dot of one row pair. */
typedef struct candidate {
    kern_tile_t tile;
    quant_vec_dot_fn dot;
    uint32_t n_act;
} candidate_t;

static volatile float sink; /* keeps the dots' results alive */

static void run_once(const tune_data_t *d, const candidate_t *c)
{
    if (!c->tile.run) {
        sink = c->dot(d->w_rows, d->a_rows, TUNE_COLS);
        return;
    }
    bool wide = c->tile.widen != NULL;
    c->tile.run(d->w_rows, d->w_row_bytes, wide ? d->wide : d->a_rows, wide ? d->wide_row_bytes : d->a_row_bytes,
                c->n_act, TUNE_COLS, (float *)d->out, TUNE_ROWS);
}

/* Nanoseconds per call: the fastest of TUNE_ROUNDS rounds of at least TUNE_MIN_US each. */
static uint64_t ns_per_call(const tune_data_t *d, const candidate_t *c)
{
    uint64_t best = UINT64_MAX;
    for (uint32_t r = 0; r < TUNE_ROUNDS; r++) {
        uint64_t t0 = platform_now_us(), dt, n = 0;
        do {
            run_once(d, c);
            n++;
        } while ((dt = platform_now_us() - t0) < TUNE_MIN_US);
        uint64_t ns = dt * 1000 / n;
        best = ns < best ? ns : best;
    }
    return best;
}

/* n floats in [-1, 1) from a fixed sequence (the timings must not depend on the run). */
static void fill(float *x, size_t n, uint32_t *state)
{
    for (size_t i = 0; i < n; i++) {
        *state = *state * 1664525u + 1013904223u;
        x[i] = (float)(int32_t)(*state >> 8 & 0xffff) / 32768.0f - 1.0f;
    }
}

/* Format w's rows and activations (widened too, where a candidate's tile needs it) in scratch. */
static err_code_t make_data(const quant_format_t *w, size_t wide_block_bytes, arena_t *scratch, tune_data_t *d,
                            err_t *err)
{
    err_code_t rc = quant_lookup(w->vec_dot_type, &d->a, err);
    if (rc != ERR_OK)
        return rc;
    d->w = w;
    d->w_row_bytes = TUNE_COLS / w->block_elems * w->block_bytes;
    d->a_row_bytes = TUNE_COLS / d->a->block_elems * d->a->block_bytes;
    d->wide_row_bytes = TUNE_COLS / QUANT_QK * wide_block_bytes;
    float *x = arena_alloc_array(scratch, (size_t)TUNE_ROWS * TUNE_COLS, sizeof *x, 64, err);
    d->w_rows = x ? arena_alloc(scratch, TUNE_ROWS * d->w_row_bytes, 64, err) : NULL;
    d->a_rows = d->w_rows ? arena_alloc(scratch, TUNE_TOKENS * d->a_row_bytes, 64, err) : NULL;
    d->wide = d->a_rows && d->wide_row_bytes ? arena_alloc(scratch, TUNE_TOKENS * d->wide_row_bytes, 64, err) : NULL;
    if (!d->a_rows || (d->wide_row_bytes && !d->wide))
        return ERR_NOMEM;
    uint32_t state = 0x2545f491u;
    fill(x, (size_t)TUNE_ROWS * TUNE_COLS, &state);
    w->quantize(x, d->w_rows, (size_t)TUNE_ROWS * TUNE_COLS);
    fill(x, (size_t)TUNE_TOKENS * TUNE_COLS, &state);
    kern()->formats[d->a->type].quantize(x, d->a_rows, (size_t)TUNE_TOKENS * TUNE_COLS);
    return ERR_OK;
}

/* Formats whose candidates give the same bits at every level: block formats we can write test rows of. */
static bool tunable(const quant_format_t *f)
{
    const quant_format_t *a;
    return f->block_elems > 1 && f->vec_dot && f->quantize && quant_lookup(f->vec_dot_type, &a, NULL) == ERR_OK &&
           a->quantize;
}

/* The lowest level whose table has this tile (or dot): where the kernel comes from. */
static kern_level_t origin(const kern_table_t *levels, kern_level_t top, uint32_t id, bool tile, const void *fn)
{
    for (unsigned l = KERN_SCALAR; l <= (unsigned)top; l++) {
        const kern_format_t *k = &levels[l].formats[id];
        if ((tile ? (const void *)k->tile.run : (const void *)k->vec_dot) == fn)
            return (kern_level_t)l;
    }
    return top;
}

/* The distinct kernels levels 0 .. top bring to a slot. */
static uint32_t count_candidates(const kern_table_t *levels, kern_level_t top, uint32_t id, bool tile)
{
    uint32_t n = 0;
    for (unsigned l = KERN_SCALAR; l <= (unsigned)top; l++) {
        const kern_format_t *k = &levels[l].formats[id];
        const void *fn = tile ? (const void *)k->tile.run : (const void *)k->vec_dot;
        n += fn && origin(levels, top, id, tile, fn) == (kern_level_t)l;
    }
    return n;
}

/* Times one slot's candidates (the distinct kernels of levels 0 .. top) and keeps the fastest in *pick. */
static void tune_slot(const kern_table_t *levels, kern_level_t top, uint32_t id, bool tile, const tune_data_t *d,
                      kern_table_t *t, kern_tune_pick_t *pick)
{
    *pick = (kern_tune_pick_t){ .type = (quant_type_t)id, .tile = tile };
    const void *now = tile ? (const void *)t->formats[id].tile.run : (const void *)t->formats[id].vec_dot;
    pick->level = pick->default_level = origin(levels, top, id, tile, now);
    uint64_t best = UINT64_MAX;
    for (unsigned l = KERN_SCALAR; l <= (unsigned)top; l++) {
        const kern_format_t *k = &levels[l].formats[id];
        const void *fn = tile ? (const void *)k->tile.run : (const void *)k->vec_dot;
        if (!fn || origin(levels, top, id, tile, fn) != (kern_level_t)l)
            continue; /* none, or timed already at the level that brought it */
        for (uint32_t r = 0; tile && k->tile.widen && r < TUNE_TOKENS; r++)
            k->tile.widen(d->a_rows + r * d->a_row_bytes, d->wide + r * d->wide_row_bytes, TUNE_COLS);
        candidate_t c = { .tile = tile ? k->tile : (kern_tile_t){ 0 }, .dot = k->vec_dot, .n_act = 1 };
        uint64_t ns = ns_per_call(d, &c);
        if (tile) { /* per token: a decode step's one row, plus a prefill tile's share */
            c.n_act = TUNE_TOKENS;
            ns += ns_per_call(d, &c) / TUNE_TOKENS;
        }
        pick->ns[l] = ns ? ns : 1;
        pick->n_candidates++;
        if (ns < best) {
            best = ns;
            pick->level = (kern_level_t)l;
            if (tile)
                t->formats[id].tile = k->tile;
            else
                t->formats[id].vec_dot = k->vec_dot;
        }
    }
}

err_code_t kern_tune(arena_t *scratch, kern_tune_report_t *report, err_t *err)
{
    kern_table_t t = *kern();
    kern_level_t top = t.level;
    kern_tune_report_t rep = { 0 };
    if (top == KERN_SCALAR) { /* one kernel per slot: nothing to choose */
        if (report)
            *report = rep;
        return ERR_OK;
    }
    arena_mark_t start = arena_mark(scratch);
    kern_table_t *levels = arena_alloc_array(scratch, KERN_LEVELS, sizeof *levels, 0, err);
    if (!levels)
        return ERR_NOMEM;
    for (unsigned l = KERN_SCALAR; l <= (unsigned)top; l++)
        kern_table_build((kern_level_t)l, &levels[l]);
    err_code_t rc = ERR_OK;
    for (uint32_t id = 0; id < QUANT_TYPE_IDS && rc == ERR_OK; id++) {
        const quant_format_t *f;
        if (quant_lookup(id, &f, NULL) != ERR_OK || !tunable(f) ||
            (count_candidates(levels, top, id, true) < 2 && count_candidates(levels, top, id, false) < 2))
            continue;
        size_t wide = 0;
        for (unsigned l = KERN_SCALAR; l <= (unsigned)top; l++)
            wide = levels[l].formats[id].tile.widen && levels[l].formats[id].tile.wide_block_bytes > wide
                       ? levels[l].formats[id].tile.wide_block_bytes : wide;
        arena_mark_t mark = arena_mark(scratch);
        tune_data_t d;
        rc = make_data(f, wide, scratch, &d, err);
        for (int slot = 0; slot < 2 && rc == ERR_OK; slot++) {
            kern_tune_pick_t p;
            if (count_candidates(levels, top, id, slot == 0) < 2)
                continue; /* nothing to choose */
            tune_slot(levels, top, id, slot == 0, &d, &t, &p);
            if (rep.n_picks < KERN_TUNE_MAX_PICKS)
                rep.picks[rep.n_picks++] = p;
        }
        arena_release(scratch, mark, NULL);
    }
    arena_release(scratch, start, NULL);
    if (rc != ERR_OK)
        return rc;
    kern_use(&t);
    if (report)
        *report = rep;
    return ERR_OK;
}
