/*
 * `llm bench` (see cmd_llm.h): the kernel's llama-bench and
 * llama-batched-bench. Without -b it measures prompt processing and
 * generation speed (pp, tg) on a context of its own; with -b B1,B2,... it
 * runs the engine's batched-decoding benchmark (llm/llm_bench.h) at each
 * batch size, through a scheduler of its own. Both take their memory from
 * the kernel arena above the session's context and give it back; the
 * session's cache and background jobs are left as they were.
 */
#include "kernel/cmd_llm.h"

#include "kernel/console.h"
#include "kernel/panic.h"
#include "kernel/parse_num.h"
#include "llm/llm_bench.h"
#include "llm/platform.h"

#define BENCH_MAX_PROMPT 512
#define BENCH_MAX_SIZES 8

/* The next of a fixed pseudo-random sequence of token ids (bench-pp-tg's; llama-bench feeds random ones too). */
static int32_t bench_token(uint32_t *x, uint32_t n_vocab)
{
    *x = *x * 1103515245u + 12345u;
    return (int32_t)((*x >> 8) % n_vocab);
}

/*
 * llama-bench's two figures, on a context of its own above the session's
 * (whose cache is left as it was): pp = one llm_decode of n_prompt tokens
 * (n_batch = n_prompt, so one forward) from an empty cache, logits of the
 * last only; tg = n_gen single-token decodes at positions 0 .. n_gen - 1
 * from an empty cache. One single-token decode warms up first.
 */
static err_code_t bench_run(ksession_t *s, uint32_t n_prompt, uint32_t n_gen, double *pp_s, double *tg_s, err_t *err)
{
    static int32_t tokens[BENCH_MAX_PROMPT];
    llm_model_info_t mi;
    llm_model_describe(&s->model, &mi);
    uint32_t x = 12345;
    for (uint32_t i = 0; i < n_prompt; i++)
        tokens[i] = bench_token(&x, mi.n_vocab);
    llm_ctx_params_t p;
    llm_ctx_params_default(&p);
    p.n_ctx = n_prompt + n_gen;
    p.n_batch = n_prompt;
    llm_ctx_t ctx;
    arena_mark_t mark = arena_mark(s->arena);
    err_code_t rc = llm_ctx_init(&ctx, &s->model, &p, s->arena, err);
    if (rc == ERR_OK)
        rc = llm_decode(&ctx, tokens, 1, 0, err);
    uint64_t t0 = platform_now_us();
    if (rc == ERR_OK)
        rc = llm_decode(&ctx, tokens, n_prompt, 0, err);
    uint64_t t1 = platform_now_us();
    llm_ctx_reset(&ctx);
    x = 12345;
    for (uint32_t pos = 0; rc == ERR_OK && pos < n_gen; pos++) {
        int32_t t = bench_token(&x, mi.n_vocab);
        rc = llm_decode(&ctx, &t, 1, pos, err);
    }
    uint64_t t2 = platform_now_us();
    ARENA_RELEASE_OR_PANIC(s->arena, mark);
    *pp_s = (double)(t1 - t0) / 1e6;
    *tg_s = (double)(t2 - t1) / 1e6;
    return rc;
}

/* "1,2,4,8" into sizes[] (each 1 .. LLM_SCHED_MAX_RUNNING); the count, or 0 if malformed. */
static uint32_t parse_sizes(const char *arg, uint32_t *sizes)
{
    char piece[8];
    uint32_t n = 0;
    for (const char *p = arg;; p++) {
        size_t len = 0;
        while (p[len] && p[len] != ',')
            len++;
        uint64_t v;
        if (n == BENCH_MAX_SIZES || len == 0 || len >= sizeof piece)
            return 0;
        memcpy(piece, p, len);
        piece[len] = '\0';
        if (!parse_u64(piece, LLM_SCHED_MAX_RUNNING, &v) || v == 0)
            return 0;
        sizes[n++] = (uint32_t)v;
        p += len;
        if (!*p)
            return n;
    }
}

/* The batched benchmark at each size: one line each, as bench-batch prints them. */
static void bench_batch(ksession_t *s, const uint32_t *sizes, uint32_t n_sizes, uint32_t n_prompt, uint32_t n_gen)
{
    for (uint32_t i = 0; i < n_sizes; i++) {
        llm_bench_batch_params_t p = { .n_seq = sizes[i], .n_prompt = n_prompt, .n_gen = n_gen, .seed = 12345 };
        llm_bench_batch_result_t r;
        err_t err;
        if (llm_bench_batch(&s->model, &p, s->arena, &r, &err) != ERR_OK) {
            kprintf("error: batch %u: %s\n", p.n_seq, err.msg);
            return;
        }
        kprintf("batch %u: prefill %.2f tok/s, decode %.2f tok/s, latency %.2f s (%.2f-%.2f), "
                "%llu weight bytes/token (%u core(s))\n", p.n_seq,
                (double)p.n_seq * n_prompt / ((double)r.pp_us * 1e-6), (double)r.tg_tokens / ((double)r.tg_us * 1e-6),
                (double)r.latency_sum_us * 1e-6 / p.n_seq, (double)r.latency_min_us * 1e-6,
                (double)r.latency_max_us * 1e-6, (unsigned long long)(r.weights_per_step / p.n_seq),
                platform_workers());
    }
}

void cmd_llm_bench(int argc, char **argv)
{
    uint64_t n_prompt = 64, n_gen = 32;
    uint32_t sizes[BENCH_MAX_SIZES], n_sizes = 0;
    bool ok = argc % 2 == 0;
    for (int i = 0; i + 1 < argc && ok; i += 2) {
        if (strcmp(argv[i], "-p") == 0)
            ok = parse_u64(argv[i + 1], BENCH_MAX_PROMPT, &n_prompt) && n_prompt > 0;
        else if (strcmp(argv[i], "-n") == 0)
            ok = parse_u64(argv[i + 1], 4096, &n_gen) && n_gen > 0;
        else if (strcmp(argv[i], "-b") == 0)
            ok = (n_sizes = parse_sizes(argv[i + 1], sizes)) > 0;
        else
            ok = false;
    }
    if (!ok || (n_sizes && n_gen < 2)) {
        kprintf("error: usage: llm bench [-p N (1..%d)] [-n N (1..4096; 2 or more with -b)] [-b SIZES (e.g. 1,2,4,8; "
                "each 1..%u)]\n", BENCH_MAX_PROMPT, LLM_SCHED_MAX_RUNNING);
        return;
    }
    ksession_t *s;
    if (!cmd_llm_need_model(&s))
        return;
    if (n_sizes) {
        bench_batch(s, sizes, n_sizes, (uint32_t)n_prompt, (uint32_t)n_gen);
        return;
    }
    double pp, tg;
    err_t err;
    if (bench_run(s, (uint32_t)n_prompt, (uint32_t)n_gen, &pp, &tg, &err) != ERR_OK) {
        kprintf("error: %s\n", err.msg);
        return;
    }
    kprintf("prefill %u tokens: %.2f tok/s; decode %u tokens: %.2f tok/s (%u core(s))\n",
            (unsigned)n_prompt, pp > 0 ? n_prompt / pp : 0.0, (unsigned)n_gen, tg > 0 ? n_gen / tg : 0.0,
            platform_workers());
}
