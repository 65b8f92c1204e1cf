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
    }
    return "?";
}

void llm_gen_config_default(llm_gen_config_t *c)
{
    *c = (llm_gen_config_t){ .max_tokens = 128, .stop_token = TOK_NONE };
    sampler_config_default(&c->sampling);
}

/* Where the generated text goes: the callback and the optional copy. */
typedef struct text_out {
    const llm_gen_config_t *cfg;
    llm_on_text_fn on_text;
    void *user;
    size_t len;
} text_out_t;

static bool emit_text(text_out_t *o, const char *s, size_t n)
{
    size_t cap = o->cfg->text ? o->cfg->text_cap : 0;
    if (cap) {
        size_t used = o->len < cap - 1 ? o->len : cap - 1;
        size_t k = n < cap - 1 - used ? n : cap - 1 - used;
        memcpy(o->cfg->text + used, s, k);
        o->cfg->text[used + k] = '\0';
    }
    o->len += n;
    return !o->on_text || n == 0 || o->on_text(o->user, s, n);
}

static bool is_end(const llm_ctx_t *ctx, const llm_gen_config_t *cfg, int32_t t)
{
    const tok_vocab_t *v = &ctx->model->vocab;
    return t == v->eos || (v->eot != TOK_NONE && t == v->eot) || (cfg->stop_token != TOK_NONE && t == cfg->stop_token);
}

static uint32_t common_prefix(const llm_ctx_t *ctx, const int32_t *tokens, uint32_t n)
{
    uint32_t k = 0;
    while (k < ctx->n_past && k < n && ctx->tokens[k] == tokens[k])
        k++;
    return k < n ? k : n - 1; /* the last prompt token always runs: its logits start the reply */
}

static err_code_t run(llm_ctx_t *ctx, const char *prompt, size_t len, const llm_gen_config_t *cfg, text_out_t *out,
                      llm_result_t *res, err_t *err)
{
    const llm_model_t *m = ctx->model;
    uint32_t n_ctx = ctx->kv.n_ctx, n_vocab = m->model.hp.n_vocab;
    int32_t *tokens = arena_alloc_array(ctx->arena, n_ctx + 1, sizeof *tokens, 0, err);
    const float *logits = ctx->logits;
    if (!tokens)
        return ERR_NOMEM;
    size_t n_prompt;
    tok_encode_opts_t opts = { .add_special = true, .parse_special = cfg->parse_special };
    err_code_t rc = tok_encode(&m->vocab, prompt, len, &opts, tokens, n_ctx + 1, &n_prompt, ctx->arena, err);
    if (rc == ERR_RANGE || (rc == ERR_OK && n_prompt > n_ctx))
        return err_set(err, ERR_RANGE, "prompt is %zu tokens, the context holds %u", n_prompt, n_ctx);
    if (rc != ERR_OK)
        return rc;
    if (n_prompt == 0)
        return err_set(err, ERR_INVALID, "empty prompt");
    sampler_t sampler;
    if ((rc = sampler_init(&sampler, &cfg->sampling, n_vocab, ctx->arena, err)) != ERR_OK)
        return rc;

    uint64_t t0 = platform_now_us();
    res->n_prompt = (uint32_t)n_prompt;
    res->n_reused = common_prefix(ctx, tokens, (uint32_t)n_prompt);
    rc = llm_decode_batches(ctx, tokens + res->n_reused, (uint32_t)n_prompt - res->n_reused, res->n_reused, err);
    if (rc != ERR_OK)
        return rc;
    for (uint32_t i = 0; i < n_prompt; i++)
        sampler_accept(&sampler, tokens[i]); /* the penalties see the prompt too, as in llama.cpp */
    uint64_t t1 = platform_now_us();
    res->prefill_us = t1 - t0;

    tok_stream_t stream;
    tok_stream_init(&stream);
    char piece[TOK_STREAM_PIECE_MAX + 8];
    res->stop = LLM_STOP_MAX_TOKENS;
    while (res->n_generated < cfg->max_tokens) {
        int32_t t = sampler_pick(&sampler, logits);
        if (is_end(ctx, cfg, t)) {
            res->stop = LLM_STOP_EOS;
            break;
        }
        size_t n;
        res->n_generated++;
        if ((rc = tok_stream_push(&m->vocab, &stream, t, piece, sizeof piece, &n, err)) != ERR_OK)
            return rc;
        if (!emit_text(out, piece, n)) {
            res->stop = LLM_STOP_CANCELLED;
            break;
        }
        if (res->n_generated == cfg->max_tokens)
            break;
        if (ctx->n_past == n_ctx) {
            res->stop = LLM_STOP_CONTEXT_FULL;
            break;
        }
        sampler_accept(&sampler, t);
        if ((rc = llm_decode_batches(ctx, &t, 1, ctx->n_past, err)) != ERR_OK)
            return rc;
    }
    size_t n = tok_stream_flush(&stream, piece, sizeof piece);
    emit_text(out, piece, n);
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
    text_out_t out = { cfg, on_text, user, 0 };
    if (cfg->text && cfg->text_cap)
        cfg->text[0] = '\0';
    rc = run(ctx, prompt, len, cfg, &out, res, err);
    res->text_len = out.len;
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
