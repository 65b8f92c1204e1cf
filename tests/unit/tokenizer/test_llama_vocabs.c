/*
 * llama.cpp's own tokenizer test set: every vocabulary of its models/
 * folder (test_models/llama-vocabs/, unpacked by `make models` from the
 * llama-cpp-python sdist). For the fifteen with vectors, every string of
 * NAME.gguf.inp encodes (no special tokens added or parsed) to its line of
 * NAME.gguf.out, and those ids decode to llama.cpp's detokenized text
 * (tests/golden/llama_vocabs/detok.txt, tests/ref/make_llama_vocab_goldens.py).
 * The vocabularies without vectors take a related vocabulary's strings and
 * llama.cpp's ids for them (tests/golden/llama_vocabs/NAME.out, same
 * script). Prints "NAME: N/N equal" per vocabulary; a mismatch or a refusal
 * fails with the string, our ids and the expected ones.
 *
 * A second suite, llama_vocabs_stress (run natively: about a second, too
 * slow for valgrind), draws 2000 random strings from the tricky pieces of
 * tests/golden/llama_vocabs/stress_pool.txt and compares the SHA-256 of our
 * ids and texts with llama.cpp's (stress.txt), for every vocabulary and for
 * gpt-2's renamed to pre-tokenizers (and the "whitespace" model) that have
 * no vocabulary here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_file.h"
#include "kernel/lib/sha256.h"
#include "llm/tokenizer/tokenizer.h"
#include "tests/unit/suites.h"

#define VOCAB_DIR "test_models/llama-vocabs/"
#define GOLDEN_DIR "tests/golden/llama_vocabs/"
#define MAX_STRINGS 64
#define MAX_IDS 4096
#define TEXT_BYTES 65536
#define VOCAB_ARENA_BYTES (96u << 20)
#define SCRATCH_BYTES (16u << 20)

/* A vocabulary and where its strings and expected ids come from. */
typedef struct vocab_case {
    const char *name;   /* ggml-vocab-NAME.gguf */
    const char *inp;    /* whose .inp strings */
    bool golden_ids;    /* expected ids from GOLDEN_DIR NAME.out, not the vectors */
} vocab_case_t;

static const vocab_case_t cases[] = {
    { "bert-bge", "bert-bge", false },       { "command-r", "command-r", false },
    { "deepseek-coder", "deepseek-coder", false }, { "deepseek-llm", "deepseek-llm", false },
    { "falcon", "falcon", false },           { "gemma-4", "gemma-4", false },
    { "gpt-2", "gpt-2", false },             { "llama-bpe", "llama-bpe", false },
    { "llama-spm", "llama-spm", false },     { "mpt", "mpt", false },
    { "phi-3", "phi-3", false },             { "qwen2", "qwen2", false },
    { "qwen35", "qwen35", false },           { "refact", "refact", false },
    { "starcoder", "starcoder", false },
    /* no vectors: a related vocabulary's strings, llama.cpp's ids */
    { "aquila", "gpt-2", true },             { "gpt-neox", "mpt", true },
    { "baichuan", "llama-spm", true },        { "nomic-bert-moe", "bert-bge", true },
};

typedef struct strings {
    uint8_t *file;
    size_t n;
    const char *text[MAX_STRINGS];
    size_t len[MAX_STRINGS];
} strings_t;

typedef struct id_lines {
    size_t n;
    int32_t *ids[MAX_STRINGS];
    size_t n_ids[MAX_STRINGS];
} id_lines_t;

static arena_t scratch;
static int32_t ids[MAX_IDS];
static char text_buf[TEXT_BYTES];
static uint8_t *detok_file;
static size_t detok_len;

static int setup(void)
{
    host_arena_init(&scratch, SCRATCH_BYTES);
    detok_file = host_read_file(GOLDEN_DIR "detok.txt", &detok_len);
    if (!detok_file)
        fprintf(stderr, "\n  cannot read " GOLDEN_DIR "detok.txt (run from the repository root)\n");
    return scratch.base && detok_file ? 0 : -1;
}

static int teardown(void)
{
    host_arena_free(&scratch);
    free(detok_file);
    return 0;
}

/* Strings separated by "\n__ggml_vocab_test__\n", as llama.cpp's test-tokenizer-0 reads them. */
static bool read_strings(const char *name, strings_t *s)
{
    static const char sep[] = "\n__ggml_vocab_test__\n";
    const size_t sep_len = sizeof sep - 1;
    char path[256];
    size_t size;
    snprintf(path, sizeof path, VOCAB_DIR "ggml-vocab-%s.gguf.inp", name);
    s->n = 0;
    if (!(s->file = host_read_file(path, &size))) {
        fprintf(stderr, "\n  cannot read %s (`make models` unpacks it)\n", path);
        return false;
    }
    for (size_t pos = 0; pos < size && s->n < MAX_STRINGS;) {
        size_t next = pos;
        while (next + sep_len <= size && memcmp(s->file + next, sep, sep_len) != 0)
            next++;
        if (next + sep_len > size)
            next = size;
        s->text[s->n] = (const char *)s->file + pos;
        s->len[s->n++] = next - pos;
        pos = next == size ? size : next + sep_len;
    }
    return true;
}

/* Lines of space-separated ids; an empty line is no ids. */
static bool read_ids(const char *path, id_lines_t *out)
{
    size_t size;
    uint8_t *file = host_read_file(path, &size);
    out->n = 0;
    if (!file) {
        fprintf(stderr, "\n  cannot read %s\n", path);
        return false;
    }
    char *p = (char *)file, *end = p + size;
    while (p < end && out->n < MAX_STRINGS) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        int32_t *line = calloc(MAX_IDS, sizeof *line);
        size_t k = 0;
        for (char *q = p; q < eol && k < MAX_IDS;) {
            while (q < eol && *q == ' ')
                q++;
            if (q >= eol)
                break;
            line[k++] = (int32_t)strtol(q, &q, 10);
        }
        out->ids[out->n] = line;
        out->n_ids[out->n++] = k;
        p = eol + 1;
    }
    free(file);
    return true;
}

static void free_ids(id_lines_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->ids[i]);
}

/* Unescapes t[0 .. end) (\s \n \t \r \\ \xNN, as the goldens write text) into out; returns the length. */
static size_t unescape(const char *t, const char *end, char *out)
{
    size_t n = 0;
    for (; t < end; t++) {
        if (*t != '\\' || t + 1 >= end) {
            out[n++] = *t;
            continue;
        }
        char c = *++t;
        if (c == 'x' && t + 2 < end) {
            out[n++] = (char)strtol((char[]){ t[1], t[2], 0 }, NULL, 16);
            t += 2;
        } else {
            out[n++] = c == 's' ? ' ' : c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
        }
    }
    return n;
}

/* The golden text of "NAME INDEX ...": the input itself for "=", else the text after "|", unescaped. */
static bool golden_detok(const char *name, size_t index, const strings_t *s, char *out, size_t *out_len)
{
    char key[96];
    int key_len = snprintf(key, sizeof key, "%s %zu ", name, index);
    const char *p = (const char *)detok_file, *end = p + detok_len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if (eol - p >= key_len && memcmp(p, key, (size_t)key_len) == 0) {
            const char *t = p + key_len;
            if (eol - t == 1 && *t == '=') {
                memcpy(out, s->text[index], s->len[index]);
                *out_len = s->len[index];
                return true;
            }
            if (t >= eol || *t++ != '|')
                return false;
            *out_len = unescape(t, eol, out);
            return true;
        }
        p = eol + 1;
    }
    return false;
}

static void print_text(const char *t, size_t n)
{
    fputc('"', stderr);
    for (size_t i = 0; i < n && i < 160; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == '\n')
            fputs("\\n", stderr);
        else if (c < 0x20 || c == '"' || c == '\\')
            fprintf(stderr, "\\x%02x", c);
        else
            fputc(c, stderr);
    }
    fputs(n > 160 ? "\"..." : "\"", stderr);
}

static void print_ids(const char *label, const int32_t *v, size_t n)
{
    fprintf(stderr, "\n      %s (%zu):", label, n);
    for (size_t i = 0; i < n && i < 48; i++)
        fprintf(stderr, " %d", v[i]);
}

/* One vocabulary: every string encoded and decoded; returns whether all were equal. */
static bool check_vocab(const vocab_case_t *c)
{
    char path[256];
    host_gguf_t h;
    tok_vocab_t v;
    err_t e;
    strings_t s = { 0 };
    id_lines_t want = { 0 };
    snprintf(path, sizeof path, VOCAB_DIR "ggml-vocab-%s.gguf", c->name);
    if (host_gguf_open(&h, "\n  llama_vocabs (`make models` unpacks the vocabularies)", path, VOCAB_ARENA_BYTES))
        return false;
    if (tok_load(&v, &h.file, &h.arena, &e) != ERR_OK) {
        fprintf(stderr, "\n  %s: refused: %s", c->name, e.msg);
        host_gguf_close(&h);
        return false;
    }
    if (c->golden_ids)
        snprintf(path, sizeof path, GOLDEN_DIR "%s.out", c->name);
    else
        snprintf(path, sizeof path, VOCAB_DIR "ggml-vocab-%s.gguf.out", c->name);
    bool ok = read_strings(c->inp, &s) && read_ids(path, &want) && want.n == s.n && s.n > 0;
    size_t n_equal = 0, n_decoded = 0;
    tok_encode_opts_t opts = { .add_special = false, .parse_special = false };
    for (size_t i = 0; ok && i < s.n; i++) {
        size_t n = 0, n_text = 0, n_golden = 0;
        err_code_t rc = tok_encode(&v, s.text[i], s.len[i], &opts, ids, MAX_IDS, &n, &scratch, &e);
        bool same = rc == ERR_OK && n == want.n_ids[i] && memcmp(ids, want.ids[i], n * sizeof *ids) == 0;
        n_equal += same;
        if (!same) {
            fprintf(stderr, "\n    %s string %zu ", c->name, i);
            print_text(s.text[i], s.len[i]);
            if (rc != ERR_OK)
                fprintf(stderr, ": %s", e.msg);
            print_ids("ours", ids, n < MAX_IDS ? n : MAX_IDS);
            print_ids("want", want.ids[i], want.n_ids[i]);
        }
        static char golden[TEXT_BYTES];
        rc = tok_decode(&v, want.ids[i], want.n_ids[i], false, text_buf, sizeof text_buf, &n_text, &e);
        bool have = golden_detok(c->name, i, &s, golden, &n_golden);
        bool decoded = rc == ERR_OK && have && n_text == n_golden && memcmp(text_buf, golden, n_text) == 0;
        n_decoded += decoded;
        if (!decoded) {
            fprintf(stderr, "\n    %s string %zu decodes to ", c->name, i);
            print_text(text_buf, rc == ERR_OK ? n_text : 0);
            fputs(have ? ", llama.cpp's: " : ", no golden", stderr);
            if (have)
                print_text(golden, n_golden);
        }
    }
    fprintf(stderr, "\n  %-15s %zu/%zu equal, %zu/%zu decoded as llama.cpp (%s, arena %zu KB)", c->name, n_equal, s.n,
            n_decoded, s.n, tok_kind_name(v.kind), v.arena_bytes >> 10);
    ok = ok && n_equal == s.n && n_decoded == s.n;
    free_ids(&want);
    free(s.file);
    host_gguf_close(&h);
    return ok;
}

static void test_every_vocabulary(void)
{
    size_t n_ok = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        n_ok += check_vocab(&cases[i]);
    fprintf(stderr, "\n  %zu/%zu vocabularies equal\n", n_ok, sizeof cases / sizeof cases[0]);
    CU_ASSERT_EQUAL(n_ok, sizeof cases / sizeof cases[0]);
    CU_ASSERT_EQUAL(scratch.used_bytes, 0);
}

/*
 * command-r's byte-level tokens holding characters outside GPT-2's alphabet
 * (U+200D, U+203C, U+1F506) decode as llama.cpp's llama_decode_text writes
 * them (llama_detokenize of these ids with llama-cpp-python 0.3.36).
 */
static void test_characters_outside_the_byte_alphabet(void)
{
    static const char want[] = "[UNK_BYTE_0xe2808d\xe2\x80\x8d][UNK_BYTE_0xe280bc\xe2\x80\xbc]"
                               "[UNK_BYTE_0xf09f9486\xf0\x9f\x94\x86]";
    static const int32_t ids3[] = { 264, 265, 1000 };
    host_gguf_t h;
    tok_vocab_t v;
    err_t e;
    size_t n;
    CU_ASSERT_FATAL(host_gguf_open(&h, "\n  llama_vocabs", VOCAB_DIR "ggml-vocab-command-r.gguf", VOCAB_ARENA_BYTES) == 0);
    CU_ASSERT_FATAL(tok_load(&v, &h.file, &h.arena, &e) == ERR_OK);
    CU_ASSERT_EQUAL(tok_decode(&v, ids3, 3, false, text_buf, sizeof text_buf, &n, &e), ERR_OK);
    CU_ASSERT(n == sizeof want - 1 && memcmp(text_buf, want, n) == 0);
    host_gguf_close(&h);
}

/* ---------------------------------------------------------- random strings */

#define STRESS_COUNT 2000
#define STRESS_SEED 0x19191919u
#define MAX_PIECES 256

typedef struct pool {
    uint8_t *file;
    char *piece[MAX_PIECES];
    size_t len[MAX_PIECES];
    size_t n;
} pool_t;

static bool read_pool(pool_t *pool)
{
    size_t size;
    pool->n = 0;
    if (!(pool->file = host_read_file(GOLDEN_DIR "stress_pool.txt", &size)))
        return false;
    char *p = (char *)pool->file, *end = p + size;
    while (p < end && pool->n < MAX_PIECES) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if (eol > p && *p != '#') {
            pool->piece[pool->n] = p; /* unescaped in place: never longer */
            pool->len[pool->n++] = unescape(p, eol, p);
        }
        p = eol + 1;
    }
    return pool->n > 0;
}

static uint32_t xorshift32(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/*
 * blob[0 .. *len) with the string value of key replaced by value, in a new
 * malloc'd buffer (the old one freed); NULL if the key is not there.
 */
static uint8_t *replace_string(uint8_t *blob, size_t *len, const char *key, const char *value)
{
    size_t key_len = strlen(key), at = 0, size = *len;
    while (at + 8 + key_len + 12 <= size && !(blob[at] == key_len && memcmp(blob + at + 8, key, key_len) == 0))
        at++;
    size_t str = at + 8 + key_len + 4; /* the string's u64 length, after the type */
    uint64_t old = 0, n = strlen(value);
    for (int i = 0; i < 8 && str + 8 <= size; i++)
        old |= (uint64_t)blob[str + i] << (8 * i);
    uint8_t *out = str + 8 + old <= size ? malloc(size - old + n) : NULL;
    if (out) {
        memcpy(out, blob, str);
        for (int i = 0; i < 8; i++)
            out[str + i] = (uint8_t)(n >> (8 * i));
        memcpy(out + str + 8, value, n);
        memcpy(out + str + 8 + n, blob + str + 8 + old, size - str - 8 - old);
        *len = size - old + n;
    }
    free(blob);
    return out;
}

/*
 * gpt-2's vocabulary with tokenizer.ggml.pre rewritten to what (or, for
 * "MODEL/PRE", tokenizer.ggml.model too), opened as host_gguf_open would.
 */
static bool open_renamed(const char *what, host_gguf_t *h)
{
    char model[64] = "", pre[64];
    const char *slash = strchr(what, '/');
    snprintf(pre, sizeof pre, "%s", slash ? slash + 1 : what);
    if (slash)
        snprintf(model, sizeof model, "%.*s", (int)(slash - what), what);
    memset(h, 0, sizeof *h);
    h->blob = host_read_file(VOCAB_DIR "ggml-vocab-gpt-2.gguf", &h->len);
    if (h->blob)
        h->blob = replace_string(h->blob, &h->len, "tokenizer.ggml.pre", pre);
    if (h->blob && model[0])
        h->blob = replace_string(h->blob, &h->len, "tokenizer.ggml.model", model);
    if (!h->blob)
        return false;
    err_t e;
    host_arena_init(&h->arena, VOCAB_ARENA_BYTES);
    if (gguf_parse(&h->file, h->blob, h->len, &h->arena, &e) != ERR_OK) {
        host_gguf_close(h);
        return false;
    }
    return true;
}

/* SHA-256 of every string's ids and decoded text, as the script hashes llama.cpp's. */
static bool stress_digest(const char *name, const pool_t *pool, char hex[SHA256_HEX_BYTES])
{
    host_gguf_t h;
    tok_vocab_t v;
    err_t e;
    char path[256];
    const char *colon = strchr(name, ':');
    snprintf(path, sizeof path, VOCAB_DIR "ggml-vocab-%s.gguf", name);
    if (colon ? !open_renamed(colon + 1, &h) : host_gguf_open(&h, "\n  llama_vocabs_stress", path, VOCAB_ARENA_BYTES))
        return false;
    if (tok_load(&v, &h.file, &h.arena, &e) != ERR_OK) {
        fprintf(stderr, "\n  %s: refused: %s", name, e.msg);
        host_gguf_close(&h);
        return false;
    }
    sha256_t sh;
    sha256_init(&sh);
    uint32_t x = STRESS_SEED;
    tok_encode_opts_t opts = { .add_special = false, .parse_special = false };
    bool ok = true;
    for (size_t i = 0; ok && i < STRESS_COUNT; i++) {
        static char text[1 << 16]; /* 24 pieces of at most 520 bytes */
        size_t len = 0, n_ids = 0, n_text = 0;
        for (uint32_t k = 1 + xorshift32(&x) % 24; k > 0; k--) {
            uint32_t pick = xorshift32(&x) % (uint32_t)pool->n;
            memcpy(text + len, pool->piece[pick], pool->len[pick]);
            len += pool->len[pick];
        }
        ok = tok_encode(&v, text, len, &opts, ids, MAX_IDS, &n_ids, &scratch, &e) == ERR_OK &&
             tok_decode(&v, ids, n_ids, false, text_buf, sizeof text_buf, &n_text, &e) == ERR_OK;
        uint32_t n32 = (uint32_t)n_ids, t32 = (uint32_t)n_text; /* little-endian hosts, as the script packs */
        sha256_update(&sh, &n32, 4);
        sha256_update(&sh, ids, 4 * n_ids);
        sha256_update(&sh, &t32, 4);
        sha256_update(&sh, text_buf, n_text);
    }
    uint8_t d[SHA256_DIGEST_BYTES];
    sha256_final(&sh, d);
    sha256_to_hex(d, hex);
    host_gguf_close(&h);
    return ok;
}

static void test_random_strings(void)
{
    pool_t pool;
    size_t size, n_rows = 0, n_equal = 0;
    CU_ASSERT_FATAL(read_pool(&pool));
    uint8_t *file = host_read_file(GOLDEN_DIR "stress.txt", &size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    char *p = (char *)file, *end = p + size;
    while (p < end) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        char name[64], want[SHA256_HEX_BYTES], got[SHA256_HEX_BYTES] = "";
        *eol = 0;
        if (*p != '#' && sscanf(p, "%63s %64s", name, want) == 2) {
            n_rows++;
            bool ok = stress_digest(name, &pool, got) && strcmp(got, want) == 0;
            n_equal += ok;
            if (!ok)
                fprintf(stderr, "\n  %s: ids or texts of the %d random strings differ from llama.cpp's (SHA-256 "
                        "%.16s..., want %.16s...)", name, STRESS_COUNT, got, want);
        }
        p = eol + 1;
    }
    fprintf(stderr, "\n  %zu/%zu vocabularies equal on %d random strings\n", n_equal, n_rows, STRESS_COUNT);
    CU_ASSERT(n_rows >= 30);
    CU_ASSERT_EQUAL(n_equal, n_rows);
    CU_ASSERT_EQUAL(scratch.used_bytes, 0);
    free(file);
    free(pool.file);
}

TEST_REGISTER(test_llama_vocabs_register)
{
    CU_pSuite s = test_suite_with("llama_vocabs", setup, teardown);
    TEST_ADD(s, test_every_vocabulary);
    TEST_ADD(s, test_characters_outside_the_byte_alphabet);
    CU_pSuite r = test_suite_with("llama_vocabs_stress", setup, teardown);
    TEST_ADD(r, test_random_strings);
}
