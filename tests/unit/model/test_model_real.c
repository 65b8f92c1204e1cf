/*
 * The real SmolLM2-135M-Instruct files in test_models/ (made by `make
 * models`): the Q4_1 original loads with the expected hyper-parameters and
 * every tensor mapped; every tensor dequantizes to exactly what the `gguf`
 * package computes (SHA-256 of the floats, tests/golden/smollm2_q4_1.txt);
 * and our derived Q4_0/Q8_0 files hold exactly the bytes `gguf`'s quantizer
 * makes. Too slow for valgrind: `make test` runs this suite natively and
 * under qemu-aarch64.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/lib/sha256.h"
#include "llm/model.h"
#include "tests/unit/suites.h"
#include "host/host_file.h"

#define GOLDEN "tests/golden/smollm2_q4_1.txt"

typedef struct loaded {
    host_gguf_t h;
    model_t model;
} loaded_t;

static bool load(const char *path, loaded_t *l)
{
    err_t e;
    if (host_gguf_open(&l->h, "\n  smollm2 (`make models` fetches and derives the models)", path, 8u << 20) != 0)
        return false;
    if (model_load(&l->model, &l->h.file, &l->h.arena, &e) != ERR_OK) {
        fprintf(stderr, "\n  %s: %s\n", path, e.msg);
        host_gguf_close(&l->h);
        return false;
    }
    return true;
}

static void unload(loaded_t *l)
{
    host_gguf_close(&l->h);
}

static void test_hyper_parameters(void)
{
    loaded_t l;
    CU_ASSERT_TRUE_FATAL(load("test_models/smollm2-135m-q4_1.gguf", &l));
    model_info_t info;
    model_get_info(&l.model, &info);
    CU_ASSERT_EQUAL(info.n_layer, 30);
    CU_ASSERT_EQUAL(info.n_embd, 576);
    CU_ASSERT_EQUAL(info.n_head, 9);
    CU_ASSERT_EQUAL(info.n_head_kv, 3);
    CU_ASSERT_EQUAL(info.n_ff, 1536);
    CU_ASSERT_EQUAL(info.n_vocab, 49152);
    CU_ASSERT_EQUAL(info.n_ctx, 8192);
    CU_ASSERT_STRING_EQUAL(info.file_type_name, "Q4_1");
    CU_ASSERT_TRUE(l.model.tied_embeddings);
    CU_ASSERT_EQUAL(l.model.hp.head_dim, 64);
    CU_ASSERT_EQUAL(l.model.hp.n_rot, 64);
    CU_ASSERT_DOUBLE_EQUAL(l.model.hp.rope_freq_base, 100000.0, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(l.model.hp.rms_eps, 1e-5, 1e-12);
    for (uint32_t il = 0; il < info.n_layer; il++)
        CU_ASSERT_PTR_NOT_NULL(l.model.layers[il].ffn_down);
    /* The parser's memory is proportional to the metadata, not the 98 MB of weights. */
    CU_ASSERT(l.h.file.arena_bytes < 2u << 20);

    unsigned long long n_tensors, n_params, bytes;
    FILE *g = fopen(GOLDEN, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    CU_ASSERT_EQUAL(fscanf(g, "model %llu %llu %llu", &n_tensors, &n_params, &bytes), 3);
    fclose(g);
    CU_ASSERT_EQUAL(l.h.file.n_tensors, n_tensors);
    CU_ASSERT_EQUAL(info.n_params, n_params);
    CU_ASSERT_EQUAL(info.weight_bytes, bytes);
    unload(&l);
}

static void sha_of(const void *p, size_t n, char hex[SHA256_HEX_BYTES])
{
    sha256_hex(p, n, hex);
}

/* Every "tensor" line: type, shape and the digest of our dequantized floats. */
static void test_dequantize_matches_gguf(void)
{
    loaded_t l;
    CU_ASSERT_TRUE_FATAL(load("test_models/smollm2-135m-q4_1.gguf", &l));
    FILE *g = fopen(GOLDEN, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    char line[512], name[128], type[16], shape[64], want[80];
    int n_checked = 0;
    while (fgets(line, sizeof line, g)) {
        if (sscanf(line, "tensor %127s %15s %63s %79s", name, type, shape, want) != 4)
            continue;
        const gguf_tensor_t *t = gguf_find_tensor(&l.h.file, name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT_STRING_EQUAL(t->format->name, type);
        char got_shape[64];
        if (t->n_dims == 1)
            snprintf(got_shape, sizeof got_shape, "%llu", (unsigned long long)t->ne[0]);
        else
            snprintf(got_shape, sizeof got_shape, "%llux%llu", (unsigned long long)t->ne[0],
                     (unsigned long long)t->ne[1]);
        CU_ASSERT_STRING_EQUAL(got_shape, shape);
        float *f = malloc((size_t)t->n_elems * sizeof *f);
        t->format->dequantize(t->data, f, (size_t)t->n_elems);
        char got[SHA256_HEX_BYTES];
        sha_of(f, (size_t)t->n_elems * sizeof *f, got);
        free(f);
        if (strcmp(got, want) != 0) {
            CU_FAIL("dequantized tensor differs from gguf.quants.dequantize");
            fprintf(stderr, "\n  %s (%s): got %s\n", name, type, got);
        }
        n_checked++;
    }
    fclose(g);
    CU_ASSERT_EQUAL(n_checked, 272);
    unload(&l);
}

/* Every "requant T" line against the derived file's tensor bytes. */
static void check_derived(const char *path, const char *type, const char *file_type)
{
    loaded_t l;
    CU_ASSERT_TRUE_FATAL(load(path, &l));
    model_info_t info;
    model_get_info(&l.model, &info);
    CU_ASSERT_STRING_EQUAL(info.file_type_name, file_type);
    FILE *g = fopen(GOLDEN, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    char line[512], t_type[16], name[128], want[80];
    int n_checked = 0;
    while (fgets(line, sizeof line, g)) {
        if (sscanf(line, "requant %15s %127s %79s", t_type, name, want) != 3 || strcmp(t_type, type) != 0)
            continue;
        const gguf_tensor_t *t = gguf_find_tensor(&l.h.file, name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT_STRING_EQUAL(t->format->name, type);
        char got[SHA256_HEX_BYTES];
        sha_of(t->data, (size_t)t->n_bytes, got);
        if (strcmp(got, want) != 0) {
            CU_FAIL("requantized tensor differs from gguf.quants.quantize");
            fprintf(stderr, "\n  %s -> %s: got %s\n", name, type, got);
        }
        n_checked++;
    }
    fclose(g);
    CU_ASSERT_EQUAL(n_checked, 211); /* 210 matrices and the token embedding */
    unload(&l);
}

static void test_derived_q4_0(void)
{
    check_derived("test_models/smollm2-135m-q4_0.gguf", "Q4_0", "Q4_0");
}

static void test_derived_q8_0(void)
{
    check_derived("test_models/smollm2-135m-q8_0.gguf", "Q8_0", "Q8_0");
}

/*
 * The real header (1.7 MB of metadata) cut short: every offset in its first
 * 64 KiB, then every 257th byte up to the tensor data. Each must be refused
 * as malformed, with the arena returned.
 */
static void test_truncated_real_header(void)
{
    loaded_t l;
    CU_ASSERT_TRUE_FATAL(load("test_models/smollm2-135m-q4_1.gguf", &l));
    size_t header = (size_t)l.h.file.data_start;
    int n_refused = 0, n_tried = 0;
    for (size_t n = 0; n < header; n += n < (64u << 10) ? 1 : 257) {
        gguf_file_t g;
        err_t e;
        size_t used = l.h.arena.used_bytes;
        n_tried++;
        if (gguf_parse(&g, l.h.blob, n, &l.h.arena, &e) == ERR_FORMAT && l.h.arena.used_bytes == used)
            n_refused++;
        else
            fprintf(stderr, "\n  cut at %zu: not refused cleanly (%s)\n", n, e.msg);
    }
    CU_ASSERT_EQUAL(n_refused, n_tried);
    CU_ASSERT(n_tried > 70000);
    unload(&l);
}

TEST_REGISTER(test_model_real_register)
{
    CU_pSuite s = test_suite("smollm2");
    TEST_ADD(s, test_hyper_parameters);
    TEST_ADD(s, test_dequantize_matches_gguf);
    TEST_ADD(s, test_derived_q4_0);
    TEST_ADD(s, test_derived_q8_0);
    TEST_ADD(s, test_truncated_real_header);
}
