/*
 * What the kernel suites share: a reproducible xorshift stream per file
 * (each file's own seed, so one suite's draws do not depend on another's)
 * and float comparison as the twins are held to it (same bits, or both NaN).
 */
#ifndef TESTS_UNIT_KERNELS_KERNEL_TEST_H
#define TESTS_UNIT_KERNELS_KERNEL_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "llm/kernels/kernels.h"
#include "llm/support/bits.h"

/* Define KERNEL_TEST_SEED before including. */
static uint64_t rng = KERNEL_TEST_SEED;

static inline uint32_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Uniform in [-1, 1). */
static inline float unit(void)
{
    return (float)((double)next() / 2147483648.0 - 1.0);
}

static inline bool same(float a, float b)
{
    return f32_to_bits(a) == f32_to_bits(b) || (a != a && b != b);
}

/* A paged cache's block table for the attention tests: block i of a sequence is block n - 1 - i of the buffer. */
static inline void reversed_blocks(uint32_t *table, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        table[i] = n - 1 - i;
}

/* The buffer slot of position p under such a table (n blocks of KERN_KV_BLOCK_POS slots). */
static inline uint32_t reversed_slot(const uint32_t *table, uint32_t p)
{
    return table[p / KERN_KV_BLOCK_POS] * KERN_KV_BLOCK_POS + p % KERN_KV_BLOCK_POS;
}

/* A head whose keys and values (format f, rows of row bytes) lie in k and v under the block table blocks. */
static inline kern_kv_head_t test_kv_head(const quant_format_t *f, const void *k, const void *v, const uint32_t *blocks,
                                          size_t row, uint32_t t0, uint32_t n, uint32_t hd, float scale)
{
    kern_kv_head_t h = { .k = { f, k, KERN_KV_BLOCK_POS * row, row }, .v = { f, v, KERN_KV_BLOCK_POS * row, row },
                         .blocks = blocks, .t0 = t0, .n = n, .head_dim = hd, .scale = scale };
    return h;
}

#endif
