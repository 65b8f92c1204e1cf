/*
 * libFuzzer harness: raw bytes on the serial line, as the kernel's shell
 * takes them. Every byte goes through the line editor (escape sequences,
 * history, Ctrl-C, overlong lines, CR/LF); every finished line is split
 * into arguments as the shell does, and each argument read as the number
 * parsers read flag values. The echo must stay within what was fed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/args.h"
#include "kernel/line_edit.h"
#include "kernel/parse_num.h"

#define MAX_ARGS 16

static size_t echoed;

static void echo(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    if (n && !s)
        abort();
    echoed += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static line_editor_t le;
    line_init(&le, echo, NULL);
    echoed = 0;
    for (size_t i = 0; i < size; i++) {
        if (line_feed(&le, data[i]) != LINE_READY)
            continue;
        const char *text = line_text(&le);
        size_t len = strlen(text);
        if (len >= LINE_MAX_BYTES)
            abort();
        char line[LINE_MAX_BYTES];
        memcpy(line, text, len + 1);
        char *argv[MAX_ARGS];
        int argc;
        err_t err;
        if (args_split(line, argv, MAX_ARGS, &argc, &err) != ERR_OK)
            continue;
        for (int a = 0; a < argc; a++) {
            uint64_t u;
            float f;
            if (!argv[a] || argv[a] < line || argv[a] >= line + sizeof line)
                abort(); /* an argument outside the line */
            parse_u64(argv[a], UINT64_MAX, &u);
            parse_float(argv[a], &f);
        }
    }
    return 0;
}
