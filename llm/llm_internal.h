/*
 * What the API's own files share and callers never see: the batch loop
 * under llm_decode, for the generation loop to call inside its working
 * memory (llm_decode itself releases that memory around the call), and one
 * sequence's generation state with the step that turns its logits into the
 * next token and its text, shared by llm_generate and the scheduler so that
 * a request gives the same tokens and text either way.
 */
#ifndef LLM_LLM_INTERNAL_H
#define LLM_LLM_INTERNAL_H

#include "llm/llm.h"

/* llm_decode's work without touching the context's working memory. */
err_code_t llm_decode_batches(llm_ctx_t *ctx, const int32_t *tokens, uint32_t n, uint32_t pos, err_t *err);

/* A generous bound on the working memory of a generation, or of a step of n_batch tokens attending over n_ctx. */
size_t llm_work_bytes(const model_hparams_t *hp, uint32_t n_ctx, uint32_t n_batch);

/* One sequence's generation: its sampler, its partial UTF-8 and where its text goes. */
typedef struct gen_state {
    const llm_model_t *model;
    const llm_gen_config_t *cfg;
    sampler_t sampler;
    tok_stream_t stream;
    llm_on_text_fn on_text;
    void *user;
    char *text;           /* the copy of the text (cfg->text or another buffer), or NULL */
    size_t text_cap;
    size_t text_len;      /* bytes produced (even those the copy had no room for) */
    uint32_t n_generated;
    llm_stop_t stop;
} gen_state_t;

/*
 * Starts a generation: the sampler from the arena (sampler_init's errors),
 * the text copy to text[0 .. text_cap) (NUL-terminated; NULL for none).
 */
err_code_t gen_start(gen_state_t *g, const llm_model_t *m, const llm_gen_config_t *cfg, llm_on_text_fn on_text,
                     void *user, char *text, size_t text_cap, arena_t *arena, err_t *err);

/*
 * One token from the logits of the sequence's last position: picks it,
 * stops at an end token (LLM_STOP_EOS), streams its text (LLM_STOP_CANCELLED
 * when the callback asks), counts it and stops at max_tokens; otherwise the
 * sampler accepts it and *next is the token to run. *more says whether the
 * generation goes on (g->stop the reason when not). Errors from streaming.
 */
err_code_t gen_token(gen_state_t *g, const float *logits, int32_t *next, bool *more, err_t *err);

/* Emits what the stream still holds (an incomplete UTF-8 tail) at the end of a generation. */
void gen_finish(gen_state_t *g);

#endif
