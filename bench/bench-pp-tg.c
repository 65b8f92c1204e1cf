/*
 * bench-pp-tg [-t T] MODEL.gguf [-p P] [-n N] [-d D] [--attn exact|fast] [-ctk T] [-ctv T]: prompt processing and text
 * generation speed measured the way llama.cpp's llama-bench does, so
 * bench/bench_vs_llama.sh can put the two side by side. -t N threads
 * (default: every core), the best kernels this CPU has (LLM_OPS caps them). pp: one batched forward over P
 * pseudo-random token ids from an empty cache, logits for the last one
 * only; tg: N single-token forwards at positions 0 .. N-1, as a generation
 * from an empty context. -d D: both start after D cached positions (as
 * llama-bench -d; the D tokens run first, untimed). --attn: the attention
 * path (llm/kernels/kernels.h; default exact, as the API's). -ctk, -ctv: the
 * cache's key and value types (f16 default, f32, q8_0, q4_0; llama-bench's
 * flags). A single-token forward warms up first. Prints
 * `pp P: X tok/s` and `tg N: Y tok/s` on stdout (wall time), then the same
 * per second of process CPU time (`cpu pp P: X tok/s`, ...), which a shared
 * host's load inflates less; what ran on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm.h"
#include "llm/transformer.h"
#include "host/host_clock.h"
#include "host/host_file.h"
#include "host/host_cpu.h"
#include "host/host_threads.h"

#define MAX_TOKENS 100000u

/* A positive count from a flag's argument, or 0. */
static uint32_t parse_count(const char *s)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    return (errno || end == s || *end || s[0] == '-' || v > MAX_TOKENS) ? 0 : (uint32_t)v;
}

/* A generous bound on the scratch of a forward over n tokens with a cache of n_ctx positions. */
static size_t scratch_bytes(const model_hparams_t *hp, uint32_t n, uint32_t n_ctx)
{
    size_t e = hp->n_embd, qd = (size_t)hp->n_head * hp->head_dim, kvd = (size_t)hp->n_head_kv * hp->head_dim;
    size_t per_token = sizeof(float) * (3 * e + 2 * qd + 2 * kvd + 3 * (size_t)hp->n_ff);
    return 2 * (n * per_token + sizeof(float) * ((size_t)n_ctx + e + hp->n_rot + hp->head_dim)) + (16u << 20);
}

/* Tokens per second of wall time and of the process's CPU time. */
typedef struct rate {
    double wall, cpu;
} rate_t;

/*
 * Tokens per second of forwards over tokens[0 .. n) at positions pos0 ..
 * pos0 + n - 1 (batch == n: one forward; batch == 1: one per token).
 */
static int measure(const llm_model_t *m, kv_cache_t *kv, kv_seq_t *seq, const int32_t *tokens, uint32_t n,
                   uint32_t batch, uint32_t pos0, float *logits, arena_t *scratch, rate_t *tok_s)
{
    err_t e;
    double t0 = host_now_s(), c0 = host_cpu_s();
    for (uint32_t i = 0; i < n; i += batch) {
        if (transformer_forward(&m->model, kv, seq, tokens + i, batch, pos0 + i, false, logits, scratch, &e) != ERR_OK) {
            fprintf(stderr, "bench-pp-tg: forward at position %u: %s\n", pos0 + i, e.msg);
            return -1;
        }
    }
    tok_s->wall = n / (host_now_s() - t0);
    tok_s->cpu = n / (host_cpu_s() - c0);
    return 0;
}

/* Warms up with one token, then measures pp over n_pp tokens and tg over n_tg; arena holds the cache and scratch. */
/* How the work of the last measurement split over the workers (stderr): each one's share of the busy time. */
static void print_split(const char *what)
{
    host_worker_stats_t st[HOST_MAX_THREADS];
    uint32_t n = host_threads_get();
    double total = 0;
    host_threads_stats(st, true);
    for (uint32_t w = 0; w < n; w++)
        total += (double)st[w].busy_ns;
    if (n < 2 || total <= 0)
        return;
    fprintf(stderr, "bench-pp-tg: %s: busy time per worker:", what);
    for (uint32_t w = 0; w < n; w++)
        fprintf(stderr, " %.1f%% (%llu tasks)", 100.0 * (double)st[w].busy_ns / total, (unsigned long long)st[w].tasks);
    fprintf(stderr, " of %.2f s\n", total * 1e-9);
}

/* The shares of the forward passes' time since the last call (kv_cache.h's phases), on stdout (what NULL: none); then resets them. */
static void print_phases(kv_cache_t *kv, const char *what)
{
    double total = 0;
    for (int i = 0; i < KV_PHASES; i++)
        total += (double)kv->phase_us[i];
    if (what && total > 0)
        printf("phases %s: matmul %.1f%%, attention %.1f%%, other %.1f%% of %.2f s\n", what,
               100.0 * (double)kv->phase_us[KV_PHASE_MATMUL] / total,
               100.0 * (double)kv->phase_us[KV_PHASE_ATTENTION] / total,
               100.0 * (double)kv->phase_us[KV_PHASE_OTHER] / total, total * 1e-6);
    for (int i = 0; i < KV_PHASES; i++)
        kv->phase_us[i] = 0;
}

/* The bench's settings: sizes, the depth both tests start at (llama-bench -d), the attention mode. */
typedef struct settings {
    uint32_t n_pp, n_tg, depth;
    kern_attn_t attn;
    kv_types_t types; /* the cache's (-ctk, -ctv as llama-bench) */
} settings_t;

/* Fills the cache with the first `depth` tokens (not timed), in forwards of at most DEPTH_BATCH tokens. */
#define DEPTH_BATCH 256u
static int fill_depth(const llm_model_t *m, kv_cache_t *kv, kv_seq_t *seq, const int32_t *tokens, uint32_t depth,
                      float *logits, arena_t *a)
{
    rate_t unused;
    for (uint32_t p = 0; p < depth; p += DEPTH_BATCH) {
        uint32_t n = depth - p < DEPTH_BATCH ? depth - p : DEPTH_BATCH;
        if (measure(m, kv, seq, tokens + p, n, n, p, logits, a, &unused))
            return -1;
    }
    return 0;
}

/* Warms up with one token, then measures pp and tg, each from `depth` cached positions; a holds cache and scratch. */
static int bench(const llm_model_t *m, const settings_t *st, const int32_t *tokens, float *logits, arena_t *a)
{
    kv_cache_t kv;
    kv_seq_t seq;
    err_t e;
    rate_t warm, pp, tg;
    uint32_t n_ctx = st->depth + (st->n_pp > st->n_tg ? st->n_pp : st->n_tg);
    if (kv_cache_init(&kv, &m->model.hp, n_ctx, st->types, a, &e) != ERR_OK || kv_seq_init(&seq, n_ctx, a, &e) != ERR_OK) {
        fprintf(stderr, "bench-pp-tg: %s\n", e.msg);
        return -1;
    }
    kv.attn = st->attn;
    const int32_t *run = tokens + st->depth;
    if (measure(m, &kv, &seq, tokens, 1, 1, 0, logits, a, &warm) || fill_depth(m, &kv, &seq, tokens, st->depth, logits, a))
        return -1;
    host_threads_stats((host_worker_stats_t[HOST_MAX_THREADS]){ 0 }, true);
    print_phases(&kv, NULL);
    if (measure(m, &kv, &seq, run, st->n_pp, st->n_pp, st->depth, logits, a, &pp))
        return -1;
    print_split("pp");
    print_phases(&kv, "pp");
    if (measure(m, &kv, &seq, run, st->n_tg, 1, st->depth, logits, a, &tg))
        return -1;
    print_split("tg");
    print_phases(&kv, "tg");
    printf("pp %u: %.3f tok/s\n", st->n_pp, pp.wall);
    printf("tg %u: %.3f tok/s\n", st->n_tg, tg.wall);
    printf("cpu pp %u: %.3f tok/s\n", st->n_pp, pp.cpu);
    printf("cpu tg %u: %.3f tok/s\n", st->n_tg, tg.cpu);
    return 0;
}

static int run(const llm_model_t *m, const settings_t *st)
{
    const model_hparams_t *hp = &m->model.hp;
    uint32_t longest = st->n_pp > st->n_tg ? st->n_pp : st->n_tg, n_ctx = st->depth + longest;
    uint32_t n_tokens = st->depth + longest, batch = longest > DEPTH_BATCH ? longest : DEPTH_BATCH;
    arena_t a;
    int rc = -1;
    host_arena_init(&a, kv_cache_bytes(hp, n_ctx, st->types) + kv_blocks_for(n_ctx) * sizeof(uint32_t) + 64 +
                            scratch_bytes(hp, batch, n_ctx));
    int32_t *tokens = malloc(n_tokens * sizeof *tokens);
    float *logits = malloc(hp->n_vocab * sizeof *logits);
    if (!a.base || !tokens || !logits) {
        fprintf(stderr, "bench-pp-tg: out of memory\n");
    } else {
        uint32_t x = 12345; /* a fixed LCG sequence of valid ids (llama-bench feeds random ones) */
        for (uint32_t i = 0; i < n_tokens; i++) {
            x = x * 1103515245u + 12345u;
            tokens[i] = (int32_t)((x >> 8) % hp->n_vocab);
        }
        rc = bench(m, st, tokens, logits, &a);
    }
    free(tokens);
    free(logits);
    host_arena_free(&a);
    return rc;
}

int main(int argc, char **argv)
{
    if (!host_threads_args(&argc, argv, "bench-pp-tg", false))
        return 2;
    settings_t st = { .n_pp = 128, .n_tg = 64, .depth = 0, .attn = KERN_ATTN_EXACT, .types = KV_TYPES_DEFAULT };
    const char *path = NULL;
    bool ok = true;
    for (int i = 1; i < argc && ok; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint32_t *count = strcmp(a, "-p") == 0 ? &st.n_pp : strcmp(a, "-n") == 0 ? &st.n_tg : NULL;
        if (count || strcmp(a, "-d") == 0) {
            uint32_t c = v ? parse_count(v) : 0;
            ok = c != 0 || (!count && v && strcmp(v, "0") == 0);
            *(count ? count : &st.depth) = c;
            i++;
        } else if (strcmp(a, "--attn") == 0) {
            ok = v && kern_attn_parse(v, &st.attn);
            i++;
        } else if (strcmp(a, "-ctk") == 0 || strcmp(a, "-ctv") == 0) {
            ok = v && kv_type_parse(v, a[3] == 'k' ? &st.types.k : &st.types.v);
            i++;
        } else if (!path && a[0] != '-') {
            path = a;
        } else {
            ok = false;
        }
    }
    if (!path || !ok) {
        fprintf(stderr, "usage: bench-pp-tg [-t N] MODEL.gguf [-p PROMPT_TOKENS] [-n GENERATED_TOKENS] [-d DEPTH] "
                        "[--attn exact|fast] [-ctk TYPE] [-ctv TYPE]  (1 .. %u tokens each, depth 0 .. %u)\n", MAX_TOKENS, MAX_TOKENS);
        return 2;
    }
    kern_level_t level = host_llm_init();
    host_llm_tune("bench-pp-tg", true);
    host_model_t hm;
    if (host_model_open(&hm, "bench-pp-tg", path, 32u << 20))
        return 1;
    fprintf(stderr, "bench-pp-tg: %s, %s kernels, %u thread(s), pp %u, tg %u, depth %u, %s attention, cache K %s V %s\n",
            path, kern_level_name(level), host_threads_get(), st.n_pp, st.n_tg, st.depth, kern_attn_name(st.attn),
            quant_type_name(st.types.k), quant_type_name(st.types.v));
    int rc = run(&hm.model, &st) ? 1 : 0;
    host_model_close(&hm);
    return rc;
}
