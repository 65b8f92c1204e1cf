/*
 * Chat templates against llama.cpp's own formatter (llama_chat_apply_template
 * through llama-cpp-python), from tests/golden/chat/ (made by
 * tests/ref/make_chat_goldens.py): the format detected for every real
 * template (SmolLM2's included, so no model file is needed) and for probes
 * of the signature order, and the prompt text of every conversation in every
 * format with and without the assistant prompt. Then what the goldens cannot
 * show: snprintf semantics at every buffer size, refused roles and
 * arguments, unknown and empty templates, long conversations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/chat.h"
#include "tests/unit/suites.h"
#include "host/host_file.h"

#define GOLDEN_DIR "tests/golden/chat/"
#define MAX_MSGS 16
#define MAX_WORDS 5

/* ------------------------------------------------------------ golden records */

/*
 * A record file (format in make_chat_goldens.py): a header line of words, the
 * last one a byte count, then that many bytes and a newline; "conv" lines
 * have no payload; '#' lines are comments. Payloads are NUL-terminated in
 * place (over their newline), so contents can be used as C strings.
 */
typedef struct records {
    uint8_t *data;
    size_t len, pos;
    bool bad; /* a malformed record was met */
} records_t;

typedef struct record {
    char line[256];
    char *word[MAX_WORDS];
    int n_words;
    const char *payload;
    size_t payload_len;
} record_t;

static bool records_open(records_t *r, const char *name)
{
    memset(r, 0, sizeof *r);
    r->data = host_read_file(name, &r->len);
    if (!r->data)
        fprintf(stderr, "\n  cannot read %s (run the tests from the repository root)\n", name);
    return r->data != NULL;
}

static bool record_next(records_t *r, record_t *rec)
{
    while (r->pos < r->len) {
        const uint8_t *start = r->data + r->pos;
        const uint8_t *nl = memchr(start, '\n', r->len - r->pos);
        size_t line_len = nl ? (size_t)(nl - start) : 0;
        r->pos += line_len + 1;
        if (nl && line_len > 0 && start[0] == '#')
            continue;
        if (!nl || line_len == 0 || line_len >= sizeof rec->line) {
            r->bad = true;
            return false;
        }
        memcpy(rec->line, start, line_len);
        rec->line[line_len] = '\0';
        rec->n_words = 0;
        for (char *w = strtok(rec->line, " "); w && rec->n_words < MAX_WORDS; w = strtok(NULL, " "))
            rec->word[rec->n_words++] = w;
        rec->payload = NULL;
        rec->payload_len = 0;
        if (rec->n_words < 2) {
            r->bad = true;
            return false;
        }
        if (strcmp(rec->word[0], "conv") == 0)
            return true;
        char *end;
        rec->payload_len = strtoull(rec->word[rec->n_words - 1], &end, 10);
        if (*end || rec->payload_len >= r->len - r->pos || r->data[r->pos + rec->payload_len] != '\n') {
            r->bad = true;
            return false;
        }
        rec->payload = (const char *)r->data + r->pos;
        r->data[r->pos + rec->payload_len] = '\0';
        r->pos += rec->payload_len + 1;
        return true;
    }
    return false; /* the end */
}

static bool format_by_name(const char *name, chat_format_t *f)
{
    for (int i = 0; i < CHAT_FORMAT_COUNT; i++) {
        if (strcmp(chat_format_name((chat_format_t)i), name) == 0) {
            *f = (chat_format_t)i;
            return true;
        }
    }
    return false;
}

/* Prints s[0..n) with C escapes for anything outside printable ASCII. */
static void print_escaped(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '\\')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
}

static void print_mismatch(const char *what, const char *want, size_t want_len, const char *got, size_t got_len)
{
    size_t i = 0;
    while (i < want_len && i < got_len && want[i] == got[i])
        i++;
    size_t from = i > 24 ? i - 24 : 0;
    fprintf(stderr, "\n  %s: differs at byte %zu (lengths %zu, %zu)\n    want: ", what, i, want_len, got_len);
    print_escaped(want + from, (want_len - from < 60 ? want_len - from : 60));
    fputs("\n    got:  ", stderr);
    print_escaped(got + from, (got_len - from < 60 ? got_len - from : 60));
    fputc('\n', stderr);
}

/* ------------------------------------------------------------ detection */

static void test_detect_golden_templates(void)
{
    records_t r;
    record_t rec;
    CU_ASSERT_TRUE_FATAL(records_open(&r, GOLDEN_DIR "templates.txt"));
    size_t n_checked = 0, n_real = 0, n_failed = 0;
    bool smollm2_seen = false, format_seen[CHAT_FORMAT_COUNT] = { false };
    while (record_next(&r, &rec)) {
        CU_ASSERT_FATAL(rec.n_words == 4 && strcmp(rec.word[0], "template") == 0);
        const char *id = rec.word[1], *want = rec.word[2];
        chat_format_t want_f, got_f = CHAT_FORMAT_COUNT;
        err_t err;
        err_clear(&err);
        err_code_t rc = chat_detect(rec.payload, rec.payload_len, &got_f, &err);
        bool ok;
        if (format_by_name(want, &want_f)) {
            ok = rc == ERR_OK && got_f == want_f;
            format_seen[want_f] = true;
        } else if (strcmp(want, "-") == 0) {
            ok = rc == ERR_UNSUPPORTED && strncmp(err.msg, "unknown chat template", 21) == 0;
        } else {
            /*
             * A format llama.cpp knows and we do not: named in the message when
             * one of our rules (llama.cpp's up to Llama 3) finds it, "unknown"
             * for llama.cpp's later rules and its other names ("zephyr").
             */
            char named[64];
            snprintf(named, sizeof named, "'%s' format", want);
            ok = rc == ERR_UNSUPPORTED &&
                 (strstr(err.msg, named) || strncmp(err.msg, "unknown chat template", 21) == 0);
        }
        if (!ok) {
            fprintf(stderr, "\n  template %s: llama.cpp says %s, we say %s (%s: %s)\n", id, want,
                    rc == ERR_OK ? chat_format_name(got_f) : "error", err_code_name(rc), err.msg);
            n_failed++;
        }
        if (strcmp(id, "smollm2") == 0) {
            smollm2_seen = true;
            CU_ASSERT(rc == ERR_OK && got_f == CHAT_CHATML);
        }
        n_real += strncmp(id, "name-", 5) != 0 && rec.payload_len > 150;
        n_checked++;
    }
    CU_ASSERT_FALSE(r.bad);
    CU_ASSERT_EQUAL(n_failed, 0);
    CU_ASSERT(smollm2_seen);
    CU_ASSERT(n_checked >= 50 && n_real >= 16);
    for (int f = 0; f < CHAT_FORMAT_COUNT; f++)
        CU_ASSERT_TRUE(format_seen[f]);
    free(r.data);
}

static void test_detect_names(void)
{
    for (int f = 0; f < CHAT_FORMAT_COUNT; f++) {
        const char *name = chat_format_name((chat_format_t)f);
        chat_format_t got = CHAT_FORMAT_COUNT;
        CU_ASSERT_EQUAL(chat_detect(name, strlen(name), &got, NULL), ERR_OK);
        CU_ASSERT_EQUAL(got, f);
    }
    CU_ASSERT_STRING_EQUAL(chat_format_name(CHAT_FORMAT_COUNT), "?");
    CU_ASSERT_STRING_EQUAL(chat_format_name((chat_format_t)-1), "?");
}

static void expect_detect_error(const char *tmpl, size_t len, err_code_t code, const char *msg)
{
    chat_format_t f = CHAT_CHATML;
    err_t err;
    err_clear(&err);
    CU_ASSERT_EQUAL(chat_detect(tmpl, len, &f, &err), code);
    CU_ASSERT_EQUAL(err.code, code);
    if (strcmp(err.msg, msg) != 0) {
        fprintf(stderr, "\n  want message: %s\n  got:          %s\n", msg, err.msg);
        CU_FAIL("error message");
    }
}

static void test_detect_refusals(void)
{
    expect_detect_error("", 0, ERR_INVALID, "empty chat template");
    expect_detect_error(NULL, 0, ERR_INVALID, "empty chat template");
    expect_detect_error(NULL, 3, ERR_INVALID, "chat_detect: NULL argument");
    expect_detect_error("hello", 5, ERR_UNSUPPORTED, "unknown chat template \"hello\"");
    /* only the first 40 bytes are quoted, controls escaped, no UTF-8 sequence cut */
    expect_detect_error("{{ m }}\n\t\x01\r0123456789012345678901234567890123456789", 51, ERR_UNSUPPORTED,
                        "unknown chat template \"{{ m }}\\n\\t\\x01\\r01234567890123456789012345678...\"");
    expect_detect_error("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9zz", 43, ERR_UNSUPPORTED,
                        "unknown chat template \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
    expect_detect_error("<|user|>\n{{ content }}<|endoftext|>", 35, ERR_UNSUPPORTED,
                        "chat template in llama.cpp's 'zephyr' format, which is not supported: "
                        "\"<|user|>\\n{{ content }}<|endoftext|>\"");
    /* names match whole and case-sensitively; "chatml " is not "chatml" */
    expect_detect_error("chatml ", 7, ERR_UNSUPPORTED, "unknown chat template \"chatml \"");
    expect_detect_error("chatml", 5, ERR_UNSUPPORTED, "unknown chat template \"chatm\"");

    /* len bounds the search; a NUL is just a byte */
    chat_format_t f = CHAT_FORMAT_COUNT;
    CU_ASSERT_EQUAL(chat_detect("x\0<|im_start|>", 14, &f, NULL), ERR_OK);
    CU_ASSERT_EQUAL(f, CHAT_CHATML);
    CU_ASSERT_EQUAL(chat_detect("<|im_start|>", 11, &f, NULL), ERR_UNSUPPORTED);
    CU_ASSERT_EQUAL(chat_detect("llama3", 6, NULL, NULL), ERR_INVALID);
}

/* ------------------------------------------------------------ formatting */

/* Formats into a buffer of exactly the needed size (malloc'd, so valgrind sees any overrun). */
static char *apply_alloc(chat_format_t f, const chat_message_t *msgs, size_t n, bool add, size_t *len)
{
    err_t err;
    CU_ASSERT_EQUAL(chat_apply(f, msgs, n, add, NULL, 0, len, &err), ERR_RANGE); /* size 0: only the length */
    char *buf = malloc(*len + 1);
    size_t len2 = 0;
    if (chat_apply(f, msgs, n, add, buf, *len + 1, &len2, &err) != ERR_OK || len2 != *len) {
        fprintf(stderr, "\n  chat_apply(%s): %s\n", chat_format_name(f), err.msg);
        CU_FAIL("chat_apply");
    }
    return buf;
}

static void test_apply_golden_cases(void)
{
    records_t r;
    record_t rec;
    CU_ASSERT_TRUE_FATAL(records_open(&r, GOLDEN_DIR "cases.txt"));
    chat_message_t msgs[MAX_MSGS];
    char roles[MAX_MSGS][16];
    size_t n_msgs = 0, n_want = 0, n_checked = 0, n_failed = 0, n_convs = 0;
    char conv[64] = "";
    while (record_next(&r, &rec)) {
        if (strcmp(rec.word[0], "conv") == 0) {
            CU_ASSERT_FATAL(rec.n_words == 3 && n_msgs == n_want);
            snprintf(conv, sizeof conv, "%s", rec.word[1]);
            n_want = strtoul(rec.word[2], NULL, 10);
            CU_ASSERT_FATAL(n_want <= MAX_MSGS);
            n_msgs = 0;
            n_convs++;
        } else if (strcmp(rec.word[0], "msg") == 0) {
            CU_ASSERT_FATAL(rec.n_words == 3 && n_msgs < n_want);
            snprintf(roles[n_msgs], sizeof roles[n_msgs], "%s", rec.word[1]);
            msgs[n_msgs] = (chat_message_t){ roles[n_msgs], rec.payload };
            n_msgs++;
        } else {
            chat_format_t f = CHAT_CHATML;
            CU_ASSERT_FATAL(rec.n_words == 4 && strcmp(rec.word[0], "out") == 0 && n_msgs == n_want);
            CU_ASSERT_FATAL(format_by_name(rec.word[1], &f));
            bool add = strcmp(rec.word[2], "1") == 0;
            size_t len = 0;
            char *got = apply_alloc(f, n_msgs ? msgs : NULL, n_msgs, add, &len);
            if (len != rec.payload_len || memcmp(got, rec.payload, len) != 0) {
                char what[160];
                snprintf(what, sizeof what, "conversation %s, %s, add_assistant=%d", conv, rec.word[1], add);
                print_mismatch(what, rec.payload, rec.payload_len, got, len);
                n_failed++;
            }
            free(got);
            n_checked++;
        }
    }
    CU_ASSERT_FALSE(r.bad);
    CU_ASSERT_EQUAL(n_failed, 0);
    CU_ASSERT_EQUAL(n_checked, n_convs * CHAT_FORMAT_COUNT * 2);
    CU_ASSERT(n_convs >= 10);
    free(r.data);
}

static const chat_message_t SAMPLE[] = {
    { "system", "  You are terse.  " }, { "user", "Hello" }, { "assistant", " Hi! " }, { "user", "Bye\n" },
};
#define N_SAMPLE (sizeof SAMPLE / sizeof SAMPLE[0])

/* Every buffer size from 0 to the length + 1: snprintf's cut, the NUL, the length, ERR_RANGE's message. */
static void test_apply_buffer_sizes(void)
{
    for (int fi = 0; fi < CHAT_FORMAT_COUNT; fi++) {
        chat_format_t f = (chat_format_t)fi;
        size_t full_len;
        char *full = apply_alloc(f, SAMPLE, N_SAMPLE, true, &full_len);
        CU_ASSERT_FATAL(full_len > 10);
        for (size_t size = 0; size <= full_len + 1; size++) {
            char *buf = size ? malloc(size) : NULL;
            size_t n_out = 12345;
            err_t err;
            err_clear(&err);
            err_code_t rc = chat_apply(f, SAMPLE, N_SAMPLE, true, buf, size, &n_out, &err);
            CU_ASSERT_EQUAL(n_out, full_len);
            if (size > full_len) {
                CU_ASSERT_EQUAL(rc, ERR_OK);
                CU_ASSERT_EQUAL(err.code, ERR_OK);
            } else {
                char want[160];
                snprintf(want, sizeof want, "chat prompt (%s) is %zu bytes: needs a buffer of %zu, has %zu",
                         chat_format_name(f), full_len, full_len + 1, size);
                CU_ASSERT_EQUAL(rc, ERR_RANGE);
                CU_ASSERT_STRING_EQUAL(err.msg, want);
            }
            if (size > 0) {
                size_t kept = size - 1 < full_len ? size - 1 : full_len;
                CU_ASSERT(memcmp(buf, full, kept) == 0 && buf[kept] == '\0');
            }
            free(buf);
        }
        CU_ASSERT_EQUAL(chat_apply(f, SAMPLE, N_SAMPLE, true, NULL, 0, NULL, NULL), ERR_RANGE);
        free(full);
    }
}

static void test_apply_refusals(void)
{
    char buf[256];
    err_t err;
    static const char *const bad_roles[] = { "tool", "System", "", "assistant ", "model" };
    for (size_t i = 0; i < sizeof bad_roles / sizeof bad_roles[0]; i++) {
        chat_message_t msgs[] = { { "user", "a" }, { "assistant", "b" }, { bad_roles[i], "c" } };
        char want[160];
        snprintf(want, sizeof want, "chat message 2: unknown role '%s' (expected system, user or assistant)",
                 bad_roles[i]);
        memset(buf, 'Z', sizeof buf);
        size_t n_out = 777;
        CU_ASSERT_EQUAL(chat_apply(CHAT_CHATML, msgs, 3, true, buf, sizeof buf, &n_out, &err), ERR_INVALID);
        CU_ASSERT_STRING_EQUAL(err.msg, want);
        CU_ASSERT(buf[0] == 'Z' && n_out == 777); /* nothing written */
    }
    chat_message_t no_content[] = { { "user", NULL } }, no_role[] = { { NULL, "x" } };
    CU_ASSERT_EQUAL(chat_apply(CHAT_LLAMA3, no_content, 1, false, buf, sizeof buf, NULL, &err), ERR_INVALID);
    CU_ASSERT_STRING_EQUAL(err.msg, "chat message 0: NULL content");
    CU_ASSERT_EQUAL(chat_apply(CHAT_LLAMA3, no_role, 1, false, buf, sizeof buf, NULL, &err), ERR_INVALID);
    CU_ASSERT_STRING_EQUAL(err.msg, "chat message 0: NULL role");
    CU_ASSERT_EQUAL(chat_apply(CHAT_LLAMA3, NULL, 1, false, buf, sizeof buf, NULL, &err), ERR_INVALID);
    CU_ASSERT_EQUAL(chat_apply(CHAT_LLAMA3, SAMPLE, 1, false, NULL, 8, NULL, &err), ERR_INVALID);
    CU_ASSERT_EQUAL(chat_apply(CHAT_FORMAT_COUNT, SAMPLE, 1, false, buf, sizeof buf, NULL, &err), ERR_INVALID);
    CU_ASSERT_EQUAL(chat_apply((chat_format_t)-1, SAMPLE, 1, false, buf, sizeof buf, NULL, NULL), ERR_INVALID);
}

/* n = 0 (msgs may be NULL): only what a format writes on its own. */
static void test_apply_no_messages(void)
{
    static const struct {
        chat_format_t f;
        const char *plain, *with_assistant;
    } cases[] = {
        { CHAT_CHATML, "", "<|im_start|>assistant\n" },
        { CHAT_LLAMA2, "[INST] ", "[INST] " },
        { CHAT_LLAMA2_SYS_BOS, "[INST] ", "[INST] " },
        { CHAT_MISTRAL_V1, "", "" },
        { CHAT_MISTRAL_V7, "", "" },
        { CHAT_PHI3, "", "<|assistant|>\n" },
        { CHAT_PHI4, "", "<|im_start|>assistant<|im_sep|>" },
        { CHAT_GEMMA, "", "<start_of_turn>model\n" },
        { CHAT_LLAMA3, "", "<|start_header_id|>assistant<|end_header_id|>\n\n" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        size_t n;
        CU_ASSERT_EQUAL(chat_apply(cases[i].f, NULL, 0, false, buf, sizeof buf, &n, NULL), ERR_OK);
        CU_ASSERT_STRING_EQUAL(buf, cases[i].plain);
        CU_ASSERT_EQUAL(n, strlen(cases[i].plain));
        CU_ASSERT_EQUAL(chat_apply(cases[i].f, NULL, 0, true, buf, sizeof buf, &n, NULL), ERR_OK);
        CU_ASSERT_STRING_EQUAL(buf, cases[i].with_assistant);
        CU_ASSERT_EQUAL(n, strlen(cases[i].with_assistant));
    }
    /* an empty output still fits a one-byte buffer */
    char one = 'x';
    CU_ASSERT_EQUAL(chat_apply(CHAT_MISTRAL_V3, NULL, 0, true, &one, 1, NULL, NULL), ERR_OK);
    CU_ASSERT_EQUAL(one, '\0');
}

/* No limit on the number or size of messages: 2,001 messages, one of 100 KB. */
static void test_apply_long_conversation(void)
{
    enum { N = 2001, BIG = 100000 };
    chat_message_t *msgs = malloc(N * sizeof *msgs);
    char *big = malloc(BIG + 1);
    memset(big, 'b', BIG);
    big[BIG] = '\0';
    size_t want = 0;
    for (size_t i = 0; i < N; i++) {
        msgs[i].role = i % 2 ? "assistant" : "user";
        msgs[i].content = i == 1000 ? big : "hi";
        want += strlen("<|im_start|>") + strlen(msgs[i].role) + 1 + strlen(msgs[i].content) + strlen("<|im_end|>\n");
    }
    size_t len;
    char *out = apply_alloc(CHAT_CHATML, msgs, N, false, &len);
    CU_ASSERT_EQUAL(len, want);
    CU_ASSERT(strncmp(out, "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nhi<|im_end|>\n", 64) == 0);
    free(out);
    free(big);
    free(msgs);
}

static void test_end_of_turn(void)
{
    static const char *const want[CHAT_FORMAT_COUNT] = {
        [CHAT_CHATML] = "<|im_end|>",      [CHAT_LLAMA2] = "</s>",           [CHAT_LLAMA2_SYS] = "</s>",
        [CHAT_LLAMA2_SYS_BOS] = "</s>",    [CHAT_LLAMA2_SYS_STRIP] = "</s>", [CHAT_MISTRAL_V1] = "</s>",
        [CHAT_MISTRAL_V3] = "</s>",        [CHAT_MISTRAL_V3_TEKKEN] = "</s>", [CHAT_MISTRAL_V7] = "</s>",
        [CHAT_MISTRAL_V7_TEKKEN] = "</s>", [CHAT_PHI3] = "<|end|>",          [CHAT_PHI4] = "<|im_end|>",
        [CHAT_GEMMA] = "<end_of_turn>",    [CHAT_LLAMA3] = "<|eot_id|>",
    };
    for (int f = 0; f < CHAT_FORMAT_COUNT; f++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(want[f]);
        CU_ASSERT_STRING_EQUAL(chat_end_of_turn((chat_format_t)f), want[f]);
    }
    CU_ASSERT_STRING_EQUAL(chat_end_of_turn(CHAT_FORMAT_COUNT), "");
}

TEST_REGISTER(test_chat_register)
{
    CU_pSuite s = test_suite("chat");
    TEST_ADD(s, test_detect_golden_templates);
    TEST_ADD(s, test_detect_names);
    TEST_ADD(s, test_detect_refusals);
    TEST_ADD(s, test_apply_golden_cases);
    TEST_ADD(s, test_apply_buffer_sizes);
    TEST_ADD(s, test_apply_refusals);
    TEST_ADD(s, test_apply_no_messages);
    TEST_ADD(s, test_apply_long_conversation);
    TEST_ADD(s, test_end_of_turn);
}
