/*
 * Tokenizers read from the GGUF file itself: SentencePiece ("llama":
 * score-driven merges, U+2581 for spaces, <0xNN> byte fallback), GPT-2
 * byte-level BPE ("gpt2": pre-tokenizer splits, rank-driven merges), the
 * SentencePiece-style BPE of Gemma 4 ("gemma4": spaces as U+2581, merges
 * over raw UTF-8, <0xNN> byte fallback), BERT's WordPiece ("bert":
 * lowercasing, accent stripping, greedy longest match) and the Unigram
 * model of T5-style vocabularies ("t5": sentencepiece's precompiled
 * normalizer, best-scoring segmentation), with special
 * tokens, decoding to bytes and a streaming decoder that only emits
 * complete UTF-8. Behaviour follows llama.cpp's tokenizer, token for token.
 *
 * Memory: the vocabulary's tables come from the arena given to tok_load and
 * point into the GGUF blob, which must outlive it; encoding takes temporary
 * space from a scratch arena and gives it back before returning. The
 * vocabulary is read-only after loading, so contexts and threads may share it.
 */
#ifndef LLM_TOKENIZER_TOKENIZER_H
#define LLM_TOKENIZER_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/support/err.h"
#include "llm/support/str_view.h"
#include "llm/gguf/gguf.h"
#include "llm/tokenizer/pretokenize.h"
#include "llm/support/str_index.h"
#include "llm/support/arena.h"

typedef enum tok_kind {
    TOK_SPM, /* tokenizer.ggml.model "llama" */
    TOK_BPE, /* tokenizer.ggml.model "gpt2", "gemma4" (escape_spaces set) and "whitespace" */
    TOK_WPM, /* tokenizer.ggml.model "bert" */
    TOK_UGM, /* tokenizer.ggml.model "t5" */
} tok_kind_t;

/* tokenizer.ggml.token_type values. */
typedef enum tok_type {
    TOK_TYPE_UNDEFINED = 0,
    TOK_TYPE_NORMAL = 1,
    TOK_TYPE_UNKNOWN = 2,
    TOK_TYPE_CONTROL = 3,
    TOK_TYPE_USER_DEFINED = 4,
    TOK_TYPE_UNUSED = 5,
    TOK_TYPE_BYTE = 6,
} tok_type_t;

#define TOK_NONE (-1) /* an absent special token id */
#define TOK_MAX_EOG 16 /* end-of-generation tokens kept (llama.cpp's lists name 22 texts, a vocabulary has few) */

typedef struct tok_vocab {
    tok_kind_t kind;
    pretok_kind_t pre;        /* BPE only */
    bool ignore_merges;       /* BPE: a word that is a whole token is that token (llama3's names, glm4) */
    bool escape_spaces;       /* BPE: spaces become U+2581 and pieces keep it (gemma4) */
    bool raw_utf8;            /* BPE: words stay raw UTF-8, no GPT-2 byte map, <0xNN> fallback (gemma4, whitespace) */
    bool whitespace_words;    /* BPE: model "whitespace": whitespace drops out, each run between is tokenized alone */
    bool whole_newlines;      /* BPE: a word of newlines that is a token is that token (Gemma 4) */
    bool clean_spaces;        /* tok_decode removes spaces before . , ! ? and in contractions (llama.cpp's
                                 clean_up_tokenization_spaces: on for WordPiece and most BPE names) */
    bool lowercase;           /* WPM: tokenizer.ggml.normalizer.lowercase (default true) */
    bool strip_accents;       /* WPM: NFD's first codepoint, marks dropped (default: lowercase) */
    uint32_t max_token_len;   /* longest token text, bytes */
    uint32_t max_user_len;    /* longest user-defined token text, bytes (UGM keeps them whole) */
    bool remove_extra_spaces; /* UGM: tokenizer.ggml.remove_extra_whitespaces */
    float ugm_unk_score;      /* UGM: the unknown token's score (lowest normal score - 10) */
    const uint8_t *xcda;      /* UGM: the charsmap's double array (n_xcda little-endian u32), in the blob */
    uint32_t n_xcda;
    const char *replacements; /* UGM: its NUL-terminated replacement texts, n_replacement_bytes */
    uint32_t n_replacement_bytes;
    uint32_t n_tokens;
    str_view_t *text;         /* each token's text, in the blob */
    const uint8_t *scores;    /* SPM: tokenizer.ggml.scores (float32 LE in the blob), or NULL */
    uint8_t *types;           /* tok_type_t per token */
    str_index_t by_text;      /* token text -> id (the last id wins on duplicates, as llama.cpp) */
    str_view_t *merges;       /* BPE: "left right", rank = index */
    uint32_t n_merges;
    str_index_t merge_rank;   /* BPE: merge text -> rank (the first wins) */
    int32_t byte_token[256];  /* SPM: the <0xNN> tokens, TOK_NONE where missing */
    uint32_t *specials;       /* control, user-defined and unknown tokens, longest text first */
    uint32_t n_specials;
    int32_t bos, eos, eot, unk, pad; /* TOK_NONE if the file has none (eot: nor a token llama.cpp finds by text) */
    int32_t sep;                     /* WPM's [SEP] (tokenizer.ggml.seperator_token_id), or TOK_NONE */
    int32_t eog[TOK_MAX_EOG];        /* the tokens that end a generation (tok_is_eog) */
    uint32_t n_eog;
    bool add_bos, add_eos, add_space_prefix;
    str_view_t chat_template; /* tokenizer.chat_template, or empty */
    size_t arena_bytes;       /* arena the tables took */
} tok_vocab_t;

/*
 * Reads the vocabulary from GGUF metadata, with llama.cpp's defaults for
 * each model and pre-tokenizer name (a "gpt2" file without
 * tokenizer.ggml.pre gets llama.cpp's "default" split). Errors:
 * ERR_UNSUPPORTED for a tokenizer.ggml.model other than "llama", "gpt2",
 * "gemma4", "bert" and "t5", or a tokenizer.ggml.pre name whose split we do not
 * implement; ERR_NOT_FOUND for a missing tokens array (or merges for
 * gpt2 and gemma4); ERR_FORMAT for arrays of the wrong type or length, a special token id
 * out of range, or add_bos/add_eos without the token; ERR_NOMEM. The arena is
 * returned to where it was on failure.
 */
err_code_t tok_load(tok_vocab_t *v, const gguf_file_t *file, arena_t *arena, err_t *err);

/* llama.cpp's short name of the tokenizer type: "SPM", "BPE", "WPM", "UGM"; never NULL. */
const char *tok_kind_name(tok_kind_t kind);

/*
 * llama.cpp's rules by token text (tok_eog.c), applied by tok_load: the
 * end-of-turn token when the file names none, control-looking tokens made
 * control tokens (Gemma's "</s>"), the end-of-generation set.
 */
void tok_classify_by_text(tok_vocab_t *v);

/* Whether id ends a generation, as llama_vocab_is_eog: eos, eot, eom, end-of-turn texts. */
bool tok_is_eog(const tok_vocab_t *v, int32_t id);

typedef struct tok_encode_opts {
    bool add_special;   /* add BOS/EOS where the vocabulary asks for them (WordPiece: always [CLS] ... [SEP]) */
    bool parse_special; /* recognise control tokens written in the text (user-defined ones always are) */
} tok_encode_opts_t;

/*
 * Tokenizes text[0 .. len) (any bytes: invalid UTF-8 is tokenized as
 * llama.cpp does, via U+FFFD for BPE and WordPiece and byte tokens for SPM;
 * NUL bytes are ordinary bytes, WordPiece drops them with control
 * characters). A WordPiece word no tokens spell is the unknown token (none
 * if the vocabulary has none, where llama.cpp would emit -1). A byte-level BPE vocabulary without a token for some
 * byte drops that byte, as llama.cpp does (SmolLM2 has none for 0x04 0x06
 * 0x13 0x14 0x16 0x1D 0xC0 0xC1 0xF1 0xF2 0xF5-0xFF, so text in
 * U+40000-U+BFFFF loses its lead byte): the ids stay llama.cpp's, and
 * decoding them does not give the text back there. Writes at most max ids to out and always sets *n_out to
 * the full count; ERR_RANGE (naming the count needed) when it exceeds max.
 * Temporary memory comes from scratch (ERR_NOMEM if too small) and is
 * released before returning.
 */
err_code_t tok_encode(const tok_vocab_t *v, const char *text, size_t len, const tok_encode_opts_t *opts,
                      int32_t *out, size_t max, size_t *n_out, arena_t *scratch, err_t *err);

/*
 * The bytes of one token, as llama.cpp's token_to_piece (SPM, WordPiece and
 * Gemma 4: U+2581 as space; byte tokens <0xNN> as the byte; BPE: the
 * byte-level text undone). Control and unknown tokens give nothing unless
 * render_special; unused and undefined ones nothing at all.
 * Writes at most size bytes, sets *n_out to the full length; ERR_RANGE if it
 * did not fit, ERR_INVALID for an id out of range.
 */
err_code_t tok_piece(const tok_vocab_t *v, int32_t id, bool render_special, char *buf, size_t size,
                     size_t *n_out, err_t *err);

/*
 * Decodes ids into text as llama.cpp's detokenizer does (remove_special
 * off): pieces concatenated, the space SentencePiece puts before the first
 * word removed, then clean_spaces' passes when the vocabulary asks for them
 * (" ." -> ".", " ' " -> "'", " 's" -> "'s", ...). Same buffer rules as
 * tok_piece, except that when the text does not fit, *n_out is its length
 * before the spaces are cleaned (an upper bound, as llama.cpp reports).
 */
err_code_t tok_decode(const tok_vocab_t *v, const int32_t *ids, size_t n, bool render_special, char *buf,
                      size_t size, size_t *n_out, err_t *err);

/*
 * Streaming decoder: feed tokens one at a time, get back only complete UTF-8
 * sequences; a character split across tokens is held until it is complete,
 * and bytes that can never form one are passed on as they are.
 */
#define TOK_STREAM_PIECE_MAX 512 /* longest token text the streaming decoder takes */

typedef struct tok_stream {
    uint8_t held[4];
    size_t n_held;
    bool at_start; /* strip SentencePiece's leading space from the first piece */
} tok_stream_t;

void tok_stream_init(tok_stream_t *s);

/* Appends id's complete text to buf (size bytes); *n_out = bytes written. ERR_RANGE if buf is too small. */
err_code_t tok_stream_push(const tok_vocab_t *v, tok_stream_t *s, int32_t id, char *buf, size_t size,
                           size_t *n_out, err_t *err);

/* Emits whatever is still held (an incomplete sequence at the end of the output). */
size_t tok_stream_flush(tok_stream_t *s, char *buf, size_t size);

#endif
