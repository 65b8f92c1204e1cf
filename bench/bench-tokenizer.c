/*
 * bench-tokenizer [--seconds S] (FILE.gguf | DIR)... : `make bench` figures
 * for the tokenizers. For each vocabulary (a GGUF file, or every *.gguf in a
 * directory such as test_models/llama-vocabs/, llama.cpp's test
 * vocabularies): its tokenizer model, the file's pre-tokenizer name and the
 * split the engine runs for it, encode throughput in MB/s and tokens/s on
 * one fixed text (the 100 KB corpus document: prose, code, tables and
 * paragraphs in many scripts), and the arena bytes the vocabulary takes.
 * A vocabulary the engine refuses gets its refusal on its line, and the
 * run goes on. First, each pre-tokenizer split alone on the same text
 * (pretok_split over its codepoints), whatever vocabulary uses it.
 * Figures only, never pass/fail.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "llm/tokenizer/tokenizer.h"
#include "llm/tokenizer/unicode.h"
#include "host/host_clock.h"
#include "host/host_file.h"
#include "host/host_threads.h"
#include "host/host_vocab.h"

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

typedef struct bench {
    const char *text;
    uint32_t len;
    double seconds; /* encoding time per vocabulary */
    int32_t *ids;   /* room for len + 4 ids */
    arena_t scratch;
} bench_t;

/* One vocabulary's line: its names, throughput and arena, or why it was refused. */
static void bench_vocab(bench_t *b, const char *path)
{
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    host_vocab_t h;
    err_t e;
    if (host_vocab_open(&h, path, &e) != ERR_OK) {
        printf("  %-32s refused: %s\n", name, e.msg);
        return;
    }
    tok_encode_opts_t opts = { 0 };
    size_t n = 0;
    int runs = 0;
    err_code_t rc = ERR_OK;
    double t0 = host_now_s(), t1 = t0;
    while (rc == ERR_OK && (runs == 0 || t1 - t0 < b->seconds)) {
        rc = tok_encode(&h.vocab, b->text, b->len, &opts, b->ids, b->len + 4, &n, &b->scratch, &e);
        runs++;
        t1 = host_now_s();
    }
    char model_buf[32], pre_buf[32];
    const char *model = host_vocab_model(&h.file, model_buf, sizeof model_buf);
    const char *pre = host_vocab_pre(&h.file, pre_buf, sizeof pre_buf);
    if (rc != ERR_OK) {
        printf("  %-32s %-6s %-16s %-14s encode failed: %s\n", name, model, pre, host_vocab_split(&h.vocab), e.msg);
    } else {
        double per_run = (t1 - t0) / runs;
        printf("  %-32s %-6s %-16s %-14s %7.2f %10.0f %8zu %8u %12zu\n", name, model, pre, host_vocab_split(&h.vocab),
               b->len / per_run / 1e6, n / per_run, n, h.vocab.n_tokens, h.vocab.arena_bytes);
    }
    fflush(stdout);
    host_vocab_close(&h);
}

/* Every pre-tokenizer split on the text's codepoints: MB/s of the text and the words it makes. */
static void bench_splitters(const bench_t *b)
{
    uint32_t *cpts = malloc(b->len * sizeof *cpts), *ends = malloc(b->len * sizeof *ends);
    size_t n_cpts = cpts && ends ? utf8_to_cpts((const uint8_t *)b->text, b->len, cpts) : 0;
    double seconds = b->seconds < 0.25 ? b->seconds : 0.25;
    printf("pre-tokenizer splits alone on the same text (%zu codepoints, %g s each):\n", n_cpts, seconds);
    printf("  %-24s %7s %8s\n", "split", "MB/s", "words");
    for (int kind = 0; kind < PRETOK_KIND_COUNT && n_cpts; kind++) {
        size_t n_words = 0;
        int runs = 0;
        double t0 = host_now_s(), t1 = t0;
        while (runs == 0 || t1 - t0 < seconds) {
            n_words = pretok_split((pretok_kind_t)kind, cpts, n_cpts, ends);
            runs++;
            t1 = host_now_s();
        }
        printf("  %-24s %7.2f %8zu\n", pretok_kind_name((pretok_kind_t)kind), b->len / ((t1 - t0) / runs) / 1e6,
               n_words);
    }
    free(cpts);
    free(ends);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.gguf in dir, in name order. */
static void bench_dir(bench_t *b, const char *dir)
{
    DIR *d = opendir(dir);
    char **paths = NULL;
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 5, ".gguf"))
            continue;
        char **more = realloc(paths, (n + 1) * sizeof *paths);
        if (!more)
            break;
        paths = more;
        paths[n] = malloc(strlen(dir) + l + 2);
        if (!paths[n])
            break;
        sprintf(paths[n++], "%s/%s", dir, e->d_name);
    }
    if (d)
        closedir(d);
    qsort(paths, n, sizeof *paths, by_name);
    for (size_t i = 0; i < n; i++) {
        bench_vocab(b, paths[i]);
        free(paths[i]);
    }
    free(paths);
}

int main(int argc, char **argv)
{
    if (!host_threads_args(&argc, argv, "bench-tokenizer", false))
        return 2;
    bench_t b = { .seconds = 0.5 };
    int first = 1;
    if (argc > 2 && !strcmp(argv[1], "--seconds")) {
        b.seconds = atof(argv[2]);
        first = 3;
    }
    size_t size;
    uint8_t *c = host_read_file(CORPUS, &size);
    b.text = c ? find_document(c, size, &b.len) : NULL;
    if (argc <= first || !b.text || !(b.seconds >= 0)) {
        fprintf(stderr, "usage: bench-tokenizer [--seconds S] (FILE.gguf | DIR)... "
                        "(run from the repository root: needs %s)\n", CORPUS);
        free(c);
        return 2;
    }
    host_arena_init(&b.scratch, 64u << 20);
    b.ids = malloc((b.len + 4) * sizeof *b.ids);
    bench_splitters(&b);
    printf("tokenizer encode throughput on the %u-byte corpus document (%g s a vocabulary):\n", b.len, b.seconds);
    printf("  %-32s %-6s %-16s %-14s %7s %10s %8s %8s %12s\n", "vocabulary", "model", "pre-tokenizer", "split",
           "MB/s", "tokens/s", "tokens", "n_vocab", "arena bytes");
    for (int i = first; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            bench_dir(&b, argv[i]);
        else
            bench_vocab(&b, argv[i]);
    }
    free(b.ids);
    host_arena_free(&b.scratch);
    free(c);
    return 0;
}
