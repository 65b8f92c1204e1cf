/*
 * The paged K/V cache (see kv_cache.h): the pool's two arena arrays, its
 * free-block stack and reference counts, the sequences' block tables, and
 * rows converted on store by the selected level's kernel.
 */
#include "llm/kv_cache.h"

#include "llm/kernels/kernels.h"

#define KV_MAX_REFS UINT16_MAX

static bool supported(quant_type_t t)
{
    return t == QUANT_F32 || t == QUANT_F16 || t == QUANT_Q8_0 || t == QUANT_Q4_0;
}

bool kv_type_parse(const char *s, quant_type_t *out)
{
    static const struct {
        const char *name;
        quant_type_t type;
    } names[] = { { "f32", QUANT_F32 }, { "f16", QUANT_F16 }, { "q8_0", QUANT_Q8_0 }, { "q4_0", QUANT_Q4_0 } };
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++) {
        const char *a = s, *b = names[i].name;
        while (*a && *a == *b)
            a++, b++;
        if (*a == *b) {
            *out = names[i].type;
            return true;
        }
    }
    return false;
}

err_code_t kv_types_check(const model_hparams_t *hp, kv_types_t types, err_t *err)
{
    quant_type_t side[2] = { types.k, types.v };
    for (int i = 0; i < 2; i++) {
        const quant_format_t *f;
        if (!supported(side[i]) || quant_lookup(side[i], &f, NULL) != ERR_OK)
            return err_set(err, ERR_INVALID, "kv cache: %s type %s is not supported (F32, F16, Q8_0 or Q4_0)",
                           i ? "value" : "key", quant_type_name(side[i]));
        if (hp->head_dim % f->block_elems != 0)
            return err_set(err, ERR_INVALID, "kv cache: %s type %s needs a head size that is a multiple of %zu, "
                           "the model's is %u", i ? "value" : "key", f->name, f->block_elems, hp->head_dim);
    }
    return ERR_OK;
}

/* Bytes of one position's row of one layer on one side; 0 for an unsupported type. */
static uint64_t side_row_bytes(const model_hparams_t *hp, quant_type_t t)
{
    const quant_format_t *f;
    if (!supported(t) || quant_lookup(t, &f, NULL) != ERR_OK)
        return 0;
    return (uint64_t)hp->n_head_kv * hp->head_dim / f->block_elems * f->block_bytes;
}

size_t kv_cache_pos_bytes(const model_hparams_t *hp, kv_types_t types)
{
    uint64_t row = side_row_bytes(hp, types.k) + side_row_bytes(hp, types.v);
    if (!side_row_bytes(hp, types.k) || !side_row_bytes(hp, types.v) || (hp->n_layer && row > SIZE_MAX / hp->n_layer))
        return 0;
    return (size_t)(row * hp->n_layer);
}

size_t kv_cache_block_bytes(const model_hparams_t *hp, kv_types_t types)
{
    uint64_t pos = kv_cache_pos_bytes(hp, types);
    return pos > SIZE_MAX / KV_BLOCK_POS ? 0 : (size_t)(pos * KV_BLOCK_POS);
}

size_t kv_cache_bytes(const model_hparams_t *hp, uint32_t n_pos, kv_types_t types)
{
    uint64_t blocks = kv_blocks_for(n_pos), block = kv_cache_block_bytes(hp, types);
    uint64_t tables = blocks * (sizeof(uint32_t) + sizeof(uint16_t)) + 128; /* free stack, refs, alignment */
    if (block == 0 || blocks > (SIZE_MAX - tables) / block)
        return 0;
    return (size_t)(blocks * block + tables);
}

static void side_init(kv_side_t *s, const model_hparams_t *hp, quant_type_t t)
{
    quant_lookup(t, &s->format, NULL);
    s->row_bytes = (size_t)side_row_bytes(hp, t);
    s->block_stride = KV_BLOCK_POS * s->row_bytes;
    s->data = NULL;
}

err_code_t kv_cache_init(kv_cache_t *kv, const model_hparams_t *hp, uint32_t n_pos, kv_types_t types, arena_t *arena,
                         err_t *err)
{
    err_code_t rc = kv_types_check(hp, types, err);
    if (rc != ERR_OK)
        return rc;
    if (n_pos == 0)
        return err_set(err, ERR_INVALID, "kv cache: context of 0 positions");
    size_t total = kv_cache_bytes(hp, n_pos, types);
    if (total == 0)
        return err_set(err, ERR_NOMEM, "kv cache: %u positions overflow the address space", n_pos);
    side_init(&kv->k, hp, types.k);
    side_init(&kv->v, hp, types.v);
    kv->attn = KERN_ATTN_EXACT;
    for (int i = 0; i < KV_PHASES; i++)
        kv->phase_us[i] = 0;
    kv->n_layer = hp->n_layer;
    kv->n_blocks = kv_blocks_for(n_pos);
    kv->head_dim = hp->head_dim;
    bool rotate = !types.plain && hp->head_dim % 64 == 0; /* as llama.cpp: whole rows of 64 or more */
    kv->rot_k = kv->rot_v = 0;
    if (rotate && kv->k.format->block_elems > 1)
        for (kv->rot_k = 64; hp->head_dim % (2 * kv->rot_k) == 0; kv->rot_k *= 2)
            ;
    if (rotate && kv->v.format->block_elems > 1)
        kv->rot_v = 64;
    kv->row_elems = hp->n_head_kv * hp->head_dim;
    size_t per = (size_t)kv->n_blocks * hp->n_layer; /* fits: total did not overflow */
    arena_mark_t mark = arena_mark(arena);
    kv->k.data = arena_alloc(arena, per * kv->k.block_stride, 64, err);
    kv->v.data = kv->k.data ? arena_alloc(arena, per * kv->v.block_stride, 64, err) : NULL;
    kv->free_ids = kv->v.data ? arena_alloc_array(arena, kv->n_blocks, sizeof *kv->free_ids, 0, err) : NULL;
    kv->refs = kv->free_ids ? arena_alloc_array(arena, kv->n_blocks, sizeof *kv->refs, 0, err) : NULL;
    if (!kv->refs) {
        arena_release(arena, mark, NULL);
        return err_set(err, ERR_NOMEM,
                       "kv cache: %u positions x %u layers need %zu bytes (keys %s, values %s), %zu free in the arena",
                       n_pos, hp->n_layer, total, kv->k.format->name, kv->v.format->name,
                       arena->capacity_bytes - arena->used_bytes);
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

/* One side's row of a position, converted by the level's quantizer (the same bytes as the scalar one). */
static void store_side(const kv_cache_t *kv, const kv_side_t *side, const kv_seq_t *s, uint32_t layer, uint32_t pos,
                       const float *x)
{
    size_t off = ((size_t)layer * kv->n_blocks + s->blocks[pos / KV_BLOCK_POS]) * side->block_stride +
                 (size_t)(pos % KV_BLOCK_POS) * side->row_bytes;
    kern_format(side->format)->quantize(x, side->data + off, kv->row_elems);
}

void kv_cache_store(kv_cache_t *kv, const kv_seq_t *s, uint32_t layer, uint32_t pos, const float *k, const float *v)
{
    store_side(kv, &kv->k, s, layer, pos, k);
    store_side(kv, &kv->v, s, layer, pos, v);
}
