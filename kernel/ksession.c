/* The kernel's one loaded model and its context (see ksession.h). */
#include "kernel/ksession.h"

#include "kernel/panic.h"

void ksession_init(ksession_t *s, arena_t *arena)
{
    s->arena = arena;
    s->entry = NULL;
    s->has_sched = false;
}

void ksession_unload(ksession_t *s)
{
    if (!s->entry)
        return;
    ARENA_RELEASE_OR_PANIC(s->arena, s->before_model);
    s->entry = NULL;
    s->has_sched = false;
}

static err_code_t make_ctx(ksession_t *s, uint32_t n_ctx, kv_types_t types, err_t *err)
{
    llm_ctx_params_t p;
    llm_ctx_params_default(&p);
    p.n_ctx = n_ctx;
    p.type_k = types.k;
    p.type_v = types.v;
    s->before_ctx = arena_mark(s->arena);
    err_code_t rc = llm_ctx_init(&s->ctx, &s->model, &p, s->arena, err);
    if (rc == ERR_OK) {
        s->n_ctx_asked = n_ctx;
        s->types_asked = types;
    }
    return rc;
}

err_code_t ksession_load(ksession_t *s, const model_entry_t *e, err_t *err)
{
    ksession_unload(s);
    if (e->has_sha256) {
        err_code_t rc = model_store_verify(e, err);
        if (rc != ERR_OK)
            return rc;
    }
    s->before_model = arena_mark(s->arena);
    err_code_t rc = llm_model_load(&s->model, e->data, e->size, s->arena, err);
    if (rc == ERR_OK)
        rc = make_ctx(s, 0, KV_TYPES_DEFAULT, err);
    if (rc != ERR_OK) {
        ARENA_RELEASE_OR_PANIC(s->arena, s->before_model);
        return rc;
    }
    s->entry = e;
    return ERR_OK;
}

err_code_t ksession_use_ctx(ksession_t *s, uint32_t n_ctx, kv_types_t types, err_t *err)
{
    if (n_ctx == s->n_ctx_asked && types.k == s->types_asked.k && types.v == s->types_asked.v)
        return ERR_OK;
    ARENA_RELEASE_OR_PANIC(s->arena, s->before_ctx); /* the scheduler, below the context, stays */
    err_code_t rc = make_ctx(s, n_ctx, types, err);
    if (rc != ERR_OK) {
        err_t ignored;
        ARENA_RELEASE_OR_PANIC(s->arena, s->before_ctx);
        make_ctx(s, s->n_ctx_asked, s->types_asked, &ignored); /* back to the context there was (it fitted before) */
    }
    return rc;
}

#define SCHED_RUNNING 4
#define SCHED_POSITIONS 512
#define SCHED_MIN_POSITIONS 64
#define SCHED_STEP_TOKENS 8 /* a step stays short, so the shell answers between two */

/*
 * The scheduler takes an arena of its own, carved out below the context (a
 * context uses everything above it as working memory): the context is
 * remade above it, at the size asked before (its cached tokens are lost).
 */
err_code_t ksession_sched(ksession_t *s, llm_sched_t **out, err_t *err)
{
    *out = &s->sched;
    if (s->has_sched)
        return ERR_OK;
    llm_sched_params_t p;
    llm_sched_params_default(&p);
    p.max_running = SCHED_RUNNING;
    p.step_tokens = SCHED_STEP_TOKENS;
    arena_mark_t before = s->before_ctx;
    err_code_t rc = ERR_NOMEM;
    for (uint32_t n = SCHED_POSITIONS; n >= SCHED_MIN_POSITIONS && rc != ERR_OK; n /= 2) {
        ARENA_RELEASE_OR_PANIC(s->arena, before);
        p.max_seq_pos = n;
        size_t bytes = llm_sched_bytes(&s->model, &p);
        void *buf = bytes ? arena_alloc(s->arena, bytes, 64, err) : NULL;
        if (!buf)
            continue;
        arena_init(&s->sched_arena, buf, bytes);
        rc = llm_sched_init(&s->sched, &s->model, &p, &s->sched_arena, err);
        if (rc == ERR_OK)
            rc = make_ctx(s, s->n_ctx_asked, s->types_asked, err);
    }
    if (rc != ERR_OK) {
        err_t ignored, why = *err;
        ARENA_RELEASE_OR_PANIC(s->arena, before);
        make_ctx(s, s->n_ctx_asked, s->types_asked, &ignored); /* the context there was (it fitted before) */
        return err_set(err, rc, "no room for background jobs beside a %u-position context (`llm gen -c N` makes it "
                       "smaller): %s", llm_ctx_n_ctx(&s->ctx), why.msg);
    }
    s->has_sched = true;
    return ERR_OK;
}
