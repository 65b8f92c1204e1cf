/*
 * gguf-dump FILE: prints a GGUF file as the engine's parser sees it — header,
 * every metadata entry with its type and value (long arrays and strings
 * abbreviated), the tensor table (name, type, shape, offset, bytes) and
 * totals, and the tokenizer the engine loads from it (its names, counts and
 * the arena bytes its tables take) or why it loads none — or the parser's
 * error. Exit status 1 on a rejected file (a vocabulary refused is not).
 */
#include <stdio.h>
#include <stdlib.h>

#include "llm/gguf/gguf.h"
#include "llm/llm.h"
#include "host/host_file.h"
#include "host/host_vocab.h"

#define SHOW_ELEMS 6
#define SHOW_CHARS 60

/* Text from the file, escaped as the engine's messages are (llm_escape), at most about SHOW_CHARS bytes of it. */
static const char *shown(str_view_t s, char buf[4 * SHOW_CHARS + 4])
{
    return llm_escape(buf, 4 * SHOW_CHARS + 4, s.ptr, s.len < SHOW_CHARS ? s.len : SHOW_CHARS);
}

static void print_str(str_view_t s)
{
    char buf[4 * SHOW_CHARS + 4];
    printf(s.len > SHOW_CHARS ? "\"%s\"... (%zu bytes)" : "\"%s\"", shown(s, buf), s.len);
}

static void print_number(gguf_type_t t, double v)
{
    if (t == GGUF_TYPE_FLOAT32 || t == GGUF_TYPE_FLOAT64)
        printf("%.9g", v);
    else if (t == GGUF_TYPE_BOOL)
        printf("%s", v != 0 ? "true" : "false");
    else
        printf("%.0f", v);
}

static void print_value(const gguf_kv_t *kv)
{
    if (kv->type == GGUF_TYPE_STRING) {
        print_str((str_view_t){ (const char *)kv->value + 8, (size_t)gguf_le64(kv->value) });
        return;
    }
    if (kv->type != GGUF_TYPE_ARRAY) {
        /* A scalar: view it as a one-element array of its own type. */
        gguf_kv_t one = *kv;
        one.type = GGUF_TYPE_ARRAY;
        one.elem_type = kv->type;
        one.n_elems = 1;
        print_number(kv->type, gguf_array_number(&one, 0));
        return;
    }
    printf("[");
    uint64_t shown = kv->n_elems < SHOW_ELEMS ? kv->n_elems : SHOW_ELEMS;
    if (kv->elem_type == GGUF_TYPE_STRING) {
        gguf_array_iter_t it;
        str_view_t s;
        gguf_array_begin(kv, &it);
        for (uint64_t i = 0; i < shown && gguf_array_next_str(&it, &s); i++) {
            printf(i ? ", " : "");
            print_str(s);
        }
    } else if (kv->elem_type == GGUF_TYPE_ARRAY) {
        printf("nested arrays");
        shown = kv->n_elems;
    } else {
        for (uint64_t i = 0; i < shown; i++) {
            printf(i ? ", " : "");
            print_number(kv->elem_type, gguf_array_number(kv, i));
        }
    }
    printf(kv->n_elems > shown ? ", ... (%llu total)]" : "]", (unsigned long long)kv->n_elems);
}

static void print_tensors(const gguf_file_t *g)
{
    uint64_t params = 0, bytes = 0;
    printf("tensors:\n  %5s  %-34s %-5s %-24s %12s %12s\n", "#", "name", "type", "shape", "offset", "bytes");
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        const gguf_tensor_t *t = &g->tensors[i];
        char shape[64];
        int n = snprintf(shape, sizeof shape, "[%llu", (unsigned long long)t->ne[0]);
        for (uint32_t d = 1; d < t->n_dims; d++)
            n += snprintf(shape + n, sizeof shape - (size_t)n, ", %llu", (unsigned long long)t->ne[d]);
        snprintf(shape + n, sizeof shape - (size_t)n, "]");
        char name[4 * SHOW_CHARS + 4];
        printf("  %5llu  %-34s %-5s %-24s %12llu %12llu\n", (unsigned long long)i, shown(t->name, name),
               t->format->name, shape, (unsigned long long)t->data_offset, (unsigned long long)t->n_bytes);
        params += t->n_elems;
        bytes += t->n_bytes;
    }
    printf("totals: %llu tensors, %llu elements, %llu bytes of tensor data (%.1f MiB)\n",
           (unsigned long long)g->n_tensors, (unsigned long long)params, (unsigned long long)bytes,
           (double)bytes / (1 << 20));
}

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: gguf-dump FILE.gguf\n");
        return 2;
    }
    host_gguf_t h;
    if (host_gguf_open(&h, "gguf-dump", argv[1], 64u << 20) != 0)
        return 1;
    const gguf_file_t g = h.file;
    printf("file: %s (%zu bytes)\n", argv[1], h.len);
    printf("GGUF version %u, %llu tensors, %llu metadata entries, alignment %llu, data at byte %llu\n", g.version,
           (unsigned long long)g.n_tensors, (unsigned long long)g.n_kv, (unsigned long long)g.alignment,
           (unsigned long long)g.data_start);
    printf("parser arena use: %zu bytes\n", g.arena_bytes);
    printf("metadata:\n");
    for (uint64_t i = 0; i < g.n_kv; i++) {
        const gguf_kv_t *kv = &g.kv[i];
        char type[32];
        if (kv->type == GGUF_TYPE_ARRAY)
            snprintf(type, sizeof type, "ARRAY[%s]", gguf_type_name(kv->elem_type));
        else
            snprintf(type, sizeof type, "%s", gguf_type_name(kv->type));
        char key[4 * SHOW_CHARS + 4];
        printf("  %-40s %-14s ", shown(kv->key, key), type);
        print_value(kv);
        printf("\n");
    }
    print_tensors(&g);
    tok_vocab_t v;
    err_t e;
    char line[512];
    if (tok_load(&v, &g, &h.arena, &e) == ERR_OK)
        printf("tokenizer: %s\n", host_vocab_describe(&g, &v, line, sizeof line));
    else
        printf("tokenizer: none loaded: %s\n", e.msg);
    host_gguf_close(&h);
    return 0;
}
