/*
 * SHA-256 against the FIPS 180-4 / NIST example vectors, and streaming in
 * odd-sized pieces against the one-shot digest.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/lib/sha256.h"
#include "tests/unit/suites.h"

static void test_known_vectors(void)
{
    char hex[SHA256_HEX_BYTES];
    sha256_hex("", 0, hex);
    CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, hex);
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex(two_blocks, strlen(two_blocks), hex);
    CU_ASSERT_STRING_EQUAL(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    size_t n = 1000000;
    char *a = malloc(n);
    memset(a, 'a', n);
    sha256_hex(a, n, hex);
    CU_ASSERT_STRING_EQUAL(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

static void test_streaming_equals_one_shot(void)
{
    unsigned char data[1000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 31 + 7);
    for (size_t len = 0; len <= sizeof data; len += 37) {
        char want[SHA256_HEX_BYTES], got[SHA256_HEX_BYTES];
        sha256_hex(data, len, want);
        sha256_t s;
        uint8_t d[SHA256_DIGEST_BYTES];
        sha256_init(&s);
        for (size_t off = 0, step = 1; off < len; off += step, step = step * 2 + 1)
            sha256_update(&s, data + off, step < len - off ? step : len - off);
        sha256_final(&s, d);
        sha256_to_hex(d, got);
        CU_ASSERT_STRING_EQUAL(got, want);
    }
}

TEST_REGISTER(test_sha256_register)
{
    CU_pSuite s = test_suite("sha256");
    TEST_ADD(s, test_known_vectors);
    TEST_ADD(s, test_streaming_equals_one_shot);
}
