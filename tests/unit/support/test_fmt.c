/*
 * llm/support/fmt against the host C library's snprintf, which is the reference for
 * every conversion both support; plus what only ours does (exponent form for
 * huge %f, truncation, sinks).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "llm/support/fmt.h"
#include "tests/unit/suites.h"

/* Formats with both and asserts the same text and the same return value. */
#define CHECK_LIKE_LIBC(...)                                                   \
    do {                                                                       \
        char ours[512], ref[512];                                              \
        size_t n = fmt_snprintf(ours, sizeof ours, __VA_ARGS__);               \
        int m = snprintf(ref, sizeof ref, __VA_ARGS__);                        \
        CU_ASSERT_STRING_EQUAL(ours, ref);                                     \
        CU_ASSERT_EQUAL(n, (size_t)m);                                         \
        if (strcmp(ours, ref) != 0)                                            \
            fprintf(stderr, "\n  fmt %s: ours '%s' libc '%s'\n", #__VA_ARGS__, ours, ref); \
    } while (0)

static void test_integers(void)
{
    CHECK_LIKE_LIBC("%d %i %u", 0, -1, 4294967295u);
    CHECK_LIKE_LIBC("%d %d", INT32_MIN, INT32_MAX);
    CHECK_LIKE_LIBC("%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
    CHECK_LIKE_LIBC("%ld %lu %zu %zd", -5L, 7UL, (size_t)SIZE_MAX, (ptrdiff_t)-3);
    CHECK_LIKE_LIBC("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
    CHECK_LIKE_LIBC("%x %X %#x %#X %o %#o %#o", 0xbeefu, 0xbeefu, 255u, 255u, 8u, 8u, 0u);
    CHECK_LIKE_LIBC("%llx %zx", 0x0123456789abcdefULL, (size_t)0xfff);
    CHECK_LIKE_LIBC("[%5d] [%-5d] [%05d] [%+d] [% d] [%+05d]", 42, 42, 42, 42, 42, -42);
    CHECK_LIKE_LIBC("[%.3d] [%8.3d] [%-8.3d] [%.0d] [%.0x]", 7, 7, -7, 0, 0u);
    CHECK_LIKE_LIBC("[%*d] [%-*d] [%.*d] [%*d]", 6, 1, 6, 1, 4, 1, -6, 1);
    CHECK_LIKE_LIBC("[%#10x] [%#-10x] [%#010x]", 0xabcu, 0xabcu, 0xabcu);
}

static void test_strings_and_chars(void)
{
    CHECK_LIKE_LIBC("%s|%10s|%-10s|%.2s|%10.3s", "abc", "abc", "abc", "abc", "abcdef");
    CHECK_LIKE_LIBC("%c%c%c [%3c] [%-3c]", 'a', 'b', 'c', 'x', 'y');
    CHECK_LIKE_LIBC("100%% %s", "done");
    CHECK_LIKE_LIBC("%s", "");
    CHECK_LIKE_LIBC("no conversions at all");
    CHECK_LIKE_LIBC("%.*s", 3, "truncated");

}

static void test_pointers(void)
{
    char buf[64], ref[64];
    int x;
    fmt_snprintf(buf, sizeof buf, "%p", (void *)&x);
    snprintf(ref, sizeof ref, "0x%llx", (unsigned long long)(uintptr_t)&x);
    CU_ASSERT_STRING_EQUAL(buf, ref);
    fmt_snprintf(buf, sizeof buf, "%p", (void *)0);
    CU_ASSERT_STRING_EQUAL(buf, "0x0");
}

static void test_floats(void)
{
    CHECK_LIKE_LIBC("%f %f %f", 0.0, 1.0, -1.0);
    CHECK_LIKE_LIBC("%f %f", 3.14159265358979, -2.718281828);
    CHECK_LIKE_LIBC("%.0f %.1f %.2f %.3f %.9f", 2.75, 2.75, 2.755, 1.0005, 1.0 / 3.0);
    CHECK_LIKE_LIBC("%.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, 3.5); /* ties to even */
    CHECK_LIKE_LIBC("%.2f %.2f %.1f", 0.125, 0.375, 0.25);      /* exact ties */
    CHECK_LIKE_LIBC("%.2f %.3f", 9.999, 0.9995);                /* carry into the integer part */
    CHECK_LIKE_LIBC("[%10.3f] [%-10.3f] [%010.3f] [%+.2f] [% .2f]", 3.14159, 3.14159, -3.14159, 1.5, 1.5);
    CHECK_LIKE_LIBC("%f %.3f", 123456789.125, 1e-7);
    CHECK_LIKE_LIBC("%.6f %.4f", 1e15 + 0.5, 9007199254740993.0);
    CHECK_LIKE_LIBC("%.0f %.15f", 1e18, 0.1);
    CHECK_LIKE_LIBC("%f %f %f", -0.0, (double)INFINITY, (double)-INFINITY);
    CHECK_LIKE_LIBC("[%8f] [%-8f]", (double)INFINITY, (double)-INFINITY);
    CHECK_LIKE_LIBC("%#.0f", 3.0);
    CHECK_LIKE_LIBC("%.2f %.2f", (double)1.005f, 100.0f / 3.0f);

    char buf[64];
    fmt_snprintf(buf, sizeof buf, "%f", (double)NAN);
    CU_ASSERT(strcmp(buf, "nan") == 0 || strcmp(buf, "-nan") == 0);
    fmt_snprintf(buf, sizeof buf, "%.2f", 1.5e20);
    CU_ASSERT_STRING_EQUAL(buf, "1.50e+20");
    fmt_snprintf(buf, sizeof buf, "%.1f", 9.99e25);
    CU_ASSERT_STRING_EQUAL(buf, "1.0e+26");
    fmt_snprintf(buf, sizeof buf, "%.30f", 0.5); /* precision capped at 18 */
    CU_ASSERT_STRING_EQUAL(buf, "0.500000000000000000");
}

static void test_truncation(void)
{
    char buf[8];
    memset(buf, 'X', sizeof buf);
    size_t n = fmt_snprintf(buf, 5, "%s", "abcdefgh");
    CU_ASSERT_EQUAL(n, 8);
    CU_ASSERT_STRING_EQUAL(buf, "abcd");
    CU_ASSERT_EQUAL(buf[5], 'X'); /* nothing written past size */

    n = fmt_snprintf(NULL, 0, "%d-%s", 12345, "xy");
    CU_ASSERT_EQUAL(n, 8);

    n = fmt_snprintf(buf, 1, "abc");
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_STRING_EQUAL(buf, "");
}

/* Deliberately malformed formats: silence the compiler's format checking here only. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"
static void test_odd_formats(void)
{
    CHECK_LIKE_LIBC("[%08.3d]", 7); /* '0' is ignored when a precision is given */

    char buf[64];
    fmt_snprintf(buf, sizeof buf, "%s", (const char *)NULL);
    CU_ASSERT_STRING_EQUAL(buf, "(null)");
    fmt_snprintf(buf, sizeof buf, "50%");
    CU_ASSERT_STRING_EQUAL(buf, "50%");
    fmt_snprintf(buf, sizeof buf, "%q %d", 5);
    CU_ASSERT_STRING_EQUAL(buf, "%q 5"); /* unknown conversion copied, argument not taken */
    size_t n = fmt_snprintf(buf, sizeof buf, "%999999999d", 1); /* width clamped, no overflow */
    CU_ASSERT_EQUAL(n, 100000);
}
#pragma GCC diagnostic pop

struct collect {
    char text[128];
    size_t len;
    int calls;
};

static void collect_sink(void *ctx, const char *s, size_t n)
{
    struct collect *c = ctx;
    memcpy(c->text + c->len, s, n);
    c->len += n;
    c->text[c->len] = '\0';
    c->calls++;
}

static void test_sink(void)
{
    struct collect c = { .len = 0 };
    size_t n = fmt_format(collect_sink, &c, "x=%d y=%s %5.1f", 3, "why", 2.25);
    CU_ASSERT_EQUAL(n, strlen(c.text));
    CU_ASSERT_STRING_EQUAL(c.text, "x=3 y=why   2.2");
    CU_ASSERT(c.calls > 1); /* streamed in pieces, no internal buffer of the whole */
}

TEST_REGISTER(test_fmt_register)
{
    CU_pSuite s = test_suite("fmt");
    TEST_ADD(s, test_integers);
    TEST_ADD(s, test_strings_and_chars);
    TEST_ADD(s, test_pointers);
    TEST_ADD(s, test_floats);
    TEST_ADD(s, test_truncation);
    TEST_ADD(s, test_odd_formats);
    TEST_ADD(s, test_sink);
}
