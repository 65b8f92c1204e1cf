/*
 * The shell's line editor: turns keystrokes, one byte at a time, into lines.
 * Editing at the end of the line only: backspace (UTF-8 aware), Ctrl-U
 * erases the line, Ctrl-C cancels it, up/down arrows walk the history,
 * Enter (CR, LF or CRLF) finishes it. Other control bytes and unknown
 * escape sequences are ignored. Echo goes through a caller-supplied function,
 * so the editor is plain C tested on the host.
 */
#ifndef KERNEL_LINE_EDIT_H
#define KERNEL_LINE_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINE_MAX_BYTES 1024 /* longest line kept, including the NUL */
#define LINE_HISTORY 16     /* lines remembered for up/down */

typedef void (*line_echo_fn)(void *ctx, const char *s, size_t n);

typedef enum line_event {
    LINE_PENDING,   /* keep feeding */
    LINE_READY,     /* line_text() holds a finished line */
    LINE_CANCELLED, /* Ctrl-C: the line was dropped */
    LINE_TOO_LONG,  /* Enter after more than LINE_MAX_BYTES - 1 bytes: dropped */
} line_event_t;

typedef struct line_editor {
    char buf[LINE_MAX_BYTES];
    size_t len;
    bool overflowed;
    bool finished;     /* a line was returned; the next byte starts a new one */
    bool after_cr;     /* swallow the LF of a CRLF */
    uint8_t esc_state; /* position in an escape sequence */
    bool esc_params;   /* the sequence has parameters: not a plain arrow */
    char history[LINE_HISTORY][LINE_MAX_BYTES];
    size_t n_history;   /* entries in use, newest at (head - 1) */
    size_t head;
    size_t browse;      /* 0: editing a new line; k: showing the k-th newest */
    char draft[LINE_MAX_BYTES]; /* the new line, kept while browsing */
    line_echo_fn echo;
    void *echo_ctx;
} line_editor_t;

void line_init(line_editor_t *le, line_echo_fn echo, void *echo_ctx);

/* Feeds one input byte; echoes as a terminal user expects. */
line_event_t line_feed(line_editor_t *le, uint8_t byte);

/* The finished line after LINE_READY (NUL-terminated, valid until the next feed). */
const char *line_text(const line_editor_t *le);

#endif
