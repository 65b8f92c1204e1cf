/*
 * The key/value cache, paged: one fixed pool of blocks carved from the
 * arena once, each block holding KV_BLOCK_POS positions of every layer's
 * keys and values. A sequence (kv_seq_t) owns a table of the blocks that
 * hold its positions, in order; blocks are handed out as sequences grow and
 * returned when they shrink or end, so short and long sequences share one
 * pool without fragmentation. Full blocks of a common prompt prefix can be
 * shared by several sequences (read-only: a shared block is never written,
 * see kv_seq_truncate). Keys and values each have a type, as llama.cpp's
 * --cache-type-k/-v: F16 by default (as llama.cpp), F32, or the block
 * formats Q8_0 (34 bytes per 32 values, 53% of F16) and Q4_0 (18 bytes,
 * 28%), which need a head size that is a multiple of 32.
 *
 * Sizing the pool: a sequence of P positions holds ceil(P / KV_BLOCK_POS)
 * blocks, so S sequences of up to P positions each need at most
 * S * ceil(P / KV_BLOCK_POS) blocks (less when they share a prefix or are
 * short); each block takes kv_cache_block_bytes() of the arena (SmolLM2-135M,
 * F16: 30 layers x 2 x 3 x 64 x 2 bytes x 16 = 360 KiB per block, 22.5 KiB
 * per position; Q8_0 keys and values: 11.95 KiB per position).
 */
#ifndef LLM_KV_CACHE_H
#define LLM_KV_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/kernels/kernels.h"
#include "llm/support/err.h"
#include "llm/model.h"
#include "llm/support/arena.h"

#define KV_BLOCK_POS KERN_KV_BLOCK_POS

/* Blocks that hold n positions. */
static inline uint32_t kv_blocks_for(uint32_t n_pos)
{
    return n_pos / KV_BLOCK_POS + (n_pos % KV_BLOCK_POS != 0);
}

/*
 * The phases of a forward pass, as transformer.c times them: the matrix
 * products (activation quantization included), attention over the cache,
 * and the rest (norms, RoPE and cache stores, activations, embeddings).
 */
enum { KV_PHASE_MATMUL, KV_PHASE_ATTENTION, KV_PHASE_OTHER, KV_PHASES };

/*
 * The types of a cache's keys and values. A block-quantized side is
 * rotated as llama.cpp rotates it (since 2026): keys (and so queries) by a
 * Walsh-Hadamard matrix of the largest power of two from 64 up that
 * divides the head size, values (and the attention's output back) by one
 * of 64, when the head size is a multiple of 64; the dot products are
 * unchanged and the quantization spreads over the outlier dimensions.
 * plain: no rotation (llama.cpp's LLAMA_ATTN_ROT_DISABLE=1).
 */
typedef struct kv_types {
    quant_type_t k, v;
    bool plain;
} kv_types_t;

/* One side of the pool (keys or values). */
typedef struct kv_side {
    const quant_format_t *format; /* F32, F16, Q8_0 or Q4_0 */
    size_t row_bytes;             /* one position's row: n_head_kv * head_dim values */
    size_t block_stride;          /* KV_BLOCK_POS * row_bytes: one block of one layer */
    uint8_t *data;                /* [n_layer][n_blocks][KV_BLOCK_POS][row_bytes] */
} kv_side_t;

typedef struct kv_cache {
    kv_side_t k, v;
    kern_attn_t attn;             /* how the forward pass reads it: KERN_ATTN_EXACT after init (kernels.h) */
    uint64_t phase_us[KV_PHASES]; /* microseconds the forward passes over this cache spent per phase (0 after
                                     init; transformer.c adds, anyone may reset) */
    uint32_t n_layer, n_blocks;
    uint32_t head_dim;
    uint32_t rot_k, rot_v;        /* rows of the Hadamard rotation of keys and queries, values and outputs (0: none) */
    uint32_t row_elems;           /* n_head_kv * head_dim: one position's keys (or values) */
    uint32_t *free_ids;           /* [n_blocks]: free block ids, a stack of n_free */
    uint32_t n_free;
    uint16_t *refs;               /* [n_blocks]: sequences holding each block */
} kv_cache_t;

/* One sequence's blocks: positions [i * KV_BLOCK_POS, (i + 1) * KV_BLOCK_POS) lie in blocks[i]. */
typedef struct kv_seq {
    uint32_t *blocks;   /* [cap] */
    uint32_t n_blocks;  /* held */
    uint32_t cap;       /* at most */
} kv_seq_t;

/*
 * A cache type by llama.cpp's --cache-type-k/-v name: "f32", "f16", "q8_0",
 * "q4_0" (lower case); false (out untouched) for any other.
 */
bool kv_type_parse(const char *s, quant_type_t *out);

/* F16 keys and values, llama.cpp's default. */
#define KV_TYPES_DEFAULT ((kv_types_t){ QUANT_F16, QUANT_F16, false })

/*
 * ERR_OK if a cache of these types can hold this model's heads; else
 * ERR_INVALID naming the type (only F32, F16, Q8_0, Q4_0) or the head size
 * (a block format needs a multiple of 32).
 */
err_code_t kv_types_check(const model_hparams_t *hp, kv_types_t types, err_t *err);

/* Arena bytes of one position of every layer's keys and values; 0 for an unsupported type or on overflow. */
size_t kv_cache_pos_bytes(const model_hparams_t *hp, kv_types_t types);

/* Arena bytes of one block (keys and values of all layers); 0 if that overflows. */
size_t kv_cache_block_bytes(const model_hparams_t *hp, kv_types_t types);

/* Arena bytes of a pool that holds n_pos positions (rounded up to whole blocks), tables included; 0 on overflow. */
size_t kv_cache_bytes(const model_hparams_t *hp, uint32_t n_pos, kv_types_t types);

/*
 * Allocates a pool of kv_blocks_for(n_pos) blocks, all free. ERR_INVALID for
 * types kv_types_check refuses or n_pos 0; ERR_NOMEM (naming the bytes
 * needed) when the arena is too small.
 */
err_code_t kv_cache_init(kv_cache_t *kv, const model_hparams_t *hp, uint32_t n_pos, kv_types_t types, arena_t *arena,
                         err_t *err);

/* Blocks free in the pool. */
static inline uint32_t kv_cache_free_blocks(const kv_cache_t *kv)
{
    return kv->n_free;
}

/* An empty sequence of at most max_pos positions; its table from the arena (ERR_NOMEM, ERR_INVALID for 0). */
err_code_t kv_seq_init(kv_seq_t *s, uint32_t max_pos, arena_t *arena, err_t *err);

/* Positions the sequence's blocks hold room for. */
static inline uint32_t kv_seq_room(const kv_seq_t *s)
{
    return s->n_blocks * KV_BLOCK_POS;
}

/*
 * Makes s hold blocks for positions 0 .. n_pos - 1, taking free blocks as
 * needed (blocks it holds are kept). ERR_RANGE when n_pos exceeds the
 * sequence's maximum, ERR_NOMEM when the pool has too few free blocks (the
 * sequence is then unchanged); both messages give the counts.
 */
err_code_t kv_seq_reserve(kv_cache_t *kv, kv_seq_t *s, uint32_t n_pos, err_t *err);

/*
 * Keeps the blocks of positions 0 .. n_pos - 1 and returns the rest to the
 * pool (a shared block goes back when its last holder lets it go). If the
 * block holding position n_pos is shared, it is let go too, since its free
 * slots may not be written: returns the positions still held, n_pos or the
 * start of that block.
 */
uint32_t kv_seq_truncate(kv_cache_t *kv, kv_seq_t *s, uint32_t n_pos);

/*
 * The empty sequence dst takes src's blocks of its first n_pos positions,
 * whole blocks only (floor(n_pos / KV_BLOCK_POS) of them), shared: their
 * keys and values are read by both, written by neither. Returns the
 * positions shared (a multiple of KV_BLOCK_POS, maybe 0).
 */
uint32_t kv_seq_share(kv_cache_t *kv, kv_seq_t *dst, const kv_seq_t *src, uint32_t n_pos);

/* Stores one position's keys and values (row_elems floats each), converted to the cache type; pos < kv_seq_room. */
void kv_cache_store(kv_cache_t *kv, const kv_seq_t *s, uint32_t layer, uint32_t pos, const float *k, const float *v);

/*
 * KV head kv_head of s's layer over positions t0 .. n - 1 (t0 < n), scores
 * scaled by scale.
 */
static inline kern_kv_head_t kv_cache_head(const kv_cache_t *kv, const kv_seq_t *s, uint32_t layer, uint32_t kv_head,
                                           uint32_t t0, uint32_t n, float scale)
{
    size_t el = (size_t)kv_head * kv->head_dim, lk = (size_t)layer * kv->n_blocks * kv->k.block_stride,
           lv = (size_t)layer * kv->n_blocks * kv->v.block_stride;
    const quant_format_t *fk = kv->k.format, *fv = kv->v.format;
    return (kern_kv_head_t){
        .k = { fk, kv->k.data + lk + el / fk->block_elems * fk->block_bytes, kv->k.block_stride, kv->k.row_bytes },
        .v = { fv, kv->v.data + lv + el / fv->block_elems * fv->block_bytes, kv->v.block_stride, kv->v.row_bytes },
        .blocks = s->blocks, .t0 = t0, .n = n, .head_dim = kv->head_dim, .scale = scale };
}

/*
 * The attention kernel that reads this cache in ops: the format's slot
 * (attend or attend_fast, as kv->attn says) when keys and values have one
 * type, else the scalar kernel, which takes any pair.
 */
static inline kern_attend_fn kv_cache_attend_fn(const kv_cache_t *kv, const kern_table_t *ops)
{
    bool fast = kv->attn == KERN_ATTN_FAST;
    if (kv->k.format != kv->v.format)
        return fast ? vec_attend_fast_scalar : vec_attend_scalar;
    const kern_format_t *f = &ops->formats[kv->k.format->type];
    return fast ? f->attend_fast : f->attend;
}

/* The grouped-query kernel for this cache in ops (fast attention, one type, a slot for it), or NULL. */
static inline kern_attend_group_fn kv_cache_attend_group_fn(const kv_cache_t *kv, const kern_table_t *ops)
{
    if (kv->attn != KERN_ATTN_FAST || kv->k.format != kv->v.format)
        return NULL;
    return ops->formats[kv->k.format->type].attend_fast_group;
}

#endif
