/*
 * The interactive shell on the console: reads lines with the line editor,
 * splits them into arguments and runs the matching command. Commands are
 * listed in commands.c.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct shell_command {
    const char *name;
    const char *args;     /* usage after the name, "" for none */
    const char *summary;  /* one line for help */
    int max_args;         /* arguments after the name it accepts */
    void (*run)(int argc, char **argv);
} shell_command_t;

extern const shell_command_t shell_commands[];
extern const size_t shell_n_commands;

/*
 * Idle work: while the shell waits for a key it calls fn until fn returns
 * false (nothing to do), then blocks on the console. fn should return
 * within a fraction of a second so typing stays responsive (keys wait in
 * the UART meanwhile). NULL: none.
 */
void shell_on_idle(bool (*fn)(void));

/*
 * Prompts and reads one line with the shell's editor (and its history),
 * doing the idle work between keys; a too-long line is refused and asked
 * for again. NULL with *cancelled set
 * on Ctrl-C. The line is valid until the next read.
 */
const char *shell_read_line(const char *prompt, bool *cancelled);

/* Prompts, reads and runs commands forever. */
void shell_run(void) __attribute__((noreturn));

#endif
