/*
 * The model description on synthetic files: hyper-parameters, tensor roles,
 * tied and separate output, the metadata accessor, and each refusal (other
 * architecture, missing key or tensor, wrong shape, inconsistent sizes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/model.h"
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

static void test_arena_too_small_for_layers(void)
{
    fixture_opts_t o = fixture_defaults();
    model_t m;
    err_t e;
    open_fixture(&o);
    arena_t tiny;
    uint8_t buf[64];
    arena_init(&tiny, buf, sizeof buf);
    CU_ASSERT_EQUAL(model_load(&m, &file, &tiny, &e), ERR_NOMEM);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "asked for"));
    close_fixture();
}

TEST_REGISTER(test_model_register)
{
    CU_pSuite s = test_suite("model");
    TEST_ADD(s, test_tied_model);
    TEST_ADD(s, test_separate_output_and_quantized);
    TEST_ADD(s, test_refusals);
    TEST_ADD(s, test_arena_too_small_for_layers);
}
