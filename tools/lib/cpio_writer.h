/*
 * Building cpio newc archives in memory, for tests of the reader and of the
 * kernel's model store: entries with any magic, mode and sizes, including
 * deliberately wrong ones. The buffer is malloc'd (free(w.buf)); allocation
 * failure aborts.
 */
#ifndef TOOLS_LIB_CPIO_WRITER_H
#define TOOLS_LIB_CPIO_WRITER_H

#include <stddef.h>
#include <stdint.h>

typedef struct cpio_writer {
    uint8_t *buf;
    size_t len;
} cpio_writer_t;

/* Appends n raw bytes. */
void cpio_put(cpio_writer_t *w, const void *p, size_t n);

/* Appends NULs up to a multiple of 4 bytes. */
void cpio_pad(cpio_writer_t *w);

/* A 110-byte header: magic ("070701"...), mode, filesize, namesize; the other fields plausible constants. */
void cpio_put_header(cpio_writer_t *w, const char *magic, uint32_t mode, uint32_t filesize, uint32_t namesize);

/* A whole well-formed entry (header, name, padding, data, padding); returns the offset of its data. */
size_t cpio_put_entry(cpio_writer_t *w, const char *name, uint32_t mode, const void *data, size_t size);

/* The TRAILER!!! entry that ends an archive. */
void cpio_put_trailer(cpio_writer_t *w);

#endif
