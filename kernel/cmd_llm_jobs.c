/*
 * The background-job `llm` subcommands (see cmd_llm.h) over the engine's
 * scheduler (llm/llm_sched.h): submit queues a prompt and returns at once;
 * the shell's idle loop (cmd_llm_idle) runs one scheduler step at a time
 * while it waits for keys, so jobs advance together, continuously batched,
 * and typing stays possible. jobs, out, wait, cancel and stats look at or
 * steer them; batch runs several prompts together in the foreground and
 * prints each text. Background jobs do not print while running: their text
 * is kept for `llm out`.
 */
#include "kernel/cmd_llm.h"

#include "kernel/console.h"
#include "kernel/parse_num.h"
#include "llm/platform.h"

#define CTRL_C 3
#define BATCH_MAX 8

/* The session's scheduler (made on first use), or NULL after the error line. */
static llm_sched_t *need_sched(void)
{
    ksession_t *s;
    llm_sched_t *sc;
    err_t err;
    if (!cmd_llm_need_model(&s))
        return NULL;
    if (ksession_sched(s, &sc, &err) != ERR_OK) {
        kprintf("error: %s\n", err.msg);
        return NULL;
    }
    return sc;
}

bool cmd_llm_jobs_busy(ksession_t *s)
{
    if (!s->has_sched || !llm_sched_busy(&s->sched))
        return false;
    kprintf("error: background jobs are running (`llm jobs`): wait for them or cancel them first\n");
    return true;
}

bool cmd_llm_idle(void)
{
    ksession_t *s = cmd_llm_session();
    err_t err;
    if (!s->entry || !s->has_sched || !llm_sched_busy(&s->sched))
        return false;
    if (llm_sched_step(&s->sched, &err) != ERR_OK)
        kprintf("\nerror: job step: %s\n", err.msg);
    return true;
}

/* The job id argument, or 0 after the error line. */
static uint32_t job_id(const char *arg)
{
    uint64_t id;
    if (!parse_u64(arg, UINT32_MAX, &id) || id == 0) {
        kprintf("error: bad job id '%s'\n", arg);
        return 0;
    }
    return (uint32_t)id;
}

/* Queues each prompt with config c; the ids into ids (0 where refused, after the error line). */
static int submit_all(llm_sched_t *sc, const llm_gen_config_t *c, const char *const *prompts, int n, uint32_t *ids)
{
    int ok = 0;
    for (int i = 0; i < n; i++) {
        llm_request_t r = { .prompt = prompts[i], .len = strlen(prompts[i]), .cfg = *c };
        err_t err;
        ids[i] = 0;
        if (llm_sched_submit(sc, &r, &ids[i], &err) != ERR_OK)
            kprintf("error: not queued: %s\n", err.msg);
        else
            ok++;
    }
    return ok;
}

void cmd_llm_submit(int argc, char **argv)
{
    llm_gen_config_t c;
    uint32_t n_ctx, id;
    const char *prompt;
    int n;
    llm_sched_t *sc;
    if (!cmd_llm_gen_args(argc, argv, &c, &n_ctx, NULL, NULL, &prompt, &n, 1) || !(sc = need_sched()))
        return;
    if (n_ctx)
        kprintf("note: -c does not apply to jobs (each holds up to %u positions)\n", sc->p.max_seq_pos);
    if (submit_all(sc, &c, &prompt, 1, &id) == 1)
        kprintf("job %u queued\n", id);
}

static double tok_s(const llm_req_info_t *i)
{
    uint64_t end = i->end_us ? i->end_us : platform_now_us();
    return i->start_us && end > i->start_us ? (double)i->n_generated * 1e6 / (double)(end - i->start_us) : 0.0;
}

void cmd_llm_jobs(int argc, char **argv)
{
    (void)argc, (void)argv;
    llm_sched_t *sc = need_sched();
    if (!sc)
        return;
    int shown = 0;
    kprintf("%-5s %-8s %-13s %7s %9s %8s\n", "id", "state", "stop", "prompt", "generated", "tok/s");
    for (uint32_t id = sc->next_id > 64 ? sc->next_id - 64 : 1; id < sc->next_id; id++) {
        llm_req_info_t i;
        err_t err;
        if (llm_sched_info(sc, id, &i, &err) != ERR_OK)
            continue;
        kprintf("%-5u %-8s %-13s %7u %9u %8.2f\n", i.id, llm_req_state_name(i.state),
                i.state == LLM_REQ_DONE ? llm_stop_name(i.stop) : "-", i.n_prompt, i.n_generated, tok_s(&i));
        shown++;
    }
    if (!shown)
        kprintf("(no jobs)\n");
}

/* Prints job id's text and a status line; false if there is no such job. */
static bool print_job(llm_sched_t *sc, uint32_t id)
{
    llm_req_info_t i;
    err_t err;
    if (llm_sched_info(sc, id, &i, &err) != ERR_OK) {
        kprintf("error: %s\n", err.msg);
        return false;
    }
    console_write(i.text, strlen(i.text));
    kprintf("\n[job %u %s%s%s: prompt %u tokens (%u shared), generated %u, %.2f tok/s]\n", i.id,
            llm_req_state_name(i.state), i.state == LLM_REQ_DONE ? ", stop: " : "",
            i.state == LLM_REQ_DONE ? llm_stop_name(i.stop) : "", i.n_prompt, i.n_shared, i.n_generated, tok_s(&i));
    return true;
}

void cmd_llm_out(int argc, char **argv)
{
    (void)argc;
    llm_sched_t *sc = need_sched();
    uint32_t id = sc ? job_id(argv[0]) : 0;
    if (id)
        print_job(sc, id);
}

/* Steps until every job in ids is done; Ctrl-C stops waiting (cancel_on_ctrl_c: and cancels them). */
static void run_until_done(llm_sched_t *sc, const uint32_t *ids, int n, bool cancel_on_ctrl_c)
{
    for (;;) {
        bool pending = false;
        for (int k = 0; k < n; k++) {
            llm_req_info_t i;
            err_t err;
            pending |= ids[k] && llm_sched_info(sc, ids[k], &i, &err) == ERR_OK && i.state != LLM_REQ_DONE;
        }
        if (!pending)
            return;
        int c;
        while ((c = console_poll()) >= 0) {
            if (c != CTRL_C)
                continue;
            for (int k = 0; k < n && cancel_on_ctrl_c; k++)
                if (ids[k])
                    llm_sched_cancel(sc, ids[k], NULL);
            kprintf("^C\n");
            return;
        }
        err_t err;
        if (llm_sched_step(sc, &err) != ERR_OK)
            kprintf("error: job step: %s\n", err.msg);
    }
}

void cmd_llm_wait(int argc, char **argv)
{
    (void)argc;
    llm_sched_t *sc = need_sched();
    uint32_t id = sc ? job_id(argv[0]) : 0;
    llm_req_info_t i;
    err_t err;
    if (!id)
        return;
    if (llm_sched_info(sc, id, &i, &err) != ERR_OK) {
        kprintf("error: %s\n", err.msg);
        return;
    }
    run_until_done(sc, &id, 1, false);
    print_job(sc, id);
}

void cmd_llm_cancel(int argc, char **argv)
{
    (void)argc;
    llm_sched_t *sc = need_sched();
    uint32_t id = sc ? job_id(argv[0]) : 0;
    err_t err;
    if (!id)
        return;
    if (llm_sched_cancel(sc, id, &err) != ERR_OK)
        kprintf("error: %s\n", err.msg);
    else
        kprintf("job %u cancelled\n", id);
}

void cmd_llm_stats(int argc, char **argv)
{
    (void)argc, (void)argv;
    llm_sched_t *sc = need_sched();
    if (!sc)
        return;
    llm_sched_stats_t st;
    llm_sched_stats(sc, &st);
    double s = (double)st.step_us / 1e6;
    kprintf("jobs:   %u queued, %u running, %u done kept; %llu submitted, %llu refused, %llu finished\n", st.queued,
            st.running, st.done, (unsigned long long)st.submitted, (unsigned long long)st.refused,
            (unsigned long long)st.finished);
    kprintf("tokens: %llu prompt, %llu generated in %llu steps, %.2f generated tok/s over %.1f s of steps\n",
            (unsigned long long)st.prompt_tokens, (unsigned long long)st.generated_tokens,
            (unsigned long long)st.steps, s > 0 ? (double)st.generated_tokens / s : 0.0, s);
    kprintf("kv:     %u blocks used, %u free (%u positions each); %u running x %u positions at most\n",
            st.blocks_used, st.blocks_free, st.block_positions, sc->p.max_running, sc->p.max_seq_pos);
    kprintf("arena:  %zu KiB used, high-water %zu KiB\n", st.arena_used >> 10, st.arena_high_water >> 10);
}

void cmd_llm_batch(int argc, char **argv)
{
    llm_gen_config_t c;
    uint32_t n_ctx, ids[BATCH_MAX];
    const char *prompts[BATCH_MAX];
    int n;
    llm_sched_t *sc;
    if (!cmd_llm_gen_args(argc, argv, &c, &n_ctx, NULL, NULL, prompts, &n, BATCH_MAX) || !(sc = need_sched()))
        return;
    llm_sched_stats_t before, after;
    llm_sched_stats(sc, &before);
    uint64_t t0 = platform_now_us();
    if (submit_all(sc, &c, prompts, n, ids) == 0)
        return;
    run_until_done(sc, ids, n, true);
    uint64_t us = platform_now_us() - t0;
    llm_sched_stats(sc, &after);
    for (int k = 0; k < n; k++) {
        if (ids[k]) {
            kprintf("--- %d: %s\n", k + 1, prompts[k]);
            print_job(sc, ids[k]);
        }
    }
    uint64_t gen = after.generated_tokens - before.generated_tokens;
    kprintf("[batch of %d: %llu tokens generated in %llu ms, %.2f tok/s together]\n", n, (unsigned long long)gen,
            (unsigned long long)(us / 1000), us ? (double)gen * 1e6 / (double)us : 0.0);
}
