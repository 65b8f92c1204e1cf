/*
 * Identity-map tables: descriptor bits, 1 GiB blocks versus 2 MiB tables,
 * splitting a block, and the range and pool limits.
 */
#include <stdlib.h>
#include <string.h>

#include "arch/aarch64/page_table.h"
#include "tests/unit/suites.h"

#define GiB (1ull << 30)
#define MiB (1ull << 20)

static uint64_t *l1;
static uint64_t (*pool)[PT_ENTRIES];
static page_tables_t pt;

static void make(size_t n_pool)
{
    l1 = aligned_alloc(4096, PT_ENTRIES * 8);
    pool = aligned_alloc(4096, (n_pool + 1) * PT_ENTRIES * 8); /* a multiple of the alignment, never 0 */
    pt_init(&pt, l1, pool, n_pool);
}

static void drop(void)
{
    free(l1);
    free(pool);
}

static void test_descriptor_bits(void)
{
    uint64_t dev = pt_block_descriptor(0x09000000 & ~(2 * MiB - 1), PT_DEVICE);
    CU_ASSERT_EQUAL(dev & 3, 1);                 /* block */
    CU_ASSERT_EQUAL((dev >> 2) & 7, PT_DEVICE);  /* AttrIndx */
    CU_ASSERT_TRUE(dev & (1ull << 10));          /* access flag set, or the first touch faults */
    CU_ASSERT_TRUE((dev >> 53) & 3);             /* device memory never executable */
    uint64_t ram = pt_block_descriptor(0x40000000, PT_NORMAL);
    CU_ASSERT_EQUAL((ram >> 2) & 7, PT_NORMAL);
    CU_ASSERT_EQUAL((ram >> 8) & 3, 3);          /* inner shareable */
    CU_ASSERT_FALSE((ram >> 53) & 3);            /* the kernel runs from RAM */
    CU_ASSERT_EQUAL(ram & 0x0000fffffffff000ull, 0x40000000);
}

static void test_qemu_virt_map(void)
{
    make(4);
    err_t e;
    CU_ASSERT_EQUAL(pt_map(&pt, 0, GiB, PT_DEVICE, &e), ERR_OK);
    CU_ASSERT_EQUAL(pt_map(&pt, 0x40000000, GiB, PT_NORMAL, &e), ERR_OK);
    CU_ASSERT_EQUAL(l1[0], pt_block_descriptor(0, PT_DEVICE));
    CU_ASSERT_EQUAL(l1[1], pt_block_descriptor(GiB, PT_NORMAL));
    CU_ASSERT_EQUAL(l1[2], 0);
    CU_ASSERT_EQUAL(pt.n_l2_used, 0);

    /* 1.5 GiB more: one block and one level-2 table holding 256 blocks. */
    CU_ASSERT_EQUAL(pt_map(&pt, 2 * GiB, GiB + 512 * MiB, PT_NORMAL, &e), ERR_OK);
    CU_ASSERT_EQUAL(l1[2], pt_block_descriptor(2 * GiB, PT_NORMAL));
    CU_ASSERT_EQUAL(l1[3] & 3, 3);
    uint64_t *l2 = (uint64_t *)(uintptr_t)(l1[3] & 0x0000fffffffff000ull);
    CU_ASSERT_PTR_EQUAL(l2, pool[0]);
    CU_ASSERT_EQUAL(l2[0], pt_block_descriptor(3 * GiB, PT_NORMAL));
    CU_ASSERT_EQUAL(l2[255], pt_block_descriptor(3 * GiB + 255 * 2 * MiB, PT_NORMAL));
    CU_ASSERT_EQUAL(l2[256], 0);
    drop();
}

static void test_split_block_and_round_out(void)
{
    make(2);
    pt_map(&pt, 0, GiB, PT_DEVICE, NULL);
    /* A device window inside RAM-typed space, unaligned: rounded out to 2 MiB. */
    pt_map(&pt, GiB, GiB, PT_NORMAL, NULL);
    CU_ASSERT_EQUAL(pt_map(&pt, GiB + 3 * MiB, 0x1000, PT_DEVICE, NULL), ERR_OK);
    uint64_t *l2 = (uint64_t *)(uintptr_t)(l1[1] & 0x0000fffffffff000ull);
    CU_ASSERT_EQUAL(l2[0], pt_block_descriptor(GiB, PT_NORMAL)); /* the rest of the old block kept */
    CU_ASSERT_EQUAL(l2[1], pt_block_descriptor(GiB + 2 * MiB, PT_DEVICE));
    CU_ASSERT_EQUAL(l2[2], pt_block_descriptor(GiB + 4 * MiB, PT_NORMAL));
    CU_ASSERT_EQUAL(l2[511], pt_block_descriptor(2 * GiB - 2 * MiB, PT_NORMAL));
    drop();
}

static void test_limits(void)
{
    make(1);
    err_t e;
    CU_ASSERT_EQUAL(pt_map(&pt, 1ull << 39, 4096, PT_NORMAL, &e), ERR_RANGE);
    CU_ASSERT_EQUAL(pt_map(&pt, (1ull << 39) - 4096, 8192, PT_NORMAL, &e), ERR_RANGE);
    CU_ASSERT_EQUAL(pt_map(&pt, UINT64_MAX - 10, 100, PT_NORMAL, &e), ERR_RANGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "39-bit"));
    CU_ASSERT_EQUAL(pt_map(&pt, 5 * GiB, 0, PT_NORMAL, &e), ERR_OK); /* empty: nothing to do */
    CU_ASSERT_EQUAL(pt_map(&pt, 0, 2 * MiB, PT_NORMAL, &e), ERR_OK);
    CU_ASSERT_EQUAL(pt_map(&pt, GiB, 2 * MiB, PT_NORMAL, &e), ERR_NOMEM); /* pool of one is used up */
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "level-2"));
    drop();
}

TEST_REGISTER(test_page_table_register)
{
    CU_pSuite s = test_suite("page_table");
    TEST_ADD(s, test_descriptor_bits);
    TEST_ADD(s, test_qemu_virt_map);
    TEST_ADD(s, test_split_block_and_round_out);
    TEST_ADD(s, test_limits);
}
