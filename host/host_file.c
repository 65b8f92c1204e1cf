/* File, arena and GGUF-loading helpers for hosted programs (see host_file.h). */
#define _POSIX_C_SOURCE 200809L
#include "host/host_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint8_t *host_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        if (posix_memalign((void **)&buf, 64, (size_t)n + 1) != 0)
            buf = NULL;
        else if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
            errno = EIO;
        }
    }
    fclose(f);
    if (buf)
        *len = (size_t)n;
    return buf;
}

uint8_t *host_read_stream(FILE *stream, size_t *len)
{
    size_t n = 0, cap = 1 << 16;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, stream);
        if (n < cap)
            break;
        uint8_t *more = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
        if (!more) {
            free(buf);
            errno = ENOMEM;
            return NULL;
        }
        buf = more;
        cap *= 2;
    }
    if (buf && ferror(stream)) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    if (buf)
        *len = n;
    return buf;
}

int host_write_file(const char *path, const void *data, size_t len)
{
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int rc = -1;
    if (f) {
        size_t written = fwrite(data, 1, len, f);
        if (fclose(f) == 0 && written == len && rename(tmp, path) == 0)
            rc = 0;
        else
            remove(tmp);
    }
    free(tmp);
    return rc;
}

void host_arena_init(arena_t *a, size_t capacity)
{
    void *buf = malloc(capacity);
    arena_init(a, buf, buf ? capacity : 0);
}

void host_arena_free(arena_t *a)
{
    free(a->base);
    arena_init(a, NULL, 0);
}

/* The file's bytes and a fresh arena; on failure prints "tool: path: reason" and returns -1 (nothing held). */
static int read_with_arena(uint8_t **blob, size_t *len, arena_t *arena, const char *tool, const char *path,
                           size_t arena_bytes)
{
    *blob = host_read_file(path, len);
    if (!*blob) {
        fprintf(stderr, "%s: %s: %s\n", tool, path, strerror(errno));
        return -1;
    }
    host_arena_init(arena, arena_bytes);
    return 0;
}

/* After a failed parse or load: its error as "tool: path: reason", -1. */
static int refuse(const char *tool, const char *path, const err_t *err)
{
    fprintf(stderr, "%s: %s: %s\n", tool, path, err->msg);
    return -1;
}

int host_gguf_open(host_gguf_t *h, const char *tool, const char *path, size_t arena_bytes)
{
    err_t err;
    memset(h, 0, sizeof *h);
    if (read_with_arena(&h->blob, &h->len, &h->arena, tool, path, arena_bytes))
        return -1;
    if (gguf_parse(&h->file, h->blob, h->len, &h->arena, &err) == ERR_OK)
        return 0;
    host_gguf_close(h);
    return refuse(tool, path, &err);
}

void host_gguf_close(host_gguf_t *h)
{
    host_arena_free(&h->arena);
    free(h->blob);
    memset(h, 0, sizeof *h);
}

int host_model_open(host_model_t *h, const char *tool, const char *path, size_t arena_bytes)
{
    err_t err;
    memset(h, 0, sizeof *h);
    if (read_with_arena(&h->blob, &h->len, &h->arena, tool, path, arena_bytes))
        return -1;
    if (llm_model_load(&h->model, h->blob, h->len, &h->arena, &err) == ERR_OK)
        return 0;
    host_model_close(h);
    return refuse(tool, path, &err);
}

void host_model_close(host_model_t *h)
{
    host_arena_free(&h->arena);
    free(h->blob);
    memset(h, 0, sizeof *h);
}

char *host_cstr(str_view_t s)
{
    char *c = malloc(s.len + 1);
    if (!c)
        abort();
    memcpy(c, s.ptr, s.len);
    c[s.len] = '\0';
    return c;
}
