/*
 * Many requests over one model at once: continuous batching over a paged
 * KV cache (kv_cache.h). Each llm_sched_step runs one forward pass over the
 * next token of every running request plus chunks of the prompts being
 * admitted, so the weights are read once per step for all of them; a new
 * request joins between two steps. Each request's tokens, logits and text
 * are the same bits as running it alone with llm_generate / llm_chat (same
 * sampler settings and seed): a token's numbers depend only on its own
 * sequence, whatever else shares the step.
 *
 * The caller drives it: submit requests (never blocks: a full queue says
 * so), then call llm_sched_step while llm_sched_busy, e.g. from an idle
 * loop; streaming callbacks run inside the step. One thread at a time per
 * scheduler (the step's matrix products still use every worker of the
 * platform's parallel-for).
 *
 * Memory: everything comes from the arena given to llm_sched_init, once:
 * the KV pool, max_running sampler slots, the request records (prompt
 * tokens and text of each), and the working memory of a step; nothing is
 * allocated per step. The scheduler uses everything above its tables as
 * working memory, so give it an arena of its own (llm_sched_bytes says how
 * big) rather than one a context also uses. Sizing the pool: see
 * kv_cache.h (SmolLM2-135M, F16: 22.5 KiB per position, so 4 requests of
 * 512 positions take 45 MiB).
 */
#ifndef LLM_LLM_SCHED_H
#define LLM_LLM_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/llm.h"

#define LLM_SCHED_MAX_RUNNING 16

typedef struct llm_sched_params {
    uint32_t max_running;    /* requests decoding together (default 4, at most LLM_SCHED_MAX_RUNNING) */
    uint32_t queue_cap;      /* requests waiting at most (default 16): a submit beyond is refused */
    uint32_t keep_done;      /* finished requests kept readable (default 8; older ones are forgotten) */
    uint32_t max_seq_pos;    /* positions of one request, prompt + generated (default: the model's
                                trained context, at most LLM_DEFAULT_N_CTX) */
    uint32_t pool_positions; /* the KV pool, all requests together (default: room for max_running requests
                                of max_seq_pos each, in whole blocks) */
    uint32_t step_tokens;    /* tokens per step: one per decoding request, then prompt chunks
                                (default LLM_DEFAULT_N_BATCH; at least max_running) */
    quant_type_t type_k;     /* the KV pool's keys and values: QUANT_F16 (default), QUANT_F32, QUANT_Q8_0 */
    quant_type_t type_v;     /* or QUANT_Q4_0, as llm_ctx_params_t */
    bool kv_plain;           /* no Hadamard rotation of a quantized cache, as llm_ctx_params_t */
    kern_attn_t attn;        /* KERN_ATTN_EXACT (default) or KERN_ATTN_FAST, as llm_ctx_params_t */
    uint32_t text_cap;       /* bytes of generated text kept per request (default 4096) */
} llm_sched_params_t;

void llm_sched_params_default(llm_sched_params_t *p);

/* A logits row (n_vocab floats, valid during the call only): log-probabilities, checks, constraints. */
typedef void (*llm_on_logits_fn)(void *user, const float *logits, uint32_t n_vocab);

typedef struct llm_request {
    /* The prompt, one of three ways (the first that is not NULL): */
    const char *prompt;          /* text (len bytes), tokenized with the model's BOS; */
    size_t len;
    const int32_t *tokens;       /* token ids as given (n_tokens of them, each below the vocabulary size;
                                    no BOS added); */
    size_t n_tokens;
    const chat_message_t *msgs;  /* a conversation, formatted by the model's chat template */
    size_t n_msgs;
    llm_gen_config_t cfg;        /* max_tokens is the token budget; cfg.text is not used (llm_sched_info) */
    llm_on_text_fn on_text;      /* each piece of text, from inside llm_sched_step (NULL: none); false cancels */
    llm_on_logits_fn on_logits;  /* each logits row it samples from, before sampling (NULL: none) */
    void *user;                  /* for both callbacks */
    uint64_t deadline_us;        /* platform_now_us() value at which it stops if not done (0: none) */
} llm_request_t;

typedef enum llm_req_state { LLM_REQ_QUEUED, LLM_REQ_RUNNING, LLM_REQ_DONE } llm_req_state_t;

const char *llm_req_state_name(llm_req_state_t s); /* "queued", "running", "done" */

typedef struct llm_req_info {
    uint32_t id;
    llm_req_state_t state;
    llm_stop_t stop;          /* why it ended (state DONE) */
    uint32_t n_prompt;        /* prompt tokens */
    uint32_t n_shared;        /* of those, read from another request's cache blocks (a common prefix) */
    uint32_t n_generated;
    uint64_t submit_us, start_us, end_us; /* platform_now_us() at submit, admission, end (0: not yet) */
    const char *text;         /* the text so far, NUL-terminated (its first text_cap - 1 bytes); valid until the
                                 next call on the scheduler */
    size_t text_len;          /* bytes generated (even those the copy had no room for) */
} llm_req_info_t;

typedef struct llm_sched_stats {
    uint32_t queued, running, done;   /* requests in each state now */
    uint64_t submitted, refused, finished;
    uint64_t prompt_tokens, generated_tokens, steps;
    uint64_t step_us;                 /* time spent in steps that ran a forward pass */
    uint32_t blocks_used, blocks_free, block_positions;
    size_t arena_used, arena_high_water;
} llm_sched_stats_t;

/* Private: the engine's; allocate it, pass it, read it through the functions below. */
typedef struct llm_sched {
    const llm_model_t *model;
    llm_sched_params_t p;
    arena_t *arena;
    kv_cache_t kv;
    struct sched_req *reqs;   /* max_running + queue_cap + keep_done records */
    uint32_t n_reqs;
    struct sched_slot *slots; /* max_running */
    float *logits;            /* [max_running][n_vocab]: one step's output rows */
    uint32_t next_id;
    uint64_t order;           /* submissions so far: FIFO order of the queue */
    bool draining;
    llm_sched_stats_t stats;  /* the counters; the rest is filled by llm_sched_stats */
    arena_mark_t work;        /* the arena above this mark is one call's working memory */
} llm_sched_t;

/* Arena bytes llm_sched_init needs for these parameters (0 if they are invalid). */
size_t llm_sched_bytes(const llm_model_t *m, const llm_sched_params_t *p);

/*
 * Makes a scheduler for model m (which must outlive it). ERR_INVALID for
 * parameters out of range, ERR_NOMEM when the arena cannot hold it (the
 * message gives the bytes needed); the arena is where it was on failure.
 */
err_code_t llm_sched_init(llm_sched_t *s, const llm_model_t *m, const llm_sched_params_t *p, arena_t *arena,
                          err_t *err);

/*
 * Queues a request; its prompt is tokenized now (the text or messages need
 * not outlive the call) and *id names it from then on. Errors, with nothing
 * queued: ERR_FULL (queue_cap requests waiting, or draining), ERR_INVALID
 * (empty prompt, a token id out of the vocabulary, bad sampling settings,
 * a bad role), ERR_RANGE (a prompt
 * longer than max_seq_pos or than the pool), ERR_UNSUPPORTED (chat without
 * a template we know), ERR_NOMEM (working memory).
 */
err_code_t llm_sched_submit(llm_sched_t *s, const llm_request_t *r, uint32_t *id, err_t *err);

/*
 * One step: retires requests that were cancelled or passed their deadline,
 * admits waiting ones (first come, first served) while running slots and
 * pool blocks allow, runs one forward pass over a token of every decoding
 * request and prompt chunks up to step_tokens, samples and streams each,
 * and retires the finished (end of text, budget, max_seq_pos, callback,
 * out of blocks). Nothing to do is not an error. A failed forward pass
 * (ERR_NOMEM: working memory) retires the requests it ran with
 * LLM_STOP_ERROR and returns the error; the scheduler stays usable.
 */
err_code_t llm_sched_step(llm_sched_t *s, err_t *err);

/* Whether any request is queued or running (llm_sched_step has work). */
bool llm_sched_busy(const llm_sched_t *s);

/* Cancels a queued or running request (it ends with LLM_STOP_CANCELLED at once). ERR_NOT_FOUND for an unknown
 * id, ERR_INVALID for one already done. */
err_code_t llm_sched_cancel(llm_sched_t *s, uint32_t id, err_t *err);

/* Draining: running and queued requests finish, submit refuses new ones; false opens it again. */
void llm_sched_drain(llm_sched_t *s, bool on);

/* A request's state and text so far; ERR_NOT_FOUND for an id never given or already forgotten. */
err_code_t llm_sched_info(llm_sched_t *s, uint32_t id, llm_req_info_t *out, err_t *err);

/* Health figures: requests per state and in total, tokens, steps, pool blocks, the arena's use. */
void llm_sched_stats(const llm_sched_t *s, llm_sched_stats_t *out);

#endif
