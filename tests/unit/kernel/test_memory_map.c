/* Free-RAM search: holes, overlaps, alignment, unsorted input, wrap-around. */
#include "kernel/memory_map.h"
#include "tests/unit/suites.h"

#define MiB (1ull << 20)

static void test_qemu_like_layout(void)
{
    /* 1 GiB at 0x40000000; DTB at the bottom, kernel at +2 MiB, initrd at +128 MiB. */
    mem_range_t ram[] = { { 0x40000000, 1024 * MiB } };
    mem_range_t busy[] = {
        { 0x40200000, 3 * MiB },   /* kernel */
        { 0x40000000, 1 * MiB },   /* dtb */
        { 0x48000000, 200 * MiB }, /* initrd */
    };
    mem_range_t out;
    CU_ASSERT_TRUE(memory_largest_free(ram, 1, busy, 3, 4096, &out));
    CU_ASSERT_EQUAL(out.base, 0x48000000 + 200 * MiB);
    CU_ASSERT_EQUAL(out.size, 0x80000000 - (0x48000000 + 200 * MiB));

    /* Without the initrd, everything after the kernel. */
    CU_ASSERT_TRUE(memory_largest_free(ram, 1, busy, 2, 4096, &out));
    CU_ASSERT_EQUAL(out.base, 0x40500000);
    CU_ASSERT_EQUAL(out.size, 0x80000000 - 0x40500000);
}

static void test_overlaps_alignment_and_several_banks(void)
{
    mem_range_t ram[] = { { 0x1000, 0x10000 }, { 0x100000, 0x8000 } };
    mem_range_t busy[] = { { 0x3000, 0x2000 }, { 0x4000, 0x4000 }, { 0x0, 0x1800 } };
    mem_range_t out;
    /* Bank 0 free: 0x1800-0x3000 and 0x8000-0x11000 (the largest, 0x9000). */
    CU_ASSERT_TRUE(memory_largest_free(ram, 2, busy, 3, 1, &out));
    CU_ASSERT_EQUAL(out.base, 0x8000);
    CU_ASSERT_EQUAL(out.size, 0x9000);
    /* 64 KiB alignment: bank 0 leaves 0x10000-0x11000; bank 1 (0x8000 at 0x100000) wins. */
    CU_ASSERT_TRUE(memory_largest_free(ram, 2, busy, 3, 0x10000, &out));
    CU_ASSERT_EQUAL(out.base, 0x100000);
    CU_ASSERT_EQUAL(out.size, 0x8000);
}

static void test_nothing_free_and_extremes(void)
{
    mem_range_t ram[] = { { 0x1000, 0x1000 } };
    mem_range_t busy[] = { { 0x0, 0x10000 } };
    mem_range_t out;
    CU_ASSERT_FALSE(memory_largest_free(ram, 1, busy, 1, 1, &out));
    CU_ASSERT_EQUAL(out.size, 0);
    CU_ASSERT_FALSE(memory_largest_free(ram, 0, busy, 0, 1, &out));

    /* A range reaching past 2^64 is clipped, and alignment near the top cannot wrap. */
    mem_range_t top[] = { { UINT64_MAX - 0xffff, 0x20000 } };
    CU_ASSERT_TRUE(memory_largest_free(top, 1, NULL, 0, 1, &out));
    CU_ASSERT_EQUAL(out.base, UINT64_MAX - 0xffff);
    CU_ASSERT_EQUAL(out.size, 0xffff);
    CU_ASSERT_FALSE(memory_largest_free(top, 1, NULL, 0, 1ull << 20, &out));
}

TEST_REGISTER(test_memory_map_register)
{
    CU_pSuite s = test_suite("memory_map");
    TEST_ADD(s, test_qemu_like_layout);
    TEST_ADD(s, test_overlaps_alignment_and_several_banks);
    TEST_ADD(s, test_nothing_free_and_extremes);
}
