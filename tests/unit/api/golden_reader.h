/*
 * Reading a golden file's records in order, bounds-checked: a short file
 * makes every later read fail (ok false, NULL or 0) instead of reading past
 * its end; and the argmax of a logits row as the goldens take it. Shared by
 * the forward-pass suites.
 */
#ifndef TESTS_UNIT_API_GOLDEN_READER_H
#define TESTS_UNIT_API_GOLDEN_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct reader {
    const uint8_t *p;
    size_t size, off;
    bool ok;
} reader_t;

/* The next n bytes, or NULL (and ok false from then on) past the end. */
static inline const uint8_t *take(reader_t *r, size_t n)
{
    if (!r->ok || n > r->size - r->off) {
        r->ok = false;
        return NULL;
    }
    const uint8_t *p = r->p + r->off;
    r->off += n;
    return p;
}

/* The next little-endian u32, or 0 past the end. */
static inline uint32_t take_u32(reader_t *r)
{
    const uint8_t *p = take(r, 4);
    return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}

/* The index of the largest of x[0 .. n), the lowest on ties. */
static inline int argmax(const float *x, uint32_t n)
{
    int best = 0;
    for (uint32_t i = 1; i < n; i++)
        best = x[i] > x[best] ? (int)i : best;
    return best;
}

#endif
