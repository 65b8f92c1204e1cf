/*
 * What the encoder's files share (internal to llm/tokenizer/): the list of
 * ids the encoder fills (the caller's array, written up to its size while
 * the count goes on, so a caller learns how many ids a text needs), and the
 * entry points of the WordPiece (tok_wpm.c) and Unigram (tok_ugm.c)
 * tokenizers that tok_encode.c and tok_vocab.c call.
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

/*
 * Unigram (tok_ugm.c), as llama.cpp's llm_tokenizer_ugm_session: text[0 ..
 * len) normalized by the precompiled charsmap (spaces as U+2581, a prefix
 * space, extra spaces merged as the vocabulary says), then the
 * segmentation whose scores sum highest, runs of unknown characters as one
 * unknown token. Scratch memory as tok_wpm_piece.
 */
err_code_t tok_ugm_piece(const tok_vocab_t *v, const char *text, uint32_t len, tok_output_t *o, arena_t *arena,
                         err_t *err);

/*
 * The Unigram tables of a "t5" vocabulary (tok_ugm.c): the charsmap
 * (tokenizer.ggml.precompiled_charsmap, optional; ERR_FORMAT if its header
 * does not fit it), the unknown token's score, the longest user-defined
 * token. Views into the file, nothing allocated.
 */
err_code_t tok_ugm_load(tok_vocab_t *v, const gguf_file_t *f, err_t *err);

#endif
