/* Loading and describing a GGUF file's tokenizer alone (see host_vocab.h). */
#include "host/host_vocab.h"

#include <stdio.h>
#include <string.h>

#include "llm/llm.h"

/* Parser plus tokenizer tables: the largest vocabularies (262,144 tokens) take about 10 MiB; malloc'd lazily. */
#define VOCAB_ARENA_BYTES (256u << 20)

int host_vocab_open(host_vocab_t *h, const char *tool, const char *path)
{
    err_t err;
    memset(h, 0, sizeof *h);
    if (host_gguf_open(&h->gguf, tool, path, VOCAB_ARENA_BYTES) != 0)
        return -1;
    if (tok_load(&h->vocab, &h->gguf.file, &h->gguf.arena, &err) == ERR_OK)
        return 0;
    fprintf(stderr, "%s: %s: %s\n", tool, path, err.msg);
    host_vocab_close(h);
    return -1;
}

void host_vocab_close(host_vocab_t *h)
{
    host_gguf_close(&h->gguf);
    memset(h, 0, sizeof *h);
}

/* The string value of key, escaped into buf, or "-" when the file has none. */
static const char *file_str(const host_vocab_t *h, const char *key, char *buf, size_t size)
{
    str_view_t s;
    if (gguf_get_str(&h->gguf.file, key, &s, NULL) != ERR_OK)
        return "-";
    return llm_escape(buf, size, s.ptr, s.len);
}

/* The pre-tokenizer split the engine runs ("-" when the tokenizer has none). */
static const char *split_name(const tok_vocab_t *v)
{
    return v->kind == TOK_BPE ? pretok_kind_name(v->pre) : "-";
}

const char *host_vocab_kind(const host_vocab_t *h, char *buf, size_t size)
{
    char model[64];
    snprintf(buf, size, "%s/%s", file_str(h, "tokenizer.ggml.model", model, sizeof model), split_name(&h->vocab));
    return buf;
}

/* "id (added)" or "id" or "none" for a special token. */
static const char *special(int32_t id, bool added, char *buf, size_t size)
{
    if (id == TOK_NONE)
        return "none";
    snprintf(buf, size, added ? "%d (added)" : "%d", (int)id);
    return buf;
}

const char *host_vocab_describe(const host_vocab_t *h, char *buf, size_t size)
{
    const tok_vocab_t *v = &h->vocab;
    char model[64], pre[64], bos[32], eos[32];
    snprintf(buf, size,
             "tokenizer model %s, pre-tokenizer %s (split %s), %u tokens, %u merges, %u special, bos %s, eos %s, "
             "arena %zu bytes (+%zu for the GGUF index)",
             file_str(h, "tokenizer.ggml.model", model, sizeof model),
             file_str(h, "tokenizer.ggml.pre", pre, sizeof pre), split_name(v), v->n_tokens, v->n_merges,
             v->n_specials, special(v->bos, v->add_bos, bos, sizeof bos), special(v->eos, v->add_eos, eos, sizeof eos),
             v->arena_bytes, h->gguf.file.arena_bytes);
    return buf;
}
