/*
 * `llm` (see cmd_llm.h): the dispatcher and the subcommands about models:
 * models, load, unload, info, verify. Every error is one line and leaves
 * the shell (and the loaded model, unless a load replaced it) usable.
 */
#include "kernel/cmd_llm.h"

#include "kernel/console.h"
#include "kernel/kernel.h"
#include "llm/llm.h"
#include "llm/platform.h"

static ksession_t session;
static bool session_ready;

ksession_t *cmd_llm_session(void)
{
    if (!session_ready) {
        ksession_init(&session, &kernel.arena);
        session_ready = true;
    }
    return &session;
}

bool cmd_llm_need_model(ksession_t **s)
{
    *s = cmd_llm_session();
    if ((*s)->entry)
        return true;
    kprintf("error: no model loaded; `llm models` lists them, `llm load NAME` loads one\n");
    return false;
}

static const model_entry_t *find_model(const char *name)
{
    const model_entry_t *e = model_store_find(&kernel.models, name);
    if (!e)
        kprintf("error: no model named '%s'; `llm models` lists them\n", name);
    return e;
}

/* One line of `llm models`: the header peeked at in scratch memory. */
static void print_model(const model_entry_t *e, bool loaded)
{
    llm_blob_info_t info = { .arch = "?", .file_type = "unknown" };
    err_t err;
    bool ok = llm_model_peek(e->data, e->size, &kernel.arena, &info, &err) == ERR_OK;
    kprintf("  %c %-28s %8llu KiB  %-8s %-8s %s\n", loaded ? '*' : ' ', e->name,
            (unsigned long long)(e->size >> 10), info.arch, info.file_type, e->has_sha256 ? "sha256" : "-");
    if (!ok)
        kprintf("      unreadable: %s\n", err.msg);
}

static void cmd_models(int argc, char **argv)
{
    (void)argc, (void)argv;
    const ksession_t *s = cmd_llm_session();
    if (kernel.models.n == 0) {
        kprintf("no models (none in the initrd, none linked into the image)\n");
        return;
    }
    kprintf("    %-28s %12s  %-8s %-8s %s\n", "NAME", "SIZE", "ARCH", "TYPE", "CHECKSUM");
    for (size_t i = 0; i < kernel.models.n; i++)
        print_model(&kernel.models.entries[i], s->entry == &kernel.models.entries[i]);
    if (kernel.models.n_skipped)
        kprintf("(%zu more in the initrd not listed: at most %d models)\n", kernel.models.n_skipped,
                MODEL_STORE_MAX);
}

static void cmd_load(int argc, char **argv)
{
    (void)argc;
    const model_entry_t *e = find_model(argv[0]);
    if (!e)
        return;
    ksession_t *s = cmd_llm_session();
    err_t err;
    if (cmd_llm_jobs_busy(s))
        return;
    uint64_t t0 = platform_now_us();
    if (ksession_load(s, e, &err) != ERR_OK) {
        kprintf("error: cannot load '%s': %s\n", e->name, err.msg);
        return;
    }
    kprintf("loaded '%s' in %llu ms%s: %u-token context, arena %zu of %zu MiB used\n", e->name,
            (unsigned long long)((platform_now_us() - t0) / 1000), e->has_sha256 ? " (checksum verified)" : "",
            llm_ctx_n_ctx(&s->ctx), kernel.arena.used_bytes >> 20, kernel.arena.capacity_bytes >> 20);
}

static void cmd_unload(int argc, char **argv)
{
    (void)argc, (void)argv;
    ksession_t *s;
    if (!cmd_llm_need_model(&s) || cmd_llm_jobs_busy(s))
        return;
    kprintf("unloaded '%s'\n", s->entry->name);
    ksession_unload(s);
}

static void cmd_info(int argc, char **argv)
{
    (void)argc, (void)argv;
    ksession_t *s;
    if (!cmd_llm_need_model(&s))
        return;
    llm_model_info_t mi;
    llm_model_describe(&s->model, &mi);
    kprintf("model         %s (%s)\n", s->entry->name, mi.name);
    kprintf("architecture  %s\n", mi.arch);
    kprintf("layers        %u\nembedding     %u\nheads         %u\nKV heads      %u\nhead size     %u\n"
            "feed-forward  %u\n",
            mi.n_layer, mi.n_embd, mi.n_head, mi.n_head_kv, mi.head_dim, mi.n_ff);
    kprintf("family        %s\n", mi.family);
    kprintf("vocabulary    %u\ncontext       %u trained, %u in this session\n", mi.n_vocab, mi.n_ctx_train,
            llm_ctx_n_ctx(&s->ctx));
    kprintf("file type     %s\nparameters    %llu\nweight bytes  %llu\n", mi.file_type,
            (unsigned long long)mi.n_params, (unsigned long long)mi.weight_bytes);
    kprintf("chat          %s\n", mi.chat_template ? mi.chat_template : mi.chat_error);
    const model_hparams_t *hp = &s->model.model.hp;
    kprintf("KV cache      keys %s, values %s: %zu bytes per position (f16 %zu, f32 %zu, q8_0 %zu, q4_0 %zu; "
            "`llm gen -q TYPE`)\n", quant_type_name(s->types_asked.k), quant_type_name(s->types_asked.v),
            kv_cache_pos_bytes(hp, s->types_asked), kv_cache_pos_bytes(hp, KV_TYPES_DEFAULT),
            kv_cache_pos_bytes(hp, (kv_types_t){ QUANT_F32, QUANT_F32, false }),
            kv_cache_pos_bytes(hp, (kv_types_t){ QUANT_Q8_0, QUANT_Q8_0, false }),
            kv_cache_pos_bytes(hp, (kv_types_t){ QUANT_Q4_0, QUANT_Q4_0, false }));
    kprintf("arena         %zu KiB used of %zu KiB, high-water %zu KiB\n", kernel.arena.used_bytes >> 10,
            kernel.arena.capacity_bytes >> 10, kernel.arena.high_water_bytes >> 10);
}

static void cmd_verify(int argc, char **argv)
{
    (void)argc;
    const model_entry_t *e = find_model(argv[0]);
    err_t err;
    if (!e)
        return;
    if (model_store_verify(e, &err) != ERR_OK)
        kprintf("error: %s\n", err.msg);
    else
        kprintf("%s: SHA-256 matches\n", e->name);
}

typedef struct subcommand {
    const char *name;
    const char *args;    /* usage after the name */
    const char *summary;
    int n_args;          /* exactly this many arguments, checked here; -1: the subcommand parses its own */
    void (*run)(int argc, char **argv);
} subcommand_t;

static const subcommand_t SUBCOMMANDS[] = {
    { "models", "", "list the models in the initrd and the image", 0, cmd_models },
    { "load", "NAME", "load a model (replacing the loaded one)", 1, cmd_load },
    { "unload", "", "free the loaded model's memory", 0, cmd_unload },
    { "info", "", "the loaded model's shape and memory", 0, cmd_info },
    { "verify", "NAME", "check a model against its .sha256 file", 1, cmd_verify },
    { "gen", "[-n N] [-t TEMP] [-k K] [-p TOP_P] [-m MIN_P] [-r REPEAT] [-s SEED] [-c CTX] [-q f16|f32|q8_0|q4_0] [-a exact|fast] \"PROMPT\"",
      "generate text", -1, cmd_llm_gen },
    { "chat", "[-n N] [-f FMT]", "talk with the model, N tokens per reply at most (/reset, /exit); FMT: "
                                  "chat format instead of the file's (chatml, gemma, llama3, ...)", -1, cmd_llm_chat },
    { "bench", "[-p N] [-n N] [-b B1,B2,..]", "prefill and decode speed (-b: batched, B requests at once)", -1,
      cmd_llm_bench },
    { "submit", "[gen's flags but -c, -a] \"PROMPT\"", "queue a background job (runs while the shell waits for keys)",
      -1, cmd_llm_submit },
    { "jobs", "", "background jobs: state, tokens, speed", 0, cmd_llm_jobs },
    { "out", "ID", "a job's text so far", 1, cmd_llm_out },
    { "wait", "ID", "run jobs until ID is done, then print its text (Ctrl-C stops waiting)", 1, cmd_llm_wait },
    { "cancel", "ID", "stop a queued or running job", 1, cmd_llm_cancel },
    { "stats", "", "the job service's health: queue, tokens, KV blocks, memory", 0, cmd_llm_stats },
    { "batch", "[gen's flags but -c, -a] \"P1\" \"P2\" ...", "run prompts together to completion, print each text",
      -1, cmd_llm_batch },
};

void cmd_llm(int argc, char **argv)
{
    size_t n = sizeof SUBCOMMANDS / sizeof SUBCOMMANDS[0];
    for (size_t i = 0; argc > 1 && i < n; i++) {
        const subcommand_t *c = &SUBCOMMANDS[i];
        if (strcmp(argv[1], c->name) != 0)
            continue;
        if (c->n_args >= 0 && argc - 2 != c->n_args)
            kprintf("error: usage: llm %s%s%s\n", c->name, *c->args ? " " : "", c->args);
        else
            c->run(argc - 2, argv + 2);
        return;
    }
    if (argc > 1)
        kprintf("error: unknown subcommand '%s'\n", argv[1]);
    kprintf("usage: llm SUBCOMMAND\n");
    for (size_t i = 0; i < n; i++)
        kprintf("  llm %-7s %s\n          %s\n", SUBCOMMANDS[i].name, SUBCOMMANDS[i].args, SUBCOMMANDS[i].summary);
}
