/*
 * The merge loop both tokenizers share: a word cut into symbols (one UTF-8
 * character each, as byte ranges of the word), adjacent pairs merged in
 * priority order until no pair may merge. SentencePiece ranks a pair by the
 * merged token's score, BPE by the merge's rank; ties go to the leftmost
 * pair, as in llama.cpp. Internal to the tokenizer.
 */
#ifndef LLM_TOKENIZER_TOK_MERGE_H
#define LLM_TOKENIZER_TOK_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/support/err.h"
#include "llm/support/arena.h"

typedef struct tok_symbol {
    int32_t prev, next; /* neighbours in the chain, -1 at the ends */
    uint32_t start;     /* byte offset in the word */
    uint32_t len;       /* bytes; 0 once merged into its left neighbour */
} tok_symbol_t;

/*
 * Whether left (bytes [start, mid)) and right ([mid, end)) of the word may
 * merge, and with what priority (lower first).
 */
typedef bool (*tok_pair_fn)(const void *ctx, const char *word, uint32_t start, uint32_t mid, uint32_t end,
                            double *priority);

/*
 * Cuts word[0 .. len) into characters and merges them. On success *symbols
 * holds the chain (walk from index 0 by next; skip len 0) in memory from the
 * arena. ERR_NOMEM if the arena is too small.
 */
err_code_t tok_merge_word(const char *word, uint32_t len, tok_pair_fn pair, const void *ctx, arena_t *arena,
                          tok_symbol_t **symbols, err_t *err);

#endif
