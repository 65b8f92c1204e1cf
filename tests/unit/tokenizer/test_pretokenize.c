/*
 * The pre-tokenizer splits: every kind against goldens the `regex` package
 * computed with llama.cpp's expression strings (tests/golden/pretokenize/
 * splits.txt, made by tests/ref/make_pretokenize_goldens.py), hand-checked
 * cases for llama.cpp's own choices (bad UTF-8, its whitespace set, its
 * case-insensitive contractions, piece ends), the tokenizer.ggml.pre names,
 * and invariants on random and long input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/tokenizer/pretokenize.h"
#include "llm/tokenizer/unicode.h"
#include "tests/unit/suites.h"

#define SPLITS_GOLDEN "tests/golden/pretokenize/splits.txt"

static const pretok_kind_t ALL_KINDS[] = { PRETOK_GPT2,    PRETOK_SMOLLM,         PRETOK_LLAMA3,
                                            PRETOK_QWEN2,   PRETOK_QWEN35,         PRETOK_DEFAULT,
                                            PRETOK_FALCON,  PRETOK_DEEPSEEK_CODER, PRETOK_DEEPSEEK_LLM,
                                            PRETOK_NEWLINES, PRETOK_LAGUNA,         PRETOK_BLOOM,
                                            PRETOK_VIKING,  PRETOK_DEEPSEEK3,      PRETOK_GPT4O,
                                            PRETOK_TEKKEN,  PRETOK_UFAKZEKA,       PRETOK_SEED_CODER,
                                            PRETOK_MINICPM5, PRETOK_SPARK,         PRETOK_GRANITE,
                                            PRETOK_TINY_AYA, PRETOK_YOUTU,         PRETOK_AFMOE,
                                            PRETOK_JAIS2,   PRETOK_EXAONE_MOE,     PRETOK_CHAMELEON,
                                            PRETOK_SUPERBPE, PRETOK_WHITESPACE,    PRETOK_KIMI_K2 };
#define N_KINDS (sizeof ALL_KINDS / sizeof ALL_KINDS[0])
#define N_GOLDEN_KINDS 4 /* splits.txt has gpt2, smollm, llama3 and qwen2, the first four */

/* Prints codepoints as text with C escapes for anything outside printable ASCII. */
static void print_cpts(const uint32_t *cpts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t c = cpts[i];
        if (c >= 0x20 && c < 0x7F && c != '\\')
            fputc((int)c, stderr);
        else
            fprintf(stderr, "\\u{%x}", (unsigned)c);
    }
}

static void print_words(const char *label, const uint32_t *cpts, const uint32_t *ends, size_t n_words)
{
    fprintf(stderr, "    %s:", label);
    for (size_t i = 0, start = 0; i < n_words; start = ends[i++]) {
        fputs(" [", stderr);
        print_cpts(cpts + start, ends[i] - start);
        fputc(']', stderr);
    }
    fputc('\n', stderr);
}

/* ---------------------------------------------------------- goldens */

static char *read_text_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "\n  cannot open %s (run the tests from the repository root)\n", path);
        return NULL;
    }
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 1 << 16;
            char *grown = realloc(buf, cap);
            if (!grown)
                break;
            buf = grown;
        }
        size_t got = fread(buf + *len, 1, cap - *len - 1, fp);
        *len += got;
        if (got == 0)
            break;
    }
    fclose(fp);
    if (buf)
        buf[*len] = '\0';
    return buf;
}

/* Parses up to max numbers in base from *p (advancing it); the count parsed. */
static size_t parse_numbers(char **p, int base, uint32_t *out, size_t max)
{
    size_t n = 0;
    while (n < max) {
        char *end;
        unsigned long v = strtoul(*p, &end, base);
        if (end == *p)
            break;
        out[n++] = (uint32_t)v;
        *p = end;
    }
    return n;
}

static bool kind_by_label(const char *label, size_t len, pretok_kind_t *kind)
{
    for (size_t k = 0; k < N_KINDS; k++) {
        const char *name = pretok_kind_name(ALL_KINDS[k]);
        if (strlen(name) == len && memcmp(name, label, len) == 0) {
            *kind = ALL_KINDS[k];
            return true;
        }
    }
    return false;
}

typedef struct golden_run {
    uint32_t *cpts, *want, *got;
    size_t n_cpts, cap;
    size_t n_checked, n_failed;
} golden_run_t;

/* One "<kind> <count> <ends...>" line against the current text. */
static void check_golden_line(golden_run_t *r, char *line)
{
    size_t label_len = strcspn(line, " ");
    pretok_kind_t kind;
    if (!kind_by_label(line, label_len, &kind)) {
        CU_FAIL("unknown kind in " SPLITS_GOLDEN);
        return;
    }
    char *p = line + label_len;
    uint32_t count = 0;
    CU_ASSERT_FATAL(parse_numbers(&p, 10, &count, 1) == 1 && count <= r->n_cpts);
    CU_ASSERT_FATAL(parse_numbers(&p, 10, r->want, count) == count);
    size_t n_words = pretok_split(kind, r->cpts, r->n_cpts, r->got);
    r->n_checked++;
    if (n_words == count && memcmp(r->got, r->want, count * sizeof r->want[0]) == 0)
        return;
    if (r->n_failed++ < 10) {
        fprintf(stderr, "\n  %s splits differently: ", pretok_kind_name(kind));
        print_cpts(r->cpts, r->n_cpts);
        fputc('\n', stderr);
        print_words("want", r->cpts, r->want, count);
        print_words("got ", r->cpts, r->got, n_words);
    }
}

static void test_goldens(void)
{
    size_t len = 0;
    char *text = read_text_file(SPLITS_GOLDEN, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    golden_run_t r = { 0 };
    r.cap = len / 2 + 1; /* a codepoint or an end takes >= 2 characters */
    r.cpts = malloc(r.cap * sizeof(uint32_t));
    r.want = malloc(r.cap * sizeof(uint32_t));
    r.got = malloc(r.cap * sizeof(uint32_t));
    CU_ASSERT_FATAL(r.cpts && r.want && r.got);
    size_t n_texts = 0;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        char *next = nl ? nl + 1 : line + strlen(line);
        if (nl)
            *nl = '\0';
        if (line[0] == 'T' && line[1] == ' ') {
            char *p = line + 1;
            uint32_t n = 0;
            CU_ASSERT_FATAL(parse_numbers(&p, 10, &n, 1) == 1 && n < r.cap);
            r.n_cpts = parse_numbers(&p, 16, r.cpts, n);
            CU_ASSERT_FATAL(r.n_cpts == n);
            n_texts++;
        } else if (line[0] != '#' && line[0] != '\0') {
            check_golden_line(&r, line);
        }
        line = next;
    }
    CU_ASSERT(n_texts >= 700);
    CU_ASSERT_EQUAL(r.n_checked, n_texts * N_GOLDEN_KINDS);
    CU_ASSERT_EQUAL(r.n_failed, 0);
    free(r.cpts);
    free(r.want);
    free(r.got);
    free(text);
}

/* ---------------------------------------------------------- hand-checked */

typedef struct hand_case {
    pretok_kind_t kind;
    const char *text; /* UTF-8, possibly invalid */
    const char *words[8]; /* the expected words re-encoded as UTF-8, NULL-terminated */
} hand_case_t;

static const hand_case_t HAND_CASES[] = {
    { PRETOK_GPT2, "Hello world", { "Hello", " world" } },
    { PRETOK_GPT2, "I'm  fine\n", { "I", "'m", " ", " fine", "\n" } },
    { PRETOK_GPT2, "   x", { "  ", " x" } },
    /* GPT-2's contractions are case-sensitive */
    { PRETOK_GPT2, "X'S", { "X", "'", "S" } },
    /* U+001C..001F are not whitespace for llama.cpp (Python's str.isspace says they are) */
    { PRETOK_GPT2, "a\x1c\x1c" "b", { "a", "\x1c\x1c", "b" } },
    /* U+0085 is: a run of two before a letter leaves one for the next word */
    { PRETOK_GPT2, "a\xc2\x85\xc2\x85" "b", { "a", "\xc2\x85", "\xc2\x85", "b" } },
    /* bad bytes become U+FFFD, a symbol */
    { PRETOK_GPT2, "ab\xff" "cd", { "ab", "\xef\xbf\xbd", "cd" } },
    { PRETOK_GPT2, "x \xe2\x82", { "x", " \xef\xbf\xbd\xef\xbf\xbd" } },
    /* SmolLM: every digit alone; a digit ends a piece, so the spaces before it stay together */
    { PRETOK_SMOLLM, "abc 123", { "abc", " ", "1", "2", "3" } },
    { PRETOK_SMOLLM, "a  1", { "a", "  ", "1" } },
    { PRETOK_SMOLLM, "v1.2", { "v", "1", ".", "2" } },
    { PRETOK_SMOLLM, "x\xc2\xb2\xd9\xa3\xd9\xa4", { "x", "\xc2\xb2", "\xd9\xa3", "\xd9\xa4" } },
    { PRETOK_LLAMA3, "12345", { "123", "45" } },
    { PRETOK_LLAMA3, "I'LLx HE'Sa", { "I", "'LL", "x", " HE", "'S", "a" } },
    /* llama.cpp matches '[sS], not the original (?i:'s) that also takes U+017F (long s) */
    { PRETOK_LLAMA3, "he'\xc5\xbf" "a", { "he", "'\xc5\xbf" "a" } },
    { PRETOK_LLAMA3, "Hello\n\nworld", { "Hello", "\n\n", "world" } },
    { PRETOK_LLAMA3, "a \n b", { "a", " \n", " b" } },
    /* the lists llama.cpp runs through std::regex / std::wregex */
    { PRETOK_FALCON, "ab 12345", { "ab", " ", "123", "45" } },
    { PRETOK_DEFAULT, "x=1234!", { "x", "=", "123", "4", "!" } },
    { PRETOK_DEEPSEEK_LLM, "a\xe3\x80\x80" "b  ", { "a", "\xe3\x80\x80" "b", "  " } },
    { PRETOK_DEEPSEEK_CODER, "x\r\ny 42", { "x", "\r", "\n", "y", " ", "4", "2" } },
    { PRETOK_QWEN35, "ca\xcc\x81" "fe 1", { "ca\xcc\x81" "fe", " ", "1" } },
    { PRETOK_NEWLINES, "a b\n\nc", { "a b", "\n\n", "c" } },
    { PRETOK_BLOOM, "Hi, (you)|x", { "Hi", ", (", "you", ")|", "x" } },
    { PRETOK_GPT4O, "HELLOworld \xc3\x80\xc3\x80" "B I'M", { "HELLOworld", " \xc3\x80\xc3\x80", "B", " I'M" } },
    { PRETOK_TEKKEN, "aBc x/\n12", { "a", "Bc", " x", "/\n", "1", "2" } },
    { PRETOK_SEED_CODER, "a!\nb", { "a", "!", "\n", "b" } },
    { PRETOK_AFMOE, "ab 1234 x", { "ab", " ", "1", "234", " x" } }, /* "ab 1" first, then split again */
    { PRETOK_TINY_AYA, "Hello1234567", { "Hello", "1", "234", "567" } },
    { PRETOK_EXAONE_MOE, "New York  is", { "New York", " ", " is" } },
    { PRETOK_SUPERBPE, "ab 1234567 x", { "ab ", "1", "234", "567", " x" } },
    { PRETOK_KIMI_K2, "I'm\xe4\xb8\xad\xe6\x96\x87" "ab's 12345", { "I'm", "\xe4\xb8\xad\xe6\x96\x87", "ab's", " ", "123", "45" } },
    { PRETOK_WHITESPACE, "ab  c\xe3\x80\x80" "d", { "ab", "  ", "c", "\xe3\x80\x80", "d" } },
    { PRETOK_JAIS2, "a      b", { "a", "    ", " ", " b" } },
    /* the later expressions split the sentinel again, as in llama.cpp */
    { PRETOK_CHAMELEON, "<sentinel:12>IMGIMGABZx", { "<", "sentinel", ":", "1", "2", ">", "IMGIMGABZ", "x" } },
    { PRETOK_UFAKZEKA, "it's", { "it", "'s" } },
    { PRETOK_DEEPSEEK3, "'Hello 12345\x01\x02\xe3\x81\x82", { "'Hello", " ", "123", "45", "\x01\x02", "\xe3\x81\x82" } },
    { PRETOK_LLAMA3, "((abc !!\n\nx", { "((", "abc", " !!\n\n", "x" } },
    { PRETOK_LLAMA3, "  \tabc", { "  ", "\tabc" } },
    /* any one non-letter, non-digit codepoint but CR/LF may lead a word: U+FFFD from a bad byte too */
    { PRETOK_LLAMA3, "ab\xff" "cd", { "ab", "\xef\xbf\xbd" "cd" } },
    { PRETOK_QWEN2, "12345", { "1", "2", "3", "4", "5" } },
    { PRETOK_QWEN2, "a1b HE'Sa", { "a", "1", "b", " HE", "'S", "a" } },
    { PRETOK_QWEN2, "x\xe3\x80\x80\xe3\x80\x80y", { "x", "\xe3\x80\x80", "\xe3\x80\x80y" } },
};

/* Decodes text, splits it and compares the words re-encoded as UTF-8; true if equal. */
static bool check_hand_case(const hand_case_t *c)
{
    size_t len = strlen(c->text);
    uint32_t cpts[64], ends[64];
    size_t n = utf8_to_cpts((const uint8_t *)c->text, len, cpts);
    size_t n_words = pretok_split(c->kind, cpts, n, ends);
    size_t want_words = 0;
    while (want_words < 8 && c->words[want_words])
        want_words++;
    bool ok = n_words == want_words;
    for (size_t i = 0, start = 0; ok && i < n_words; start = ends[i++]) {
        char word[256];
        size_t w = 0;
        for (size_t j = start; j < ends[i]; j++)
            w += utf8_encode(cpts[j], (uint8_t *)word + w);
        ok = w == strlen(c->words[i]) && memcmp(word, c->words[i], w) == 0;
    }
    if (!ok) {
        fprintf(stderr, "\n  %s: ", pretok_kind_name(c->kind));
        print_cpts(cpts, n);
        fputc('\n', stderr);
        print_words("got", cpts, ends, n_words);
    }
    return ok;
}

static void test_hand_checked(void)
{
    for (size_t i = 0; i < sizeof HAND_CASES / sizeof HAND_CASES[0]; i++)
        CU_ASSERT(check_hand_case(&HAND_CASES[i]));
}

/* An overlong NUL (C0 80) is U+0000 to llama.cpp: a control codepoint, a word of "other" like punctuation. */
static void test_overlong_nul(void)
{
    uint32_t cpts[8], ends[8];
    size_t n = utf8_to_cpts((const uint8_t *)"a\xc0\x80\xc0\x80!", 6, cpts);
    CU_ASSERT_EQUAL_FATAL(n, 4);
    CU_ASSERT(cpts[1] == 0 && cpts[2] == 0);
    CU_ASSERT_EQUAL(pretok_split(PRETOK_GPT2, cpts, n, ends), 2);
    CU_ASSERT(ends[0] == 1 && ends[1] == 4);
}

/* ---------------------------------------------------------- names */

static void test_names(void)
{
    static const struct {
        const char *name;
        pretok_kind_t kind;
    } known[] = {
        { "gpt2", PRETOK_GPT2 }, { "gpt-2", PRETOK_GPT2 }, { "olmo", PRETOK_GPT2 }, { "mpt", PRETOK_GPT2 },
        { "phi-2", PRETOK_GPT2 }, { "roberta-bpe", PRETOK_GPT2 }, { "smollm", PRETOK_SMOLLM },
        { "starcoder", PRETOK_SMOLLM }, { "refact", PRETOK_SMOLLM }, { "command-r", PRETOK_SMOLLM },
        { "llama3", PRETOK_LLAMA3 }, { "llama-bpe", PRETOK_LLAMA3 }, { "llama-v3", PRETOK_LLAMA3 },
        { "dbrx", PRETOK_LLAMA3 }, { "smaug-bpe", PRETOK_LLAMA3 }, { "falcon3", PRETOK_LLAMA3 },
        { "qwen2", PRETOK_QWEN2 }, { "deepseek-r1-qwen", PRETOK_QWEN2 }, { "stablelm2", PRETOK_QWEN2 },
        { "megrez", PRETOK_QWEN2 }, { "qwen35", PRETOK_QWEN35 }, { "default", PRETOK_DEFAULT },
        { "falcon", PRETOK_FALCON }, { "deepseek-coder", PRETOK_DEEPSEEK_CODER },
        { "deepseek-llm", PRETOK_DEEPSEEK_LLM }, { "gemma4", PRETOK_NEWLINES }, { "sarvam-moe", PRETOK_NEWLINES },
        { "laguna", PRETOK_LAGUNA }, { "bloom", PRETOK_BLOOM }, { "poro-chat", PRETOK_BLOOM }, { "viking", PRETOK_VIKING },
        { "deepseek-v3", PRETOK_DEEPSEEK3 }, { "hy_v4", PRETOK_DEEPSEEK3 }, { "llama4", PRETOK_GPT4O },
        { "minimax-m2", PRETOK_GPT4O }, { "tekken", PRETOK_TEKKEN }, { "ufakzeka", PRETOK_UFAKZEKA },
        { "seed-coder", PRETOK_SEED_CODER }, { "minicpm5", PRETOK_MINICPM5 }, { "spark2_5", PRETOK_SPARK },
        { "bailingmoe2", PRETOK_QWEN2 }, { "granite-embed-multi-97m", PRETOK_GRANITE }, { "cohere2moe", PRETOK_TINY_AYA },
        { "youtu", PRETOK_YOUTU }, { "afmoe", PRETOK_AFMOE }, { "jais-2", PRETOK_JAIS2 },
        { "exaone-moe", PRETOK_EXAONE_MOE }, { "chameleon", PRETOK_CHAMELEON }, { "superbpe", PRETOK_SUPERBPE },
        { "whitespace", PRETOK_WHITESPACE }, { "kimi-k2", PRETOK_KIMI_K2 },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        pretok_kind_t kind = (pretok_kind_t)-1;
        CU_ASSERT(pretok_kind_from_name(known[i].name, strlen(known[i].name), &kind));
        CU_ASSERT_EQUAL(kind, known[i].kind);
    }
    /* other regexes, prefixes, extensions, case, empty */
    static const char *unknown[] = { "", "whitespace2", "kimi-k2 ", "Jais-2", "exaone5", "kimi",
                                     "qwen", "qwen2x", "Qwen2", "llama", "smollm ", "hybriddna" };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        pretok_kind_t kind = PRETOK_QWEN2;
        CU_ASSERT(!pretok_kind_from_name(unknown[i], strlen(unknown[i]), &kind));
    }
    /* the length decides, not a NUL */
    pretok_kind_t kind;
    CU_ASSERT(pretok_kind_from_name("qwen2-and-more", 5, &kind) && kind == PRETOK_QWEN2);
    CU_ASSERT_STRING_EQUAL(pretok_kind_name(PRETOK_GPT2), "gpt2");
    CU_ASSERT_STRING_EQUAL(pretok_kind_name(PRETOK_SMOLLM), "smollm");
    CU_ASSERT_STRING_EQUAL(pretok_kind_name(PRETOK_LLAMA3), "llama3");
    CU_ASSERT_STRING_EQUAL(pretok_kind_name(PRETOK_QWEN2), "qwen2");
    CU_ASSERT_STRING_EQUAL(pretok_kind_name(PRETOK_DEEPSEEK_LLM), "deepseek-llm");
    /* the settings that go with a name */
    pretok_name_info_t info;
    CU_ASSERT(pretok_info_from_name("llama-bpe", 9, &info) && info.ignore_merges && info.add_bos && info.clean_spaces);
    CU_ASSERT(pretok_info_from_name("dbrx", 4, &info) && !info.ignore_merges && !info.add_bos);
    CU_ASSERT(pretok_info_from_name("glm4", 4, &info) && info.ignore_merges && info.no_bos);
    CU_ASSERT(pretok_info_from_name("qwen2", 5, &info) && !info.clean_spaces);
    CU_ASSERT(pretok_info_from_name("gemma4", 6, &info) && info.escape_spaces && info.gemma4);
    CU_ASSERT(pretok_info_from_name("sarvam-moe", 10, &info) && info.escape_spaces && !info.gemma4);
}

/* ---------------------------------------------------------- invariants */

/* Ends strictly increase and finish at n; a word count within n. */
static bool ends_valid(const uint32_t *ends, size_t n_words, size_t n)
{
    if (n_words > n || (n == 0) != (n_words == 0))
        return false;
    for (size_t i = 0; i < n_words; i++)
        if (ends[i] <= (i ? ends[i - 1] : 0))
            return false;
    return n_words == 0 || ends[n_words - 1] == n;
}

static void test_random_input_invariants(void)
{
    /* any uint32_t, including values beyond U+10FFFF, is accepted */
    static const uint32_t pool[] = { 'a', 'Z', '0', '7', ' ', ' ', '\t', '\n', '\r', '\'', 's', 'L', '!', '.',
                                     0xE9, 0x663, 0x4E2D, 0x301, 0x3000, 0x85, 0xFFFD, 0x1F600, 0xD800,
                                     0x110000, UNICODE_INVALID };
    uint32_t cpts[200], ends[200];
    uint32_t state = 7;
    for (int round = 0; round < 4000; round++) {
        size_t n = (size_t)round % 200;
        for (size_t i = 0; i < n; i++) {
            state = state * 1664525u + 1013904223u;
            cpts[i] = pool[(state >> 8) % (sizeof pool / sizeof pool[0])];
        }
        for (size_t k = 0; k < N_KINDS; k++) {
            size_t n_words = pretok_split(ALL_KINDS[k], cpts, n, ends);
            CU_ASSERT_FATAL(ends_valid(ends, n_words, n));
        }
    }
}

/*
 * A 100k-codepoint document, then 100k of one class each (digits, spaces,
 * letters, punctuation): linear scanners (a quadratic one takes minutes
 * here), a word per digit for SmolLM and Qwen2, three digits for LLaMA-3.
 */
static void test_long_document(void)
{
    static const char *parts[] = { "The quick brown fox's 12345 jumps", "   \n\n", "\xe4\xbd\xa0\xe5\xa5\xbd",
                                   "!!??", "\t", "caf\xc3\xa9 ", "\xf0\x9f\x98\x80", "    ", "x\r\n" };
    size_t cap = 100000;
    uint32_t *cpts = malloc(cap * sizeof *cpts);
    uint32_t *ends = malloc(cap * sizeof *ends);
    CU_ASSERT_FATAL(cpts && ends);
    size_t n = 0, n_digits = 0;
    for (size_t i = 0; n < cap; i = (i * 7 + 3) % 9) {
        uint32_t tmp[64];
        size_t m = utf8_to_cpts((const uint8_t *)parts[i], strlen(parts[i]), tmp);
        for (size_t j = 0; j < m && n < cap; j++) {
            n_digits += tmp[j] >= '0' && tmp[j] <= '9';
            cpts[n++] = tmp[j];
        }
    }
    for (size_t k = 0; k < N_KINDS; k++) {
        size_t n_words = pretok_split(ALL_KINDS[k], cpts, n, ends);
        CU_ASSERT(ends_valid(ends, n_words, n));
        if (ALL_KINDS[k] == PRETOK_SMOLLM)
            CU_ASSERT(n_words > n_digits);
    }
    static const uint32_t fills[] = { '7', ' ', 'x', '!' };
    for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
        for (size_t i = 0; i < cap; i++)
            cpts[i] = fills[f];
        for (size_t k = 0; k < N_KINDS; k++) {
            size_t n_words = pretok_split(ALL_KINDS[k], cpts, cap, ends);
            CU_ASSERT(ends_valid(ends, n_words, cap));
            size_t want = 1;
            pretok_kind_t kind = ALL_KINDS[k];
            if (fills[f] == '7' && (kind == PRETOK_LLAMA3 || kind == PRETOK_DEFAULT || kind == PRETOK_FALCON ||
                                    kind == PRETOK_DEEPSEEK3 || kind == PRETOK_GPT4O || kind == PRETOK_MINICPM5 ||
                                    kind == PRETOK_GRANITE || kind == PRETOK_TINY_AYA || kind == PRETOK_AFMOE ||
                                    kind == PRETOK_JAIS2 || kind == PRETOK_SUPERBPE || kind == PRETOK_KIMI_K2))
                want = (cap + 2) / 3; /* \p{N}{1,3} or [0-9][0-9][0-9] */
            else if (fills[f] == '7' && (kind == PRETOK_SMOLLM || kind == PRETOK_QWEN2 || kind == PRETOK_QWEN35 ||
                                         kind == PRETOK_DEEPSEEK_CODER || kind == PRETOK_LAGUNA || kind == PRETOK_VIKING ||
                                         kind == PRETOK_TEKKEN || kind == PRETOK_UFAKZEKA || kind == PRETOK_SEED_CODER ||
                                         kind == PRETOK_SPARK || kind == PRETOK_YOUTU || kind == PRETOK_EXAONE_MOE ||
                                         kind == PRETOK_CHAMELEON))
                want = cap; /* every digit */
            else if (fills[f] == ' ' && kind == PRETOK_JAIS2)
                want = cap / 512 + 2; /* 195 of 512, then 128 and 32 */
            else if (fills[f] == ' ' && kind == PRETOK_CHAMELEON)
                want = cap / 4; /* "    " */
            else if (fills[f] == '!' && kind == PRETOK_CHAMELEON)
                want = cap; /* [\p{P}!-/:-@\[-`{-~], one at a time */
            CU_ASSERT_EQUAL(n_words, want);
        }
    }
    free(cpts);
    free(ends);
}

TEST_REGISTER(test_pretokenize_register)
{
    CU_pSuite s = test_suite("pretokenize");
    TEST_ADD(s, test_goldens);
    TEST_ADD(s, test_hand_checked);
    TEST_ADD(s, test_overlong_nul);
    TEST_ADD(s, test_names);
    TEST_ADD(s, test_random_input_invariants);
    TEST_ADD(s, test_long_document);
}
