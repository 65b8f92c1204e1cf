/* Error records: message formatting, truncation, NULL records, code names. */
#include <string.h>

#include "llm/support/err.h"
#include "tests/unit/suites.h"

static void test_set_and_clear(void)
{
    err_t e;
    CU_ASSERT_EQUAL(err_set(&e, ERR_FORMAT, "tensor '%s' at offset %zu", "blk.0", (size_t)128), ERR_FORMAT);
    CU_ASSERT_EQUAL(e.code, ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(e.msg, "tensor 'blk.0' at offset 128");
    err_clear(&e);
    CU_ASSERT_EQUAL(e.code, ERR_OK);
    CU_ASSERT_STRING_EQUAL(e.msg, "");
    CU_ASSERT_EQUAL(err_set(NULL, ERR_RANGE, "ignored"), ERR_RANGE);
    err_clear(NULL);
}

static void test_long_message_is_cut(void)
{
    char big[600];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    err_t e;
    err_set(&e, ERR_INVALID, "%s", big);
    CU_ASSERT_EQUAL(strlen(e.msg), ERR_MSG_MAX - 1);
}

static void test_code_names(void)
{
    for (int c = ERR_OK; c <= ERR_INTERNAL; c++)
        CU_ASSERT(strcmp(err_code_name((err_code_t)c), "unknown error") != 0);
    CU_ASSERT_STRING_EQUAL(err_code_name(ERR_NOMEM), "out of memory");
    CU_ASSERT_STRING_EQUAL(err_code_name((err_code_t)999), "unknown error");
}

TEST_REGISTER(test_err_register)
{
    CU_pSuite s = test_suite("err");
    TEST_ADD(s, test_set_and_clear);
    TEST_ADD(s, test_long_message_is_cut);
    TEST_ADD(s, test_code_names);
}
