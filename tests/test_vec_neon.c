/* Placeholder: the suite vec_neon is being written. */
#include "tests/suites.h"

void test_vec_neon_register(void)
{
    test_suite("vec_neon");
}
