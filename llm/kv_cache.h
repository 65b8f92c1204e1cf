/*
 * The key/value cache, paged: one fixed pool of blocks carved from the
 * arena once, each block holding KV_BLOCK_POS positions of every layer's
 * keys and values. A sequence (kv_seq_t) owns a table of the blocks that
 * hold its positions, in order; blocks are handed out as sequences grow and
 * returned when they shrink or end, so short and long sequences share one
 * pool without fragmentation. Full blocks of a common prompt prefix can be
 * shared by several sequences (read-only: a shared block is never written,
 * see kv_seq_truncate). F16 by default (as llama.cpp), F32 as an option.
 *
 * Sizing the pool: a sequence of P positions holds ceil(P / KV_BLOCK_POS)
 * blocks, so S sequences of up to P positions each need at most
 * S * ceil(P / KV_BLOCK_POS) blocks (less when they share a prefix or are
 * short); each block takes kv_cache_block_bytes() of the arena (SmolLM2-135M,
 * F16: 30 layers x 2 x 3 x 64 x 2 bytes x 16 = 360 KiB per block, 22.5 KiB
 * per position).
 */
#ifndef LLM_KV_CACHE_H
#define LLM_KV_CACHE_H

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

typedef struct kv_cache {
    const quant_format_t *format; /* F16 or F32 */
    kern_attn_t attn;             /* how the forward pass reads it: KERN_ATTN_EXACT after init (kernels.h) */
    uint32_t n_layer, n_blocks;
    uint32_t row_elems;           /* n_head_kv * head_dim: one position's keys (or values) */
    size_t row_bytes;
    size_t block_stride;          /* KV_BLOCK_POS * row_bytes: one block of one layer */
    uint8_t *k, *v;               /* [n_layer][n_blocks][KV_BLOCK_POS][row_bytes] each */
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

/* Arena bytes of one block (keys and values of all layers); 0 if that overflows. */
size_t kv_cache_block_bytes(const model_hparams_t *hp, quant_type_t type);

/* Arena bytes of a pool that holds n_pos positions (rounded up to whole blocks), tables included; 0 on overflow. */
size_t kv_cache_bytes(const model_hparams_t *hp, uint32_t n_pos, quant_type_t type);

/*
 * Allocates a pool of kv_blocks_for(n_pos) blocks, all free. ERR_INVALID for
 * a type other than F16/F32 or n_pos 0; ERR_NOMEM (naming the bytes needed)
 * when the arena is too small.
 */
err_code_t kv_cache_init(kv_cache_t *kv, const model_hparams_t *hp, uint32_t n_pos, quant_type_t type, arena_t *arena,
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
 * The KV head of s's layer that starts head_off bytes into a position's row,
 * over positions t0 .. n - 1 (t0 < n), scores scaled by scale.
 */
static inline kern_kv_head_t kv_cache_head(const kv_cache_t *kv, const kv_seq_t *s, uint32_t layer, size_t head_off,
                                           uint32_t t0, uint32_t n, uint32_t head_dim, float scale)
{
    size_t layer_off = (size_t)layer * kv->n_blocks * kv->block_stride + head_off;
    return (kern_kv_head_t){ .format = kv->format, .k = kv->k + layer_off, .v = kv->v + layer_off,
                             .blocks = s->blocks, .block_stride = kv->block_stride, .stride = kv->row_bytes,
                             .t0 = t0, .n = n, .head_dim = head_dim, .scale = scale };
}

#endif
