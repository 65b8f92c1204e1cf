/*
 * The model families we run, as data (model_family_t in model.h): what
 * llama.cpp's graph for each architecture does (src/models/<arch>.cpp in
 * its source), and the one-line description `llm info` prints. Adding a
 * family that needs no new kind of piece is adding an entry here.
 */
#include "llm/model.h"

#include "llm/support/fmt.h"

static const model_family_t families[] = {
    {
        .arch = "llama",
        .rope = MODEL_ROPE_NORM,
        .ffn_act = MODEL_FFN_SILU,
        .rope_freq_base_swa = 10000.0f,
    },
    {
        /* src/models/gemma3.cpp: embeddings scaled, norms before and after both
           halves of a block, per-head query/key norms, NEOX RoPE with a base per
           layer kind, five windowed layers in six, GeGLU, queries pre-scaled. */
        .arch = "gemma3",
        .rope = MODEL_ROPE_NEOX,
        .ffn_act = MODEL_FFN_GELU,
        .qk_norm = true,
        .post_norms = true,
        .embd_scale = true,
        .q_prescale = true,
        .swa_pattern = 6,
        .rope_freq_base_swa = 10000.0f,
        .n_layer_big_scale = 62,
        .default_chat = "gemma",
    },
};

#define N_FAMILIES (sizeof families / sizeof families[0])

const model_family_t *model_family_find(str_view_t arch)
{
    for (size_t i = 0; i < N_FAMILIES; i++)
        if (str_view_eq_cstr(arch, families[i].arch))
            return &families[i];
    return NULL;
}

const char *model_family_names(void)
{
    return "llama, gemma3";
}

const char *model_describe_family(const model_t *m, char *buf, size_t len)
{
    const model_family_t *f = m->family;
    const model_hparams_t *hp = &m->hp;
    size_t at = 0;
#define PUT(...) (at += fmt_snprintf(buf + (at < len ? at : len), at < len ? len - at : 0, __VA_ARGS__))
    PUT("rope %s base %.0f", f->rope == MODEL_ROPE_NEOX ? "neox" : "norm", (double)hp->rope_freq_base);
    if (hp->n_swa)
        PUT(", window %u on %u of %u layers (base %.0f)", hp->n_swa, hp->n_swa_layers, hp->n_layer,
            (double)hp->rope_freq_base_swa);
    PUT(", ffn %s", f->ffn_act == MODEL_FFN_GELU ? "gelu" : "silu");
    if (f->qk_norm)
        PUT(", qk-norm");
    if (f->post_norms)
        PUT(", post-norms");
    if (f->embd_scale)
        PUT(", embd x sqrt(%u)", hp->n_embd);
    PUT(", head %u, %s scale %.6f", hp->head_dim, f->q_prescale ? "query" : "score", (double)hp->attn_scale);
    if (hp->final_logit_softcap > 0.0f)
        PUT(", softcap %.1f", (double)hp->final_logit_softcap);
    PUT(", %s output", m->tied_embeddings ? "tied" : "own");
#undef PUT
    return buf;
}
