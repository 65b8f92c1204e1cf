/*
 * The model description on synthetic files: hyper-parameters, tensor roles,
 * tied and separate output, the metadata accessor, and each refusal (other
 * architecture, missing key or tensor, wrong shape, inconsistent sizes);
 * the gemma3 family's description (its pieces, windowed layers, RoPE bases,
 * head size, scales) and, end to end, what a sliding window and soft-capping
 * do to the logits.
 */
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/model.h"
#include "llm/support/mathf.h"
#include "llm/transformer.h"
#include "tests/unit/suites.h"
#include "tests/fixtures/model_fixture.h"

static uint8_t arena_buf[1u << 20];
static arena_t arena;
static uint8_t *blob;
static gguf_file_t file;

/* Writes and parses a fixture; the model is then loaded by the caller. */
static void open_fixture(const fixture_opts_t *o)
{
    size_t len;
    err_t e;
    arena_init(&arena, arena_buf, sizeof arena_buf);
    blob = fixture_tiny_llama(o, &len);
    CU_ASSERT_EQUAL_FATAL(gguf_parse(&file, blob, len, &arena, &e), ERR_OK);
}

static void close_fixture(void)
{
    free(blob);
    blob = NULL;
}

static void expect_load_error(const fixture_opts_t *o, err_code_t code, const char *frag)
{
    model_t m;
    err_t e = { 0 };
    open_fixture(o);
    size_t used = arena.used_bytes;
    CU_ASSERT_EQUAL(model_load(&m, &file, &arena, &e), code);
    CU_ASSERT_EQUAL(arena.used_bytes, used);
    if (!strstr(e.msg, frag)) {
        CU_FAIL("error message lacks the expected text");
        fprintf(stderr, "\n  message: '%s', wanted '%s'\n", e.msg, frag);
    }
    close_fixture();
}

static void test_tied_model(void)
{
    fixture_opts_t o = fixture_defaults();
    model_t m;
    err_t e;
    open_fixture(&o);
    CU_ASSERT_EQUAL_FATAL(model_load(&m, &file, &arena, &e), ERR_OK);
    CU_ASSERT_TRUE(str_view_eq_cstr(m.arch, "llama"));
    CU_ASSERT_EQUAL(m.hp.n_embd, 64);
    CU_ASSERT_EQUAL(m.hp.n_head, 4);
    CU_ASSERT_EQUAL(m.hp.n_head_kv, 2);
    CU_ASSERT_EQUAL(m.hp.head_dim, 16);
    CU_ASSERT_EQUAL(m.hp.n_rot, 16);
    CU_ASSERT_EQUAL(m.hp.n_ff, 96);
    CU_ASSERT_EQUAL(m.hp.n_layer, 2);
    CU_ASSERT_EQUAL(m.hp.n_vocab, 128); /* from the token list: no llama.vocab_size */
    CU_ASSERT_EQUAL(m.hp.n_ctx_train, 256);
    CU_ASSERT_TRUE(m.tied_embeddings);
    CU_ASSERT_PTR_EQUAL(m.output, m.token_embd);
    CU_ASSERT_PTR_EQUAL(m.layers[1].ffn_down, gguf_find_tensor(&file, "blk.1.ffn_down.weight"));
    CU_ASSERT_EQUAL(m.layers[1].attn_k->ne[1], 32);

    model_info_t info;
    model_get_info(&m, &info);
    CU_ASSERT_EQUAL(info.n_layer, 2);
    CU_ASSERT_EQUAL(info.n_vocab, 128);
    CU_ASSERT_STRING_EQUAL(info.file_type_name, "unknown");
    /* 128*64 embedding + 64 norm + 2 layers of (2*64 norms + 64*64*2 + 64*32*2 + 3*64*96). */
    CU_ASSERT_EQUAL(info.n_params, 128 * 64 + 64 + 2 * (2 * 64 + 64 * 64 * 2 + 64 * 32 * 2 + 3 * 64 * 96));
    CU_ASSERT_EQUAL(info.weight_bytes, info.n_params * 4);
    close_fixture();
}

static void test_separate_output_and_quantized(void)
{
    fixture_opts_t o = fixture_defaults();
    o.tied = false;
    o.weight_type = QUANT_Q8_0;
    model_t m;
    err_t e;
    open_fixture(&o);
    CU_ASSERT_EQUAL_FATAL(model_load(&m, &file, &arena, &e), ERR_OK);
    CU_ASSERT_FALSE(m.tied_embeddings);
    CU_ASSERT_PTR_EQUAL(m.output, gguf_find_tensor(&file, "output.weight"));
    CU_ASSERT_EQUAL(m.output->format->type, QUANT_Q8_0);
    CU_ASSERT_EQUAL(m.layers[0].attn_norm->format->type, QUANT_F32);
    close_fixture();
}

static void test_refusals(void)
{
    fixture_opts_t o = fixture_defaults();
    o.arch = "gpt2";
    expect_load_error(&o, ERR_UNSUPPORTED, "architecture 'gpt2' is not supported");

    o = fixture_defaults();
    o.omit_key = "llama.block_count";
    expect_load_error(&o, ERR_NOT_FOUND, "'llama.block_count' not found");

    o = fixture_defaults();
    o.omit_tensor = "blk.1.attn_v.weight";
    expect_load_error(&o, ERR_NOT_FOUND, "tensor 'blk.1.attn_v.weight' is missing");

    o = fixture_defaults();
    o.reshape_tensor = "blk.0.ffn_up.weight";
    expect_load_error(&o, ERR_FORMAT, "'blk.0.ffn_up.weight' has shape [64, 97, 1, 1] (2 dims), expected [64, 96]");

    o = fixture_defaults();
    o.omit_tensor = "output_norm.weight";
    expect_load_error(&o, ERR_NOT_FOUND, "'output_norm.weight' is missing");

    o = fixture_defaults();
    o.n_head_kv = 3; /* 4 heads are not a multiple of 3 KV heads */
    expect_load_error(&o, ERR_FORMAT, "head_count is not a multiple of head_count_kv");
}

/* A file claiming 4 billion blocks is refused by its count of tensors, before any allocation, naming the key. */
static void test_huge_block_count(void)
{
    fixture_opts_t o = fixture_defaults();
    size_t len;
    model_t m;
    err_t e = { 0 };
    uint8_t *b = fixture_tiny_llama(&o, &len);
    static const char key[] = "llama.block_count";
    uint8_t *at = memmem(b, len, key, sizeof key - 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    uint32_t huge = 4000000000u;
    memcpy(at + sizeof key - 1 + 4, &huge, 4); /* after the key: the u32 type, then the value */
    arena_init(&arena, arena_buf, sizeof arena_buf);
    CU_ASSERT_EQUAL_FATAL(gguf_parse(&file, b, len, &arena, &e), ERR_OK);
    size_t used = arena.used_bytes;
    CU_ASSERT_EQUAL(model_load(&m, &file, &arena, &e), ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "llama.block_count is 4000000000 but the file has"));
    CU_ASSERT_EQUAL(arena.used_bytes, used);
    CU_ASSERT_EQUAL(arena.n_failed, 0); /* refused before asking the arena */
    free(b);
}

static void test_arena_too_small_for_layers(void)
{
    fixture_opts_t o = fixture_defaults();
    model_t m;
    err_t e;
    open_fixture(&o);
    arena_t tiny;
    static uint8_t buf[64]; /* static: a stack buffer would stay poisoned for ASan after the arena */
    arena_init(&tiny, buf, sizeof buf);
    CU_ASSERT_EQUAL(model_load(&m, &file, &tiny, &e), ERR_NOMEM);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "asked for"));
    close_fixture();
}

static fixture_opts_t gemma_opts(void)
{
    fixture_opts_t o = fixture_defaults();
    o.arch = "gemma3";
    o.n_layer = 7;
    o.head_dim = 32; /* not n_embd / n_head = 16 */
    o.n_swa = 8;
    o.rope_base = 1e6f; /* global layers; windowed ones take rope.freq_base_swa's default, 10000 */
    return o;
}

static void test_gemma3_family(void)
{
    fixture_opts_t o = gemma_opts();
    model_t m;
    err_t e;
    open_fixture(&o);
    CU_ASSERT_EQUAL_FATAL(model_load(&m, &file, &arena, &e), ERR_OK);
    CU_ASSERT_STRING_EQUAL(m.family->arch, "gemma3");
    CU_ASSERT(m.family->qk_norm && m.family->post_norms && m.family->embd_scale && m.family->q_prescale);
    CU_ASSERT_EQUAL(m.hp.head_dim, 32);
    CU_ASSERT_EQUAL(m.hp.n_rot, 32);
    CU_ASSERT(m.hp.attn_scale == 1.0f / sqrtf(32.0f));
    CU_ASSERT_EQUAL(m.hp.n_swa, 8);
    CU_ASSERT_EQUAL(m.hp.n_swa_layers, 6); /* layers 0-4 and 6 windowed, 5 global (pattern 6) */
    for (uint32_t il = 0; il < 7; il++) {
        CU_ASSERT_EQUAL(m.layers[il].swa, il != 5);
        CU_ASSERT(m.layers[il].rope_freq_base == (il == 5 ? 1e6f : 10000.0f)); /* file base 1e6, swa default 1e4 */
        CU_ASSERT_PTR_NOT_NULL(m.layers[il].attn_q_norm);
        CU_ASSERT_PTR_NOT_NULL(m.layers[il].ffn_post_norm);
    }
    CU_ASSERT_PTR_NOT_NULL(m.gelu_f16);
    char d[192];
    model_describe_family(&m, d, sizeof d);
    CU_ASSERT_STRING_EQUAL(d, "rope neox base 1000000, window 8 on 6 of 7 layers (base 10000), ffn gelu, qk-norm, "
                              "post-norms, embd x sqrt(64), head 32, query scale 0.176777, tied output");
    close_fixture();

    o = fixture_defaults(); /* llama has none of these pieces */
    open_fixture(&o);
    CU_ASSERT_EQUAL_FATAL(model_load(&m, &file, &arena, &e), ERR_OK);
    CU_ASSERT(m.layers[0].attn_q_norm == NULL && m.layers[0].attn_post_norm == NULL && !m.layers[0].swa);
    CU_ASSERT_PTR_NULL(m.gelu_f16);
    model_describe_family(&m, d, sizeof d);
    CU_ASSERT_STRING_EQUAL(d, "rope norm base 10000, ffn silu, head 16, score scale 0.250000, tied output");
    close_fixture();
}

static void test_gemma3_refusals(void)
{
    fixture_opts_t o = gemma_opts();
    o.omit_tensor = "blk.3.attn_k_norm.weight";
    expect_load_error(&o, ERR_NOT_FOUND, "tensor 'blk.3.attn_k_norm.weight' is missing");
    o = gemma_opts();
    o.rope_scaling = "linear";
    expect_load_error(&o, ERR_UNSUPPORTED, "key 'gemma3.rope.scaling.type' asks for what we do not implement");
    o = gemma_opts();
    o.head_dim = 33;
    expect_load_error(&o, ERR_FORMAT, "key_length must be even");
    o = gemma_opts();
    o.omit_key = "gemma3.embedding_length";
    expect_load_error(&o, ERR_NOT_FOUND, "'gemma3.embedding_length' not found");
    o = fixture_defaults(); /* a hostile name reaches the message escaped: no terminal control gets through */
    o.arch = "\x1b[2J\x1b[Hllama\n";
    expect_load_error(&o, ERR_UNSUPPORTED, "architecture '\\x1b[2J\\x1b[Hllama\\n' is not supported");
    o = gemma_opts();
    o.arch = "gemma2";
    expect_load_error(&o, ERR_UNSUPPORTED, "architecture 'gemma2' is not supported (we run: llama, gemma3)");
}

/* Logits of tokens[0 .. n) at every position of a 1-layer model, written to out (n rows). */
static void forward_all(const fixture_opts_t *o, const int32_t *tokens, uint32_t n, float *out)
{
    model_t m;
    err_t e;
    kv_cache_t kv;
    kv_seq_t seq;
    arena_t scratch;
    static uint8_t scratch_buf[4u << 20];
    open_fixture(o);
    CU_ASSERT_EQUAL_FATAL(model_load(&m, &file, &arena, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(kv_cache_init(&kv, &m.hp, 32, KV_TYPES_DEFAULT, &arena, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(kv_seq_init(&seq, 32, &arena, &e), ERR_OK);
    arena_init(&scratch, scratch_buf, sizeof scratch_buf);
    CU_ASSERT_EQUAL_FATAL(transformer_forward(&m, &kv, &seq, tokens, n, 0, true, out, &scratch, &e), ERR_OK);
    close_fixture();
}

/*
 * One windowed layer sees the last n_swa positions only: a token outside
 * every later position's window changes none of their logits, and changes
 * those whose window holds it. Soft-capping bounds every logit by the cap.
 */
static void test_gemma3_window_and_softcap(void)
{
    enum { N = 12, W = 4, V = 128 };
    static float a[N * V], b[N * V];
    int32_t t1[N], t2[N];
    for (uint32_t i = 0; i < N; i++)
        t1[i] = t2[i] = (int32_t)(10 + 7 * i);
    t2[2] = 99; /* seen by positions 2 .. 2 + W - 1 */
    fixture_opts_t o = gemma_opts();
    o.n_layer = 1;
    o.n_swa = W;
    o.swa_every_layer = true;
    forward_all(&o, t1, N, a);
    forward_all(&o, t2, N, b);
    for (uint32_t p = 0; p < N; p++) {
        bool differs = memcmp(a + p * V, b + p * V, V * sizeof(float)) != 0;
        CU_ASSERT_EQUAL(differs, p >= 2 && p < 2 + W);
    }
    o.swa_every_layer = false; /* the one layer global (pattern 6: the last of a run of six): all later positions see it */
    o.n_swa = 0;
    forward_all(&o, t1, N, a);
    forward_all(&o, t2, N, b);
    CU_ASSERT(memcmp(a + (N - 1) * V, b + (N - 1) * V, V * sizeof(float)) != 0);

    float cap = 0.5f, worst = 0.0f;
    o.softcap = cap;
    forward_all(&o, t1, N, b);
    for (uint32_t i = 0; i < N * V; i++) {
        worst = fabsf(b[i]) > worst ? fabsf(b[i]) : worst;
        CU_ASSERT(b[i] == math_tanhf(a[i] / cap) * cap || b[i] == math_tanhf(a[i] * (1.0f / cap)) * cap);
    }
    CU_ASSERT(worst > 0.0f && worst <= cap);
}

TEST_REGISTER(test_model_register)
{
    CU_pSuite s = test_suite("model");
    TEST_ADD(s, test_tied_model);
    TEST_ADD(s, test_separate_output_and_quantized);
    TEST_ADD(s, test_refusals);
    TEST_ADD(s, test_arena_too_small_for_layers);
    TEST_ADD(s, test_huge_block_count);
    TEST_ADD(s, test_gemma3_family);
    TEST_ADD(s, test_gemma3_refusals);
    TEST_ADD(s, test_gemma3_window_and_softcap);
}
