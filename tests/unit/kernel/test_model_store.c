/*
 * The model store on cpio archives built here: which files become models and
 * under what names, pairing with checksum files in either order and format,
 * SHA-256 verification, the in-place move to 64-byte boundaries, a full
 * store, and archives or names that are refused — each refusal leaving the
 * store and the archive as they were.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/model_store.h"
#include "tests/unit/suites.h"
#include "tests/fixtures/cpio_writer.h"

/* Modes of a regular file, a directory and a symlink. */
#define MODE_REG 0100644u
#define MODE_DIR 0040755u
#define MODE_LNK 0120777u

/* ------------------------------------------------------------ archive writer */

static size_t put_file(cpio_writer_t *a, const char *name, const void *data, size_t size)
{
    return cpio_put_entry(a, name, MODE_REG, data, size);
}

static void put_text(cpio_writer_t *a, const char *name, const char *text)
{
    put_file(a, name, text, strlen(text));
}

/*
 * A copy of the archive starting at byte skew of a 64-byte aligned block
 * (free with free(copy - skew)), so that archive offsets and addresses agree
 * modulo 64 when skew is 0.
 */
static uint8_t *aligned_copy(const cpio_writer_t *a, size_t skew)
{
    size_t n = (skew + a->len + 63) / 64 * 64;
    uint8_t *block = aligned_alloc(64, n ? n : 64);
    if (!block)
        abort();
    memcpy(block + skew, a->buf, a->len);
    return block + skew;
}

/* The bytes of model number seed: a pattern that differs per model and per byte. */
static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 31 + seed * 17 + (i >> 8));
}

/* "hex" or "hex  name\n" (as sha256sum writes it) for the SHA-256 of n bytes at p; upper-case if upper. */
static void checksum_text(const void *p, size_t n, const char *name, bool upper, char *out, size_t out_size)
{
    char hex[SHA256_HEX_BYTES];
    sha256_hex(p, n, hex);
    for (size_t i = 0; upper && hex[i]; i++)
        if (hex[i] >= 'a')
            hex[i] = (char)(hex[i] - 'a' + 'A');
    if (name)
        snprintf(out, out_size, "%s  %s\n", hex, name);
    else
        snprintf(out, out_size, "%s", hex);
}

/* Scans a 64-byte aligned copy of a into s; *copy gets the copy (free with free). */
static err_code_t scan(model_store_t *s, const cpio_writer_t *a, uint8_t **copy, err_t *err)
{
    *copy = aligned_copy(a, 0);
    err_clear(err);
    return model_store_scan_initrd(s, *copy, a->len, err);
}

/* Expects the scan of a into a store holding one model ("embedded") to fail with code and message parts. */
static void expect_refused(const cpio_writer_t *a, err_code_t code, const char *part1, const char *part2)
{
    static _Alignas(4) const uint8_t embedded[64] = { 1 };
    model_store_t s;
    model_store_init(&s);
    CU_ASSERT_EQUAL_FATAL(model_store_add(&s, "embedded", embedded, sizeof embedded, NULL), ERR_OK);
    uint8_t *copy;
    err_t err;
    CU_ASSERT_EQUAL(scan(&s, a, &copy, &err), code);
    CU_ASSERT_EQUAL(err.code, code);
    if (!strstr(err.msg, part1) || !strstr(err.msg, part2)) {
        CU_FAIL("error message does not name the fault");
        fprintf(stderr, "\n  want '%s' and '%s' in: %s\n", part1, part2, err.msg);
    }
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_EQUAL(s.n_skipped, 0);
    CU_ASSERT_STRING_EQUAL(s.entries[0].name, "embedded");
    CU_ASSERT_EQUAL(memcmp(copy, a->buf, a->len), 0); /* the archive is untouched */
    free(copy);
}

/* Scans a into a fresh store, which must succeed; returns the scanned copy of the archive (free it). */
static uint8_t *scan_ok(const cpio_writer_t *a, model_store_t *s)
{
    uint8_t *copy;
    err_t err;
    model_store_init(s);
    CU_ASSERT_EQUAL_FATAL(scan(s, a, &copy, &err), ERR_OK);
    return copy;
}

/* expect_refused for an archive of one text file. */
static void expect_one_file_refused(const char *name, const char *text, err_code_t code, const char *part1,
                                    const char *part2)
{
    cpio_writer_t a = { 0 };
    put_text(&a, name, text);
    cpio_put_trailer(&a);
    expect_refused(&a, code, part1, part2);
    free(a.buf);
}

static bool entry_holds(const model_entry_t *e, const uint8_t *data, size_t size)
{
    return e && e->size == size && memcmp(e->data, data, size) == 0;
}

/* ------------------------------------------------------------ names */

static void test_models_and_base_names(void)
{
    uint8_t d[5][100];
    for (unsigned i = 0; i < 5; i++)
        fill(d[i], sizeof d[i], i);
    cpio_writer_t a = { 0 };
    cpio_put_entry(&a, "models", MODE_DIR, NULL, 0);
    put_file(&a, "models/smollm2-q4_0.gguf", d[0], 100);
    put_file(&a, "./b.gguf", d[1], 99);
    put_file(&a, "c.gguf", d[2], 0);
    put_file(&a, "./deep/er/d.e.gguf", d[3], 98);
    /* Not models: other names, a directory and a symlink with the suffix. */
    put_text(&a, "notes.txt", "hello");
    put_file(&a, "x.gguf.bak", d[4], 10);
    put_file(&a, "ygguf", d[4], 10);
    cpio_put_entry(&a, "dir.gguf", MODE_DIR, NULL, 0);
    cpio_put_entry(&a, "link.gguf", MODE_LNK, "c.gguf", 6);
    cpio_put_trailer(&a);

    model_store_t s;
    uint8_t *copy = scan_ok(&a, &s);
    CU_ASSERT_EQUAL(s.n, 4);
    CU_ASSERT_EQUAL(s.n_skipped, 0);
    static const char *const names[] = { "smollm2-q4_0", "b", "c", "d.e" };
    static const size_t sizes[] = { 100, 99, 0, 98 };
    for (size_t i = 0; i < 4 && i < s.n; i++) {
        CU_ASSERT_STRING_EQUAL(s.entries[i].name, names[i]);
        CU_ASSERT(entry_holds(&s.entries[i], d[i], sizes[i]));
        CU_ASSERT_FALSE(s.entries[i].has_sha256);
        CU_ASSERT_PTR_EQUAL(model_store_find(&s, names[i]), &s.entries[i]);
    }
    free(copy);
    free(a.buf);
}

static void test_name_lengths_in_archive(void)
{
    char longest[MODEL_NAME_MAX + 16];
    memset(longest, 'n', MODEL_NAME_MAX - 1);
    strcpy(longest + MODEL_NAME_MAX - 1, ".gguf");
    cpio_writer_t a = { 0 };
    put_text(&a, longest, "GGUF");
    cpio_put_trailer(&a);
    model_store_t s;
    model_store_init(&s);
    uint8_t *copy;
    err_t err;
    CU_ASSERT_EQUAL(scan(&s, &a, &copy, &err), ERR_OK);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_EQUAL(strlen(s.entries[0].name), MODEL_NAME_MAX - 1);
    free(copy);
    free(a.buf);

    memset(longest, 'n', MODEL_NAME_MAX);
    strcpy(longest + MODEL_NAME_MAX, ".gguf");
    expect_one_file_refused(longest, "GGUF", ERR_FORMAT, "is too long", longest);

    expect_one_file_refused("models/.gguf", "GGUF", ERR_FORMAT, "'models/.gguf'", "is empty");
    /* a name that would clear the screen in `llm models`: refused, and shown escaped */
    expect_one_file_refused("\x1b[2Jx.gguf", "GGUF", ERR_FORMAT, "'\\x1b[2Jx.gguf': model name '\\x1b[2Jx'",
                            "other than printable ASCII");
    expect_one_file_refused("my model.gguf", "GGUF", ERR_FORMAT, "model name 'my model'", "printable ASCII");
}

static void test_duplicate_names(void)
{
    cpio_writer_t a = { 0 };
    put_text(&a, "a/x.gguf", "one");
    put_text(&a, "b/x.gguf", "two");
    cpio_put_trailer(&a);
    expect_refused(&a, ERR_FORMAT, "'b/x.gguf': model name 'x'", "already in the store");
    free(a.buf);

    expect_one_file_refused("embedded.gguf", "GGUF", ERR_FORMAT, "model name 'embedded'", "already in the store");
}

/* ------------------------------------------------------------ checksums */

/* Scans a and checks it yields n models, each with a checksum that verifies. */
static void expect_all_verified(const cpio_writer_t *a, size_t n)
{
    model_store_t s;
    uint8_t *copy = scan_ok(a, &s);
    err_t err;
    CU_ASSERT_EQUAL_FATAL(s.n, n);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT(s.entries[i].has_sha256);
        err_clear(&err);
        CU_ASSERT_EQUAL(model_store_verify(&s.entries[i], &err), ERR_OK);
        CU_ASSERT_STRING_EQUAL(err.msg, "");
    }
    free(copy);
}

static void test_checksum_before_and_after_model(void)
{
    uint8_t d[2][300];
    fill(d[0], sizeof d[0], 1);
    fill(d[1], sizeof d[1], 2);
    char sum[2][160];
    checksum_text(d[0], sizeof d[0], NULL, false, sum[0], sizeof sum[0]);
    checksum_text(d[1], sizeof d[1], "b.gguf", false, sum[1], sizeof sum[1]);
    cpio_writer_t a = { 0 };
    put_text(&a, "sums/a.gguf.sha256", sum[0]); /* before its model, in another directory */
    put_file(&a, "models/a.gguf", d[0], sizeof d[0]);
    put_file(&a, "models/b.gguf", d[1], sizeof d[1]);
    put_text(&a, "models/b.gguf.sha256", sum[1]); /* after, in sha256sum's format */
    cpio_put_trailer(&a);

    expect_all_verified(&a, 2);
    free(a.buf);
}

static void test_checksum_hex_case(void)
{
    uint8_t d[3][64];
    char sum[3][160];
    cpio_writer_t a = { 0 };
    for (unsigned i = 0; i < 3; i++) {
        char name[16];
        fill(d[i], sizeof d[i], i + 10);
        snprintf(name, sizeof name, "m%u.gguf", i);
        put_file(&a, name, d[i], sizeof d[i]);
        checksum_text(d[i], sizeof d[i], i == 2 ? name : NULL, i > 0, sum[i], sizeof sum[i]);
    }
    for (size_t k = 0; k < 64; k += 2) /* mixed case: every other digit lower-case */
        sum[2][k] = (char)(sum[2][k] | 0x20);
    strcat(sum[0], "\r\n");
    put_text(&a, "m0.gguf.sha256", sum[0]); /* lower case with a CR LF */
    put_text(&a, "m1.gguf.sha256", sum[1]); /* upper case, nothing after */
    put_text(&a, "m2.gguf.sha256", sum[2]); /* mixed, sha256sum's format */
    cpio_put_trailer(&a);

    expect_all_verified(&a, 3);
    free(a.buf);
}

static void test_verify_mismatch_and_missing_checksum(void)
{
    uint8_t d[200], other[200];
    fill(d, sizeof d, 5);
    fill(other, sizeof other, 6);
    char sum[160], want[SHA256_HEX_BYTES], got[SHA256_HEX_BYTES];
    checksum_text(other, sizeof other, "a.gguf", false, sum, sizeof sum);
    sha256_hex(other, sizeof other, want);
    sha256_hex(d, sizeof d, got);
    cpio_writer_t a = { 0 };
    put_file(&a, "a.gguf", d, sizeof d);
    put_text(&a, "a.gguf.sha256", sum);
    put_file(&a, "b.gguf", d, sizeof d);
    cpio_put_trailer(&a);

    model_store_t s;
    uint8_t *copy = scan_ok(&a, &s);
    err_t err;
    CU_ASSERT_EQUAL_FATAL(s.n, 2);
    char msg[ERR_MSG_MAX];
    snprintf(msg, sizeof msg, "model 'a': SHA-256 mismatch (expected %.8s..., got %.8s...)", want, got);
    err_clear(&err);
    CU_ASSERT_EQUAL(model_store_verify(&s.entries[0], &err), ERR_FORMAT);
    CU_ASSERT_EQUAL(err.code, ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.msg, msg);

    err_clear(&err);
    CU_ASSERT_FALSE(s.entries[1].has_sha256);
    CU_ASSERT_EQUAL(model_store_verify(&s.entries[1], &err), ERR_NOT_FOUND);
    CU_ASSERT_EQUAL(err.code, ERR_NOT_FOUND);
    CU_ASSERT_STRING_EQUAL(err.msg, "no checksum for model 'b'");
    free(copy);
    free(a.buf);
}

static void test_malformed_checksum_file(void)
{
    char good[SHA256_HEX_BYTES];
    sha256_hex("GGUF", 4, good);
    char bad[6][160];
    snprintf(bad[0], sizeof bad[0], "%.63s", good);          /* too short */
    snprintf(bad[1], sizeof bad[1], "%sx  a.gguf\n", good);  /* no space after the digits */
    snprintf(bad[2], sizeof bad[2], "g%.63s", good);         /* not a hex digit */
    snprintf(bad[3], sizeof bad[3], " %s", good);            /* leading space */
    snprintf(bad[4], sizeof bad[4], "%.62s", good);          /* 31 bytes */
    bad[5][0] = '\0';                                        /* empty */
    for (size_t i = 0; i < 6; i++) {
        cpio_writer_t a = { 0 };
        put_text(&a, "a.gguf", "GGUF");
        put_text(&a, "sums/a.gguf.sha256", bad[i]);
        cpio_put_trailer(&a);
        expect_refused(&a, ERR_FORMAT, "checksum file 'sums/a.gguf.sha256'", "64 hex digits");
        free(a.buf);
    }
    /* Malformed is refused even without its model. */
    expect_one_file_refused("z.gguf.sha256", bad[2], ERR_FORMAT, "'z.gguf.sha256'", "64 hex digits");
}

static void test_checksum_without_model_ignored(void)
{
    char sum[SHA256_HEX_BYTES];
    sha256_hex("x", 1, sum);
    static _Alignas(4) const uint8_t embedded[8] = { 7 };
    cpio_writer_t a = { 0 };
    put_text(&a, "z.gguf.sha256", sum);
    put_text(&a, "embedded.gguf.sha256", sum); /* a model of another source */
    put_text(&a, "a.gguf", "GGUF");
    put_text(&a, "a.sha256", sum); /* not a.gguf's */
    cpio_put_trailer(&a);
    model_store_t s;
    model_store_init(&s);
    CU_ASSERT_EQUAL_FATAL(model_store_add(&s, "embedded", embedded, sizeof embedded, NULL), ERR_OK);
    uint8_t *copy;
    err_t err;
    CU_ASSERT_EQUAL_FATAL(scan(&s, &a, &copy, &err), ERR_OK);
    CU_ASSERT_EQUAL(s.n, 2);
    CU_ASSERT_FALSE(s.entries[0].has_sha256);
    CU_ASSERT_STRING_EQUAL(s.entries[1].name, "a");
    CU_ASSERT_FALSE(s.entries[1].has_sha256);
    CU_ASSERT_PTR_NULL(model_store_find(&s, "z"));
    free(copy);
    free(a.buf);
}

static void test_two_checksum_files_for_one_model(void)
{
    char sum[SHA256_HEX_BYTES];
    sha256_hex("GGUF", 4, sum);
    cpio_writer_t a = { 0 };
    put_text(&a, "a/m.gguf.sha256", sum);
    put_text(&a, "m.gguf", "GGUF");
    put_text(&a, "b/m.gguf.sha256", sum);
    cpio_put_trailer(&a);
    expect_refused(&a, ERR_FORMAT, "'b/m.gguf.sha256'", "second one for model 'm'");
    free(a.buf);
}

/* ------------------------------------------------------------ alignment */

/* Name lengths 1 to 8 and sizes around 64: every padding of name and data, every offset modulo 64. */
static void make_alignment_archive(cpio_writer_t *a, uint8_t d[8][200], size_t at[8])
{
    static const char *const names[] = { "a", "bb", "ccc", "dddd", "eeeee", "ffffff", "ggggggg", "hhhhhhhh" };
    *a = (cpio_writer_t){ 0 };
    for (unsigned i = 0; i < 8; i++) {
        char file[32];
        size_t size = 120 + 9 * i;
        fill(d[i], size, i + 20);
        snprintf(file, sizeof file, "%s.gguf", names[i]);
        at[i] = put_file(a, file, d[i], size);
        char sum[160];
        checksum_text(d[i], size, file, false, sum, sizeof sum);
        snprintf(file, sizeof file, "%s.gguf.sha256", names[i]);
        put_text(a, file, sum);
    }
    cpio_put_trailer(a);
}

static void check_aligned_at_skew(size_t skew)
{
    cpio_writer_t a;
    uint8_t d[8][200];
    size_t at[8];
    make_alignment_archive(&a, d, at);
    uint8_t *copy = aligned_copy(&a, skew);
    model_store_t s;
    model_store_init(&s);
    err_t err;
    err_clear(&err);
    CU_ASSERT_EQUAL_FATAL(model_store_scan_initrd(&s, copy, a.len, &err), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(s.n, 8);
    bool some_moved = false;
    for (size_t i = 0; i < 8; i++) {
        const model_entry_t *e = &s.entries[i];
        CU_ASSERT_EQUAL((uintptr_t)e->data % 64, 0);
        CU_ASSERT(e->data >= copy && e->data + e->size <= copy + a.len);
        CU_ASSERT(entry_holds(e, d[i], 120 + 9 * i));
        CU_ASSERT_EQUAL(model_store_verify(e, NULL), ERR_OK);
        /* It moved less than 64 bytes down from where cpio put it. */
        size_t moved = at[i] - (size_t)(e->data - copy);
        CU_ASSERT(moved < 64);
        some_moved |= moved > 0;
    }
    CU_ASSERT(some_moved);
    free(copy - skew);
    free(a.buf);
}

static void test_data_moved_to_64_byte_boundaries(void)
{
    check_aligned_at_skew(0);
    check_aligned_at_skew(4); /* an archive that is only 4-byte aligned: addresses are still aligned */
}

/* ------------------------------------------------------------ a full store */

static void test_more_models_than_the_store_holds(void)
{
    enum { N = MODEL_STORE_MAX + 4 };
    uint8_t d[N][40];
    cpio_writer_t a = { 0 };
    for (unsigned i = 0; i < N; i++) {
        char name[32];
        fill(d[i], sizeof d[i], i);
        snprintf(name, sizeof name, "m%02u.gguf", i);
        put_file(&a, name, d[i], sizeof d[i]);
    }
    cpio_put_trailer(&a);

    model_store_t s;
    uint8_t *copy = scan_ok(&a, &s);
    err_t err;
    CU_ASSERT_EQUAL(s.n, MODEL_STORE_MAX);
    CU_ASSERT_EQUAL(s.n_skipped, N - MODEL_STORE_MAX);
    for (unsigned i = 0; i < MODEL_STORE_MAX; i++) {
        char name[32];
        snprintf(name, sizeof name, "m%02u", i);
        CU_ASSERT(entry_holds(model_store_find(&s, name), d[i], sizeof d[i]));
    }
    CU_ASSERT_PTR_NULL(model_store_find(&s, "m16"));

    /* A second archive into the full store: all skipped, nothing moved or added. */
    uint8_t *copy2;
    CU_ASSERT_EQUAL(scan(&s, &a, &copy2, &err), ERR_OK);
    CU_ASSERT_EQUAL(s.n, MODEL_STORE_MAX);
    CU_ASSERT_EQUAL(s.n_skipped, 2 * N - MODEL_STORE_MAX);
    CU_ASSERT_EQUAL(memcmp(copy2, a.buf, a.len), 0);
    free(copy2);
    free(copy);
    free(a.buf);
}

/* ------------------------------------------------------------ adding and finding */

static void test_add_and_its_errors(void)
{
    static uint32_t words[MODEL_STORE_MAX][4];
    model_store_t s;
    model_store_init(&s);
    err_t err;
    CU_ASSERT_EQUAL(model_store_add(&s, "embedded", words[0], sizeof words[0], &err), ERR_OK);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.entries[0].name, "embedded");
    CU_ASSERT_PTR_EQUAL(s.entries[0].data, (const uint8_t *)words[0]);
    CU_ASSERT_EQUAL(s.entries[0].size, sizeof words[0]);
    CU_ASSERT_FALSE(s.entries[0].has_sha256);

    char name[MODEL_NAME_MAX + 1];
    memset(name, 'x', MODEL_NAME_MAX);
    name[MODEL_NAME_MAX] = '\0';
    CU_ASSERT_EQUAL(model_store_add(&s, name, words[1], 16, &err), ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is too long"));
    CU_ASSERT_EQUAL(model_store_add(&s, "", words[1], 16, &err), ERR_INVALID);
    CU_ASSERT_STRING_EQUAL(err.msg, "model name '' is empty");
    CU_ASSERT_EQUAL(model_store_add(&s, "embedded", words[1], 16, &err), ERR_INVALID);
    CU_ASSERT_STRING_EQUAL(err.msg, "model name 'embedded' is already in the store");
    CU_ASSERT_EQUAL(model_store_add(&s, "odd", (const uint8_t *)words[1] + 2, 8, &err), ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not 4-byte aligned"));
    CU_ASSERT_EQUAL(s.n, 1);

    name[MODEL_NAME_MAX - 1] = '\0'; /* the longest that fits */
    CU_ASSERT_EQUAL(model_store_add(&s, name, words[1], 16, &err), ERR_OK);
    CU_ASSERT_PTR_EQUAL(model_store_find(&s, name), &s.entries[1]);
    for (size_t i = 2; i < MODEL_STORE_MAX; i++) {
        char n[16];
        snprintf(n, sizeof n, "m%zu", i);
        CU_ASSERT_EQUAL(model_store_add(&s, n, words[i], 16, &err), ERR_OK);
    }
    CU_ASSERT_EQUAL(model_store_add(&s, "one-more", words[0], 16, &err), ERR_NOMEM);
    CU_ASSERT_EQUAL(err.code, ERR_NOMEM);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "MODEL_STORE_MAX is 16"));
    CU_ASSERT_EQUAL(s.n, MODEL_STORE_MAX);
    CU_ASSERT_EQUAL(s.n_skipped, 0);
}

static void test_find(void)
{
    static uint32_t word;
    model_store_t s;
    model_store_init(&s);
    CU_ASSERT_PTR_NULL(model_store_find(&s, "a"));
    CU_ASSERT_EQUAL(model_store_add(&s, "ab", &word, 4, NULL), ERR_OK);
    CU_ASSERT_EQUAL(model_store_add(&s, "a", &word, 4, NULL), ERR_OK);
    CU_ASSERT_PTR_EQUAL(model_store_find(&s, "ab"), &s.entries[0]);
    CU_ASSERT_PTR_EQUAL(model_store_find(&s, "a"), &s.entries[1]);
    CU_ASSERT_PTR_NULL(model_store_find(&s, "abc"));
    CU_ASSERT_PTR_NULL(model_store_find(&s, "b"));
    CU_ASSERT_PTR_NULL(model_store_find(&s, ""));
    model_store_init(&s);
    CU_ASSERT_PTR_NULL(model_store_find(&s, "a"));
}

/* ------------------------------------------------------------ bad archives */

static void test_corrupt_archive(void)
{
    cpio_writer_t a = { 0 };
    put_text(&a, "a.gguf", "GGUF");
    size_t second = a.len;
    put_text(&a, "b.gguf", "GGUF");
    cpio_put_trailer(&a);
    a.buf[second] = 'X'; /* the second entry's magic */
    char where[32];
    snprintf(where, sizeof where, "at byte %zu", second);
    expect_refused(&a, ERR_FORMAT, "cpio: ", where);
    free(a.buf);
}

static void test_every_truncation(void)
{
    uint8_t d[100];
    fill(d, sizeof d, 3);
    char sum[160];
    checksum_text(d, sizeof d, "a.gguf", false, sum, sizeof sum);
    cpio_writer_t a = { 0 };
    put_file(&a, "a.gguf", d, sizeof d);
    put_text(&a, "a.gguf.sha256", sum);
    cpio_put_trailer(&a);
    size_t trailer_end = a.len - 3; /* the trailer's name padding may be missing */
    for (size_t len = 0; len <= a.len; len++) {
        uint8_t *buf = malloc(len ? len : 1); /* exactly len bytes: valgrind sees any read past the end */
        if (!buf)
            abort();
        memcpy(buf, a.buf, len);
        model_store_t s;
        model_store_init(&s);
        err_t err;
        err_clear(&err);
        err_code_t rc = model_store_scan_initrd(&s, buf, len, &err);
        if (len >= trailer_end) {
            CU_ASSERT_EQUAL(rc, ERR_OK);
            CU_ASSERT_EQUAL(s.n, 1);
            CU_ASSERT(entry_holds(model_store_find(&s, "a"), d, sizeof d));
        } else {
            CU_ASSERT_EQUAL(rc, ERR_FORMAT);
            CU_ASSERT_EQUAL(strncmp(err.msg, "cpio: ", 6), 0);
            CU_ASSERT_EQUAL(s.n, 0);
            CU_ASSERT_EQUAL(memcmp(buf, a.buf, len), 0);
        }
        free(buf);
    }
    free(a.buf);
}

TEST_REGISTER(test_model_store_register)
{
    CU_pSuite s = test_suite("model_store");
    TEST_ADD(s, test_models_and_base_names);
    TEST_ADD(s, test_name_lengths_in_archive);
    TEST_ADD(s, test_duplicate_names);
    TEST_ADD(s, test_checksum_before_and_after_model);
    TEST_ADD(s, test_checksum_hex_case);
    TEST_ADD(s, test_verify_mismatch_and_missing_checksum);
    TEST_ADD(s, test_malformed_checksum_file);
    TEST_ADD(s, test_checksum_without_model_ignored);
    TEST_ADD(s, test_two_checksum_files_for_one_model);
    TEST_ADD(s, test_data_moved_to_64_byte_boundaries);
    TEST_ADD(s, test_more_models_than_the_store_holds);
    TEST_ADD(s, test_add_and_its_errors);
    TEST_ADD(s, test_find);
    TEST_ADD(s, test_corrupt_archive);
    TEST_ADD(s, test_every_truncation);
}
