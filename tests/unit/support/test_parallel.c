/*
 * The parallel-for seam: par_range's split (tile-aligned, even across two
 * workers on SmolLM2's shapes) and the hosted pool under stress, at 1 to 4
 * threads, with a watchdog so a hang fails instead of stalling the run.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "host/host_file.h"
#include "host/host_threads.h"
#include "llm/support/parallel.h"
#include "tests/unit/suites.h"

#define STRESS_ROUNDS 1500u
#define WATCHDOG_S 300

/* Chunks cover [0, n) in order, start on multiples of align, and differ in size by at most one align unit. */
static void check_split(uint32_t n, uint32_t align, uint32_t workers)
{
    uint32_t chunks = par_chunks(n, align, 1, workers), prev_end = 0, lo = UINT32_MAX, hi = 0;
    CU_ASSERT(chunks >= 1 && chunks <= (workers > 1 ? workers * PAR_CHUNKS_PER_WORKER : 1));
    for (uint32_t c = 0; c < chunks; c++) {
        uint32_t b, e;
        par_chunk_bounds(n, align, chunks, c, &b, &e);
        CU_ASSERT_EQUAL(b, prev_end);
        CU_ASSERT(b % align == 0);
        CU_ASSERT(e > b);
        prev_end = e;
        if (c + 1 < chunks) { /* the last one holds the remainder */
            lo = e - b < lo ? e - b : lo;
            hi = e - b > hi ? e - b : hi;
        }
    }
    CU_ASSERT_EQUAL(prev_end, n);
    if (chunks > 2)
        CU_ASSERT(hi - lo <= align);
}

static void test_split_shapes(void)
{
    static const uint32_t sizes[] = { 1, 3, 4, 5, 31, 64, 100, 576, 1536, 49152, 49155 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (uint32_t w = 1; w <= 8; w++) {
            check_split(sizes[i], 1, w);
            check_split(sizes[i], 4, w);
            check_split(sizes[i], 32, w);
        }
    }
}

/* SmolLM2's matrix shapes split into equal tile-aligned chunks for two workers: the split is even to the row. */
static void test_split_even_for_two(void)
{
    static const uint32_t rows[] = { 576, 1536, 49152 };
    for (size_t i = 0; i < 3; i++) {
        uint32_t chunks = par_chunks(rows[i], 4, 16, 2), share[2] = { 0, 0 };
        CU_ASSERT_EQUAL(chunks, 2 * PAR_CHUNKS_PER_WORKER);
        for (uint32_t c = 0; c < chunks; c++) {
            uint32_t b, e;
            par_chunk_bounds(rows[i], 4, chunks, c, &b, &e);
            CU_ASSERT_EQUAL(e - b, rows[i] / chunks);
            share[c % 2] += e - b; /* the two workers alternate when both run at the same speed */
        }
        CU_ASSERT_EQUAL(share[0], share[1]);
    }
    /* Small ranges are not split below min_items. */
    CU_ASSERT_EQUAL(par_chunks(20, 4, 16, 4), 1);
    CU_ASSERT_EQUAL(par_chunks(0, 4, 16, 4), 1);
}

static pthread_mutex_t watchdog_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watchdog_cv = PTHREAD_COND_INITIALIZER;
static int watchdog_done;

/* Fails the whole run if the stress test has not finished in WATCHDOG_S seconds (a hang in the pool). */
static void *watchdog(void *arg)
{
    (void)arg;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += WATCHDOG_S;
    pthread_mutex_lock(&watchdog_lock);
    int rc = 0;
    while (!watchdog_done && rc == 0)
        rc = pthread_cond_timedwait(&watchdog_cv, &watchdog_lock, &until);
    int done = watchdog_done;
    pthread_mutex_unlock(&watchdog_lock);
    if (!done) {
        fprintf(stderr, "parallel-for stress: not finished after %d s: the pool hangs\n", WATCHDOG_S);
        _exit(1);
    }
    return NULL;
}

static void test_pool_stress(void)
{
    pthread_t dog;
    arena_t a;
    err_t err;
    uint32_t before = host_threads_get();
    watchdog_done = 0;
    CU_ASSERT_FATAL(pthread_create(&dog, NULL, watchdog, NULL) == 0);
    host_arena_init(&a, 1u << 20);
    for (uint32_t t = 1; t <= 4; t++) {
        CU_ASSERT_FATAL(host_threads_set(t));
        CU_ASSERT_EQUAL(host_threads_get(), t);
        err_code_t rc = par_self_test(STRESS_ROUNDS, 12345u + t, &a, &err);
        CU_ASSERT_EQUAL(rc, ERR_OK);
        if (rc != ERR_OK)
            fprintf(stderr, "%u threads: %s\n", t, err.msg);
    }
    /* The arena too small: a clear refusal, nothing run. */
    arena_t tiny;
    host_arena_init(&tiny, 1024);
    CU_ASSERT_EQUAL(par_self_test(1, 1, &tiny, &err), ERR_NOMEM);
    host_arena_free(&tiny);
    host_arena_free(&a);
    CU_ASSERT(host_threads_set(before));
    pthread_mutex_lock(&watchdog_lock);
    watchdog_done = 1;
    pthread_cond_signal(&watchdog_cv);
    pthread_mutex_unlock(&watchdog_lock);
    pthread_join(dog, NULL);
}

static void test_thread_args(void)
{
    char a0[] = "prog", a1[] = "-x", a2[] = "--threads", a3[] = "3", a4[] = "y", bad[] = "0", none[] = "-t";
    char *argv[] = { a0, a1, a2, a3, a4, NULL };
    int argc = 5;
    uint32_t before = host_threads_get();
    CU_ASSERT(host_threads_args(&argc, argv, "prog", true));
    CU_ASSERT_EQUAL(argc, 3);
    CU_ASSERT_STRING_EQUAL(argv[1], "-x");
    CU_ASSERT_STRING_EQUAL(argv[2], "y");
    CU_ASSERT_EQUAL(host_threads_get(), 3);
    char *argv_bad[] = { a0, none, bad, NULL };
    argc = 3;
    CU_ASSERT(!host_threads_args(&argc, argv_bad, "prog", true));
    char *argv_missing[] = { a0, none, NULL };
    argc = 2;
    CU_ASSERT(!host_threads_args(&argc, argv_missing, "prog", true));
    CU_ASSERT(!host_threads_set(0));
    CU_ASSERT(!host_threads_set(HOST_MAX_THREADS + 1));
    CU_ASSERT(host_threads_default() >= 1);
    CU_ASSERT(host_threads_set(before));
}

TEST_REGISTER(test_parallel_register)
{
    CU_pSuite s = test_suite("parallel");
    TEST_ADD(s, test_split_shapes);
    TEST_ADD(s, test_split_even_for_two);
    TEST_ADD(s, test_pool_stress);
    TEST_ADD(s, test_thread_args);
}
