/*
 * The interactive shell on the console: reads lines with the line editor,
 * splits them into arguments and runs the matching command. Commands are
 * listed in commands.c.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

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

/* Prompts, reads and runs commands forever. */
void shell_run(void) __attribute__((noreturn));

#endif
