/*
 * The scheduler and the batched forward pass on the tiny synthetic model:
 * requests run together give the tokens, text and (forward) logits of each
 * run alone, and the edges: more requests than slots, a full queue, cancel,
 * deadlines, prompts too long, the block pool running out, a shared
 * prefix, draining, prompts as token ids, end of text ignored, and 1000
 * requests with the arena's high-water flat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_sched.h"
#include "llm/platform.h"
#include "llm/transformer.h"
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
    blob = fixture_tiny_llama(&o, &blob_len);
    void *buf = malloc(ARENA_BYTES);
    arena_init(&arena, buf, ARENA_BYTES);
    return blob && buf ? 0 : -1;
}

static int teardown(void)
{
    free(arena.base);
    free(blob);
    return 0;
}

static void load(void)
{
    err_t e;
    arena_reset(&arena);
    CU_ASSERT_EQUAL_FATAL(llm_model_load(&model, blob, blob_len, &arena, &e), ERR_OK);
}

static llm_gen_config_t config(uint32_t max_tokens, float temperature, uint64_t seed)
{
    llm_gen_config_t c;
    llm_gen_config_default(&c);
    c.max_tokens = max_tokens;
    c.sampling.temperature = temperature;
    c.sampling.seed = seed;
    return c;
}

/* What a request gives when run alone through llm_generate on a fresh context (in the arena above the model). */
typedef struct alone {
    char text[1024];
    uint32_t n_generated;
    llm_stop_t stop;
} alone_t;

static void run_alone(const char *prompt, const llm_gen_config_t *cfg, alone_t *out)
{
    arena_mark_t mark = arena_mark(&arena);
    llm_ctx_params_t p;
    llm_ctx_t ctx;
    llm_result_t r;
    err_t e;
    llm_ctx_params_default(&p);
    p.n_ctx = 128;
    CU_ASSERT_EQUAL_FATAL(llm_ctx_init(&ctx, &model, &p, &arena, &e), ERR_OK);
    llm_gen_config_t c = *cfg;
    c.text = out->text;
    c.text_cap = sizeof out->text;
    CU_ASSERT_EQUAL_FATAL(llm_generate(&ctx, prompt, strlen(prompt), &c, NULL, NULL, &r, &e), ERR_OK);
    out->n_generated = r.n_generated;
    out->stop = r.stop;
    arena_release(&arena, mark, NULL);
}

static void new_sched(llm_sched_t *s, uint32_t running, uint32_t queue, uint32_t pool, uint32_t max_pos)
{
    llm_sched_params_t p;
    err_t e;
    llm_sched_params_default(&p);
    p.max_running = running;
    p.queue_cap = queue;
    p.pool_positions = pool;
    p.max_seq_pos = max_pos;
    p.step_tokens = 8;
    CU_ASSERT_EQUAL_FATAL(llm_sched_init(s, &model, &p, &arena, &e), ERR_OK);
}

static uint32_t submit(llm_sched_t *s, const char *prompt, const llm_gen_config_t *cfg)
{
    llm_request_t r = { .prompt = prompt, .len = strlen(prompt), .cfg = *cfg };
    uint32_t id = 0;
    err_t e;
    CU_ASSERT_EQUAL(llm_sched_submit(s, &r, &id, &e), ERR_OK);
    return id;
}

/* Steps until idle (at most max_steps: a hang fails instead of looping forever). */
static void run_all(llm_sched_t *s, int max_steps)
{
    err_t e;
    int steps = 0;
    while (llm_sched_busy(s) && steps++ < max_steps)
        CU_ASSERT_EQUAL_FATAL(llm_sched_step(s, &e), ERR_OK);
    CU_ASSERT_FALSE(llm_sched_busy(s));
}

/* Checks request id against the same request alone; returns the tokens it generated. */
static uint32_t expect_alone(llm_sched_t *s, uint32_t id, const char *prompt, const llm_gen_config_t *cfg)
{
    alone_t want;
    llm_req_info_t info;
    err_t e;
    run_alone(prompt, cfg, &want);
    CU_ASSERT_EQUAL_FATAL(llm_sched_info(s, id, &info, &e), ERR_OK);
    CU_ASSERT_EQUAL(info.state, LLM_REQ_DONE);
    CU_ASSERT_EQUAL(info.stop, want.stop);
    CU_ASSERT_EQUAL(info.n_generated, want.n_generated);
    CU_ASSERT_STRING_EQUAL(info.text, want.text);
    return info.n_generated;
}

static const char *const prompts[] = { "The capital of France is", "Once upon a time", "In the year 2050,",
                                       "Artificial intelligence will", "The meaning of life is" };

/* Three at once, then a fourth joining after five steps: each as alone, greedy and sampled. */
static void test_batch_equals_alone(void)
{
    for (int sampled = 0; sampled < 2; sampled++) {
        load();
        llm_sched_t s;
        err_t e;
        new_sched(&s, 4, 8, 0, 128);
        llm_gen_config_t cfg = config(15, sampled ? 0.9f : 0.0f, 1234);
        uint32_t ids[4];
        for (int i = 0; i < 3; i++)
            ids[i] = submit(&s, prompts[i], &cfg);
        for (int i = 0; i < 5; i++)
            CU_ASSERT_EQUAL(llm_sched_step(&s, &e), ERR_OK);
        llm_sched_stats_t st;
        llm_sched_stats(&s, &st);
        CU_ASSERT_EQUAL(st.running, 3);
        ids[3] = submit(&s, prompts[3], &cfg);
        run_all(&s, 200);
        uint32_t generated = 0;
        for (int i = 0; i < 4; i++)
            generated += expect_alone(&s, ids[i], prompts[i], &cfg);
        CU_ASSERT(generated > 30); /* texts to compare, not four empty ones */
        llm_sched_stats(&s, &st);
        CU_ASSERT_EQUAL(st.finished, 4);
        CU_ASSERT_EQUAL(st.blocks_used, 0); /* every block back in the pool */
    }
}

/* The batched forward pass: logits of every token of three sequences in one batch equal each one run alone. */
static void test_forward_batch_logits(void)
{
    load();
    const model_hparams_t *hp = &model.model.hp;
    enum { SEQS = 3, MAX = 40 };
    static const int32_t toks[SEQS][MAX] = { { 1, 5, 9, 2, 7, 7, 3, 11, 4, 6 }, { 1, 8, 8, 2 }, { 1, 3, 12, 5, 9 } };
    static const uint32_t lens[SEQS] = { 10, 4, 5 };
    uint32_t n_vocab = hp->n_vocab;
    float *want = malloc(sizeof(float) * n_vocab * MAX * SEQS), *got = malloc(sizeof(float) * n_vocab * MAX * SEQS);
    kv_cache_t kv;
    kv_seq_t seq[SEQS];
    err_t e;
    CU_ASSERT_EQUAL_FATAL(kv_cache_init(&kv, hp, SEQS * 32, KV_TYPES_DEFAULT, &arena, &e), ERR_OK);
    for (int i = 0; i < SEQS; i++) {
        CU_ASSERT_EQUAL_FATAL(kv_seq_init(&seq[i], 32, &arena, &e), ERR_OK);
        CU_ASSERT_EQUAL_FATAL(transformer_forward(&model.model, &kv, &seq[i], toks[i], lens[i], 0, true,
                                                  want + (size_t)i * MAX * n_vocab, &arena, &e), ERR_OK);
        kv_seq_truncate(&kv, &seq[i], 0);
    }
    /* Step 1: sequence 0's first 6 tokens, 1's first 2, 2's first 5; step 2: the rest, sequences interleaved. */
    int32_t bt[32];
    uint32_t bp[32], out[32], n = 0, k = 0;
    const kv_seq_t *bs[32];
    uint32_t split[SEQS] = { 6, 2, 5 }, where[SEQS][MAX];
    for (int step = 0; step < 2; step++) {
        n = 0;
        for (uint32_t t = 0; t < MAX; t++) {
            for (int i = 0; i < SEQS; i++) {
                uint32_t from = step ? split[i] : 0, to = step ? lens[i] : split[i];
                if (t >= from && t < to) {
                    CU_ASSERT_EQUAL_FATAL(kv_seq_reserve(&kv, &seq[i], t + 1, &e), ERR_OK);
                    bt[n] = toks[i][t], bp[n] = t, bs[n] = &seq[i], out[n] = n, where[i][t] = k + n;
                    n++;
                }
            }
        }
        tf_batch_t b = { n, bt, bp, bs, out, n };
        CU_ASSERT_EQUAL_FATAL(transformer_forward_batch(&model.model, &kv, &b, got + (size_t)k * n_vocab, &arena, &e),
                              ERR_OK);
        k += n;
    }
    int bad = 0;
    for (int i = 0; i < SEQS; i++)
        for (uint32_t t = 0; t < lens[i]; t++)
            bad += memcmp(want + ((size_t)i * MAX + t) * n_vocab, got + (size_t)where[i][t] * n_vocab,
                          n_vocab * sizeof(float)) != 0;
    CU_ASSERT_EQUAL(bad, 0);

    /* A position outside the sequence's blocks is refused. */
    kv_seq_truncate(&kv, &seq[0], 0);
    uint32_t p20 = 20;
    tf_batch_t b = { 1, bt, &p20, bs, out, 1 };
    CU_ASSERT_EQUAL(transformer_forward_batch(&model.model, &kv, &b, got, &arena, &e), ERR_RANGE);
    free(want);
    free(got);
}

/* Five requests, two slots: they wait, then run, each as alone. */
static void test_more_than_slots(void)
{
    load();
    llm_sched_t s;
    new_sched(&s, 2, 8, 0, 128);
    llm_gen_config_t cfg = config(6, 0.0f, 1);
    uint32_t ids[5];
    for (int i = 0; i < 5; i++)
        ids[i] = submit(&s, prompts[i], &cfg);
    err_t e;
    CU_ASSERT_EQUAL(llm_sched_step(&s, &e), ERR_OK);
    llm_sched_stats_t st;
    llm_sched_stats(&s, &st);
    CU_ASSERT_EQUAL(st.running, 2);
    CU_ASSERT_EQUAL(st.queued, 3);
    run_all(&s, 300);
    for (int i = 0; i < 5; i++)
        expect_alone(&s, ids[i], prompts[i], &cfg);
}

static void test_queue_full_and_drain(void)
{
    load();
    llm_sched_t s;
    new_sched(&s, 1, 2, 0, 64);
    llm_gen_config_t cfg = config(3, 0.0f, 1);
    llm_request_t r = { .prompt = "abc", .len = 3, .cfg = cfg };
    uint32_t id;
    err_t e;
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &r, &id, &e), ERR_OK);
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &r, &id, &e), ERR_OK);
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &r, &id, &e), ERR_FULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "queue is full"));
    llm_sched_drain(&s, true);
    CU_ASSERT_EQUAL(llm_sched_step(&s, &e), ERR_OK); /* one admitted: a place in the queue, but draining */
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &r, &id, &e), ERR_FULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "draining"));
    run_all(&s, 100); /* draining still finishes what was taken */
    llm_sched_stats_t st;
    llm_sched_stats(&s, &st);
    CU_ASSERT_EQUAL(st.finished, 2);
    CU_ASSERT_EQUAL(st.refused, 2);
    llm_sched_drain(&s, false);
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &r, &id, &e), ERR_OK);
    /* bad requests are refused with their reason, nothing queued */
    llm_request_t none = { .cfg = cfg };
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &none, &id, &e), ERR_INVALID);
    llm_request_t empty = { .prompt = "", .len = 0, .cfg = cfg };
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &empty, &id, &e), ERR_INVALID);
    llm_request_t bad = r;
    bad.cfg.sampling.top_p = 0.0f;
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &bad, &id, &e), ERR_INVALID);
    llm_sched_stats(&s, &st);
    CU_ASSERT_EQUAL(st.queued, 1);
}

static void test_cancel_and_deadline(void)
{
    load();
    llm_sched_t s;
    new_sched(&s, 2, 8, 0, 128);
    llm_gen_config_t cfg = config(20, 0.0f, 1);
    uint32_t a = submit(&s, prompts[0], &cfg), b = submit(&s, prompts[1], &cfg), c = submit(&s, prompts[2], &cfg);
    llm_request_t late = { .prompt = prompts[3], .len = strlen(prompts[3]), .cfg = cfg, .deadline_us = 1 };
    uint32_t d;
    err_t e;
    llm_req_info_t info;
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &late, &d, &e), ERR_OK);
    CU_ASSERT_EQUAL(llm_sched_cancel(&s, c, &e), ERR_OK); /* waiting */
    CU_ASSERT_EQUAL(llm_sched_step(&s, &e), ERR_OK);
    CU_ASSERT_EQUAL(llm_sched_step(&s, &e), ERR_OK);
    CU_ASSERT_EQUAL(llm_sched_info(&s, d, &info, &e), ERR_OK);
    CU_ASSERT_EQUAL(info.stop, LLM_STOP_DEADLINE);
    CU_ASSERT_EQUAL(llm_sched_cancel(&s, a, &e), ERR_OK); /* running */
    CU_ASSERT_EQUAL(llm_sched_info(&s, a, &info, &e), ERR_OK);
    CU_ASSERT_EQUAL(info.state, LLM_REQ_DONE);
    CU_ASSERT_EQUAL(info.stop, LLM_STOP_CANCELLED);
    CU_ASSERT_EQUAL(llm_sched_cancel(&s, a, &e), ERR_INVALID);
    CU_ASSERT_EQUAL(llm_sched_cancel(&s, 999, &e), ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(llm_sched_info(&s, c, &info, &e), ERR_OK);
    CU_ASSERT_EQUAL(info.stop, LLM_STOP_CANCELLED);
    CU_ASSERT_EQUAL(info.n_generated, 0);
    run_all(&s, 200);
    expect_alone(&s, b, prompts[1], &cfg); /* the others go on unchanged */
}

static void test_too_long(void)
{
    load();
    llm_sched_t s;
    new_sched(&s, 2, 4, 32, 64);
    llm_gen_config_t cfg = config(4, 0.0f, 1);
    char long_prompt[100];
    memset(long_prompt, 'a', sizeof long_prompt - 1);
    long_prompt[sizeof long_prompt - 1] = '\0';
    llm_request_t r = { .prompt = long_prompt, .len = 40, .cfg = cfg };
    uint32_t id;
    err_t e;
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &r, &id, &e), ERR_RANGE); /* longer than the pool */
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "pool"));
    r.len = 99;
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &r, &id, &e), ERR_RANGE); /* longer than a request */
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "64 positions"));
    llm_sched_params_t p;
    llm_sched_params_default(&p);
    p.max_running = LLM_SCHED_MAX_RUNNING + 1;
    CU_ASSERT_EQUAL(llm_sched_init(&s, &model, &p, &arena, &e), ERR_INVALID);
    llm_sched_params_default(&p);
    size_t used = arena.used_bytes;
    arena_t small;
    static uint8_t buf[4096];
    arena_init(&small, buf, sizeof buf);
    CU_ASSERT_EQUAL(llm_sched_init(&s, &model, &p, &small, &e), ERR_NOMEM);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "bytes"));
    CU_ASSERT_EQUAL(arena.used_bytes, used);
}

/* Three blocks for two growing requests: the one that cannot grow stops, the other goes on as alone. */
static void test_pool_exhausted(void)
{
    load();
    llm_sched_t s;
    new_sched(&s, 2, 4, 3 * KV_BLOCK_POS, 64);
    llm_gen_config_t cfg = config(30, 0.0f, 1);
    cfg.stop_token = TOK_NONE;
    uint32_t a = submit(&s, "0123456789", &cfg), b = submit(&s, "9876543210", &cfg);
    run_all(&s, 200);
    llm_req_info_t ia, ib;
    err_t e;
    CU_ASSERT_EQUAL(llm_sched_info(&s, a, &ia, &e), ERR_OK);
    CU_ASSERT_EQUAL(llm_sched_info(&s, b, &ib, &e), ERR_OK);
    printf("(a: %u tokens, %s; b: %u tokens, %s) ", ia.n_generated, llm_stop_name(ia.stop), ib.n_generated,
           llm_stop_name(ib.stop));
    CU_ASSERT(ia.stop == LLM_STOP_NO_BLOCKS || ib.stop == LLM_STOP_NO_BLOCKS);
    CU_ASSERT(ia.stop != LLM_STOP_NO_BLOCKS || ib.stop != LLM_STOP_NO_BLOCKS);
    if (ib.stop == LLM_STOP_NO_BLOCKS)
        expect_alone(&s, a, "0123456789", &cfg);
    else
        expect_alone(&s, b, "9876543210", &cfg);
    llm_sched_stats_t st;
    llm_sched_stats(&s, &st);
    CU_ASSERT_EQUAL(st.blocks_used, 0);
}

/* A second request with the first's 40-character prefix reads its first two blocks, and gives the same text. */
static void test_shared_prefix(void)
{
    load();
    llm_sched_t s;
    new_sched(&s, 2, 4, 0, 128);
    llm_gen_config_t cfg = config(8, 0.0f, 1);
    const char *p1 = "abcdefghijklmnopqrstuvwxyzabcdefghijklmn and one", *p2 = "abcdefghijklmnopqrstuvwxyzabcdefghijklmn or two";
    uint32_t a = submit(&s, p1, &cfg);
    err_t e;
    for (int i = 0; i < 8; i++) /* its prompt (with BOS) in the cache */
        CU_ASSERT_EQUAL(llm_sched_step(&s, &e), ERR_OK);
    uint32_t b = submit(&s, p2, &cfg);
    CU_ASSERT_EQUAL(llm_sched_step(&s, &e), ERR_OK);
    llm_req_info_t info;
    CU_ASSERT_EQUAL(llm_sched_info(&s, b, &info, &e), ERR_OK);
    CU_ASSERT_EQUAL(info.n_shared, 2 * KV_BLOCK_POS);
    run_all(&s, 200);
    expect_alone(&s, a, p1, &cfg);
    expect_alone(&s, b, p2, &cfg);
}

/* A prompt given as its token ids runs as the same text does; an id outside the vocabulary is refused. */
static void test_token_prompt(void)
{
    load();
    llm_sched_t s;
    new_sched(&s, 2, 4, 0, 64);
    llm_gen_config_t cfg = config(6, 0.0f, 1);
    int32_t ids[64];
    size_t n;
    err_t e;
    tok_encode_opts_t opts = { .add_special = true };
    CU_ASSERT_EQUAL_FATAL(tok_encode(&model.vocab, prompts[0], strlen(prompts[0]), &opts, ids, 64, &n, &arena, &e),
                          ERR_OK);
    llm_request_t r = { .tokens = ids, .n_tokens = n, .cfg = cfg };
    uint32_t id, bad;
    CU_ASSERT_EQUAL_FATAL(llm_sched_submit(&s, &r, &id, &e), ERR_OK);
    run_all(&s, 100);
    expect_alone(&s, id, prompts[0], &cfg);
    ids[1] = (int32_t)model.model.hp.n_vocab;
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &r, &bad, &e), ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "token 1"));
    ids[1] = -1;
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &r, &bad, &e), ERR_INVALID);
    r.n_tokens = 64;
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &r, &bad, &e), ERR_RANGE);
    r.n_tokens = 0;
    CU_ASSERT_EQUAL(llm_sched_submit(&s, &r, &bad, &e), ERR_INVALID);
}

/* A sampled request that ends at end of text runs to its budget with ignore_eos, the same text up to there. */
static void test_ignore_eos(void)
{
    load();
    llm_gen_config_t cfg = config(40, 1.5f, 0);
    alone_t ended, full;
    for (cfg.sampling.seed = 1; cfg.sampling.seed < 200; cfg.sampling.seed++) {
        run_alone(prompts[1], &cfg, &ended);
        if (ended.stop == LLM_STOP_EOS && ended.n_generated + 1 < cfg.max_tokens)
            break;
    }
    printf("(seed %llu: eos after %u tokens) ", (unsigned long long)cfg.sampling.seed, ended.n_generated);
    CU_ASSERT_EQUAL_FATAL(ended.stop, LLM_STOP_EOS);
    cfg.ignore_eos = true;
    run_alone(prompts[1], &cfg, &full);
    CU_ASSERT_EQUAL(full.stop, LLM_STOP_MAX_TOKENS);
    CU_ASSERT_EQUAL(full.n_generated, cfg.max_tokens);
    CU_ASSERT_EQUAL(strncmp(full.text, ended.text, strlen(ended.text)), 0);
    llm_sched_t s;
    new_sched(&s, 2, 4, 0, 64);
    uint32_t id = submit(&s, prompts[1], &cfg);
    run_all(&s, 100);
    expect_alone(&s, id, prompts[1], &cfg);
}

/* 1000 short requests through 4 slots and a queue of 8: all finish, the arena's high-water does not move. */
static void test_thousand_requests(void)
{
    load();
    llm_sched_t s;
    new_sched(&s, 4, 8, 0, 64);
    llm_gen_config_t cfg = config(2, 0.7f, 7);
    err_t e;
    size_t hw_early = 0;
    int submitted = 0, steps = 0;
    while ((submitted < 1000 || llm_sched_busy(&s)) && steps < 20000) {
        while (submitted < 1000) {
            llm_request_t r = { .prompt = prompts[submitted % 5], .len = strlen(prompts[submitted % 5]), .cfg = cfg };
            uint32_t id;
            err_code_t rc = llm_sched_submit(&s, &r, &id, &e);
            if (rc == ERR_FULL)
                break;
            CU_ASSERT_EQUAL_FATAL(rc, ERR_OK);
            submitted++;
        }
        CU_ASSERT_EQUAL_FATAL(llm_sched_step(&s, &e), ERR_OK);
        if (++steps == 100)
            hw_early = arena.high_water_bytes;
    }
    llm_sched_stats_t st;
    llm_sched_stats(&s, &st);
    CU_ASSERT_EQUAL(st.finished, 1000);
    CU_ASSERT_EQUAL(st.blocks_used, 0);
    CU_ASSERT_EQUAL(st.arena_high_water, hw_early);
    CU_ASSERT(st.refused > 0); /* the queue did fill */
}

TEST_REGISTER(test_sched_register)
{
    CU_pSuite s = test_suite_with("sched", setup, teardown);
    TEST_ADD(s, test_forward_batch_logits);
    TEST_ADD(s, test_batch_equals_alone);
    TEST_ADD(s, test_more_than_slots);
    TEST_ADD(s, test_queue_full_and_drain);
    TEST_ADD(s, test_cancel_and_deadline);
    TEST_ADD(s, test_too_long);
    TEST_ADD(s, test_pool_exhausted);
    TEST_ADD(s, test_shared_prefix);
    TEST_ADD(s, test_token_prompt);
    TEST_ADD(s, test_ignore_eos);
    TEST_ADD(s, test_thousand_requests);
}
