/*
 * The CUnit suites of the unit-test binary: each tests/unit/<layer>/test_<module>.c
 * defines one register function with TEST_REGISTER, which the runner (main.c) calls.
 */
#ifndef TESTS_UNIT_SUITES_H
#define TESTS_UNIT_SUITES_H

#include <CUnit/CUnit.h>

/* Adds a suite or aborts the run: a suite that silently is not there would pass. */
CU_pSuite test_suite(const char *name);
/* A suite with set-up and tear-down; a set-up that fails (returns non-zero) fails the run. */
CU_pSuite test_suite_with(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup);
void test_add(CU_pSuite suite, const char *name, CU_TestFunc fn);
#define TEST_ADD(suite, fn) test_add((suite), #fn, (fn))

/*
 * Defines a suite's register function and queues it, before main runs, for
 * the runner to call: each suite registers itself here, in its own file,
 * and nowhere else. Usage: TEST_REGISTER(test_fmt_register) { ...body... }
 */
typedef void (*test_register_fn)(void);
void test_queue(test_register_fn fn);
#define TEST_REGISTER(fn)                                                                                       \
    static void fn(void);                                                                                       \
    __attribute__((constructor)) static void fn##_queued(void) { test_queue(fn); }                            \
    static void fn(void)

#endif
