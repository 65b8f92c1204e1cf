/*
 * Builds a model_t from GGUF metadata and tensors (see model.h): the
 * family from general.architecture (model_family.c), then its <arch>.* keys
 * and tensors. Key names and tensor shapes follow llama.cpp: ggml order,
 * ne[0] is the input (row) length of a weight matrix.
 */
#include "llm/model.h"

#include "llm/support/escape.h"
#include "llm/support/fmt.h"
#include "llm/support/mathf.h"

#define TENSOR_NAME_MAX 64

#define KEY_MAX 96

/* The key "<arch>.<suffix>". */
static const char *arch_key(const model_t *m, const char *suffix, char *buf)
{
    fmt_snprintf(buf, KEY_MAX, "%s.%s", m->family->arch, suffix);
    return buf;
}

/* Reads <arch>.suffix into *v; absent keys keep *v (the default) unless required. */
static err_code_t get_u32(const model_t *m, const char *suffix, bool required, uint32_t *v, err_t *err)
{
    char key[KEY_MAX];
    err_code_t rc = gguf_get_u32(m->file, arch_key(m, suffix, key), v, err);
    return rc == ERR_NOT_FOUND && !required ? ERR_OK : rc;
}

static err_code_t get_f32(const model_t *m, const char *suffix, float *v, err_t *err)
{
    char key[KEY_MAX];
    err_code_t rc = gguf_get_f32(m->file, arch_key(m, suffix, key), v, err);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

/* Keys that would change the arithmetic in ways no family here implements. */
static err_code_t refuse_unsupported_keys(const model_t *m, err_t *err)
{
    static const char *const suffixes[] = { "rope.scaling.type", "rope.scaling.factor", "attn_logit_softcapping",
                                            "attention.key_length_swa", "rope.dimension_count_swa" };
    char key[KEY_MAX];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        const gguf_kv_t *kv = gguf_find_kv(m->file, arch_key(m, suffixes[i], key));
        str_view_t type;
        if (!kv)
            continue;
        if (i == 0 && gguf_get_str(m->file, key, &type, NULL) == ERR_OK &&
            (str_view_eq_cstr(type, "none") || str_view_eq_cstr(type, "")))
            continue;
        if (i == 1) {
            float factor = 0.0f;
            if (gguf_get_f32(m->file, key, &factor, NULL) == ERR_OK && (factor == 0.0f || factor == 1.0f))
                continue;
        }
        return err_set(err, ERR_UNSUPPORTED, "model: key '%s' asks for what we do not implement", key);
    }
    return ERR_OK;
}

/* Which layers are windowed: <arch>.attention.sliding_window_pattern (a count, or one bool per layer) or the family's. */
static err_code_t read_swa_layers(model_t *m, err_t *err)
{
    model_hparams_t *hp = &m->hp;
    char key[KEY_MAX];
    const gguf_kv_t *per_layer = NULL;
    uint32_t pattern = m->family->swa_pattern;
    arch_key(m, "attention.sliding_window_pattern", key);
    err_code_t rc = gguf_get_array(m->file, key, GGUF_TYPE_BOOL, &per_layer, NULL);
    if (rc == ERR_OK && per_layer->n_elems != hp->n_layer)
        return err_set(err, ERR_FORMAT, "model: key '%s' has %llu entries for %u layers", key,
                       (unsigned long long)per_layer->n_elems, hp->n_layer);
    if (rc != ERR_OK && (rc = get_u32(m, "attention.sliding_window_pattern", false, &pattern, err)) != ERR_OK)
        return rc;
    hp->n_swa_layers = 0;
    for (uint32_t il = 0; il < hp->n_layer; il++) {
        model_layer_t *l = &m->layers[il];
        if (hp->n_swa == 0)
            l->swa = false;
        else if (per_layer)
            l->swa = per_layer->value[il] != 0;
        else
            l->swa = pattern == 0 || il % pattern < pattern - 1;
        l->rope_freq_base = l->swa ? hp->rope_freq_base_swa : hp->rope_freq_base;
        hp->n_swa_layers += l->swa;
    }
    return ERR_OK;
}

static err_code_t read_hparams(model_t *m, err_t *err)
{
    model_hparams_t *hp = &m->hp;
    *hp = (model_hparams_t){ .rope_freq_base = 10000.0f, .rope_freq_base_swa = m->family->rope_freq_base_swa,
                             .rms_eps = 1e-5f };
    err_code_t rc = ERR_OK;
    if (rc == ERR_OK) rc = get_u32(m, "context_length", true, &hp->n_ctx_train, err);
    if (rc == ERR_OK) rc = get_u32(m, "embedding_length", true, &hp->n_embd, err);
    if (rc == ERR_OK) rc = get_u32(m, "block_count", true, &hp->n_layer, err);
    if (rc == ERR_OK) rc = get_u32(m, "feed_forward_length", true, &hp->n_ff, err);
    if (rc == ERR_OK) rc = get_u32(m, "attention.head_count", true, &hp->n_head, err);
    if (rc != ERR_OK)
        return rc;
    hp->n_head_kv = hp->n_head;
    hp->head_dim = hp->n_embd / hp->n_head;
    uint32_t v_len = 0;
    if (rc == ERR_OK) rc = get_u32(m, "attention.head_count_kv", false, &hp->n_head_kv, err);
    if (rc == ERR_OK) rc = get_u32(m, "attention.key_length", false, &hp->head_dim, err);
    if (rc == ERR_OK) v_len = hp->head_dim;
    if (rc == ERR_OK) rc = get_u32(m, "attention.value_length", false, &v_len, err);
    if (rc == ERR_OK) rc = get_f32(m, "rope.freq_base", &hp->rope_freq_base, err);
    if (rc == ERR_OK) rc = get_f32(m, "rope.freq_base_swa", &hp->rope_freq_base_swa, err);
    if (rc == ERR_OK) rc = get_f32(m, "attention.layer_norm_rms_epsilon", &hp->rms_eps, err);
    if (rc == ERR_OK) rc = get_u32(m, "attention.sliding_window", false, &hp->n_swa, err);
    if (rc == ERR_OK) rc = get_f32(m, "final_logit_softcapping", &hp->final_logit_softcap, err);
    if (rc == ERR_OK) rc = refuse_unsupported_keys(m, err);
    if (rc != ERR_OK)
        return rc;

    const char *bad = NULL;
    if (hp->n_ctx_train == 0 || hp->n_embd == 0 || hp->n_layer == 0 || hp->n_ff == 0 || hp->n_head == 0)
        bad = "a size is 0";
    else if (hp->n_head_kv == 0 || hp->n_head % hp->n_head_kv)
        bad = "head_count is not a multiple of head_count_kv";
    else if (hp->head_dim == 0 || hp->head_dim > 4096 || hp->head_dim % 2)
        bad = "key_length must be even, 2 to 4096";
    else if (v_len != hp->head_dim)
        bad = "value_length differs from key_length";
    else if ((uint64_t)hp->n_head * hp->head_dim > UINT32_MAX / 64)
        bad = "head_count times key_length is too large";
    else if (!(hp->rms_eps > 0.0f) || !(hp->rope_freq_base > 0.0f) || !(hp->rope_freq_base_swa > 0.0f))
        bad = "rms epsilon and rope bases must be positive";
    else if (!(hp->final_logit_softcap >= 0.0f) || hp->final_logit_softcap > 1e30f)
        bad = "final_logit_softcapping must be 0 (none) or positive";
    if (bad)
        return err_set(err, ERR_FORMAT,
                       "model: bad hyper-parameters (%s): n_ctx %u, n_embd %u, n_layer %u, n_ff %u, n_head %u, "
                       "n_head_kv %u, head size %u",
                       bad, hp->n_ctx_train, hp->n_embd, hp->n_layer, hp->n_ff, hp->n_head, hp->n_head_kv,
                       hp->head_dim);
    hp->n_rot = hp->head_dim;
    rc = get_u32(m, "rope.dimension_count", false, &hp->n_rot, err);
    if (rc == ERR_OK && (hp->n_rot == 0 || hp->n_rot > hp->head_dim || hp->n_rot % 2))
        rc = err_set(err, ERR_FORMAT, "model: %s.rope.dimension_count %u must be even and at most the head size %u",
                     m->family->arch, hp->n_rot, hp->head_dim);
    /* llama.cpp: 1/sqrt(head size), for Gemma 3 27B 1/sqrt(n_embd / n_head) */
    uint32_t scale_dim = m->family->n_layer_big_scale && hp->n_layer == m->family->n_layer_big_scale
                             ? hp->n_embd / hp->n_head
                             : hp->head_dim;
    hp->attn_scale = 1.0f / math_sqrtf((float)(scale_dim ? scale_dim : 1));
    return rc;
}

static err_code_t read_vocab_size(model_t *m, err_t *err)
{
    const gguf_file_t *f = m->file;
    model_hparams_t *hp = &m->hp;
    char key[KEY_MAX];
    err_code_t rc = gguf_get_u32(f, arch_key(m, "vocab_size", key), &hp->n_vocab, err);
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
    return err_set(err, ERR_NOT_FOUND, "model: no vocabulary size (%s.vocab_size, tokenizer.ggml.tokens or token_embd)", m->family->arch);
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

static err_code_t map_layer(const model_t *m, uint32_t il, model_layer_t *l, err_t *err)
{
    const model_hparams_t *hp = &m->hp;
    const model_family_t *fam = m->family;
    const uint64_t e = hp->n_embd, q = (uint64_t)hp->n_head * hp->head_dim,
                   kv = (uint64_t)hp->n_head_kv * hp->head_dim, ff = hp->n_ff, hd = hp->head_dim;
    const struct {
        const gguf_tensor_t **slot;
        const char *role;
        uint64_t ne0, ne1;
        bool wanted;
    } roles[] = {
        { &l->attn_norm, "attn_norm", e, 0, true },     { &l->attn_q, "attn_q", e, q, true },
        { &l->attn_k, "attn_k", e, kv, true },          { &l->attn_v, "attn_v", e, kv, true },
        { &l->attn_output, "attn_output", q, e, true }, { &l->ffn_norm, "ffn_norm", e, 0, true },
        { &l->ffn_gate, "ffn_gate", e, ff, true },      { &l->ffn_up, "ffn_up", e, ff, true },
        { &l->ffn_down, "ffn_down", ff, e, true },
        { &l->attn_q_norm, "attn_q_norm", hd, 0, fam->qk_norm },
        { &l->attn_k_norm, "attn_k_norm", hd, 0, fam->qk_norm },
        { &l->attn_post_norm, "post_attention_norm", e, 0, fam->post_norms },
        { &l->ffn_post_norm, "post_ffw_norm", e, 0, fam->post_norms },
    };
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        char name[TENSOR_NAME_MAX];
        *roles[i].slot = NULL;
        if (!roles[i].wanted)
            continue;
        fmt_snprintf(name, sizeof name, "blk.%u.%s.weight", il, roles[i].role);
        err_code_t rc = tensor(m->file, name, roles[i].ne0, roles[i].ne1, roles[i].slot, err);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static err_code_t map_tensors(model_t *m, arena_t *arena, err_t *err)
{
    const gguf_file_t *f = m->file;
    const model_hparams_t *hp = &m->hp;
    if (hp->n_layer > f->n_tensors)
        return err_set(err, ERR_FORMAT, "model: %s.block_count is %u but the file has %llu tensors",
                       m->family->arch, hp->n_layer, (unsigned long long)f->n_tensors);
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
        rc = map_layer(m, il, &m->layers[il], err);
    return rc;
}

/* ggml's GELU table: the fp16 GELU (tanh form, float arithmetic as ggml writes it) of every fp16 value. */
static err_code_t make_gelu_table(model_t *m, arena_t *arena, err_t *err)
{
    const float coef_a = 0.044715f, sqrt_2_over_pi = 0.79788456080286535587989211986876f;
    uint16_t *t = arena_alloc_array(arena, 65536, sizeof *t, 64, err);
    if (!t)
        return ERR_NOMEM;
    for (uint32_t i = 0; i < 65536; i++) {
        float x = quant_fp16_to_f32((uint16_t)i);
        t[i] = quant_f32_to_fp16(0.5f * x * (1.0f + math_tanhf(sqrt_2_over_pi * x * (1.0f + coef_a * x * x))));
    }
    m->gelu_f16 = t;
    return ERR_OK;
}

err_code_t model_load(model_t *m, const gguf_file_t *file, arena_t *arena, err_t *err)
{
    *m = (model_t){ .file = file, .file_type = MODEL_FILE_TYPE_UNKNOWN };
    err_code_t rc = gguf_get_str(file, "general.architecture", &m->arch, err);
    if (rc != ERR_OK)
        return rc;
    if (!(m->family = model_family_find(m->arch))) {
        char arch[ESC_BUF_BYTES(40)];
        return err_set(err, ERR_UNSUPPORTED, "model: architecture '%s' is not supported (we run: %s)",
                       esc_text(arch, sizeof arch, m->arch.ptr, m->arch.len, 40), model_family_names());
    }
    if (gguf_get_str(file, "general.name", &m->name, NULL) != ERR_OK)
        m->name = (str_view_t){ "", 0 };
    rc = gguf_get_u32(file, "general.file_type", &m->file_type, err);
    rc = rc == ERR_NOT_FOUND ? ERR_OK : rc;
    if (rc == ERR_OK)
        rc = read_hparams(m, err);
    if (rc == ERR_OK)
        rc = read_vocab_size(m, err);
    if (rc != ERR_OK)
        return rc;

    arena_mark_t mark = arena_mark(arena);
    rc = map_tensors(m, arena, err);
    if (rc == ERR_OK)
        rc = read_swa_layers(m, err);
    if (rc == ERR_OK && m->family->ffn_act == MODEL_FFN_GELU)
        rc = make_gelu_table(m, arena, err);
    if (rc != ERR_OK) {
        arena_release(arena, mark, NULL);
        m->layers = NULL;
        m->gelu_f16 = NULL;
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
