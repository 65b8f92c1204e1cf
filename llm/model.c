/*
 * Builds a model_t from GGUF metadata and tensors (see model.h). Key names
 * and tensor shapes follow llama.cpp's "llama" architecture: ggml order,
 * ne[0] is the input (row) length of a weight matrix.
 */
#include "llm/model.h"

#include "llm/support/fmt.h"

#define TENSOR_NAME_MAX 64

/* Reads key into *v; absent keys keep *v (the default) unless required. */
static err_code_t get_u32(const gguf_file_t *f, const char *key, bool required, uint32_t *v, err_t *err)
{
    err_code_t rc = gguf_get_u32(f, key, v, err);
    return rc == ERR_NOT_FOUND && !required ? ERR_OK : rc;
}

static err_code_t get_f32(const gguf_file_t *f, const char *key, bool required, float *v, err_t *err)
{
    err_code_t rc = gguf_get_f32(f, key, v, err);
    return rc == ERR_NOT_FOUND && !required ? ERR_OK : rc;
}

static err_code_t read_hparams(const gguf_file_t *f, model_hparams_t *hp, err_t *err)
{
    *hp = (model_hparams_t){ .rope_freq_base = 10000.0f, .rms_eps = 1e-5f };
    err_code_t rc = ERR_OK;
    if (rc == ERR_OK) rc = get_u32(f, "llama.context_length", true, &hp->n_ctx_train, err);
    if (rc == ERR_OK) rc = get_u32(f, "llama.embedding_length", true, &hp->n_embd, err);
    if (rc == ERR_OK) rc = get_u32(f, "llama.block_count", true, &hp->n_layer, err);
    if (rc == ERR_OK) rc = get_u32(f, "llama.feed_forward_length", true, &hp->n_ff, err);
    if (rc == ERR_OK) rc = get_u32(f, "llama.attention.head_count", true, &hp->n_head, err);
    if (rc != ERR_OK)
        return rc;
    hp->n_head_kv = hp->n_head;
    if (rc == ERR_OK) rc = get_u32(f, "llama.attention.head_count_kv", false, &hp->n_head_kv, err);
    if (rc == ERR_OK) rc = get_f32(f, "llama.rope.freq_base", false, &hp->rope_freq_base, err);
    if (rc == ERR_OK) rc = get_f32(f, "llama.attention.layer_norm_rms_epsilon", false, &hp->rms_eps, err);
    if (rc != ERR_OK)
        return rc;

    const char *bad = NULL;
    if (hp->n_ctx_train == 0 || hp->n_embd == 0 || hp->n_layer == 0 || hp->n_ff == 0 || hp->n_head == 0)
        bad = "a size is 0";
    else if (hp->n_embd % hp->n_head)
        bad = "embedding_length is not a multiple of head_count";
    else if (hp->n_head_kv == 0 || hp->n_head % hp->n_head_kv)
        bad = "head_count is not a multiple of head_count_kv";
    else if (!(hp->rms_eps > 0.0f) || !(hp->rope_freq_base > 0.0f))
        bad = "rms epsilon and rope base must be positive";
    if (bad)
        return err_set(err, ERR_FORMAT,
                       "model: bad hyper-parameters (%s): n_ctx %u, n_embd %u, n_layer %u, n_ff %u, n_head %u, n_head_kv %u",
                       bad, hp->n_ctx_train, hp->n_embd, hp->n_layer, hp->n_ff, hp->n_head, hp->n_head_kv);
    hp->head_dim = hp->n_embd / hp->n_head;
    hp->n_rot = hp->head_dim;
    rc = get_u32(f, "llama.rope.dimension_count", false, &hp->n_rot, err);
    if (rc == ERR_OK && (hp->n_rot == 0 || hp->n_rot > hp->head_dim || hp->n_rot % 2))
        rc = err_set(err, ERR_FORMAT, "model: llama.rope.dimension_count %u must be even and at most the head size %u",
                     hp->n_rot, hp->head_dim);
    return rc;
}

static err_code_t read_vocab_size(const gguf_file_t *f, model_hparams_t *hp, err_t *err)
{
    err_code_t rc = gguf_get_u32(f, "llama.vocab_size", &hp->n_vocab, err);
    if (rc != ERR_NOT_FOUND)
        return rc;
    const gguf_kv_t *tokens;
    if (gguf_get_array(f, "tokenizer.ggml.tokens", GGUF_TYPE_STRING, &tokens, err) == ERR_OK &&
        tokens->n_elems <= UINT32_MAX) {
        hp->n_vocab = (uint32_t)tokens->n_elems;
        return ERR_OK;
    }
    const gguf_tensor_t *embd = gguf_find_tensor(f, "token_embd.weight");
    if (embd && embd->n_dims == 2 && embd->ne[1] <= UINT32_MAX) {
        hp->n_vocab = (uint32_t)embd->ne[1];
        return ERR_OK;
    }
    return err_set(err, ERR_NOT_FOUND, "model: no vocabulary size (llama.vocab_size, tokenizer.ggml.tokens or token_embd)");
}

/* Finds the tensor called name, which must have shape [ne0] (ne1 == 0) or [ne0, ne1]. */
static err_code_t tensor(const gguf_file_t *f, const char *name, uint64_t ne0, uint64_t ne1,
                         const gguf_tensor_t **out, err_t *err)
{
    const gguf_tensor_t *t = gguf_find_tensor(f, name);
    uint32_t dims = ne1 ? 2 : 1;
    if (!t)
        return err_set(err, ERR_NOT_FOUND, "model: tensor '%s' is missing", name);
    if (t->n_dims != dims || t->ne[0] != ne0 || (dims == 2 && t->ne[1] != ne1)) {
        char want[48], got[64];
        fmt_snprintf(want, sizeof want, dims == 2 ? "[%llu, %llu]" : "[%llu]", (unsigned long long)ne0,
                     (unsigned long long)ne1);
        fmt_snprintf(got, sizeof got, "[%llu, %llu, %llu, %llu] (%u dims)", (unsigned long long)t->ne[0],
                     (unsigned long long)t->ne[1], (unsigned long long)t->ne[2], (unsigned long long)t->ne[3],
                     t->n_dims);
        return err_set(err, ERR_FORMAT, "model: tensor '%s' has shape %s, expected %s", name, got, want);
    }
    if (dims == 2 && !t->format->vec_dot)
        return err_set(err, ERR_UNSUPPORTED, "model: tensor '%s' is %s, an activation format, not a weight format",
                       name, t->format->name);
    *out = t;
    return ERR_OK;
}

static err_code_t map_layer(const gguf_file_t *f, const model_hparams_t *hp, uint32_t il, model_layer_t *l,
                            err_t *err)
{
    const uint64_t e = hp->n_embd, q = (uint64_t)hp->n_head * hp->head_dim,
                   kv = (uint64_t)hp->n_head_kv * hp->head_dim, ff = hp->n_ff;
    const struct {
        const gguf_tensor_t **slot;
        const char *role;
        uint64_t ne0, ne1;
    } roles[] = {
        { &l->attn_norm, "attn_norm", e, 0 },   { &l->attn_q, "attn_q", e, q },
        { &l->attn_k, "attn_k", e, kv },        { &l->attn_v, "attn_v", e, kv },
        { &l->attn_output, "attn_output", q, e }, { &l->ffn_norm, "ffn_norm", e, 0 },
        { &l->ffn_gate, "ffn_gate", e, ff },    { &l->ffn_up, "ffn_up", e, ff },
        { &l->ffn_down, "ffn_down", ff, e },
    };
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        char name[TENSOR_NAME_MAX];
        fmt_snprintf(name, sizeof name, "blk.%u.%s.weight", il, roles[i].role);
        err_code_t rc = tensor(f, name, roles[i].ne0, roles[i].ne1, roles[i].slot, err);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static err_code_t map_tensors(model_t *m, arena_t *arena, err_t *err)
{
    const gguf_file_t *f = m->file;
    const model_hparams_t *hp = &m->hp;
    err_code_t rc = tensor(f, "token_embd.weight", hp->n_embd, hp->n_vocab, &m->token_embd, err);
    if (rc == ERR_OK)
        rc = tensor(f, "output_norm.weight", hp->n_embd, 0, &m->output_norm, err);
    m->tied_embeddings = gguf_find_tensor(f, "output.weight") == NULL;
    m->output = m->token_embd;
    if (rc == ERR_OK && !m->tied_embeddings)
        rc = tensor(f, "output.weight", hp->n_embd, hp->n_vocab, &m->output, err);
    if (rc != ERR_OK)
        return rc;

    m->layers = arena_alloc_array(arena, hp->n_layer, sizeof *m->layers, 0, err);
    if (!m->layers)
        return ERR_NOMEM;
    for (uint32_t il = 0; il < hp->n_layer && rc == ERR_OK; il++)
        rc = map_layer(f, hp, il, &m->layers[il], err);
    return rc;
}

err_code_t model_load(model_t *m, const gguf_file_t *file, arena_t *arena, err_t *err)
{
    *m = (model_t){ .file = file, .file_type = MODEL_FILE_TYPE_UNKNOWN };
    err_code_t rc = gguf_get_str(file, "general.architecture", &m->arch, err);
    if (rc != ERR_OK)
        return rc;
    if (!str_view_eq_cstr(m->arch, "llama"))
        return err_set(err, ERR_UNSUPPORTED, "model: architecture '%.*s' is not supported (only \"llama\")",
                       (int)(m->arch.len < 40 ? m->arch.len : 40), m->arch.ptr);
    if (gguf_get_str(file, "general.name", &m->name, NULL) != ERR_OK)
        m->name = (str_view_t){ "", 0 };
    rc = get_u32(file, "general.file_type", false, &m->file_type, err);
    if (rc == ERR_OK)
        rc = read_hparams(file, &m->hp, err);
    if (rc == ERR_OK)
        rc = read_vocab_size(file, &m->hp, err);
    if (rc != ERR_OK)
        return rc;

    arena_mark_t mark = arena_mark(arena);
    rc = map_tensors(m, arena, err);
    if (rc != ERR_OK) {
        arena_release(arena, mark, NULL);
        m->layers = NULL;
        return rc;
    }
    for (uint64_t i = 0; i < file->n_tensors; i++) {
        m->n_params += file->tensors[i].n_elems;
        m->weight_bytes += file->tensors[i].n_bytes;
    }
    return ERR_OK;
}

const char *model_file_type_name(uint32_t t)
{
    static const char *const names[] = {
        [0] = "F32",     [1] = "F16",     [2] = "Q4_0",    [3] = "Q4_1",    [7] = "Q8_0",
        [8] = "Q5_0",    [9] = "Q5_1",    [10] = "Q2_K",   [11] = "Q3_K_S", [12] = "Q3_K_M",
        [13] = "Q3_K_L", [14] = "Q4_K_S", [15] = "Q4_K_M", [16] = "Q5_K_S", [17] = "Q5_K_M",
        [18] = "Q6_K",   [32] = "BF16",
    };
    return t < sizeof names / sizeof names[0] && names[t] ? names[t] : "unknown";
}

void model_get_info(const model_t *m, model_info_t *out)
{
    *out = (model_info_t){
        .n_layer = m->hp.n_layer,
        .n_embd = m->hp.n_embd,
        .n_head = m->hp.n_head,
        .n_head_kv = m->hp.n_head_kv,
        .n_ff = m->hp.n_ff,
        .n_vocab = m->hp.n_vocab,
        .n_ctx = m->hp.n_ctx_train,
        .file_type = m->file_type,
        .file_type_name = model_file_type_name(m->file_type),
        .n_params = m->n_params,
        .weight_bytes = m->weight_bytes,
    };
}
