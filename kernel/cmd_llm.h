/*
 * The `llm` shell command, split by subject: cmd_llm.c holds the dispatcher
 * and the model subcommands (models, load, unload, info, verify),
 * cmd_llm_gen.c the generating ones (gen, chat, bench). This header is what
 * they share: the loaded-model session and the subcommand signature.
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

/* The shell command: `llm SUBCOMMAND ...`. */
void cmd_llm(int argc, char **argv);

#endif
