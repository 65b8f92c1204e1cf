/*
 * A GGUF file's tokenizer alone, for the host tools that only tokenize
 * (llm-tokenize, bench-tokenizer): the file read and parsed, tok_load run,
 * no model. A vocabulary-only GGUF (no tensors) is enough. Hosted only.
 */
#ifndef HOST_HOST_VOCAB_H
#define HOST_HOST_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/host_file.h"
#include "llm/tokenizer/tokenizer.h"

typedef struct host_vocab {
    const uint8_t *blob; /* the file's bytes, which the vocabulary points into */
    size_t len;
    bool mapped;         /* blob is a read-only mapping (else malloc'd) */
    arena_t arena;       /* the parser's and the tokenizer's tables */
    gguf_file_t file;
    tok_vocab_t vocab;
} host_vocab_t;

/*
 * Maps path (reads it when it cannot be mapped, e.g. a pipe) and loads its
 * tokenizer: a model's tensor data is never read. On failure fills err (the
 * system's reason for a file that cannot be read, else the parser's or
 * tok_load's, the path not included), frees everything and returns its code.
 */
err_code_t host_vocab_open(host_vocab_t *h, const char *path, err_t *err);
void host_vocab_close(host_vocab_t *h);

/*
 * One line (no newline) describing a loaded vocabulary into buf: the file's
 * tokenizer.ggml.model (and llama.cpp's type for it: SPM, BPE, WPM, UGM) and
 * tokenizer.ggml.pre names (escaped; "-" when absent), the split the engine
 * uses for it, the token, merge and special counts (and how many of the
 * special tokens are user-defined: matched in text even without
 * parse_special), BOS/EOS (and WordPiece's SEP) and whether they are added,
 * and the arena bytes the tokenizer's tables took (and the GGUF index,
 * apart). Returns buf.
 */
const char *host_vocab_describe(const gguf_file_t *file, const tok_vocab_t *v, char *buf, size_t size);

/* The file's tokenizer.ggml.model and tokenizer.ggml.pre, escaped into buf ("-" when absent). */
const char *host_vocab_model(const gguf_file_t *file, char *buf, size_t size);
const char *host_vocab_pre(const gguf_file_t *file, char *buf, size_t size);

/* The pre-tokenizer split the engine runs for v ("gpt2", "llama3", ..., "wordpiece"; "-" when it runs none). */
const char *host_vocab_split(const tok_vocab_t *v);

#endif
