/*
 * CUnit tests for drivers/fdt: lookups on a small well-formed tree built
 * with tests/dtb_builder, and fdt_open on hostile blobs (bad header, every
 * truncation, bad block layout, bad tokens), each of which must fail with
 * a message. Blobs under test sit in exactly sized heap copies so that
 * valgrind catches any read past the end.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/suites.h"
#include "drivers/fdt.h"
#include "tests/fixtures/dtb_builder.h"

#define BLOB_CAP 2048

/* The sample tree and where some of its pieces landed. */
static uint8_t blob[BLOB_CAP];
static size_t blob_size;
static size_t raw_prop_at; /* the "raw" property's token */

static const char pl011_compat[] = "arm,pl011\0arm,primecell";

static void add_reg(dtb_builder_t *b, uint32_t base, uint32_t size)
{
    uint32_t reg[4] = {0, base, 0, size};

    dtb_prop_cells(b, "reg", reg, 4);
}

static void add_cpu(dtb_builder_t *b, const char *name, uint32_t id)
{
    dtb_begin_node(b, name);
    dtb_prop_str(b, "device_type", "cpu");
    dtb_prop_u32(b, "reg", id);
    dtb_end_node(b);
}

/*
 * Builds into blob:
 * /memreserve/ 0x48000000 0x100000; /memreserve/ 0x49000000 0x2000;
 * / { #address-cells, #size-cells = 2; model; empty; raw = "abc" (no NUL);
 *     aliases { serial0 = "/uart@9000000"; rel = "uart@9000000"; };
 *     chosen { bootargs; }; cpus { cpu@0; cpu@1; };
 *     memory@40000000 { reg }; memoryx { }; uart@9000000 { compatible; reg };
 * }
 * with NOPs sprinkled between tokens.
 */
static void build_sample(void)
{
    dtb_builder_t b;

    dtb_init(&b, blob, sizeof blob);
    dtb_reserve(&b, 0x48000000, 0x100000);
    dtb_reserve(&b, 0x49000000, 0x2000);
    dtb_begin_node(&b, "");
    dtb_raw_u32(&b, 4); /* FDT_NOP */
    dtb_prop_u32(&b, "#address-cells", 2);
    dtb_prop_u32(&b, "#size-cells", 2);
    dtb_prop_str(&b, "model", "test,board");
    dtb_prop(&b, "empty", NULL, 0);
    raw_prop_at = dtb_mark(&b);
    dtb_prop(&b, "raw", "abc", 3);
    dtb_begin_node(&b, "aliases");
    dtb_prop_str(&b, "serial0", "/uart@9000000");
    dtb_prop_str(&b, "rel", "uart@9000000");
    dtb_end_node(&b);
    dtb_begin_node(&b, "chosen");
    dtb_prop_str(&b, "bootargs", "console=ttyAMA0");
    dtb_end_node(&b);
    dtb_begin_node(&b, "cpus");
    add_cpu(&b, "cpu@0", 0);
    dtb_raw_u32(&b, 4);
    add_cpu(&b, "cpu@1", 1);
    dtb_end_node(&b);
    dtb_begin_node(&b, "memory@40000000");
    dtb_prop_str(&b, "device_type", "memory");
    add_reg(&b, 0x40000000, 0x40000000);
    dtb_end_node(&b);
    dtb_begin_node(&b, "memoryx");
    dtb_end_node(&b);
    dtb_begin_node(&b, "uart@9000000");
    DTB_PROP_LIT(&b, "compatible", pl011_compat);
    add_reg(&b, 0x9000000, 0x1000);
    dtb_end_node(&b);
    dtb_end_node(&b);
    blob_size = dtb_finish(&b);
    CU_ASSERT_FATAL(blob_size > 0);
}

/* Opens a heap copy of blob[0..size) that is exactly max_size long. */
static err_code_t open_copy(const uint8_t *src, size_t size, size_t max_size,
                            err_t *err)
{
    uint8_t *copy = malloc(max_size ? max_size : 1);
    fdt_t f;
    err_code_t rc;

    CU_ASSERT_FATAL(copy != NULL);
    memcpy(copy, src, size < max_size ? size : max_size);
    err_clear(err);
    rc = fdt_open(&f, copy, max_size, err);
    free(copy);
    return rc;
}

/* fdt_open on blob[0..size) must fail with code want (any if ERR_OK). */
static void expect_fail(const uint8_t *src, size_t size, err_code_t want)
{
    err_t err;
    err_code_t rc = open_copy(src, size, size, &err);

    CU_ASSERT_NOT_EQUAL(rc, ERR_OK);
    CU_ASSERT_EQUAL(rc, err.code);
    if (want != ERR_OK)
        CU_ASSERT_EQUAL(rc, want);
    CU_ASSERT(err.msg[0] != '\0');
}

/* Patches one header field of a fresh sample and expects failure. */
static void patch_expect(size_t field, uint32_t value, err_code_t want)
{
    build_sample();
    dtb_put_be32(blob, field, value);
    expect_fail(blob, blob_size, want);
}

static fdt_t open_sample(void)
{
    fdt_t f;
    err_t err;

    build_sample();
    err_clear(&err);
    CU_ASSERT_EQUAL_FATAL(fdt_open(&f, blob, sizeof blob, &err), ERR_OK);
    return f;
}

static void test_open_valid(void)
{
    fdt_t f = open_sample();
    uint64_t base = 0, size = 0;

    CU_ASSERT_EQUAL(fdt_total_size(&f), blob_size);
    CU_ASSERT_STRING_EQUAL(fdt_node_name(&f, fdt_root(&f)), "");
    CU_ASSERT_EQUAL(fdt_reserved_count(&f), 2);
    CU_ASSERT(fdt_reserved_get(&f, 1, &base, &size));
    CU_ASSERT_EQUAL(base, 0x49000000);
    CU_ASSERT_EQUAL(size, 0x2000);
    CU_ASSERT_FALSE(fdt_reserved_get(&f, 2, &base, &size));
}

static void test_version16(void)
{
    fdt_t f;
    err_t err;

    build_sample();
    dtb_put_be32(blob, DTB_HDR_VERSION, 16);
    dtb_put_be32(blob, DTB_HDR_SIZE_STRUCT, 0); /* not used before v17 */
    CU_ASSERT_EQUAL(fdt_open(&f, blob, blob_size, &err), ERR_OK);
    CU_ASSERT(fdt_path_offset(&f, "/cpus/cpu@1") >= 0);
}

static void expect_path(const fdt_t *f, const char *path, const char *name)
{
    int node = fdt_path_offset(f, path);

    if (name == NULL) {
        CU_ASSERT_EQUAL(node, -1);
        return;
    }
    CU_ASSERT_FATAL(node >= 0);
    CU_ASSERT_STRING_EQUAL(fdt_node_name(f, node), name);
}

static void test_path_lookup(void)
{
    fdt_t f = open_sample();

    expect_path(&f, "/", "");
    expect_path(&f, "/cpus", "cpus");
    expect_path(&f, "/cpus/", "cpus");
    expect_path(&f, "/cpus/cpu@1", "cpu@1");
    expect_path(&f, "/cpus/cpu", "cpu@0");
    expect_path(&f, "/memory", "memory@40000000");
    expect_path(&f, "/memoryx", "memoryx");
    expect_path(&f, "/uart@9000000", "uart@9000000");
    expect_path(&f, "/cpus/cpu@2", NULL);
    expect_path(&f, "/memory@4", NULL);
    expect_path(&f, "/cpu", NULL);
    expect_path(&f, "/chosen/bootargs", NULL);
    expect_path(&f, "", NULL);
    /* Aliases: absolute targets only. */
    expect_path(&f, "serial0", "uart@9000000");
    expect_path(&f, "rel", NULL);
    expect_path(&f, "serial", NULL);
    expect_path(&f, "cpus", NULL);
    CU_ASSERT_EQUAL(fdt_path_offset_len(&f, "/chosen:opts", 7),
                    fdt_path_offset(&f, "/chosen"));
    CU_ASSERT_EQUAL(fdt_path_offset_len(&f, "serial0:115200", 7),
                    fdt_path_offset(&f, "/uart"));
}

static void test_walk(void)
{
    static const char *const order[] = {
        "", "aliases", "chosen", "cpus", "cpu@0", "cpu@1",
        "memory@40000000", "memoryx", "uart@9000000"};
    static const char *const root_children[] = {
        "aliases", "chosen", "cpus", "memory@40000000", "memoryx",
        "uart@9000000"};
    fdt_t f = open_sample();
    int node, cpus = fdt_path_offset(&f, "/cpus");
    size_t i = 0;

    for (node = fdt_root(&f); node >= 0; node = fdt_next_node(&f, node)) {
        CU_ASSERT_FATAL(i < 9);
        CU_ASSERT_STRING_EQUAL(fdt_node_name(&f, node), order[i]);
        i++;
    }
    CU_ASSERT_EQUAL(i, 9);
    i = 0;
    for (node = fdt_first_child(&f, fdt_root(&f)); node >= 0;
         node = fdt_next_sibling(&f, node)) {
        CU_ASSERT_FATAL(i < 6);
        CU_ASSERT_STRING_EQUAL(fdt_node_name(&f, node), root_children[i]);
        CU_ASSERT_EQUAL(fdt_parent(&f, node), fdt_root(&f));
        i++;
    }
    CU_ASSERT_EQUAL(i, 6);
    CU_ASSERT_EQUAL(fdt_parent(&f, fdt_path_offset(&f, "/cpus/cpu@1")), cpus);
    CU_ASSERT_EQUAL(fdt_parent(&f, fdt_root(&f)), -1);
    CU_ASSERT_EQUAL(fdt_first_child(&f, fdt_path_offset(&f, "/memoryx")), -1);
    /* Offsets that are not nodes are "none", not crashes. */
    CU_ASSERT_EQUAL(fdt_first_child(&f, -1), -1);
    CU_ASSERT_EQUAL(fdt_next_sibling(&f, 2), -1);
    CU_ASSERT_EQUAL(fdt_next_node(&f, 1 << 30), -1);
    CU_ASSERT_PTR_NULL(fdt_node_name(&f, 4));
    CU_ASSERT_PTR_NULL(fdt_prop(&f, 1000000, "reg", NULL));
}

static void test_props(void)
{
    fdt_t f = open_sample();
    int root = fdt_root(&f), uart = fdt_path_offset(&f, "/uart");
    size_t len = 99;
    const uint8_t *p;

    p = fdt_prop(&f, uart, "reg", &len);
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(len, 16);
    CU_ASSERT_EQUAL(p[7], 0x00);
    CU_ASSERT_EQUAL(p[4], 0x09);
    CU_ASSERT_PTR_NOT_NULL(fdt_prop(&f, root, "empty", &len));
    CU_ASSERT_EQUAL(len, 0);
    CU_ASSERT_PTR_NULL(fdt_prop(&f, root, "absent", &len));
    CU_ASSERT_PTR_NULL(fdt_prop(&f, root, "model2", &len));
    CU_ASSERT_PTR_NULL(fdt_prop(&f, root, "mode", &len));
    CU_ASSERT_STRING_EQUAL(fdt_prop_string(&f, root, "model"), "test,board");
    CU_ASSERT_PTR_NULL(fdt_prop_string(&f, root, "raw"));
    CU_ASSERT_PTR_NULL(fdt_prop_string(&f, root, "empty"));
    /* A child's property is not the parent's. */
    CU_ASSERT_PTR_NULL(fdt_prop(&f, root, "bootargs", NULL));
    CU_ASSERT(fdt_prop_string_is(&f, uart, "compatible", "arm,pl011"));
    CU_ASSERT(fdt_prop_string_is(&f, uart, "compatible", "arm,primecell"));
    CU_ASSERT_FALSE(fdt_prop_string_is(&f, uart, "compatible", "arm,pl01"));
    CU_ASSERT_FALSE(fdt_prop_string_is(&f, uart, "compatible", "arm"));
    CU_ASSERT_FALSE(fdt_prop_string_is(&f, uart, "compatible", ""));
    CU_ASSERT_FALSE(fdt_prop_string_is(&f, root, "raw", "abc"));
    CU_ASSERT_FALSE(fdt_prop_string_is(&f, root, "absent", "x"));
}

static void test_read_cells(void)
{
    static const uint8_t v[12] = {0x00, 0x00, 0x00, 0x01, 0x80, 0x00,
                                  0x00, 0x02, 0x12, 0x34, 0x56, 0x78};
    uint64_t x = 7;

    CU_ASSERT(fdt_read_cells(v, 12, 0, 1, &x));
    CU_ASSERT_EQUAL(x, 1);
    CU_ASSERT(fdt_read_cells(v, 12, 1, 2, &x));
    CU_ASSERT_EQUAL(x, 0x8000000212345678ull);
    CU_ASSERT(fdt_read_cells(v + 1, 11, 1, 1, &x)); /* unaligned source */
    CU_ASSERT_EQUAL(x, 0x00000212u);
    x = 7;
    CU_ASSERT_FALSE(fdt_read_cells(v, 12, 2, 2, &x));
    CU_ASSERT_FALSE(fdt_read_cells(v, 12, 3, 1, &x));
    CU_ASSERT_FALSE(fdt_read_cells(v, 11, 2, 1, &x));
    CU_ASSERT_FALSE(fdt_read_cells(v, 12, 0, 3, &x));
    CU_ASSERT_FALSE(fdt_read_cells(v, 12, 0, 0, &x));
    CU_ASSERT_FALSE(fdt_read_cells(v, 12, SIZE_MAX, 1, &x));
    CU_ASSERT_EQUAL(x, 7);
}

static void test_bad_header(void)
{
    fdt_t f;
    err_t err;

    build_sample(); /* sets blob_size */
    patch_expect(DTB_HDR_MAGIC, 0xd00dfeee, ERR_FORMAT);
    patch_expect(DTB_HDR_VERSION, 1, ERR_UNSUPPORTED);
    patch_expect(DTB_HDR_VERSION, 15, ERR_UNSUPPORTED);
    patch_expect(DTB_HDR_LAST_COMP, 18, ERR_UNSUPPORTED);
    patch_expect(DTB_HDR_TOTALSIZE, (uint32_t)blob_size + 4, ERR_RANGE);
    patch_expect(DTB_HDR_TOTALSIZE, 0xffffffff, ERR_RANGE);
    patch_expect(DTB_HDR_TOTALSIZE, 16, ERR_FORMAT);
    CU_ASSERT_EQUAL(fdt_open(&f, NULL, 100, &err), ERR_INVALID);
    CU_ASSERT(err.msg[0] != '\0');
}

/*
 * Every prefix fails, with totalsize as built and patched to the prefix;
 * so does every shorter structure block (size_dt_struct patched).
 */
static void test_truncated(void)
{
    static uint8_t cut[BLOB_CAP];
    size_t n;
    uint32_t ss;

    build_sample();
    for (n = 0; n < blob_size; n++) {
        expect_fail(blob, n, ERR_OK);
        memcpy(cut, blob, n);
        if (n >= 8) {
            dtb_put_be32(cut, DTB_HDR_TOTALSIZE, (uint32_t)n);
            expect_fail(cut, n, ERR_OK);
        }
    }
    ss = dtb_get_be32(blob, DTB_HDR_SIZE_STRUCT);
    for (n = 0; n < ss; n++) {
        memcpy(cut, blob, blob_size);
        dtb_put_be32(cut, DTB_HDR_SIZE_STRUCT, (uint32_t)n);
        expect_fail(cut, blob_size, ERR_FORMAT);
    }
}

static void test_bad_layout(void)
{
    uint32_t st, ss, so, zs;

    build_sample();
    st = dtb_get_be32(blob, DTB_HDR_OFF_STRUCT);
    ss = dtb_get_be32(blob, DTB_HDR_SIZE_STRUCT);
    so = dtb_get_be32(blob, DTB_HDR_OFF_STRINGS);
    zs = dtb_get_be32(blob, DTB_HDR_SIZE_STRINGS);
    patch_expect(DTB_HDR_OFF_STRUCT, 0xfffffff0, ERR_FORMAT);
    patch_expect(DTB_HDR_OFF_STRUCT, (uint32_t)blob_size, ERR_FORMAT);
    patch_expect(DTB_HDR_OFF_STRUCT, st + 2, ERR_FORMAT);  /* misaligned */
    patch_expect(DTB_HDR_OFF_STRUCT, 4, ERR_FORMAT);       /* in header */
    patch_expect(DTB_HDR_OFF_STRUCT, st + 4, ERR_FORMAT);  /* on strings */
    patch_expect(DTB_HDR_OFF_STRUCT, st - 16, ERR_FORMAT); /* on rsvmap */
    patch_expect(DTB_HDR_SIZE_STRUCT, 0xfffffffc, ERR_FORMAT);
    patch_expect(DTB_HDR_SIZE_STRUCT, ss + 4, ERR_FORMAT);
    patch_expect(DTB_HDR_SIZE_STRUCT, ss - 4, ERR_FORMAT); /* cuts FDT_END */
    patch_expect(DTB_HDR_SIZE_STRUCT, 0, ERR_FORMAT);
    patch_expect(DTB_HDR_OFF_STRINGS, 0xffffffff, ERR_FORMAT);
    patch_expect(DTB_HDR_OFF_STRINGS, st, ERR_FORMAT);
    patch_expect(DTB_HDR_OFF_STRINGS, so + 1, ERR_FORMAT);
    patch_expect(DTB_HDR_SIZE_STRINGS, 0xffffffff, ERR_FORMAT);
    patch_expect(DTB_HDR_SIZE_STRINGS, zs - 1, ERR_FORMAT); /* cut a NUL */
    patch_expect(DTB_HDR_SIZE_STRINGS, 0, ERR_FORMAT);
    patch_expect(DTB_HDR_OFF_RSVMAP, 44, ERR_FORMAT);
    patch_expect(DTB_HDR_OFF_RSVMAP, 0xfffffff8, ERR_FORMAT);
    patch_expect(DTB_HDR_OFF_RSVMAP, 0, ERR_FORMAT);
    patch_expect(DTB_HDR_OFF_RSVMAP, st, ERR_FORMAT);
    patch_expect(DTB_HDR_OFF_RSVMAP, so & ~7u, ERR_FORMAT);
    /* A reservation map without its terminator runs into the structure. */
    build_sample();
    memset(blob + DTB_HDR_SIZE + 32, 0xff, 16);
    expect_fail(blob, blob_size, ERR_FORMAT);
}

/*
 * Inserts `by` zero bytes at blob offset `at` of a fresh sample, moving
 * the blocks behind it and fixing the header; the gap itself is legal.
 */
static void shift_blocks(size_t at, size_t by)
{
    static const size_t fields[] = {DTB_HDR_OFF_STRUCT, DTB_HDR_OFF_STRINGS,
                                    DTB_HDR_OFF_RSVMAP};
    size_t i;

    build_sample();
    memmove(blob + at + by, blob + at, blob_size - at);
    memset(blob + at, 0, by);
    blob_size += by;
    dtb_put_be32(blob, DTB_HDR_TOTALSIZE, (uint32_t)blob_size);
    for (i = 0; i < 3; i++) {
        if (dtb_get_be32(blob, fields[i]) >= at)
            dtb_put_be32(blob, fields[i],
                         dtb_get_be32(blob, fields[i]) + (uint32_t)by);
    }
}

static void test_alignment(void)
{
    fdt_t f;
    err_t err;
    size_t st;

    build_sample();
    st = dtb_get_be32(blob, DTB_HDR_OFF_STRUCT);
    shift_blocks(DTB_HDR_SIZE, 8); /* a gap after the header is fine */
    CU_ASSERT_EQUAL(fdt_open(&f, blob, blob_size, &err), ERR_OK);
    CU_ASSERT(fdt_path_offset(&f, "/cpus/cpu@1") >= 0);
    shift_blocks(DTB_HDR_SIZE, 4); /* map at 44 */
    expect_fail(blob, blob_size, ERR_FORMAT);
    shift_blocks(st, 4); /* so is one before the structure block */
    CU_ASSERT_EQUAL(fdt_open(&f, blob, blob_size, &err), ERR_OK);
    shift_blocks(st, 2); /* structure block misaligned */
    expect_fail(blob, blob_size, ERR_FORMAT);
}

static void test_bad_tokens(void)
{
    static const uint8_t uart_node[] = {0, 0, 0, 1, 'u', 'a', 'r', 't', '@'};
    size_t at, end;

    build_sample(); /* sets raw_prop_at */
    patch_expect(raw_prop_at + 4, 0x7ffffff0, ERR_FORMAT); /* length */
    patch_expect(raw_prop_at + 4, 0xffffffff, ERR_FORMAT);
    patch_expect(raw_prop_at + 8, 0x10000, ERR_FORMAT);    /* name offset */
    patch_expect(raw_prop_at + 8, 0xffffffff, ERR_FORMAT);
    patch_expect(raw_prop_at, 5, ERR_FORMAT);              /* unknown token */
    patch_expect(raw_prop_at, 2, ERR_FORMAT);              /* early END_NODE */
    /* FDT_END turned into a NOP: the walk runs off the block. */
    end = dtb_get_be32(blob, DTB_HDR_OFF_STRUCT) +
          dtb_get_be32(blob, DTB_HDR_SIZE_STRUCT) - 4;
    patch_expect(end, 4, ERR_FORMAT);
    /* The last node's name runs to the end of the structure block. */
    build_sample();
    at = dtb_find(blob, blob_size, uart_node, sizeof uart_node);
    CU_ASSERT_FATAL(at < end);
    memset(blob + at + 4, 'x', end + 4 - (at + 4));
    expect_fail(blob, blob_size, ERR_FORMAT);
}

/* Finishes b and expects fdt_open on the result to give want. */
static void finish_expect(dtb_builder_t *b, err_code_t want)
{
    fdt_t f;
    err_t err;
    size_t n = dtb_finish(b);

    CU_ASSERT_FATAL(n > 0);
    if (want != ERR_OK) {
        expect_fail(blob, n, want);
        return;
    }
    err_clear(&err);
    CU_ASSERT_EQUAL(fdt_open(&f, blob, n, &err), ERR_OK);
}

/* Root plus `depth` nested children, closed or not. */
static void build_nested(dtb_builder_t *b, int depth, bool close)
{
    int i;

    dtb_init(b, blob, sizeof blob);
    for (i = 0; i <= depth; i++)
        dtb_begin_node(b, i == 0 ? "" : "n");
    for (i = 0; close && i <= depth; i++)
        dtb_end_node(b);
}

static void test_bad_structure(void)
{
    dtb_builder_t b;

    build_nested(&b, FDT_MAX_DEPTH - 1, true);
    finish_expect(&b, ERR_OK);
    build_nested(&b, FDT_MAX_DEPTH, true);
    finish_expect(&b, ERR_FORMAT);
    build_nested(&b, 3, false);
    finish_expect(&b, ERR_FORMAT);
    build_nested(&b, 3, true);
    dtb_end_node(&b);
    finish_expect(&b, ERR_FORMAT);
    build_nested(&b, 0, true); /* a second root */
    dtb_begin_node(&b, "");
    dtb_end_node(&b);
    finish_expect(&b, ERR_FORMAT);
    dtb_init(&b, blob, sizeof blob); /* no root at all */
    finish_expect(&b, ERR_FORMAT);
    dtb_init(&b, blob, sizeof blob); /* property before the root */
    dtb_prop_u32(&b, "x", 1);
    dtb_begin_node(&b, "");
    dtb_end_node(&b);
    finish_expect(&b, ERR_FORMAT);
    build_nested(&b, 1, false); /* property after a child node */
    dtb_end_node(&b);
    dtb_prop_u32(&b, "x", 1);
    dtb_end_node(&b);
    finish_expect(&b, ERR_FORMAT);
}

TEST_REGISTER(test_fdt_register)
{
    static CU_TestInfo tests[] = {
        {"open a valid blob", test_open_valid},
        {"open a version 16 blob", test_version16},
        {"path lookup", test_path_lookup},
        {"tree walk", test_walk},
        {"properties", test_props},
        {"read cells", test_read_cells},
        {"bad header", test_bad_header},
        {"every truncation", test_truncated},
        {"bad block layout", test_bad_layout},
        {"block alignment", test_alignment},
        {"bad tokens", test_bad_tokens},
        {"bad structure", test_bad_structure},
        CU_TEST_INFO_NULL,
    };
    CU_pSuite s = CU_add_suite("fdt", NULL, NULL);

    for (CU_TestInfo *t = tests; s != NULL && t->pName != NULL; t++)
        CU_add_test(s, t->pName, t->pTestFunc);
}
