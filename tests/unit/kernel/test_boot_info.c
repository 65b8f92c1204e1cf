/*
 * CUnit tests for kernel/boot_info: a QEMU-virt-like tree (built with
 * tests/dtb_builder, with knobs for the parts that vary) decoded in full,
 * the ways the console, initrd and PSCI can be described, cell sizes, the
 * documented errors, and single-byte corruptions of the whole blob.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/suites.h"
#include "kernel/boot_info.h"
#include "tests/fixtures/dtb_builder.h"

/* The parts of the virt-like tree a test can change. */
typedef struct virt_opts {
    uint32_t addr_cells, size_cells; /* of root; 0 leaves the property out */
    size_t n_ram;                    /* ranges in memory@40000000's reg */
    bool second_memory;              /* adds memory@c0000000 at the end */
    const char *stdout_path;         /* NULL: none */
    size_t initrd_bytes[2];          /* sizes of linux,initrd-start/-end,
                                        0 leaves the property out */
    uint64_t initrd_start, initrd_end;
    const char *psci_method;         /* NULL: no PSCI node */
    size_t n_reserved_mem;           /* children of /reserved-memory */
    const char *bootargs;            /* NULL: none */
} virt_opts_t;

static const virt_opts_t virt_default = {
    .addr_cells = 2, .size_cells = 2, .n_ram = 1,
    .stdout_path = "/pl011@9000000",
    .initrd_bytes = {8, 8},
    .initrd_start = 0x48000000, .initrd_end = 0x48200000,
    .psci_method = "hvc", .n_reserved_mem = 1,
    .bootargs = "console=ttyAMA0 quiet",
};

static uint8_t blob[4096];
static size_t blob_size;

/* Appends v as n cells (high cells beyond 64 bits are zero). */
static void put_cells(uint32_t *cells, size_t *k, uint64_t v, uint32_t n)
{
    while (n-- > 0 && *k < 64)
        cells[(*k)++] = n >= 2 ? 0 : (uint32_t)(v >> (32 * n));
}

/* Writes ranges as a reg in the root's cell sizes (0 meaning default). */
static void prop_reg(dtb_builder_t *b, const virt_opts_t *o,
                     const mem_range_t *r, size_t n)
{
    uint32_t cells[64];
    size_t i, k = 0;

    for (i = 0; i < n; i++) {
        put_cells(cells, &k, r[i].base, o->addr_cells ? o->addr_cells : 2);
        put_cells(cells, &k, r[i].size, o->size_cells ? o->size_cells : 1);
    }
    dtb_prop_cells(b, "reg", cells, k);
}

static void node_with_reg(dtb_builder_t *b, const virt_opts_t *o,
                          const char *name, uint64_t base, uint64_t size)
{
    mem_range_t r = {base, size};

    dtb_begin_node(b, name);
    prop_reg(b, o, &r, 1);
}

static void add_memory_node(dtb_builder_t *b, const virt_opts_t *o,
                            const char *name, uint64_t base, uint64_t size)
{
    node_with_reg(b, o, name, base, size);
    dtb_prop_str(b, "device_type", "memory");
    dtb_end_node(b);
}

static void add_root_cells(dtb_builder_t *b, const virt_opts_t *o)
{
    if (o->addr_cells)
        dtb_prop_u32(b, "#address-cells", o->addr_cells);
    if (o->size_cells)
        dtb_prop_u32(b, "#size-cells", o->size_cells);
}

static void add_memory(dtb_builder_t *b, const virt_opts_t *o)
{
    mem_range_t r[8];
    size_t i;

    for (i = 0; i < o->n_ram && i < 8; i++) {
        r[i].base = 0x40000000 + i * 0x10000000ull;
        r[i].size = o->n_ram == 1 ? 0x40000000 : 0x8000000;
    }
    if (o->n_ram > 0) {
        dtb_begin_node(b, "memory@40000000");
        dtb_prop_str(b, "device_type", "memory");
        prop_reg(b, o, r, i);
        dtb_end_node(b);
    }
}

static void add_reserved_memory(dtb_builder_t *b, const virt_opts_t *o)
{
    size_t i;

    dtb_begin_node(b, "reserved-memory");
    add_root_cells(b, o);
    dtb_prop(b, "ranges", NULL, 0);
    for (i = 0; i < o->n_reserved_mem; i++) {
        node_with_reg(b, o, "region", 0x50000000 + i * 0x100000, 0x100000);
        dtb_end_node(b);
    }
    dtb_begin_node(b, "dynamic"); /* no reg: allocated by the OS */
    dtb_prop_u32(b, "size", 0x1000);
    dtb_end_node(b);
    dtb_end_node(b);
}

/* v as an n-byte big-endian property (n <= 8); nothing if n is 0. */
static void prop_number(dtb_builder_t *b, const char *name, uint64_t v,
                        size_t n)
{
    uint8_t bytes[8];
    size_t i;

    for (i = 0; i < n && i < 8; i++)
        bytes[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    if (n > 0)
        dtb_prop(b, name, bytes, i);
}

static void add_chosen(dtb_builder_t *b, const virt_opts_t *o)
{
    dtb_begin_node(b, "chosen");
    if (o->stdout_path)
        dtb_prop_str(b, "stdout-path", o->stdout_path);
    if (o->bootargs)
        dtb_prop_str(b, "bootargs", o->bootargs);
    prop_number(b, "linux,initrd-start", o->initrd_start,
                o->initrd_bytes[0]);
    prop_number(b, "linux,initrd-end", o->initrd_end, o->initrd_bytes[1]);
    dtb_end_node(b);
}

static void add_cpus(dtb_builder_t *b)
{
    static const char *const cpus[] = {"cpu@0", "cpu@1"};
    size_t i;

    dtb_begin_node(b, "cpus");
    dtb_prop_u32(b, "#address-cells", 1);
    dtb_prop_u32(b, "#size-cells", 0);
    dtb_begin_node(b, "cpu-map"); /* not a cpu */
    dtb_end_node(b);
    for (i = 0; i < 2; i++) {
        dtb_begin_node(b, cpus[i]);
        dtb_prop_str(b, "device_type", "cpu");
        DTB_PROP_LIT(b, "compatible", "arm,arm-v8");
        dtb_prop_u32(b, "reg", (uint32_t)i);
        if (i == 1)
            dtb_prop_str(b, "enable-method", "psci");
        dtb_end_node(b);
    }
    dtb_end_node(b);
}

/* A pl011 with its compatible list; left open for more properties. */
static void begin_pl011(dtb_builder_t *b, const virt_opts_t *o,
                        const char *name, uint64_t base)
{
    node_with_reg(b, o, name, base, 0x1000);
    DTB_PROP_LIT(b, "compatible", "arm,pl011\0arm,primecell");
}

/* Builds the tree into blob, leaving the root open for more children. */
static void build_open(dtb_builder_t *b, const virt_opts_t *o)
{
    dtb_init(b, blob, sizeof blob);
    dtb_reserve(b, 0x40000000, 0x10000);
    dtb_begin_node(b, "");
    add_root_cells(b, o);
    dtb_prop_str(b, "model", "linux,dummy-virt");
    DTB_PROP_LIT(b, "compatible", "linux,dummy-virt");
    if (o->psci_method) {
        dtb_begin_node(b, "psci");
        DTB_PROP_LIT(b, "compatible",
                     "arm,psci-1.0\0arm,psci-0.2\0arm,psci");
        dtb_prop_str(b, "method", o->psci_method);
        dtb_end_node(b);
    }
    add_memory(b, o);
    add_reserved_memory(b, o);
    begin_pl011(b, o, "pl011@9040000", 0x9040000);
    dtb_end_node(b);
    begin_pl011(b, o, "pl011@9000000", 0x9000000);
    dtb_end_node(b);
    node_with_reg(b, o, "fw-cfg@9020000", 0x9020000, 0x18);
    DTB_PROP_LIT(b, "compatible", "qemu,fw-cfg-mmio");
    dtb_end_node(b);
    add_cpus(b);
    add_chosen(b, o);
    dtb_begin_node(b, "aliases");
    dtb_prop_str(b, "serial0", "/pl011@9000000");
    dtb_prop_str(b, "serial1", "/pl011@9040000");
    dtb_end_node(b);
    if (o->second_memory)
        add_memory_node(b, o, "memory@c0000000", 0xc0000000, 0x1000000);
}

static void finish_root(dtb_builder_t *b)
{
    dtb_end_node(b);
    blob_size = dtb_finish(b);
    CU_ASSERT_FATAL(blob_size > 0);
}

/* Builds and decodes; returns the code, with *bi and *err filled. */
static err_code_t decode(dtb_builder_t *b, boot_info_t *bi, err_t *err)
{
    fdt_t f;

    finish_root(b);
    err_clear(err);
    CU_ASSERT_EQUAL_FATAL(fdt_open(&f, blob, blob_size, err), ERR_OK);
    return boot_info_from_fdt(&f, bi, err);
}

static err_code_t decode_opts(const virt_opts_t *o, boot_info_t *bi,
                              err_t *err)
{
    dtb_builder_t b;

    build_open(&b, o);
    return decode(&b, bi, err);
}

/* Decoding must fail with code want and a message containing needle. */
static void expect_error(dtb_builder_t *b, err_code_t want,
                         const char *needle)
{
    boot_info_t bi;
    err_t err;

    CU_ASSERT_EQUAL(decode(b, &bi, &err), want);
    CU_ASSERT_EQUAL(err.code, want);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, needle));
}

static void expect_opts_error(const virt_opts_t *o, err_code_t want,
                              const char *needle)
{
    dtb_builder_t b;

    build_open(&b, o);
    expect_error(&b, want, needle);
}

static uint64_t uart_with(const char *stdout_path)
{
    virt_opts_t o = virt_default;
    boot_info_t bi;
    err_t err;

    o.stdout_path = stdout_path;
    CU_ASSERT_EQUAL_FATAL(decode_opts(&o, &bi, &err), ERR_OK);
    CU_ASSERT(bi.has_uart);
    return bi.uart_base;
}

static void test_virt_full(void)
{
    boot_info_t bi;
    err_t err;

    CU_ASSERT_EQUAL_FATAL(decode_opts(&virt_default, &bi, &err), ERR_OK);
    CU_ASSERT_EQUAL(bi.n_ram, 1);
    CU_ASSERT_EQUAL(bi.ram[0].base, 0x40000000);
    CU_ASSERT_EQUAL(bi.ram[0].size, 0x40000000);
    CU_ASSERT_EQUAL(bi.n_reserved, 2);
    CU_ASSERT_EQUAL(bi.reserved[0].base, 0x40000000);
    CU_ASSERT_EQUAL(bi.reserved[0].size, 0x10000);
    CU_ASSERT_EQUAL(bi.reserved[1].base, 0x50000000);
    CU_ASSERT_EQUAL(bi.reserved[1].size, 0x100000);
    CU_ASSERT(bi.has_uart);
    CU_ASSERT_EQUAL(bi.uart_base, 0x9000000);
    CU_ASSERT_STRING_EQUAL(bi.bootargs, "console=ttyAMA0 quiet");
    CU_ASSERT(bi.has_initrd);
    CU_ASSERT_EQUAL(bi.initrd_start, 0x48000000);
    CU_ASSERT_EQUAL(bi.initrd_end, 0x48200000);
    CU_ASSERT_EQUAL(bi.psci, PSCI_HVC);
    CU_ASSERT_EQUAL(bi.n_cpus, 2);
    CU_ASSERT_EQUAL(bi.n_cpu_ids, 2);
    CU_ASSERT_EQUAL(bi.cpu_mpidr[0], 0);
    CU_ASSERT_EQUAL(bi.cpu_mpidr[1], 1);
    CU_ASSERT(!bi.cpu_psci[0]);
    CU_ASSERT(bi.cpu_psci[1]);
    CU_ASSERT_EQUAL(bi.psci_cpu_on, PSCI_CPU_ON_64);
    CU_ASSERT_STRING_EQUAL(bi.model, "linux,dummy-virt");
}

static void test_uart(void)
{
    CU_ASSERT_EQUAL(uart_with("/pl011@9000000"), 0x9000000);
    CU_ASSERT_EQUAL(uart_with("/pl011@9000000:115200n8"), 0x9000000);
    CU_ASSERT_EQUAL(uart_with("serial0"), 0x9000000);
    CU_ASSERT_EQUAL(uart_with("serial0:115200n8"), 0x9000000);
    CU_ASSERT_EQUAL(uart_with("serial1"), 0x9040000);
    /* Fallback to the first pl011: none named, not a pl011, no such node. */
    CU_ASSERT_EQUAL(uart_with(NULL), 0x9040000);
    CU_ASSERT_EQUAL(uart_with("/fw-cfg@9020000"), 0x9040000);
    CU_ASSERT_EQUAL(uart_with("/nowhere"), 0x9040000);
    CU_ASSERT_EQUAL(uart_with("serial9"), 0x9040000);
}

/* No cell properties anywhere: the defaults (2 address, 1 size) apply. */
static const virt_opts_t bare;

/* Starts a tree with just an open root node. */
static void begin_bare(dtb_builder_t *b)
{
    dtb_init(b, blob, sizeof blob);
    dtb_begin_node(b, "");
}

static void add_bare_memory(dtb_builder_t *b)
{
    add_memory_node(b, &bare, "memory", 0x40000000, 0x1000);
}

static void test_uart_more(void)
{
    dtb_builder_t b;
    boot_info_t bi;
    err_t err;

    /* Disabled pl011s are skipped; none left means no UART. */
    begin_bare(&b);
    add_bare_memory(&b);
    begin_pl011(&b, &bare, "pl011@1000", 0x1000);
    dtb_prop_str(&b, "status", "disabled");
    dtb_end_node(&b);
    CU_ASSERT_EQUAL_FATAL(decode(&b, &bi, &err), ERR_OK);
    CU_ASSERT_FALSE(bi.has_uart);
    CU_ASSERT_EQUAL(bi.psci, PSCI_NONE);
    CU_ASSERT_EQUAL(bi.n_cpus, 0);
    CU_ASSERT_EQUAL(bi.n_reserved, 0);
    CU_ASSERT_FALSE(bi.has_initrd);
    CU_ASSERT_STRING_EQUAL(bi.bootargs, "");
    CU_ASSERT_STRING_EQUAL(bi.model, "");
    CU_ASSERT_EQUAL(bi.n_ram, 1);
    CU_ASSERT_EQUAL(bi.ram[0].size, 0x1000); /* a 3-cell entry was read */

    /* The older linux,stdout-path is honoured too. */
    begin_bare(&b);
    add_bare_memory(&b);
    dtb_begin_node(&b, "chosen");
    dtb_prop_str(&b, "linux,stdout-path", "/pl011@2000");
    dtb_end_node(&b);
    begin_pl011(&b, &bare, "pl011@1000", 0x1000);
    dtb_end_node(&b);
    begin_pl011(&b, &bare, "pl011@2000", 0x2000);
    dtb_end_node(&b);
    CU_ASSERT_EQUAL_FATAL(decode(&b, &bi, &err), ERR_OK);
    CU_ASSERT_EQUAL(bi.uart_base, 0x2000);
}

/* Decodes virt with initrd properties of the given sizes. */
static err_code_t initrd_case(size_t start_bytes, size_t end_bytes,
                              uint64_t start, uint64_t end, boot_info_t *bi,
                              err_t *err)
{
    virt_opts_t o = virt_default;

    o.initrd_bytes[0] = start_bytes;
    o.initrd_bytes[1] = end_bytes;
    o.initrd_start = start;
    o.initrd_end = end;
    return decode_opts(&o, bi, err);
}

static void test_initrd(void)
{
    boot_info_t bi;
    err_t err;

    CU_ASSERT_EQUAL_FATAL(
        initrd_case(4, 4, 0x44000000, 0x44001000, &bi, &err), ERR_OK);
    CU_ASSERT(bi.has_initrd);
    CU_ASSERT_EQUAL(bi.initrd_start, 0x44000000);
    CU_ASSERT_EQUAL(bi.initrd_end, 0x44001000);
    CU_ASSERT_EQUAL_FATAL(
        initrd_case(8, 4, 0x123456789000ull, 0xfffff000u, &bi, &err),
        ERR_FORMAT); /* end before start */
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "before its start"));
    CU_ASSERT_EQUAL_FATAL(
        initrd_case(4, 8, 0x1000, 0x123456789000ull, &bi, &err), ERR_OK);
    CU_ASSERT_EQUAL(bi.initrd_start, 0x1000);
    CU_ASSERT_EQUAL(bi.initrd_end, 0x123456789000ull);
    CU_ASSERT_EQUAL_FATAL(initrd_case(8, 8, 5, 5, &bi, &err), ERR_OK);
    CU_ASSERT(bi.has_initrd); /* empty but present */
    CU_ASSERT_EQUAL_FATAL(initrd_case(0, 0, 5, 6, &bi, &err), ERR_OK);
    CU_ASSERT_FALSE(bi.has_initrd);
    CU_ASSERT_EQUAL(initrd_case(8, 0, 5, 6, &bi, &err), ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "only one"));
    CU_ASSERT_EQUAL(initrd_case(0, 4, 5, 6, &bi, &err), ERR_FORMAT);
    CU_ASSERT_EQUAL(initrd_case(3, 8, 5, 6, &bi, &err), ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "linux,initrd-start is 3 bytes"));
    CU_ASSERT_EQUAL(initrd_case(8, 1, 5, 6, &bi, &err), ERR_FORMAT);
}

static void test_psci(void)
{
    virt_opts_t o = virt_default;
    dtb_builder_t b;
    boot_info_t bi;
    err_t err;

    o.psci_method = "smc";
    CU_ASSERT_EQUAL_FATAL(decode_opts(&o, &bi, &err), ERR_OK);
    CU_ASSERT_EQUAL(bi.psci, PSCI_SMC);
    o.psci_method = NULL;
    CU_ASSERT_EQUAL_FATAL(decode_opts(&o, &bi, &err), ERR_OK);
    CU_ASSERT_EQUAL(bi.psci, PSCI_NONE);
    o.psci_method = "svc";
    expect_opts_error(&o, ERR_FORMAT, "\"svc\"");
    /* Old-style node: only "arm,psci". */
    begin_bare(&b);
    add_bare_memory(&b);
    dtb_begin_node(&b, "psci");
    dtb_prop_str(&b, "compatible", "arm,psci");
    dtb_prop_str(&b, "method", "hvc");
    dtb_prop_u32(&b, "cpu_on", 0x95c1ba62);
    dtb_end_node(&b);
    CU_ASSERT_EQUAL_FATAL(decode(&b, &bi, &err), ERR_OK);
    CU_ASSERT_EQUAL(bi.psci, PSCI_HVC);
    CU_ASSERT_EQUAL(bi.psci_cpu_on, 0x95c1ba62);
    /* ... which must name its CPU_ON id. */
    begin_bare(&b);
    add_bare_memory(&b);
    dtb_begin_node(&b, "psci");
    dtb_prop_str(&b, "compatible", "arm,psci");
    dtb_prop_str(&b, "method", "hvc");
    dtb_end_node(&b);
    expect_error(&b, ERR_FORMAT, "no cpu_on id");
    /* A cpu whose reg is not one address of /cpus's #address-cells. */
    begin_bare(&b);
    add_bare_memory(&b);
    dtb_begin_node(&b, "cpus");
    dtb_prop_u32(&b, "#address-cells", 2);
    dtb_begin_node(&b, "cpu@0");
    dtb_prop_str(&b, "device_type", "cpu");
    dtb_prop_u32(&b, "reg", 0);
    dtb_end_node(&b);
    dtb_end_node(&b);
    expect_error(&b, ERR_FORMAT, "cpu cpu@0 has no reg of 2 cell(s)");
    begin_bare(&b);
    add_bare_memory(&b);
    dtb_begin_node(&b, "psci");
    dtb_prop_str(&b, "compatible", "arm,psci-0.2");
    dtb_end_node(&b);
    expect_error(&b, ERR_FORMAT, "(none)");
}

static void test_cells(void)
{
    virt_opts_t o = virt_default;
    static const uint32_t soc_reg[4] = {0x80000000, 0x2000, 0x90000000, 0};
    dtb_builder_t b;
    boot_info_t bi;
    err_t err;
    size_t i;

    o.addr_cells = o.size_cells = 1;
    o.n_ram = 3;
    o.second_memory = true;
    o.n_reserved_mem = 2;
    CU_ASSERT_EQUAL_FATAL(decode_opts(&o, &bi, &err), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(bi.n_ram, 4);
    for (i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(bi.ram[i].base, 0x40000000 + i * 0x10000000);
        CU_ASSERT_EQUAL(bi.ram[i].size, 0x8000000);
    }
    CU_ASSERT_EQUAL(bi.ram[3].base, 0xc0000000);
    CU_ASSERT_EQUAL(bi.ram[3].size, 0x1000000);
    CU_ASSERT_EQUAL(bi.n_reserved, 3);
    CU_ASSERT_EQUAL(bi.reserved[2].base, 0x50100000);
    CU_ASSERT_EQUAL(bi.uart_base, 0x9000000);

    /* More RAM ranges than fit: the first BOOT_MAX_RAM are kept. */
    o = virt_default;
    o.n_ram = 8;
    o.second_memory = true;
    CU_ASSERT_EQUAL_FATAL(decode_opts(&o, &bi, &err), ERR_OK);
    CU_ASSERT_EQUAL(bi.n_ram, BOOT_MAX_RAM);
    CU_ASSERT_EQUAL(bi.ram[7].base, 0x40000000 + 7 * 0x10000000ull);
    CU_ASSERT_EQUAL(bi.ram[7].size, 0x8000000);

    /* A memory node under a bus is read with the bus's cell sizes. */
    begin_bare(&b);
    dtb_begin_node(&b, "soc");
    dtb_prop_u32(&b, "#address-cells", 1);
    dtb_prop_u32(&b, "#size-cells", 1);
    dtb_begin_node(&b, "memory@80000000");
    dtb_prop_str(&b, "device_type", "memory");
    dtb_prop_cells(&b, "reg", soc_reg, 4); /* the empty range is dropped */
    dtb_end_node(&b);
    dtb_end_node(&b);
    CU_ASSERT_EQUAL_FATAL(decode(&b, &bi, &err), ERR_OK);
    CU_ASSERT_EQUAL(bi.n_ram, 1);
    CU_ASSERT_EQUAL(bi.ram[0].base, 0x80000000);
    CU_ASSERT_EQUAL(bi.ram[0].size, 0x2000);
}

static void test_errors(void)
{
    virt_opts_t o = virt_default;

    o.n_ram = 0;
    expect_opts_error(&o, ERR_NOT_FOUND, "device tree: no memory node");
    o = virt_default;
    o.addr_cells = 3;
    expect_opts_error(&o, ERR_UNSUPPORTED, "#address-cells = 3 in /");
    o = virt_default;
    o.size_cells = 3;
    expect_opts_error(&o, ERR_UNSUPPORTED, "#size-cells = 3 in /");
    o = virt_default;
    o.n_reserved_mem = BOOT_MAX_RESERVED; /* plus the /memreserve/ one */
    expect_opts_error(&o, ERR_RANGE, "region");
}

/* A bare tree whose one extra node is a memory node with this reg. */
static void expect_memory_error(const void *reg, size_t len,
                                const char *needle)
{
    dtb_builder_t b;

    begin_bare(&b);
    dtb_begin_node(&b, "memory@0");
    dtb_prop_str(&b, "device_type", "memory");
    dtb_prop(&b, "reg", reg, len);
    dtb_end_node(&b);
    expect_error(&b, ERR_FORMAT, needle);
}

static void test_malformed(void)
{
    static const uint8_t wrap[12] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0x00, 0x00, 0x00, 0x02, 0x00, 0x00};
    dtb_builder_t b;

    expect_memory_error(wrap, 5, "reg of memory@0 is 5 bytes");
    expect_memory_error(wrap, 0, "reg of memory@0 is 0 bytes");
    expect_memory_error(wrap, 12, "wraps");
    begin_bare(&b);
    dtb_prop(&b, "model", "abc", 3);
    add_bare_memory(&b);
    expect_error(&b, ERR_FORMAT, "model");
    begin_bare(&b);
    add_bare_memory(&b);
    dtb_begin_node(&b, "chosen");
    dtb_prop(&b, "bootargs", "abc", 3);
    dtb_end_node(&b);
    expect_error(&b, ERR_FORMAT, "bootargs");
    begin_bare(&b);
    dtb_prop_u64(&b, "#address-cells", 2);
    add_bare_memory(&b);
    expect_error(&b, ERR_FORMAT, "not one cell");
    begin_bare(&b);
    add_bare_memory(&b);
    dtb_begin_node(&b, "reserved-memory");
    dtb_prop_u32(&b, "#size-cells", 0);
    node_with_reg(&b, &bare, "r", 0, 0);
    dtb_end_node(&b);
    dtb_end_node(&b);
    expect_error(&b, ERR_UNSUPPORTED, "#size-cells = 0 in reserved-memory");
    begin_bare(&b);
    add_bare_memory(&b);
    dtb_begin_node(&b, "pl011");
    dtb_prop_str(&b, "compatible", "arm,pl011");
    dtb_end_node(&b);
    expect_error(&b, ERR_FORMAT, "reg of pl011");
}

/* Exercises every lookup on an opened (possibly corrupted) tree. */
static void walk_all(const fdt_t *f)
{
    int node;
    size_t len, n = 0;

    for (node = fdt_root(f); node >= 0; node = fdt_next_node(f, node)) {
        CU_ASSERT_FATAL(++n < 1000);
        CU_ASSERT_PTR_NOT_NULL(fdt_node_name(f, node));
        (void)fdt_parent(f, node);
        (void)fdt_first_child(f, node);
        (void)fdt_next_sibling(f, node);
        (void)fdt_prop(f, node, "reg", &len);
        (void)fdt_prop_string_is(f, node, "compatible", "arm,pl011");
    }
}

/* Each byte of the virt blob in turn set to other values: no crash, and
 * every failure comes with a message. */
static void test_corrupt_bytes(void)
{
    static const uint8_t xors[] = {0x01, 0x80, 0xff};
    uint8_t *copy;
    size_t pos, k, rejected = 0;
    boot_info_t bi;
    err_t err;
    fdt_t f;

    CU_ASSERT_EQUAL_FATAL(decode_opts(&virt_default, &bi, &err), ERR_OK);
    copy = malloc(blob_size);
    CU_ASSERT_FATAL(copy != NULL);
    for (pos = 0; pos < blob_size; pos++) {
        for (k = 0; k < sizeof xors; k++) {
            memcpy(copy, blob, blob_size);
            copy[pos] ^= xors[k];
            err_clear(&err);
            if (fdt_open(&f, copy, blob_size, &err) == ERR_OK) {
                walk_all(&f);
                if (boot_info_from_fdt(&f, &bi, &err) == ERR_OK)
                    continue;
            }
            rejected++;
            CU_ASSERT(err.code != ERR_OK && err.msg[0] != '\0');
        }
    }
    free(copy);
    CU_ASSERT(rejected > blob_size / 2);
}

TEST_REGISTER(test_boot_info_register)
{
    static CU_TestInfo tests[] = {
        {"QEMU virt tree decoded", test_virt_full},
        {"console from stdout-path, alias, fallback", test_uart},
        {"console: disabled, linux,stdout-path", test_uart_more},
        {"initrd 4 and 8 bytes", test_initrd},
        {"psci hvc/smc/none", test_psci},
        {"cell sizes 1/1, 2/2, per bus", test_cells},
        {"documented errors", test_errors},
        {"malformed properties", test_malformed},
        {"single-byte corruptions", test_corrupt_bytes},
        CU_TEST_INFO_NULL,
    };
    CU_pSuite s = CU_add_suite("boot_info", NULL, NULL);

    for (CU_TestInfo *t = tests; s != NULL && t->pName != NULL; t++)
        CU_add_test(s, t->pName, t->pTestFunc);
}
