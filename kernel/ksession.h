/*
 * The kernel's loaded model: at most one at a time, with one context (KV
 * cache and working memory), both in the kernel arena above the point where
 * the model was loaded. Unloading releases the arena back to that point, so
 * models can be swapped without a reboot. The weights stay where the model
 * store found them (initrd or image): nothing is copied.
 */
#ifndef KERNEL_KSESSION_H
#define KERNEL_KSESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/model_store.h"
#include "llm/support/err.h"
#include "llm/llm.h"
#include "llm/llm_sched.h"
#include "llm/support/arena.h"

typedef struct ksession {
    arena_t *arena;
    const model_entry_t *entry; /* the loaded model, or NULL */
    llm_model_t model;
    llm_ctx_t ctx;
    uint32_t n_ctx_asked;       /* what the context was made for (0: the default) */
    kv_types_t types_asked;     /* and its cache's key and value types */
    llm_sched_t sched;          /* the background jobs, in an arena of their own below the context */
    arena_t sched_arena;
    bool has_sched;
    arena_mark_t before_model, before_ctx;
} ksession_t;

void ksession_init(ksession_t *s, arena_t *arena);

/*
 * Unloads the current model, checks e's SHA-256 if the store has one
 * (ERR_FORMAT on a mismatch), loads e and makes a context of the default
 * size (LLM_DEFAULT_N_CTX, less if the arena is short). On error nothing is
 * loaded and the arena is back where it was before the old model.
 */
err_code_t ksession_load(ksession_t *s, const model_entry_t *e, err_t *err);

void ksession_unload(ksession_t *s);

/*
 * Remakes the context for n_ctx positions (0: the default) and a cache of
 * these types unless it already is; ERR_NOMEM says the bytes needed,
 * ERR_INVALID a type the model cannot take (the old context stays then).
 */
err_code_t ksession_use_ctx(ksession_t *s, uint32_t n_ctx, kv_types_t types, err_t *err);

/*
 * The scheduler for background jobs, made on first use in an arena of its
 * own below the context (which is remade above it): 4 running at most,
 * each of up to 512 positions (fewer if the arena is short, down to 64).
 * Unloading the model ends it.
 */
err_code_t ksession_sched(ksession_t *s, llm_sched_t **out, err_t *err);

#endif
