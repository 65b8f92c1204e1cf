/*
 * llm-soak [-t N] -m A.gguf [-m B.gguf] [-n ROUNDS] [--seed S]: the hosted
 * soak (make soak): ROUNDS rounds, each loading one of the models (turn
 * about) into the arena, running a few generations on it with seeded random
 * prompts, lengths, sampling settings and attention, some cancelled at a
 * random token (the text callback says stop), then unloading it. After
 * every unload the arena's used bytes must be back where they were before
 * the load, and once every model has had a round the arena's high-water
 * mark must not move: memory neither leaks nor creeps. Prints a line per round
 * and a summary; exit 1 on the first drift or error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_cpu.h"
#include "host/host_file.h"
#include "host/host_threads.h"
#include "llm/llm.h"

#define MAX_MODELS 2
#define ARENA_BYTES ((size_t)768 << 20)

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next(uint32_t n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

typedef struct cancel_at {
    uint32_t pieces, stop_after; /* stop after this many text pieces (0: never) */
} cancel_at_t;

static bool on_text(void *user, const char *s, size_t n)
{
    cancel_at_t *c = user;
    (void)s, (void)n;
    return !c->stop_after || ++c->pieces < c->stop_after;
}

static const char *const prompts[] = {
    "Once upon a time", "The capital of France is", "def fibonacci(n):", "1, 2, 3, 4,",
    "Le chat est sur la", "Write a haiku about the sea.", "\xe4\xb8\xad\xe5\x9b\xbd",
};

/*
 * The most memory a context can ask for: a prompt of a whole batch and more,
 * then tokens until the context is full (the longest attention spans).
 * Done in each model's first round, so later rounds can only match it.
 */
static bool fill_context(llm_ctx_t *ctx)
{
    static char prompt[4096];
    size_t n = 0;
    while (n + 64 < sizeof prompt)
        n += (size_t)snprintf(prompt + n, sizeof prompt - n, "%u apples and %u pears, ", (unsigned)n, (unsigned)n * 7);
    llm_gen_config_t gen;
    llm_result_t res;
    err_t err;
    llm_gen_config_default(&gen);
    gen.max_tokens = llm_ctx_n_ctx(ctx);
    gen.sampling.temperature = 0;
    gen.ignore_eos = true;
    if (llm_generate(ctx, prompt, strlen(prompt) / 8, &gen, NULL, NULL, &res, &err) != ERR_OK) {
        fprintf(stderr, "llm-soak: filling the context: %s\n", err.msg);
        return false;
    }
    llm_ctx_reset(ctx);
    return res.stop == LLM_STOP_CONTEXT_FULL;
}

/* A few generations on ctx; false (after a message) on an error. */
static bool generations(llm_ctx_t *ctx, uint32_t count, uint32_t *n_tokens, uint32_t *n_cancelled)
{
    for (uint32_t g = 0; g < count; g++) {
        llm_gen_config_t gen;
        llm_result_t res;
        err_t err;
        llm_gen_config_default(&gen);
        gen.max_tokens = 1 + next(24);
        gen.sampling.temperature = next(3) == 0 ? 0.0f : 0.2f + (float)next(100) / 80.0f;
        gen.sampling.top_k = (int32_t)next(60);
        gen.sampling.seed = rng;
        cancel_at_t c = { 0, next(3) == 0 ? 1 + next(8) : 0 };
        if (llm_ctx_set_attn(ctx, next(2) ? KERN_ATTN_FAST : KERN_ATTN_EXACT, &err) != ERR_OK) {
            fprintf(stderr, "llm-soak: %s\n", err.msg);
            return false;
        }
        const char *p = prompts[next(sizeof prompts / sizeof prompts[0])];
        if (llm_generate(ctx, p, strlen(p), &gen, on_text, &c, &res, &err) != ERR_OK) {
            fprintf(stderr, "llm-soak: generation %u: %s\n", g, err.msg);
            return false;
        }
        *n_tokens += res.n_generated;
        *n_cancelled += res.stop == LLM_STOP_CANCELLED;
        if (next(4) == 0)
            llm_ctx_reset(ctx);
    }
    return true;
}

int main(int argc, char **argv)
{
    if (!host_threads_args(&argc, argv, "llm-soak", false))
        return 2;
    const char *paths[MAX_MODELS];
    int n_models = 0;
    unsigned long rounds = 20;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-m") && i + 1 < argc && n_models < MAX_MODELS)
            paths[n_models++] = argv[++i];
        else if (!strcmp(argv[i], "-n") && i + 1 < argc)
            rounds = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            rng = strtoull(argv[++i], NULL, 10) | 1;
        else {
            fprintf(stderr, "usage: llm-soak [-t N] -m A.gguf [-m B.gguf] [-n ROUNDS] [--seed S]\n");
            return 2;
        }
    }
    if (n_models == 0 || rounds == 0) {
        fprintf(stderr, "usage: llm-soak [-t N] -m A.gguf [-m B.gguf] [-n ROUNDS] [--seed S]\n");
        return 2;
    }
    host_llm_init();
    uint8_t *blobs[MAX_MODELS];
    size_t lens[MAX_MODELS];
    for (int i = 0; i < n_models; i++) {
        if (!(blobs[i] = host_read_file(paths[i], &lens[i]))) {
            fprintf(stderr, "llm-soak: cannot read %s\n", paths[i]);
            return 1;
        }
    }
    arena_t arena;
    host_arena_init(&arena, ARENA_BYTES);
    size_t base = arena.used_bytes, high = 0;
    uint32_t tokens = 0, cancelled = 0, gens = 0;
    static llm_model_t model;
    static llm_ctx_t ctx;
    for (unsigned long r = 0; r < rounds; r++) {
        int k = (int)(r % (unsigned long)n_models);
        arena_mark_t mark = arena_mark(&arena);
        llm_ctx_params_t p;
        err_t err;
        llm_ctx_params_default(&p);
        p.n_ctx = 256;
        uint32_t count = 1 + next(6);
        if (llm_model_load(&model, blobs[k], lens[k], &arena, &err) != ERR_OK ||
            llm_ctx_init(&ctx, &model, &p, &arena, &err) != ERR_OK) {
            fprintf(stderr, "llm-soak: round %lu: %s\n", r, err.msg);
            return 1;
        }
        if (r < (unsigned long)n_models && !fill_context(&ctx)) {
            fprintf(stderr, "llm-soak: round %lu: the context did not fill\n", r);
            return 1;
        }
        if (!generations(&ctx, count, &tokens, &cancelled))
            return 1;
        gens += count;
        arena_stats_t st;
        arena_get_stats(&arena, &st);
        if (arena_release(&arena, mark, &err) != ERR_OK) {
            fprintf(stderr, "llm-soak: round %lu: %s\n", r, err.msg);
            return 1;
        }
        printf("round %lu: %s, n_ctx %u, %u generations; high-water %zu bytes, used after unload %zu\n", r,
               paths[k], p.n_ctx, count, st.high_water_bytes, arena.used_bytes);
        if (arena.used_bytes != base) {
            fprintf(stderr, "llm-soak: round %lu: %zu bytes used after unload, %zu before the load\n", r,
                    arena.used_bytes, base);
            return 1;
        }
        if (r + 1 == (unsigned long)n_models)
            high = st.high_water_bytes; /* every model has had its round */
        else if (r >= (unsigned long)n_models && st.high_water_bytes != high) {
            fprintf(stderr, "llm-soak: round %lu: the high-water mark grew from %zu to %zu bytes\n", r, high,
                    st.high_water_bytes);
            return 1;
        }
    }
    size_t bound = high;
    printf("llm-soak: %lu rounds, %u generations (%u cancelled), %u tokens; arena used after every unload %zu "
           "bytes (as before), high-water %zu bytes\n",
           rounds, gens, cancelled, tokens, base, bound);
    for (int i = 0; i < n_models; i++)
        free(blobs[i]);
    host_arena_free(&arena);
    return 0;
}
