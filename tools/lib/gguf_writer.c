/*
 * GGUF writer (see gguf_writer.h): metadata is encoded as it is added; tensor
 * infos are kept until gw_finish lays out header, metadata, infos, padding
 * and data. Allocation failure aborts: these are tools and tests.
 */
#define _POSIX_C_SOURCE 200809L
#include "tools/lib/gguf_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/gguf.h"
#include "tools/lib/host_file.h"

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    p = realloc(p, n * elem);
    if (!p) {
        fprintf(stderr, "gguf_writer: out of memory\n");
        abort();
    }
    *cap = n;
    return p;
}

static void put(gguf_writer_t *w, const void *p, size_t n)
{
    w->kv = grow(w->kv, &w->kv_cap, w->kv_len + n, 1);
    memcpy(w->kv + w->kv_len, p, n);
    w->kv_len += n;
}

static void put_u32(gguf_writer_t *w, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    put(w, b, 4);
}

static void put_u64(gguf_writer_t *w, uint64_t v)
{
    put_u32(w, (uint32_t)v);
    put_u32(w, (uint32_t)(v >> 32));
}

static void put_str(gguf_writer_t *w, const char *s)
{
    put_u64(w, strlen(s));
    put(w, s, strlen(s));
}

void gw_init(gguf_writer_t *w, uint32_t version)
{
    memset(w, 0, sizeof *w);
    w->version = version;
    w->alignment = GGUF_DEFAULT_ALIGNMENT;
}

void gw_free(gguf_writer_t *w)
{
    for (size_t i = 0; i < w->n_tensors; i++)
        free(w->tensors[i].name);
    free(w->tensors);
    free(w->kv);
    memset(w, 0, sizeof *w);
}

void gw_kv_raw(gguf_writer_t *w, const char *key, uint32_t type, const void *raw, size_t raw_bytes)
{
    put_str(w, key);
    put_u32(w, type);
    put(w, raw, raw_bytes);
    w->n_kv++;
}

static void kv_scalar(gguf_writer_t *w, const char *key, uint32_t type, uint64_t bits, size_t bytes)
{
    uint8_t b[8];
    for (size_t i = 0; i < 8; i++)
        b[i] = (uint8_t)(bits >> (8 * i));
    gw_kv_raw(w, key, type, b, bytes);
}

void gw_set_alignment(gguf_writer_t *w, uint32_t alignment)
{
    w->alignment = alignment;
    gw_kv_u32(w, "general.alignment", alignment);
}

void gw_kv_u32(gguf_writer_t *w, const char *key, uint32_t v)
{
    kv_scalar(w, key, GGUF_TYPE_UINT32, v, 4);
}

void gw_kv_i32(gguf_writer_t *w, const char *key, int32_t v)
{
    kv_scalar(w, key, GGUF_TYPE_INT32, (uint32_t)v, 4);
}

void gw_kv_u64(gguf_writer_t *w, const char *key, uint64_t v)
{
    kv_scalar(w, key, GGUF_TYPE_UINT64, v, 8);
}

void gw_kv_f32(gguf_writer_t *w, const char *key, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, 4);
    kv_scalar(w, key, GGUF_TYPE_FLOAT32, bits, 4);
}

void gw_kv_bool(gguf_writer_t *w, const char *key, bool v)
{
    kv_scalar(w, key, GGUF_TYPE_BOOL, v, 1);
}

void gw_kv_str(gguf_writer_t *w, const char *key, const char *v)
{
    put_str(w, key);
    put_u32(w, GGUF_TYPE_STRING);
    put_str(w, v);
    w->n_kv++;
}

void gw_kv_str_array(gguf_writer_t *w, const char *key, const char *const *v, size_t n)
{
    put_str(w, key);
    put_u32(w, GGUF_TYPE_ARRAY);
    put_u32(w, GGUF_TYPE_STRING);
    put_u64(w, n);
    for (size_t i = 0; i < n; i++)
        put_str(w, v[i]);
    w->n_kv++;
}

void gw_kv_array(gguf_writer_t *w, const char *key, uint32_t elem_type, uint64_t n, const void *raw, size_t raw_bytes)
{
    put_str(w, key);
    put_u32(w, GGUF_TYPE_ARRAY);
    put_u32(w, elem_type);
    put_u64(w, n);
    put(w, raw, raw_bytes);
    w->n_kv++;
}

void gw_tensor(gguf_writer_t *w, const char *name, uint32_t n_dims, const uint64_t *ne, uint32_t type,
               const void *data, size_t n_bytes, uint64_t offset)
{
    w->tensors = grow(w->tensors, &w->tensors_cap, w->n_tensors + 1, sizeof *w->tensors);
    gw_tensor_t *t = &w->tensors[w->n_tensors++];
    memset(t, 0, sizeof *t);
    t->name = strdup(name);
    t->n_dims = n_dims;
    for (uint32_t d = 0; d < n_dims && d < 4; d++)
        t->ne[d] = ne[d];
    t->type = type;
    t->data = data;
    t->n_bytes = n_bytes;
    t->offset = offset;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return a ? (v + a - 1) / a * a : v;
}

uint8_t *gw_finish(gguf_writer_t *w, size_t *len)
{
    /* Lay out the data section first: it fixes every offset. */
    uint64_t data_len = 0, next = 0;
    for (size_t i = 0; i < w->n_tensors; i++) {
        gw_tensor_t *t = &w->tensors[i];
        if (t->offset == GW_AUTO_OFFSET) {
            t->offset = align_up(next, w->alignment);
            next = t->offset + t->n_bytes;
        }
        if (t->offset + t->n_bytes > data_len)
            data_len = t->offset + t->n_bytes;
    }

    gguf_writer_t head;
    gw_init(&head, w->version);
    put(&head, "GGUF", 4);
    put_u32(&head, w->version);
    put_u64(&head, w->n_tensors);
    put_u64(&head, w->n_kv);
    put(&head, w->kv, w->kv_len);
    for (size_t i = 0; i < w->n_tensors; i++) {
        const gw_tensor_t *t = &w->tensors[i];
        put_str(&head, t->name);
        put_u32(&head, t->n_dims);
        for (uint32_t d = 0; d < t->n_dims && d < 4; d++)
            put_u64(&head, t->ne[d]);
        put_u32(&head, t->type);
        put_u64(&head, t->offset);
    }
    size_t data_start = (size_t)align_up(head.kv_len, w->alignment);
    *len = data_start + (size_t)data_len;
    uint8_t *out = calloc(1, *len ? *len : 1);
    if (!out) {
        fprintf(stderr, "gguf_writer: out of memory for a %zu-byte file\n", *len);
        abort();
    }
    memcpy(out, head.kv, head.kv_len);
    for (size_t i = 0; i < w->n_tensors; i++) {
        const gw_tensor_t *t = &w->tensors[i];
        if (t->data && t->n_bytes)
            memcpy(out + data_start + t->offset, t->data, t->n_bytes);
    }
    gw_free(&head);
    return out;
}

size_t gw_write(gguf_writer_t *w, const char *path)
{
    size_t len;
    uint8_t *out = gw_finish(w, &len);
    if (host_write_file(path, out, len) != 0) {
        perror(path);
        len = 0;
    }
    free(out);
    gw_free(w);
    return len;
}
