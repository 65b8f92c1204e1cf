/*
 * Error records: how every fallible call in the core reports what went wrong.
 * The core never prints; it fills a caller-supplied err_t with a code and a
 * one-line message naming the field, key, size or offset at fault, and the
 * adapter (kernel shell, host tool, test) decides whether and where to print.
 */
#ifndef LLM_SUPPORT_ERR_H
#define LLM_SUPPORT_ERR_H

#include <stddef.h>

typedef enum err_code {
    ERR_OK = 0,
    ERR_NOMEM,       /* arena (or another fixed buffer) too small */
    ERR_INVALID,     /* bad argument or value from the caller */
    ERR_FORMAT,      /* malformed input data: file, device tree, ... */
    ERR_UNSUPPORTED, /* well-formed but not handled (version, type, ...) */
    ERR_RANGE,       /* a size, count or offset out of range */
    ERR_NOT_FOUND,   /* a named thing (key, node, command) does not exist */
    ERR_CANCELLED,   /* stopped at the caller's request */
    ERR_INTERNAL,    /* a check of the engine or its host failed: a bug, not bad input */
    ERR_FULL,        /* a bounded queue is full (or closed): nothing was taken, try again later */
} err_code_t;

/* Longest message kept, including the terminating NUL; longer ones are cut. */
#define ERR_MSG_MAX 224

typedef struct err {
    err_code_t code;
    char msg[ERR_MSG_MAX];
} err_t;

/*
 * Fills *e (if e is not NULL) with code and a printf-style message (the
 * llm/support/fmt.h conversions) and returns code, so callers can write
 * `return err_set(e, ERR_FORMAT, "...", ...);`.
 */
err_code_t err_set(err_t *e, err_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Resets *e (if not NULL) to ERR_OK with an empty message. */
void err_clear(err_t *e);

/* A short constant name for a code ("out of memory", ...); never NULL. */
const char *err_code_name(err_code_t code);

#endif
