/*
 * The generating `llm` subcommands (see cmd_llm.h): gen and chat.
 * Text streams to the console token by token; between tokens the console
 * is polled and Ctrl-C cancels the generation (stop reason "cancelled"),
 * other keys typed meanwhile are dropped. A statistics line follows.
 */
#include "kernel/cmd_llm.h"

#include "kernel/console.h"
#include "kernel/parse_num.h"
#include "kernel/shell.h"

#define CTRL_C 3
#define DEFAULT_MAX_TOKENS 128
#define CHAT_MAX_MESSAGES 64
#define CHAT_DEFAULT_MAX_TOKENS 256
#define CHAT_TEXT_BYTES (32u << 10)

static bool stream(void *user, const char *text, size_t len)
{
    (void)user;
    console_write(text, len);
    int c;
    while ((c = console_poll()) >= 0) {
        if (c == CTRL_C)
            return false;
    }
    return true;
}

static void print_stats(const llm_result_t *r)
{
    double decode_s = (double)r->decode_us / 1e6;
    kprintf("\n[prompt %u tokens (%u reused), generated %u, stop: %s; prefill %llu ms, decode %.2f tok/s; "
            "arena high-water %zu KiB]\n",
            r->n_prompt, r->n_reused, r->n_generated, llm_stop_name(r->stop),
            (unsigned long long)(r->prefill_us / 1000), decode_s > 0 ? r->n_generated / decode_s : 0.0,
            r->arena_high_water >> 10);
}

/*
 * One "-x VALUE" flag of gen into c / n_ctx / attn / types (attn NULL: -a
 * and -q not taken); false (after the error line) if bad.
 */
static bool gen_flag(char flag, const char *val, llm_gen_config_t *c, uint32_t *n_ctx, kern_attn_t *attn,
                     kv_types_t *types)
{
    uint64_t u;
    float f;
    bool ok;
    sampler_config_t *sc = &c->sampling;
    switch (flag) {
    case 'n': ok = parse_u64(val, 1u << 20, &u) && u > 0, c->max_tokens = (uint32_t)u; break;
    case 'c': ok = parse_u64(val, 1u << 20, &u) && u > 0, *n_ctx = (uint32_t)u; break;
    case 'k': ok = parse_u64(val, 1u << 30, &u), sc->top_k = (int32_t)u; break;
    case 's': ok = parse_u64(val, UINT64_MAX, &u), sc->seed = u; break;
    case 't': ok = parse_float(val, &f) && f >= 0, sc->temperature = f; break;
    case 'p': ok = parse_float(val, &f) && f > 0 && f <= 1, sc->top_p = f; break;
    case 'm': ok = parse_float(val, &f) && f >= 0 && f <= 1, sc->min_p = f; break;
    case 'r': ok = parse_float(val, &f) && f > 0, sc->repeat_penalty = f; break;
    case 'a':
        if (!attn) {
            kprintf("error: -a is not taken here (jobs share the scheduler's attention)\n");
            return false;
        }
        ok = kern_attn_parse(val, attn);
        break;
    case 'q':
        if (!types) {
            kprintf("error: -q is not taken here (jobs share the scheduler's cache)\n");
            return false;
        }
        ok = kv_type_parse(val, &types->k), types->v = types->k;
        break;
    default: kprintf("error: unknown flag '-%c'; see `llm`\n", flag); return false;
    }
    if (!ok)
        kprintf("error: bad value '%s' for -%c\n", val, flag);
    return ok;
}

bool cmd_llm_gen_args(int argc, char **argv, llm_gen_config_t *c, uint32_t *n_ctx, kern_attn_t *attn,
                      kv_types_t *types, const char **prompts, int *n, int max)
{
    llm_gen_config_default(c);
    if (attn)
        *attn = KERN_ATTN_EXACT;
    if (types)
        *types = KV_TYPES_DEFAULT;
    c->max_tokens = DEFAULT_MAX_TOKENS;
    *n_ctx = 0;
    *n = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] && !a[2]) {
            if (i + 1 == argc) {
                kprintf("error: flag %s needs a value\n", a);
                return false;
            }
            if (!gen_flag(a[1], argv[++i], c, n_ctx, attn, types))
                return false;
        } else if (*n < max && *a) {
            prompts[(*n)++] = a;
        } else {
            kprintf(*a ? "error: at most %d prompt(s) (quote each: \"two words\")\n" : "error: an empty prompt\n", max);
            return false;
        }
    }
    if (*n == 0)
        kprintf("error: no prompt; usage: `llm` lists the subcommands\n");
    return *n > 0;
}

void cmd_llm_gen(int argc, char **argv)
{
    ksession_t *s;
    llm_gen_config_t c;
    uint32_t n_ctx;
    kern_attn_t attn;
    kv_types_t types;
    const char *prompt;
    int n;
    if (!cmd_llm_gen_args(argc, argv, &c, &n_ctx, &attn, &types, &prompt, &n, 1) || !cmd_llm_need_model(&s))
        return;
    err_t err;
    llm_result_t r;
    if (ksession_use_ctx(s, n_ctx, types, &err) != ERR_OK || llm_ctx_set_attn(&s->ctx, attn, &err) != ERR_OK ||
        llm_generate(&s->ctx, prompt, strlen(prompt), &c, stream, NULL, &r, &err) != ERR_OK) {
        kprintf("error: %s\n", err.msg);
        return;
    }
    print_stats(&r);
}

/* The conversation: kernel memory of its own, so the engine's arena stays the engine's. */
static struct {
    chat_message_t msgs[CHAT_MAX_MESSAGES];
    char text[CHAT_TEXT_BYTES];
    size_t n_msgs, used;
} chat;

static const char *chat_keep(const char *s, size_t len)
{
    if (len + 1 > sizeof chat.text - chat.used)
        return NULL;
    char *dst = chat.text + chat.used;
    memcpy(dst, s, len);
    dst[len] = 0;
    chat.used += len + 1;
    return dst;
}

/* The reply is gathered as it streams, for the next turn's history. */
typedef struct reply {
    char buf[8192];
    size_t len;
} reply_t;

static bool stream_reply(void *user, const char *text, size_t len)
{
    reply_t *r = user;
    size_t take = len < sizeof r->buf - 1 - r->len ? len : sizeof r->buf - 1 - r->len;
    memcpy(r->buf + r->len, text, take);
    r->len += take;
    return stream(NULL, text, len);
}

static void chat_turn(ksession_t *s, const char *line, uint32_t max_tokens)
{
    static reply_t reply;
    const char *content = chat_keep(line, strlen(line));
    if (!content || chat.n_msgs + 2 > CHAT_MAX_MESSAGES) {
        kprintf("error: the conversation is full; /reset starts a new one\n");
        return;
    }
    chat.msgs[chat.n_msgs++] = (chat_message_t){ "user", content };
    llm_gen_config_t c;
    llm_gen_config_default(&c);
    c.max_tokens = max_tokens;
    reply.len = 0;
    llm_result_t r;
    err_t err;
    if (llm_chat(&s->ctx, chat.msgs, chat.n_msgs, &c, stream_reply, &reply, &r, &err) != ERR_OK) {
        chat.n_msgs--;
        kprintf("error: %s\n", err.msg);
        return;
    }
    print_stats(&r);
    const char *answer = chat_keep(reply.buf, reply.len);
    if (answer)
        chat.msgs[chat.n_msgs++] = (chat_message_t){ "assistant", answer };
}

void cmd_llm_chat(int argc, char **argv)
{
    ksession_t *s;
    uint64_t max_tokens = CHAT_DEFAULT_MAX_TOKENS;
    const char *format = NULL;
    bool ok = argc % 2 == 0;
    for (int i = 0; ok && i < argc; i += 2) {
        if (strcmp(argv[i], "-n") == 0)
            ok = parse_u64(argv[i + 1], 1u << 20, &max_tokens) && max_tokens > 0;
        else if (strcmp(argv[i], "-f") == 0)
            format = argv[i + 1];
        else
            ok = false;
    }
    if (!ok) {
        kprintf("error: usage: llm chat [-n MAX_TOKENS_PER_REPLY] [-f FORMAT (chatml, gemma, llama3, ...)]\n");
        return;
    }
    if (!cmd_llm_need_model(&s))
        return;
    err_t err;
    /* the default context, cache and attention, whatever `gen -c`/`-q`/`-a` left; the format stays for this model */
    if (ksession_use_ctx(s, 0, KV_TYPES_DEFAULT, &err) != ERR_OK ||
        llm_ctx_set_attn(&s->ctx, KERN_ATTN_EXACT, &err) != ERR_OK ||
        (format && llm_model_set_chat(&s->model, format, &err) != ERR_OK)) {
        kprintf("error: %s\n", err.msg);
        return;
    }
    llm_model_info_t mi;
    llm_model_describe(&s->model, &mi);
    if (!mi.chat_template) {
        kprintf("error: '%s' has no chat template we know: %s\n", s->entry->name, mi.chat_error);
        return;
    }
    chat.n_msgs = chat.used = 0;
    kprintf("chat with '%s' (%s template); /reset clears the conversation, /exit (or Ctrl-C) leaves\n",
            s->entry->name, mi.chat_template);
    for (;;) {
        bool cancelled = false;
        const char *line = shell_read_line("you> ", &cancelled);
        if (cancelled || (line && strcmp(line, "/exit") == 0))
            return;
        if (strcmp(line, "/reset") == 0) {
            chat.n_msgs = chat.used = 0;
            kprintf("(conversation cleared)\n");
        } else if (*line) {
            chat_turn(s, line, (uint32_t)max_tokens);
        }
    }
}
