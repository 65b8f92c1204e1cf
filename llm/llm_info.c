/*
 * What the API tells about models and kernels (see llm.h): a blob's header
 * read without loading it, a loaded model's shape, the tuner's picks as
 * text. Text from the file is copied escaped, so a caller may print it as
 * it is.
 */
#include "llm/llm.h"

#include "llm/support/escape.h"
#include "llm/support/fmt.h"

const char *llm_escape(char *dst, size_t size, const char *src, size_t len)
{
    return esc_text(dst, size, src, len, size);
}

/* src escaped into dst, size bytes: what fits. */
static void copy_escaped(char *dst, size_t size, str_view_t src)
{
    llm_escape(dst, size, src.ptr, src.len);
}

err_code_t llm_model_peek(const void *blob, size_t size, arena_t *scratch, llm_blob_info_t *out, err_t *err)
{
    arena_mark_t mark = arena_mark(scratch);
    gguf_file_t g;
    err_code_t rc = gguf_parse(&g, blob, size, scratch, err);
    if (rc == ERR_OK) {
        str_view_t name = { "", 0 }, arch = { "?", 1 };
        uint32_t ftype = MODEL_FILE_TYPE_UNKNOWN;
        gguf_get_str(&g, "general.name", &name, NULL);
        gguf_get_str(&g, "general.architecture", &arch, NULL);
        gguf_get_u32(&g, "general.file_type", &ftype, NULL);
        copy_escaped(out->name, sizeof out->name, name);
        copy_escaped(out->arch, sizeof out->arch, arch);
        out->file_type = model_file_type_name(ftype);
        out->size_bytes = size;
        out->n_tensors = g.n_tensors;
    }
    arena_release(scratch, mark, NULL);
    return rc;
}

void llm_model_describe(const llm_model_t *m, llm_model_info_t *out)
{
    model_info_t mi;
    model_get_info(&m->model, &mi);
    *out = (llm_model_info_t){
        .n_layer = mi.n_layer, .n_embd = mi.n_embd, .n_head = mi.n_head, .n_head_kv = mi.n_head_kv,
        .n_ff = mi.n_ff, .n_vocab = mi.n_vocab, .n_ctx_train = mi.n_ctx, .file_type = mi.file_type_name,
        .n_params = mi.n_params, .weight_bytes = mi.weight_bytes,
        .chat_template = m->has_chat ? chat_format_name(m->chat) : NULL,
        .chat_error = m->has_chat ? NULL : m->chat_error.msg,
    };
    copy_escaped(out->name, sizeof out->name, m->model.name);
    copy_escaped(out->arch, sizeof out->arch, m->model.arch);
    model_describe_family(&m->model, out->family, sizeof out->family);
    out->head_dim = m->model.hp.head_dim;
}

size_t llm_tune_describe(const kern_tune_pick_t *p, char *buf, size_t size)
{
    const quant_format_t *f;
    const char *name = quant_lookup(p->type, &f, NULL) == ERR_OK ? f->name : "?", *sep = ":";
    size_t n = fmt_snprintf(buf, size, "%s %s", name, p->tile ? "tile" : "dot");
    for (unsigned l = 0; l < KERN_LEVELS; l++) {
        if (!p->ns[l])
            continue;
        n += fmt_snprintf(n < size ? buf + n : NULL, n < size ? size - n : 0, "%s %s %llu ns", sep,
                          kern_level_name((kern_level_t)l), (unsigned long long)p->ns[l]);
        sep = ",";
    }
    n += fmt_snprintf(n < size ? buf + n : NULL, n < size ? size - n : 0, ": %s", kern_level_name(p->level));
    if (p->level != p->default_level)
        n += fmt_snprintf(n < size ? buf + n : NULL, n < size ? size - n : 0, " (was %s)",
                          kern_level_name(p->default_level));
    return n;
}
