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
 * Prompts and reads one line with the shell's editor (and its history); a
 * too-long line is refused and asked for again. NULL with *cancelled set
 * on Ctrl-C. The line is valid until the next read.
 */
const char *shell_read_line(const char *prompt, bool *cancelled);

/* Prompts, reads and runs commands forever. */
void shell_run(void) __attribute__((noreturn));

#endif
