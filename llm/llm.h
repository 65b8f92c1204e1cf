/*
 * The engine's public API, in two layers as llama.h has them. The low one:
 * start-up, peek at a model blob, load a model, make a context, tokenize,
 * decode a batch of tokens at positions, read the logits, turn tokens back
 * into text. The high one on top of it: generate and chat with a per-piece
 * text callback; and beside it, many requests at once over one model
 * (continuous batching, llm/llm_sched.h). The kernel's `llm` command and the host's llm-run are thin
 * adapters over this; llm/PORTING.md says how to link it.
 *
 * The model is read-only once loaded and may be shared by several contexts
 * (and threads, each with its own context and arena); the weights stay in
 * the blob (zero-copy). The structs below are the caller's to allocate, but
 * their fields are the engine's: read them through the functions here
 * (llm_model_describe, llm_ctx_n_ctx, ...), not directly.
 *
 * Memory: llm_model_load takes its tables from the arena it is given;
 * llm_ctx_init takes the KV cache and the logits row from its arena and uses
 * the rest of that arena as working memory for each call, released when the
 * call returns. Nothing else is allocated. Errors: every fallible call
 * returns an err_code_t and fills the caller's err_t with a message naming
 * what was wrong (text from the file escaped); nothing prints.
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

/*
 * Optional, after llm_init, before any generation, from one thread: times
 * each level's twin of the matrix kernels that give the same bits at every
 * level (block-format tiles and dots) on this CPU and keeps the fastest, as
 * Linux picks its RAID6 routines at boot (llm/kernels/kernels.h, kern_tune).
 * Results never change, only speed. Needs platform_now_us and
 * KERN_TUNE_SCRATCH_BYTES free in scratch (released on return; ERR_NOMEM
 * otherwise, nothing changed). report may be NULL.
 */
err_code_t llm_tune(arena_t *scratch, kern_tune_report_t *report, err_t *err);

/*
 * One pick of a tune report as a line, e.g. "Q4_0 tile: scalar 9120 ns,
 * neon 2110 ns, dotprod 2702 ns, i8mm 2890 ns: neon (was i8mm)"; snprintf
 * semantics (returns the full length).
 */
size_t llm_tune_describe(const kern_tune_pick_t *p, char *buf, size_t size);

/* What a model blob is, read from its header alone (cheap: no tensors checked, nothing kept). */
typedef struct llm_blob_info {
    char name[64];          /* general.name ("" if none); bytes outside printable ASCII shown as '?' */
    char arch[32];          /* general.architecture ("?" if none), escaped the same way */
    const char *file_type;  /* "Q4_0", "Q4_K_M", ... or "unknown" (general.file_type) */
    size_t size_bytes;      /* the blob's size */
    uint64_t n_tensors;
} llm_blob_info_t;

/*
 * Parses blob's GGUF header into scratch (released before returning: the
 * arena is where it was) and fills *out. Errors as gguf_parse's (a corrupt
 * or truncated file names what is wrong); *out is filled on success only.
 */
err_code_t llm_model_peek(const void *blob, size_t size, arena_t *scratch, llm_blob_info_t *out, err_t *err);

/* Private: the engine's; allocate it, pass it, read it through llm_model_describe. */
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

/*
 * Chats in the format named name ("chatml", "gemma", "llama3", ...:
 * chat_format_name's names; a whole template text works too) instead of the
 * one the file's template gave. A model without a template uses its family's
 * format (Gemma 3: "gemma"). ERR_UNSUPPORTED / ERR_INVALID as chat_detect,
 * the model's chat unchanged then.
 */
err_code_t llm_model_set_chat(llm_model_t *m, const char *name, err_t *err);

#define LLM_DEFAULT_N_CTX 2048
#define LLM_DEFAULT_N_BATCH 32

typedef struct llm_ctx_params {
    uint32_t n_ctx;       /* positions; 0: LLM_DEFAULT_N_CTX (at most the model's), smaller if the arena is */
    quant_type_t type_k;  /* the KV cache's keys: QUANT_F16 (default), QUANT_F32, QUANT_Q8_0 or QUANT_Q4_0 */
    quant_type_t type_v;  /* its values, the same choice (kv_cache.h: bytes; kernels.h: the arithmetic) */
    bool kv_plain;        /* true: no Hadamard rotation of a quantized cache (default false: rotated, as
                             llama.cpp; kv_cache.h) */
    uint32_t n_batch;     /* prompt tokens per forward pass (default LLM_DEFAULT_N_BATCH) */
    kern_attn_t attn;     /* KERN_ATTN_EXACT (default: llama.cpp's portable arithmetic, the logits the goldens
                             test) or KERN_ATTN_FAST (float sums: faster at depth, not exact; kernels.h and
                             README "Long contexts" give its measured distance) */
} llm_ctx_params_t;

/*
 * Text from a model file or an archive (names, keys, paths) made safe for a
 * console: printable ASCII and valid UTF-8 as they are; control bytes, DEL,
 * C1 controls and bytes outside valid UTF-8 as \xNN; newline, tab, return
 * and backslash as \n \t \r \\; cut to what fits dst's size bytes, with
 * "..." when cut. The engine's own messages and llm_model_describe's names
 * are escaped the same way. Returns dst.
 */
const char *llm_escape(char *dst, size_t size, const char *src, size_t len);

/* A loaded model's shape, as `llm info` shows it. */
typedef struct llm_model_info {
    char name[64], arch[32];    /* as llm_blob_info_t */
    char family[192];           /* what the family's blocks do (model_describe_family) */
    uint32_t head_dim;          /* query/key head size */
    uint32_t n_layer, n_embd, n_head, n_head_kv, n_ff, n_vocab;
    uint32_t n_ctx_train;       /* positions it was trained on */
    const char *file_type;      /* "Q4_1", "Q4_K_M", ... or "unknown" */
    uint64_t n_params;          /* elements of all tensors */
    uint64_t weight_bytes;      /* bytes of all tensor data (in the blob, not copied) */
    const char *chat_template;  /* the recognised template's name ("chatml", ...), or NULL */
    const char *chat_error;     /* why there is none (when chat_template is NULL) */
} llm_model_info_t;

void llm_model_describe(const llm_model_t *m, llm_model_info_t *out);

void llm_ctx_params_default(llm_ctx_params_t *p);

/* Private: the engine's; allocate it, pass it, read it through llm_ctx_n_ctx, llm_ctx_n_past, llm_logits. */
typedef struct llm_ctx {
    const llm_model_t *model;
    arena_t *arena;
    kv_cache_t kv;     /* a pool of n_ctx positions ... */
    kv_seq_t seq;      /* ... all held by the context's one sequence */
    uint32_t n_ctx;
    int32_t *tokens;   /* the n_past tokens whose keys and values are in the cache */
    uint32_t n_past;
    uint32_t n_batch;
    float *logits;     /* n_vocab: the last decoded token's */
    bool has_logits;
    arena_mark_t work; /* the arena above this mark is one call's working memory */
} llm_ctx_t;

/*
 * Makes a context. ERR_NOMEM when the arena cannot hold the cache for the
 * requested n_ctx and the working memory (the message gives the bytes
 * needed); with n_ctx 0 the context shrinks to what fits instead.
 */
err_code_t llm_ctx_init(llm_ctx_t *ctx, const llm_model_t *m, const llm_ctx_params_t *p, arena_t *arena,
                        err_t *err);

/*
 * Switches the attention the context's next calls use (the cached keys and
 * values stay valid: both read the same cache). ERR_INVALID for a value
 * that is neither KERN_ATTN_EXACT nor KERN_ATTN_FAST (the mode is unchanged).
 */
err_code_t llm_ctx_set_attn(llm_ctx_t *ctx, kern_attn_t attn, err_t *err);

/* Forgets the cached tokens (the next generation starts from an empty cache). */
void llm_ctx_reset(llm_ctx_t *ctx);

/* Positions the context holds, and how many of them hold a token now. */
uint32_t llm_ctx_n_ctx(const llm_ctx_t *ctx);
uint32_t llm_ctx_n_past(const llm_ctx_t *ctx);

/* ---------------------------------------------------------------- the low layer */

/*
 * Tokenizes text[0 .. len) (any bytes) with the model's vocabulary: BOS/EOS
 * where the vocabulary asks when add_special, special-token text recognised
 * when parse_special. Writes at most cap ids and sets *n_ids to the full
 * count: ERR_RANGE (with the count needed) when that exceeds cap. Working
 * memory from the context's arena, released on return.
 */
err_code_t llm_tokenize(llm_ctx_t *ctx, const char *text, size_t len, bool add_special, bool parse_special,
                        int32_t *ids, size_t cap, size_t *n_ids, err_t *err);

/*
 * The bytes of token id (control tokens give nothing unless render_special;
 * a multi-byte character may span tokens: concatenate pieces before
 * treating them as UTF-8). At most size bytes; *n_bytes the full length,
 * ERR_RANGE if it did not fit, ERR_INVALID for an id out of range.
 */
err_code_t llm_token_piece(const llm_model_t *m, int32_t id, bool render_special, char *buf, size_t size,
                           size_t *n_bytes, err_t *err);

/* Special tokens: beginning and end of text, end of a chat turn; TOK_NONE (-1) where the model has none. */
int32_t llm_token_bos(const llm_model_t *m);
int32_t llm_token_eos(const llm_model_t *m);
int32_t llm_token_eot(const llm_model_t *m);

/*
 * Runs tokens[0 .. n) at positions pos .. pos + n - 1, in batches of the
 * context's n_batch, keeping their keys and values in the cache: what the
 * cache held from pos on is forgotten, so pos = llm_ctx_n_past continues a
 * sequence and a smaller pos rewinds it. Afterwards llm_logits gives the last
 * token's logits. Errors: ERR_INVALID (n == 0, a token id out of range),
 * ERR_RANGE (pos beyond llm_ctx_n_past, or pos + n beyond the context),
 * ERR_NOMEM (working memory); the cache then holds the positions below pos
 * and any batch completed before the error.
 */
err_code_t llm_decode(llm_ctx_t *ctx, const int32_t *tokens, uint32_t n, uint32_t pos, err_t *err);

/*
 * n_vocab floats: the logits of the last token that llm_decode (or a
 * generation) ran, or NULL before any. Valid until the next call on ctx.
 */
const float *llm_logits(const llm_ctx_t *ctx);

/* ---------------------------------------------------------------- the high layer */

typedef enum llm_stop {
    LLM_STOP_EOS,          /* the model ended its text (EOS/EOT or the end-of-turn token) */
    LLM_STOP_MAX_TOKENS,   /* max_tokens were generated */
    LLM_STOP_CONTEXT_FULL, /* no position left in the context */
    LLM_STOP_CANCELLED,    /* the callback asked to stop (or llm_sched_cancel) */
    LLM_STOP_DEADLINE,     /* the request's deadline passed (scheduler) */
    LLM_STOP_NO_BLOCKS,    /* the KV pool had no block for the next position (scheduler) */
    LLM_STOP_ERROR,        /* the step running it failed (scheduler; llm_sched_step's error says why) */
} llm_stop_t;

/* "eos", "max tokens", "context full", "cancelled", "deadline", "out of blocks", "error" */
const char *llm_stop_name(llm_stop_t s);

/* Receives each piece of text as it is produced (complete UTF-8 only); return false to cancel. */
typedef bool (*llm_on_text_fn)(void *user, const char *text, size_t len);

typedef struct llm_gen_config {
    uint32_t max_tokens;     /* tokens to generate at most */
    sampler_config_t sampling;
    bool parse_special;      /* recognise special tokens written in the prompt (chat markup) */
    int32_t stop_token;      /* an extra token that ends the text (a chat's end of turn), or TOK_NONE */
    bool ignore_eos;         /* end-of-text tokens (eos, eot) do not end the text: they are fed back like any
                                other (benchmarks with a fixed length; stop_token still ends it) */
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
