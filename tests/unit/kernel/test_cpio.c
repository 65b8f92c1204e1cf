/*
 * The cpio "newc" reader on archives made by GNU cpio (newc and crc
 * variants) and by a small writer here for the edge cases; then hostile
 * input — every truncation, single-byte corruption at every offset, crafted
 * fields — each either read correctly or refused with its error, in
 * exactly-sized malloc'd buffers so valgrind sees any read past the end.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, S_IFLNK */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/lib/cpio.h"
#include "tests/unit/suites.h"
#include "tests/fixtures/cpio_writer.h"
#include "host/host_file.h"

/* ------------------------------------------------------------ archive writer */


/* A malloc'd copy of exactly n bytes (at least 1 allocated byte so malloc(0) is not special). */
static uint8_t *exact_copy(const void *p, size_t n)
{
    uint8_t *b = malloc(n ? n : 1);
    if (!b)
        abort();
    if (n)
        memcpy(b, p, n);
    return b;
}

/* ------------------------------------------------------------ expectations */

typedef struct want {
    const char *name;
    uint32_t type; /* S_IFREG, S_IFDIR, ... */
    const uint8_t *data;
    size_t size;
} want_t;

static bool entry_is(const cpio_entry_t *e, const want_t *w)
{
    return e->name_len == strlen(w->name) && memcmp(e->name, w->name, e->name_len + 1) == 0 &&
           (e->mode & S_IFMT) == w->type && cpio_is_regular(e) == (w->type == S_IFREG) && e->size == w->size &&
           (w->size == 0 || memcmp(e->data, w->data, w->size) == 0);
}

/*
 * Reads the n_len-byte archive (copied to an exact buffer) and returns the
 * number of leading entries that match want[] (stopping at the first that
 * does not); *rc gets the final cpio_next result.
 */
static size_t read_matching(const uint8_t *archive, size_t len, const want_t *want, size_t n_want, int *rc,
                            err_t *err)
{
    uint8_t *buf = exact_copy(archive, len);
    cpio_iter_t it;
    cpio_iter_init(&it, buf, len);
    cpio_entry_t e;
    size_t n = 0;
    while ((*rc = cpio_next(&it, &e, err)) == 1) {
        if (n == n_want || !entry_is(&e, &want[n]))
            break;
        n++;
    }
    free(buf);
    return n;
}

/* Expects the whole archive to read as exactly want[] then the trailer. */
static void check_archive(const uint8_t *archive, size_t len, const want_t *want, size_t n_want)
{
    int rc;
    err_t err;
    err_clear(&err);
    CU_ASSERT_EQUAL(read_matching(archive, len, want, n_want, &rc, &err), n_want);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "\n  cpio: rc %d: %s\n", rc, err.msg);
}

/* The bytes of a test file: a pattern that differs per file and per byte. */
static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + seed * 13 + (i >> 8));
}

/* ------------------------------------------------------------ GNU cpio */

#define N_TOOL_ENTRIES 9

/* Sizes of the regular files written for GNU cpio; "sub" is a directory. */
static const size_t tool_sizes[] = { 0, 1, 2, 3, 4, 5, 1000 };
static uint8_t tool_data[7][1000];
static const want_t tool_want[N_TOOL_ENTRIES] = {
    { "f0", S_IFREG, tool_data[0], 0 },     { "f1", S_IFREG, tool_data[1], 1 },
    { "f2", S_IFREG, tool_data[2], 2 },     { "f3", S_IFREG, tool_data[3], 3 },
    { "f4", S_IFREG, tool_data[4], 4 },     { "f5", S_IFREG, tool_data[5], 5 },
    { "sub", S_IFDIR, NULL, 0 },            { "sub/model.gguf", S_IFREG, tool_data[6], 1000 },
    { "f1000", S_IFREG, tool_data[6], 1000 },
};

static char tool_dir[] = "/tmp/test_cpio.XXXXXX";

static int write_tool_file(const char *name, const uint8_t *data, size_t size)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tool_dir, name);
    return host_write_file(path, data, size);
}

/* Writes the files of tool_want into a fresh temporary directory. */
static bool make_tool_tree(void)
{
    if (!mkdtemp(tool_dir))
        return false;
    char sub[256];
    snprintf(sub, sizeof sub, "%s/sub", tool_dir);
    if (mkdir(sub, 0755) != 0)
        return false;
    for (size_t i = 0; i < 7; i++)
        fill(tool_data[i], tool_sizes[i], (unsigned)i);
    for (size_t i = 0; i < N_TOOL_ENTRIES; i++)
        if (tool_want[i].type == S_IFREG && write_tool_file(tool_want[i].name, tool_want[i].data, tool_want[i].size))
            return false;
    return true;
}

static void remove_tool_tree(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tool_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "test_cpio: could not remove %s\n", tool_dir);
}

/*
 * Runs GNU cpio in the temporary directory on want's names (in that order)
 * with format "newc" or "crc"; the archive is malloc'd, NULL on failure.
 */
static uint8_t *run_cpio(const char *format, const want_t *want, size_t n, size_t *len)
{
    char cmd[1024];
    int k = snprintf(cmd, sizeof cmd, "cd '%s' && printf '%%s\\n'", tool_dir);
    for (size_t i = 0; i < n; i++)
        k += snprintf(cmd + k, sizeof cmd - (size_t)k, " '%s'", want[i].name);
    snprintf(cmd + k, sizeof cmd - (size_t)k, " | cpio -o -H %s --quiet > archive.cpio", format);
    if (system(cmd) != 0)
        return NULL;
    char path[256];
    snprintf(path, sizeof path, "%s/archive.cpio", tool_dir);
    return host_read_file(path, len);
}

static void check_tool(const char *format, const want_t *want, size_t n)
{
    size_t len;
    uint8_t *archive = run_cpio(format, want, n, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(archive);
    CU_ASSERT_EQUAL(len % 512, 0); /* GNU cpio pads to whole blocks: after the trailer come NULs */
    check_archive(archive, len, want, n);
    free(archive);
}

static void test_gnu_cpio_newc_and_crc(void)
{
    bool made = make_tool_tree();
    CU_ASSERT_FATAL(made);
    want_t reversed[N_TOOL_ENTRIES];
    for (size_t i = 0; i < N_TOOL_ENTRIES; i++)
        reversed[i] = tool_want[N_TOOL_ENTRIES - 1 - i];
    check_tool("newc", tool_want, N_TOOL_ENTRIES);
    check_tool("newc", reversed, N_TOOL_ENTRIES);
    check_tool("crc", tool_want, N_TOOL_ENTRIES);
    check_tool("crc", reversed, N_TOOL_ENTRIES);
    remove_tool_tree();
}

/* ------------------------------------------------------------ hand-built archives */

static uint8_t small_data[3][8];

/* A small archive: a directory, a file, a symlink, a file with a "./" name, then the trailer. */
static void make_small(cpio_writer_t *a, want_t want[4])
{
    for (unsigned i = 0; i < 3; i++)
        fill(small_data[i], sizeof small_data[i], i + 100);
    want[0] = (want_t){ "models", S_IFDIR, NULL, 0 };
    want[1] = (want_t){ "models/a.gguf", S_IFREG, small_data[0], 7 };
    want[2] = (want_t){ "link", S_IFLNK, (const uint8_t *)"models/a.gguf", 13 };
    want[3] = (want_t){ "./b.gguf", S_IFREG, small_data[1], 5 };
    *a = (cpio_writer_t){ 0 };
    cpio_put_entry(a, want[0].name, S_IFDIR | 0755, NULL, 0);
    cpio_put_entry(a, want[1].name, S_IFREG | 0644, want[1].data, want[1].size);
    cpio_put_entry(a, want[2].name, S_IFLNK | 0777, want[2].data, want[2].size);
    cpio_put_entry(a, want[3].name, S_IFREG | 0600, want[3].data, want[3].size);
    cpio_put_trailer(a);
}

static void test_every_name_and_data_padding(void)
{
    /* Names of 1 to 8 bytes and data of 0 to 8 bytes: every padding of both. */
    static const char *names[] = { "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh" };
    uint8_t data[9][8];
    want_t want[8 * 9];
    cpio_writer_t a = { 0 };
    size_t n = 0;
    for (size_t i = 0; i < 8; i++)
        for (size_t size = 0; size <= 8; size++, n++) {
            fill(data[size], size, (unsigned)size);
            want[n] = (want_t){ names[i], S_IFREG, data[size], size };
            cpio_put_entry(&a, names[i], S_IFREG | 0644, data[size], size);
        }
    cpio_put_trailer(&a);
    check_archive(a.buf, a.len, want, n);
    free(a.buf);
}

static void test_entry_kinds_and_names_as_given(void)
{
    cpio_writer_t a;
    want_t want[4];
    make_small(&a, want);
    check_archive(a.buf, a.len, want, 4);
    free(a.buf);
}

static void test_crc_magic_lower_case_hex_and_check_field(void)
{
    cpio_writer_t a = { 0 };
    const char *hdr = "070702"
                      "0000abcd" "000081a4" "00000000" "00000000" "00000001" "65000000" "00000003"
                      "00000008" "00000001" "00000000" "00000000" "00000002" "deadbeef";
    cpio_put(&a, hdr, 110);
    cpio_put(&a, "x\0", 2);
    cpio_put(&a, "xyz\0", 4);
    cpio_put_trailer(&a);
    want_t want = { "x", S_IFREG, (const uint8_t *)"xyz", 3 };
    check_archive(a.buf, a.len, &want, 1);
    free(a.buf);
}

static void test_trailer_only_and_end_is_sticky(void)
{
    cpio_writer_t a = { 0 };
    cpio_put_trailer(&a);
    cpio_put(&a, "\0\0\0\0garbage after the trailer", 30);
    uint8_t *buf = exact_copy(a.buf, a.len);
    cpio_iter_t it;
    cpio_iter_init(&it, buf, a.len);
    cpio_entry_t e;
    CU_ASSERT_EQUAL(cpio_next(&it, &e, NULL), 0);
    CU_ASSERT_EQUAL(cpio_next(&it, &e, NULL), 0);
    free(buf);
    free(a.buf);
}

/* The trailer's own name padding and data may be cut off: reading stops at its name. */
static void test_trailer_without_padding(void)
{
    cpio_writer_t a = { 0 };
    cpio_put_entry(&a, "f", S_IFREG | 0644, "1234", 4);
    cpio_put_trailer(&a);
    want_t want = { "f", S_IFREG, (const uint8_t *)"1234", 4 };
    check_archive(a.buf, a.len - 3, &want, 1);
    free(a.buf);
}

/* ------------------------------------------------------------ hostile archives */

static void test_every_truncation(void)
{
    cpio_writer_t a;
    want_t want[4];
    make_small(&a, want);
    size_t trailer_end = a.len - 3; /* 110 + 11 name bytes, then 3 bytes of padding */
    for (size_t len = 0; len <= a.len; len++) {
        int rc;
        err_t err;
        err_clear(&err);
        size_t n = read_matching(a.buf, len, want, 4, &rc, &err);
        if (len >= trailer_end) {
            CU_ASSERT_EQUAL(n, 4);
            CU_ASSERT_EQUAL(rc, 0);
        } else {
            CU_ASSERT(rc < 0);
            CU_ASSERT_EQUAL(err.code, ERR_FORMAT);
            CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cpio: "));
        }
    }
    free(a.buf);
}

/* Reads buf to the end or an error, touching every byte of every entry; returns the final result. */
static int read_all_touching(const uint8_t *buf, size_t len, err_t *err, unsigned *sum)
{
    cpio_iter_t it;
    cpio_iter_init(&it, buf, len);
    cpio_entry_t e;
    int rc;
    size_t entries = 0;
    while ((rc = cpio_next(&it, &e, err)) == 1) {
        CU_ASSERT(e.name >= (const char *)buf && e.name + e.name_len < (const char *)buf + len);
        CU_ASSERT_EQUAL(strlen(e.name), e.name_len);
        CU_ASSERT(e.data >= buf && e.size <= (size_t)(buf + len - e.data));
        for (uint64_t i = 0; i < e.size; i++)
            *sum += e.data[i];
        if (++entries > len / 112) { /* each entry takes at least 112 bytes: more means a loop */
            CU_FAIL("cpio_next did not advance");
            break;
        }
    }
    return rc;
}

static void test_every_single_byte_corruption(void)
{
    static const uint8_t values[] = { 0, '0', 'f', 'g', 0xff };
    cpio_writer_t a;
    want_t want[4];
    make_small(&a, want);
    unsigned sum = 0, n_ok = 0, n_err = 0;
    for (size_t off = 0; off < a.len; off++)
        for (size_t v = 0; v < sizeof values; v++) {
            uint8_t *buf = exact_copy(a.buf, a.len);
            buf[off] = values[v];
            err_t err;
            err_clear(&err);
            int rc = read_all_touching(buf, a.len, &err, &sum);
            CU_ASSERT(rc == 0 || rc == -ERR_FORMAT);
            if (rc == 0) {
                n_ok++;
            } else {
                n_err++;
                CU_ASSERT_EQUAL(err.code, ERR_FORMAT);
                CU_ASSERT_EQUAL(strncmp(err.msg, "cpio: ", 6), 0);
            }
            free(buf);
        }
    CU_ASSERT(n_ok > 0 && n_err > 0); /* data bytes are free to change; header bytes mostly are not */
    CU_ASSERT(sum > 0);
    free(a.buf);
}

/* Reads the archive to its first error and checks its message names the fault at the offset. */
static void expect_error(const cpio_writer_t *a, const char *fault, const char *offset)
{
    uint8_t *buf = exact_copy(a->buf, a->len);
    cpio_iter_t it;
    cpio_iter_init(&it, buf, a->len);
    cpio_entry_t e;
    err_t err;
    err_clear(&err);
    int rc;
    while ((rc = cpio_next(&it, &e, &err)) == 1)
        ;
    CU_ASSERT_EQUAL(rc, -ERR_FORMAT);
    CU_ASSERT_EQUAL(err.code, ERR_FORMAT);
    if (!strstr(err.msg, fault) || !strstr(err.msg, offset)) {
        CU_FAIL("error message does not name the fault and offset");
        fprintf(stderr, "\n  want '%s' and '%s' in: %s\n", fault, offset, err.msg);
    }
    /* The iterator stays at the error. */
    err_t again;
    err_clear(&again);
    CU_ASSERT_EQUAL(cpio_next(&it, &e, &again), rc);
    CU_ASSERT_STRING_EQUAL(again.msg, err.msg);
    free(buf);
}

/* A valid first entry (116 bytes: header, "ok\0", pad, "data"), so the faulty one starts at byte 120. */
static cpio_writer_t first_entry(void)
{
    cpio_writer_t a = { 0 };
    cpio_put_entry(&a, "ok", S_IFREG | 0644, "data", 4);
    return a;
}

static void test_bad_magic(void)
{
    cpio_writer_t a = first_entry();
    cpio_put(&a, "\x1f\x8b\x08\x00", 4);
    cpio_put_trailer(&a);
    expect_error(&a, "bad magic 1f 8b 08 00 30 37", "at byte 120");
    free(a.buf);

    a = first_entry();
    cpio_put_header(&a, "070707", S_IFREG, 0, 2); /* the old portable-ASCII format */
    expect_error(&a, "bad magic", "at byte 120");
    free(a.buf);
}

static void test_non_hex_field(void)
{
    cpio_writer_t a = first_entry();
    cpio_put_header(&a, "070701", S_IFREG, 0, 2);
    a.buf[120 + 6 + 6 * 8 + 3] = 'g'; /* in filesize */
    cpio_put(&a, "x\0", 2);
    cpio_put_trailer(&a);
    expect_error(&a, "field filesize at byte 174 is not 8 hex digits", "header at byte 120");
    free(a.buf);

    a = first_entry();
    cpio_put_header(&a, "070701", S_IFREG, 0, 2);
    a.buf[120 + 6 + 12 * 8 + 7] = ' '; /* in check: every field is checked */
    expect_error(&a, "field check", "header at byte 120");
    free(a.buf);

    a = first_entry();
    cpio_put_header(&a, "070701", S_IFREG, 0, 2);
    a.buf[120 + 6 + 1 * 8] = '+'; /* a sign is not a digit */
    expect_error(&a, "field mode", "header at byte 120");
    free(a.buf);
}

static void test_namesize_zero(void)
{
    cpio_writer_t a = first_entry();
    cpio_put_header(&a, "070701", S_IFREG, 0, 0);
    cpio_put(&a, "\0\0", 2);
    cpio_put_trailer(&a);
    expect_error(&a, "namesize 0", "header at byte 120");
    free(a.buf);
}

static void test_name_without_nul(void)
{
    cpio_writer_t a = first_entry();
    cpio_put_header(&a, "070701", S_IFREG, 0, 2);
    cpio_put(&a, "xy", 2);
    cpio_put_trailer(&a);
    expect_error(&a, "not NUL-terminated", "header at byte 120");
    free(a.buf);

    a = first_entry();
    cpio_put_header(&a, "070701", S_IFREG, 0, 4);
    cpio_put(&a, "x\0y\0", 4);
    cpio_put_trailer(&a);
    expect_error(&a, "has a NUL at byte 231", "header at byte 120");
    free(a.buf);
}

static void test_name_past_end(void)
{
    cpio_writer_t a = first_entry();
    cpio_put_header(&a, "070701", S_IFREG, 0, 0xffffffffu);
    cpio_put(&a, "name\0", 5);
    expect_error(&a, "name of 4294967295 bytes at byte 230 runs past the end", "header at byte 120");
    free(a.buf);
}

static void test_data_past_end(void)
{
    static const uint32_t sizes[] = { 9, 0x7fffffffu, 0xffffffffu };
    for (size_t i = 0; i < 3; i++) {
        cpio_writer_t a = first_entry();
        cpio_put_header(&a, "070701", S_IFREG, sizes[i], 4);
        cpio_put(&a, "big\0", 4);
        cpio_pad(&a);
        cpio_put(&a, "12345678", 8);
        char fault[96];
        snprintf(fault, sizeof fault, "data of %u bytes at byte 236 runs past the end of the 244-byte", sizes[i]);
        expect_error(&a, fault, "'big' (header at byte 120)");
        free(a.buf);
    }
}

static void test_header_past_end(void)
{
    cpio_writer_t a = first_entry();
    cpio_put(&a, "070701000", 9);
    expect_error(&a, "header at byte 120 needs 110 bytes but the 129-byte archive has 9 left", "no trailer");
    free(a.buf);
}

static void test_missing_trailer(void)
{
    cpio_writer_t a = first_entry();
    expect_error(&a, "no trailer", "the 120-byte archive");
    free(a.buf);

    a = (cpio_writer_t){ 0 };
    expect_error(&a, "no trailer", "the 0-byte archive");
    free(a.buf);
}

TEST_REGISTER(test_cpio_register)
{
    CU_pSuite s = test_suite("cpio");
    TEST_ADD(s, test_gnu_cpio_newc_and_crc);
    TEST_ADD(s, test_every_name_and_data_padding);
    TEST_ADD(s, test_entry_kinds_and_names_as_given);
    TEST_ADD(s, test_crc_magic_lower_case_hex_and_check_field);
    TEST_ADD(s, test_trailer_only_and_end_is_sticky);
    TEST_ADD(s, test_trailer_without_padding);
    TEST_ADD(s, test_every_truncation);
    TEST_ADD(s, test_every_single_byte_corruption);
    TEST_ADD(s, test_bad_magic);
    TEST_ADD(s, test_non_hex_field);
    TEST_ADD(s, test_namesize_zero);
    TEST_ADD(s, test_name_without_nul);
    TEST_ADD(s, test_name_past_end);
    TEST_ADD(s, test_data_past_end);
    TEST_ADD(s, test_header_past_end);
    TEST_ADD(s, test_missing_trailer);
}
