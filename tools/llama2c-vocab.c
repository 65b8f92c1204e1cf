/*
 * llama2c-vocab TOKENIZER.bin OUT.gguf: writes a vocabulary-only GGUF
 * (tokenizer.ggml.model "llama": tokens, scores, token types) from the
 * tokenizer.bin that karpathy's llama2.c exports from a SentencePiece model:
 * int32 max_token_length, then per token a float32 score, an int32 byte
 * length and the bytes. That export changed the pieces (U+2581 written as a
 * space, <s> and </s> wrapped in newlines) and dropped the token types; both
 * are restored as the SentencePiece model has them: <unk> unknown, <s> and
 * </s> control, <0x00>..<0xFF> byte, the rest normal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/gguf/gguf.h"
#include "llm/tokenizer/tokenizer.h"
#include "tests/fixtures/gguf_writer.h"
#include "host/host_file.h"

static int32_t token_type(const char *text, size_t len)
{
    if (len == 5 && memcmp(text, "<unk>", 5) == 0)
        return TOK_TYPE_UNKNOWN;
    if ((len == 3 && memcmp(text, "<s>", 3) == 0) || (len == 4 && memcmp(text, "</s>", 4) == 0))
        return TOK_TYPE_CONTROL;
    if (len == 6 && memcmp(text, "<0x", 3) == 0 && text[5] == '>')
        return TOK_TYPE_BYTE;
    return TOK_TYPE_NORMAL;
}

/* The SentencePiece piece for a llama2.c token text, malloc'd: "\n<s>\n" -> "<s>", ' ' -> U+2581. */
static char *restore_piece(const uint8_t *t, size_t len)
{
    if ((len == 5 && memcmp(t, "\n<s>\n", 5) == 0) || (len == 6 && memcmp(t, "\n</s>\n", 6) == 0)) {
        t++;
        len -= 2;
    }
    char *out = malloc(3 * len + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        if (t[i] == ' ') {
            memcpy(o, "\xe2\x96\x81", 3);
            o += 3;
        } else {
            *o++ = (char)t[i];
        }
    }
    *o = '\0';
    return out;
}

static int32_t le32(const uint8_t *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: llama2c-vocab TOKENIZER.bin OUT.gguf\n");
        return 2;
    }
    size_t len;
    uint8_t *in = host_read_file(argv[1], &len);
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    /* First pass: count and check the records. */
    size_t n = 0, off = 4;
    while (off < len) {
        int32_t tlen = off + 8 <= len ? le32(in + off + 4) : -1;
        if (tlen < 0 || (size_t)tlen > len - off - 8) {
            fprintf(stderr, "llama2c-vocab: %s: bad token record at byte %zu\n", argv[1], off);
            free(in);
            return 1;
        }
        off += 8 + (size_t)tlen;
        n++;
    }
    char **tokens = malloc(n * sizeof *tokens);
    float *scores = malloc(n * sizeof *scores);
    int32_t *types = malloc(n * sizeof *types);
    off = 4;
    for (size_t i = 0; i < n; i++) {
        size_t tlen = (size_t)le32(in + off + 4);
        memcpy(&scores[i], in + off, 4);
        tokens[i] = restore_piece(in + off + 8, tlen);
        types[i] = token_type(tokens[i], strlen(tokens[i]));
        off += 8 + tlen;
    }

    gguf_writer_t w;
    gw_init(&w, 3);
    gw_kv_str(&w, "general.architecture", "llama");
    gw_kv_str(&w, "general.name", "llama2 vocabulary (from llama2.c tokenizer.bin)");
    gw_kv_str(&w, "tokenizer.ggml.model", "llama");
    gw_kv_str_array(&w, "tokenizer.ggml.tokens", (const char *const *)tokens, n);
    gw_kv_array(&w, "tokenizer.ggml.scores", GGUF_TYPE_FLOAT32, n, scores, n * sizeof *scores);
    gw_kv_array(&w, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, n, types, n * sizeof *types);
    gw_kv_u32(&w, "tokenizer.ggml.unknown_token_id", 0);
    gw_kv_u32(&w, "tokenizer.ggml.bos_token_id", 1);
    gw_kv_u32(&w, "tokenizer.ggml.eos_token_id", 2);
    gw_kv_bool(&w, "tokenizer.ggml.add_bos_token", true);
    gw_kv_bool(&w, "tokenizer.ggml.add_space_prefix", true);
    size_t out_len = gw_write(&w, argv[2]);
    if (out_len)
        printf("llama2c-vocab: %s -> %s: %zu tokens\n", argv[1], argv[2], n);
    for (size_t i = 0; i < n; i++)
        free(tokens[i]);
    free(tokens);
    free(scores);
    free(types);
    free(in);
    return out_len ? 0 : 1;
}
