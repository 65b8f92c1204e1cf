/*
 * Shell argument splitting (see args.h). One pass: the write cursor never
 * overtakes the read cursor, so unquoting happens in place.
 */
#include "kernel/args.h"

#include <stdbool.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

err_code_t args_split(char *line, char **argv, int max_args, int *argc, err_t *err)
{
    char *rd = line, *wr = line;
    int n = 0;
    *argc = 0;
    for (;;) {
        while (is_blank(*rd))
            rd++;
        if (*rd == '\0')
            break;
        if (n == max_args)
            return err_set(err, ERR_RANGE, "too many arguments (at most %d)", max_args);
        argv[n++] = wr;
        char quote = 0;
        while (*rd && (quote || !is_blank(*rd))) {
            char c = *rd++;
            if (quote && c == quote) {
                quote = 0;
            } else if (!quote && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == '\\' && quote != '\'') {
                if (*rd == '\0')
                    return err_set(err, ERR_FORMAT, "trailing backslash at column %d", (int)(rd - line));
                *wr++ = *rd++;
            } else {
                *wr++ = c;
            }
        }
        if (quote)
            return err_set(err, ERR_FORMAT, "unterminated %c quote", quote);
        if (*rd)
            rd++; /* the blank that ended the word; wr <= rd - 1 here */
        *wr++ = '\0';
    }
    *argc = n;
    return ERR_OK;
}
