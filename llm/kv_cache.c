/* K/V cache storage (see kv_cache.h): two arena arrays, rows converted on store by the selected level's kernel. */
#include "llm/kv_cache.h"

#include "llm/kernels/kernels.h"

size_t kv_cache_bytes(const model_hparams_t *hp, uint32_t n_ctx, quant_type_t type)
{
    uint64_t per_elem = type == QUANT_F32 ? 4 : 2;
    uint64_t rows = (uint64_t)hp->n_layer * n_ctx;
    uint64_t row = (uint64_t)hp->n_head_kv * hp->head_dim * per_elem;
    if (rows && row > UINT64_MAX / 2 / rows)
        return 0;
    uint64_t total = 2 * rows * row;
    return total <= SIZE_MAX ? (size_t)total : 0;
}

err_code_t kv_cache_init(kv_cache_t *kv, const model_hparams_t *hp, uint32_t n_ctx, quant_type_t type, arena_t *arena,
                         err_t *err)
{
    if (type != QUANT_F16 && type != QUANT_F32)
        return err_set(err, ERR_INVALID, "kv cache: type %s is not supported (F16 or F32)", quant_type_name(type));
    if (n_ctx == 0)
        return err_set(err, ERR_INVALID, "kv cache: context of 0 positions");
    size_t total = kv_cache_bytes(hp, n_ctx, type);
    if (total == 0)
        return err_set(err, ERR_NOMEM, "kv cache: %u positions overflow the address space", n_ctx);
    quant_lookup(type, &kv->format, NULL);
    kv->n_layer = hp->n_layer;
    kv->n_ctx = n_ctx;
    kv->row_elems = hp->n_head_kv * hp->head_dim;
    kv->row_bytes = (size_t)kv->row_elems * kv->format->block_bytes;
    arena_mark_t mark = arena_mark(arena);
    kv->k = arena_alloc(arena, total / 2, 64, err);
    kv->v = kv->k ? arena_alloc(arena, total / 2, 64, err) : NULL;
    if (!kv->v) {
        arena_release(arena, mark, NULL);
        return err_set(err, ERR_NOMEM, "kv cache: %u positions x %u layers need %zu bytes (%s), %zu free in the arena",
                       n_ctx, hp->n_layer, total, kv->format->name, arena->capacity_bytes - arena->used_bytes);
    }
    return ERR_OK;
}

void kv_cache_store(kv_cache_t *kv, uint32_t layer, uint32_t pos, const float *k, const float *v)
{
    size_t off = ((size_t)layer * kv->n_ctx + pos) * kv->row_bytes;
    quant_quantize_fn quantize = kern_format(kv->format)->quantize; /* the level's converter: the same bytes */
    quantize(k, kv->k + off, kv->row_elems);
    quantize(v, kv->v + off, kv->row_elems);
}
