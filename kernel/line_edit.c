/*
 * Line editor state machine (see line_edit.h). Lines are entered into the
 * history when finished (non-blank, and not a repeat of the newest entry).
 */
#include "kernel/line_edit.h"

#include "llm/platform.h"

enum { ESC_NONE, ESC_START, ESC_CSI };

#define CTRL(c) ((c) & 0x1f)

void line_init(line_editor_t *le, line_echo_fn echo, void *echo_ctx)
{
    memset(le, 0, sizeof *le);
    le->echo = echo;
    le->echo_ctx = echo_ctx;
}

static void echo(line_editor_t *le, const char *s, size_t n)
{
    if (n)
        le->echo(le->echo_ctx, s, n);
}

static bool is_continuation(char c)
{
    return ((uint8_t)c & 0xc0) == 0x80;
}

/* Removes the last character (a whole UTF-8 sequence) from the screen and the buffer. */
static void erase_char(line_editor_t *le)
{
    if (le->len == 0)
        return;
    do
        le->len--;
    while (le->len > 0 && is_continuation(le->buf[le->len]));
    echo(le, "\b \b", 3);
}

static void erase_line(line_editor_t *le)
{
    while (le->len)
        erase_char(le);
    le->overflowed = false;
}

static void replace_line(line_editor_t *le, const char *text)
{
    erase_line(le);
    le->len = strlen(text);
    memcpy(le->buf, text, le->len);
    echo(le, le->buf, le->len);
}

static const char *history_entry(const line_editor_t *le, size_t k) /* k-th newest, 1-based */
{
    return le->history[(le->head + LINE_HISTORY - k) % LINE_HISTORY];
}

static void history_add(line_editor_t *le, const char *line)
{
    bool blank = true;
    for (const char *p = line; *p; p++)
        blank = blank && (*p == ' ' || *p == '\t');
    if (blank || (le->n_history && strcmp(history_entry(le, 1), line) == 0))
        return;
    memcpy(le->history[le->head], line, strlen(line) + 1);
    le->head = (le->head + 1) % LINE_HISTORY;
    if (le->n_history < LINE_HISTORY)
        le->n_history++;
}

static void history_move(line_editor_t *le, bool older)
{
    size_t to = older ? le->browse + 1 : le->browse - 1;
    if ((older && le->browse == le->n_history) || (!older && le->browse == 0))
        return;
    if (le->browse == 0) {
        memcpy(le->draft, le->buf, le->len);
        le->draft[le->len] = '\0';
    }
    le->browse = to;
    replace_line(le, to ? history_entry(le, to) : le->draft);
}

static line_event_t finish(line_editor_t *le, line_event_t ev)
{
    le->buf[le->len] = '\0';
    if (ev == LINE_READY && le->overflowed)
        ev = LINE_TOO_LONG;
    if (ev == LINE_READY)
        history_add(le, le->buf);
    le->finished = true; /* the next feed starts a new line */
    le->overflowed = false;
    le->browse = 0;
    echo(le, ev == LINE_CANCELLED ? "^C\n" : "\n", ev == LINE_CANCELLED ? 3 : 1);
    return ev;
}

/*
 * Consumes b if it belongs to an escape sequence (ESC [ params final, or
 * ESC O final); returns false for a byte that ends the sequence without
 * belonging to it (a control byte such as Enter), to be handled as usual.
 */
static bool escape_byte(line_editor_t *le, uint8_t b)
{
    if (le->esc_state == ESC_START) {
        le->esc_state = (b == '[' || b == 'O') ? ESC_CSI : ESC_NONE;
        le->esc_params = false;
        return b >= 0x20; /* Alt-<key> is dropped; a control byte is not */
    }
    if (b >= 0x20 && b <= 0x3f) { /* parameter and intermediate bytes */
        le->esc_params = true;
        return true;
    }
    le->esc_state = ESC_NONE;
    if (b < 0x40 || b > 0x7e)
        return false;
    if (!le->esc_params && (b == 'A' || b == 'B'))
        history_move(le, b == 'A');
    return true;
}

line_event_t line_feed(line_editor_t *le, uint8_t b)
{
    bool after_cr = le->after_cr;
    le->after_cr = false;
    if (le->finished) {
        le->finished = false;
        le->len = 0;
        le->buf[0] = '\0';
    }

    if (le->esc_state != ESC_NONE && escape_byte(le, b))
        return LINE_PENDING;
    switch (b) {
    case '\r':
        le->after_cr = true;
        return finish(le, LINE_READY);
    case '\n':
        return after_cr ? LINE_PENDING : finish(le, LINE_READY);
    case CTRL('C'):
        return finish(le, LINE_CANCELLED);
    case CTRL('U'):
        erase_line(le);
        return LINE_PENDING;
    case '\b':
    case 0x7f:
        if (!le->overflowed)
            erase_char(le);
        return LINE_PENDING;
    case 0x1b:
        le->esc_state = ESC_START;
        return LINE_PENDING;
    case '\t':
        b = ' ';
        break;
    default:
        if (b < 0x20)
            return LINE_PENDING; /* other control bytes: ignored */
        break;
    }
    if (le->len + 1 >= LINE_MAX_BYTES) {
        le->overflowed = true; /* keep swallowing until Enter, then refuse */
        return LINE_PENDING;
    }
    le->buf[le->len++] = (char)b;
    echo(le, (const char *)&b, 1);
    return LINE_PENDING;
}

const char *line_text(const line_editor_t *le)
{
    return le->buf;
}
