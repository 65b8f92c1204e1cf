/*
 * Range splitting over the platform's parallel-for (see parallel.h). The
 * units of a range (align items each, the last one possibly shorter) are
 * dealt out so chunk sizes differ by at most one unit.
 */
#include "llm/support/parallel.h"

#include "llm/platform.h"

typedef struct range_job {
    par_range_fn fn;
    void *ctx;
    uint32_t n, align, chunks;
} range_job_t;

uint32_t par_workers(void)
{
    uint32_t w = platform_workers();
    return w ? w : 1;
}

uint32_t par_chunks(uint32_t n, uint32_t align, uint32_t min_items, uint32_t workers)
{
    uint32_t units = n / align + (n % align != 0);
    uint32_t by_size = min_items > 1 ? n / min_items : n;
    uint32_t chunks = workers > 1 ? workers * PAR_CHUNKS_PER_WORKER : 1;
    if (chunks > units)
        chunks = units;
    if (chunks > by_size)
        chunks = by_size;
    return chunks ? chunks : 1;
}

void par_chunk_bounds(uint32_t n, uint32_t align, uint32_t chunks, uint32_t c, uint32_t *begin, uint32_t *end)
{
    uint64_t units = n / align + (n % align != 0);
    *begin = (uint32_t)(units * c / chunks) * align;
    *end = c + 1 == chunks ? n : (uint32_t)(units * (c + 1) / chunks) * align;
}

static void run_chunk(void *ctx, uint32_t task, uint32_t worker)
{
    const range_job_t *job = ctx;
    uint32_t begin, end;
    par_chunk_bounds(job->n, job->align, job->chunks, task, &begin, &end);
    if (begin < end)
        job->fn(job->ctx, begin, end, worker);
}

void par_range(uint32_t n, uint32_t align, uint32_t min_items, par_range_fn fn, void *ctx)
{
    if (n == 0)
        return;
    if (align == 0)
        align = 1;
    uint32_t chunks = par_chunks(n, align, min_items, par_workers());
    if (chunks == 1) {
        fn(ctx, 0, n, 0);
        return;
    }
    range_job_t job = { fn, ctx, n, align, chunks };
    platform_parallel_for(run_chunk, &job, chunks);
}
