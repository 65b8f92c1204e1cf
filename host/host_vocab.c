/* Loading and describing a GGUF file's tokenizer alone (see host_vocab.h). */
#define _POSIX_C_SOURCE 200809L
#include "host/host_vocab.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llm/llm.h"

/* Parser plus tokenizer tables: the largest vocabularies (262,144 tokens) take about 14 MiB; malloc'd lazily. */
#define VOCAB_ARENA_BYTES (256u << 20)

/*
 * Maps a regular file read-only: the vocabulary of a 1 GB model touches a few
 * MB of it. 1 when mapped, 0 when it cannot be (read it instead), -1 with
 * errno for a path that names no readable file (a directory, say).
 */
static int map_file(host_vocab_t *h, const char *path)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        errno = EISDIR;
        return -1;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            h->blob = p;
            h->len = (size_t)st.st_size;
            h->mapped = true;
        }
    }
    close(fd);
    return h->mapped;
}

err_code_t host_vocab_open(host_vocab_t *h, const char *path, err_t *err)
{
    memset(h, 0, sizeof *h);
    int mapped = map_file(h, path);
    if (mapped < 0 || (!mapped && !(h->blob = host_read_file(path, &h->len))))
        return err_set(err, ERR_NOT_FOUND, "%s", strerror(errno));
    host_arena_init(&h->arena, VOCAB_ARENA_BYTES);
    err_code_t rc = !h->arena.base ? err_set(err, ERR_NOMEM, "no memory for a %u MiB arena", VOCAB_ARENA_BYTES >> 20)
                                   : gguf_parse(&h->file, h->blob, h->len, &h->arena, err);
    if (rc == ERR_OK)
        rc = tok_load(&h->vocab, &h->file, &h->arena, err);
    if (rc != ERR_OK)
        host_vocab_close(h);
    return rc;
}

void host_vocab_close(host_vocab_t *h)
{
    if (h->mapped)
        munmap((void *)h->blob, h->len);
    else
        free((void *)h->blob);
    host_arena_free(&h->arena);
    memset(h, 0, sizeof *h);
}

/* The string value of key, escaped into buf, or "-" when the file has none. */
static const char *file_str(const gguf_file_t *file, const char *key, char *buf, size_t size)
{
    str_view_t s;
    if (gguf_get_str(file, key, &s, NULL) != ERR_OK)
        return "-";
    return llm_escape(buf, size, s.ptr, s.len);
}

const char *host_vocab_model(const gguf_file_t *file, char *buf, size_t size)
{
    return file_str(file, "tokenizer.ggml.model", buf, size);
}

const char *host_vocab_pre(const gguf_file_t *file, char *buf, size_t size)
{
    return file_str(file, "tokenizer.ggml.pre", buf, size);
}

const char *host_vocab_split(const tok_vocab_t *v)
{
    if (v->kind == TOK_BPE)
        return pretok_kind_name(v->pre);
    return v->kind == TOK_WPM ? "wordpiece" : "-"; /* WordPiece splits words its own way, whatever the name */
}

/* "id (added)" or "id" or "none" for a special token. */
static const char *special(int32_t id, bool added, char *buf, size_t size)
{
    if (id == TOK_NONE)
        return "none";
    snprintf(buf, size, added ? "%d (added)" : "%d", (int)id);
    return buf;
}

/* The special tokens matched in any text, --special or not (llama.cpp's USER_DEFINED type). */
static uint32_t n_user_defined(const tok_vocab_t *v)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < v->n_specials; i++)
        n += v->types[v->specials[i]] == TOK_TYPE_USER_DEFINED;
    return n;
}

const char *host_vocab_describe(const gguf_file_t *file, const tok_vocab_t *v, char *buf, size_t size)
{
    char model[64], pre[64], bos[32], eos[32], sep[32];
    snprintf(buf, size,
             "model %s (%s), pre-tokenizer %s (split %s), %u tokens, %u merges, %u special (%u user-defined), "
             "bos %s, eos %s%s%s, arena %zu bytes (+%zu for the GGUF index)",
             host_vocab_model(file, model, sizeof model), tok_kind_name(v->kind),
             host_vocab_pre(file, pre, sizeof pre), host_vocab_split(v),
             v->n_tokens, v->n_merges, v->n_specials, n_user_defined(v), special(v->bos, v->add_bos, bos, sizeof bos),
             special(v->eos, v->add_eos, eos, sizeof eos), v->sep == TOK_NONE ? "" : ", sep ",
             v->sep == TOK_NONE ? "" : special(v->sep, v->kind == TOK_WPM, sep, sizeof sep), v->arena_bytes,
             file->arena_bytes);
    return buf;
}
