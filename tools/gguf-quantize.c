/*
 * gguf-quantize IN OUT TYPE: rewrites a model with its 2-D weight tensors
 * requantized to TYPE (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 or F16) through float,
 * using the engine's own quantizers. Metadata and every other tensor are kept
 * as they are; general.file_type is set to match TYPE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/gguf/gguf.h"
#include "tests/fixtures/gguf_writer.h"
#include "host/host_file.h"

static const struct target {
    const char *name;
    quant_type_t type;
    uint32_t file_type; /* llama.cpp's LLAMA_FTYPE_MOSTLY_* */
} targets[] = {
    { "Q4_0", QUANT_Q4_0, 2 }, { "Q4_1", QUANT_Q4_1, 3 }, { "Q5_0", QUANT_Q5_0, 8 },
    { "Q5_1", QUANT_Q5_1, 9 }, { "Q8_0", QUANT_Q8_0, 7 }, { "F16", QUANT_F16, 1 },
};

static int usage(void)
{
    fprintf(stderr, "usage: gguf-quantize IN.gguf OUT.gguf TYPE\n"
                    "  TYPE: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 or F16\n");
    return 2;
}

static void copy_metadata(const gguf_file_t *g, gguf_writer_t *w, uint32_t file_type)
{
    for (uint64_t i = 0; i < g->n_kv; i++) {
        const gguf_kv_t *kv = &g->kv[i];
        char *key = host_cstr(kv->key);
        if (strcmp(key, "general.file_type") == 0)
            gw_kv_u32(w, key, file_type);
        else if (kv->type == GGUF_TYPE_ARRAY)
            gw_kv_array(w, key, kv->elem_type, kv->n_elems, kv->value, (size_t)kv->value_bytes);
        else
            gw_kv_raw(w, key, kv->type, kv->value, (size_t)kv->value_bytes);
        free(key);
    }
    if (!gguf_find_kv(g, "general.file_type"))
        gw_kv_u32(w, "general.file_type", file_type);
}

/* The tensor's data in the target format, malloc'd; NULL if it stays as it is. */
static void *requantize(const gguf_tensor_t *t, const quant_format_t *to, size_t *n_bytes)
{
    uint64_t row_bytes;
    bool is_matrix = t->n_dims == 2 && t->ne[1] > 1;
    if (!is_matrix || t->format->type == to->type || !quant_row_bytes(to, t->ne[0], &row_bytes))
        return NULL;
    size_t n_rows = (size_t)t->ne[1], src_row = (size_t)(t->n_bytes / t->ne[1]);
    uint8_t *out = malloc((size_t)row_bytes * n_rows);
    float *row = malloc((size_t)t->ne[0] * sizeof *row);
    if (!out || !row)
        abort();
    for (size_t r = 0; r < n_rows; r++) {
        t->format->dequantize((const uint8_t *)t->data + r * src_row, row, (size_t)t->ne[0]);
        to->quantize(row, out + r * row_bytes, (size_t)t->ne[0]);
    }
    free(row);
    *n_bytes = (size_t)row_bytes * n_rows;
    return out;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return usage();
    const struct target *target = NULL;
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        if (strcmp(argv[3], targets[i].name) == 0)
            target = &targets[i];
    if (!target) {
        fprintf(stderr, "gguf-quantize: unknown type '%s'\n", argv[3]);
        return usage();
    }
    const quant_format_t *to;
    err_t err;
    if (quant_lookup(target->type, &to, &err) != ERR_OK) {
        fprintf(stderr, "gguf-quantize: %s\n", err.msg);
        return 1;
    }

    host_gguf_t h;
    if (host_gguf_open(&h, "gguf-quantize", argv[1], 64u << 20) != 0)
        return 1;
    const gguf_file_t g = h.file;

    gguf_writer_t w;
    gw_init(&w, 3);
    w.alignment = (uint32_t)g.alignment; /* general.alignment, if any, is copied with the metadata */
    copy_metadata(&g, &w, target->file_type);
    void **owned = calloc(g.n_tensors + 1, sizeof *owned);
    size_t n_requantized = 0;
    for (uint64_t i = 0; i < g.n_tensors; i++) {
        const gguf_tensor_t *t = &g.tensors[i];
        size_t n_bytes = (size_t)t->n_bytes;
        owned[i] = requantize(t, to, &n_bytes);
        n_requantized += owned[i] != NULL;
        char *name = host_cstr(t->name);
        gw_tensor(&w, name, t->n_dims, t->ne, owned[i] ? (uint32_t)to->type : (uint32_t)t->format->type,
                  owned[i] ? owned[i] : t->data, n_bytes, GW_AUTO_OFFSET);
        free(name);
    }
    size_t out_len = gw_write(&w, argv[2]);
    if (out_len)
        printf("gguf-quantize: %s -> %s: %zu of %llu tensors requantized to %s, %zu bytes\n", argv[1], argv[2],
               n_requantized, (unsigned long long)g.n_tensors, to->name, out_len);
    for (uint64_t i = 0; i < g.n_tensors; i++)
        free(owned[i]);
    free(owned);
    host_gguf_close(&h);
    return out_len ? 0 : 1;
}
