/*
 * gguf-truncate IN OUT N: writes a copy of a model that keeps only its first N
 * transformer blocks, to pin a logits mismatch to a layer. Every tensor named
 * "blk.K.<anything>" with K >= N is dropped and ARCH.block_count (ARCH being
 * general.architecture, "llama" for the models we test) is set to N, in the
 * type it had. Per-layer hyper-parameters stored as arrays of block_count
 * numbers (ARCH.attention.head_count, ARCH.attention.head_count_kv,
 * ARCH.feed_forward_length; llama.cpp accepts either a number or such an
 * array) keep their first N elements. All other metadata and tensors are
 * copied byte for byte, in their order; the data section is laid out afresh
 * with the file's alignment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/gguf/gguf.h"
#include "tests/fixtures/gguf_writer.h"
#include "host/host_file.h"

static const char *const per_layer_suffixes[] = {
    ".attention.head_count",
    ".attention.head_count_kv",
    ".feed_forward_length",
};

static int usage(void)
{
    fprintf(stderr, "usage: gguf-truncate IN.gguf OUT.gguf N\n"
                    "  keeps blocks 0..N-1 (1 <= N <= the model's block_count)\n");
    return 2;
}

/* Strict decimal: digits only, no sign or spaces; false on anything else or overflow. */
static bool parse_count(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

/* The block index of a "blk.K.*" tensor name; false for any other name. */
static bool block_index(str_view_t name, uint64_t *k)
{
    static const char prefix[] = "blk.";
    size_t n = sizeof prefix - 1, i = n;
    if (name.len <= n || memcmp(name.ptr, prefix, n) != 0)
        return false;
    uint64_t v = 0;
    while (i < name.len && name.ptr[i] >= '0' && name.ptr[i] <= '9') {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(name.ptr[i++] - '0');
    }
    if (i == n || i >= name.len || name.ptr[i] != '.')
        return false;
    *k = v;
    return true;
}

static bool is_integer_type(uint32_t t)
{
    return t == GGUF_TYPE_UINT8 || t == GGUF_TYPE_INT8 || t == GGUF_TYPE_UINT16 || t == GGUF_TYPE_INT16 ||
           t == GGUF_TYPE_UINT32 || t == GGUF_TYPE_INT32 || t == GGUF_TYPE_UINT64 || t == GGUF_TYPE_INT64;
}

static bool is_per_layer_key(const char *key, const char *arch)
{
    size_t a = strlen(arch);
    if (strncmp(key, arch, a) != 0)
        return false;
    for (size_t i = 0; i < sizeof per_layer_suffixes / sizeof per_layer_suffixes[0]; i++)
        if (strcmp(key + a, per_layer_suffixes[i]) == 0)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return usage();
    uint64_t n_keep;
    if (!parse_count(argv[3], &n_keep)) {
        fprintf(stderr, "gguf-truncate: N must be a decimal block count, not '%s'\n", argv[3]);
        return usage();
    }
    if (n_keep == 0) {
        fprintf(stderr, "gguf-truncate: N must be at least 1\n");
        return 1;
    }

    host_gguf_t h;
    if (host_gguf_open(&h, "gguf-truncate", argv[1], 64u << 20) != 0)
        return 1;
    const gguf_file_t g = h.file;
    int rc = 1;
    char *arch = NULL, *count_key = NULL;

    err_t err;
    str_view_t arch_view;
    if (gguf_get_str(&g, "general.architecture", &arch_view, &err) != ERR_OK) {
        fprintf(stderr, "gguf-truncate: %s: %s\n", argv[1], err.msg);
        goto out;
    }
    arch = host_cstr(arch_view);
    count_key = malloc(strlen(arch) + sizeof ".block_count");
    if (!count_key)
        abort();
    strcpy(count_key, arch);
    strcat(count_key, ".block_count");
    const gguf_kv_t *count_kv = gguf_find_kv(&g, count_key);
    uint64_t n_blocks;
    if (gguf_get_u64(&g, count_key, &n_blocks, &err) != ERR_OK) {
        fprintf(stderr, "gguf-truncate: %s: %s\n", argv[1], err.msg);
        goto out;
    }
    if (!is_integer_type(count_kv->type)) {
        fprintf(stderr, "gguf-truncate: %s: %s has type %s, not an integer\n", argv[1], count_key,
                gguf_type_name(count_kv->type));
        goto out;
    }
    if (n_keep > n_blocks) {
        fprintf(stderr, "gguf-truncate: %s: N = %llu but the model has %llu blocks (%s)\n", argv[1],
                (unsigned long long)n_keep, (unsigned long long)n_blocks, count_key);
        goto out;
    }

    gguf_writer_t w;
    gw_init(&w, g.version == 2 ? 2 : 3);
    w.alignment = (uint32_t)g.alignment; /* general.alignment, if any, is copied with the metadata */
    size_t n_arrays_cut = 0;
    for (uint64_t i = 0; i < g.n_kv; i++) {
        const gguf_kv_t *kv = &g.kv[i];
        char *key = host_cstr(kv->key);
        if (kv == count_kv) {
            /* n_keep <= n_blocks, so it fits the key's own type, signed or not */
            uint8_t b[8];
            for (size_t j = 0; j < 8; j++)
                b[j] = (uint8_t)(n_keep >> (8 * j));
            gw_kv_raw(&w, key, kv->type, b, gguf_value_size(kv->type));
        } else if (kv->type == GGUF_TYPE_ARRAY && is_per_layer_key(key, arch) && is_integer_type(kv->elem_type) &&
                   kv->n_elems == n_blocks) {
            size_t elem = gguf_value_size(kv->elem_type);
            gw_kv_array(&w, key, kv->elem_type, n_keep, kv->value, elem * (size_t)n_keep);
            n_arrays_cut++;
        } else if (kv->type == GGUF_TYPE_ARRAY) {
            gw_kv_array(&w, key, kv->elem_type, kv->n_elems, kv->value, (size_t)kv->value_bytes);
        } else {
            gw_kv_raw(&w, key, kv->type, kv->value, (size_t)kv->value_bytes);
        }
        free(key);
    }

    size_t n_kept = 0;
    uint64_t kept_bytes = 0;
    for (uint64_t i = 0; i < g.n_tensors; i++) {
        const gguf_tensor_t *t = &g.tensors[i];
        uint64_t k;
        if (block_index(t->name, &k) && k >= n_keep)
            continue;
        char *name = host_cstr(t->name);
        gw_tensor(&w, name, t->n_dims, t->ne, (uint32_t)t->format->type, t->data, (size_t)t->n_bytes,
                  GW_AUTO_OFFSET);
        free(name);
        n_kept++;
        kept_bytes += t->n_bytes;
    }
    size_t out_len = gw_write(&w, argv[2]);
    if (out_len) {
        printf("gguf-truncate: %s -> %s: %llu of %llu blocks, %zu of %llu tensors (%llu data bytes)", argv[1],
               argv[2], (unsigned long long)n_keep, (unsigned long long)n_blocks, n_kept,
               (unsigned long long)g.n_tensors, (unsigned long long)kept_bytes);
        if (n_arrays_cut)
            printf(", %zu per-layer arrays cut", n_arrays_cut);
        printf(", %zu bytes\n", out_len);
        rc = 0;
    }
out:
    free(count_key);
    free(arch);
    host_gguf_close(&h);
    return rc;
}
