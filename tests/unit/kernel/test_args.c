/* Shell argument splitting: blanks, quotes, escapes and the errors. */
#include <string.h>

#include "kernel/args.h"
#include "tests/unit/suites.h"

static int split(const char *text, char *work, char **argv, int max, err_t *e)
{
    int argc = -1;
    strcpy(work, text);
    err_code_t rc = args_split(work, argv, max, &argc, e);
    return rc == ERR_OK ? argc : -1;
}

static void test_plain_words(void)
{
    char work[128], *argv[8];
    CU_ASSERT_EQUAL(split("  help   info\tmem  ", work, argv, 8, NULL), 3);
    CU_ASSERT_STRING_EQUAL(argv[0], "help");
    CU_ASSERT_STRING_EQUAL(argv[1], "info");
    CU_ASSERT_STRING_EQUAL(argv[2], "mem");
    CU_ASSERT_EQUAL(split("", work, argv, 8, NULL), 0);
    CU_ASSERT_EQUAL(split("   \t ", work, argv, 8, NULL), 0);
}

static void test_quotes_and_escapes(void)
{
    char work[128], *argv[8];
    CU_ASSERT_EQUAL(split("llm gen \"Once upon a time\" -n 5", work, argv, 8, NULL), 5);
    CU_ASSERT_STRING_EQUAL(argv[2], "Once upon a time");
    CU_ASSERT_STRING_EQUAL(argv[4], "5");

    CU_ASSERT_EQUAL(split("say 'it''s' \"a \\\"b\\\"\" c\\ d pre\"mid\"post", work, argv, 8, NULL), 5);
    CU_ASSERT_STRING_EQUAL(argv[1], "its");
    CU_ASSERT_STRING_EQUAL(argv[2], "a \"b\"");
    CU_ASSERT_STRING_EQUAL(argv[3], "c d");
    CU_ASSERT_STRING_EQUAL(argv[4], "premidpost");

    CU_ASSERT_EQUAL(split("'single \\ keeps' \"\" ''", work, argv, 8, NULL), 3);
    CU_ASSERT_STRING_EQUAL(argv[0], "single \\ keeps");
    CU_ASSERT_STRING_EQUAL(argv[1], "");
    CU_ASSERT_STRING_EQUAL(argv[2], "");
}

static void test_errors(void)
{
    char work[128], *argv[3];
    err_t e;
    CU_ASSERT_EQUAL(split("gen \"open", work, argv, 3, &e), -1);
    CU_ASSERT_EQUAL(e.code, ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "unterminated \" quote"));

    CU_ASSERT_EQUAL(split("x\\", work, argv, 3, &e), -1);
    CU_ASSERT_EQUAL(e.code, ERR_FORMAT);

    CU_ASSERT_EQUAL(split("a b c d", work, argv, 3, &e), -1);
    CU_ASSERT_EQUAL(e.code, ERR_RANGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "at most 3"));
    CU_ASSERT_EQUAL(split("a b c", work, argv, 3, &e), 3);
}

TEST_REGISTER(test_args_register)
{
    CU_pSuite s = test_suite("args");
    TEST_ADD(s, test_plain_words);
    TEST_ADD(s, test_quotes_and_escapes);
    TEST_ADD(s, test_errors);
}
