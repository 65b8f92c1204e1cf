/*
 * The LLaMA forward pass: token ids in, logits out, reading the weights in
 * place and appending each position's keys and values to the KV cache. A
 * batch of tokens goes through each layer together: a prompt's tokens
 * (prefill), one token of each of several sequences (continuous batching),
 * or both; one token at a time is the same call with n = 1. Numerics follow
 * llama.cpp's CPU path.
 * Sampling, tokenization and the context's bookkeeping live elsewhere.
 */
#ifndef LLM_TRANSFORMER_H
#define LLM_TRANSFORMER_H

#include <stdbool.h>
#include <stdint.h>

#include "llm/support/err.h"
#include "llm/kv_cache.h"
#include "llm/model.h"
#include "llm/support/arena.h"

/*
 * One forward pass over a batch: token i is tokens[i] at position pos[i] of
 * the sequence seqs[i] (several sequences may share a batch, each token
 * attends over its own sequence only). Every token's position must lie in
 * its sequence's blocks (kv_seq_reserve), and positions before it must be
 * in the cache already or in the same batch. Logits (n_vocab floats each)
 * are written for the tokens out[0 .. n_out), in that order.
 */
typedef struct tf_batch {
    uint32_t n;
    const int32_t *tokens;
    const uint32_t *pos;
    const kv_seq_t *const *seqs;
    const uint32_t *out;
    uint32_t n_out;
} tf_batch_t;

/*
 * Runs the batch, storing each token's keys and values in the cache.
 * Temporary memory comes from scratch and is released before returning.
 * Errors: ERR_INVALID for a token id or out index out of range or n == 0,
 * ERR_RANGE for a position outside its sequence's blocks, ERR_NOMEM when
 * scratch is too small. Each token's result depends on its own sequence
 * only: the same bits in any batch and at any worker count.
 */
err_code_t transformer_forward_batch(const model_t *m, kv_cache_t *kv, const tf_batch_t *batch, float *logits,
                                     arena_t *scratch, err_t *err);

/*
 * One sequence: tokens[0 .. n) at positions pos .. pos+n-1 of seq (positions
 * before pos must already be in the cache), blocks reserved as needed.
 * Writes the logits of the last token, or of every token (n rows) when
 * all_logits. Errors as above, and kv_seq_reserve's.
 */
err_code_t transformer_forward(const model_t *m, kv_cache_t *kv, kv_seq_t *seq, const int32_t *tokens, uint32_t n,
                               uint32_t pos, bool all_logits, float *logits, arena_t *scratch, err_t *err);

/*
 * The most query heads one attention call takes (they share a KV head, at
 * most KERN_ATTEND_GROUP_MAX): each worker's attention scratch holds this
 * many heads' scores and work areas.
 */
static inline uint32_t transformer_heads_per_call(const model_hparams_t *hp)
{
    uint32_t group = hp->n_head / hp->n_head_kv;
    return group < KERN_ATTEND_GROUP_MAX ? group : KERN_ATTEND_GROUP_MAX;
}

#endif
