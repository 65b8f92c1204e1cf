/* Heap sort of uint32 indices (see sort.h): build a max-heap, then move the top to the end. */
#include "llm/support/sort.h"

static void sift_down(uint32_t *a, size_t root, size_t n, sort_cmp_fn cmp, const void *ctx)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && cmp(ctx, a[child + 1], a[child]) > 0)
            child++;
        if (cmp(ctx, a[root], a[child]) >= 0)
            return;
        uint32_t t = a[root];
        a[root] = a[child];
        a[child] = t;
    }
}

void sort_u32(uint32_t *a, size_t n, sort_cmp_fn cmp, const void *ctx)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n, cmp, ctx);
    while (n > 1) {
        n--;
        uint32_t t = a[0];
        a[0] = a[n];
        a[n] = t;
        sift_down(a, 0, n, cmp, ctx);
    }
}
