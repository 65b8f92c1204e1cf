/*
 * The GGUF parser on files made by our own writer: every value type, typed
 * getters, tensor views; then hostile files — truncated at every byte,
 * crafted counts, lengths, dimensions, types and offsets, random corruption —
 * each refused with its error, the arena left as it was (valgrind checks that
 * nothing outside the blob is read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/gguf/gguf.h"
#include "tests/unit/suites.h"
#include "tests/fixtures/gguf_writer.h"

static uint8_t arena_buf[1u << 20];
static arena_t arena;

static void fresh_arena(void)
{
    arena_init(&arena, arena_buf, sizeof arena_buf);
}

static float f32_data[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
static uint8_t q8_data[2 * 34];

/* A small valid file with every value type and three tensors. */
static uint8_t *make_valid(uint32_t version, uint32_t alignment, size_t *len)
{
    gguf_writer_t w;
    gw_init(&w, version);
    if (alignment)
        gw_set_alignment(&w, alignment);
    gw_kv_str(&w, "general.architecture", "llama");
    gw_kv_u32(&w, "test.u32", 4000000000u);
    gw_kv_i32(&w, "test.i32", -7);
    gw_kv_u64(&w, "test.u64", 1ull << 40);
    gw_kv_f32(&w, "test.f32", 0.5f);
    gw_kv_bool(&w, "test.bool", true);
    uint8_t u8 = 200;
    gw_kv_raw(&w, "test.u8", GGUF_TYPE_UINT8, &u8, 1);
    double f64 = 2.25;
    gw_kv_raw(&w, "test.f64", GGUF_TYPE_FLOAT64, &f64, 8);
    const char *words[] = { "alpha", "", "gamma\xe2\x96\x81" };
    gw_kv_str_array(&w, "test.words", words, 3);
    int32_t ints[4] = { -1, 0, 1, 1 << 30 };
    gw_kv_array(&w, "test.ints", GGUF_TYPE_INT32, 4, ints, sizeof ints);
    /* An array of two arrays of u8: [[1, 2], [3]]. */
    uint8_t nested[] = { 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3 };
    gw_kv_array(&w, "test.nested", GGUF_TYPE_ARRAY, 2, nested, sizeof nested);

    for (size_t i = 0; i < sizeof q8_data; i++)
        q8_data[i] = (uint8_t)(i * 13);
    gw_tensor(&w, "f32.weight", 2, (const uint64_t[]){ 4, 3 }, QUANT_F32, f32_data, sizeof f32_data, GW_AUTO_OFFSET);
    gw_tensor(&w, "q8.weight", 2, (const uint64_t[]){ 32, 2 }, QUANT_Q8_0, q8_data, sizeof q8_data, GW_AUTO_OFFSET);
    gw_tensor(&w, "vec", 1, (const uint64_t[]){ 3 }, QUANT_F32, f32_data, 12, GW_AUTO_OFFSET);
    uint8_t *blob = gw_finish(&w, len);
    gw_free(&w);
    return blob;
}

static void test_valid_file(void)
{
    fresh_arena();
    for (uint32_t version = 2; version <= 3; version++) {
        size_t len;
        uint8_t *blob = make_valid(version, 0, &len);
        gguf_file_t g;
        err_t e;
        CU_ASSERT_EQUAL_FATAL(gguf_parse(&g, blob, len, &arena, &e), ERR_OK);
        CU_ASSERT_EQUAL(g.version, version);
        CU_ASSERT_EQUAL(g.n_kv, 11);
        CU_ASSERT_EQUAL(g.n_tensors, 3);
        CU_ASSERT_EQUAL(g.alignment, 32);
        CU_ASSERT_EQUAL(g.data_start % 32, 0);
        CU_ASSERT(g.arena_bytes > 0 && g.arena_bytes == arena.used_bytes);

        const gguf_tensor_t *t = gguf_find_tensor(&g, "f32.weight");
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT_EQUAL(t->n_dims, 2);
        CU_ASSERT_EQUAL(t->ne[0], 4);
        CU_ASSERT_EQUAL(t->ne[1], 3);
        CU_ASSERT_EQUAL(t->ne[2], 1);
        CU_ASSERT_EQUAL(t->n_elems, 12);
        CU_ASSERT_EQUAL(t->n_bytes, 48);
        CU_ASSERT_EQUAL(t->format->type, QUANT_F32);
        CU_ASSERT_PTR_EQUAL(t->data, blob + t->data_offset); /* a view, not a copy */
        CU_ASSERT_EQUAL(memcmp(t->data, f32_data, 48), 0);
        t = gguf_find_tensor(&g, "q8.weight");
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT_EQUAL(t->n_bytes, 68);
        CU_ASSERT_EQUAL(t->data_offset % 32, 0);
        CU_ASSERT_EQUAL(memcmp(t->data, q8_data, 68), 0);
        CU_ASSERT_PTR_NULL(gguf_find_tensor(&g, "f32"));
        arena_reset(&arena);
        free(blob);
    }
}

static void test_getters(void)
{
    fresh_arena();
    size_t len;
    uint8_t *blob = make_valid(3, 64, &len);
    gguf_file_t g;
    err_t e;
    CU_ASSERT_EQUAL_FATAL(gguf_parse(&g, blob, len, &arena, &e), ERR_OK);
    CU_ASSERT_EQUAL(g.alignment, 64);
    CU_ASSERT_EQUAL(g.data_start % 64, 0);

    uint32_t u32;
    uint64_t u64;
    int32_t i32;
    float f;
    bool b;
    str_view_t s;
    CU_ASSERT_EQUAL(gguf_get_u32(&g, "test.u32", &u32, &e), ERR_OK);
    CU_ASSERT_EQUAL(u32, 4000000000u);
    CU_ASSERT_EQUAL(gguf_get_u32(&g, "test.u8", &u32, &e), ERR_OK); /* narrower integers widen */
    CU_ASSERT_EQUAL(u32, 200);
    CU_ASSERT_EQUAL(gguf_get_u64(&g, "test.u64", &u64, &e), ERR_OK);
    CU_ASSERT_EQUAL(u64, 1ull << 40);
    CU_ASSERT_EQUAL(gguf_get_i32(&g, "test.i32", &i32, &e), ERR_OK);
    CU_ASSERT_EQUAL(i32, -7);
    CU_ASSERT_EQUAL(gguf_get_f32(&g, "test.f32", &f, &e), ERR_OK);
    CU_ASSERT_EQUAL(f, 0.5f);
    CU_ASSERT_EQUAL(gguf_get_f32(&g, "test.f64", &f, &e), ERR_OK);
    CU_ASSERT_EQUAL(f, 2.25f);
    CU_ASSERT_EQUAL(gguf_get_bool(&g, "test.bool", &b, &e), ERR_OK);
    CU_ASSERT_TRUE(b);
    CU_ASSERT_EQUAL(gguf_get_str(&g, "general.architecture", &s, &e), ERR_OK);
    CU_ASSERT_TRUE(str_view_eq_cstr(s, "llama"));

    /* Missing keys, wrong types, values that do not fit. */
    CU_ASSERT_EQUAL(gguf_get_u32(&g, "llama.block_count", &u32, &e), ERR_NOT_FOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "'llama.block_count' not found"));
    CU_ASSERT_EQUAL(gguf_get_u32(&g, "general.architecture", &u32, &e), ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "'general.architecture'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "is STRING, expected UINT32"));
    CU_ASSERT_EQUAL(gguf_get_u32(&g, "test.i32", &u32, &e), ERR_RANGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "-7 does not fit UINT32"));
    CU_ASSERT_EQUAL(gguf_get_u32(&g, "test.u64", &u32, &e), ERR_RANGE);
    CU_ASSERT_EQUAL(gguf_get_i32(&g, "test.u32", &i32, &e), ERR_RANGE);
    CU_ASSERT_EQUAL(gguf_get_str(&g, "test.f32", &s, &e), ERR_FORMAT);
    CU_ASSERT_EQUAL(gguf_get_bool(&g, "test.u8", &b, &e), ERR_FORMAT);

    const gguf_kv_t *kv;
    CU_ASSERT_EQUAL(gguf_get_array(&g, "test.words", GGUF_TYPE_INT32, &kv, &e), ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "is ARRAY of STRING, expected ARRAY of INT32"));
    CU_ASSERT_EQUAL_FATAL(gguf_get_array(&g, "test.words", GGUF_TYPE_STRING, &kv, &e), ERR_OK);
    gguf_array_iter_t it;
    gguf_array_begin(kv, &it);
    const char *want[] = { "alpha", "", "gamma\xe2\x96\x81" };
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_TRUE_FATAL(gguf_array_next_str(&it, &s));
        CU_ASSERT_TRUE(str_view_eq_cstr(s, want[i]));
    }
    CU_ASSERT_FALSE(gguf_array_next_str(&it, &s));
    CU_ASSERT_EQUAL_FATAL(gguf_get_array(&g, "test.ints", GGUF_TYPE_INT32, &kv, &e), ERR_OK);
    CU_ASSERT_EQUAL(gguf_array_number(kv, 0), -1.0);
    CU_ASSERT_EQUAL(gguf_array_number(kv, 3), (double)(1 << 30));
    CU_ASSERT_EQUAL(gguf_array_number(kv, 4), 0.0); /* out of range */
    CU_ASSERT_EQUAL(gguf_get_array(&g, "test.nested", GGUF_TYPE_ARRAY, &kv, &e), ERR_OK);
    CU_ASSERT_EQUAL(kv->n_elems, 2);
    arena_reset(&arena);
    free(blob);
}

/* Parses a crafted file and checks the refusal: code, message fragments, arena untouched. */
static void expect_refused(const uint8_t *blob, size_t len, err_code_t code, const char *frag1, const char *frag2)
{
    gguf_file_t g;
    err_t e = { 0 };
    size_t used = arena.used_bytes;
    err_code_t rc = gguf_parse(&g, blob, len, &arena, &e);
    CU_ASSERT_EQUAL(rc, code);
    CU_ASSERT_EQUAL(arena.used_bytes, used);
    if (frag1 && !strstr(e.msg, frag1)) {
        CU_FAIL("message lacks the first fragment");
        fprintf(stderr, "\n  message: %s (wanted '%s')\n", e.msg, frag1);
    }
    if (frag2 && !strstr(e.msg, frag2)) {
        CU_FAIL("message lacks the second fragment");
        fprintf(stderr, "\n  message: %s (wanted '%s')\n", e.msg, frag2);
    }
}

static void test_truncated_everywhere(void)
{
    fresh_arena();
    size_t len;
    uint8_t *blob = make_valid(3, 0, &len);
    for (size_t n = 0; n < len; n++) {
        /* A fresh copy of exactly n bytes, so valgrind flags any read past it. */
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, blob, n);
        gguf_file_t g;
        err_t e = { 0 };
        err_code_t rc = gguf_parse(&g, cut, n, &arena, &e);
        CU_ASSERT_EQUAL(rc, ERR_FORMAT);
        CU_ASSERT(e.msg[0] != '\0');
        CU_ASSERT_EQUAL(arena.used_bytes, 0);
        free(cut);
    }
    free(blob);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static void test_header_refusals(void)
{
    fresh_arena();
    size_t len;
    uint8_t *blob = make_valid(3, 0, &len);
    uint8_t *bad = malloc(len);

    memcpy(bad, blob, len);
    bad[0] = 'X';
    expect_refused(bad, len, ERR_FORMAT, "not a GGUF file", "byte 0");
    memcpy(bad, blob, len);
    put32(bad + 4, 1);
    expect_refused(bad, len, ERR_UNSUPPORTED, "version 1", "only 2 and 3");
    put32(bad + 4, 0x03000000);
    expect_refused(bad, len, ERR_UNSUPPORTED, "big-endian", NULL);
    put32(bad + 4, 4);
    expect_refused(bad, len, ERR_UNSUPPORTED, "version 4", NULL);
    memcpy(bad, blob, len);
    put64(bad + 8, UINT64_MAX);
    expect_refused(bad, len, ERR_FORMAT, "tensor count", "byte 8");
    memcpy(bad, blob, len);
    put64(bad + 16, 1ull << 40);
    expect_refused(bad, len, ERR_FORMAT, "metadata count", "byte 16");
    memcpy(bad, blob, len);
    put64(bad + 24, UINT64_MAX - 3); /* the first key's length */
    expect_refused(bad, len, ERR_FORMAT, "a metadata key at byte 24", NULL);
    free(bad);
    free(blob);
}

/* A file with one metadata entry of the given raw encoding and nothing else. */
static uint8_t *one_kv(uint32_t type, const void *raw, size_t raw_bytes, size_t *len)
{
    gguf_writer_t w;
    gw_init(&w, 3);
    gw_kv_raw(&w, "bad.key", type, raw, raw_bytes);
    uint8_t *blob = gw_finish(&w, len);
    gw_free(&w);
    return blob;
}

static void test_metadata_refusals(void)
{
    fresh_arena();
    size_t len;
    uint8_t *blob;
    uint8_t raw[64] = { 0 };

    blob = one_kv(13, raw, 4, &len);
    expect_refused(blob, len, ERR_FORMAT, "key 'bad.key'", "invalid value type 13");
    free(blob);

    { /* the GGUF spec asks for non-empty keys */
        gguf_writer_t w;
        gw_init(&w, 3);
        gw_kv_u32(&w, "", 7);
        blob = gw_finish(&w, &len);
        gw_free(&w);
        expect_refused(blob, len, ERR_FORMAT, "empty metadata key at byte 24", NULL);
        free(blob);
    }

    put64(raw, 1ull << 62); /* string length */
    blob = one_kv(GGUF_TYPE_STRING, raw, 16, &len);
    expect_refused(blob, len, ERR_FORMAT, "a metadata string", "length 4611686018427387904");
    free(blob);

    put32(raw, GGUF_TYPE_UINT32);
    put64(raw + 4, 1ull << 61); /* array length */
    blob = one_kv(GGUF_TYPE_ARRAY, raw, 20, &len);
    expect_refused(blob, len, ERR_FORMAT, "claims 2305843009213693952 UINT32 elements", "'bad.key'");
    free(blob);

    put32(raw, 99);
    put64(raw + 4, 1);
    blob = one_kv(GGUF_TYPE_ARRAY, raw, 16, &len);
    expect_refused(blob, len, ERR_FORMAT, "invalid element type 99", NULL);
    free(blob);

    /* Arrays nested nine deep, each holding one array. */
    uint8_t deep[12 * 10] = { 0 };
    for (int d = 0; d < 10; d++) {
        put32(deep + 12 * d, d < 9 ? GGUF_TYPE_ARRAY : GGUF_TYPE_UINT8);
        put64(deep + 12 * d + 4, d < 9 ? 1 : 0);
    }
    blob = one_kv(GGUF_TYPE_ARRAY, deep, sizeof deep, &len);
    expect_refused(blob, len, ERR_FORMAT, "nested more than 8 deep", NULL);
    free(blob);

    gguf_writer_t w;
    gw_init(&w, 3);
    gw_kv_u32(&w, "dup", 1);
    gw_kv_u32(&w, "other", 2);
    gw_kv_u32(&w, "dup", 3);
    blob = gw_finish(&w, &len);
    gw_free(&w);
    expect_refused(blob, len, ERR_FORMAT, "duplicate key 'dup'", "first at byte 24");
    free(blob);

    gw_init(&w, 3);
    gw_kv_u32(&w, "general.alignment", 48);
    blob = gw_finish(&w, &len);
    gw_free(&w);
    expect_refused(blob, len, ERR_FORMAT, "alignment 48", "not a power of two");
    free(blob);

    gw_init(&w, 3);
    gw_kv_u64(&w, "general.alignment", 32);
    blob = gw_finish(&w, &len);
    gw_free(&w);
    expect_refused(blob, len, ERR_FORMAT, "general.alignment", "is UINT64, expected UINT32");
    free(blob);
}

/* A file holding the given tensor infos (data zero-filled). */
struct tinfo {
    const char *name;
    uint32_t n_dims;
    uint64_t ne[5];
    uint32_t type;
    size_t n_bytes;
    uint64_t offset;
};

static uint8_t *tensors_file(const struct tinfo *t, size_t n, size_t *len)
{
    gguf_writer_t w;
    gw_init(&w, 3);
    for (size_t i = 0; i < n; i++)
        gw_tensor(&w, t[i].name, t[i].n_dims, t[i].ne, t[i].type, NULL, t[i].n_bytes, t[i].offset);
    uint8_t *blob = gw_finish(&w, len);
    gw_free(&w);
    return blob;
}

static void refuse_tensors(const struct tinfo *t, size_t n, err_code_t code, const char *frag1, const char *frag2)
{
    size_t len;
    uint8_t *blob = tensors_file(t, n, &len);
    expect_refused(blob, len, code, frag1, frag2);
    free(blob);
}

static void test_tensor_refusals(void)
{
    fresh_arena();
    const uint64_t A = GW_AUTO_OFFSET;
    refuse_tensors(&(struct tinfo){ "t0", 0, { 0 }, QUANT_F32, 4, A }, 1, ERR_FORMAT, "tensor 't0'", "n_dims 0");
    refuse_tensors(&(struct tinfo){ "t5", 5, { 1, 1, 1, 1, 1 }, QUANT_F32, 4, A }, 1, ERR_FORMAT, "n_dims 5", NULL);
    refuse_tensors(&(struct tinfo){ "z", 2, { 4, 0 }, QUANT_F32, 0, A }, 1, ERR_FORMAT, "dimension 1 is 0", NULL);
    refuse_tensors(&(struct tinfo){ "big", 3, { 1ull << 20, 1ull << 20, 1ull << 30 }, QUANT_F32, 0, A }, 1, ERR_FORMAT,
                   "'big'", "overflows at dimension 2");
    refuse_tensors(&(struct tinfo){ "u", 1, { 32 }, 200, 32, A }, 1, ERR_FORMAT, "tensor 'u'", "200");
    refuse_tensors(&(struct tinfo){ "iq", 1, { 256 }, 16, 66, A }, 1, ERR_UNSUPPORTED, "tensor 'iq'", "IQ2_XXS");
    refuse_tensors(&(struct tinfo){ "odd", 1, { 33 }, QUANT_Q4_0, 18, A }, 1, ERR_FORMAT, "33 elements",
                   "Q4_0 block");
    refuse_tensors(&(struct tinfo){ "mis", 1, { 4 }, QUANT_F32, 16, 8 }, 1, ERR_FORMAT, "data offset 8",
                   "alignment 32");
    refuse_tensors((struct tinfo[]){ { "a", 1, { 16 }, QUANT_F32, 64, 0 }, { "b", 1, { 16 }, QUANT_F32, 64, 32 } },
                   2, ERR_FORMAT, "'a' and 'b' overlap", NULL);
    refuse_tensors((struct tinfo[]){ { "same", 1, { 4 }, QUANT_F32, 16, A }, { "same", 1, { 4 }, QUANT_F32, 16, A } },
                   2, ERR_FORMAT, "duplicate tensor 'same'", NULL);

    /* Data past the end: a valid info whose bytes were cut off. */
    size_t len;
    uint8_t *blob = tensors_file(&(struct tinfo){ "tail", 1, { 64 }, QUANT_F32, 256, A }, 1, &len);
    expect_refused(blob, len - 1, ERR_FORMAT, "tensor 'tail'", "runs past the end");
    free(blob);
    /* A name with control bytes is quoted safely. */
    refuse_tensors(&(struct tinfo){ "bad\nname\x01", 0, { 0 }, QUANT_F32, 4, A }, 1, ERR_FORMAT, "'bad\\nname\\x01'", NULL);
}

static void test_arena_too_small(void)
{
    size_t len;
    uint8_t *blob = make_valid(3, 0, &len);
    static uint8_t small_buf[256];
    arena_t small;
    arena_init(&small, small_buf, sizeof small_buf);
    gguf_file_t g;
    err_t e;
    CU_ASSERT_EQUAL(gguf_parse(&g, blob, len, &small, &e), ERR_NOMEM);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "out of memory"));
    CU_ASSERT_EQUAL(small.used_bytes, 0);
    free(blob);
}

static void test_random_corruption(void)
{
    fresh_arena();
    size_t len;
    uint8_t *blob = make_valid(3, 0, &len);
    uint8_t *bad = malloc(len);
    uint32_t rng = 12345;
    int n_ok = 0, n_refused = 0;
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(bad, blob, len);
        for (int k = 0; k < 1 + iter % 4; k++) {
            rng = rng * 1103515245u + 12345u;
            size_t at = (rng >> 8) % len;
            rng = rng * 1103515245u + 12345u;
            bad[at] = (uint8_t)(rng >> 16);
        }
        gguf_file_t g;
        err_t e;
        if (gguf_parse(&g, bad, len, &arena, &e) == ERR_OK)
            n_ok++; /* a flip inside string or tensor data is harmless */
        else
            n_refused++;
        arena_reset(&arena);
    }
    CU_ASSERT(n_refused > 100);
    CU_ASSERT(n_ok + n_refused == 3000);
    free(bad);
    free(blob);
}

TEST_REGISTER(test_gguf_register)
{
    CU_pSuite s = test_suite("gguf");
    TEST_ADD(s, test_valid_file);
    TEST_ADD(s, test_getters);
    TEST_ADD(s, test_truncated_everywhere);
    TEST_ADD(s, test_header_refusals);
    TEST_ADD(s, test_metadata_refusals);
    TEST_ADD(s, test_tensor_refusals);
    TEST_ADD(s, test_arena_too_small);
    TEST_ADD(s, test_random_corruption);
}
