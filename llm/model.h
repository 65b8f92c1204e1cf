/*
 * Model description: what a parsed GGUF file says about a LLaMA-family
 * model — architecture, hyper-parameters and the role of every tensor, with
 * each tensor's shape checked against the hyper-parameters. Read-only once
 * loaded and shareable between contexts; the weights stay views into the
 * file. Running the model is transformer.c's job.
 */
#ifndef LLM_MODEL_H
#define LLM_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "llm/support/err.h"
#include "llm/gguf/gguf.h"
#include "llm/support/arena.h"

typedef struct model_hparams {
    uint32_t n_ctx_train;  /* llama.context_length: positions it was trained on */
    uint32_t n_embd;       /* llama.embedding_length */
    uint32_t n_layer;      /* llama.block_count */
    uint32_t n_ff;         /* llama.feed_forward_length */
    uint32_t n_head;       /* llama.attention.head_count */
    uint32_t n_head_kv;    /* llama.attention.head_count_kv (default n_head) */
    uint32_t head_dim;     /* n_embd / n_head */
    uint32_t n_rot;        /* llama.rope.dimension_count (default head_dim) */
    float rope_freq_base;  /* llama.rope.freq_base (default 10000) */
    float rms_eps;         /* llama.attention.layer_norm_rms_epsilon */
    uint32_t n_vocab;      /* llama.vocab_size, else the token list's length */
} model_hparams_t;

typedef struct model_layer {
    const gguf_tensor_t *attn_norm, *attn_q, *attn_k, *attn_v, *attn_output;
    const gguf_tensor_t *ffn_norm, *ffn_gate, *ffn_up, *ffn_down;
} model_layer_t;

typedef struct model {
    const gguf_file_t *file;
    str_view_t arch; /* general.architecture */
    str_view_t name; /* general.name, or empty */
    model_hparams_t hp;
    uint32_t file_type; /* general.file_type, or MODEL_FILE_TYPE_UNKNOWN */
    const gguf_tensor_t *token_embd, *output_norm;
    const gguf_tensor_t *output; /* the output projection: token_embd when tied */
    bool tied_embeddings;
    model_layer_t *layers;       /* n_layer entries, from the arena */
    uint64_t n_params;           /* elements of all tensors */
    uint64_t weight_bytes;       /* bytes of all tensor data */
} model_t;

#define MODEL_FILE_TYPE_UNKNOWN UINT32_MAX

/*
 * Describes the model in a parsed file. The layer table comes from the arena
 * (released again on failure). Errors name the key or tensor: ERR_UNSUPPORTED
 * for an architecture other than "llama", ERR_NOT_FOUND for a missing key or
 * tensor, ERR_FORMAT for an inconsistent hyper-parameter or tensor shape,
 * ERR_NOMEM when the arena is too small.
 */
err_code_t model_load(model_t *m, const gguf_file_t *file, arena_t *arena, err_t *err);

/* The metadata accessor: everything a user asks about a loaded model. */
typedef struct model_info {
    uint32_t n_layer, n_embd, n_head, n_head_kv, n_ff, n_vocab, n_ctx;
    uint32_t file_type;
    const char *file_type_name; /* "Q4_1", "Q4_K_M", ... or "unknown" */
    uint64_t n_params;
    uint64_t weight_bytes;
} model_info_t;

void model_get_info(const model_t *m, model_info_t *out);

/* llama.cpp's name for a general.file_type value ("Q4_0", "Q4_K_M", ...), or "unknown". */
const char *model_file_type_name(uint32_t file_type);

#endif
