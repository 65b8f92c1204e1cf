/*
 * The LLaMA forward pass: token ids in, logits out, reading the weights in
 * place and appending each position's keys and values to the KV cache. A
 * batch of tokens goes through each layer together (prefill); one token at a
 * time is the same call with n = 1. Numerics follow llama.cpp's CPU path.
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
 * Runs tokens[0 .. n) at positions pos .. pos+n-1 (positions before pos must
 * already be in the cache). Writes n_vocab logits for the last token, or for
 * every token (n rows) when all_logits. Temporary memory comes from scratch
 * and is released before returning. Errors: ERR_INVALID for a token id out of
 * range or n == 0, ERR_RANGE when pos + n exceeds the cache, ERR_NOMEM when
 * scratch is too small; the cache is unchanged for positions >= pos only on
 * success.
 */
err_code_t transformer_forward(const model_t *m, kv_cache_t *kv, const int32_t *tokens, uint32_t n, uint32_t pos,
                               bool all_logits, float *logits, arena_t *scratch, err_t *err);

#endif
