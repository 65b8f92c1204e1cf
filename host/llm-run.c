/*
 * llm-run: the hosted command-line front end of the generation API. Loads a
 * GGUF model, generates from a prompt (or chats), streams the text to
 * stdout and prints statistics to stderr. A thin adapter: no model logic.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm.h"
#include "host/host_file.h"
#include "host/host_cpu.h"
#include "host/host_threads.h"

#define DEFAULT_ARENA_MB 512

static const char usage[] =
    "usage: llm-run -m MODEL.gguf (-p PROMPT | --chat) [options]\n"
    "  -m, --model FILE        GGUF model to load\n"
    "  -p, --prompt TEXT       generate a continuation of TEXT\n"
    "      --chat              chat on stdin/stdout with the model's chat template (/reset, /exit)\n"
    "      --chat-template NAME  chat format instead of the file's: chatml, gemma, llama3, llama2, phi3, ...\n"
    "  -n, --n-predict N       tokens to generate at most (default 128)\n"
    "      --temp T            temperature, 0 = greedy (default 0.8)\n"
    "      --top-k K           keep the K most likely tokens, 0 = off (default 40)\n"
    "      --top-p P           nucleus sampling, 1 = off (default 0.95)\n"
    "      --min-p P           drop tokens below P x the best one's probability, 0 = off (default 0.05)\n"
    "      --repeat-penalty R  penalty for the last 64 tokens, 1 = off (default 1.0)\n"
    "      --seed S            random seed (default 12648430)\n"
    "      --ctx N             context positions (default 2048, less if memory is short)\n"
    "      --attn MODE         attention: exact (default; llama.cpp's portable bits) or fast (float sums)\n"
    "  -ctk, --cache-type-k T  the KV cache's keys: f16 (default), f32, q8_0 or q4_0\n"
    "  -ctv, --cache-type-v T  its values, the same choice\n"
    "      --arena-mb N        working memory in MiB (default 512)\n"
    "  -t, --threads N         worker threads (default: every online CPU; the text is the same for any N)\n"
    "  -h, --help              this text\n"
    "Statistics (prompt tokens, prefill and decode tokens/s, arena high-water) go to stderr.\n";

typedef struct options {
    const char *model, *prompt, *chat_template;
    bool chat;
    llm_gen_config_t gen;
    uint32_t n_ctx;
    uint32_t arena_mb;
    kern_attn_t attn;
    quant_type_t type_k, type_v;
} options_t;

static int bad(const char *what, const char *value)
{
    fprintf(stderr, "llm-run: %s '%s'\n%s", what, value ? value : "", usage);
    return 2;
}

/* Parses a number for flag into *out within [lo, hi]; 0 on success, 2 (after a message) otherwise. */
static int number(const char *flag, const char *s, double lo, double hi, double *out)
{
    char *end;
    if (!s)
        return bad("missing value for", flag);
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !(v >= lo && v <= hi)) {
        fprintf(stderr, "llm-run: bad value '%s' for %s (expected %g to %g)\n", s, flag, lo, hi);
        return 2;
    }
    *out = v;
    return 0;
}

/* Parses a whole decimal number for flag into *out within [lo, hi] (no sign, fraction or exponent); 0 or 2. */
static int integer(const char *flag, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    if (!s)
        return bad("missing value for", flag);
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || end == s || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "llm-run: bad value '%s' for %s (expected a whole number, %llu to %llu)\n", s, flag,
                (unsigned long long)lo, (unsigned long long)hi);
        return 2;
    }
    *out = v;
    return 0;
}

static int parse(int argc, char **argv, options_t *o)
{
    llm_gen_config_default(&o->gen);
    o->arena_mb = DEFAULT_ARENA_MB;
    o->attn = KERN_ATTN_EXACT;
    o->type_k = o->type_v = QUANT_F16;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        double v = 0;
        uint64_t u = 0;
        int rc = 0;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            exit(0);
        } else if (!strcmp(a, "-m") || !strcmp(a, "--model")) {
            if (!(o->model = val))
                return bad("missing value for", a);
            i++;
        } else if (!strcmp(a, "-p") || !strcmp(a, "--prompt")) {
            if (!(o->prompt = val))
                return bad("missing value for", a);
            i++;
        } else if (!strcmp(a, "--chat")) {
            o->chat = true;
        } else if (!strcmp(a, "--chat-template")) {
            if (!(o->chat_template = val))
                return bad("missing value for", a);
            i++;
        } else if (!strcmp(a, "-n") || !strcmp(a, "--n-predict")) {
            rc = integer(a, val, 0, 1000000000, &u), o->gen.max_tokens = (uint32_t)u, i++;
        } else if (!strcmp(a, "--temp")) {
            rc = number(a, val, 0, 100, &v), o->gen.sampling.temperature = (float)v, i++;
        } else if (!strcmp(a, "--top-k")) {
            rc = integer(a, val, 0, 1000000000, &u), o->gen.sampling.top_k = (int32_t)u, i++;
        } else if (!strcmp(a, "--top-p")) {
            rc = number(a, val, 1e-9, 1, &v), o->gen.sampling.top_p = (float)v, i++;
        } else if (!strcmp(a, "--min-p")) {
            rc = number(a, val, 0, 1, &v), o->gen.sampling.min_p = (float)v, i++;
        } else if (!strcmp(a, "--repeat-penalty")) {
            rc = number(a, val, 1e-6, 100, &v), o->gen.sampling.repeat_penalty = (float)v, i++;
        } else if (!strcmp(a, "--seed")) {
            rc = integer(a, val, 0, UINT64_MAX, &u), o->gen.sampling.seed = u, i++;
        } else if (!strcmp(a, "--ctx")) {
            rc = integer(a, val, 1, 1 << 20, &u), o->n_ctx = (uint32_t)u, i++;
        } else if (!strcmp(a, "--attn")) {
            if (!val || !kern_attn_parse(val, &o->attn))
                return bad("--attn takes exact or fast, not", val);
            i++;
        } else if (!strcmp(a, "-ctk") || !strcmp(a, "--cache-type-k") || !strcmp(a, "-ctv") ||
                   !strcmp(a, "--cache-type-v")) {
            if (!val || !kv_type_parse(val, a[strlen(a) - 1] == 'k' ? &o->type_k : &o->type_v))
                return bad("a cache type is f16, f32, q8_0 or q4_0, not", val);
            i++;
        } else if (!strcmp(a, "--arena-mb")) {
            rc = integer(a, val, 1, 1 << 20, &u), o->arena_mb = (uint32_t)u, i++;
        } else {
            return bad("unknown option", a);
        }
        if (rc)
            return rc;
    }
    if (!o->model)
        return bad("missing", "-m MODEL");
    if (!o->prompt == !o->chat)
        return bad("give exactly one of", "-p PROMPT or --chat");
    return 0;
}

static bool to_stdout(void *user, const char *s, size_t n)
{
    (void)user;
    fwrite(s, 1, n, stdout);
    fflush(stdout);
    return true;
}

static void print_stats(const llm_result_t *r)
{
    double pre_s = r->prefill_us * 1e-6, dec_s = r->decode_us * 1e-6;
    unsigned n_pre = r->n_prompt - r->n_reused;
    fprintf(stderr, "\n[prompt %u tokens (%u reused), generated %u, stop: %s; prefill %.1f tok/s, decode %.1f tok/s; "
                    "arena high-water %zu bytes; %s kernels, %u thread(s)]\n",
            r->n_prompt, r->n_reused, r->n_generated, llm_stop_name(r->stop), pre_s > 0 ? n_pre / pre_s : 0.0,
            dec_s > 0 ? r->n_generated / dec_s : 0.0, r->arena_high_water, llm_kernels_name(), host_threads_get());
}

#define CHAT_MAX_TURNS 64
#define CHAT_LINE_BYTES 4096

/* Interactive chat on stdin/stdout: each line is a user turn; /reset forgets, /exit (or EOF) leaves. */
static int chat(llm_ctx_t *ctx, const llm_gen_config_t *gen, err_t *err)
{
    static char lines[CHAT_MAX_TURNS][CHAT_LINE_BYTES];
    chat_message_t msgs[CHAT_MAX_TURNS];
    size_t n = 0;
    fprintf(stderr, "chat: type a message; /reset starts over, /exit leaves\n");
    for (;;) {
        fputs("> ", stdout);
        fflush(stdout);
        if (n + 2 > CHAT_MAX_TURNS) {
            fputs("(conversation full: starting over)\n", stdout);
            n = 0;
        }
        char *line = lines[n];
        if (!fgets(line, CHAT_LINE_BYTES, stdin) || !strncmp(line, "/exit", 5))
            return 0;
        if (!strchr(line, '\n') && !feof(stdin)) { /* longer than the buffer: refused whole, never split */
            int c;
            while ((c = getchar()) != EOF && c != '\n')
                ;
            fprintf(stderr, "llm-run: a line is at most %d bytes; that one was not sent\n", CHAT_LINE_BYTES - 2);
            continue;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (!strcmp(line, "/reset")) {
            n = 0;
            llm_ctx_reset(ctx);
            continue;
        }
        msgs[n++] = (chat_message_t){ "user", line };
        llm_gen_config_t turn = *gen;
        turn.text = lines[n];
        turn.text_cap = CHAT_LINE_BYTES;
        llm_result_t r;
        if (llm_chat(ctx, msgs, n, &turn, to_stdout, NULL, &r, err) != ERR_OK)
            return 1;
        putchar('\n');
        msgs[n] = (chat_message_t){ "assistant", lines[n] };
        n++;
        print_stats(&r);
    }
}

int main(int argc, char **argv)
{
    if (!host_threads_args(&argc, argv, "llm-run", false))
        return 2;
    options_t o = { 0 };
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    host_llm_init();
    host_llm_tune("llm-run", false);
    size_t len;
    uint8_t *blob = host_read_file(o.model, &len);
    if (!blob) {
        fprintf(stderr, "llm-run: %s: %s\n", o.model, strerror(errno));
        return 1;
    }
    arena_t arena;
    host_arena_init(&arena, (size_t)o.arena_mb << 20);
    llm_model_t model;
    llm_ctx_t ctx;
    llm_ctx_params_t params;
    llm_result_t res;
    err_t err;
    llm_ctx_params_default(&params);
    params.n_ctx = o.n_ctx;
    params.attn = o.attn;
    params.type_k = o.type_k;
    params.type_v = o.type_v;
    if (!arena.base)
        err_set(&err, ERR_NOMEM, "cannot allocate a %u MiB arena", o.arena_mb), rc = 1;
    else if (llm_model_load(&model, blob, len, &arena, &err) != ERR_OK ||
             (o.chat_template && llm_model_set_chat(&model, o.chat_template, &err) != ERR_OK) ||
             llm_ctx_init(&ctx, &model, &params, &arena, &err) != ERR_OK)
        rc = 1;
    else if (o.prompt && llm_generate(&ctx, o.prompt, strlen(o.prompt), &o.gen, to_stdout, NULL, &res, &err) != ERR_OK)
        rc = 1;
    else if (o.chat)
        rc = chat(&ctx, &o.gen, &err);
    if (rc)
        fprintf(stderr, "llm-run: %s\n", err.msg);
    else if (o.prompt) {
        putchar('\n');
        print_stats(&res);
    }
    host_arena_free(&arena);
    free(blob);
    return rc;
}
