/*
 * The batched-decoding benchmark (see llm_bench.h): one scheduler sized for
 * exactly the run, a warm-up request, then n_seq pseudo-random prompts
 * prefilled in one step and decoded together, timed with the platform
 * clock.
 */
#include "llm/llm_bench.h"

#include "llm/platform.h"

#define WARMUP_PROMPT 16u

static bool params_ok(const llm_bench_batch_params_t *b)
{
    return b->n_seq >= 1 && b->n_seq <= LLM_SCHED_MAX_RUNNING && b->n_prompt >= 1 && b->n_gen >= 2 &&
           b->n_prompt <= (1u << 20) && b->n_gen <= (1u << 20);
}

/* A scheduler for exactly this run: every prompt in the first step, every request running at once. */
static void sched_params(const llm_bench_batch_params_t *b, llm_sched_params_t *p)
{
    llm_sched_params_default(p);
    p->max_running = b->n_seq;
    p->queue_cap = b->n_seq;
    p->keep_done = b->n_seq;
    p->max_seq_pos = b->n_prompt + b->n_gen;
    p->step_tokens = b->n_seq * b->n_prompt;
    p->text_cap = 64;
}

size_t llm_bench_batch_bytes(const llm_model_t *m, const llm_bench_batch_params_t *b)
{
    if (!params_ok(b))
        return 0;
    llm_sched_params_t p;
    sched_params(b, &p);
    size_t sched = llm_sched_bytes(m, &p);
    return sched ? sched + (size_t)b->n_prompt * sizeof(int32_t) + 64 : 0;
}

/* n pseudo-random token ids below n_vocab from the seed (the same LCG for every integration). */
static void fill_tokens(int32_t *t, uint32_t n, uint32_t seed, uint32_t n_vocab)
{
    uint32_t x = seed;
    for (uint32_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        t[i] = (int32_t)((x >> 8) % n_vocab);
    }
}

/* Weight bytes of one forward step over n tokens: every tensor once (the embedding table only as the tied
 * output head), plus each token's embedding row. */
static uint64_t step_weight_bytes(const model_t *m, uint32_t n)
{
    uint64_t embd = m->token_embd->n_bytes, row = embd / m->token_embd->ne[1];
    return m->weight_bytes - (m->tied_embeddings ? 0 : embd) + (uint64_t)n * row;
}

static err_code_t submit(llm_sched_t *s, const int32_t *tokens, uint32_t n_prompt, uint32_t n_gen, uint32_t *id,
                         err_t *err)
{
    llm_request_t r = { .tokens = tokens, .n_tokens = n_prompt };
    llm_gen_config_default(&r.cfg);
    r.cfg.max_tokens = n_gen;
    r.cfg.sampling.temperature = 0.0f; /* greedy, no penalty window: the least sampling work */
    r.cfg.sampling.penalty_last_n = 0;
    r.cfg.ignore_eos = true;
    return llm_sched_submit(s, &r, id, err);
}

/* Steps until nothing is left; *steps counts them. */
static err_code_t run_all(llm_sched_t *s, uint32_t *steps, err_t *err)
{
    err_code_t rc = ERR_OK;
    while (rc == ERR_OK && llm_sched_busy(s)) {
        rc = llm_sched_step(s, err);
        ++*steps;
    }
    return rc;
}

/* Each request ran its full length; the latency figures from their times. */
static err_code_t collect(llm_sched_t *s, const uint32_t *ids, const llm_bench_batch_params_t *b,
                          llm_bench_batch_result_t *out, err_t *err)
{
    out->latency_min_us = UINT64_MAX;
    for (uint32_t i = 0; i < b->n_seq; i++) {
        llm_req_info_t info;
        err_code_t rc = llm_sched_info(s, ids[i], &info, err);
        if (rc != ERR_OK)
            return rc;
        if (info.stop != LLM_STOP_MAX_TOKENS || info.n_generated != b->n_gen)
            return err_set(err, ERR_INVALID, "bench: request %u stopped after %u of %u tokens (%s)", i,
                           info.n_generated, b->n_gen, llm_stop_name(info.stop));
        uint64_t lat = info.end_us - info.submit_us;
        out->latency_sum_us += lat;
        out->latency_min_us = lat < out->latency_min_us ? lat : out->latency_min_us;
        out->latency_max_us = lat > out->latency_max_us ? lat : out->latency_max_us;
    }
    return ERR_OK;
}

err_code_t llm_bench_batch(const llm_model_t *m, const llm_bench_batch_params_t *b, arena_t *arena,
                           llm_bench_batch_result_t *out, err_t *err)
{
    *out = (llm_bench_batch_result_t){ 0 };
    if (!params_ok(b))
        return err_set(err, ERR_INVALID, "bench: %u requests (1 to %u), %u prompt tokens (1 or more), %u generated "
                       "(2 or more)", b->n_seq, LLM_SCHED_MAX_RUNNING, b->n_prompt, b->n_gen);
    uint32_t n_vocab = m->model.hp.n_vocab, ids[LLM_SCHED_MAX_RUNNING], warm_id, warm_steps = 0, steps = 0;
    llm_sched_params_t p;
    sched_params(b, &p);
    arena_mark_t mark = arena_mark(arena);
    llm_sched_t s;
    int32_t *tokens = arena_alloc_array(arena, b->n_prompt, sizeof *tokens, 0, err);
    err_code_t rc = tokens ? llm_sched_init(&s, m, &p, arena, err) : ERR_NOMEM;
    uint32_t warm = b->n_prompt < WARMUP_PROMPT ? b->n_prompt : WARMUP_PROMPT;
    if (rc == ERR_OK) {
        fill_tokens(tokens, warm, b->seed ^ 0x9e3779b9u, n_vocab);
        rc = submit(&s, tokens, warm, 2, &warm_id, err);
    }
    if (rc == ERR_OK)
        rc = run_all(&s, &warm_steps, err);
    for (uint32_t i = 0; i < b->n_seq && rc == ERR_OK; i++) {
        fill_tokens(tokens, b->n_prompt, b->seed + i, n_vocab);
        rc = submit(&s, tokens, b->n_prompt, b->n_gen, &ids[i], err);
    }
    uint64_t t0 = platform_now_us();
    if (rc == ERR_OK)
        rc = llm_sched_step(&s, err);
    uint64_t t1 = platform_now_us();
    if (rc == ERR_OK)
        rc = run_all(&s, &steps, err);
    uint64_t t2 = platform_now_us();
    if (rc == ERR_OK)
        rc = collect(&s, ids, b, out, err);
    out->pp_us = t1 - t0;
    out->tg_us = t2 - t1;
    out->tg_steps = steps;
    out->tg_tokens = b->n_seq * (b->n_gen - 1);
    out->weights_per_step = step_weight_bytes(&m->model, b->n_seq);
    out->arena_high_water = arena->high_water_bytes;
    arena_release(arena, mark, NULL);
    return rc;
}
