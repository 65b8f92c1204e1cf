/*
 * SHA-256 (FIPS 180-4), freestanding: for checking model files against
 * pinned checksums and for compact test goldens. Streaming interface; no
 * allocation.
 */
#ifndef KERNEL_LIB_SHA256_H
#define KERNEL_LIB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_BYTES 32
#define SHA256_HEX_BYTES 65 /* 64 hex digits and a NUL */

typedef struct sha256 {
    uint32_t state[8];
    uint64_t n_bytes; /* bytes hashed so far */
    uint8_t block[64];
    size_t block_len;
} sha256_t;

void sha256_init(sha256_t *s);
void sha256_update(sha256_t *s, const void *data, size_t n);
void sha256_final(sha256_t *s, uint8_t digest[SHA256_DIGEST_BYTES]);

/* One-shot digest of data as 64 lower-case hex digits. */
void sha256_hex(const void *data, size_t n, char hex[SHA256_HEX_BYTES]);

/* digest as 64 lower-case hex digits. */
void sha256_to_hex(const uint8_t digest[SHA256_DIGEST_BYTES], char hex[SHA256_HEX_BYTES]);

#endif
