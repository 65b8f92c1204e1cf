/*
 * The unit-test runner: registers every suite and runs them with CUnit's
 * basic interface. Exit status 1 if any assertion failed, 2 if CUnit itself
 * could not be set up.
 */
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/Basic.h>

#include "tests/suites.h"

CU_pSuite test_suite(const char *name)
{
    CU_pSuite s = CU_add_suite(name, NULL, NULL);
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

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    test_string_register();
    test_fmt_register();
    test_err_register();
    test_arena_register();
    test_fdt_register();
    test_boot_info_register();
    test_memory_map_register();
    test_args_register();
    test_line_edit_register();
    test_cpu_features_register();
    test_page_table_register();
    test_sha256_register();

    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_tests_failed() + CU_get_number_of_failures();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (ran == 0) {
        fprintf(stderr, "no test ran\n");
        return 1;
    }
    return failed ? 1 : 0;
}
