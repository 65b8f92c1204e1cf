/*
 * libFuzzer harness: chat templates and conversations from untrusted bytes.
 * The input is a template (up to the first 0xFF byte), which chat_detect
 * recognises or refuses, then messages separated by 0xFE, each led by a
 * byte that picks its role (system, user, assistant or a bad one). They are
 * formatted in the detected format (or the one byte 0 picks) with and
 * without the assistant opening, first measured, then into a buffer of
 * exactly that size and into one too small by a byte, which must be
 * refused with the buffer left terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llm/chat.h"

#define MAX_MSGS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const roles[] = { "system", "user", "assistant", "tool" };
    if (size == 0)
        return 0;
    const uint8_t *end = memchr(data, 0xFF, size);
    size_t tlen = end ? (size_t)(end - data) : size;
    chat_format_t f;
    err_t err;
    if (chat_detect((const char *)data, tlen, &f, &err) != ERR_OK)
        f = (chat_format_t)(data[0] % (CHAT_FORMAT_COUNT + 1)); /* one past the last: a bad format */
    chat_message_t msgs[MAX_MSGS];
    char *copy = malloc(size + 1); /* message contents, NUL-terminated in place */
    size_t n = 0, at = end ? tlen + 1 : size;
    memcpy(copy, data, size);
    copy[size] = '\0';
    while (at < size && n < MAX_MSGS) {
        const uint8_t *sep = memchr(data + at, 0xFE, size - at);
        size_t stop = sep ? (size_t)(sep - data) : size;
        copy[stop] = '\0';
        msgs[n].role = roles[data[at] % 4];
        msgs[n].content = copy + at + 1 <= copy + stop ? copy + at + 1 : copy + stop;
        n++;
        at = stop + 1;
    }
    for (int add = 0; add < 2; add++) {
        size_t len;
        if (chat_apply(f, msgs, n, add, NULL, 0, &len, &err) != ERR_OK)
            continue;
        char *buf = malloc(len + 1);
        size_t got;
        if (chat_apply(f, msgs, n, add, buf, len + 1, &got, &err) != ERR_OK || got != len || buf[len] != '\0')
            abort(); /* the measured size must fit exactly */
        if (len > 0 && (chat_apply(f, msgs, n, add, buf, len, &got, &err) != ERR_RANGE || buf[len - 1] != '\0'))
            abort(); /* one byte short: refused, still terminated */
        free(buf);
    }
    chat_end_of_turn(f);
    chat_format_name(f);
    free(copy);
    return 0;
}
