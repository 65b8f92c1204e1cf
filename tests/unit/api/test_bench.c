/*
 * The batched-decoding benchmark (llm/llm_bench.h) on the tiny synthetic
 * model: its figures add up (steps, tokens, latencies, weight bytes per
 * step), parameters out of range and a short arena are refused with the
 * arena where it was.
 */
#include <stdlib.h>
#include <string.h>

#include "llm/llm_bench.h"
#include "tests/fixtures/model_fixture.h"
#include "tests/unit/suites.h"

#define ARENA_BYTES (24u << 20)

static uint8_t *blob;
static size_t blob_len;
static arena_t arena;
static llm_model_t model;

static int setup(void)
{
    fixture_opts_t o = fixture_defaults();
    err_t e;
    blob = fixture_tiny_llama(&o, &blob_len);
    void *buf = malloc(ARENA_BYTES);
    if (!blob || !buf)
        return -1;
    arena_init(&arena, buf, ARENA_BYTES);
    return llm_model_load(&model, blob, blob_len, &arena, &e) == ERR_OK ? 0 : -1;
}

static int teardown(void)
{
    free(arena.base);
    free(blob);
    return 0;
}

static void test_figures(void)
{
    const model_t *m = &model.model;
    for (uint32_t n_seq = 1; n_seq <= 3; n_seq++) {
        llm_bench_batch_params_t p = { .n_seq = n_seq, .n_prompt = 20, .n_gen = 6, .seed = 3 };
        llm_bench_batch_result_t r;
        err_t e;
        size_t used = arena.used_bytes;
        CU_ASSERT(llm_bench_batch_bytes(&model, &p) > 0);
        CU_ASSERT_EQUAL_FATAL(llm_bench_batch(&model, &p, &arena, &r, &e), ERR_OK);
        CU_ASSERT_EQUAL(arena.used_bytes, used);
        CU_ASSERT_EQUAL(r.tg_steps, p.n_gen - 1);
        CU_ASSERT_EQUAL(r.tg_tokens, n_seq * (p.n_gen - 1));
        CU_ASSERT(r.latency_min_us <= r.latency_max_us);
        CU_ASSERT(r.latency_sum_us >= (uint64_t)n_seq * r.latency_min_us);
        CU_ASSERT(r.latency_min_us >= r.pp_us); /* submitted before the prefill, ended in a decode step */
        uint64_t row = m->token_embd->n_bytes / m->token_embd->ne[1];
        uint64_t all = m->weight_bytes - (m->tied_embeddings ? 0 : m->token_embd->n_bytes);
        CU_ASSERT_EQUAL(r.weights_per_step, all + n_seq * row);
        CU_ASSERT(r.arena_high_water > used);
    }
}

static void test_refusals(void)
{
    llm_bench_batch_result_t r;
    err_t e;
    size_t used = arena.used_bytes;
    llm_bench_batch_params_t bad[] = {
        { .n_seq = 0, .n_prompt = 8, .n_gen = 4 },
        { .n_seq = LLM_SCHED_MAX_RUNNING + 1, .n_prompt = 8, .n_gen = 4 },
        { .n_seq = 2, .n_prompt = 0, .n_gen = 4 },
        { .n_seq = 2, .n_prompt = 8, .n_gen = 1 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL(llm_bench_batch_bytes(&model, &bad[i]), 0);
        CU_ASSERT_EQUAL(llm_bench_batch(&model, &bad[i], &arena, &r, &e), ERR_INVALID);
    }
    llm_bench_batch_params_t p = { .n_seq = 2, .n_prompt = 8, .n_gen = 4 };
    static uint8_t small_buf[8192];
    arena_t small;
    arena_init(&small, small_buf, sizeof small_buf);
    CU_ASSERT_EQUAL(llm_bench_batch(&model, &p, &small, &r, &e), ERR_NOMEM);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "bytes"));
    CU_ASSERT_EQUAL(small.used_bytes, 0);
    CU_ASSERT_EQUAL(arena.used_bytes, used);
}

TEST_REGISTER(test_bench_register)
{
    CU_pSuite s = test_suite_with("bench_batch", setup, teardown);
    TEST_ADD(s, test_figures);
    TEST_ADD(s, test_refusals);
}
