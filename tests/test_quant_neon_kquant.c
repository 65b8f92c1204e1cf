/* Placeholder: the suite quant_neon_kquant is being written. */
#include "tests/suites.h"

void test_quant_neon_kquant_register(void)
{
    test_suite("quant_neon_kquant");
}
