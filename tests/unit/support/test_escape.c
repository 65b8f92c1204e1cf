/*
 * esc_text: what is kept, what is escaped (controls, an ANSI escape
 * sequence, C1 controls, every kind of invalid UTF-8), the caps, and on
 * random bytes that the output always fits, is terminated and holds no
 * control byte.
 */
#include <stdint.h>
#include <string.h>

#include "llm/support/escape.h"
#include "tests/unit/suites.h"

static const char *esc(const char *s, size_t len, size_t max_in)
{
    static char buf[256];
    return esc_text(buf, sizeof buf, s, len, max_in);
}

#define ESC(lit) esc(lit, sizeof lit - 1, 200)

static void test_escape_kinds(void)
{
    CU_ASSERT_STRING_EQUAL(ESC("Gemma 3 270m"), "Gemma 3 270m");
    CU_ASSERT_STRING_EQUAL(ESC("\x1b[2J\x1b[Hgotcha"), "\\x1b[2J\\x1b[Hgotcha"); /* clear screen, cursor home */
    CU_ASSERT_STRING_EQUAL(ESC("a\nb\tc\rd\\e\x7f"), "a\\nb\\tc\\rd\\\\e\\x7f");
    CU_ASSERT_STRING_EQUAL(ESC("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x8d\x95"), "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x8d\x95");
    CU_ASSERT_STRING_EQUAL(ESC("\xc2\x9b" "31m"), "\\xc2\\x9b31m"); /* C1 CSI */
    CU_ASSERT_STRING_EQUAL(ESC("\xff\xfe"), "\\xff\\xfe");
    CU_ASSERT_STRING_EQUAL(ESC("\xc0\x80"), "\\xc0\\x80");             /* overlong NUL */
    CU_ASSERT_STRING_EQUAL(ESC("\xed\xa0\x80"), "\\xed\\xa0\\x80");    /* a surrogate */
    CU_ASSERT_STRING_EQUAL(ESC("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
    CU_ASSERT_STRING_EQUAL(ESC("x\xe4\xb8"), "x\\xe4\\xb8");           /* cut sequence */
    CU_ASSERT_STRING_EQUAL(esc("a\0b", 3, 10), "a\\x00b");
    CU_ASSERT_STRING_EQUAL(esc(NULL, 0, 10), "");
}

static void test_escape_caps(void)
{
    char small[8];
    CU_ASSERT_STRING_EQUAL(esc("abcdefgh", 8, 4), "abcd...");
    CU_ASSERT_STRING_EQUAL(esc("ab\xe4\xb8\xad", 5, 3), "ab..."); /* a sequence across max_in is not cut */
    CU_ASSERT_STRING_EQUAL(esc_text(small, sizeof small, "abcdefghij", 10, 100), "abcd...");
    CU_ASSERT_STRING_EQUAL(esc_text(small, sizeof small, "abcdefg", 7, 100), "abcdefg");
    CU_ASSERT_STRING_EQUAL(esc_text(small, sizeof small, "\x01\x02", 2, 100), "\\x01..."); /* escapes whole */
    CU_ASSERT_STRING_EQUAL(esc_text(small, 1, "abc", 3, 100), "");
    small[0] = 'z';
    esc_text(small, 0, "abc", 3, 100);
    CU_ASSERT_EQUAL(small[0], 'z'); /* size 0: nothing written */
}

static void test_escape_random(void)
{
    uint32_t x = 12345;
    char in[64], out[48];
    int bad = 0;
    for (int round = 0; round < 20000; round++) {
        size_t n = round % 64;
        for (size_t i = 0; i < n; i++)
            x ^= x << 13, x ^= x >> 17, x ^= x << 5, in[i] = (char)x;
        esc_text(out, sizeof out, in, n, 1 + round % 40);
        size_t len = 0;
        while (len < sizeof out && out[len])
            len++;
        bad += len >= sizeof out;
        for (size_t i = 0; i < len; i++)
            bad += (uint8_t)out[i] < 0x20 || (uint8_t)out[i] == 0x7f;
    }
    CU_ASSERT_EQUAL(bad, 0);
}

TEST_REGISTER(test_escape_register)
{
    CU_pSuite s = test_suite("escape");
    TEST_ADD(s, test_escape_kinds);
    TEST_ADD(s, test_escape_caps);
    TEST_ADD(s, test_escape_random);
}
