/*
 * Open-addressing hash index with linear probing (see str_index.h). Load is
 * kept at or below one half, so probes stay short and a miss always ends at
 * an empty slot.
 */
#include "llm/support/str_index.h"

#define MAX_CAPACITY (1u << 30)

uint32_t str_hash(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)p[i];
        h *= 16777619u;
    }
    return h;
}

err_code_t str_index_init(str_index_t *ix, size_t capacity, str_index_key_fn key, const void *ctx,
                          arena_t *arena, err_t *err)
{
    if (capacity > MAX_CAPACITY)
        return err_set(err, ERR_RANGE, "string index: %zu entries is more than the %u supported", capacity,
                       MAX_CAPACITY);
    size_t n = 16;
    while (n < 2 * capacity)
        n *= 2;
    *ix = (str_index_t){ .n_slots = n, .capacity = capacity, .key = key, .ctx = ctx };
    ix->slots = arena_alloc_array(arena, n, sizeof *ix->slots, 0, err);
    ix->hashes = ix->slots ? arena_alloc(arena, n * sizeof *ix->hashes, 0, err) : NULL;
    return ix->hashes ? ERR_OK : ERR_NOMEM;
}

/* The slot holding the key, or the empty slot where it would go. */
static size_t probe(const str_index_t *ix, const char *ptr, size_t len, uint32_t h)
{
    size_t mask = ix->n_slots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        if (ix->slots[i] == 0)
            return i;
        if (ix->hashes[i] == h && str_view_eq(ix->key(ix->ctx, ix->slots[i] - 1), ptr, len))
            return i;
    }
}

bool str_index_insert(str_index_t *ix, uint32_t value, uint32_t *existing)
{
    str_view_t k = ix->key(ix->ctx, value);
    uint32_t h = str_hash(k.ptr, k.len);
    size_t i = probe(ix, k.ptr, k.len, h);
    if (ix->slots[i] != 0) {
        if (existing)
            *existing = ix->slots[i] - 1;
        return false;
    }
    if (ix->n_used == ix->capacity) {
        if (existing)
            *existing = UINT32_MAX;
        return false;
    }
    ix->slots[i] = value + 1;
    ix->hashes[i] = h;
    ix->n_used++;
    return true;
}

bool str_index_upsert(str_index_t *ix, uint32_t value)
{
    uint32_t existing;
    if (str_index_insert(ix, value, &existing))
        return true;
    if (existing == UINT32_MAX)
        return false;
    str_view_t k = ix->key(ix->ctx, value);
    ix->slots[probe(ix, k.ptr, k.len, str_hash(k.ptr, k.len))] = value + 1;
    return true;
}

bool str_index_find(const str_index_t *ix, const char *ptr, size_t len, uint32_t *value)
{
    if (ix->n_slots == 0)
        return false;
    size_t i = probe(ix, ptr, len, str_hash(ptr, len));
    if (ix->slots[i] == 0)
        return false;
    *value = ix->slots[i] - 1;
    return true;
}
