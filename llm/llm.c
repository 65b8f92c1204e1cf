/*
 * The public API's low layer (see llm.h): start-up, model loading, contexts
 * sized to their arena, tokenizing, decoding batches of tokens into the
 * cache and the logits. The generation loop is llm_generate.c; peeking at
 * and describing models llm_info.c.
 */
#include "llm/llm.h"

#include "llm/llm_internal.h"
#include "llm/platform.h"
#include "llm/support/parallel.h"
#include "llm/transformer.h"

#define TOKENIZE_BYTES_PER_POSITION 256u /* working memory for tokenizing a prompt, per context position */
#define WORK_SLACK_BYTES (1u << 20)

kern_level_t llm_init(const kern_cpu_t *cpu, kern_level_t max_level)
{
    kern_level_t level = cpu ? kern_level_for(cpu) : KERN_SCALAR;
    return kern_init(level < max_level ? level : max_level);
}

const char *llm_kernels_name(void)
{
    return kern_level_name(kern_level());
}

err_code_t llm_tune(arena_t *scratch, kern_tune_report_t *report, err_t *err)
{
    return kern_tune(scratch, report, err);
}

static err_code_t set_chat(llm_model_t *m, const char *tmpl, size_t len, err_t *err);

err_code_t llm_model_load(llm_model_t *m, const void *blob, size_t size, arena_t *arena, err_t *err)
{
    m->has_chat = false;
    m->end_of_turn = TOK_NONE;
    arena_mark_t mark = arena_mark(arena);
    err_code_t rc = gguf_parse(&m->file, blob, size, arena, err);
    if (rc == ERR_OK)
        rc = model_load(&m->model, &m->file, arena, err);
    if (rc == ERR_OK)
        rc = tok_load(&m->vocab, &m->file, arena, err);
    if (rc != ERR_OK) {
        arena_release(arena, mark, NULL);
        return rc;
    }
    const str_view_t tmpl = m->vocab.chat_template;
    const char *fallback = m->model.family->default_chat;
    if (tmpl.len == 0 && fallback) /* no template: the family's format (Gemma: "gemma") */
        llm_model_set_chat(m, fallback, NULL);
    else
        set_chat(m, tmpl.ptr, tmpl.len, NULL);
    return ERR_OK;
}

/* Detects the chat format of tmpl[0 .. len); has_chat and chat_error say how it went. */
static err_code_t set_chat(llm_model_t *m, const char *tmpl, size_t len, err_t *err)
{
    uint32_t id;
    chat_format_t f;
    err_t e;
    err_clear(&e);
    err_code_t rc = chat_detect(tmpl, len, &f, &e);
    if (rc != ERR_OK) {
        if (!m->has_chat)
            m->chat_error = e;
        if (err)
            *err = e;
        return rc;
    }
    m->has_chat = true;
    m->chat = f;
    const char *eot = chat_end_of_turn(f);
    m->end_of_turn = str_index_find(&m->vocab.by_text, eot, strlen(eot), &id) ? (int32_t)id : TOK_NONE;
    return ERR_OK;
}

err_code_t llm_model_set_chat(llm_model_t *m, const char *name, err_t *err)
{
    return set_chat(m, name, name ? strlen(name) : 0, err);
}

void llm_ctx_params_default(llm_ctx_params_t *p)
{
    *p = (llm_ctx_params_t){ .n_ctx = 0, .type_k = QUANT_F16, .type_v = QUANT_F16, .n_batch = LLM_DEFAULT_N_BATCH, .attn = KERN_ATTN_EXACT };
}

size_t llm_work_bytes(const model_hparams_t *hp, uint32_t n_ctx, uint32_t n_batch)
{
    size_t e = hp->n_embd, qd = (size_t)hp->n_head * hp->head_dim, kvd = (size_t)hp->n_head_kv * hp->head_dim;
    size_t widest = hp->n_ff > e ? hp->n_ff : e;
    size_t per_worker = transformer_heads_per_call(hp) * (sizeof(float) * ((size_t)n_ctx + 16) + hp->head_dim * 16) +
                        128; /* attention scratch */
    /* activations, norm weights, two sets of RoPE angles (windowed layers' base), query/key norm weights */
    size_t forward = sizeof(float) * ((size_t)n_batch * (3 * e + 2 * qd + 2 * kvd + 2 * (size_t)hp->n_ff + 2 * hp->n_rot) +
                                      e + 3 * (size_t)hp->head_dim) +
                     (size_t)n_batch * widest * sizeof(float) + par_workers() * per_worker;
    size_t sampling = (size_t)hp->n_vocab * 16;                /* candidates, weights, counts */
    size_t tokens = (size_t)n_ctx * (sizeof(int32_t) + TOKENIZE_BYTES_PER_POSITION);
    return forward + sampling + tokens + WORK_SLACK_BYTES;
}

/* Everything a context takes from its arena: cache, token list, logits row, working memory. */
static size_t ctx_bytes(const model_hparams_t *hp, uint32_t n_ctx, kv_types_t kv_type, uint32_t n_batch)
{
    return kv_cache_bytes(hp, n_ctx, kv_type) + (size_t)kv_blocks_for(n_ctx) * sizeof(uint32_t) +
           (size_t)n_ctx * sizeof(int32_t) + (size_t)hp->n_vocab * sizeof(float) + 64 + llm_work_bytes(hp, n_ctx, n_batch);
}

err_code_t llm_ctx_init(llm_ctx_t *ctx, const llm_model_t *m, const llm_ctx_params_t *p, arena_t *arena,
                        err_t *err)
{
    const model_hparams_t *hp = &m->model.hp;
    uint32_t n_batch = p->n_batch ? p->n_batch : LLM_DEFAULT_N_BATCH;
    uint32_t n_ctx = p->n_ctx;
    bool fit = n_ctx == 0;
    if (fit)
        n_ctx = hp->n_ctx_train < LLM_DEFAULT_N_CTX ? hp->n_ctx_train : LLM_DEFAULT_N_CTX;
    kv_types_t types = { p->type_k, p->type_v, p->kv_plain };
    err_code_t rc = kv_types_check(hp, types, err);
    if (rc != ERR_OK)
        return rc;
    size_t free_bytes = arena->capacity_bytes - arena->used_bytes;
    size_t need = ctx_bytes(hp, n_ctx, types, n_batch);
    while (fit && need > free_bytes && n_ctx > 16) {
        n_ctx /= 2;
        need = ctx_bytes(hp, n_ctx, types, n_batch);
    }
    if (need > free_bytes)
        return err_set(err, ERR_NOMEM,
                       "context: %u positions need %zu bytes (KV cache %zu, working memory %zu), the arena has %zu free",
                       n_ctx, need, kv_cache_bytes(hp, n_ctx, types), need - kv_cache_bytes(hp, n_ctx, types),
                       free_bytes);

    arena_mark_t mark = arena_mark(arena);
    *ctx = (llm_ctx_t){ .model = m, .arena = arena, .n_batch = n_batch, .n_ctx = n_ctx };
    rc = kv_cache_init(&ctx->kv, hp, n_ctx, types, arena, err);
    if (rc == ERR_OK)
        rc = llm_ctx_set_attn(ctx, p->attn, err);
    if (rc == ERR_OK)
        rc = kv_seq_init(&ctx->seq, n_ctx, arena, err);
    if (rc == ERR_OK)
        rc = kv_seq_reserve(&ctx->kv, &ctx->seq, n_ctx, err); /* the whole pool: nothing to run out of later */
    if (rc == ERR_OK && !(ctx->tokens = arena_alloc_array(arena, n_ctx, sizeof *ctx->tokens, 0, err)))
        rc = ERR_NOMEM;
    if (rc == ERR_OK && !(ctx->logits = arena_alloc_array(arena, hp->n_vocab, sizeof *ctx->logits, 64, err)))
        rc = ERR_NOMEM;
    if (rc != ERR_OK) {
        arena_release(arena, mark, NULL);
        return rc;
    }
    ctx->work = arena_mark(arena);
    return ERR_OK;
}

err_code_t llm_ctx_set_attn(llm_ctx_t *ctx, kern_attn_t attn, err_t *err)
{
    if (attn != KERN_ATTN_EXACT && attn != KERN_ATTN_FAST)
        return err_set(err, ERR_INVALID, "context: attention mode %d is neither exact nor fast", (int)attn);
    ctx->kv.attn = attn;
    return ERR_OK;
}

void llm_ctx_reset(llm_ctx_t *ctx)
{
    ctx->n_past = 0;
    ctx->has_logits = false;
}

uint32_t llm_ctx_n_ctx(const llm_ctx_t *ctx)
{
    return ctx->n_ctx;
}

uint32_t llm_ctx_n_past(const llm_ctx_t *ctx)
{
    return ctx->n_past;
}

err_code_t llm_tokenize(llm_ctx_t *ctx, const char *text, size_t len, bool add_special, bool parse_special,
                        int32_t *ids, size_t cap, size_t *n_ids, err_t *err)
{
    arena_release(ctx->arena, ctx->work, NULL);
    tok_encode_opts_t opts = { .add_special = add_special, .parse_special = parse_special };
    err_code_t rc = tok_encode(&ctx->model->vocab, text, len, &opts, ids, cap, n_ids, ctx->arena, err);
    arena_release(ctx->arena, ctx->work, NULL);
    return rc;
}

err_code_t llm_token_piece(const llm_model_t *m, int32_t id, bool render_special, char *buf, size_t size,
                           size_t *n_bytes, err_t *err)
{
    return tok_piece(&m->vocab, id, render_special, buf, size, n_bytes, err);
}

int32_t llm_token_bos(const llm_model_t *m)
{
    return m->vocab.bos;
}

int32_t llm_token_eos(const llm_model_t *m)
{
    return m->vocab.eos;
}

int32_t llm_token_eot(const llm_model_t *m)
{
    return m->end_of_turn != TOK_NONE ? m->end_of_turn : m->vocab.eot;
}

err_code_t llm_decode_batches(llm_ctx_t *ctx, const int32_t *tokens, uint32_t n, uint32_t pos, err_t *err)
{
    if (n == 0)
        return err_set(err, ERR_INVALID, "decode: no tokens");
    if (pos > ctx->n_past)
        return err_set(err, ERR_RANGE, "decode: position %u is beyond the %u cached ones", pos, ctx->n_past);
    if (n > ctx->n_ctx - pos)
        return err_set(err, ERR_RANGE, "decode: positions %u .. %u do not fit the %u-position context", pos,
                       pos + n - 1, ctx->n_ctx);
    ctx->n_past = pos;
    ctx->has_logits = false;
    for (uint32_t i = 0; i < n; i += ctx->n_batch) {
        uint32_t k = n - i < ctx->n_batch ? n - i : ctx->n_batch;
        err_code_t rc = transformer_forward(&ctx->model->model, &ctx->kv, &ctx->seq, tokens + i, k, pos + i, false, ctx->logits,
                                            ctx->arena, err);
        if (rc != ERR_OK)
            return rc;
        memcpy(ctx->tokens + pos + i, tokens + i, k * sizeof *tokens);
        ctx->n_past = pos + i + k;
    }
    ctx->has_logits = true;
    return ERR_OK;
}

err_code_t llm_decode(llm_ctx_t *ctx, const int32_t *tokens, uint32_t n, uint32_t pos, err_t *err)
{
    arena_release(ctx->arena, ctx->work, NULL);
    err_code_t rc = llm_decode_batches(ctx, tokens, n, pos, err);
    arena_release(ctx->arena, ctx->work, NULL);
    return rc;
}

const float *llm_logits(const llm_ctx_t *ctx)
{
    return ctx->has_logits ? ctx->logits : NULL;
}

