/*
 * Builds the synthetic models of model_fixture.h with the GGUF writer. The
 * weights are a fixed xorshift sequence scaled to about unit variance, then
 * quantized with the engine's own quantizers.
 */
#include "tools/lib/model_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/lib/gguf_writer.h"

fixture_opts_t fixture_defaults(void)
{
    return (fixture_opts_t){ .n_embd = 64, .n_head = 4, .n_head_kv = 2, .n_ff = 96, .n_layer = 2, .n_vocab = 128,
                             .n_ctx = 256, .weight_type = QUANT_F32, .tied = true, .arch = "llama", .seed = 1 };
}

typedef struct builder {
    const fixture_opts_t *o;
    gguf_writer_t w;
    uint32_t rng;
    void **owned;
    size_t n_owned;
} builder_t;

static float next_weight(builder_t *b)
{
    b->rng ^= b->rng << 13;
    b->rng ^= b->rng >> 17;
    b->rng ^= b->rng << 5;
    return ((float)(b->rng & 0xffffff) / (float)0x1000000 - 0.5f) * 3.4f; /* uniform, variance ~1 */
}

static void add_tensor(builder_t *b, const char *name, uint64_t ne0, uint64_t ne1)
{
    const fixture_opts_t *o = b->o;
    if (o->omit_tensor && strcmp(name, o->omit_tensor) == 0)
        return;
    if (o->reshape_tensor && strcmp(name, o->reshape_tensor) == 0)
        ne1 = ne1 ? ne1 + 1 : 2;
    quant_type_t type = ne1 ? o->weight_type : QUANT_F32;
    const quant_format_t *f;
    uint64_t row_bytes;
    if (quant_lookup(type, &f, NULL) != ERR_OK || !f->quantize || !quant_row_bytes(f, ne0, &row_bytes)) {
        fprintf(stderr, "fixture: cannot write %s as type %u\n", name, (unsigned)type);
        abort();
    }
    uint64_t rows = ne1 ? ne1 : 1;
    uint8_t *data = malloc((size_t)(row_bytes * rows));
    float *row = malloc((size_t)ne0 * sizeof *row);
    for (uint64_t r = 0; r < rows; r++) {
        for (uint64_t i = 0; i < ne0; i++)
            row[i] = ne1 ? next_weight(b) : 1.0f + 0.1f * next_weight(b); /* norms near 1 */
        f->quantize(row, data + r * row_bytes, (size_t)ne0);
    }
    free(row);
    b->owned = realloc(b->owned, (b->n_owned + 1) * sizeof *b->owned);
    b->owned[b->n_owned++] = data;
    uint64_t ne[2] = { ne0, ne1 };
    gw_tensor(&b->w, name, ne1 ? 2 : 1, ne, type, data, (size_t)(row_bytes * rows), GW_AUTO_OFFSET);
}

static void add_u32(builder_t *b, const char *key, uint32_t v)
{
    if (!b->o->omit_key || strcmp(key, b->o->omit_key) != 0)
        gw_kv_u32(&b->w, key, v);
}

/*
 * A byte-level BPE vocabulary without merges: the printable ASCII characters
 * first (space as GPT-2's U+0120), so any ASCII text tokenizes, then
 * placeholders; the last token is EOS.
 */
static void add_tokens(builder_t *b)
{
    uint32_t n = b->o->n_vocab;
    char **tokens = malloc(n * sizeof *tokens);
    for (uint32_t i = 0; i < n; i++) {
        tokens[i] = malloc(16);
        if (i < 95 && i != 0)
            snprintf(tokens[i], 16, "%c", (char)(' ' + i));
        else
            snprintf(tokens[i], 16, i == 0 ? "\xc4\xa0" : "<tok%u>", i);
    }
    gw_kv_str(&b->w, "tokenizer.ggml.model", "gpt2");
    gw_kv_str(&b->w, "tokenizer.ggml.pre", "gpt2");
    gw_kv_str_array(&b->w, "tokenizer.ggml.tokens", (const char *const *)tokens, n);
    gw_kv_str_array(&b->w, "tokenizer.ggml.merges", (const char *const *)tokens, 0);
    gw_kv_u32(&b->w, "tokenizer.ggml.eos_token_id", n - 1);
    for (uint32_t i = 0; i < n; i++)
        free(tokens[i]);
    free(tokens);
}

uint8_t *fixture_tiny_llama(const fixture_opts_t *o, size_t *len)
{
    builder_t b = { .o = o, .rng = o->seed ? o->seed : 1 };
    gw_init(&b.w, 3);
    gw_kv_str(&b.w, "general.architecture", o->arch);
    gw_kv_str(&b.w, "general.name", "tiny test llama");
    add_u32(&b, "llama.context_length", o->n_ctx);
    add_u32(&b, "llama.embedding_length", o->n_embd);
    add_u32(&b, "llama.block_count", o->n_layer);
    add_u32(&b, "llama.feed_forward_length", o->n_ff);
    add_u32(&b, "llama.attention.head_count", o->n_head);
    add_u32(&b, "llama.attention.head_count_kv", o->n_head_kv);
    gw_kv_f32(&b.w, "llama.attention.layer_norm_rms_epsilon", 1e-5f);
    gw_kv_f32(&b.w, "llama.rope.freq_base", 10000.0f);
    add_tokens(&b);

    uint64_t e = o->n_embd, hd = o->n_embd / o->n_head;
    add_tensor(&b, "token_embd.weight", e, o->n_vocab);
    add_tensor(&b, "output_norm.weight", e, 0);
    if (!o->tied)
        add_tensor(&b, "output.weight", e, o->n_vocab);
    for (uint32_t il = 0; il < o->n_layer; il++) {
        const struct {
            const char *role;
            uint64_t ne0, ne1;
        } roles[] = {
            { "attn_norm", e, 0 },        { "attn_q", e, o->n_head * hd }, { "attn_k", e, o->n_head_kv * hd },
            { "attn_v", e, o->n_head_kv * hd }, { "attn_output", o->n_head * hd, e }, { "ffn_norm", e, 0 },
            { "ffn_gate", e, o->n_ff },   { "ffn_up", e, o->n_ff },        { "ffn_down", o->n_ff, e },
        };
        for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
            char name[64];
            snprintf(name, sizeof name, "blk.%u.%s.weight", il, roles[r].role);
            add_tensor(&b, name, roles[r].ne0, roles[r].ne1);
        }
    }
    uint8_t *file = gw_finish(&b.w, len);
    gw_free(&b.w);
    for (size_t i = 0; i < b.n_owned; i++)
        free(b.owned[i]);
    free(b.owned);
    return file;
}
