/*
 * Model description: what a parsed GGUF file says about a decoder-only
 * model — its family (which pieces a block has), hyper-parameters and the
 * role of every tensor, with each tensor's shape checked against the
 * hyper-parameters. Read-only once
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

/* How a block rotates its queries and keys. */
typedef enum model_rope_style {
    MODEL_ROPE_NORM, /* adjacent pairs (x[2i], x[2i+1]): llama */
    MODEL_ROPE_NEOX, /* halves (x[i], x[i + n_rot/2]): GPT-NeoX, Gemma */
} model_rope_style_t;

/* The gated FFN's activation: act(gate) * up. */
typedef enum model_ffn_act {
    MODEL_FFN_SILU, /* SwiGLU: llama */
    MODEL_FFN_GELU, /* GeGLU, GELU in its tanh form through ggml's fp16 table: Gemma */
} model_ffn_act_t;

/*
 * A model family: which pieces its blocks have, as llama.cpp's graph for
 * the architecture builds them. One forward pass (transformer.c) follows
 * this description; a new family is a new entry in model_family.c, with the
 * keys of its <arch>.* namespace read by the same code.
 */
typedef struct model_family {
    const char *arch;         /* general.architecture; also the prefix of its keys */
    model_rope_style_t rope;
    model_ffn_act_t ffn_act;
    bool qk_norm;             /* RMSNorm of each query and key head (blk.N.attn_q_norm, attn_k_norm) */
    bool post_norms;          /* RMSNorm of the attention and FFN outputs before each residual add
                                 (blk.N.post_attention_norm, post_ffw_norm) */
    bool embd_scale;          /* embeddings times sqrtf(n_embd) */
    bool q_prescale;          /* queries times attn_scale after RoPE and scores unscaled (Gemma); else the
                                 scores times attn_scale (llama) */
    uint32_t swa_pattern;     /* with <arch>.attention.sliding_window: in each run of swa_pattern layers the
                                 last is global, the others windowed (0: every layer global) */
    float rope_freq_base_swa; /* RoPE base of windowed layers unless <arch>.rope.freq_base_swa says */
    uint32_t n_layer_big_scale; /* block count at which attn_scale is 1/sqrt(n_embd/n_head), not
                                   1/sqrt(head_dim) (Gemma 3 27B); 0: never */
    const char *default_chat; /* chat format of a file without a template ("gemma"), or NULL */
} model_family_t;

typedef struct model_hparams {
    uint32_t n_ctx_train;  /* <arch>.context_length: positions it was trained on */
    uint32_t n_embd;       /* <arch>.embedding_length */
    uint32_t n_layer;      /* <arch>.block_count */
    uint32_t n_ff;         /* <arch>.feed_forward_length */
    uint32_t n_head;       /* <arch>.attention.head_count */
    uint32_t n_head_kv;    /* <arch>.attention.head_count_kv (default n_head) */
    uint32_t head_dim;     /* <arch>.attention.key_length (= value_length; default n_embd / n_head) */
    uint32_t n_rot;        /* <arch>.rope.dimension_count (default head_dim) */
    float rope_freq_base;  /* <arch>.rope.freq_base (default 10000) */
    float rope_freq_base_swa; /* <arch>.rope.freq_base_swa, else the family's: windowed layers' base */
    float rms_eps;         /* <arch>.attention.layer_norm_rms_epsilon */
    uint32_t n_vocab;      /* <arch>.vocab_size, else the token list's length */
    uint32_t n_swa;        /* <arch>.attention.sliding_window: positions a windowed layer sees, its own
                              included (0: none) */
    uint32_t n_swa_layers; /* how many layers are windowed */
    float attn_scale;      /* the query-key scale: 1/sqrt(head_dim) (see model_family_t) */
    float final_logit_softcap; /* <arch>.final_logit_softcapping: logits = c tanh(logits / c) (0: none) */
} model_hparams_t;

typedef struct model_layer {
    const gguf_tensor_t *attn_norm, *attn_q, *attn_k, *attn_v, *attn_output;
    const gguf_tensor_t *ffn_norm, *ffn_gate, *ffn_up, *ffn_down;
    const gguf_tensor_t *attn_q_norm, *attn_k_norm;  /* family qk_norm, else NULL */
    const gguf_tensor_t *attn_post_norm, *ffn_post_norm; /* family post_norms, else NULL */
    bool swa;              /* attends over the last n_swa positions only */
    float rope_freq_base;  /* this layer's RoPE base */
} model_layer_t;

typedef struct model {
    const gguf_file_t *file;
    str_view_t arch; /* general.architecture */
    str_view_t name; /* general.name, or empty */
    const model_family_t *family;
    model_hparams_t hp;
    uint32_t file_type; /* general.file_type, or MODEL_FILE_TYPE_UNKNOWN */
    const gguf_tensor_t *token_embd, *output_norm;
    const gguf_tensor_t *output; /* the output projection: token_embd when tied */
    bool tied_embeddings;
    model_layer_t *layers;       /* n_layer entries, from the arena */
    const uint16_t *gelu_f16;    /* family GELU: ggml's table, fp16 GELU of every fp16 bit pattern
                                    (65536 entries, 128 KiB of the arena); else NULL */
    uint64_t n_params;           /* elements of all tensors */
    uint64_t weight_bytes;       /* bytes of all tensor data */
} model_t;

#define MODEL_FILE_TYPE_UNKNOWN UINT32_MAX

/*
 * Describes the model in a parsed file. The layer table (and a GELU
 * family's table) come from the arena (released again on failure). Errors
 * name the key or tensor: ERR_UNSUPPORTED for an architecture we have no
 * family for (model_family_names lists them) or a key asking for what the
 * family does not do (RoPE scaling), ERR_NOT_FOUND for a missing key or
 * tensor, ERR_FORMAT for an inconsistent hyper-parameter or tensor shape,
 * ERR_NOMEM when the arena is too small.
 */
err_code_t model_load(model_t *m, const gguf_file_t *file, arena_t *arena, err_t *err);

/* The family of architecture arch, or NULL. */
const model_family_t *model_family_find(str_view_t arch);

/* The architectures we run, comma-separated ("llama, gemma3"). */
const char *model_family_names(void);

/*
 * What the family's blocks do with this model's numbers, one line for
 * people ("rope neox 1e+06 / swa 10000, ffn gelu, qk-norm, post-norms, ...")
 * into buf (always terminated); returns buf.
 */
const char *model_describe_family(const model_t *m, char *buf, size_t len);

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
