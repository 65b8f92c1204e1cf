/*
 * The shell's line editor driven byte by byte, checking both the lines it
 * returns and what it echoes to the terminal.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/line_edit.h"
#include "tests/unit/suites.h"

static char screen[8192];
static size_t screen_len;
static line_editor_t *le;

static void capture(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    if (screen_len + n < sizeof screen) {
        memcpy(screen + screen_len, s, n);
        screen_len += n;
        screen[screen_len] = '\0';
    }
}

static void start(void)
{
    le = malloc(sizeof *le);
    line_init(le, capture, NULL);
    screen_len = 0;
    screen[0] = '\0';
}

static void finish_test(void)
{
    free(le);
}

/* Feeds every byte of keys; returns the last event and counts READY events. */
static line_event_t type(const char *keys, size_t n, int *n_ready)
{
    line_event_t ev = LINE_PENDING;
    for (size_t i = 0; i < n; i++) {
        ev = line_feed(le, (uint8_t)keys[i]);
        if (ev == LINE_READY && n_ready)
            (*n_ready)++;
    }
    return ev;
}

#define TYPE(s) type((s), sizeof(s) - 1, NULL)

static void test_enter_variants(void)
{
    start();
    CU_ASSERT_EQUAL(TYPE("help\r"), LINE_READY);
    CU_ASSERT_STRING_EQUAL(line_text(le), "help");
    int ready = 0;
    type("a\r\nb\nc\r", 7, &ready); /* CRLF is one Enter */
    CU_ASSERT_EQUAL(ready, 3);
    CU_ASSERT_STRING_EQUAL(line_text(le), "c");
    CU_ASSERT_EQUAL(TYPE("\r"), LINE_READY);
    CU_ASSERT_STRING_EQUAL(line_text(le), "");
    finish_test();
}

static void test_backspace_and_kill(void)
{
    start();
    CU_ASSERT_EQUAL(TYPE("helx\x7fp\r"), LINE_READY);
    CU_ASSERT_STRING_EQUAL(line_text(le), "help");
    CU_ASSERT_PTR_NOT_NULL(strstr(screen, "helx\b \bp"));

    CU_ASSERT_EQUAL(TYPE("\b\b\bgarbage\x15info\r"), LINE_READY); /* backspace on empty line is harmless */
    CU_ASSERT_STRING_EQUAL(line_text(le), "info");

    /* A multi-byte UTF-8 character goes in one backspace. */
    CU_ASSERT_EQUAL(TYPE("caf\xc3\xa9\x7f" "e\r"), LINE_READY);
    CU_ASSERT_STRING_EQUAL(line_text(le), "cafe");
    CU_ASSERT_EQUAL(TYPE("\xf0\x9f\x99\x82!\x7f\x7f\r"), LINE_READY);
    CU_ASSERT_STRING_EQUAL(line_text(le), "");
    finish_test();
}

static void test_ctrl_c_and_controls(void)
{
    start();
    CU_ASSERT_EQUAL(TYPE("abc\x03"), LINE_CANCELLED);
    CU_ASSERT_PTR_NOT_NULL(strstr(screen, "abc^C\n"));
    CU_ASSERT_EQUAL(TYPE("x\x01\x02\x04\x00y\tz\r"), LINE_READY); /* controls dropped, tab is a space */
    CU_ASSERT_STRING_EQUAL(line_text(le), "xy z");
    finish_test();
}

static void test_history(void)
{
    start();
    TYPE("one\r");
    TYPE("two\r");
    TYPE("two\r"); /* repeats are not stored twice */
    TYPE("   \r"); /* nor blank lines */
    CU_ASSERT_EQUAL(TYPE("\x1b[A\r"), LINE_READY);
    CU_ASSERT_STRING_EQUAL(line_text(le), "two");
    CU_ASSERT_EQUAL(TYPE("\x1b[A\x1b[A\x1b[A\x1b[A\r"), LINE_READY); /* stops at the oldest */
    CU_ASSERT_STRING_EQUAL(line_text(le), "one");

    /* Down returns to the draft that was being typed. */
    CU_ASSERT_EQUAL(TYPE("dra\x1b[A\x1b[B\x1b" "OBft\r"), LINE_READY);
    CU_ASSERT_STRING_EQUAL(line_text(le), "draft");

    /* Unknown sequences are swallowed without effect; Enter ends one and the line. */
    CU_ASSERT_EQUAL(TYPE("a\x1b[1;5Cb\x1b[D\x1bxc\x1b[11111111111111111111111111d\r"), LINE_READY);
    CU_ASSERT_STRING_EQUAL(line_text(le), "abc");
    CU_ASSERT_EQUAL(TYPE("x\x1b[12\r"), LINE_READY);
    CU_ASSERT_STRING_EQUAL(line_text(le), "x");
    CU_ASSERT_EQUAL(TYPE("y\x1b\r"), LINE_READY);
    CU_ASSERT_STRING_EQUAL(line_text(le), "y");
    finish_test();
}

static void test_history_wraps(void)
{
    start();
    char line[16];
    for (int i = 0; i < LINE_HISTORY + 5; i++) {
        int n = snprintf(line, sizeof line, "cmd%d\r", i);
        type(line, (size_t)n, NULL);
    }
    for (int i = 0; i < LINE_HISTORY + 3; i++)
        TYPE("\x1b[A");
    CU_ASSERT_EQUAL(TYPE("\r"), LINE_READY);
    CU_ASSERT_STRING_EQUAL(line_text(le), "cmd5"); /* the oldest kept of 21 */
    finish_test();
}

static void test_overlong_line(void)
{
    start();
    static char big[4096 + 1];
    memset(big, 'x', 4096);
    big[4096] = '\r';
    CU_ASSERT_EQUAL(type(big, sizeof big, NULL), LINE_TOO_LONG);
    CU_ASSERT_EQUAL(screen_len, LINE_MAX_BYTES - 1 + 1); /* echo stops at the limit; then the newline */
    CU_ASSERT_EQUAL(TYPE("\x1b[A"), LINE_PENDING);       /* not in the history */
    CU_ASSERT_EQUAL(TYPE("\rhelp\r"), LINE_READY);       /* and the editor is fine afterwards */
    CU_ASSERT_STRING_EQUAL(line_text(le), "help");

    /* Exactly at the limit is accepted. */
    memset(big, 'y', LINE_MAX_BYTES - 1);
    big[LINE_MAX_BYTES - 1] = '\r';
    CU_ASSERT_EQUAL(type(big, LINE_MAX_BYTES, NULL), LINE_READY);
    CU_ASSERT_EQUAL(strlen(line_text(le)), LINE_MAX_BYTES - 1);
    finish_test();
}

TEST_REGISTER(test_line_edit_register)
{
    CU_pSuite s = test_suite("line_edit");
    TEST_ADD(s, test_enter_variants);
    TEST_ADD(s, test_backspace_and_kill);
    TEST_ADD(s, test_ctrl_c_and_controls);
    TEST_ADD(s, test_history);
    TEST_ADD(s, test_history_wraps);
    TEST_ADD(s, test_overlong_line);
}
