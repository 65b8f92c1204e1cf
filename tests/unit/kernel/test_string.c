/*
 * The kernel's kernel/lib/string.c (linked here with its symbols renamed kstr_*)
 * against the host libc on every alignment and length combination that
 * matters: word paths, byte tails, overlapping moves.
 */
#include <stdint.h>
#include <string.h>

#include "tests/unit/suites.h"

void *kstr_memcpy(void *dst, const void *src, size_t n);
void *kstr_memmove(void *dst, const void *src, size_t n);
void *kstr_memset(void *dst, int c, size_t n);
int kstr_memcmp(const void *a, const void *b, size_t n);
size_t kstr_strlen(const char *s);
size_t kstr_strnlen(const char *s, size_t max);
int kstr_strcmp(const char *a, const char *b);
int kstr_strncmp(const char *a, const char *b, size_t n);
char *kstr_strchr(const char *s, int c);

#define N 80

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + i * 7);
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static void test_memcpy_memset(void)
{
    uint8_t src[N], a[N], b[N];
    fill(src, N, 1);
    for (size_t so = 0; so < 9; so++) {
        for (size_t doff = 0; doff < 9; doff++) {
            for (size_t len = 0; len + so < N && len + doff < N; len += 5) {
                memset(a, 0xee, N);
                memset(b, 0xee, N);
                CU_ASSERT_PTR_EQUAL(kstr_memcpy(a + doff, src + so, len), a + doff);
                memcpy(b + doff, src + so, len);
                CU_ASSERT_EQUAL(memcmp(a, b, N), 0);

                kstr_memset(a + doff, (int)(so + 0x100), len); /* only the low byte counts */
                memset(b + doff, (int)(so + 0x100), len);
                CU_ASSERT_EQUAL(memcmp(a, b, N), 0);
            }
        }
    }
}

static void test_memmove_overlap(void)
{
    uint8_t a[N], b[N];
    for (size_t from = 0; from < 20; from++) {
        for (size_t to = 0; to < 20; to++) {
            fill(a, N, 3);
            fill(b, N, 3);
            CU_ASSERT_PTR_EQUAL(kstr_memmove(a + to, a + from, 50), a + to);
            memmove(b + to, b + from, 50);
            CU_ASSERT_EQUAL(memcmp(a, b, N), 0);
        }
    }
}

static void test_compare(void)
{
    uint8_t a[N], b[N];
    fill(a, N, 9);
    fill(b, N, 9);
    CU_ASSERT_EQUAL(kstr_memcmp(a, b, N), 0);
    CU_ASSERT_EQUAL(kstr_memcmp(a, b, 0), 0);
    b[40] = 0xff; /* unsigned comparison: 0xff is the larger */
    CU_ASSERT_EQUAL(sign(kstr_memcmp(a, b, N)), sign(memcmp(a, b, N)));
    CU_ASSERT_EQUAL(sign(kstr_memcmp(b, a, N)), sign(memcmp(b, a, N)));
    CU_ASSERT_EQUAL(kstr_memcmp(a, b, 40), 0);

    const char *words[] = { "", "a", "ab", "abc", "abd", "b", "\xff", "ab\xff" };
    for (size_t i = 0; i < 8; i++) {
        for (size_t j = 0; j < 8; j++) {
            CU_ASSERT_EQUAL(sign(kstr_strcmp(words[i], words[j])), sign(strcmp(words[i], words[j])));
            for (size_t n = 0; n < 4; n++)
                CU_ASSERT_EQUAL(sign(kstr_strncmp(words[i], words[j], n)), sign(strncmp(words[i], words[j], n)));
        }
    }
}

static void test_lengths_and_search(void)
{
    const char *s = "hello, world";
    CU_ASSERT_EQUAL(kstr_strlen(""), 0);
    CU_ASSERT_EQUAL(kstr_strlen(s), strlen(s));
    CU_ASSERT_EQUAL(kstr_strnlen(s, 5), 5);
    CU_ASSERT_EQUAL(kstr_strnlen(s, 100), strlen(s));
    CU_ASSERT_PTR_EQUAL(kstr_strchr(s, 'o'), strchr(s, 'o'));
    CU_ASSERT_PTR_EQUAL(kstr_strchr(s, 'z'), NULL);
    CU_ASSERT_PTR_EQUAL(kstr_strchr(s, '\0'), s + strlen(s));
}

TEST_REGISTER(test_string_register)
{
    CU_pSuite s = test_suite("string (kernel/lib/string.c)");
    TEST_ADD(s, test_memcpy_memset);
    TEST_ADD(s, test_memmove_overlap);
    TEST_ADD(s, test_compare);
    TEST_ADD(s, test_lengths_and_search);
}
