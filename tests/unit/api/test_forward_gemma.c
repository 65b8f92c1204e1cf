/*
 * The forward pass against llama.cpp on Gemma 3 270M (Q4_K_M, a second
 * model family): for every prompt of tests/ref/gemma_prompts.txt, two of
 * them longer than the 512-position window of the sliding-window layers,
 * every position's logits must be bit-identical to llama.cpp's (the SHA-256
 * of the float32 row; on a mismatch the top logits are compared to say how
 * far), and the 64 greedy tokens equal, each chosen by bit-identical logits.
 * Also ggml's GELU table, which the loader builds with our own tanhf: every
 * entry equal (a NaN input gives a NaN, whose payload may differ).
 * Goldens: tests/golden/gemma/ (tests/ref/make_gemma_goldens.py). The
 * prompts run in chunks of CHUNK positions (each position's result does not
 * depend on the batch it is in). forward_gemma_short checks the short
 * prompts and 4 greedy tokens each, for qemu-aarch64's NEON levels.
 *
 * forward_kv_q8_0 holds a Q8_0 key cache (F16 values) to llama.cpp's
 * -ctk q8_0 the same way, queries and keys rotated as llama.cpp rotates
 * them by default: SmolLM2 Q4_0 on the same prompts, 32 greedy tokens each
 * (tests/golden/kvcache/, tests/ref/make_kvcache_goldens.py);
 * forward_kv_q8_0_plain without the rotation (LLAMA_ATTN_ROT_DISABLE=1);
 * forward_kv_q8_0_short its short prompts, for qemu-aarch64.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_file.h"
#include "kernel/lib/sha256.h"
#include "llm/transformer.h"
#include "tests/unit/api/golden_reader.h"
#include "tests/unit/suites.h"

#define GOLDEN_DIR "tests/golden/gemma/"

/* A model, its goldens and the cache they were made with. */
typedef struct golden_case {
    const char *name, *model, *golden;
    kv_types_t types;
    bool gelu; /* also check the GELU table against GOLDEN_DIR "gelu_f16.bin" */
} golden_case_t;

static const golden_case_t gemma = { "gemma-3-270m-q4_k_m", "test_models/gemma-3-270m-q4_k_m.gguf",
                                     GOLDEN_DIR "gemma-3-270m-q4_k_m.bin", { QUANT_F16, QUANT_F16, false }, true };
static const golden_case_t smollm2_ctk_q8_0 = { "smollm2-135m-q4_0, K cache Q8_0 (rotated)",
                                                "test_models/smollm2-135m-q4_0.gguf",
                                                "tests/golden/kvcache/smollm2-135m-q4_0-ctk-q8_0-rot.bin",
                                                { QUANT_Q8_0, QUANT_F16, false }, false };
static const golden_case_t smollm2_ctk_q8_0_plain = { "smollm2-135m-q4_0, K cache Q8_0 (plain)",
                                                      "test_models/smollm2-135m-q4_0.gguf",
                                                      "tests/golden/kvcache/smollm2-135m-q4_0-ctk-q8_0.bin",
                                                      { QUANT_Q8_0, QUANT_F16, true }, false };
#define N_CTX 1024
#define CHUNK 64
#define TOP_K 8
#define ROW_BYTES (8 + 32 + 8 * TOP_K)

typedef struct gemma_stats {
    int rows, rows_equal, gen_tokens;
} gemma_stats_t;

/* One logits row against its golden record (ROW_BYTES); where says which. */
static void check_row(const float *ours, uint32_t n_vocab, const uint8_t *rec, const char *where, gemma_stats_t *st)
{
    uint8_t digest[SHA256_DIGEST_BYTES];
    sha256_t sh;
    int32_t want;
    memcpy(&want, rec, 4);
    sha256_init(&sh);
    sha256_update(&sh, ours, (size_t)n_vocab * sizeof *ours);
    sha256_final(&sh, digest);
    st->rows++;
    if (memcmp(digest, rec + 8, 32) == 0) {
        st->rows_equal++;
        return;
    }
    float worst = 0.0f;
    for (int i = 0; i < TOP_K; i++) {
        int32_t id;
        float v;
        memcpy(&id, rec + 40 + 4 * i, 4);
        memcpy(&v, rec + 40 + 4 * TOP_K + 4 * i, 4);
        float d = id >= 0 && (uint32_t)id < n_vocab ? ours[id] - v : 1e30f;
        worst = d < 0 ? (-d > worst ? -d : worst) : (d > worst ? d : worst);
    }
    CU_FAIL("logits differ from llama.cpp's");
    fprintf(stderr, "\n  %s: logits not bit-identical (argmax %d, llama.cpp %d; largest difference on its top %d: %g)\n",
            where, argmax(ours, n_vocab), want, TOP_K, (double)worst);
}

typedef struct gemma_run {
    host_gguf_t h;
    model_t m;
    kv_cache_t kv;
    kv_seq_t seq;
    arena_t scratch;
    float *logits; /* CHUNK rows */
} gemma_run_t;

/* One prompt record (when run; else it is only read past), at most max_gen of its greedy tokens; false if it could not be read. */
static bool check_prompt(gemma_run_t *g, reader_t *r, uint32_t index, bool run, uint32_t max_gen, gemma_stats_t *st)
{
    uint32_t n_vocab = g->m.hp.n_vocab, n_bytes = take_u32(r);
    take(r, (n_bytes + 3) & ~3u);
    uint32_t n = take_u32(r);
    const uint8_t *tok = take(r, 4 * (size_t)n);
    const uint8_t *rows = take(r, (size_t)n * ROW_BYTES);
    uint32_t n_gen = take_u32(r);
    const uint8_t *gen = take(r, (size_t)n_gen * (4 + ROW_BYTES));
    if (!r->ok || n == 0 || n + n_gen > N_CTX)
        return false;
    if (!run)
        return true;
    int32_t *tokens = malloc(sizeof *tokens * n);
    memcpy(tokens, tok, 4 * (size_t)n);
    char where[96];
    err_t e;
    for (uint32_t at = 0; at < n; at += CHUNK) {
        uint32_t len = n - at < CHUNK ? n - at : CHUNK;
        CU_ASSERT_EQUAL_FATAL(transformer_forward(&g->m, &g->kv, &g->seq, tokens + at, len, at, true, g->logits,
                                                  &g->scratch, &e), ERR_OK);
        for (uint32_t i = 0; i < len; i++) {
            snprintf(where, sizeof where, "prompt %u position %u", index, at + i);
            check_row(g->logits + (size_t)i * n_vocab, n_vocab, rows + (size_t)(at + i) * ROW_BYTES, where, st);
        }
    }
    /* Greedy continuation from the last prompt row, one token at a time. */
    memmove(g->logits, g->logits + (size_t)((n - 1) % CHUNK) * n_vocab, n_vocab * sizeof *g->logits);
    for (uint32_t k = 0; k < n_gen && k < max_gen; k++) {
        const uint8_t *rec = gen + (size_t)k * (4 + ROW_BYTES);
        int32_t want, ours = argmax(g->logits, n_vocab);
        memcpy(&want, rec, 4);
        snprintf(where, sizeof where, "prompt %u generated token %u", index, k);
        check_row(g->logits, n_vocab, rec + 4, where, st);
        if (ours != want) {
            CU_FAIL("greedy token differs from llama.cpp's");
            fprintf(stderr, "\n  %s: %d, llama.cpp %d\n", where, ours, want);
            break;
        }
        st->gen_tokens++;
        if (k + 1 < n_gen && k + 1 < max_gen)
            CU_ASSERT_EQUAL_FATAL(transformer_forward(&g->m, &g->kv, &g->seq, &ours, 1, n + k, false, g->logits,
                                                      &g->scratch, &e), ERR_OK);
    }
    free(tokens);
    return true;
}

/*
 * The prompts below max_prompt_tokens (all: UINT32_MAX) and up to max_gen
 * greedy tokens of each; every whole run also checks the GELU table.
 */
static void check_golden(const golden_case_t *c, uint32_t max_prompt_tokens, uint32_t max_gen)
{
    gemma_run_t g;
    err_t e;
    CU_ASSERT_EQUAL_FATAL(host_gguf_open(&g.h, "\n  (`make models` fetches the model)", c->model, 32u << 20), 0);
    CU_ASSERT_EQUAL_FATAL(model_load(&g.m, &g.h.file, &g.h.arena, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(kv_cache_init(&g.kv, &g.m.hp, N_CTX, c->types, &g.h.arena, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(kv_seq_init(&g.seq, N_CTX, &g.h.arena, &e), ERR_OK);
    host_arena_init(&g.scratch, 256u << 20);
    uint32_t n_vocab = g.m.hp.n_vocab;
    g.logits = malloc((size_t)CHUNK * n_vocab * sizeof *g.logits);

    size_t size;
    int gelu_diff = 0, gelu_nan = 0;
    if (c->gelu) { /* ggml's GELU table, built by the loader with our tanhf */
        uint8_t *gelu = host_read_file(GOLDEN_DIR "gelu_f16.bin", &size);
        CU_ASSERT_TRUE_FATAL(gelu && size == 65536 * 2 && g.m.gelu_f16);
        for (uint32_t i = 0; i < 65536; i++) {
            uint16_t want = (uint16_t)(gelu[2 * i] | gelu[2 * i + 1] << 8), got = g.m.gelu_f16[i];
            bool both_nan = (want & 0x7fff) > 0x7c00 && (got & 0x7fff) > 0x7c00; /* NaN payloads may differ */
            gelu_nan += both_nan && want != got;
            gelu_diff += want != got && !both_nan;
        }
        CU_ASSERT_EQUAL(gelu_diff, 0);
        free(gelu);
    }

    uint8_t digest[SHA256_DIGEST_BYTES];
    sha256_t sh;
    sha256_init(&sh);
    sha256_update(&sh, g.h.blob, g.h.len);
    sha256_final(&sh, digest);
    uint8_t *blob = host_read_file(c->golden, &size);
    reader_t r = { blob, size, 0, blob != NULL };
    const uint8_t *magic = take(&r, 4);
    CU_ASSERT_TRUE_FATAL(magic && memcmp(magic, "GMLG", 4) == 0 && take_u32(&r) == 1);
    CU_ASSERT_EQUAL_FATAL(take_u32(&r), n_vocab);
    uint32_t n_prompts = take_u32(&r);
    CU_ASSERT_EQUAL_FATAL(take_u32(&r), TOP_K);
    const uint8_t *sha = take(&r, 32);
    CU_ASSERT_TRUE_FATAL(sha && memcmp(sha, digest, 32) == 0); /* goldens made from this very file */
    gemma_stats_t st = { 0 };
    uint32_t checked = 0;
    for (uint32_t i = 0; i < n_prompts; i++) {
        reader_t peek = r; /* the prompt's token count, to skip the long ones */
        take(&peek, (take_u32(&peek) + 3) & ~3u);
        uint32_t n = take_u32(&peek);
        CU_ASSERT_TRUE_FATAL(check_prompt(&g, &r, i, n < max_prompt_tokens, max_gen, &st));
        checked += n < max_prompt_tokens;
    }
    CU_ASSERT(n_prompts >= 10 && checked >= 8);
    CU_ASSERT(r.ok && r.off == r.size);
    fprintf(stderr, "\n  %s: %u prompts, %d of %d logits rows bit-identical to llama.cpp's, %d greedy tokens equal",
            c->name, n_prompts, st.rows_equal, st.rows, st.gen_tokens);
    if (c->gelu)
        fprintf(stderr, "; GELU table: %d entries differ (and %d NaNs by payload)", gelu_diff, gelu_nan);
    fprintf(stderr, "\n");
    CU_ASSERT_EQUAL(st.rows_equal, st.rows);
    free(blob);
    free(g.logits);
    host_arena_free(&g.scratch);
    host_gguf_close(&g.h);
}

static void test_gemma(void)
{
    check_golden(&gemma, UINT32_MAX, UINT32_MAX);
}

static void test_kv_q8_0(void)
{
    check_golden(&smollm2_ctk_q8_0, UINT32_MAX, UINT32_MAX);
}

static void test_kv_q8_0_plain(void)
{
    check_golden(&smollm2_ctk_q8_0_plain, UINT32_MAX, UINT32_MAX);
}

/* Its short prompts and 4 greedy tokens each, for qemu-aarch64 (the keys' scores through the level's tiles). */
static void test_kv_q8_0_short(void)
{
    check_golden(&smollm2_ctk_q8_0, 64, 4);
}

/* The short prompts and 4 greedy tokens each: small enough for qemu-aarch64 at every NEON level. */
static void test_gemma_short(void)
{
    check_golden(&gemma, 64, 4);
}

TEST_REGISTER(test_forward_gemma_register)
{
    TEST_ADD(test_suite("forward_gemma"), test_gemma);
    TEST_ADD(test_suite("forward_gemma_short"), test_gemma_short);
    TEST_ADD(test_suite("forward_kv_q8_0"), test_kv_q8_0);
    TEST_ADD(test_suite("forward_kv_q8_0_plain"), test_kv_q8_0_plain);
    TEST_ADD(test_suite("forward_kv_q8_0_short"), test_kv_q8_0_short);
}
