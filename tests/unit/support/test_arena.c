/*
 * The arena: alignment, exhaustion and absurd sizes refused with the right
 * error, mark/release/reset, statistics, and (under valgrind) that released
 * and never-allocated bytes are unaddressable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "llm/support/arena.h"
#include "tests/unit/suites.h"

#define CAP 4096

static arena_t a;
static uint8_t *buf;

static void setup(void)
{
    buf = malloc(CAP);
    arena_init(&a, buf, CAP);
}

static void teardown(void)
{
    free(buf);
}

static void test_alignment_and_bounds(void)
{
    setup();
    uint8_t *prev_end = buf;
    for (size_t align = 1; align <= 256; align *= 2) {
        uint8_t *p = arena_alloc(&a, 3, align, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        CU_ASSERT_EQUAL((uintptr_t)p % align, 0);
        CU_ASSERT(p >= prev_end);            /* no overlap with the previous block */
        CU_ASSERT(p + 3 <= buf + CAP);
        memset(p, 0xab, 3);                  /* writable (valgrind checks) */
        prev_end = p + 3;
    }
    uint8_t *d = arena_alloc(&a, 1, 0, NULL);
    CU_ASSERT_EQUAL((uintptr_t)d % ARENA_DEFAULT_ALIGN, 0);
    teardown();
}

static void test_refusals(void)
{
    setup();
    err_t e;
    CU_ASSERT_PTR_NULL(arena_alloc(&a, 0, 8, &e));
    CU_ASSERT_EQUAL(e.code, ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "zero-size"));

    CU_ASSERT_PTR_NULL(arena_alloc(&a, 8, 24, &e));
    CU_ASSERT_EQUAL(e.code, ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "power of two"));

    CU_ASSERT_PTR_NOT_NULL(arena_alloc(&a, 1000, 1, NULL));
    CU_ASSERT_PTR_NULL(arena_alloc(&a, 5000, 1, &e));
    CU_ASSERT_EQUAL(e.code, ERR_NOMEM);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "asked for 5000 bytes"));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "3096 of 4096 bytes free"));

    /* Sizes whose arithmetic would wrap around. */
    CU_ASSERT_PTR_NULL(arena_alloc(&a, SIZE_MAX, 1, &e));
    CU_ASSERT_EQUAL(e.code, ERR_NOMEM);
    CU_ASSERT_PTR_NULL(arena_alloc(&a, SIZE_MAX - 8, 4096, &e));
    CU_ASSERT_EQUAL(e.code, ERR_NOMEM);
    CU_ASSERT_PTR_NULL(arena_alloc(&a, 16, (size_t)1 << 63, &e));
    CU_ASSERT_EQUAL(e.code, ERR_NOMEM);
    CU_ASSERT_PTR_NULL(arena_alloc_array(&a, SIZE_MAX / 2 + 1, 2, 8, &e));
    CU_ASSERT_EQUAL(e.code, ERR_NOMEM);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "overflow"));
    CU_ASSERT_PTR_NULL(arena_alloc_array(&a, 0, 8, 8, &e));
    CU_ASSERT_EQUAL(e.code, ERR_INVALID);

    arena_stats_t st;
    arena_get_stats(&a, &st);
    CU_ASSERT_EQUAL(st.n_failed, 8);
    CU_ASSERT_EQUAL(st.used_bytes, 1000); /* refusals changed nothing */

    /* Still usable: exactly the rest fits. */
    CU_ASSERT_PTR_NOT_NULL(arena_alloc(&a, CAP - 1000, 1, NULL));
    CU_ASSERT_PTR_NULL(arena_alloc(&a, 1, 1, NULL));
    teardown();
}

static void test_mark_release_reset(void)
{
    setup();
    err_t e;
    arena_alloc(&a, 100, 1, NULL);
    arena_mark_t m = arena_mark(&a);
    uint8_t *p = arena_alloc(&a, 500, 1, NULL);
    memset(p, 0x5a, 500);
    CU_ASSERT_EQUAL(arena_release(&a, m, &e), ERR_OK);

    arena_stats_t st;
    arena_get_stats(&a, &st);
    CU_ASSERT_EQUAL(st.used_bytes, 100);
    CU_ASSERT_EQUAL(st.high_water_bytes, 600);
    CU_ASSERT_EQUAL(st.free_bytes, CAP - 100);
    CU_ASSERT_EQUAL(st.capacity_bytes, CAP);

    /* The same bytes come back, zeroed when asked. */
    uint8_t *z = arena_alloc_zero(&a, 500, 1, NULL);
    CU_ASSERT_PTR_EQUAL(z, p);
    for (size_t i = 0; i < 500; i++)
        CU_ASSERT_EQUAL_FATAL(z[i], 0);

    /* Releasing to a mark above the current use is refused, and harmless. */
    arena_mark_t high = arena_mark(&a);
    arena_release(&a, m, NULL);
    CU_ASSERT_EQUAL(arena_release(&a, high, &e), ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "above current use"));
    arena_get_stats(&a, &st);
    CU_ASSERT_EQUAL(st.used_bytes, 100);

    arena_reset(&a);
    arena_get_stats(&a, &st);
    CU_ASSERT_EQUAL(st.used_bytes, 0);
    CU_ASSERT_EQUAL(st.high_water_bytes, 600);
    teardown();
}

static void test_empty_arena(void)
{
    arena_t empty;
    err_t e;
    arena_init(&empty, NULL, 1234);
    CU_ASSERT_PTR_NULL(arena_alloc(&empty, 1, 1, &e));
    CU_ASSERT_EQUAL(e.code, ERR_NOMEM);
    arena_stats_t st;
    arena_get_stats(&empty, &st);
    CU_ASSERT_EQUAL(st.capacity_bytes, 0);
    CU_ASSERT_EQUAL(st.n_failed, 1);
}

/* VALGRIND_GET_VBITS answers 3 for unaddressable bytes without reporting an error. */
static int addressable(const void *p, size_t n)
{
    static uint8_t vbits[CAP];
    return VALGRIND_GET_VBITS(p, vbits, n) == 1;
}

static void test_valgrind_sees_arena_state(void)
{
    if (!RUNNING_ON_VALGRIND)
        return; /* the annotations are no-ops natively; `make test-unit` runs this under valgrind */
    setup();
    CU_ASSERT_FALSE(addressable(buf, 16)); /* never allocated */
    arena_mark_t m = arena_mark(&a);
    uint8_t *p = arena_alloc(&a, 64, 64, NULL);
    CU_ASSERT_TRUE(addressable(p, 64));
    CU_ASSERT_FALSE(addressable(p + 64, 1)); /* one past the block */
    arena_release(&a, m, NULL);
    CU_ASSERT_FALSE(addressable(p, 64)); /* released */
    teardown();
}

TEST_REGISTER(test_arena_register)
{
    CU_pSuite s = test_suite("arena");
    TEST_ADD(s, test_alignment_and_bounds);
    TEST_ADD(s, test_refusals);
    TEST_ADD(s, test_mark_release_reset);
    TEST_ADD(s, test_empty_arena);
    TEST_ADD(s, test_valgrind_sees_arena_state);
}
