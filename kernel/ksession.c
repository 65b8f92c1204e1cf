/* The kernel's one loaded model and its context (see ksession.h). */
#include "kernel/ksession.h"

void ksession_init(ksession_t *s, arena_t *arena)
{
    s->arena = arena;
    s->entry = NULL;
}

void ksession_unload(ksession_t *s)
{
    if (!s->entry)
        return;
    arena_release(s->arena, s->before_model, NULL);
    s->entry = NULL;
}

static err_code_t make_ctx(ksession_t *s, uint32_t n_ctx, err_t *err)
{
    llm_ctx_params_t p;
    llm_ctx_params_default(&p);
    p.n_ctx = n_ctx;
    s->before_ctx = arena_mark(s->arena);
    err_code_t rc = llm_ctx_init(&s->ctx, &s->model, &p, s->arena, err);
    if (rc == ERR_OK)
        s->n_ctx_asked = n_ctx;
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
        rc = make_ctx(s, 0, err);
    if (rc != ERR_OK) {
        arena_release(s->arena, s->before_model, NULL);
        return rc;
    }
    s->entry = e;
    return ERR_OK;
}

err_code_t ksession_use_ctx(ksession_t *s, uint32_t n_ctx, err_t *err)
{
    if (n_ctx == s->n_ctx_asked)
        return ERR_OK;
    arena_release(s->arena, s->before_ctx, NULL);
    err_code_t rc = make_ctx(s, n_ctx, err);
    if (rc != ERR_OK) {
        err_t ignored;
        arena_release(s->arena, s->before_ctx, NULL);
        make_ctx(s, s->n_ctx_asked, &ignored); /* back to the context there was (it fitted before) */
    }
    return rc;
}
