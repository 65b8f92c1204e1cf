/*
 * The tokenizers against external references, token for token, on the
 * corpus in tests/golden/tokenizer/ (600+ strings and a 100 KB document):
 * SmolLM2's GPT-2 BPE against llama.cpp (llama-cpp-python), with and without
 * special-token parsing, and the Llama 2 SentencePiece vocabulary (a GGUF our
 * llama2c-vocab tool writes) against the sentencepiece package (and against
 * llama.cpp for invalid UTF-8, which sentencepiece cannot take). Then
 * decode(encode(text)) == text, the streaming decoder, and bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/tokenizer/tokenizer.h"
#include "llm/tokenizer/unicode.h"
#include "tests/unit/suites.h"
#include "tests/fixtures/gguf_writer.h"
#include "host/host_file.h"

#define GOLDEN_DIR "tests/golden/tokenizer/"
#define SCRATCH_BYTES (64u << 20)
#define MAX_IDS (1u << 18)
#define NOT_APPLICABLE 0xffffffffu

typedef struct corpus {
    uint8_t *file;
    size_t n;
    const uint8_t **text;
    uint32_t *len, *category;
} corpus_t;

typedef struct golden {
    uint8_t *file;
    const uint8_t **ids; /* per entry: little-endian int32s, or NULL when not applicable */
    uint32_t *n_ids;
} golden_t;

typedef struct vocab_file {
    host_gguf_t h;
    tok_vocab_t v;
} vocab_file_t;

static corpus_t corpus;
static arena_t scratch;
static int32_t *ids;

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool load_corpus(void)
{
    size_t size;
    corpus.file = host_read_file(GOLDEN_DIR "corpus.bin", &size);
    if (!corpus.file || size < 12 || memcmp(corpus.file, "TKCP", 4) != 0)
        return false;
    corpus.n = rd32(corpus.file + 8);
    corpus.text = calloc(corpus.n, sizeof *corpus.text);
    corpus.len = calloc(corpus.n, sizeof *corpus.len);
    corpus.category = calloc(corpus.n, sizeof *corpus.category);
    size_t off = 12;
    for (size_t i = 0; i < corpus.n; i++) {
        if (off + 8 > size || rd32(corpus.file + off + 4) > size - off - 8)
            return false;
        corpus.category[i] = rd32(corpus.file + off);
        corpus.len[i] = rd32(corpus.file + off + 4);
        corpus.text[i] = corpus.file + off + 8;
        off += 8 + corpus.len[i];
    }
    return true;
}

static bool load_golden(const char *name, golden_t *g)
{
    size_t size;
    char path[128];
    snprintf(path, sizeof path, GOLDEN_DIR "%s", name);
    g->file = host_read_file(path, &size);
    if (!g->file || size < 12 || memcmp(g->file, "TKGD", 4) != 0 || rd32(g->file + 8) != corpus.n)
        return false;
    g->ids = calloc(corpus.n, sizeof *g->ids);
    g->n_ids = calloc(corpus.n, sizeof *g->n_ids);
    size_t off = 12;
    for (size_t i = 0; i < corpus.n; i++) {
        if (off + 4 > size)
            return false;
        g->n_ids[i] = rd32(g->file + off);
        off += 4;
        if (g->n_ids[i] == NOT_APPLICABLE)
            continue;
        if (g->n_ids[i] > (size - off) / 4)
            return false;
        g->ids[i] = g->file + off;
        off += 4 * (size_t)g->n_ids[i];
    }
    return true;
}

static void free_golden(golden_t *g)
{
    free(g->file);
    free(g->ids);
    free(g->n_ids);
}

static bool open_vocab(const char *path, vocab_file_t *vf)
{
    err_t e;
    if (host_gguf_open(&vf->h, "\n  tokenizer test (`make models` makes the model files)", path, 32u << 20) != 0)
        return false;
    if (tok_load(&vf->v, &vf->h.file, &vf->h.arena, &e) != ERR_OK) {
        fprintf(stderr, "\n  %s: %s\n", path, e.msg);
        host_gguf_close(&vf->h);
        return false;
    }
    return true;
}

static int setup(void)
{
    host_arena_init(&scratch, SCRATCH_BYTES);
    ids = malloc(MAX_IDS * sizeof *ids);
    return load_corpus() && scratch.base && ids ? 0 : -1;
}

static int teardown(void)
{
    host_arena_free(&scratch);
    free(ids);
    free(corpus.file);
    free(corpus.text);
    free(corpus.len);
    free(corpus.category);
    return 0;
}

/* Encodes every corpus entry and compares with the golden; prints the first few mismatches. */
static void compare_with_golden(const char *vocab_path, const char *golden_name, bool parse_special)
{
    vocab_file_t vf;
    golden_t g = { 0 };
    CU_ASSERT_TRUE_FATAL(open_vocab(vocab_path, &vf));
    CU_ASSERT_TRUE_FATAL(load_golden(golden_name, &g));
    tok_encode_opts_t opts = { .add_special = false, .parse_special = parse_special };
    size_t n_checked = 0, n_wrong = 0;
    for (size_t i = 0; i < corpus.n; i++) {
        if (!g.ids[i])
            continue;
        size_t n;
        err_t e;
        err_code_t rc = tok_encode(&vf.v, (const char *)corpus.text[i], corpus.len[i], &opts, ids, MAX_IDS, &n,
                                   &scratch, &e);
        CU_ASSERT_EQUAL(scratch.used_bytes, 0);
        bool same = rc == ERR_OK && n == g.n_ids[i];
        for (size_t k = 0; same && k < n; k++)
            same = ids[k] == (int32_t)rd32(g.ids[i] + 4 * k);
        n_checked++;
        if (!same && n_wrong++ < 5) {
            fprintf(stderr, "\n  %s entry %zu (category %u, %u bytes): %zu tokens, want %u:", golden_name, i,
                    corpus.category[i], corpus.len[i], n, g.n_ids[i]);
            for (size_t k = 0; k < n && k < 12; k++)
                fprintf(stderr, " %d/%d", ids[k], k < g.n_ids[i] ? (int32_t)rd32(g.ids[i] + 4 * k) : -1);
        }
    }
    if (n_wrong)
        fprintf(stderr, "\n  %s: %zu of %zu entries differ\n", golden_name, n_wrong, n_checked);
    CU_ASSERT_EQUAL(n_wrong, 0);
    CU_ASSERT(n_checked >= 300);
    free_golden(&g);
    host_gguf_close(&vf.h);
}

static void test_smollm2_matches_llama_cpp(void)
{
    compare_with_golden("test_models/smollm2-135m-q4_1.gguf", "smollm2_plain.bin", false);
}

static void test_smollm2_special_matches_llama_cpp(void)
{
    compare_with_golden("test_models/smollm2-135m-q4_1.gguf", "smollm2_special.bin", true);
}

static void test_llama2_matches_sentencepiece(void)
{
    compare_with_golden("test_models/llama2-vocab.gguf", "llama2.bin", false);
}

/* The only reference for invalid UTF-8 with SentencePiece: llama.cpp itself. */
static void test_llama2_matches_llama_cpp(void)
{
    compare_with_golden("test_models/llama2-vocab.gguf", "llama2_llamacpp.bin", false);
}

/* Our decoding of llama.cpp's ids equals llama.cpp's detokenizer, byte for byte. */
/* Decoding the golden ids of plain_name gives llama.cpp's detokenized bytes (detok_name). */
static void check_decode(const char *vocab_path, const char *plain_name, const char *detok_name)
{
    vocab_file_t vf;
    golden_t g = { 0 };
    size_t size;
    char path[256];
    snprintf(path, sizeof path, GOLDEN_DIR "%s", detok_name);
    uint8_t *detok = host_read_file(path, &size);
    CU_ASSERT_TRUE_FATAL(detok && size >= 12 && memcmp(detok, "TKDT", 4) == 0 && rd32(detok + 8) == corpus.n);
    CU_ASSERT_TRUE_FATAL(open_vocab(vocab_path, &vf));
    CU_ASSERT_TRUE_FATAL(load_golden(plain_name, &g));
    size_t cap = 1u << 20, off = 12, n_checked = 0;
    char *text = malloc(cap);
    for (size_t i = 0; i < corpus.n && off + 4 <= size; i++) {
        uint32_t want = rd32(detok + off);
        off += 4;
        if (want == NOT_APPLICABLE)
            continue;
        if (!g.ids[i]) {
            off += want;
            continue;
        }
        for (uint32_t k = 0; k < g.n_ids[i]; k++)
            ids[k] = (int32_t)rd32(g.ids[i] + 4 * k);
        size_t len;
        err_t e;
        CU_ASSERT_EQUAL_FATAL(tok_decode(&vf.v, ids, g.n_ids[i], false, text, cap, &len, &e), ERR_OK);
        if (len != want || off + want > size || memcmp(text, detok + off, want) != 0) {
            CU_FAIL("decoding differs from llama.cpp's detokenizer");
            fprintf(stderr, "\n  entry %zu: %zu bytes, llama.cpp %u\n", i, len, want);
        }
        off += want;
        n_checked++;
    }
    CU_ASSERT(n_checked >= 590);
    free(text);
    free(detok);
    free_golden(&g);
    host_gguf_close(&vf.h);
}

static void test_smollm2_decode_matches_llama_cpp(void)
{
    check_decode("test_models/smollm2-135m-q4_1.gguf", "smollm2_plain.bin", "smollm2_detok.bin");
}

/*
 * Gemma 3's SentencePiece vocabulary (262,144 tokens, no dummy prefix, 165
 * user-defined tokens cut out of any text, "</s>" typed user-defined but a
 * control token for llama.cpp): ids with and without special tokens and
 * decoding, against llama.cpp (tests/ref/make_gemma_tokenizer_goldens.py).
 */
#define GEMMA_PATH "test_models/gemma-3-270m-q4_k_m.gguf"

static void test_gemma_matches_llama_cpp(void)
{
    compare_with_golden(GEMMA_PATH, "gemma_plain.bin", false);
}

static void test_gemma_special_matches_llama_cpp(void)
{
    compare_with_golden(GEMMA_PATH, "gemma_special.bin", true);
}

static void test_gemma_decode_matches_llama_cpp(void)
{
    check_decode(GEMMA_PATH, "gemma_plain.bin", "gemma_detok.bin");
}

/* The loader's rules by text: "</s>" is a control token, <end_of_turn> the end of turn, both end a generation. */
static void test_gemma_classification(void)
{
    vocab_file_t vf;
    CU_ASSERT_TRUE_FATAL(open_vocab(GEMMA_PATH, &vf));
    CU_ASSERT_EQUAL(vf.v.types[212], TOK_TYPE_CONTROL); /* "</s>", USER_DEFINED in the file */
    CU_ASSERT_EQUAL(vf.v.eot, 106);                     /* "<end_of_turn>" */
    CU_ASSERT(tok_is_eog(&vf.v, 1) && tok_is_eog(&vf.v, 106) && tok_is_eog(&vf.v, 212));
    CU_ASSERT(!tok_is_eog(&vf.v, 2) && !tok_is_eog(&vf.v, 105)); /* <bos>, <start_of_turn> */
    CU_ASSERT_FALSE(vf.v.add_space_prefix);
    host_gguf_close(&vf.h);
}

static bool valid_utf8(const uint8_t *p, size_t n)
{
    for (size_t off = 0, step; off < n; off += step) {
        if (utf8_decode_strict(p + off, n - off, &step) == UNICODE_INVALID)
            return false;
    }
    return true;
}

/* SentencePiece reads a literal U+2581 in the text as a space: such text comes back with spaces. */
static bool has_spm_space_mark(const tok_vocab_t *v, const uint8_t *p, size_t n)
{
    for (size_t i = 0; v->kind == TOK_SPM && i + 2 < n; i++) {
        if (p[i] == 0xe2 && p[i + 1] == 0x96 && p[i + 2] == 0x81)
            return true;
    }
    return false;
}

/*
 * Whether the vocabulary can say every byte of the text: SmolLM2 has no
 * token for some bytes (0x04, 0xF1, ...), which llama.cpp drops, so text
 * holding them cannot come back.
 */
static bool every_byte_has_a_token(const tok_vocab_t *v, const uint8_t *p, size_t n)
{
    for (size_t i = 0; v->kind == TOK_BPE && i < n; i++) {
        uint8_t enc[4];
        uint32_t id;
        size_t k = utf8_encode(unicode_byte_to_cpt(p[i]), enc);
        if (!str_index_find(&v->by_text, (const char *)enc, k, &id))
            return false;
    }
    return true;
}

/* decode(encode(text)) == text and the stream gives the same bytes, each chunk whole UTF-8. */
static void round_trip(const char *vocab_path)
{
    vocab_file_t vf;
    CU_ASSERT_TRUE_FATAL(open_vocab(vocab_path, &vf));
    tok_encode_opts_t opts = { 0 };
    size_t cap = 1u << 20, n_checked = 0;
    char *text = malloc(cap), *streamed = malloc(cap);
    for (size_t i = 0; i < corpus.n; i++) {
        if (!valid_utf8(corpus.text[i], corpus.len[i]) ||
            !every_byte_has_a_token(&vf.v, corpus.text[i], corpus.len[i]) ||
            has_spm_space_mark(&vf.v, corpus.text[i], corpus.len[i]))
            continue;
        size_t n, len, total = 0;
        err_t e;
        CU_ASSERT_EQUAL_FATAL(tok_encode(&vf.v, (const char *)corpus.text[i], corpus.len[i], &opts, ids, MAX_IDS, &n,
                                         &scratch, &e), ERR_OK);
        CU_ASSERT_EQUAL_FATAL(tok_decode(&vf.v, ids, n, false, text, cap, &len, &e), ERR_OK);
        if (len != corpus.len[i] || memcmp(text, corpus.text[i], len) != 0) {
            CU_FAIL("decode(encode(text)) != text");
            fprintf(stderr, "\n  %s entry %zu: %zu bytes back for %u\n", vocab_path, i, len, corpus.len[i]);
        }
        tok_stream_t st;
        tok_stream_init(&st);
        for (size_t k = 0; k < n; k++) {
            size_t got;
            CU_ASSERT_EQUAL_FATAL(tok_stream_push(&vf.v, &st, ids[k], streamed + total, cap - total, &got, &e), ERR_OK);
            CU_ASSERT_TRUE(valid_utf8((const uint8_t *)streamed + total, got)); /* never half a character */
            total += got;
        }
        total += tok_stream_flush(&st, streamed + total, cap - total);
        CU_ASSERT_TRUE(total == len && memcmp(streamed, text, len) == 0);
        n_checked++;
    }
    CU_ASSERT(n_checked >= 300);
    free(text);
    free(streamed);
    host_gguf_close(&vf.h);
}

static void test_round_trip_smollm2(void)
{
    round_trip("test_models/smollm2-135m-q4_1.gguf");
}

static void test_round_trip_llama2(void)
{
    round_trip("test_models/llama2-vocab.gguf");
}

static void test_vocab_and_specials(void)
{
    vocab_file_t vf;
    CU_ASSERT_TRUE_FATAL(open_vocab("test_models/smollm2-135m-q4_1.gguf", &vf));
    const tok_vocab_t *v = &vf.v;
    CU_ASSERT_EQUAL(v->kind, TOK_BPE);
    CU_ASSERT_EQUAL(v->pre, PRETOK_SMOLLM);
    CU_ASSERT_EQUAL(v->n_tokens, 49152);
    CU_ASSERT_EQUAL(v->n_merges, 48900);
    CU_ASSERT_EQUAL(v->bos, 1);
    CU_ASSERT_EQUAL(v->eos, 2);
    CU_ASSERT_FALSE(v->add_bos);
    CU_ASSERT(v->chat_template.len > 100);

    /* "<|im_start|>" is one token only when specials are parsed. */
    const char *text = "<|im_start|>user";
    size_t n;
    err_t e;
    tok_encode_opts_t plain = { 0 }, special = { .parse_special = true };
    CU_ASSERT_EQUAL(tok_encode(v, text, strlen(text), &special, ids, MAX_IDS, &n, &scratch, &e), ERR_OK);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(ids[0], 1 /* <|im_start|> */);
    CU_ASSERT_EQUAL(tok_encode(v, text, strlen(text), &plain, ids, MAX_IDS, &n, &scratch, &e), ERR_OK);
    CU_ASSERT(n > 2);
    CU_ASSERT_NOT_EQUAL(ids[0], 1);

    /* Control tokens render only when asked. */
    char buf[64];
    CU_ASSERT_EQUAL(tok_piece(v, 1, false, buf, sizeof buf, &n, &e), ERR_OK);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(tok_piece(v, 1, true, buf, sizeof buf, &n, &e), ERR_OK);
    CU_ASSERT_TRUE(n == 12 && memcmp(buf, "<|im_start|>", 12) == 0);
    CU_ASSERT_EQUAL(tok_piece(v, 49152, false, buf, sizeof buf, &n, &e), ERR_INVALID);
    CU_ASSERT_EQUAL(tok_piece(v, -1, false, buf, sizeof buf, &n, &e), ERR_INVALID);
    host_gguf_close(&vf.h);
}

static void test_bad_input(void)
{
    vocab_file_t vf;
    CU_ASSERT_TRUE_FATAL(open_vocab("test_models/smollm2-135m-q4_1.gguf", &vf));
    const tok_vocab_t *v = &vf.v;
    tok_encode_opts_t opts = { 0 };
    size_t n, len;
    err_t e;
    char back[64];

    /* NUL bytes are ordinary bytes. */
    const char nul[] = "a\0b\0\0c";
    CU_ASSERT_EQUAL(tok_encode(v, nul, 6, &opts, ids, MAX_IDS, &n, &scratch, &e), ERR_OK);
    CU_ASSERT_EQUAL(tok_decode(v, ids, n, false, back, sizeof back, &len, &e), ERR_OK);
    CU_ASSERT_TRUE(len == 6 && memcmp(back, nul, 6) == 0);

    /* Invalid UTF-8 is tokenized (via U+FFFD), never a crash. */
    const char bad[] = "\xff\xfe\xc3(\xed\xa0\x80\xf0\x9f";
    CU_ASSERT_EQUAL(tok_encode(v, bad, sizeof bad - 1, &opts, ids, MAX_IDS, &n, &scratch, &e), ERR_OK);
    CU_ASSERT(n > 0);

    /* The caller's buffer too small: the count needed, in the message too. */
    const char *text = "The quick brown fox jumps over the lazy dog";
    CU_ASSERT_EQUAL(tok_encode(v, text, strlen(text), &opts, ids, 3, &n, &scratch, &e), ERR_RANGE);
    CU_ASSERT_EQUAL(n, 9);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "needs 9 tokens, the buffer holds 3"));
    CU_ASSERT_EQUAL(tok_decode(v, ids, 3, false, back, 4, &len, &e), ERR_RANGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "needs"));

    /* Scratch too small: refused, and the scratch arena is as it was. */
    arena_t tiny;
    static uint8_t tiny_buf[64];
    arena_init(&tiny, tiny_buf, sizeof tiny_buf);
    CU_ASSERT_EQUAL(tok_encode(v, text, strlen(text), &opts, ids, MAX_IDS, &n, &tiny, &e), ERR_NOMEM);
    CU_ASSERT_EQUAL(tiny.used_bytes, 0);
    host_gguf_close(&vf.h);
}

/*
 * A vocabulary file written in memory and loaded: its bytes (the caller
 * frees them), the arena it is parsed into, the arena's use before
 * tok_load, the parsed file, the vocabulary and the error.
 */
typedef struct written_vocab {
    uint8_t *blob;
    arena_t a;
    size_t parsed_bytes;
    gguf_file_t f;
    tok_vocab_t v;
    err_t e;
} written_vocab_t;

/* Finishes (and frees) the writer, parses the file into a static 64 KiB arena and loads it: tok_load's code. */
static err_code_t load_written(gguf_writer_t *w, written_vocab_t *wv)
{
    static uint8_t buf[1 << 16];
    size_t len;
    wv->blob = gw_finish(w, &len);
    gw_free(w);
    arena_init(&wv->a, buf, sizeof buf);
    wv->e = (err_t){ 0 };
    CU_ASSERT_EQUAL_FATAL(gguf_parse(&wv->f, wv->blob, len, &wv->a, &wv->e), ERR_OK);
    wv->parsed_bytes = wv->a.used_bytes;
    return tok_load(&wv->v, &wv->f, &wv->a, &wv->e);
}

/* A tiny vocabulary file with one thing wrong, loaded, refused with the expected message. */
static void expect_vocab_error(const char *model, const char *pre, uint32_t bos, bool add_bos, size_t n_scores,
                               err_code_t code, const char *frag)
{
    const char *tokens[] = { "<unk>", "<s>", "</s>", "a", "b" };
    float scores[5] = { 0 };
    gguf_writer_t w;
    gw_init(&w, 3);
    if (model)
        gw_kv_str(&w, "tokenizer.ggml.model", model);
    if (pre)
        gw_kv_str(&w, "tokenizer.ggml.pre", pre);
    gw_kv_str_array(&w, "tokenizer.ggml.tokens", tokens, 5);
    gw_kv_array(&w, "tokenizer.ggml.scores", GGUF_TYPE_FLOAT32, n_scores, scores, n_scores * 4);
    gw_kv_str_array(&w, "tokenizer.ggml.merges", tokens, 0);
    if (bos != UINT32_MAX)
        gw_kv_u32(&w, "tokenizer.ggml.bos_token_id", bos);
    gw_kv_bool(&w, "tokenizer.ggml.add_bos_token", add_bos);
    written_vocab_t wv;
    CU_ASSERT_EQUAL(load_written(&w, &wv), code);
    if (code != ERR_OK)
        CU_ASSERT_EQUAL(wv.a.used_bytes, wv.parsed_bytes); /* a refusal gives the arena back */
    if (code != ERR_OK && !strstr(wv.e.msg, frag)) {
        CU_FAIL("tokenizer error message lacks the expected text");
        fprintf(stderr, "\n  message '%s', wanted '%s'\n", wv.e.msg, frag);
    }
    free(wv.blob);
}

/*
 * A Unigram ("t5") vocabulary with the given precompiled_charsmap bytes:
 * loaded with the expected result, and when it loads, hostile text
 * tokenizes without reading outside the file (valgrind and ASan watch).
 */
static void expect_charsmap(const uint8_t *map, size_t n, err_code_t code)
{
    const char *tokens[] = { "<pad>", "</s>", "<unk>", "\xe2\x96\x81", "a", "\xe2\x96\x81" "a", "ab" };
    float scores[7] = { 0, 0, 0, -1, -2, -1.5f, -3 };
    int32_t types[7] = { 3, 3, 2, 1, 1, 1, 4 };
    gguf_writer_t w;
    gw_init(&w, 3);
    gw_kv_str(&w, "tokenizer.ggml.model", "t5");
    gw_kv_str_array(&w, "tokenizer.ggml.tokens", tokens, 7);
    gw_kv_array(&w, "tokenizer.ggml.scores", GGUF_TYPE_FLOAT32, 7, scores, sizeof scores);
    gw_kv_array(&w, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, 7, types, sizeof types);
    gw_kv_array(&w, "tokenizer.ggml.precompiled_charsmap", GGUF_TYPE_UINT8, n, map, n);
    gw_kv_bool(&w, "tokenizer.ggml.add_space_prefix", true);
    written_vocab_t wv;
    CU_ASSERT_EQUAL(load_written(&w, &wv), code);
    if (code == ERR_OK) {
        static const char text[] = "ab a\x01\xff  abab\xe2\x96\x81z";
        tok_encode_opts_t opts = { .add_special = true, .parse_special = true };
        size_t n_ids;
        CU_ASSERT_EQUAL(tok_encode(&wv.v, text, sizeof text - 1, &opts, ids, MAX_IDS, &n_ids, &scratch, &wv.e), ERR_OK);
        CU_ASSERT(n_ids > 1 && ids[n_ids - 1] == 1); /* </s> added */
    }
    free(wv.blob);
}

static void test_unigram_charsmaps(void)
{
    expect_charsmap((const uint8_t *)"\x01\x00\x00", 3, ERR_FORMAT);                      /* no room for the size */
    expect_charsmap((const uint8_t *)"\x64\x00\x00\x00\x00\x00\x00\x00", 8, ERR_FORMAT); /* 100-byte array in 4 */
    /* every node pointing anywhere, replacement offsets past the texts, a text without its NUL */
    uint8_t wild[4 + 64 + 3];
    wild[0] = 64, wild[1] = wild[2] = wild[3] = 0;
    for (size_t i = 4; i < sizeof wild; i++)
        wild[i] = (uint8_t)(i * 37 + 11);
    expect_charsmap(wild, sizeof wild, ERR_OK);
    memset(wild + 4, 0xff, 64);
    expect_charsmap(wild, sizeof wild, ERR_OK);
}

/* A gpt2 vocabulary without tokenizer.ggml.merges: refused, but for kimi-k2 (llama.cpp lets it go without). */
static void test_merges_optional_for_kimi(void)
{
    const char *tokens[] = { "a", "b", "\xc4\xa0" };
    const char *pres[] = { "kimi-k2", "gpt-2" };
    for (int k = 0; k < 2; k++) {
        gguf_writer_t w;
        gw_init(&w, 3);
        gw_kv_str(&w, "tokenizer.ggml.model", "gpt2");
        gw_kv_str(&w, "tokenizer.ggml.pre", pres[k]);
        gw_kv_str_array(&w, "tokenizer.ggml.tokens", tokens, 3);
        written_vocab_t wv;
        CU_ASSERT_EQUAL(load_written(&w, &wv), k == 0 ? ERR_OK : ERR_NOT_FOUND);
        if (k == 0) {
            size_t n;
            tok_encode_opts_t opts = { 0 };
            CU_ASSERT_EQUAL(tok_encode(&wv.v, "ab b", 4, &opts, ids, MAX_IDS, &n, &scratch, &wv.e), ERR_OK);
            CU_ASSERT(n == 4 && ids[0] == 0 && ids[1] == 1 && ids[2] == 2 && ids[3] == 1); /* no merges: characters */
        }
        free(wv.blob);
    }
}

static void test_vocab_refusals(void)
{
    expect_vocab_error("llama", NULL, 1, true, 5, ERR_OK, "");
    expect_vocab_error("gpt2", "smollm", 1, false, 5, ERR_OK, "");
    expect_vocab_error(NULL, NULL, 1, true, 5, ERR_NOT_FOUND, "'tokenizer.ggml.model' not found");
    expect_vocab_error("bert", NULL, 1, true, 5, ERR_OK, "");
    expect_vocab_error("gemma4", NULL, 1, true, 5, ERR_OK, "");
    expect_vocab_error("t5", NULL, 1, true, 5, ERR_OK, "");
    expect_vocab_error("rwkv", NULL, 1, true, 5, ERR_UNSUPPORTED, "'rwkv' is not supported");
    expect_vocab_error("whitespace", "whitespace", 1, false, 5, ERR_OK, "");
    expect_vocab_error("gpt2", "kimi", 1, false, 5, ERR_UNSUPPORTED, "pre-tokenizer 'kimi'");
    expect_vocab_error("gpt2", "klingon", 1, false, 5, ERR_UNSUPPORTED, "pre-tokenizer 'klingon'");
    expect_vocab_error("llama", NULL, 60000, true, 5, ERR_FORMAT, "bos_token_id 60000 is out of range (5 tokens)");
    expect_vocab_error("llama", NULL, 1, true, 4, ERR_FORMAT, "4 scores for 5 tokens");
    expect_vocab_error("gpt2", "smollm", UINT32_MAX, true, 5, ERR_FORMAT, "add_bos_token is set but there is no bos");
}

TEST_REGISTER(test_tokenizer_register)
{
    CU_pSuite s = test_suite_with("tokenizer", setup, teardown);
    TEST_ADD(s, test_vocab_and_specials);
    TEST_ADD(s, test_smollm2_matches_llama_cpp);
    TEST_ADD(s, test_smollm2_special_matches_llama_cpp);
    TEST_ADD(s, test_llama2_matches_sentencepiece);
    TEST_ADD(s, test_llama2_matches_llama_cpp);
    TEST_ADD(s, test_smollm2_decode_matches_llama_cpp);
    TEST_ADD(s, test_round_trip_smollm2);
    TEST_ADD(s, test_round_trip_llama2);
    TEST_ADD(s, test_bad_input);
    TEST_ADD(s, test_vocab_refusals);
    TEST_ADD(s, test_unigram_charsmaps);
    TEST_ADD(s, test_merges_optional_for_kimi);
    /* a 253 MB model file and 6,414 special tokens: natively, not under valgrind (REAL_SUITES) */
    CU_pSuite g = test_suite_with("tokenizer_gemma", setup, teardown);
    TEST_ADD(g, test_gemma_classification);
    TEST_ADD(g, test_gemma_matches_llama_cpp);
    TEST_ADD(g, test_gemma_special_matches_llama_cpp);
    TEST_ADD(g, test_gemma_decode_matches_llama_cpp);
}
