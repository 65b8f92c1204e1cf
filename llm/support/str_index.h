/*
 * A hash index from byte strings to 32-bit values (tensor numbers, token
 * ids), built once in an arena and then only read. The index stores no keys:
 * it asks a caller-supplied function for the key of a value, so strings that
 * live in the model file are not copied.
 */
#ifndef LLM_SUPPORT_STR_INDEX_H
#define LLM_SUPPORT_STR_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "llm/support/err.h"
#include "llm/support/str_view.h"
#include "llm/support/arena.h"

typedef str_view_t (*str_index_key_fn)(const void *ctx, uint32_t value);

typedef struct str_index {
    uint32_t *slots;  /* value + 1, or 0 for an empty slot */
    uint32_t *hashes; /* hash of the key in the same slot */
    size_t n_slots;   /* a power of two, at least twice the capacity */
    size_t capacity;
    size_t n_used;
    str_index_key_fn key;
    const void *ctx;
} str_index_t;

/* FNV-1a, 32-bit. */
uint32_t str_hash(const char *p, size_t n);

/*
 * An empty index for up to capacity values (< 2^31), its tables from arena.
 * ERR_NOMEM (arena too small) or ERR_RANGE (capacity too large).
 */
err_code_t str_index_init(str_index_t *ix, size_t capacity, str_index_key_fn key, const void *ctx,
                          arena_t *arena, err_t *err);

/*
 * Adds value under key(ctx, value). Returns false, leaving the index as it
 * was, when the key is already present (then *existing, if not NULL, is the
 * value stored under it) or the index is full (then *existing is UINT32_MAX).
 */
bool str_index_insert(str_index_t *ix, uint32_t value, uint32_t *existing);

/* Adds value, or makes it the one stored under its key if the key is present; false only when full. */
bool str_index_upsert(str_index_t *ix, uint32_t value);

/* Looks up a key; false if absent. */
bool str_index_find(const str_index_t *ix, const char *ptr, size_t len, uint32_t *value);

#endif
