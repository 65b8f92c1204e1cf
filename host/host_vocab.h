/*
 * A GGUF file's tokenizer alone, for the host tools that only tokenize
 * (llm-tokenize, bench-tokenizer): the file read and parsed, tok_load run,
 * no model. A vocabulary-only GGUF (no tensors) is enough. Hosted only.
 */
#ifndef HOST_HOST_VOCAB_H
#define HOST_HOST_VOCAB_H

#include <stddef.h>

#include "host/host_file.h"
#include "llm/tokenizer/tokenizer.h"

typedef struct host_vocab {
    host_gguf_t gguf; /* the blob the vocabulary points into, and the arena its tables live in */
    tok_vocab_t vocab;
} host_vocab_t;

/*
 * Reads path and loads its tokenizer; on failure prints "tool: path: reason"
 * to stderr, frees everything and returns -1.
 */
int host_vocab_open(host_vocab_t *h, const char *tool, const char *path);
void host_vocab_close(host_vocab_t *h);

/*
 * One line (no newline) describing the loaded vocabulary into buf: the file's
 * tokenizer.ggml.model and tokenizer.ggml.pre names (escaped; "-" when
 * absent), the split the engine uses for it, the token, merge and special
 * counts, BOS/EOS and whether they are added, and the arena bytes the
 * tokenizer's tables took. Returns buf.
 */
const char *host_vocab_describe(const host_vocab_t *h, char *buf, size_t size);

/* The file's tokenizer.ggml.model and the engine's split for it, escaped into buf (e.g. "gpt2/smollm"). */
const char *host_vocab_kind(const host_vocab_t *h, char *buf, size_t size);

#endif
