/*
 * bench-quant [MODEL.gguf]: `make bench` figures for the loader and the
 * tensor formats, hosted: GGUF parse time and parser arena bytes for the
 * model, then dequantize and dot-product throughput of every weight type on
 * synthetic rows (scalar reference kernels). Figures only; nothing is judged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/gguf/gguf.h"
#include "host/host_clock.h"
#include "host/host_file.h"
#include "host/host_threads.h"

#define ROW 4096
#define ROWS 256

static void bench_parse(const char *path)
{
    size_t len;
    uint8_t *blob = host_read_file(path, &len);
    if (!blob) {
        perror(path);
        return;
    }
    arena_t arena;
    host_arena_init(&arena, 64u << 20);
    gguf_file_t g;
    err_t e;
    int runs = 0;
    double t0 = host_now_s(), t1 = t0;
    while (t1 - t0 < 1.0) {
        arena_reset(&arena);
        if (gguf_parse(&g, blob, len, &arena, &e) != ERR_OK) {
            fprintf(stderr, "bench: %s: %s\n", path, e.msg);
            break;
        }
        runs++;
        t1 = host_now_s();
    }
    if (runs)
        printf("gguf parse: %s: %.3f ms per parse (%d runs), %zu arena bytes for %llu tensors and %llu keys\n",
               path, (t1 - t0) * 1e3 / runs, runs, g.arena_bytes, (unsigned long long)g.n_tensors,
               (unsigned long long)g.n_kv);
    host_arena_free(&arena);
    free(blob);
}

static void bench_type(quant_type_t type, const float *src)
{
    const quant_format_t *f, *act;
    if (quant_lookup(type, &f, NULL) != ERR_OK || quant_lookup(f->vec_dot_type, &act, NULL) != ERR_OK)
        return;
    uint64_t w_row, a_row;
    quant_row_bytes(f, ROW, &w_row);
    quant_row_bytes(act, ROW, &a_row);
    uint8_t *w = malloc((size_t)w_row * ROWS), *a = malloc((size_t)a_row);
    float *out = malloc(ROW * sizeof *out);
    /* Weights: quantized where we can, else random blocks with a small fp16 scale in every 16-bit slot. */
    for (size_t r = 0; r < ROWS; r++) {
        uint8_t *row = w + r * w_row;
        if (f->quantize) {
            f->quantize(src + (r % 8) * ROW, row, ROW);
        } else {
            for (size_t i = 0; i < w_row; i++)
                row[i] = (uint8_t)(rand() >> 7);
            for (size_t i = 0; i + 1 < w_row; i += 2)
                row[i + 1] &= 0x3b; /* keeps any fp16 read here finite and small */
        }
    }
    act->quantize(src, a, ROW);

    double t0 = host_now_s();
    int reps = 0;
    do {
        for (size_t r = 0; r < ROWS; r++)
            f->dequantize(w + r * w_row, out, ROW);
        reps++;
    } while (host_now_s() - t0 < 0.3);
    double deq = (double)reps * ROWS * ROW / (host_now_s() - t0);

    volatile float sink = 0;
    t0 = host_now_s();
    reps = 0;
    do {
        for (size_t r = 0; r < ROWS; r++)
            sink += f->vec_dot(w + r * w_row, a, ROW);
        reps++;
    } while (host_now_s() - t0 < 0.3);
    double dot = (double)reps * ROWS * ROW / (host_now_s() - t0);
    (void)sink;
    printf("  %-5s dequantize %8.1f Melem/s %8.1f MB/s   dot (x %-4s) %8.1f Melem/s %8.1f MB/s\n", f->name,
           deq / 1e6, deq * (double)w_row / ROW / 1e6, act->name, dot / 1e6, dot * (double)w_row / ROW / 1e6);
    free(w);
    free(a);
    free(out);
}

int main(int argc, char **argv)
{
    if (!host_threads_args(&argc, argv, "bench-quant", false))
        return 2;
    if (argc > 2) {
        fprintf(stderr, "usage: bench-quant [-t N] [MODEL.gguf]\n");
        return 2;
    }
    if (argc == 2)
        bench_parse(argv[1]);
    float *src = malloc(8 * ROW * sizeof *src);
    srand(1);
    for (size_t i = 0; i < 8 * ROW; i++)
        src[i] = ((float)rand() / (float)RAND_MAX - 0.5f) * 3.4f;
    printf("tensor formats (scalar, rows of %d elements; MB/s counts weight bytes):\n", ROW);
    const quant_type_t types[] = { QUANT_F32, QUANT_F16, QUANT_BF16, QUANT_Q4_0, QUANT_Q4_1, QUANT_Q5_0, QUANT_Q5_1,
                                   QUANT_Q8_0, QUANT_Q2_K, QUANT_Q3_K, QUANT_Q4_K, QUANT_Q5_K, QUANT_Q6_K };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        bench_type(types[i], src);
    free(src);
    return 0;
}
