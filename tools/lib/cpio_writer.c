/* In-memory cpio newc archives for tests (see cpio_writer.h). */
#include "tools/lib/cpio_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cpio_put(cpio_writer_t *w, const void *p, size_t n)
{
    if (n == 0)
        return;
    w->buf = realloc(w->buf, w->len + n);
    if (!w->buf)
        abort();
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

void cpio_pad(cpio_writer_t *w)
{
    while (w->len % 4)
        cpio_put(w, "", 1);
}

void cpio_put_header(cpio_writer_t *w, const char *magic, uint32_t mode, uint32_t filesize, uint32_t namesize)
{
    char h[111];
    snprintf(h, sizeof h, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, 0x1234u, mode, 0u, 0u,
             1u, 0x65000000u, filesize, 8u, 1u, 0u, 0u, namesize, 0u);
    cpio_put(w, h, 110);
}

size_t cpio_put_entry(cpio_writer_t *w, const char *name, uint32_t mode, const void *data, size_t size)
{
    cpio_put_header(w, "070701", mode, (uint32_t)size, (uint32_t)strlen(name) + 1);
    cpio_put(w, name, strlen(name) + 1);
    cpio_pad(w);
    size_t at = w->len;
    cpio_put(w, data, size);
    cpio_pad(w);
    return at;
}

void cpio_put_trailer(cpio_writer_t *w)
{
    cpio_put_entry(w, "TRAILER!!!", 0, NULL, 0);
}
