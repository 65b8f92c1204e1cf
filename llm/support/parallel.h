/*
 * Ranges of work split over the platform's workers (llm/platform.h): the
 * one way the engine uses more than one core. A range [0, n) is cut into
 * chunks whose boundaries fall on multiples of an alignment (a matmul tile,
 * a quantization row), a few per worker so a slow core does not hold the
 * others up. Which worker runs which chunk never changes what a chunk
 * computes: each output element is written by exactly one chunk, with the
 * same code and order as a single core would use, so results are the same
 * bits at any worker count.
 */
#ifndef LLM_SUPPORT_PARALLEL_H
#define LLM_SUPPORT_PARALLEL_H

#include <stdint.h>

#include "llm/support/arena.h"
#include "llm/support/err.h"

/* Chunks per worker: enough for dynamic balance, few enough that per-chunk overhead stays small. */
#define PAR_CHUNKS_PER_WORKER 4u

/* One chunk [begin, end) of a range, run by worker (< par_workers()). */
typedef void (*par_range_fn)(void *ctx, uint32_t begin, uint32_t end, uint32_t worker);

/* The platform's worker count (at least 1). */
uint32_t par_workers(void);

/*
 * Calls fn over [0, n) in chunks: every chunk starts at a multiple of align
 * (>= 1) and, except the last, ends at one; no chunk holds fewer than
 * min_items items unless the range does. With one chunk fn runs on the
 * caller as worker 0, without the platform's parallel-for. Returns when
 * all chunks are done.
 */
void par_range(uint32_t n, uint32_t align, uint32_t min_items, par_range_fn fn, void *ctx);

/*
 * The chunk count par_range uses for n items (exposed so tests and benches
 * can check the split): at most PAR_CHUNKS_PER_WORKER per worker.
 */
uint32_t par_chunks(uint32_t n, uint32_t align, uint32_t min_items, uint32_t workers);

/* Chunk c of chunks over [0, n) aligned to align: [*begin, *end). */
void par_chunk_bounds(uint32_t n, uint32_t align, uint32_t chunks, uint32_t c, uint32_t *begin, uint32_t *end);

/*
 * A self-test of the platform's parallel-for, for whoever implements it
 * (our kernel's `cores test`, the hosted pool's unit test): `rounds` calls
 * of pseudo-random sizes (0 to a few hundred tasks, and par_range over up
 * to a few thousand items at alignments 1, 4 and 32), checking that every
 * task runs exactly once with a worker index in range and never two at a
 * time on one worker index, that tasks see what the caller wrote before
 * the call and the caller sees what they wrote. Memory comes from arena
 * and is given back. ERR_NOMEM if it does not fit; ERR_INTERNAL naming the
 * round and what went wrong at the first failure.
 */
err_code_t par_self_test(uint32_t rounds, uint32_t seed, arena_t *arena, err_t *err);

#endif
