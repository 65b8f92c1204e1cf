/*
 * The engine's public API: load a model from a GGUF blob, make contexts
 * (one per conversation: KV cache and working memory), generate text with a
 * per-token callback. The kernel's `llm` command and the host's llm-run are
 * thin adapters over this. The model is read-only once loaded and may be
 * shared by several contexts (and threads, each with its own context and
 * arena); the weights stay in the blob.
 *
 * Memory: llm_model_load takes its tables from the arena it is given;
 * llm_ctx_init takes the KV cache from its arena and uses the rest of that
 * arena as working memory for each generation, which is released when the
 * generation returns. Nothing else is allocated.
 */
#ifndef LLM_LLM_H
#define LLM_LLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/support/err.h"
#include "llm/chat.h"
#include "llm/kernels/kernels.h"
#include "llm/kv_cache.h"
#include "llm/model.h"
#include "llm/sampler.h"
#include "llm/tokenizer/tokenizer.h"
#include "llm/support/arena.h"

/*
 * Start-up: call once, before any other engine call, from one thread.
 * Selects the engine's kernels (llm/kernels/kernels.h) for what the CPU
 * offers (cpu NULL: the scalar reference), at most max_level (KERN_I8MM:
 * no cap); returns the level selected. The SIMD levels assume FPCR as at
 * reset (round to nearest, no flush-to-zero, no default NaN; see
 * llm/PORTING.md). Without this call the scalar kernels run.
 */
kern_level_t llm_init(const kern_cpu_t *cpu, kern_level_t max_level);

/* The selected level's name: "scalar", "neon", "dotprod" or "i8mm". */
const char *llm_kernels_name(void);

typedef struct llm_model {
    gguf_file_t file;
    model_t model;
    tok_vocab_t vocab;
    bool has_chat;          /* the file's chat template is one we recognise */
    chat_format_t chat;
    int32_t end_of_turn;    /* the token ending an assistant turn, or TOK_NONE */
    err_t chat_error;       /* why has_chat is false */
} llm_model_t;

/*
 * Parses blob[0 .. size) (which must outlive the model) and loads the model,
 * its tokenizer and its chat template (an unknown template is not an error
 * here: has_chat is false and chat_error says why). Errors from the parser,
 * model or tokenizer (their messages name what is wrong); the arena is
 * returned to where it was on failure.
 */
err_code_t llm_model_load(llm_model_t *m, const void *blob, size_t size, arena_t *arena, err_t *err);

#define LLM_DEFAULT_N_CTX 2048
#define LLM_DEFAULT_N_BATCH 32

typedef struct llm_ctx_params {
    uint32_t n_ctx;       /* positions; 0: LLM_DEFAULT_N_CTX (at most the model's), smaller if the arena is */
    quant_type_t kv_type; /* QUANT_F16 (default) or QUANT_F32 */
    uint32_t n_batch;     /* prompt tokens per forward pass (default LLM_DEFAULT_N_BATCH) */
} llm_ctx_params_t;

void llm_ctx_params_default(llm_ctx_params_t *p);

typedef struct llm_ctx {
    const llm_model_t *model;
    arena_t *arena;
    kv_cache_t kv;
    int32_t *tokens;   /* the n_past tokens whose keys and values are in the cache */
    uint32_t n_past;
    uint32_t n_batch;
    arena_mark_t work; /* the arena above this mark is one generation's working memory */
} llm_ctx_t;

/*
 * Makes a context. ERR_NOMEM when the arena cannot hold the cache for the
 * requested n_ctx and the working memory (the message gives the bytes
 * needed); with n_ctx 0 the context shrinks to what fits instead.
 */
err_code_t llm_ctx_init(llm_ctx_t *ctx, const llm_model_t *m, const llm_ctx_params_t *p, arena_t *arena,
                        err_t *err);

/* Forgets the cached tokens (the next generation starts from an empty cache). */
void llm_ctx_reset(llm_ctx_t *ctx);

typedef enum llm_stop {
    LLM_STOP_EOS,          /* the model ended its text (EOS/EOT or the end-of-turn token) */
    LLM_STOP_MAX_TOKENS,   /* max_tokens were generated */
    LLM_STOP_CONTEXT_FULL, /* no position left in the context */
    LLM_STOP_CANCELLED,    /* the callback asked to stop */
} llm_stop_t;

const char *llm_stop_name(llm_stop_t s); /* "eos", "max tokens", "context full", "cancelled" */

/* Receives each piece of text as it is produced (complete UTF-8 only); return false to cancel. */
typedef bool (*llm_on_text_fn)(void *user, const char *text, size_t len);

typedef struct llm_gen_config {
    uint32_t max_tokens;     /* tokens to generate at most */
    sampler_config_t sampling;
    bool parse_special;      /* recognise special tokens written in the prompt (chat markup) */
    int32_t stop_token;      /* an extra token that ends the text (a chat's end of turn), or TOK_NONE */
    char *text;              /* optional: the generated text is also copied here (NUL-terminated) */
    size_t text_cap;
} llm_gen_config_t;

void llm_gen_config_default(llm_gen_config_t *c);

typedef struct llm_result {
    size_t text_len;         /* bytes generated (even those that did not fit text_cap) */
    uint32_t n_prompt;       /* prompt tokens */
    uint32_t n_reused;       /* of those, found in the cache from the previous generation */
    uint32_t n_generated;
    llm_stop_t stop;
    uint64_t prefill_us, decode_us;
    size_t arena_high_water; /* the context arena's high-water mark, bytes */
} llm_result_t;

/*
 * Tokenizes prompt, runs it (reusing the cached keys and values of a common
 * prefix with the previous generation) and generates up to max_tokens,
 * calling on_text (may be NULL) with each piece of text. Errors, before any
 * work: ERR_INVALID (empty prompt, bad sampling settings), ERR_RANGE (a
 * prompt longer than the context: both lengths in the message), ERR_NOMEM
 * (working memory). The working memory is released on return.
 */
err_code_t llm_generate(llm_ctx_t *ctx, const char *prompt, size_t len, const llm_gen_config_t *cfg,
                        llm_on_text_fn on_text, void *user, llm_result_t *res, err_t *err);

/*
 * A chat turn: formats the conversation with the model's template (ending
 * with the prompt for the assistant's reply), then generates as
 * llm_generate does, with special tokens parsed and the template's
 * end-of-turn token as a stop. ERR_UNSUPPORTED when the model has no chat
 * template we know (the message says why); ERR_INVALID for a bad role.
 */
err_code_t llm_chat(llm_ctx_t *ctx, const chat_message_t *msgs, size_t n, const llm_gen_config_t *cfg,
                    llm_on_text_fn on_text, void *user, llm_result_t *res, err_t *err);

#endif
