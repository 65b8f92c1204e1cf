/*
 * The engine's batched-decoding benchmark, on its public scheduler
 * (llm_sched.h), so that every integration (our kernel's `llm bench -b`,
 * the hosted bench-batch, a kernel developer's own board) measures the same
 * thing the same way, and the way llama.cpp's llama-batched-bench does:
 * n_seq requests, each with its own prompt of n_prompt pseudo-random token
 * ids, all admitted together; the first step runs every prompt in one
 * forward pass (the prefill, which also gives each request its first
 * token), then every step decodes one token of each request until each has
 * n_gen (greedy, end of text ignored, so every request runs its full
 * length). Figures only, never pass/fail.
 *
 * Memory: everything from the arena given (llm_bench_batch_bytes says how
 * much), released again before returning.
 */
#ifndef LLM_LLM_BENCH_H
#define LLM_LLM_BENCH_H

#include <stdint.h>

#include "llm/llm_sched.h"

typedef struct llm_bench_batch_params {
    uint32_t n_seq;    /* requests at once (1 .. LLM_SCHED_MAX_RUNNING) */
    uint32_t n_prompt; /* prompt tokens of each (1 or more) */
    uint32_t n_gen;    /* tokens each generates (2 or more: one from the prefill, the rest decoded) */
    uint32_t seed;     /* of the pseudo-random prompts (each request's differs) */
} llm_bench_batch_params_t;

typedef struct llm_bench_batch_result {
    uint64_t pp_us;            /* the prefill step: n_seq * n_prompt tokens */
    uint64_t tg_us;            /* the decode steps after it */
    uint32_t tg_tokens;        /* tokens those steps ran: n_seq * (n_gen - 1) */
    uint32_t tg_steps;
    uint64_t latency_min_us, latency_max_us, latency_sum_us; /* each request's submit to its end */
    uint64_t weights_per_step; /* weight bytes a decode step reads: every matrix once for all its tokens
                                  (the matrix products run over all the step's tokens per weight tile),
                                  plus one embedding row per token */
    size_t arena_high_water;   /* bytes of the arena used at most */
} llm_bench_batch_result_t;

/* Arena bytes llm_bench_batch needs for p on model m (0 for parameters out of range). */
size_t llm_bench_batch_bytes(const llm_model_t *m, const llm_bench_batch_params_t *p);

/*
 * Runs the benchmark (after a warm-up request of a few tokens). Errors:
 * ERR_INVALID for parameters out of range, ERR_NOMEM when the arena is
 * short (the message gives the bytes needed), or what a scheduler step
 * returned; the arena is where it was either way.
 */
err_code_t llm_bench_batch(const llm_model_t *m, const llm_bench_batch_params_t *p, arena_t *arena,
                           llm_bench_batch_result_t *out, err_t *err);

#endif
