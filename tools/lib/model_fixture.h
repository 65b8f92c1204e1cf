/*
 * Synthetic LLaMA-architecture GGUF files for tests: tiny hyper-parameters,
 * deterministic pseudo-random weights in any type we can quantize to, and
 * switches that break one thing (a missing tensor, a wrong shape, another
 * architecture) for the loader's refusal tests. Hosted only.
 */
#ifndef TOOLS_LIB_MODEL_FIXTURE_H
#define TOOLS_LIB_MODEL_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/quant.h"

typedef struct fixture_opts {
    uint32_t n_embd, n_head, n_head_kv, n_ff, n_layer, n_vocab, n_ctx;
    quant_type_t weight_type; /* 2-D weights; norms are F32 */
    bool tied;                /* no output.weight: the output reuses token_embd */
    const char *arch;         /* general.architecture */
    const char *omit_tensor;  /* leave this tensor out */
    const char *reshape_tensor; /* give this tensor one more row than it should have */
    const char *omit_key;     /* leave this metadata key out */
    uint32_t seed;
} fixture_opts_t;

/* A small valid model: 64 embedding, 4 heads, 2 KV heads, 96 FFN, 2 layers, 128 tokens, F32, tied. */
fixture_opts_t fixture_defaults(void);

/* The file, malloc'd (free it); *len its size. */
uint8_t *fixture_tiny_llama(const fixture_opts_t *o, size_t *len);

#endif
