/*
 * The list of ids the encoder fills (internal to llm/tokenizer/): the
 * caller's array, written up to its size while the count goes on, so a
 * caller learns how many ids a text needs. Shared by tok_encode.c and the
 * WordPiece tokenizer (tok_wpm.c).
 */
#ifndef LLM_TOKENIZER_TOK_OUTPUT_H
#define LLM_TOKENIZER_TOK_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "llm/support/arena.h"
#include "llm/support/err.h"
#include "llm/tokenizer/tokenizer.h"

typedef struct tok_output {
    int32_t *ids;
    size_t max;
    size_t n; /* ids produced, written or not */
} tok_output_t;

static inline void tok_output_push(tok_output_t *o, int32_t id)
{
    if (o->n < o->max)
        o->ids[o->n] = id;
    o->n++;
}

/*
 * WordPiece (tok_wpm.c): text[0 .. len) split into words and each word
 * into the longest tokens from its start, as llama.cpp's
 * llm_tokenizer_wpm_session. Scratch memory from arena (the caller
 * releases it); ERR_NOMEM if it is too small.
 */
err_code_t tok_wpm_piece(const tok_vocab_t *v, const char *text, uint32_t len, tok_output_t *o, arena_t *arena,
                         err_t *err);

#endif
