/*
 * Error records (see err.h): formatting a message into a caller's err_t and
 * naming the codes. Nothing here prints or allocates.
 */
#include "llm/support/err.h"

#include <stdarg.h>

#include "llm/support/fmt.h"

err_code_t err_set(err_t *e, err_code_t code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        e->code = code;
        fmt_vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void err_clear(err_t *e)
{
    if (e) {
        e->code = ERR_OK;
        e->msg[0] = '\0';
    }
}

const char *err_code_name(err_code_t code)
{
    switch (code) {
    case ERR_OK: return "ok";
    case ERR_NOMEM: return "out of memory";
    case ERR_INVALID: return "invalid argument";
    case ERR_FORMAT: return "malformed data";
    case ERR_UNSUPPORTED: return "unsupported";
    case ERR_RANGE: return "out of range";
    case ERR_NOT_FOUND: return "not found";
    case ERR_CANCELLED: return "cancelled";
    case ERR_INTERNAL: return "internal error";
    case ERR_FULL: return "full";
    }
    return "unknown error";
}
