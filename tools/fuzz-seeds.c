/*
 * fuzz-seeds OUT_DIR [VIRT_DTB]: writes the seed corpora of the fuzz
 * harnesses (tests/fuzz/), small inputs that already reach deep into each
 * parser: tiny llama and gemma3 models (F32 and Q8_0, a few KiB: the GGUF
 * harness runs a forward pass on them), an initrd holding one with its
 * checksum, a QEMU virt device tree (VIRT_DTB, e.g. QEMU's dumpdtb output,
 * cut to its used size), and a few texts, templates, shell sessions and
 * sampler settings. OUT_DIR/<harness>/seed-*; the committed corpora in
 * tests/fuzz/corpus/ were made by it (README there).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/host_file.h"
#include "kernel/lib/sha256.h"
#include "llm/sampler.h"
#include "tests/fixtures/cpio_writer.h"
#include "tests/fixtures/model_fixture.h"

static const char *out_dir;
static int n_written;

static void put(const char *harness, const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", out_dir, harness);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/seed-%s", out_dir, harness, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    n_written++;
}

static void put_str(const char *harness, const char *name, const char *s, size_t len)
{
    put(harness, name, s, len);
}

/* Tiny models: small enough for the GGUF harness's forward pass. */
static uint8_t *tiny_with(const char *arch, quant_type_t type, const char *tokenizer, size_t *len)
{
    fixture_opts_t o = fixture_defaults();
    o.arch = arch;
    o.tokenizer = tokenizer;
    o.n_embd = 32, o.n_head = 2, o.n_head_kv = 1, o.n_ff = 32, o.n_layer = 1, o.n_vocab = 100, o.n_ctx = 64;
    o.weight_type = type;
    if (!strcmp(arch, "gemma3"))
        o.head_dim = 32, o.n_swa = 4, o.softcap = 30.0f;
    return fixture_tiny_llama(&o, len);
}

static uint8_t *tiny(const char *arch, quant_type_t type, size_t *len)
{
    return tiny_with(arch, type, NULL, len);
}

static void gguf_seeds(void)
{
    /* tokenizer: NULL is byte-level BPE; WordPiece and Gemma 4's BPE reach their loaders and encoders */
    static const struct {
        const char *arch, *name;
        quant_type_t type;
        const char *tokenizer;
    } models[] = { { "llama", "llama-f32", QUANT_F32, NULL },          { "llama", "llama-q8_0", QUANT_Q8_0, NULL },
                   { "gemma3", "gemma3-f32", QUANT_F32, NULL },        { "gemma3", "gemma3-q8_0", QUANT_Q8_0, NULL },
                   { "llama", "llama-f32-bert", QUANT_F32, "bert" },   { "llama", "llama-f32-gemma4", QUANT_F32, "gemma4" },
                   { "llama", "llama-f32-t5", QUANT_F32, "t5" } };
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        size_t len;
        uint8_t *m = tiny_with(models[i].arch, models[i].type, models[i].tokenizer, &len);
        put("gguf", models[i].name, m, len);
        free(m);
    }
}

static void cpio_seeds(void)
{
    size_t len;
    uint8_t *m = tiny("llama", QUANT_Q8_0, &len), digest[SHA256_DIGEST_BYTES];
    sha256_t sh;
    sha256_init(&sh);
    sha256_update(&sh, m, len);
    sha256_final(&sh, digest);
    char sum[100];
    for (int i = 0; i < SHA256_DIGEST_BYTES; i++)
        snprintf(sum + 2 * i, 3, "%02x", digest[i]);
    strcat(sum, "  tiny.gguf\n");
    cpio_writer_t w = { 0 };
    cpio_put_entry(&w, "models/tiny.gguf", 0100644, m, len);
    cpio_put_entry(&w, "models/tiny.gguf.sha256", 0100644, sum, strlen(sum));
    cpio_put_entry(&w, "README", 0100644, "not a model\n", 12);
    cpio_put_trailer(&w);
    put("cpio", "tiny-with-sum", w.buf, w.len);
    free(w.buf);
    free(m);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* QEMU's dumped tree, cut to the bytes its header uses (the dump pads it to 1 MiB). */
static void fdt_seed(const char *path)
{
    size_t len;
    uint8_t *d = host_read_file(path, &len);
    if (!d || len < 40) {
        fprintf(stderr, "fuzz-seeds: %s: not a device tree\n", path);
        exit(1);
    }
    size_t end_struct = (size_t)be32(d + 8) + be32(d + 36), end_strings = (size_t)be32(d + 12) + be32(d + 32);
    size_t used = end_struct > end_strings ? end_struct : end_strings;
    if (used > len) {
        fprintf(stderr, "fuzz-seeds: %s: header sizes run past the file\n", path);
        exit(1);
    }
    d[4] = (uint8_t)(used >> 24), d[5] = (uint8_t)(used >> 16), d[6] = (uint8_t)(used >> 8), d[7] = (uint8_t)used;
    put("fdt", "qemu-virt", d, used);
    free(d);
}

static void text_seeds(void)
{
    /* tokenizer: byte 0 picks the vocabulary (bits 0 and 3-7) and options (bits 1, 2) */
    static const char *const texts[] = {
        "\x00Hello, world! It's 2024.", "\x01The quick brown fox jumps over the lazy dog.",
        "\x02<|im_start|>user\nhi<|im_end|>", "\x03  leading spaces\tand\ttabs\n",
        "\x04" "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x8d\x95", "\x05\xff\xfe" " bad \xc0\x80 utf-8 \xed\xa0\x80",
        /* llama.cpp's test vocabularies: bert-bge, gemma-4, deepseek-llm, deepseek-coder, falcon, qwen35, gpt-neox,
           nomic-bert-moe */
        "\x08" "Caf\xc3\xa9 Stra\xc3\x9f" "e, 3.14 \xe4\xb8\xad\xe6\x96\x87!", "\x09  two spaces\n\n\tend ",
        "\x10" "Hello\xe3\x80\x80world 12345 \xef\xbc\x81", "\x11" "def f(x):\n    return x**2 # \xe4\xbd\xa0",
        "\x18" "1234567 $+<=>^~|` ok.", "\x19" "na\xc3\xafve ca\xcc\x81" "fe\xcc\x81 'S 'll",
        "\x20" "no pre-tokenizer name: 1,000,000!", "\x21" "\xef\xbc\xa1\xe2\x91\xa0  Unigram\tnormalizes \xef\xbd\xb6",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char name[16];
        snprintf(name, sizeof name, "%zu", i);
        put_str("tokenizer", name, texts[i], strlen(texts[i] + 1) + 1);
    }
    /* chat: template, 0xFF, then messages (a role byte, the content) separated by 0xFE */
    static const char chatml[] = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>{% endfor %}"
                                 "\xff\x00You are kind.\xfe\x01What is 2+2?\xfe\x02" "4\xfe\x01Thanks";
    static const char gemma[] = "{{ '<start_of_turn>' + role }}\xff\x01hello\xfe\x02hi there";
    static const char llama3[] = "llama3\xff\x00sys\xfe\x01user text";
    put_str("chat", "chatml", chatml, sizeof chatml - 1);
    put_str("chat", "gemma", gemma, sizeof gemma - 1);
    put_str("chat", "by-name", llama3, sizeof llama3 - 1);
    /* shell: what a user types, with arrows, Ctrl-C, quotes and a CRLF */
    static const char shell[] = "help\r\nllm gen -n 4 -t 0.5 \"The capital\"\r\x1b[A\x1b[B\x7f\x7fx\x03"
                                "llm load 'my model'\rinfo \\\"q\r\x1b[1;5Cmem\n";
    put_str("shell", "session", shell, sizeof shell - 1);
    /* sampler: the default settings, 100 tokens, a ramp of logits */
    uint8_t s[44 + 400];
    sampler_config_t c;
    sampler_config_default(&c);
    float fl[6] = { c.temperature, c.top_p, c.min_p, c.repeat_penalty, 0.5f, -0.25f };
    memcpy(s, fl, sizeof fl);
    memcpy(s + 24, &c.top_k, 4);
    memcpy(s + 28, &c.penalty_last_n, 4);
    memcpy(s + 32, &c.seed, 8);
    s[40] = 99, s[41] = 0, s[42] = s[43] = 0;
    for (int i = 0; i < 100; i++) {
        float x = (float)(i % 17) * 0.25f - 2.0f;
        memcpy(s + 44 + 4 * i, &x, 4);
    }
    put("sampler", "default", s, sizeof s);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: fuzz-seeds OUT_DIR [VIRT_DTB]\n");
        return 2;
    }
    out_dir = argv[1];
    mkdir(out_dir, 0755);
    gguf_seeds();
    cpio_seeds();
    if (argc == 3)
        fdt_seed(argv[2]);
    text_seeds();
    printf("fuzz-seeds: %d seeds in %s\n", n_written, out_dir);
    return 0;
}
