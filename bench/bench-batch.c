/*
 * bench-batch [-t T] MODEL.gguf [-p P] [-n N] [-b B1,B2,...]: batched
 * decoding through the scheduler (llm/llm_bench.h) at each batch size, the
 * way llama.cpp's llama-batched-bench measures it, so bench/bench_batch.sh
 * can put the two side by side. -t T threads (default: every core), the
 * best kernels this CPU has (LLM_OPS caps them); P prompt tokens (default
 * 128) and N generated tokens (default 64) per request; batch sizes
 * default 1,2,4,8. One stdout line per batch size:
 *   batch B: pp X tok/s, tg Y tok/s, latency M s (MIN-MAX), W bytes/token
 * (tg is the aggregate of the decode steps; latency from submit to end of
 * each request; W the weight bytes a decode step reads over its B tokens).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_bench.h"
#include "host/host_cpu.h"
#include "host/host_file.h"
#include "host/host_threads.h"

#define MAX_TOKENS 100000u
#define MAX_SIZES 8

/* A count in [lo, hi] from s (the whole string), or 0. */
static uint32_t parse_count(const char *s, const char **end_out, uint32_t lo, uint32_t hi)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (end_out)
        *end_out = end;
    else if (*end)
        return 0;
    return (errno || end == s || s[0] == '-' || v < lo || v > hi) ? 0 : (uint32_t)v;
}

/* "1,2,4,8" into sizes[]; the count, or 0 if malformed. */
static uint32_t parse_sizes(const char *s, uint32_t *sizes)
{
    uint32_t n = 0;
    for (;;) {
        const char *end;
        if (n == MAX_SIZES || (sizes[n] = parse_count(s, &end, 1, LLM_SCHED_MAX_RUNNING)) == 0)
            return 0;
        n++;
        if (*end == '\0')
            return n;
        if (*end != ',')
            return 0;
        s = end + 1;
    }
}

static int bench_one(const llm_model_t *m, const llm_bench_batch_params_t *p)
{
    arena_t a;
    err_t e;
    llm_bench_batch_result_t r;
    host_arena_init(&a, llm_bench_batch_bytes(m, p));
    if (!a.base) {
        fprintf(stderr, "bench-batch: out of memory\n");
        return -1;
    }
    err_code_t rc = llm_bench_batch(m, p, &a, &r, &e);
    host_arena_free(&a);
    if (rc != ERR_OK) {
        fprintf(stderr, "bench-batch: batch %u: %s\n", p->n_seq, e.msg);
        return -1;
    }
    fprintf(stderr, "bench-batch: batch %u: %u decode steps, arena high-water %.1f MiB\n", p->n_seq, r.tg_steps,
            (double)r.arena_high_water / (1 << 20));
    printf("batch %u: pp %.3f tok/s, tg %.3f tok/s, latency %.3f s (%.3f-%.3f), %llu bytes/token\n", p->n_seq,
           (double)p->n_seq * p->n_prompt / ((double)r.pp_us * 1e-6), (double)r.tg_tokens / ((double)r.tg_us * 1e-6),
           (double)r.latency_sum_us * 1e-6 / p->n_seq, (double)r.latency_min_us * 1e-6,
           (double)r.latency_max_us * 1e-6, (unsigned long long)(r.weights_per_step / p->n_seq));
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (!host_threads_args(&argc, argv, "bench-batch", false))
        return 2;
    llm_bench_batch_params_t p = { .n_prompt = 128, .n_gen = 64, .seed = 12345 };
    uint32_t sizes[MAX_SIZES] = { 1, 2, 4, 8 }, n_sizes = 4;
    const char *path = NULL;
    bool ok = true;
    for (int i = 1; i < argc && ok; i++) {
        bool has_arg = i + 1 < argc;
        if (strcmp(argv[i], "-p") == 0 && has_arg)
            ok = (p.n_prompt = parse_count(argv[++i], NULL, 1, MAX_TOKENS)) != 0;
        else if (strcmp(argv[i], "-n") == 0 && has_arg)
            ok = (p.n_gen = parse_count(argv[++i], NULL, 2, MAX_TOKENS)) != 0;
        else if (strcmp(argv[i], "-b") == 0 && has_arg)
            ok = (n_sizes = parse_sizes(argv[++i], sizes)) != 0;
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else
            ok = false;
    }
    if (!ok || !path) {
        fprintf(stderr, "usage: bench-batch [-t N] MODEL.gguf [-p PROMPT_TOKENS (1..%u)] [-n GENERATED (2..%u)] "
                "[-b SIZES (e.g. 1,2,4,8; each 1..%u)]\n", MAX_TOKENS, MAX_TOKENS, LLM_SCHED_MAX_RUNNING);
        return 2;
    }
    kern_level_t level = host_llm_init();
    host_llm_tune("bench-batch", true);
    host_model_t hm;
    if (host_model_open(&hm, "bench-batch", path, 32u << 20))
        return 1;
    fprintf(stderr, "bench-batch: %s, %s kernels, %u thread(s), pp %u, tg %u per request\n", path,
            kern_level_name(level), host_threads_get(), p.n_prompt, p.n_gen);
    int rc = 0;
    for (uint32_t i = 0; i < n_sizes && rc == 0; i++) {
        p.n_seq = sizes[i];
        rc = bench_one(&hm.model, &p) ? 1 : 0;
    }
    host_model_close(&hm);
    return rc;
}
