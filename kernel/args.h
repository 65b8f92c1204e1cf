/*
 * Splits a shell line into arguments, in place: blanks separate, "double"
 * and 'single' quotes group (a quote may start mid-word), and a backslash
 * escapes the next character outside single quotes.
 */
#ifndef KERNEL_ARGS_H
#define KERNEL_ARGS_H

#include "llm/support/err.h"

/*
 * Rewrites line and points argv[0..*argc) into it. ERR_FORMAT for an
 * unterminated quote or a trailing backslash, ERR_RANGE for more than
 * max_args arguments; argc is then 0.
 */
err_code_t args_split(char *line, char **argv, int max_args, int *argc, err_t *err);

#endif
