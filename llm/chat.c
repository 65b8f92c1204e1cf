/*
 * Chat templates (see chat.h): two tables carry all of it. FORMATS says how
 * each format wraps a message (a prefix and suffix per role, whether the
 * content is trimmed, how an [INST] turn opens, what starts the assistant's
 * turn); DETECT_RULES is llama.cpp's list of template signatures in its
 * order. Outputs are checked byte for byte against llama.cpp's formatter
 * (tests/golden/chat/). Not a Jinja engine: a template is only ever searched
 * for markers, never run.
 */
#include "llm/chat.h"

#include <stdint.h>

#include "llm/platform.h"
#include "llm/support/escape.h"

enum { ROLE_SYSTEM, ROLE_USER, ROLE_ASSISTANT, N_ROLES };

static const char *const ROLE_NAMES[N_ROLES] = { "system", "user", "assistant" };

typedef struct role_fmt {
    const char *prefix, *suffix; /* around the content */
    bool trim;                   /* content trimmed of ASCII whitespace first */
} role_fmt_t;

typedef struct format_desc {
    const char *name;        /* llama.cpp's name */
    const char *end_of_turn; /* chat_end_of_turn */
    role_fmt_t role[N_ROLES];
    /*
     * The [INST] formats group a user message and the answer into a turn:
     * first_open is written before everything (Llama 2 always opens its first
     * turn, even with no message), turn_open before any message that follows
     * an assistant message (which closes the turn) or, without first_open,
     * before the first message.
     */
    const char *first_open, *turn_open;
    const char *generation; /* add_assistant; NULL: the format has none */
    /*
     * Gemma has no system turn: system contents (trimmed, joined with no
     * separator) go at the start of the next user turn, followed by this.
     */
    const char *fold_system_end;
} format_desc_t;

/* Formats that write the role between two markers, the same for every role. */
#define TAGGED(open, close, end, trim_)                                                                    \
    .role = { { open "system" close, end, trim_ }, { open "user" close, end, trim_ },                      \
              { open "assistant" close, end, trim_ } },                                                    \
    .generation = open "assistant" close

/* Llama 2: system as sys_open S sys_close, "[INST] " before the first turn, reopen before the others. */
#define LLAMA2(sys_open, sys_close, reopen, trim_)                                                         \
    .role = { { sys_open, sys_close, trim_ }, { "", " [/INST]", trim_ }, { "", "</s>", trim_ } },          \
    .first_open = "[INST] ", .turn_open = reopen
#define LLAMA2_SYS(reopen, trim_) LLAMA2("<<SYS>>\n", "\n<</SYS>>\n\n", reopen, trim_)

/* Mistral v1/v3: turns open lazily; the spaces around the markers are the versions' difference. */
#define MISTRAL(open, inst_close, answer_open, trim_answer)                                                \
    .role = { { "", "\n\n", false }, { "", inst_close, false }, { answer_open, "</s>", trim_answer } },     \
    .turn_open = open

/* Mistral v7: every role has its own markers; sp is the space after an opening marker. */
#define MISTRAL_V7(sp)                                                                                     \
    .role = { { "[SYSTEM_PROMPT]" sp, "[/SYSTEM_PROMPT]", false }, { "[INST]" sp, "[/INST]", false },    \
              { sp, "</s>", false } }

static const format_desc_t FORMATS[CHAT_FORMAT_COUNT] = {
    [CHAT_CHATML] = { "chatml", "<|im_end|>", TAGGED("<|im_start|>", "\n", "<|im_end|>\n", false) },
    [CHAT_LLAMA2] = { "llama2", "</s>", LLAMA2("", "\n", "[INST] ", false) },
    [CHAT_LLAMA2_SYS] = { "llama2-sys", "</s>", LLAMA2_SYS("[INST] ", false) },
    [CHAT_LLAMA2_SYS_BOS] = { "llama2-sys-bos", "</s>", LLAMA2_SYS("<s>[INST] ", false) },
    [CHAT_LLAMA2_SYS_STRIP] = { "llama2-sys-strip", "</s>", LLAMA2_SYS("[INST] ", true) },
    [CHAT_MISTRAL_V1] = { "mistral-v1", "</s>", MISTRAL(" [INST] ", " [/INST]", " ", false) },
    [CHAT_MISTRAL_V3] = { "mistral-v3", "</s>", MISTRAL("[INST] ", "[/INST]", " ", true) },
    [CHAT_MISTRAL_V3_TEKKEN] = { "mistral-v3-tekken", "</s>", MISTRAL("[INST]", "[/INST]", "", false) },
    [CHAT_MISTRAL_V7] = { "mistral-v7", "</s>", MISTRAL_V7(" ") },
    [CHAT_MISTRAL_V7_TEKKEN] = { "mistral-v7-tekken", "</s>", MISTRAL_V7("") },
    [CHAT_PHI3] = { "phi3", "<|end|>", TAGGED("<|", "|>\n", "<|end|>\n", false) },
    [CHAT_PHI4] = { "phi4", "<|im_end|>", TAGGED("<|im_start|>", "<|im_sep|>", "<|im_end|>", false) },
    [CHAT_GEMMA] = { "gemma", "<end_of_turn>",
                     .role = { { "", "", true },
                               { "<start_of_turn>user\n", "<end_of_turn>\n", true },
                               { "<start_of_turn>model\n", "<end_of_turn>\n", true } },
                     .generation = "<start_of_turn>model\n", .fold_system_end = "\n\n" },
    [CHAT_LLAMA3] = { "llama3", "<|eot_id|>",
                      TAGGED("<|start_header_id|>", "<|end_header_id|>\n\n", "<|eot_id|>", true) },
};

const char *chat_format_name(chat_format_t f)
{
    return (unsigned)f < CHAT_FORMAT_COUNT ? FORMATS[f].name : "?";
}

const char *chat_end_of_turn(chat_format_t f)
{
    return (unsigned)f < CHAT_FORMAT_COUNT ? FORMATS[f].end_of_turn : "";
}

/* ------------------------------------------------------------ detection */

/*
 * llama.cpp's llm_chat_detect_template, rule by rule up to Llama 3 (the
 * rules after it only name formats we do not implement): the first rule
 * whose needles all occur names the format. Rules marked inst apply only to a
 * template that starts with "mistral" or holds "[INST]", and one of them
 * always matches such a template, so the rules below them never see it.
 */
typedef struct detect_rule {
    bool inst;
    const char *needles[3]; /* all must occur; unused ones are NULL */
    const char *name;       /* llama.cpp's name of the format */
} detect_rule_t;

static const detect_rule_t DETECT_RULES[] = {
    { false, { "<|im_start|>", "<|im_sep|>" }, "phi4" },
    { false, { "<|im_start|>", "<end_of_utterance>" }, "smolvlm" },
    { false, { "<|im_start|>" }, "chatml" },
    { true, { "[SYSTEM_PROMPT]" }, "mistral-v7" },
    { true, { "' [INST] ' + system_message" }, "mistral-v1" },
    { true, { "[AVAILABLE_TOOLS]", " [INST]" }, "mistral-v1" },
    { true, { "[AVAILABLE_TOOLS]", "\"[INST]\"" }, "mistral-v3-tekken" },
    { true, { "[AVAILABLE_TOOLS]" }, "mistral-v3" },
    { true, { "content.strip()" }, "llama2-sys-strip" },
    { true, { "bos_token + '[INST]" }, "llama2-sys-bos" },
    { true, { "<<SYS>>" }, "llama2-sys" },
    { true, { NULL }, "llama2" },
    { false, { "<|assistant|>", "<|end|>" }, "phi3" },
    { false, { "[gMASK]<sop>" }, "chatglm4" },
    { false, { "<|assistant|>", "<|user|>", "<|tool_declare|>" }, "exaone-moe" },
    { false, { "<|assistant|>", "<|user|>", "</s>" }, "falcon3" },
    { false, { "<|assistant|>", "<|user|>" }, "glmedge" },
    { false, { "<|{{ item['role'] }}|>", "<|begin_of_image|>" }, "glmedge" },
    { false, { "<|user|>", "<|endoftext|>" }, "zephyr" },
    { false, { "bos_token + message['role']" }, "monarch" },
    { false, { "<start_of_turn>" }, "gemma" },
    { false, { "'\\n\\nAssistant: ' + eos_token" }, "orion" },
    { false, { "GPT4 Correct " }, "openchat" },
    { false, { "USER: ", "ASSISTANT: ", "SYSTEM: " }, "vicuna-orca" },
    { false, { "USER: ", "ASSISTANT: " }, "vicuna" },
    { false, { "### Instruction:", "<|EOT|>" }, "deepseek" },
    { false, { "<|START_OF_TURN_TOKEN|>", "<|USER_TOKEN|>" }, "command-r" },
    { false, { "<|start_header_id|>", "<|end_header_id|>" }, "llama3" },
};

static bool contains(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

static bool format_by_name(const char *name, size_t len, chat_format_t *out)
{
    for (unsigned f = 0; f < CHAT_FORMAT_COUNT; f++) {
        if (strlen(FORMATS[f].name) == len && memcmp(FORMATS[f].name, name, len) == 0) {
            *out = (chat_format_t)f;
            return true;
        }
    }
    return false;
}

static bool rule_matches(const detect_rule_t *r, const char *tmpl, size_t len, bool inst_family)
{
    if (r->inst && !inst_family)
        return false;
    for (size_t k = 0; k < sizeof r->needles / sizeof r->needles[0] && r->needles[k]; k++)
        if (!contains(tmpl, len, r->needles[k]))
            return false;
    return true;
}

/* The first bytes of a template, escaped for a one-line message (esc_text). */
#define QUOTE_BYTES 40
static void quote_start(const char *tmpl, size_t len, char *q)
{
    esc_text(q, ESC_BUF_BYTES(QUOTE_BYTES), tmpl, len, QUOTE_BYTES);
}

err_code_t chat_detect(const char *tmpl, size_t len, chat_format_t *out, err_t *err)
{
    if (!out || (!tmpl && len > 0))
        return err_set(err, ERR_INVALID, "chat_detect: NULL argument");
    if (len == 0)
        return err_set(err, ERR_INVALID, "empty chat template");
    if (format_by_name(tmpl, len, out))
        return ERR_OK;

    bool inst_family = (len >= 7 && memcmp(tmpl, "mistral", 7) == 0) || contains(tmpl, len, "[INST]");
    const detect_rule_t *hit = NULL;
    for (size_t i = 0; i < sizeof DETECT_RULES / sizeof DETECT_RULES[0] && !hit; i++)
        if (rule_matches(&DETECT_RULES[i], tmpl, len, inst_family))
            hit = &DETECT_RULES[i];
    if (hit && format_by_name(hit->name, strlen(hit->name), out))
        return ERR_OK;

    char quoted[ESC_BUF_BYTES(QUOTE_BYTES)];
    quote_start(tmpl, len, quoted);
    if (hit)
        return err_set(err, ERR_UNSUPPORTED, "chat template in llama.cpp's '%s' format, which is not supported: \"%s\"",
                       hit->name, quoted);
    return err_set(err, ERR_UNSUPPORTED, "unknown chat template \"%s\"", quoted);
}

/* ------------------------------------------------------------ formatting */

/* snprintf-style output: keeps what fits (leaving room for the NUL), counts everything. */
typedef struct out {
    char *buf;
    size_t size, len;
} out_t;

static void put_n(out_t *o, const char *s, size_t n)
{
    if (o->len + 1 < o->size) {
        size_t room = o->size - 1 - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

static void put(out_t *o, const char *s)
{
    if (s)
        put_n(o, s, strlen(s));
}

/* isspace() in the C locale, what llama.cpp's trim() uses. */
static bool is_ascii_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static void put_content(out_t *o, const char *s, bool trim)
{
    size_t start = 0, end = strlen(s);
    if (trim) {
        while (start < end && is_ascii_space(s[start]))
            start++;
        while (end > start && is_ascii_space(s[end - 1]))
            end--;
    }
    put_n(o, s + start, end - start);
}

static int role_index(const char *role)
{
    for (int r = 0; r < N_ROLES; r++)
        if (strcmp(role, ROLE_NAMES[r]) == 0)
            return r;
    return -1;
}

/* Gemma: the system messages among msgs[from..to), trimmed and joined, then end, if any is not empty. */
static void put_folded_system(out_t *o, const chat_message_t *msgs, size_t from, size_t to, const char *end)
{
    size_t before = o->len;
    for (size_t i = from; i < to; i++)
        if (role_index(msgs[i].role) == ROLE_SYSTEM)
            put_content(o, msgs[i].content, true);
    if (o->len > before)
        put(o, end);
}

/* Checks every message before anything is written. */
static err_code_t check_messages(const chat_message_t *msgs, size_t n, err_t *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!msgs[i].role || !msgs[i].content)
            return err_set(err, ERR_INVALID, "chat message %zu: NULL %s", i, msgs[i].role ? "content" : "role");
        if (role_index(msgs[i].role) < 0)
            return err_set(err, ERR_INVALID,
                           "chat message %zu: unknown role '%.40s' (expected system, user or assistant)", i,
                           msgs[i].role);
    }
    return ERR_OK;
}

err_code_t chat_apply(chat_format_t f, const chat_message_t *msgs, size_t n, bool add_assistant, char *buf,
                      size_t size, size_t *n_out, err_t *err)
{
    if ((unsigned)f >= CHAT_FORMAT_COUNT)
        return err_set(err, ERR_INVALID, "chat_apply: bad format %d", (int)f);
    if ((n > 0 && !msgs) || (size > 0 && !buf))
        return err_set(err, ERR_INVALID, "chat_apply: NULL %s", n > 0 && !msgs ? "messages" : "buffer");
    err_code_t rc = check_messages(msgs, n, err);
    if (rc != ERR_OK)
        return rc;

    const format_desc_t *d = &FORMATS[f];
    out_t o = { buf, size, 0 };
    bool in_turn = d->first_open != NULL;
    size_t unfolded = 0; /* Gemma: system messages from here on wait for a user turn */
    put(&o, d->first_open);
    for (size_t i = 0; i < n; i++) {
        int r = role_index(msgs[i].role);
        if (d->fold_system_end && r == ROLE_SYSTEM)
            continue;
        if (d->turn_open && !in_turn)
            put(&o, d->turn_open);
        in_turn = r != ROLE_ASSISTANT;
        put(&o, d->role[r].prefix);
        if (d->fold_system_end && r == ROLE_USER) {
            put_folded_system(&o, msgs, unfolded, i, d->fold_system_end);
            unfolded = i + 1;
        }
        put_content(&o, msgs[i].content, d->role[r].trim);
        put(&o, d->role[r].suffix);
    }
    if (add_assistant)
        put(&o, d->generation);

    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    if (n_out)
        *n_out = o.len;
    if (o.len >= size)
        return err_set(err, ERR_RANGE, "chat prompt (%s) is %zu bytes: needs a buffer of %zu, has %zu", d->name,
                       o.len, o.len + 1, size);
    return ERR_OK;
}
