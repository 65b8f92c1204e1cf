/*
 * The paged K/V cache (see kv_cache.h): the pool's two arena arrays, its
 * free-block stack and reference counts, the sequences' block tables, and
 * rows converted on store by the selected level's kernel.
 */
#include "llm/kv_cache.h"

#include "llm/kernels/kernels.h"

#define KV_MAX_REFS UINT16_MAX

size_t kv_cache_block_bytes(const model_hparams_t *hp, quant_type_t type)
{
    uint64_t row = (uint64_t)hp->n_head_kv * hp->head_dim * (type == QUANT_F32 ? 4 : 2);
    uint64_t per_layer = 2 * row * KV_BLOCK_POS; /* keys and values */
    if (hp->n_layer && per_layer > SIZE_MAX / hp->n_layer)
        return 0;
    return (size_t)(per_layer * hp->n_layer);
}

size_t kv_cache_bytes(const model_hparams_t *hp, uint32_t n_pos, quant_type_t type)
{
    uint64_t blocks = kv_blocks_for(n_pos), block = kv_cache_block_bytes(hp, type);
    uint64_t tables = blocks * (sizeof(uint32_t) + sizeof(uint16_t)) + 128; /* free stack, refs, alignment */
    if (block == 0 || blocks > (SIZE_MAX - tables) / block)
        return 0;
    return (size_t)(blocks * block + tables);
}

err_code_t kv_cache_init(kv_cache_t *kv, const model_hparams_t *hp, uint32_t n_pos, quant_type_t type, arena_t *arena,
                         err_t *err)
{
    if (type != QUANT_F16 && type != QUANT_F32)
        return err_set(err, ERR_INVALID, "kv cache: type %s is not supported (F16 or F32)", quant_type_name(type));
    if (n_pos == 0)
        return err_set(err, ERR_INVALID, "kv cache: context of 0 positions");
    size_t total = kv_cache_bytes(hp, n_pos, type);
    if (total == 0)
        return err_set(err, ERR_NOMEM, "kv cache: %u positions overflow the address space", n_pos);
    quant_lookup(type, &kv->format, NULL);
    kv->attn = KERN_ATTN_EXACT;
    kv->n_layer = hp->n_layer;
    kv->n_blocks = kv_blocks_for(n_pos);
    kv->row_elems = hp->n_head_kv * hp->head_dim;
    kv->row_bytes = (size_t)kv->row_elems * kv->format->block_bytes;
    kv->block_stride = KV_BLOCK_POS * kv->row_bytes;
    size_t half = kv_cache_block_bytes(hp, type) / 2 * kv->n_blocks;
    arena_mark_t mark = arena_mark(arena);
    kv->k = arena_alloc(arena, half, 64, err);
    kv->v = kv->k ? arena_alloc(arena, half, 64, err) : NULL;
    kv->free_ids = kv->v ? arena_alloc_array(arena, kv->n_blocks, sizeof *kv->free_ids, 0, err) : NULL;
    kv->refs = kv->free_ids ? arena_alloc_array(arena, kv->n_blocks, sizeof *kv->refs, 0, err) : NULL;
    if (!kv->refs) {
        arena_release(arena, mark, NULL);
        return err_set(err, ERR_NOMEM, "kv cache: %u positions x %u layers need %zu bytes (%s), %zu free in the arena",
                       n_pos, hp->n_layer, total, kv->format->name, arena->capacity_bytes - arena->used_bytes);
    }
    /* Lowest ids on top: one sequence growing from empty gets blocks 0, 1, 2, ... */
    for (uint32_t i = 0; i < kv->n_blocks; i++) {
        kv->free_ids[i] = kv->n_blocks - 1 - i;
        kv->refs[i] = 0;
    }
    kv->n_free = kv->n_blocks;
    return ERR_OK;
}

err_code_t kv_seq_init(kv_seq_t *s, uint32_t max_pos, arena_t *arena, err_t *err)
{
    if (max_pos == 0)
        return err_set(err, ERR_INVALID, "kv sequence: 0 positions");
    s->cap = kv_blocks_for(max_pos);
    s->n_blocks = 0;
    s->blocks = arena_alloc_array(arena, s->cap, sizeof *s->blocks, 0, err);
    return s->blocks ? ERR_OK : ERR_NOMEM;
}

err_code_t kv_seq_reserve(kv_cache_t *kv, kv_seq_t *s, uint32_t n_pos, err_t *err)
{
    uint32_t want = kv_blocks_for(n_pos);
    if (want > s->cap)
        return err_set(err, ERR_RANGE, "kv cache: %u positions exceed the sequence's %u", n_pos,
                       s->cap * KV_BLOCK_POS);
    if (want <= s->n_blocks)
        return ERR_OK;
    if (want - s->n_blocks > kv->n_free)
        return err_set(err, ERR_NOMEM, "kv cache: %u more blocks needed, %u of %u free", want - s->n_blocks,
                       kv->n_free, kv->n_blocks);
    while (s->n_blocks < want) {
        uint32_t id = kv->free_ids[--kv->n_free];
        kv->refs[id] = 1;
        s->blocks[s->n_blocks++] = id;
    }
    return ERR_OK;
}

static void let_go(kv_cache_t *kv, uint32_t id)
{
    if (--kv->refs[id] == 0)
        kv->free_ids[kv->n_free++] = id;
}

uint32_t kv_seq_truncate(kv_cache_t *kv, kv_seq_t *s, uint32_t n_pos)
{
    uint32_t keep = kv_blocks_for(n_pos);
    if (keep > 0 && keep <= s->n_blocks && n_pos % KV_BLOCK_POS != 0 && kv->refs[s->blocks[keep - 1]] > 1) {
        keep--; /* the partly used block is shared: its free slots belong to nobody */
        n_pos = keep * KV_BLOCK_POS;
    }
    while (s->n_blocks > keep)
        let_go(kv, s->blocks[--s->n_blocks]);
    return n_pos < kv_seq_room(s) ? n_pos : kv_seq_room(s);
}

uint32_t kv_seq_share(kv_cache_t *kv, kv_seq_t *dst, const kv_seq_t *src, uint32_t n_pos)
{
    uint32_t n = n_pos / KV_BLOCK_POS;
    n = n < src->n_blocks ? n : src->n_blocks;
    n = n < dst->cap ? n : dst->cap;
    kv_seq_truncate(kv, dst, 0);
    for (uint32_t i = 0; i < n && kv->refs[src->blocks[i]] < KV_MAX_REFS; i++) {
        kv->refs[src->blocks[i]]++;
        dst->blocks[dst->n_blocks++] = src->blocks[i];
    }
    return dst->n_blocks * KV_BLOCK_POS;
}

void kv_cache_store(kv_cache_t *kv, const kv_seq_t *s, uint32_t layer, uint32_t pos, const float *k, const float *v)
{
    size_t off = ((size_t)layer * kv->n_blocks + s->blocks[pos / KV_BLOCK_POS]) * kv->block_stride +
                 (size_t)(pos % KV_BLOCK_POS) * kv->row_bytes;
    quant_quantize_fn quantize = kern_format(kv->format)->quantize; /* the level's converter: the same bytes */
    quantize(k, kv->k + off, kv->row_elems);
    quantize(v, kv->v + off, kv->row_elems);
}
