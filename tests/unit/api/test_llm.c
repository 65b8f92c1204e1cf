/*
 * The generation API on a tiny synthetic model (fast enough for valgrind):
 * greedy generation and its stop reasons, prefix reuse, cancellation, a full
 * context, refusals (prompt longer than the context, arena too small, bad
 * settings), and 1000 back-to-back generations with a constant high-water
 * mark; the low layer under it: peek, describe, tokenize, decode in one
 * batch or many (the same logits bit for bit), rewinding, the greedy token
 * from the logits equal to generate's, and each refusal. The real-model
 * checks (llama.cpp logits and tokens) are in test_forward_real.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm.h"
#include "llm/kernels/kernels.h"
#include "llm/transformer.h"
#include "tests/unit/suites.h"
#include "tests/fixtures/model_fixture.h"

#define ARENA_BYTES (8u << 20)

static uint8_t *blob;
static arena_t arena;
static llm_model_t model;

static int setup(void)
{
    fixture_opts_t o = fixture_defaults();
    size_t len;
    err_t e;
    blob = fixture_tiny_llama(&o, &len);
    void *buf = malloc(ARENA_BYTES);
    arena_init(&arena, buf, ARENA_BYTES);
    return blob && buf && llm_model_load(&model, blob, len, &arena, &e) == ERR_OK ? 0 : -1;
}

static int teardown(void)
{
    free(arena.base);
    free(blob);
    return 0;
}

static llm_gen_config_t greedy(uint32_t max_tokens)
{
    llm_gen_config_t c;
    llm_gen_config_default(&c);
    c.max_tokens = max_tokens;
    c.sampling.temperature = 0;
    return c;
}

static void new_ctx(llm_ctx_t *ctx, uint32_t n_ctx)
{
    llm_ctx_params_t p;
    err_t e;
    llm_ctx_params_default(&p);
    p.n_ctx = n_ctx;
    arena_reset(&arena);
    CU_ASSERT_EQUAL_FATAL(llm_model_load(&model, blob, model.file.size, &arena, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(llm_ctx_init(ctx, &model, &p, &arena, &e), ERR_OK);
}

typedef struct collected {
    char text[4096];
    size_t len;
    int calls;
    int cancel_after;
} collected_t;

static bool collect(void *user, const char *s, size_t n)
{
    collected_t *c = user;
    if (c->len + n < sizeof c->text) {
        memcpy(c->text + c->len, s, n);
        c->len += n;
    }
    return ++c->calls != c->cancel_after;
}

static void test_greedy_generation(void)
{
    llm_ctx_t ctx;
    new_ctx(&ctx, 64);
    llm_gen_config_t cfg = greedy(10);
    char text[256];
    cfg.text = text;
    cfg.text_cap = sizeof text;
    collected_t got = { .cancel_after = -1 };
    llm_result_t r1, r2;
    err_t e;
    CU_ASSERT_EQUAL_FATAL(llm_generate(&ctx, "Hello world", 11, &cfg, collect, &got, &r1, &e), ERR_OK);
    CU_ASSERT_EQUAL(r1.n_prompt, 11); /* one token per character in this vocabulary */
    CU_ASSERT(r1.n_generated <= 10);
    CU_ASSERT(r1.stop == LLM_STOP_MAX_TOKENS || r1.stop == LLM_STOP_EOS);
    CU_ASSERT_EQUAL(r1.text_len, got.len);
    CU_ASSERT_EQUAL(strlen(text), got.len);
    CU_ASSERT_EQUAL(memcmp(text, got.text, got.len), 0);

    /* The same prompt again: the cached prefix is reused and greedy output repeats. */
    collected_t again = { .cancel_after = -1 };
    CU_ASSERT_EQUAL_FATAL(llm_generate(&ctx, "Hello world", 11, &cfg, collect, &again, &r2, &e), ERR_OK);
    CU_ASSERT_EQUAL(r2.n_reused, 10);
    CU_ASSERT_EQUAL(r2.n_generated, r1.n_generated);
    CU_ASSERT_TRUE(again.len == got.len && memcmp(again.text, got.text, got.len) == 0);

    /* A fresh context gives the same text: reuse changes nothing. */
    llm_ctx_t fresh;
    new_ctx(&fresh, 64);
    collected_t third = { .cancel_after = -1 };
    CU_ASSERT_EQUAL_FATAL(llm_generate(&fresh, "Hello world", 11, &cfg, collect, &third, &r2, &e), ERR_OK);
    CU_ASSERT_EQUAL(r2.n_reused, 0);
    CU_ASSERT_TRUE(third.len == got.len && memcmp(third.text, got.text, got.len) == 0);
}

static void test_stops_and_refusals(void)
{
    llm_ctx_t ctx;
    llm_result_t r;
    err_t e;
    new_ctx(&ctx, 16);
    llm_gen_config_t cfg = greedy(100);
    cfg.stop_token = TOK_NONE;

    /* Cancelled by the callback after 3 pieces. */
    collected_t c = { .cancel_after = 3 };
    CU_ASSERT_EQUAL(llm_generate(&ctx, "abc", 3, &cfg, collect, &c, &r, &e), ERR_OK);
    if (r.stop != LLM_STOP_EOS) {
        CU_ASSERT_EQUAL(r.stop, LLM_STOP_CANCELLED);
        CU_ASSERT_EQUAL(r.n_generated, 3);
    }

    /* Temperature 1 and a seed: the context runs full unless EOS comes first. */
    cfg.sampling.temperature = 1.0f;
    cfg.sampling.top_k = 0;
    cfg.sampling.top_p = 1.0f;
    cfg.sampling.min_p = 0.0f;
    CU_ASSERT_EQUAL(llm_generate(&ctx, "abc", 3, &cfg, NULL, NULL, &r, &e), ERR_OK);
    CU_ASSERT(r.stop == LLM_STOP_CONTEXT_FULL || r.stop == LLM_STOP_EOS);
    if (r.stop == LLM_STOP_CONTEXT_FULL)
        CU_ASSERT_EQUAL(r.n_prompt + r.n_generated, 17); /* 16 positions fed, and one more token drawn */

    /* A prompt longer than the context: refused before any work, both lengths named. */
    CU_ASSERT_EQUAL(llm_generate(&ctx, "abcdefghijklmnopqrstuvwxyz", 26, &cfg, NULL, NULL, &r, &e), ERR_RANGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "prompt is 26 tokens, the context holds 16"));
    CU_ASSERT_EQUAL(llm_generate(&ctx, "", 0, &cfg, NULL, NULL, &r, &e), ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "empty prompt"));
    cfg.sampling.top_p = 2.0f;
    CU_ASSERT_EQUAL(llm_generate(&ctx, "abc", 3, &cfg, NULL, NULL, &r, &e), ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "top_p"));
}

static void test_arena_too_small(void)
{
    llm_ctx_params_t p;
    llm_ctx_t ctx;
    err_t e;
    static uint8_t small[4096];
    arena_t a;
    arena_init(&a, small, sizeof small);
    llm_ctx_params_default(&p);
    p.n_ctx = 128;
    CU_ASSERT_EQUAL(llm_ctx_init(&ctx, &model, &p, &a, &e), ERR_NOMEM);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "128 positions need"));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "4096 free"));
    CU_ASSERT_EQUAL(a.used_bytes, 0);

    /* With n_ctx 0 the context shrinks to fit instead (the tiny model's 256 positions fit here). */
    new_ctx(&ctx, 0);
    CU_ASSERT_EQUAL(llm_ctx_n_ctx(&ctx), 256);
}

static void test_high_water_is_stable(void)
{
    llm_ctx_t ctx;
    llm_result_t r;
    err_t e;
    new_ctx(&ctx, 64);
    llm_gen_config_t cfg = greedy(4);
    size_t first = 0;
    int n_bad = 0;
    for (int i = 0; i < 1000; i++) {
        const char *prompt = i % 2 ? "The cat" : "A dog sat";
        CU_ASSERT_EQUAL_FATAL(llm_generate(&ctx, prompt, strlen(prompt), &cfg, NULL, NULL, &r, &e), ERR_OK);
        if (i == 1)
            first = r.arena_high_water;
        else if (i > 1)
            n_bad += r.arena_high_water != first;
        CU_ASSERT_EQUAL(arena.used_bytes, ctx.work.used_bytes); /* working memory given back */
    }
    CU_ASSERT_EQUAL(n_bad, 0);
}

static void test_peek_and_describe(void)
{
    llm_blob_info_t info;
    err_t e;
    size_t used = arena.used_bytes;
    CU_ASSERT_EQUAL_FATAL(llm_model_peek(blob, model.file.size, &arena, &info, &e), ERR_OK);
    CU_ASSERT_EQUAL(arena.used_bytes, used); /* nothing kept */
    CU_ASSERT_STRING_EQUAL(info.arch, "llama");
    CU_ASSERT_EQUAL(info.size_bytes, model.file.size);
    CU_ASSERT(info.n_tensors > 0 && info.file_type != NULL);
    /* a truncated header: the parser's error, the arena unchanged */
    CU_ASSERT_EQUAL(llm_model_peek(blob, 20, &arena, &info, &e), ERR_FORMAT);
    CU_ASSERT(strlen(e.msg) > 0);
    CU_ASSERT_EQUAL(arena.used_bytes, used);

    llm_model_info_t mi;
    llm_model_describe(&model, &mi);
    fixture_opts_t o = fixture_defaults();
    CU_ASSERT_STRING_EQUAL(mi.arch, "llama");
    CU_ASSERT(mi.n_layer == o.n_layer && mi.n_embd == o.n_embd && mi.n_head == o.n_head && mi.n_vocab == o.n_vocab);
    CU_ASSERT(mi.n_head_kv == o.n_head_kv && mi.n_ff == o.n_ff && mi.n_ctx_train == o.n_ctx);
    CU_ASSERT((mi.chat_template == NULL) != (mi.chat_error == NULL));
    CU_ASSERT(mi.n_params > 0 && mi.weight_bytes > 0);
}

static int32_t argmax(const float *x, uint32_t n)
{
    uint32_t best = 0;
    for (uint32_t i = 1; i < n; i++)
        best = x[i] > x[best] ? i : best;
    return (int32_t)best;
}

/* Tokenize, decode, logits: one batch and one token at a time agree, and greedy generation is their argmax. */
static void test_low_layer(void)
{
    llm_ctx_t ctx;
    new_ctx(&ctx, 32);
    err_t e;
    int32_t ids[16];
    size_t n;
    uint32_t n_vocab = model.model.hp.n_vocab;
    CU_ASSERT_PTR_NULL(llm_logits(&ctx)); /* nothing decoded yet */
    CU_ASSERT_EQUAL_FATAL(llm_tokenize(&ctx, "Hello", 5, true, false, ids, 16, &n, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(n, 5 + (llm_token_bos(&model) != TOK_NONE && model.vocab.add_bos));
    CU_ASSERT_EQUAL(llm_tokenize(&ctx, "Hello", 5, false, false, ids, 2, &n, &e), ERR_RANGE);
    CU_ASSERT_EQUAL(n, 5); /* the count needed */
    CU_ASSERT_EQUAL_FATAL(llm_tokenize(&ctx, "Hello", 5, false, false, ids, 16, &n, &e), ERR_OK);
    uint32_t k = (uint32_t)n;

    float *batch = malloc(n_vocab * sizeof *batch);
    CU_ASSERT_EQUAL_FATAL(llm_decode(&ctx, ids, k, 0, &e), ERR_OK);
    CU_ASSERT_EQUAL(llm_ctx_n_past(&ctx), k);
    CU_ASSERT_PTR_NOT_NULL_FATAL(llm_logits(&ctx));
    memcpy(batch, llm_logits(&ctx), n_vocab * sizeof *batch);
    llm_ctx_reset(&ctx);
    for (uint32_t i = 0; i < k; i++)
        CU_ASSERT_EQUAL_FATAL(llm_decode(&ctx, ids + i, 1, i, &e), ERR_OK);
    CU_ASSERT_EQUAL(memcmp(batch, llm_logits(&ctx), n_vocab * sizeof *batch), 0);

    /* rewind: the last two positions again give the same logits */
    CU_ASSERT_EQUAL_FATAL(llm_decode(&ctx, ids + k - 2, 2, k - 2, &e), ERR_OK);
    CU_ASSERT_EQUAL(llm_ctx_n_past(&ctx), k);
    CU_ASSERT_EQUAL(memcmp(batch, llm_logits(&ctx), n_vocab * sizeof *batch), 0);

    /* greedy generation's first token is the argmax; its text is that token's piece */
    int32_t first = argmax(batch, n_vocab);
    char piece[64], text[64];
    size_t n_piece;
    CU_ASSERT_EQUAL_FATAL(llm_token_piece(&model, first, false, piece, sizeof piece, &n_piece, &e), ERR_OK);
    llm_gen_config_t cfg = greedy(1);
    cfg.text = text;
    cfg.text_cap = sizeof text;
    llm_result_t r;
    llm_ctx_reset(&ctx);
    CU_ASSERT_EQUAL_FATAL(llm_generate(&ctx, "Hello", 5, &cfg, NULL, NULL, &r, &e), ERR_OK);
    if (r.stop != LLM_STOP_EOS)
        CU_ASSERT_TRUE(r.text_len == n_piece && memcmp(text, piece, n_piece) == 0);
    free(batch);

    /* refusals, each leaving the context usable */
    CU_ASSERT_EQUAL(llm_decode(&ctx, ids, 0, 0, &e), ERR_INVALID);
    CU_ASSERT_EQUAL(llm_decode(&ctx, ids, 1, llm_ctx_n_past(&ctx) + 1, &e), ERR_RANGE);
    CU_ASSERT_EQUAL(llm_decode(&ctx, ids, 2, llm_ctx_n_ctx(&ctx) - 1, &e), ERR_RANGE);
    int32_t bad = (int32_t)n_vocab;
    CU_ASSERT_EQUAL(llm_decode(&ctx, &bad, 1, 0, &e), ERR_INVALID);
    CU_ASSERT(strlen(e.msg) > 0);
    CU_ASSERT_EQUAL(llm_token_piece(&model, bad, false, piece, sizeof piece, &n_piece, &e), ERR_INVALID);
    CU_ASSERT_EQUAL(llm_decode(&ctx, ids, k, 0, &e), ERR_OK);
    CU_ASSERT_EQUAL(arena.used_bytes, ctx.work.used_bytes); /* working memory given back */

    /* fast attention reads the same cache: switched mid-sequence, then back, exact gives its bits again */
    float *exact = malloc(n_vocab * sizeof *exact);
    memcpy(exact, llm_logits(&ctx), n_vocab * sizeof *exact);
    CU_ASSERT_EQUAL(llm_ctx_set_attn(&ctx, (kern_attn_t)2, &e), ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "attention mode 2"));
    CU_ASSERT_EQUAL_FATAL(llm_ctx_set_attn(&ctx, KERN_ATTN_FAST, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(llm_decode(&ctx, ids + k - 1, 1, k - 1, &e), ERR_OK);
    double num = 0, den = 0;
    for (uint32_t i = 0; i < n_vocab; i++)
        num += (double)(llm_logits(&ctx)[i] - exact[i]) * (llm_logits(&ctx)[i] - exact[i]), den += (double)exact[i] * exact[i];
    CU_ASSERT(num / den < 1e-4);
    CU_ASSERT_EQUAL_FATAL(llm_ctx_set_attn(&ctx, KERN_ATTN_EXACT, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(llm_decode(&ctx, ids + k - 1, 1, k - 1, &e), ERR_OK);
    CU_ASSERT_EQUAL(memcmp(exact, llm_logits(&ctx), n_vocab * sizeof *exact), 0);
    free(exact);
}

/*
 * llm_tune at the selected level: each pick holds a kernel of a level at
 * most the selected one that the report timed, every other slot is as
 * kern_init left it, and the scratch is given back.
 */
static void tune_and_check(arena_t *a)
{
    kern_table_t before = *kern(), at;
    kern_tune_report_t rep;
    err_t e;
    size_t used = a->used_bytes;
    CU_ASSERT_EQUAL_FATAL(llm_tune(a, &rep, &e), ERR_OK);
    CU_ASSERT_EQUAL(a->used_bytes, used);
    arena_stats_t st;
    arena_get_stats(a, &st);
    CU_ASSERT(st.high_water_bytes - used <= KERN_TUNE_SCRATCH_BYTES); /* the scratch it promises (a fresh arena) */
    kern_table_t now = *kern();
    for (uint32_t i = 0; i < rep.n_picks; i++) {
        const kern_tune_pick_t *p = &rep.picks[i];
        CU_ASSERT(p->n_candidates >= 2 && p->level <= before.level && p->ns[p->level] > 0);
        kern_table_build(p->level, &at);
        if (p->tile) {
            CU_ASSERT(now.formats[p->type].tile.run == at.formats[p->type].tile.run);
            now.formats[p->type].tile = before.formats[p->type].tile;
        } else {
            CU_ASSERT(now.formats[p->type].vec_dot == at.formats[p->type].vec_dot);
            now.formats[p->type].vec_dot = before.formats[p->type].vec_dot;
        }
        char line[200];
        CU_ASSERT(llm_tune_describe(p, line, sizeof line) < sizeof line && strstr(line, kern_level_name(p->level)));
    }
    CU_ASSERT_EQUAL(memcmp(&now, &before, sizeof now), 0); /* nothing else moved */
    if (before.level == KERN_SCALAR)
        CU_ASSERT_EQUAL(rep.n_picks, 0); /* one candidate per slot: nothing to time */
}

/* The KV cache of fixture_logits: its types, attention path and the model's head size (0: the fixture's). */
typedef struct cache_setup {
    kv_types_t types;
    kern_attn_t attn;
    uint32_t head_dim;
} cache_setup_t;

#define DEFAULT_CACHE ((cache_setup_t){ KV_TYPES_DEFAULT, KERN_ATTN_EXACT, 0 })

/* Logits of 8 tokens through the tiny model with weights of type t, at kernel level `level` (tuned, if tune). */
static void fixture_logits(quant_type_t t, kern_level_t level, bool tune, cache_setup_t c, float *logits)
{
    fixture_opts_t o = fixture_defaults();
    o.weight_type = t;
    o.head_dim = c.head_dim;
    size_t len;
    err_t e;
    uint8_t *b = fixture_tiny_llama(&o, &len);
    arena_t a;
    arena_init(&a, malloc(ARENA_BYTES), ARENA_BYTES);
    llm_model_t m;
    kv_cache_t kv;
    kv_seq_t seq;
    static const int32_t tokens[8] = { 1, 5, 9, 2, 7, 7, 3, 11 };
    kern_level_t before = kern_level();
    kern_init(level);
    if (tune)
        tune_and_check(&a);
    CU_ASSERT_EQUAL_FATAL(llm_model_load(&m, b, len, &a, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(kv_cache_init(&kv, &m.model.hp, 16, c.types, &a, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(kv_seq_init(&seq, 16, &a, &e), ERR_OK);
    kv.attn = c.attn;
    CU_ASSERT_EQUAL(transformer_forward(&m.model, &kv, &seq, tokens, 8, 0, true, logits, &a, &e), ERR_OK);
    kern_init(before);
    free(a.base);
    free(b);
}

/*
 * Every kernel level this CPU has gives the scalar logits bit for bit (on
 * aarch64: NEON and SDOT dots), and so does each level after llm_tune;
 * and so does fast attention over Q8_0 and Q4_0 caches (two query heads
 * per KV head: the grouped kernels where a level has them).
 */
static void test_kernel_levels_agree(void)
{
    static const quant_type_t types[] = { QUANT_Q4_0, QUANT_Q4_1, QUANT_Q8_0 };
    size_t n = 8 * (size_t)model.model.hp.n_vocab;
    float *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
    kern_level_t best = kern_level();
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        fixture_logits(types[i], KERN_SCALAR, false, DEFAULT_CACHE, want);
        for (kern_level_t l = KERN_SCALAR; l <= best; l++) {
            if (l > KERN_SCALAR) {
                fixture_logits(types[i], l, false, DEFAULT_CACHE, got);
                CU_ASSERT_EQUAL(memcmp(want, got, n * sizeof *got), 0);
            }
            if (i == 0) { /* the tuner is slow under valgrind: one format's model is enough */
                fixture_logits(types[i], l, true, DEFAULT_CACHE, got);
                CU_ASSERT_EQUAL(memcmp(want, got, n * sizeof *got), 0);
            }
        }
    }
    static const quant_type_t caches[] = { QUANT_Q8_0, QUANT_Q4_0 };
    for (size_t i = 0; i < sizeof caches / sizeof caches[0]; i++) {
        cache_setup_t c = { { caches[i], caches[i], false }, KERN_ATTN_FAST, 32 };
        fixture_logits(QUANT_Q4_0, KERN_SCALAR, false, c, want);
        for (kern_level_t l = KERN_NEON; l <= best; l++) {
            fixture_logits(QUANT_Q4_0, l, false, c, got);
            CU_ASSERT_EQUAL(memcmp(want, got, n * sizeof *got), 0);
        }
    }
    free(want);
    free(got);
}

/* Too little scratch: refused, the table unchanged. */
static void test_tune_refusal(void)
{
    kern_table_t before = *kern();
    static uint8_t small[1024];
    arena_t a;
    err_t e;
    arena_init(&a, small, sizeof small);
    CU_ASSERT_EQUAL(llm_tune(&a, NULL, &e), before.level == KERN_SCALAR ? ERR_OK : ERR_NOMEM);
    CU_ASSERT_EQUAL(a.used_bytes, 0);
    CU_ASSERT_EQUAL(memcmp(&before, kern(), sizeof before), 0);
}

TEST_REGISTER(test_llm_register)
{
    CU_pSuite s = test_suite_with("llm", setup, teardown);
    TEST_ADD(s, test_greedy_generation);
    TEST_ADD(s, test_stops_and_refusals);
    TEST_ADD(s, test_arena_too_small);
    TEST_ADD(s, test_high_water_is_stable);
    TEST_ADD(s, test_kernel_levels_agree);
    TEST_ADD(s, test_tune_refusal);
    TEST_ADD(s, test_peek_and_describe);
    TEST_ADD(s, test_low_layer);
}
