/*
 * libFuzzer harness: tokenizer encode and decode on untrusted text, with
 * SmolLM2's byte-level BPE vocabulary, the Llama 2 SentencePiece one and
 * eight of llama.cpp's test vocabularies (WordPiece, Gemma 4's BPE,
 * Unigram, the deepseek, falcon, qwen35 and default pre-tokenizers) (FUZZ_MODELS,
 * default test_models/: `make models`). Input byte 0 picks the vocabulary
 * (bits 0 and 3-7) and the options (bits 1, 2: special tokens parsed,
 * BOS/EOS added), the rest is the text. Every id must be in range and have
 * a piece; decoding and the streaming decoder must take them; and where the
 * vocabulary can say the text (printable ASCII, no leading space for
 * SentencePiece, no special-token parsing, no lowercasing or cleaned-up
 * spaces) decoding must give the text back. The text's codepoints also go
 * through every pre-tokenizer kind (pretok_split), whose word ends must
 * increase and end at the text's end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_file.h"
#include "llm/tokenizer/tokenizer.h"
#include "llm/tokenizer/unicode.h"

#define MAX_IDS 8192

static struct vocab {
    const char *file;
    host_gguf_t h;
    tok_vocab_t v;
} vocabs[] = {
    { .file = "smollm2-135m-q8_0-L1.gguf" },           { .file = "llama2-vocab.gguf" },
    { .file = "llama-vocabs/ggml-vocab-bert-bge.gguf" }, { .file = "llama-vocabs/ggml-vocab-gemma-4.gguf" },
    { .file = "llama-vocabs/ggml-vocab-deepseek-llm.gguf" }, { .file = "llama-vocabs/ggml-vocab-deepseek-coder.gguf" },
    { .file = "llama-vocabs/ggml-vocab-falcon.gguf" },   { .file = "llama-vocabs/ggml-vocab-qwen35.gguf" },
    { .file = "llama-vocabs/ggml-vocab-gpt-neox.gguf" }, { .file = "llama-vocabs/ggml-vocab-nomic-bert-moe.gguf" },
};
#define N_VOCABS (sizeof vocabs / sizeof vocabs[0])

static arena_t scratch;
static int32_t *ids;
static char *text;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *dir = getenv("FUZZ_MODELS") ? getenv("FUZZ_MODELS") : "test_models";
    for (size_t i = 0; i < sizeof vocabs / sizeof vocabs[0]; i++) {
        char path[512];
        err_t e;
        snprintf(path, sizeof path, "%s/%s", dir, vocabs[i].file);
        if (host_gguf_open(&vocabs[i].h, "fuzz_tokenizer", path, 64u << 20) != 0 ||
            tok_load(&vocabs[i].v, &vocabs[i].h.file, &vocabs[i].h.arena, &e) != ERR_OK) {
            fprintf(stderr, "fuzz_tokenizer: cannot load %s (make models)\n", path);
            exit(1);
        }
    }
    host_arena_init(&scratch, 16u << 20);
    ids = malloc(MAX_IDS * sizeof *ids);
    text = malloc(MAX_IDS * 64);
    return 0;
}

/* Every kind's split of the text: non-empty words covering it in order. */
static void check_splits(const uint8_t *s, size_t len)
{
    static uint32_t cpts[4096], ends[4096];
    size_t n = utf8_to_cpts(s, len, cpts);
    for (int k = 0; k < PRETOK_KIND_COUNT; k++) {
        size_t n_words = pretok_split((pretok_kind_t)k, cpts, n, ends);
        if ((n == 0) != (n_words == 0) || n_words > n || (n_words && ends[n_words - 1] != n))
            abort();
        for (size_t i = 0; i < n_words; i++) {
            if (ends[i] <= (i ? ends[i - 1] : 0))
                abort();
        }
    }
}

static bool plain_ascii(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7e)
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 4096)
        return 0;
    const struct vocab *vc = &vocabs[((data[0] & 1u) | (data[0] >> 3 << 1)) % N_VOCABS];
    const tok_vocab_t *v = &vc->v;
    tok_encode_opts_t opts = { .parse_special = (data[0] & 2) != 0, .add_special = (data[0] & 4) != 0 };
    const char *s = (const char *)data + 1;
    size_t len = size - 1, n = 0, out_len = 0;
    err_t e;
    check_splits(data + 1, len);
    if (tok_encode(v, s, len, &opts, ids, MAX_IDS, &n, &scratch, &e) != ERR_OK)
        return 0;
    tok_stream_t st;
    tok_stream_init(&st);
    for (size_t i = 0; i < n; i++) {
        char piece[TOK_STREAM_PIECE_MAX];
        size_t k;
        if (ids[i] < 0 || (uint32_t)ids[i] >= v->n_tokens)
            abort(); /* an id out of range */
        if (tok_piece(v, ids[i], true, piece, sizeof piece, &k, &e) != ERR_OK && e.code != ERR_RANGE)
            abort();
        tok_stream_push(v, &st, ids[i], piece, sizeof piece, &k, &e);
    }
    char tail[8];
    tok_stream_flush(&st, tail, sizeof tail);
    if (tok_decode(v, ids, n, false, text, MAX_IDS * 64, &out_len, &e) != ERR_OK)
        abort(); /* decoding what encode gave cannot fail with room enough */
    bool sayable = plain_ascii(data + 1, len) && !opts.parse_special && !opts.add_special &&
                   !(v->kind == TOK_SPM && len > 0 && s[0] == ' ') && v->kind != TOK_WPM && v->kind != TOK_UGM &&
                   !v->clean_spaces;
    if (sayable && (out_len != len || memcmp(text, s, len) != 0))
        abort(); /* the round trip lost or changed text */
    return 0;
}
