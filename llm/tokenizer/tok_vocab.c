/*
 * Loading a tokenizer vocabulary from GGUF metadata (see tokenizer.h):
 * token texts, scores and types as views into the file, the lookup indexes,
 * the special tokens and flags, each checked before use. Defaults follow
 * llama.cpp where a key is absent.
 */
#include "llm/support/escape.h"
#include "llm/support/fmt.h"
#include "llm/support/sort.h"
#include "llm/tokenizer/tok_output.h"
#include "llm/tokenizer/tokenizer.h"

static str_view_t token_text(const void *ctx, uint32_t i)
{
    return ((const tok_vocab_t *)ctx)->text[i];
}

static str_view_t merge_text(const void *ctx, uint32_t i)
{
    return ((const tok_vocab_t *)ctx)->merges[i];
}

/* Views of the n strings of a string array, from the arena. */
static str_view_t *string_views(const gguf_kv_t *kv, arena_t *arena, err_t *err)
{
    str_view_t *views = arena_alloc_array(arena, (size_t)kv->n_elems, sizeof *views, 0, err);
    gguf_array_iter_t it;
    gguf_array_begin(kv, &it);
    for (uint64_t i = 0; views && i < kv->n_elems; i++)
        gguf_array_next_str(&it, &views[i]);
    return views;
}

/* tokenizer.ggml.model and, for BPE, tokenizer.ggml.pre: the kind, the split and the name's settings. */
static err_code_t read_model_kind(tok_vocab_t *v, const gguf_file_t *f, pretok_name_info_t *info, bool *gemma4,
                                  err_t *err)
{
    str_view_t model, pre;
    char name[ESC_BUF_BYTES(32)];
    err_code_t rc = gguf_get_str(f, "tokenizer.ggml.model", &model, err);
    if (rc != ERR_OK)
        return rc;
    *gemma4 = str_view_eq_cstr(model, "gemma4");
    if (str_view_eq_cstr(model, "llama"))
        v->kind = TOK_SPM;
    else if (str_view_eq_cstr(model, "bert"))
        v->kind = TOK_WPM;
    else if (str_view_eq_cstr(model, "t5"))
        v->kind = TOK_UGM;
    else if (str_view_eq_cstr(model, "gpt2") || *gemma4)
        v->kind = TOK_BPE;
    else if (str_view_eq_cstr(model, "whitespace"))
        v->kind = TOK_BPE, v->whitespace_words = true;
    else
        return err_set(err, ERR_UNSUPPORTED,
                       "tokenizer: tokenizer.ggml.model '%s' is not supported (llama, gpt2, gemma4, bert, t5, whitespace)",
                       esc_text(name, sizeof name, model.ptr, model.len, 32));
    *info = (pretok_name_info_t){ .kind = PRETOK_DEFAULT, .clean_spaces = v->kind == TOK_WPM };
    if (v->kind != TOK_BPE)
        return ERR_OK;
    /* llama.cpp: a gemma4 model is pre-tokenizer "gemma4" whatever the file says; no name is "default" */
    if (*gemma4)
        pre = (str_view_t){ "gemma4", 6 };
    else if (gguf_get_str(f, "tokenizer.ggml.pre", &pre, NULL) != ERR_OK)
        pre = (str_view_t){ "default", 7 };
    if (!pretok_info_from_name(pre.ptr, pre.len, info))
        return err_set(err, ERR_UNSUPPORTED,
                       "tokenizer: pre-tokenizer '%s' (tokenizer.ggml.pre) is not supported (README.md, "
                       "\"Tokenizers\", lists the names)",
                       esc_text(name, sizeof name, pre.ptr, pre.len, 32));
    v->pre = info->kind;
    v->ignore_merges = info->ignore_merges;
    v->escape_spaces = info->escape_spaces;
    v->raw_utf8 = info->raw_utf8;
    v->whole_newlines = info->gemma4;
    return ERR_OK;
}

static err_code_t read_tokens(tok_vocab_t *v, const gguf_file_t *f, arena_t *arena, err_t *err)
{
    const gguf_kv_t *tokens, *scores, *types;
    err_code_t rc = gguf_get_array(f, "tokenizer.ggml.tokens", GGUF_TYPE_STRING, &tokens, err);
    if (rc != ERR_OK)
        return rc;
    if (tokens->n_elems == 0 || tokens->n_elems > INT32_MAX)
        return err_set(err, ERR_FORMAT, "tokenizer: %llu tokens (must be 1 to 2^31-1)",
                       (unsigned long long)tokens->n_elems);
    v->n_tokens = (uint32_t)tokens->n_elems;
    if (!(v->text = string_views(tokens, arena, err)))
        return ERR_NOMEM;

    if (gguf_find_kv(f, "tokenizer.ggml.scores")) {
        if ((rc = gguf_get_array(f, "tokenizer.ggml.scores", GGUF_TYPE_FLOAT32, &scores, err)) != ERR_OK)
            return rc;
        if (scores->n_elems != v->n_tokens)
            return err_set(err, ERR_FORMAT, "tokenizer: %llu scores for %u tokens", (unsigned long long)scores->n_elems,
                           v->n_tokens);
        v->scores = scores->value;
    }
    if (!(v->types = arena_alloc(arena, v->n_tokens, 1, err)))
        return ERR_NOMEM;
    memset(v->types, TOK_TYPE_NORMAL, v->n_tokens);
    if (gguf_find_kv(f, "tokenizer.ggml.token_type")) {
        if ((rc = gguf_get_array(f, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, &types, err)) != ERR_OK)
            return rc;
        if (types->n_elems != v->n_tokens)
            return err_set(err, ERR_FORMAT, "tokenizer: %llu token types for %u tokens",
                           (unsigned long long)types->n_elems, v->n_tokens);
        for (uint32_t i = 0; i < v->n_tokens; i++) {
            int32_t t = (int32_t)gguf_le32(types->value + 4 * (size_t)i);
            v->types[i] = t >= TOK_TYPE_UNDEFINED && t <= TOK_TYPE_BYTE ? (uint8_t)t : TOK_TYPE_UNDEFINED;
        }
    }
    if ((rc = str_index_init(&v->by_text, v->n_tokens, token_text, v, arena, err)) != ERR_OK)
        return rc;
    for (uint32_t i = 0; i < v->n_tokens; i++) {
        str_index_upsert(&v->by_text, i);
        if (v->text[i].len > v->max_token_len)
            v->max_token_len = (uint32_t)v->text[i].len;
    }
    return ERR_OK;
}

/* The merges (optional for names llama.cpp lets go without them: none then). */
static err_code_t read_merges(tok_vocab_t *v, const gguf_file_t *f, bool optional, arena_t *arena, err_t *err)
{
    const gguf_kv_t *merges;
    if (optional && !gguf_find_kv(f, "tokenizer.ggml.merges"))
        return str_index_init(&v->merge_rank, 0, merge_text, v, arena, err);
    err_code_t rc = gguf_get_array(f, "tokenizer.ggml.merges", GGUF_TYPE_STRING, &merges, err);
    if (rc != ERR_OK)
        return rc;
    if (merges->n_elems > INT32_MAX)
        return err_set(err, ERR_FORMAT, "tokenizer: %llu merges", (unsigned long long)merges->n_elems);
    v->n_merges = (uint32_t)merges->n_elems;
    if (v->n_merges && !(v->merges = string_views(merges, arena, err)))
        return ERR_NOMEM;
    if ((rc = str_index_init(&v->merge_rank, v->n_merges, merge_text, v, arena, err)) != ERR_OK)
        return rc;
    for (uint32_t i = 0; i < v->n_merges; i++)
        str_index_insert(&v->merge_rank, i, NULL);
    return ERR_OK;
}

/* An optional token id key: *id keeps its default when absent; out of range is an error. */
static err_code_t read_id(const tok_vocab_t *v, const gguf_file_t *f, const char *key, int32_t *id, err_t *err)
{
    uint32_t u;
    const gguf_kv_t *kv = gguf_find_kv(f, key);
    if (!kv)
        return ERR_OK;
    if (kv->type == GGUF_TYPE_INT32 && (int32_t)gguf_le32(kv->value) < 0) {
        *id = TOK_NONE; /* some converters write -1 for "none" */
        return ERR_OK;
    }
    err_code_t rc = gguf_get_u32(f, key, &u, err);
    if (rc != ERR_OK)
        return rc;
    if (u >= v->n_tokens)
        return err_set(err, ERR_FORMAT, "tokenizer: %s %u is out of range (%u tokens)", key, u, v->n_tokens);
    *id = (int32_t)u;
    return ERR_OK;
}

static err_code_t read_flag(const gguf_file_t *f, const char *key, bool *flag, err_t *err)
{
    err_code_t rc = gguf_get_bool(f, key, flag, err);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

/* llama.cpp's defaults for the model, then the file's keys. */
static err_code_t read_specials(tok_vocab_t *v, const gguf_file_t *f, const pretok_name_info_t *info, bool gemma4,
                                err_t *err)
{
    v->eot = v->pad = v->sep = TOK_NONE;
    v->add_eos = false;
    switch (v->kind) {
    case TOK_SPM:
        v->bos = 1, v->eos = 2, v->unk = 0;
        v->add_bos = v->add_space_prefix = true;
        break;
    case TOK_WPM:
        v->bos = 101, v->eos = TOK_NONE, v->unk = 100, v->sep = 102, v->pad = 0;
        v->add_bos = true;
        v->add_space_prefix = false;
        break;
    case TOK_UGM:
        v->bos = TOK_NONE, v->eos = 1, v->unk = 2, v->pad = 0;
        v->add_eos = true;
        v->add_bos = v->add_space_prefix = false;
        break;
    case TOK_BPE:
        v->bos = v->eos = gemma4 ? TOK_NONE : 11; /* model gpt2: 11; gemma4: none */
        v->unk = TOK_NONE;
        if (info->no_bos)
            v->bos = TOK_NONE;
        v->add_bos = info->add_bos;
        v->add_space_prefix = false;
        break;
    }
    v->clean_spaces = info->clean_spaces;
    int32_t *defaults[] = { &v->bos, &v->eos, &v->unk, &v->pad, &v->sep };
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        if (*defaults[i] != TOK_NONE && (uint32_t)*defaults[i] >= v->n_tokens)
            *defaults[i] = TOK_NONE; /* a default that this small vocabulary does not have */
    }
    const struct {
        const char *key;
        int32_t *id;
    } ids[] = {
        { "tokenizer.ggml.bos_token_id", &v->bos },     { "tokenizer.ggml.eos_token_id", &v->eos },
        { "tokenizer.ggml.unknown_token_id", &v->unk }, { "tokenizer.ggml.padding_token_id", &v->pad },
        { "tokenizer.ggml.eot_token_id", &v->eot },     { "tokenizer.ggml.seperator_token_id", &v->sep },
    };
    err_code_t rc = ERR_OK;
    for (size_t i = 0; i < sizeof ids / sizeof ids[0] && rc == ERR_OK; i++)
        rc = read_id(v, f, ids[i].key, ids[i].id, err);
    const struct {
        const char *key;
        bool *flag;
    } flags[] = {
        { "tokenizer.ggml.add_bos_token", &v->add_bos },
        { "tokenizer.ggml.add_eos_token", &v->add_eos },
        { "tokenizer.ggml.add_space_prefix", &v->add_space_prefix },
        { "tokenizer.ggml.normalizer.lowercase", &v->lowercase },
        { "tokenizer.ggml.remove_extra_whitespaces", &v->remove_extra_spaces },
    };
    v->lowercase = !info->no_lowercase;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0] && rc == ERR_OK; i++)
        rc = read_flag(f, flags[i].key, flags[i].flag, err);
    v->strip_accents = v->lowercase;
    if (rc == ERR_OK)
        rc = read_flag(f, "tokenizer.ggml.normalizer.strip_accents", &v->strip_accents, err);
    if (rc != ERR_OK)
        return rc;
    if (info->gemma4)
        v->add_bos = true; /* llama.cpp's Gemma 4 workaround */
    if (v->add_bos && v->bos == TOK_NONE)
        return err_set(err, ERR_FORMAT, "tokenizer: add_bos_token is set but there is no bos_token_id");
    if (v->add_eos && v->eos == TOK_NONE)
        return err_set(err, ERR_FORMAT, "tokenizer: add_eos_token is set but there is no eos_token_id");
    gguf_get_str(f, "tokenizer.chat_template", &v->chat_template, NULL);
    return ERR_OK;
}

static int longer_text_first(const void *ctx, uint32_t a, uint32_t b)
{
    const tok_vocab_t *v = ctx;
    if (v->text[a].len != v->text[b].len)
        return v->text[a].len > v->text[b].len ? -1 : 1;
    return (a > b) - (a < b);
}

static err_code_t find_specials_and_bytes(tok_vocab_t *v, arena_t *arena, err_t *err)
{
    for (int b = 0; b < 256; b++) {
        char name[8];
        uint32_t id;
        fmt_snprintf(name, sizeof name, "<0x%02X>", b);
        v->byte_token[b] = str_index_find(&v->by_text, name, 6, &id) ? (int32_t)id : TOK_NONE;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < v->n_tokens; i++)
        n += v->types[i] == TOK_TYPE_CONTROL || v->types[i] == TOK_TYPE_USER_DEFINED || v->types[i] == TOK_TYPE_UNKNOWN;
    v->n_specials = n;
    if (n == 0)
        return ERR_OK;
    if (!(v->specials = arena_alloc_array(arena, n, sizeof *v->specials, 0, err)))
        return ERR_NOMEM;
    n = 0;
    for (uint32_t i = 0; i < v->n_tokens; i++) {
        if (v->types[i] == TOK_TYPE_CONTROL || v->types[i] == TOK_TYPE_USER_DEFINED || v->types[i] == TOK_TYPE_UNKNOWN)
            v->specials[n++] = i;
    }
    sort_u32(v->specials, n, longer_text_first, v);
    return ERR_OK;
}

const char *tok_kind_name(tok_kind_t kind)
{
    switch (kind) {
    case TOK_SPM:
        return "SPM";
    case TOK_BPE:
        return "BPE";
    case TOK_WPM:
        return "WPM";
    case TOK_UGM:
        return "UGM";
    }
    return "?";
}

err_code_t tok_load(tok_vocab_t *v, const gguf_file_t *f, arena_t *arena, err_t *err)
{
    arena_mark_t mark = arena_mark(arena);
    *v = (tok_vocab_t){ 0 };
    pretok_name_info_t info;
    bool gemma4;
    err_code_t rc = read_model_kind(v, f, &info, &gemma4, err);
    if (rc == ERR_OK)
        rc = read_tokens(v, f, arena, err);
    if (rc == ERR_OK && v->kind == TOK_BPE)
        rc = read_merges(v, f, info.merges_optional, arena, err);
    if (rc == ERR_OK)
        rc = read_specials(v, f, &info, gemma4, err);
    if (rc == ERR_OK && v->kind == TOK_UGM)
        rc = tok_ugm_load(v, f, err);
    if (rc == ERR_OK)
        tok_classify_by_text(v);
    if (rc == ERR_OK)
        rc = find_specials_and_bytes(v, arena, err);
    if (rc != ERR_OK) {
        arena_release(arena, mark, NULL);
        *v = (tok_vocab_t){ 0 };
        return rc;
    }
    v->arena_bytes = arena->used_bytes - mark.used_bytes;
    return ERR_OK;
}
