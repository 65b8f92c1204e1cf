/*
 * The public API's high layer (see llm.h): the generation loop over the low
 * layer. Tokenize, reuse the cached prefix, prefill in batches, then sample,
 * stream and feed back one token at a time until a stop condition; a chat
 * turn is a generation of the conversation formatted by its template.
 */
#include "llm/llm.h"

#include "llm/llm_internal.h"
#include "llm/platform.h"

const char *llm_stop_name(llm_stop_t s)
{
    switch (s) {
    case LLM_STOP_EOS: return "eos";
    case LLM_STOP_MAX_TOKENS: return "max tokens";
    case LLM_STOP_CONTEXT_FULL: return "context full";
    case LLM_STOP_CANCELLED: return "cancelled";
    case LLM_STOP_DEADLINE: return "deadline";
    case LLM_STOP_NO_BLOCKS: return "out of blocks";
    case LLM_STOP_ERROR: return "error";
    }
    return "?";
}

void llm_gen_config_default(llm_gen_config_t *c)
{
    *c = (llm_gen_config_t){ .max_tokens = 128, .stop_token = TOK_NONE };
    sampler_config_default(&c->sampling);
}

static bool emit_text(gen_state_t *g, const char *s, size_t n)
{
    if (g->text_cap) {
        size_t used = g->text_len < g->text_cap - 1 ? g->text_len : g->text_cap - 1;
        size_t k = n < g->text_cap - 1 - used ? n : g->text_cap - 1 - used;
        memcpy(g->text + used, s, k);
        g->text[used + k] = '\0';
    }
    g->text_len += n;
    return !g->on_text || n == 0 || g->on_text(g->user, s, n);
}

static bool is_end(const gen_state_t *g, int32_t t)
{
    const tok_vocab_t *v = &g->model->vocab;
    bool eos = tok_is_eog(v, t);
    return (eos && !g->cfg->ignore_eos) || (g->cfg->stop_token != TOK_NONE && t == g->cfg->stop_token);
}

err_code_t gen_start(gen_state_t *g, const llm_model_t *m, const llm_gen_config_t *cfg, llm_on_text_fn on_text,
                     void *user, char *text, size_t text_cap, arena_t *arena, err_t *err)
{
    *g = (gen_state_t){ .model = m, .cfg = cfg, .on_text = on_text, .user = user, .text = text,
                        .text_cap = text ? text_cap : 0, .stop = LLM_STOP_MAX_TOKENS };
    if (g->text_cap)
        text[0] = '\0';
    tok_stream_init(&g->stream);
    return sampler_init(&g->sampler, &cfg->sampling, m->model.hp.n_vocab, arena, err);
}

err_code_t gen_token(gen_state_t *g, const float *logits, int32_t *next, bool *more, err_t *err)
{
    char piece[TOK_STREAM_PIECE_MAX + 8];
    size_t n;
    *more = false;
    int32_t t = sampler_pick(&g->sampler, logits);
    if (is_end(g, t)) {
        g->stop = LLM_STOP_EOS;
        return ERR_OK;
    }
    g->n_generated++;
    err_code_t rc = tok_stream_push(&g->model->vocab, &g->stream, t, piece, sizeof piece, &n, err);
    if (rc != ERR_OK)
        return rc;
    if (!emit_text(g, piece, n)) {
        g->stop = LLM_STOP_CANCELLED;
        return ERR_OK;
    }
    if (g->n_generated >= g->cfg->max_tokens) {
        g->stop = LLM_STOP_MAX_TOKENS;
        return ERR_OK;
    }
    sampler_accept(&g->sampler, t);
    *next = t;
    *more = true;
    return ERR_OK;
}

void gen_finish(gen_state_t *g)
{
    char piece[TOK_STREAM_PIECE_MAX + 8];
    size_t n = tok_stream_flush(&g->stream, piece, sizeof piece);
    emit_text(g, piece, n);
}

static uint32_t common_prefix(const llm_ctx_t *ctx, const int32_t *tokens, uint32_t n)
{
    uint32_t k = 0;
    while (k < ctx->n_past && k < n && ctx->tokens[k] == tokens[k])
        k++;
    return k < n ? k : n - 1; /* the last prompt token always runs: its logits start the reply */
}

static err_code_t run(llm_ctx_t *ctx, const char *prompt, size_t len, gen_state_t *g, llm_result_t *res, err_t *err)
{
    const llm_model_t *m = ctx->model;
    uint32_t n_ctx = ctx->n_ctx;
    int32_t *tokens = arena_alloc_array(ctx->arena, n_ctx + 1, sizeof *tokens, 0, err);
    if (!tokens)
        return ERR_NOMEM;
    size_t n_prompt;
    tok_encode_opts_t opts = { .add_special = true, .parse_special = g->cfg->parse_special };
    err_code_t rc = tok_encode(&m->vocab, prompt, len, &opts, tokens, n_ctx + 1, &n_prompt, ctx->arena, err);
    if (rc == ERR_RANGE || (rc == ERR_OK && n_prompt > n_ctx))
        return err_set(err, ERR_RANGE, "prompt is %zu tokens, the context holds %u", n_prompt, n_ctx);
    if (rc != ERR_OK)
        return rc;
    if (n_prompt == 0)
        return err_set(err, ERR_INVALID, "empty prompt");

    uint64_t t0 = platform_now_us();
    res->n_prompt = (uint32_t)n_prompt;
    res->n_reused = common_prefix(ctx, tokens, (uint32_t)n_prompt);
    rc = llm_decode_batches(ctx, tokens + res->n_reused, (uint32_t)n_prompt - res->n_reused, res->n_reused, err);
    if (rc != ERR_OK)
        return rc;
    for (uint32_t i = 0; i < n_prompt; i++)
        sampler_accept(&g->sampler, tokens[i]); /* the penalties see the prompt too, as in llama.cpp */
    uint64_t t1 = platform_now_us();
    res->prefill_us = t1 - t0;

    for (bool more = g->cfg->max_tokens > 0; more;) {
        int32_t t;
        if ((rc = gen_token(g, ctx->logits, &t, &more, err)) != ERR_OK)
            return rc;
        if (more && ctx->n_past == n_ctx) {
            g->stop = LLM_STOP_CONTEXT_FULL;
            more = false;
        }
        if (more && (rc = llm_decode_batches(ctx, &t, 1, ctx->n_past, err)) != ERR_OK)
            return rc;
    }
    gen_finish(g);
    res->decode_us = platform_now_us() - t1;
    return ERR_OK;
}

/* Generation around run(): the settings checked first, the working memory released after. */
static err_code_t generate(llm_ctx_t *ctx, const char *prompt, size_t len, const llm_gen_config_t *cfg,
                           llm_on_text_fn on_text, void *user, llm_result_t *res, err_t *err)
{
    *res = (llm_result_t){ 0 };
    err_code_t rc = sampler_config_check(&cfg->sampling, err);
    if (rc != ERR_OK)
        return rc;
    gen_state_t g;
    rc = gen_start(&g, ctx->model, cfg, on_text, user, cfg->text, cfg->text_cap, ctx->arena, err);
    if (rc == ERR_OK)
        rc = run(ctx, prompt, len, &g, res, err);
    res->text_len = g.text_len;
    res->n_generated = g.n_generated;
    res->stop = g.stop;
    res->arena_high_water = ctx->arena->high_water_bytes;
    arena_release(ctx->arena, ctx->work, NULL);
    if (rc != ERR_OK && rc != ERR_RANGE && rc != ERR_INVALID)
        ctx->n_past = 0; /* a failure mid-way leaves the cache half-written */
    return rc;
}

err_code_t llm_generate(llm_ctx_t *ctx, const char *prompt, size_t len, const llm_gen_config_t *cfg,
                        llm_on_text_fn on_text, void *user, llm_result_t *res, err_t *err)
{
    arena_release(ctx->arena, ctx->work, NULL); /* nothing of a previous generation survives */
    return generate(ctx, prompt, len, cfg, on_text, user, res, err);
}

err_code_t llm_chat(llm_ctx_t *ctx, const chat_message_t *msgs, size_t n, const llm_gen_config_t *cfg,
                    llm_on_text_fn on_text, void *user, llm_result_t *res, err_t *err)
{
    const llm_model_t *m = ctx->model;
    *res = (llm_result_t){ 0 };
    if (!m->has_chat)
        return err_set(err, ERR_UNSUPPORTED, "chat: %s", m->chat_error.msg);
    arena_release(ctx->arena, ctx->work, NULL);
    size_t len;
    err_code_t rc = chat_apply(m->chat, msgs, n, true, NULL, 0, &len, err);
    char *prompt = rc == ERR_RANGE ? arena_alloc(ctx->arena, len + 1, 1, err) : NULL;
    if (!prompt)
        return rc == ERR_RANGE ? ERR_NOMEM : rc;
    if ((rc = chat_apply(m->chat, msgs, n, true, prompt, len + 1, &len, err)) != ERR_OK)
        return rc;
    llm_gen_config_t turn = *cfg;
    turn.parse_special = true;
    turn.stop_token = m->end_of_turn;
    return generate(ctx, prompt, len, &turn, on_text, user, res, err);
}
