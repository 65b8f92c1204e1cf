/*
 * In-place sort of an index array by a caller's comparison (heap sort:
 * O(n log n) on any input, no recursion, no extra memory, not stable).
 */
#ifndef LLM_SUPPORT_SORT_H
#define LLM_SUPPORT_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Negative if a sorts before b, positive if after, 0 if equal. */
typedef int (*sort_cmp_fn)(const void *ctx, uint32_t a, uint32_t b);

void sort_u32(uint32_t *idx, size_t n, sort_cmp_fn cmp, const void *ctx);

#endif
