/*
 * The arena: the only allocator. A fixed-size region supplied by the caller
 * (a static buffer, the kernel's free RAM, a host malloc) handed out by bumping
 * an offset, with mark/release for scoped lifetimes and reset to start over.
 * There is no per-object free. Not thread-safe: one arena per owner.
 */
#ifndef LLM_SUPPORT_ARENA_H
#define LLM_SUPPORT_ARENA_H

#include <stddef.h>
#include <stdint.h>

#include "llm/support/err.h"

/* Alignment used when the caller passes 0. */
#define ARENA_DEFAULT_ALIGN 16

typedef struct arena {
    uint8_t *base;           /* caller's buffer; the arena does not own it */
    size_t capacity_bytes;
    size_t used_bytes;       /* offset of the first free byte */
    size_t high_water_bytes; /* largest used_bytes ever reached */
    size_t n_failed;         /* requests refused since init */
} arena_t;

/* A position to come back to with arena_release. */
typedef struct arena_mark {
    size_t used_bytes;
} arena_mark_t;

typedef struct arena_stats {
    size_t capacity_bytes;
    size_t used_bytes;
    size_t free_bytes;
    size_t high_water_bytes;
    size_t n_failed;
} arena_stats_t;

/*
 * Makes an empty arena over buf[0 .. capacity_bytes). The buffer stays the
 * caller's and must outlive every pointer handed out. buf may be NULL only
 * with capacity 0 (every request then fails cleanly).
 */
void arena_init(arena_t *a, void *buf, size_t capacity_bytes);

/*
 * Returns size bytes aligned to align (a power of two; 0 means
 * ARENA_DEFAULT_ALIGN), contents undefined. On failure returns NULL, counts
 * the failure and fills *err: ERR_INVALID for size 0 or a bad alignment,
 * ERR_NOMEM (naming the bytes asked for and the bytes free) when it does not
 * fit, including sizes whose arithmetic would overflow.
 */
void *arena_alloc(arena_t *a, size_t size, size_t align, err_t *err);

/* As arena_alloc, with the bytes set to zero. */
void *arena_alloc_zero(arena_t *a, size_t size, size_t align, err_t *err);

/* count * elem_size bytes (overflow refused as ERR_NOMEM), aligned, zeroed. */
void *arena_alloc_array(arena_t *a, size_t count, size_t elem_size, size_t align, err_t *err);

arena_mark_t arena_mark(const arena_t *a);

/*
 * Frees everything allocated since the mark was taken. A mark above the
 * current use (released twice, or out of order) changes nothing and returns
 * ERR_INVALID.
 */
err_code_t arena_release(arena_t *a, arena_mark_t mark, err_t *err);

/* Frees everything; the high-water mark and failure count are kept. */
void arena_reset(arena_t *a);

void arena_get_stats(const arena_t *a, arena_stats_t *out);

#endif
