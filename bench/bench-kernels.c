/*
 * bench-kernels: `make bench` figures for the kernel table (llm/kernels/kernels.h):
 * each hot kernel timed at every level this CPU has (scalar, neon,
 * dotprod, i8mm; LLM_OPS caps them) on synthetic data, with the speed-up
 * over the scalar reference measured in the same run. Kernels: the dot
 * product of every weight type, the matrix product of one token (decode)
 * and of 32 tokens (prefill) through the tiles, activation quantization,
 * and one query head's attention over ATT_POS cached positions of each
 * cache type, exact and fast (elements: positions), and fast for the
 * ATT_GROUP query heads of one KV head (elements: positions x heads; one
 * call where the level has a grouped kernel). An argument keeps the
 * rows whose names start with it; BENCH_SECONDS (default 0.3) sets the
 * time spent per figure. With one thread (-t 1) the figures are per second
 * of process CPU time, which a shared host's load inflates less than wall
 * time.
 * Figures only; nothing is judged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/kernels/matmul.h"
#include "llm/kernels/kernels.h"
#include "host/host_clock.h"
#include "host/host_file.h"
#include "host/host_cpu.h"
#include "host/host_threads.h"

#define COLS 1536
#define ROWS 256
#define PREFILL 32
#define TRIALS 5
#define ATT_POS 1024u
#define ATT_HD 64u
#define ATT_GROUP 3u /* SmolLM2's query heads per KV head */

typedef struct bench_data {
    const quant_format_t *w, *act;
    uint8_t *weights;   /* ROWS rows of COLS elements */
    uint8_t *acts;      /* PREFILL rows */
    arena_t arena;      /* the activation rows of matmul at the selected level */
    float *src, *out;   /* PREFILL x COLS floats; PREFILL x ROWS results */
    size_t w_row, a_row;
    uint32_t blocks[ATT_POS / KERN_KV_BLOCK_POS]; /* attention: a paged cache of ATT_POS positions, in order */
    float *scores;
    void *work;
} bench_data_t;

typedef enum kernel { K_DOT, K_DECODE, K_PREFILL, K_QUANTIZE, K_ATTEND, K_ATTEND_FAST, K_ATTEND_GROUP } kernel_t;

static double min_seconds = 0.3; /* per figure (BENCH_SECONDS) */
static double (*clock_s)(void) = host_now_s; /* host_cpu_s with one thread */
static const char *only;         /* the rows whose names start with this (all when NULL) */

/* One pass of kernel k over the data: returns the elements it processed. */
static double run_once(kernel_t k, bench_data_t *d)
{
    static volatile float sink;
    gguf_tensor_t t = { .n_dims = 2, .ne = { COLS, ROWS, 1, 1 }, .format = d->w, .n_elems = (uint64_t)COLS * ROWS,
                        .n_bytes = (uint64_t)d->w_row * ROWS, .data = d->weights };
    switch (k) {
    case K_DOT: {
        quant_vec_dot_fn dot = kern_format(d->w)->vec_dot;
        for (size_t r = 0; r < ROWS; r++)
            sink += dot(d->weights + r * d->w_row, d->acts, COLS);
        return (double)ROWS * COLS;
    }
    case K_DECODE:
    case K_PREFILL: { /* as the forward pass: quantize the activations for this level, then multiply */
        act_rows_t a;
        uint32_t n = k == K_PREFILL ? PREFILL : 1;
        arena_reset(&d->arena);
        if (act_quantize(d->w, d->src, n, COLS, &d->arena, &a, NULL) != ERR_OK)
            return 0;
        matmul(&t, &a, d->out);
        return (double)ROWS * COLS * n;
    }
    case K_ATTEND:
    case K_ATTEND_FAST:
    case K_ATTEND_GROUP: { /* keys and values: rows of ATT_HD from the weights, queries from src */
        size_t row = ATT_HD / d->w->block_elems * d->w->block_bytes;
        kern_kv_head_t h = { .k = { d->w, d->weights, KERN_KV_BLOCK_POS * 2 * row, 2 * row },
                             .v = { d->w, d->weights + row, KERN_KV_BLOCK_POS * 2 * row, 2 * row },
                             .blocks = d->blocks, .t0 = 0, .n = ATT_POS, .head_dim = ATT_HD, .scale = 0.125f };
        const kern_format_t *kf = kern_format(d->w);
        if (k == K_ATTEND_GROUP && kf->attend_fast_group) {
            kf->attend_fast_group(&h, d->src, ATT_GROUP, d->scores, d->work, d->out);
            return ATT_POS * ATT_GROUP;
        }
        for (uint32_t g = 0; g < (k == K_ATTEND_GROUP ? ATT_GROUP : 1); g++)
            (k == K_ATTEND ? kf->attend : kf->attend_fast)(&h, d->src + g * ATT_HD, d->scores, d->work,
                                                           d->out + g * ATT_HD);
        return k == K_ATTEND_GROUP ? ATT_POS * ATT_GROUP : ATT_POS;
    }
    case K_QUANTIZE: {
        quant_quantize_fn q = kern_format(d->act)->quantize;
        for (size_t r = 0; r < PREFILL; r++)
            q(d->src + r * COLS, d->acts + r * d->a_row, COLS);
        return (double)PREFILL * COLS;
    }
    }
    return 0;
}

/* Elements per second of kernel k at the selected level: the best of TRIALS runs (others' load only slows). */
static double measure(kernel_t k, bench_data_t *d)
{
    double best = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
        double n = 0, t0 = clock_s(), t;
        do {
            n += run_once(k, d);
            t = clock_s();
        } while (t - t0 < min_seconds / TRIALS);
        best = n / (t - t0) > best ? n / (t - t0) : best;
    }
    return best;
}

/* One table row: the kernel at every level up to best, Melem/s and the ratio to scalar. */
static void row(const char *name, kernel_t k, bench_data_t *d, kern_level_t best)
{
    double scalar = 0;
    if (only && strncmp(name, only, strlen(only)) != 0)
        return;
    printf("  %-22s", name);
    for (kern_level_t l = KERN_SCALAR; l <= best; l++) {
        kern_init(l);
        double v = measure(k, d);
        if (l == KERN_SCALAR) {
            scalar = v;
            printf(" %9.2f", v / 1e6);
        } else {
            printf(" %9.2f (%4.1fx)", v / 1e6, v / scalar);
        }
    }
    printf("\n");
    kern_init(best);
}

/* Synthetic data for weight type t: weights quantized from random floats where we can, else random blocks. */
static bool make_data(quant_type_t t, bench_data_t *d)
{
    uint64_t w_row, a_row;
    if (quant_lookup(t, &d->w, NULL) != ERR_OK || quant_lookup(d->w->vec_dot_type, &d->act, NULL) != ERR_OK ||
        !quant_row_bytes(d->w, COLS, &w_row) || !quant_row_bytes(d->act, COLS, &a_row))
        return false;
    d->w_row = (size_t)w_row;
    d->a_row = (size_t)a_row;
    d->weights = malloc(d->w_row * ROWS);
    d->acts = malloc(d->a_row * PREFILL);
    d->src = malloc(sizeof *d->src * PREFILL * COLS);
    d->out = malloc(sizeof *d->out * PREFILL * ROWS);
    d->scores = malloc(sizeof *d->scores * ATT_POS * ATT_GROUP);
    d->work = aligned_alloc(16, ATT_GROUP * KERN_ATTEND_WORK_BYTES(ATT_HD));
    for (uint32_t b = 0; b < ATT_POS / KERN_KV_BLOCK_POS; b++)
        d->blocks[b] = b;
    for (size_t i = 0; i < (size_t)PREFILL * COLS; i++)
        d->src[i] = ((float)rand() / (float)RAND_MAX - 0.5f) * 3.4f;
    for (size_t r = 0; r < ROWS; r++) {
        uint8_t *w = d->weights + r * d->w_row;
        if (d->w->quantize) {
            d->w->quantize(d->src + (r % PREFILL) * COLS, w, COLS);
        } else {
            for (size_t i = 0; i < d->w_row; i++)
                w[i] = (uint8_t)(rand() >> 7);
            for (size_t i = 0; i + 1 < d->w_row; i += 2)
                w[i + 1] &= 0x3b; /* keeps any fp16 read here finite and small */
        }
    }
    for (size_t r = 0; r < PREFILL; r++)
        d->act->quantize(d->src + r * COLS, d->acts + r * d->a_row, COLS);
    host_arena_init(&d->arena, 4u << 20);
    return true;
}

static void free_data(bench_data_t *d)
{
    free(d->weights);
    free(d->acts);
    free(d->src);
    free(d->out);
    free(d->scores);
    free(d->work);
    host_arena_free(&d->arena);
}

int main(int argc, char **argv)
{
    if (!host_threads_args(&argc, argv, "bench-kernels", false))
        return 2;
    if (argc > 2 || (getenv("BENCH_SECONDS") && !(atof(getenv("BENCH_SECONDS")) > 0))) {
        fprintf(stderr, "usage: [BENCH_SECONDS=S] bench-kernels [-t N] [ROW-NAME-PREFIX]\n");
        return 2;
    }
    only = argc == 2 ? argv[1] : NULL;
    if (host_threads_get() == 1)
        clock_s = host_cpu_s;
    if (getenv("BENCH_SECONDS"))
        min_seconds = atof(getenv("BENCH_SECONDS"));
    kern_level_t best = host_llm_init();
    srand(1);
    printf("kernels at each level, Melem/s (x speed-up over scalar), %d x %d weights, %u thread(s)%s:\n", ROWS, COLS,
           host_threads_get(), clock_s == host_cpu_s ? ", per CPU second" : "");
    printf("  %-22s", "kernel");
    for (kern_level_t l = KERN_SCALAR; l <= best; l++)
        printf(l == KERN_SCALAR ? " %9s" : " %16s", kern_level_name(l));
    printf("\n");
    const quant_type_t types[] = { QUANT_F32, QUANT_F16, QUANT_BF16, QUANT_Q4_0, QUANT_Q4_1, QUANT_Q5_0, QUANT_Q5_1,
                                   QUANT_Q8_0, QUANT_Q2_K, QUANT_Q3_K, QUANT_Q4_K, QUANT_Q5_K, QUANT_Q6_K };
    char name[64];
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        bench_data_t d;
        if (!make_data(types[i], &d))
            continue;
        snprintf(name, sizeof name, "dot %s x %s", d.w->name, d.act->name);
        row(name, K_DOT, &d, best);
        if (kern_format(d.w)->tile.run || best == KERN_SCALAR) {
            snprintf(name, sizeof name, "matmul %s, 1 token", d.w->name);
            row(name, K_DECODE, &d, best);
            snprintf(name, sizeof name, "matmul %s, %d tokens", d.w->name, PREFILL);
            row(name, K_PREFILL, &d, best);
        }
        if (kern_format(d.w)->attend_fast) { /* a cache type */
            _Static_assert(2 * ATT_POS * ATT_HD <= ROWS * COLS, "keys and values fit in the weights");
            snprintf(name, sizeof name, "attend %s, %u pos", d.w->name, ATT_POS);
            row(name, K_ATTEND, &d, best);
            snprintf(name, sizeof name, "attend fast %s", d.w->name);
            row(name, K_ATTEND_FAST, &d, best);
            snprintf(name, sizeof name, "attend fast %s x%u", d.w->name, ATT_GROUP);
            row(name, K_ATTEND_GROUP, &d, best);
        }
        free_data(&d);
    }
    const quant_type_t acts[] = { QUANT_F16, QUANT_Q8_0, QUANT_Q4_1, QUANT_Q4_K }; /* via their activation types */
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        bench_data_t d;
        if (!make_data(acts[i], &d))
            continue;
        snprintf(name, sizeof name, "quantize to %s", d.act->name);
        row(name, K_QUANTIZE, &d, best);
        free_data(&d);
    }
    return 0;
}
