/*
 * The key/value cache: for every layer, the keys and values of every past
 * position, so each new token attends to them without recomputing the
 * prefix. Sized once from the arena for n_ctx positions; F16 by default
 * (as llama.cpp), F32 as an option. One per context.
 */
#ifndef LLM_KV_CACHE_H
#define LLM_KV_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "llm/support/err.h"
#include "llm/model.h"
#include "llm/support/arena.h"

typedef struct kv_cache {
    const quant_format_t *format; /* F16 or F32 */
    uint32_t n_layer, n_ctx;
    uint32_t row_elems;           /* n_head_kv * head_dim: one position's keys (or values) */
    size_t row_bytes;
    uint8_t *k, *v;               /* [n_layer][n_ctx][row_bytes] each */
} kv_cache_t;

/* Bytes the cache needs (both K and V); 0 if that overflows. */
size_t kv_cache_bytes(const model_hparams_t *hp, uint32_t n_ctx, quant_type_t type);

/*
 * Allocates the cache. ERR_INVALID for a type other than F16/F32 or n_ctx 0;
 * ERR_NOMEM (naming the bytes needed) when the arena is too small.
 */
err_code_t kv_cache_init(kv_cache_t *kv, const model_hparams_t *hp, uint32_t n_ctx, quant_type_t type, arena_t *arena,
                         err_t *err);

/* Stores one position's keys and values (row_elems floats each), converted to the cache type. */
void kv_cache_store(kv_cache_t *kv, uint32_t layer, uint32_t pos, const float *k, const float *v);

static inline const uint8_t *kv_cache_k(const kv_cache_t *kv, uint32_t layer, uint32_t pos)
{
    return kv->k + ((size_t)layer * kv->n_ctx + pos) * kv->row_bytes;
}

static inline const uint8_t *kv_cache_v(const kv_cache_t *kv, uint32_t layer, uint32_t pos)
{
    return kv->v + ((size_t)layer * kv->n_ctx + pos) * kv->row_bytes;
}

#endif
