/*
 * The `llm` shell command, split by subject: cmd_llm.c holds the dispatcher
 * and the model subcommands (models, load, unload, info, verify),
 * cmd_llm_gen.c the generating ones (gen, chat), cmd_llm_bench.c bench, cmd_llm_jobs.c the
 * background jobs (submit, jobs, out, wait, cancel, stats, batch). This
 * header is what they share: the loaded-model session and the subcommand
 * signature.
 */
#ifndef KERNEL_CMD_LLM_H
#define KERNEL_CMD_LLM_H

#include <stdbool.h>

#include "kernel/ksession.h"

/* The session, made on first use over the kernel arena. */
ksession_t *cmd_llm_session(void);

/* True with the session if a model is loaded; else prints the error line. */
bool cmd_llm_need_model(ksession_t **s);

/* Each gets the arguments after its own name. */
void cmd_llm_gen(int argc, char **argv);
void cmd_llm_chat(int argc, char **argv);
void cmd_llm_bench(int argc, char **argv);
void cmd_llm_submit(int argc, char **argv);
void cmd_llm_jobs(int argc, char **argv);
void cmd_llm_out(int argc, char **argv);
void cmd_llm_wait(int argc, char **argv);
void cmd_llm_cancel(int argc, char **argv);
void cmd_llm_stats(int argc, char **argv);
void cmd_llm_batch(int argc, char **argv);

/*
 * gen's flags and one prompt (or several with many): false after the error
 * line. attn NULL: -a is refused; types NULL: -q (the cache type) is refused.
 */
bool cmd_llm_gen_args(int argc, char **argv, llm_gen_config_t *c, uint32_t *n_ctx, kern_attn_t *attn,
                      kv_types_t *types, const char **prompts, int *n, int max);

/* True (after the error line) while background jobs would be lost by remaking the session. */
bool cmd_llm_jobs_busy(ksession_t *s);

/* The shell's idle work: one scheduler step if jobs are waiting or running; false if there was nothing to do. */
bool cmd_llm_idle(void);

/* The shell command: `llm SUBCOMMAND ...`. */
void cmd_llm(int argc, char **argv);

#endif
