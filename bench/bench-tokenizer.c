/*
 * bench-tokenizer MODEL.gguf... : `make bench` figures for the tokenizers —
 * encode throughput (MB/s) on the 100 KB corpus document for each
 * vocabulary, and the arena bytes the vocabulary takes. Figures only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/tokenizer/tokenizer.h"
#include "host/host_clock.h"
#include "host/host_file.h"
#include "host/host_threads.h"

#define CORPUS "tests/golden/tokenizer/corpus.bin"
#define DOCUMENT_CATEGORY 17

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The corpus's long document (the largest entry of its category). */
static const char *find_document(const uint8_t *c, size_t size, uint32_t *len)
{
    const char *doc = NULL;
    *len = 0;
    for (size_t i = 0, off = 12, n = size >= 12 ? rd32(c + 8) : 0; i < n && off + 8 <= size; i++) {
        uint32_t cat = rd32(c + off), l = rd32(c + off + 4);
        if (l > size - off - 8)
            break;
        if (cat == DOCUMENT_CATEGORY && l > *len) {
            doc = (const char *)c + off + 8;
            *len = l;
        }
        off += 8 + l;
    }
    return doc;
}

int main(int argc, char **argv)
{
    if (!host_threads_args(&argc, argv, "bench-tokenizer", false))
        return 2;
    size_t size;
    uint8_t *c = host_read_file(CORPUS, &size);
    uint32_t len;
    const char *doc = c ? find_document(c, size, &len) : NULL;
    if (argc < 2 || !doc) {
        fprintf(stderr, "usage: bench-tokenizer [-t N] MODEL.gguf... (run from the repository root: needs %s)\n", CORPUS);
        return 2;
    }
    arena_t scratch;
    host_arena_init(&scratch, 64u << 20);
    int32_t *ids = malloc(len * sizeof *ids + sizeof *ids);
    printf("tokenizer encode throughput on the %u-byte corpus document:\n", len);
    for (int i = 1; i < argc; i++) {
        host_gguf_t h;
        tok_vocab_t v;
        err_t e;
        if (host_gguf_open(&h, "bench-tokenizer", argv[i], 64u << 20) != 0)
            continue;
        if (tok_load(&v, &h.file, &h.arena, &e) != ERR_OK) {
            fprintf(stderr, "bench-tokenizer: %s: %s\n", argv[i], e.msg);
            host_gguf_close(&h);
            continue;
        }
        tok_encode_opts_t opts = { 0 };
        size_t n = 0;
        int runs = 0;
        double t0 = host_now_s(), t1 = t0;
        while (t1 - t0 < 1.0) {
            tok_encode(&v, doc, len, &opts, ids, len + 1, &n, &scratch, &e);
            runs++;
            t1 = host_now_s();
        }
        double per_run = (t1 - t0) / runs;
        printf("  %-40s %-4s %8.2f MB/s  %6.2f ms per encode  %zu tokens  vocabulary %u tokens in %zu arena bytes\n",
               argv[i], v.kind == TOK_SPM ? "spm" : "bpe", len / per_run / 1e6, per_run * 1e3, n, v.n_tokens,
               v.arena_bytes);
        host_gguf_close(&h);
    }
    free(ids);
    host_arena_free(&scratch);
    free(c);
    return 0;
}
