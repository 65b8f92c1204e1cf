/*
 * bench-generate [-t N] MODEL.gguf...: `make bench` figures for generation,
 * hosted, on N threads (default: every core): prefill and decode tokens/s,
 * the KV cache's benefit (time per token at positions 200-256 with the
 * cache versus recomputing the whole prefix), and the arena bytes a model
 * plus context take at n_ctx 256 and 2048. Figures only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm.h"
#include "llm/transformer.h"
#include "host/host_clock.h"
#include "host/host_file.h"
#include "host/host_cpu.h"
#include "host/host_threads.h"

#define PROMPT "The history of the city begins in the early middle ages, when a small settlement grew around"

static void speed(const char *path, const llm_model_t *m)
{
    arena_t a;
    llm_ctx_t ctx;
    llm_ctx_params_t p;
    llm_result_t r;
    err_t e;
    host_arena_init(&a, 256u << 20);
    llm_ctx_params_default(&p);
    p.n_ctx = 512;
    llm_gen_config_t c;
    llm_gen_config_default(&c);
    c.max_tokens = 32;
    c.sampling.temperature = 0;
    if (llm_ctx_init(&ctx, m, &p, &a, &e) != ERR_OK || llm_generate(&ctx, PROMPT, strlen(PROMPT), &c, NULL, NULL, &r, &e) != ERR_OK) {
        fprintf(stderr, "bench-generate: %s: %s\n", path, e.msg);
    } else {
        printf("  %-40s prefill %6.2f tok/s (%u tokens)  decode %6.2f tok/s (%u tokens)\n", path,
               r.n_prompt / (r.prefill_us * 1e-6), r.n_prompt, r.n_generated / (r.decode_us * 1e-6), r.n_generated);
    }
    host_arena_free(&a);
}

/* Seconds per token at positions from..to: with the cache (one forward each) and without (the whole prefix again). */
static void cache_benefit(const llm_model_t *m)
{
    arena_t a;
    kv_cache_t kv;
    kv_seq_t seq;
    err_t e;
    enum { FROM = 200, TO = 256, SAMPLE = 4 };
    host_arena_init(&a, 512u << 20);
    int32_t *tokens = malloc(TO * sizeof *tokens);
    float *logits = malloc(m->model.hp.n_vocab * sizeof *logits);
    for (int i = 0; i < TO; i++)
        tokens[i] = 100 + i * 7 % 4000;
    if (kv_cache_init(&kv, &m->model.hp, TO, KV_TYPES_DEFAULT, &a, &e) != ERR_OK || kv_seq_init(&seq, TO, &a, &e) != ERR_OK ||
        transformer_forward(&m->model, &kv, &seq, tokens, FROM, 0, false, logits, &a, &e) != ERR_OK) {
        fprintf(stderr, "bench-generate: %s\n", e.msg);
        return;
    }
    double t0 = host_now_s();
    for (int pos = FROM; pos < TO; pos++)
        transformer_forward(&m->model, &kv, &seq, &tokens[pos], 1, (uint32_t)pos, false, logits, &a, &e);
    double cached = (host_now_s() - t0) / (TO - FROM);
    t0 = host_now_s();
    for (int k = 0; k < SAMPLE; k++) /* recompute the prefix for a few of those positions */
        transformer_forward(&m->model, &kv, &seq, tokens, FROM + k * (TO - FROM) / SAMPLE + 1, 0, false, logits, &a, &e);
    double recomputed = (host_now_s() - t0) / SAMPLE;
    printf("  KV cache at positions %d-%d: %.1f ms per token with the cache, %.1f ms recomputing the prefix: %.0fx\n",
           FROM, TO, cached * 1e3, recomputed * 1e3, recomputed / cached);
    free(tokens);
    free(logits);
    host_arena_free(&a);
}

static void memory(const llm_model_t *m, size_t model_bytes)
{
    for (uint32_t n_ctx = 256; n_ctx <= 2048; n_ctx *= 8) {
        arena_t a;
        llm_ctx_t ctx;
        llm_ctx_params_t p;
        llm_result_t r;
        err_t e;
        host_arena_init(&a, 512u << 20);
        llm_ctx_params_default(&p);
        p.n_ctx = n_ctx;
        llm_gen_config_t c;
        llm_gen_config_default(&c);
        c.max_tokens = 4;
        if (llm_ctx_init(&ctx, m, &p, &a, &e) == ERR_OK &&
            llm_generate(&ctx, PROMPT, strlen(PROMPT), &c, NULL, NULL, &r, &e) == ERR_OK)
            printf("  n_ctx %4u: model tables %zu bytes; context arena high-water %zu bytes (KV cache %zu)\n", n_ctx,
                   model_bytes, r.arena_high_water, kv_cache_bytes(&m->model.hp, n_ctx, KV_TYPES_DEFAULT));
        host_arena_free(&a);
    }
}

int main(int argc, char **argv)
{
    if (!host_threads_args(&argc, argv, "bench-generate", false))
        return 2;
    if (argc < 2) {
        fprintf(stderr, "usage: bench-generate [-t N] MODEL.gguf...\n");
        return 2;
    }
    printf("generation (%s kernels, %u thread(s)):\n", kern_level_name(host_llm_init()), host_threads_get());
    for (int i = 1; i < argc; i++) {
        host_model_t hm;
        if (host_model_open(&hm, "bench-generate", argv[i], 32u << 20))
            continue;
        speed(argv[i], &hm.model);
        if (i == 1) {
            cache_benefit(&hm.model);
            memory(&hm.model, hm.arena.used_bytes);
        }
        host_model_close(&hm);
    }
    return 0;
}
