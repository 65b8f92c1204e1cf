/*
 * The generation API on the real SmolLM2-135M-Instruct (Q8_0, the fastest of
 * our files on the scalar path): "The capital of France is" continues with
 * " Paris", the chat question "What is 2+2?" is answered with 4, sampling is
 * reproducible (same seed, same text; temperature 0 and top-k 1 equal
 * greedy), four threads sharing one model each get exactly the
 * single-threaded text, a float KV cache gives the same greedy text, and a
 * 500-token generation runs to its end. Natively only (too slow for valgrind).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm.h"
#include "tests/unit/suites.h"
#include "host/host_file.h"

#define MODEL_PATH "test_models/smollm2-135m-q8_0.gguf"
#define CTX_ARENA_BYTES (96u << 20)

static uint8_t *blob;
static size_t blob_len;
static arena_t model_arena;
static llm_model_t model;

static int setup(void)
{
    err_t e;
    blob = host_read_file(MODEL_PATH, &blob_len);
    host_arena_init(&model_arena, 16u << 20);
    if (!blob || llm_model_load(&model, blob, blob_len, &model_arena, &e) != ERR_OK) {
        fprintf(stderr, "\n  %s: %s (`make models` makes it)\n", MODEL_PATH, blob ? e.msg : "missing");
        return -1;
    }
    return 0;
}

static int teardown(void)
{
    host_arena_free(&model_arena);
    free(blob);
    return 0;
}

/* A context in its own arena; the text of one generation or chat turn. */
typedef struct run {
    arena_t arena;
    llm_ctx_t ctx;
    char text[1024];
    llm_result_t res;
    err_code_t rc;
} run_t;

static void open_run_with(run_t *r, uint32_t n_ctx, kv_types_t types)
{
    llm_ctx_params_t p;
    err_t e;
    llm_ctx_params_default(&p);
    p.n_ctx = n_ctx;
    p.type_k = types.k;
    p.type_v = types.v;
    p.kv_plain = types.plain;
    host_arena_init(&r->arena, CTX_ARENA_BYTES);
    CU_ASSERT_EQUAL_FATAL(llm_ctx_init(&r->ctx, &model, &p, &r->arena, &e), ERR_OK);
}

#define F32_TYPES ((kv_types_t){ QUANT_F32, QUANT_F32, false })

static void open_run(run_t *r)
{
    open_run_with(r, 256, KV_TYPES_DEFAULT);
}

static void generate(run_t *r, const char *prompt, const llm_gen_config_t *base)
{
    err_t e;
    llm_gen_config_t c = *base;
    c.text = r->text;
    c.text_cap = sizeof r->text;
    r->rc = llm_generate(&r->ctx, prompt, strlen(prompt), &c, NULL, NULL, &r->res, &e);
}

static llm_gen_config_t config(float temperature, int32_t top_k, uint64_t seed, uint32_t n)
{
    llm_gen_config_t c;
    llm_gen_config_default(&c);
    c.max_tokens = n;
    c.sampling.temperature = temperature;
    c.sampling.top_k = top_k;
    c.sampling.seed = seed;
    return c;
}

static void test_paris(void)
{
    run_t r;
    open_run(&r);
    llm_gen_config_t c = config(0, 40, 1, 4);
    generate(&r, "The capital of France is", &c);
    CU_ASSERT_EQUAL(r.rc, ERR_OK);
    fprintf(stderr, "\n  \"The capital of France is\" ->\"%s\"\n", r.text);
    CU_ASSERT_EQUAL(strncmp(r.text, " Paris", 6), 0);
    host_arena_free(&r.arena);
}

static void test_chat_two_plus_two(void)
{
    run_t r;
    err_t e;
    open_run(&r);
    CU_ASSERT_TRUE_FATAL(model.has_chat);
    CU_ASSERT_STRING_EQUAL(chat_format_name(model.chat), "chatml");
    chat_message_t msgs[] = { { "user", "What is 2+2?" } };
    llm_gen_config_t c = config(0, 40, 1, 32);
    c.text = r.text;
    c.text_cap = sizeof r.text;
    CU_ASSERT_EQUAL(llm_chat(&r.ctx, msgs, 1, &c, NULL, NULL, &r.res, &e), ERR_OK);
    fprintf(stderr, "  chat \"What is 2+2?\" -> \"%s\" (%s)\n", r.text, llm_stop_name(r.res.stop));
    CU_ASSERT_PTR_NOT_NULL(strchr(r.text, '4'));
    CU_ASSERT_EQUAL(r.res.stop, LLM_STOP_EOS); /* it ends its turn with <|im_end|> */
    host_arena_free(&r.arena);
}

static void test_sampling_reproducible(void)
{
    run_t a, b;
    open_run(&a);
    open_run(&b);
    const char *prompt = "Once upon a time";
    llm_gen_config_t s1 = config(0.9f, 40, 1234, 16), s2 = config(0.9f, 40, 99, 16);
    generate(&a, prompt, &s1);
    generate(&b, prompt, &s1);
    CU_ASSERT_STRING_EQUAL(a.text, b.text); /* same seed, same text */
    char first[1024];
    strcpy(first, a.text);
    generate(&b, prompt, &s2);
    CU_ASSERT_STRING_NOT_EQUAL(first, b.text); /* another seed, another text */

    llm_gen_config_t greedy = config(0, 40, 1, 16), zero_t = config(0, 0, 7, 16), top1 = config(1.5f, 1, 7, 16);
    generate(&a, prompt, &greedy);
    strcpy(first, a.text);
    generate(&a, prompt, &zero_t);
    CU_ASSERT_STRING_EQUAL(a.text, first); /* temperature 0 is greedy */
    generate(&a, prompt, &top1);
    CU_ASSERT_STRING_EQUAL(a.text, first); /* top-k 1 is greedy at any temperature */
    host_arena_free(&a.arena);
    host_arena_free(&b.arena);
}

/* The keys and values in float: the same greedy text here, at twice the cache bytes. */
static void test_f32_kv_cache(void)
{
    run_t f16, f32;
    open_run(&f16);
    open_run_with(&f32, 256, F32_TYPES);
    size_t used16 = f16.arena.used_bytes, used32 = f32.arena.used_bytes;
    size_t block16 = kv_cache_block_bytes(&model.model.hp, KV_TYPES_DEFAULT), kv16 = 16 * block16; /* 256 positions */
    CU_ASSERT_EQUAL(kv_cache_block_bytes(&model.model.hp, F32_TYPES), 2 * block16);
    CU_ASSERT(kv_cache_bytes(&model.model.hp, 256, KV_TYPES_DEFAULT) >= kv16);
    CU_ASSERT(used32 >= used16 + kv16);
    llm_gen_config_t c = config(0, 40, 1, 12);
    generate(&f16, "The capital of France is", &c);
    generate(&f32, "The capital of France is", &c);
    CU_ASSERT_EQUAL(f32.rc, ERR_OK);
    fprintf(stderr, "  F32 cache: \"%s\"\n", f32.text);
    CU_ASSERT_EQUAL(strncmp(f32.text, " Paris", 6), 0);
    CU_ASSERT_STRING_EQUAL(f32.text, f16.text);
    host_arena_free(&f16.arena);
    host_arena_free(&f32.arena);
}

/*
 * Block-quantized caches (llama.cpp's --cache-type-k/-v q8_0, q4_0): the
 * bytes per position the formats say, a context that fits in less arena,
 * and the same answer to a factual prompt with exact and fast attention.
 */
static void test_block_kv_caches(void)
{
    const model_hparams_t *hp = &model.model.hp;
    const struct {
        kv_types_t types;
        size_t k_block, v_block; /* bytes per 32 values */
    } cases[] = {
        { { QUANT_Q8_0, QUANT_Q8_0, false }, 34, 34 },
        { { QUANT_Q4_0, QUANT_Q4_0, false }, 18, 18 },
        { { QUANT_Q8_0, QUANT_F16, false }, 34, 64 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t per_pos = (size_t)hp->n_layer * hp->n_head_kv * hp->head_dim / 32 * (cases[i].k_block + cases[i].v_block);
        CU_ASSERT_EQUAL(kv_cache_pos_bytes(hp, cases[i].types), per_pos);
        CU_ASSERT(kv_cache_pos_bytes(hp, cases[i].types) < kv_cache_pos_bytes(hp, KV_TYPES_DEFAULT));
        for (int fast = 0; fast < 2; fast++) {
            run_t r;
            err_t e;
            open_run_with(&r, 256, cases[i].types);
            CU_ASSERT_EQUAL(llm_ctx_set_attn(&r.ctx, fast ? KERN_ATTN_FAST : KERN_ATTN_EXACT, &e), ERR_OK);
            llm_gen_config_t c = config(0, 40, 1, 12);
            generate(&r, "The capital of France is", &c);
            CU_ASSERT_EQUAL(r.rc, ERR_OK);
            fprintf(stderr, "  K %s, V %s, %s: \"%s\"\n", quant_type_name(cases[i].types.k),
                    quant_type_name(cases[i].types.v), fast ? "fast" : "exact", r.text);
            CU_ASSERT_EQUAL(strncmp(r.text, " Paris", 6), 0);
            host_arena_free(&r.arena);
        }
    }
}

/* Cache types the engine cannot hold are refused by name, before any allocation. */
static void test_kv_type_refused(void)
{
    llm_ctx_params_t p;
    llm_ctx_t ctx;
    arena_t a;
    err_t e;
    llm_ctx_params_default(&p);
    host_arena_init(&a, CTX_ARENA_BYTES);
    quant_type_t bad[] = { QUANT_Q4_1, QUANT_Q6_K, QUANT_BF16, (quant_type_t)99 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p.type_k = i % 2 ? QUANT_F16 : bad[i];
        p.type_v = i % 2 ? bad[i] : QUANT_F16;
        CU_ASSERT_EQUAL(llm_ctx_init(&ctx, &model, &p, &a, &e), ERR_INVALID);
        CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, i % 2 ? "value type" : "key type"));
        CU_ASSERT_EQUAL(a.used_bytes, 0);
    }
    host_arena_free(&a);
}

typedef struct stream {
    char text[8192];
    size_t len, calls;
} stream_t;

static bool collect(void *user, const char *text, size_t len)
{
    stream_t *s = user;
    if (s->len + len < sizeof s->text) {
        memcpy(s->text + s->len, text, len);
        s->len += len;
        s->text[s->len] = 0;
    }
    s->calls++;
    return true;
}

/* A 500-token sampled generation: all 500 tokens, streamed text equal to the result, the context's memory unchanged. */
static void test_long_generation(void)
{
    static char text[8192];
    static stream_t st;
    run_t r;
    err_t e;
    open_run_with(&r, 600, KV_TYPES_DEFAULT);
    size_t used = r.arena.used_bytes;
    llm_gen_config_t c = config(0.8f, 40, 5, 500);
    c.text = text;
    c.text_cap = sizeof text;
    const char *prompt = "Chapter 1. The old lighthouse keeper";
    r.rc = llm_generate(&r.ctx, prompt, strlen(prompt), &c, collect, &st, &r.res, &e);
    CU_ASSERT_EQUAL_FATAL(r.rc, ERR_OK);
    fprintf(stderr, "  500 tokens: stop %s, %u generated, %zu bytes, %.1f tok/s\n", llm_stop_name(r.res.stop),
            r.res.n_generated, r.res.text_len, r.res.n_generated / (r.res.decode_us / 1e6));
    CU_ASSERT_EQUAL(r.res.stop, LLM_STOP_MAX_TOKENS);
    CU_ASSERT_EQUAL(r.res.n_generated, 500);
    CU_ASSERT_EQUAL(st.len, r.res.text_len);
    CU_ASSERT_STRING_EQUAL(st.text, text);
    CU_ASSERT(st.calls > 100);
    CU_ASSERT_EQUAL(r.arena.used_bytes, used); /* scratch released */
    CU_ASSERT(r.res.arena_high_water <= r.arena.capacity_bytes);
    host_arena_free(&r.arena);
}

static void *thread_main(void *arg)
{
    run_t *r = arg;
    llm_gen_config_t c = config(0.7f, 40, 42, 12);
    generate(r, "The quick brown fox", &c);
    return NULL;
}

static void test_threads_share_one_model(void)
{
    run_t single, threads[4];
    pthread_t tid[4];
    open_run(&single);
    thread_main(&single);
    CU_ASSERT_EQUAL_FATAL(single.rc, ERR_OK);
    for (int i = 0; i < 4; i++) {
        open_run(&threads[i]);
        CU_ASSERT_EQUAL_FATAL(pthread_create(&tid[i], NULL, thread_main, &threads[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(tid[i], NULL);
        CU_ASSERT_EQUAL(threads[i].rc, ERR_OK);
        CU_ASSERT_STRING_EQUAL(threads[i].text, single.text);
        host_arena_free(&threads[i].arena);
    }
    host_arena_free(&single.arena);
}

TEST_REGISTER(test_generate_real_register)
{
    CU_pSuite s = test_suite_with("smollm2_generate", setup, teardown);
    TEST_ADD(s, test_paris);
    TEST_ADD(s, test_chat_two_plus_two);
    TEST_ADD(s, test_sampling_reproducible);
    TEST_ADD(s, test_threads_share_one_model);
    TEST_ADD(s, test_f32_kv_cache);
    TEST_ADD(s, test_block_kv_caches);
    TEST_ADD(s, test_kv_type_refused);
    TEST_ADD(s, test_long_generation);
}
