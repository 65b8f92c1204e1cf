/*
 * The unit-test runner: registers every suite (each queued itself with
 * TEST_REGISTER, tests/unit/suites.h) and runs them with CUnit's
 * basic interface. `unit_tests --skip NAME` leaves a suite out and
 * `unit_tests --only NAME` runs just the named ones (the Makefile runs the
 * slow real-model suite natively, the rest under valgrind); `--threads N`
 * runs the engine on N workers (default 1; the results must not change). Exit status 1 if
 * any assertion failed, 2 on bad arguments or if CUnit could not be set up.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "tests/unit/suites.h"
#include "host/host_cpu.h"
#include "host/host_threads.h"

#define MAX_SUITES 64

static test_register_fn queued[MAX_SUITES];
static size_t n_queued;

/* Called by each suite's TEST_REGISTER before main; order is link order (the sorted file names). */
void test_queue(test_register_fn fn)
{
    if (n_queued == MAX_SUITES) {
        fprintf(stderr, "too many test suites: raise MAX_SUITES\n");
        exit(2);
    }
    queued[n_queued++] = fn;
}

CU_pSuite test_suite(const char *name)
{
    return test_suite_with(name, NULL, NULL);
}

CU_pSuite test_suite_with(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup)
{
    CU_pSuite s = CU_add_suite(name, init, cleanup);
    if (!s) {
        fprintf(stderr, "cannot add suite %s: %s\n", name, CU_get_error_msg());
        exit(2);
    }
    return s;
}

void test_add(CU_pSuite suite, const char *name, CU_TestFunc fn)
{
    if (!CU_add_test(suite, name, fn)) {
        fprintf(stderr, "cannot add test %s: %s\n", name, CU_get_error_msg());
        exit(2);
    }
}

/* Applies --only/--skip to the registered suites; false on a bad argument. */
static bool select_suites(int argc, char **argv)
{
    bool only = false;
    for (int i = 1; i < argc; i += 2)
        only = only || strcmp(argv[i], "--only") == 0;
    for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext)
        CU_set_suite_active(s, only ? CU_FALSE : CU_TRUE);
    for (int i = 1; i < argc; i += 2) {
        bool skip = strcmp(argv[i], "--skip") == 0;
        CU_pSuite s = i + 1 < argc ? CU_get_suite(argv[i + 1]) : NULL;
        if ((!skip && strcmp(argv[i], "--only") != 0) || !s) {
            fprintf(stderr, "usage: unit_tests [--threads N] [--only SUITE | --skip SUITE]...: bad or unknown '%s %s'\n", argv[i],
                    i + 1 < argc ? argv[i + 1] : "");
            return false;
        }
        CU_set_suite_active(s, skip ? CU_FALSE : CU_TRUE);
    }
    return true;
}

int main(int argc, char **argv)
{
    if (!host_threads_args(&argc, argv, "unit_tests", true))
        return 2;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    host_llm_init(); /* the end-to-end suites run on the best kernels this CPU has */
    for (size_t i = 0; i < n_queued; i++)
        queued[i]();
    if (!select_suites(argc, argv)) {
        CU_cleanup_registry();
        return 2;
    }

    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_tests_failed() + CU_get_number_of_failures() +
                      CU_get_number_of_suites_failed(); /* a suite whose set-up failed */
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    host_threads_set(1);
    if (ran == 0) {
        fprintf(stderr, "no test ran\n");
        return 1;
    }
    return failed ? 1 : 0;
}
