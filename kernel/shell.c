/*
 * The shell loop (see shell.h): prompt, edit, split, dispatch. Errors are one
 * line each and the loop always comes back to the prompt.
 */
#include "kernel/shell.h"

#include "kernel/args.h"
#include "kernel/console.h"
#include "kernel/line_edit.h"
#include "llm/platform.h"

#define PROMPT "kernel> "
#define MAX_ARGS 32

static line_editor_t editor; /* static: the history makes it ~35 KiB */
static bool (*idle_fn)(void);

void shell_on_idle(bool (*fn)(void))
{
    idle_fn = fn;
}

/* The next key, doing the idle work until one comes (or there is none left to do). */
static uint8_t next_key(void)
{
    int c;
    while ((c = console_poll()) < 0) {
        if (!idle_fn || !idle_fn())
            return console_getc();
    }
    return (uint8_t)c;
}

static void echo_to_console(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    console_write(s, n);
}

static const shell_command_t *find_command(const char *name)
{
    for (size_t i = 0; i < shell_n_commands; i++) {
        if (strcmp(shell_commands[i].name, name) == 0)
            return &shell_commands[i];
    }
    return NULL;
}

static void execute(const char *line)
{
    char work[LINE_MAX_BYTES];
    char *argv[MAX_ARGS];
    int argc;
    err_t err;

    memcpy(work, line, strlen(line) + 1);
    if (args_split(work, argv, MAX_ARGS, &argc, &err) != ERR_OK) {
        kprintf("error: %s\n", err.msg);
        return;
    }
    if (argc == 0)
        return;
    const shell_command_t *cmd = find_command(argv[0]);
    if (!cmd) {
        kprintf("error: unknown command '%s'; type 'help' for the list\n", argv[0]);
        return;
    }
    if (argc - 1 > cmd->max_args) {
        kprintf("error: too many arguments; usage: %s %s\n", cmd->name, cmd->args);
        return;
    }
    cmd->run(argc, argv);
}

const char *shell_read_line(const char *prompt, bool *cancelled)
{
    for (;;) {
        kprintf("%s", prompt);
        line_event_t ev;
        while ((ev = line_feed(&editor, next_key())) == LINE_PENDING)
            ;
        if (ev == LINE_READY)
            return line_text(&editor);
        if (ev == LINE_CANCELLED) {
            *cancelled = true;
            return NULL;
        }
        kprintf("error: line too long (more than %d bytes); ignored\n", LINE_MAX_BYTES - 1);
    }
}

void shell_run(void)
{
    line_init(&editor, echo_to_console, NULL);
    for (;;) {
        bool cancelled = false;
        const char *line = shell_read_line(PROMPT, &cancelled);
        if (line)
            execute(line);
    }
}
