/*
 * Reader for cpio "newc" archives (magic "070701", and the "070702" crc
 * variant whose checksum is not verified): the format of a Linux initramfs,
 * which is how a boot loader can hand the kernel its model files. Walks an
 * archive that is already in memory, entry by entry, without copying or
 * allocating; every field is checked against the buffer, so any byte string
 * gives either entries or an error, never a read outside it.
 */
#ifndef KERNEL_LIB_CPIO_H
#define KERNEL_LIB_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/support/err.h"

/* One archive member. All pointers point into the archive (borrowed: valid as long as it is). */
typedef struct cpio_entry {
    const char *name; /* as stored ("./a.gguf", "a.gguf", "dir", ...); NUL-terminated at name[name_len] */
    size_t name_len;  /* bytes, without the NUL */
    const uint8_t *data; /* the contents; for a symlink, its target */
    uint64_t size;       /* bytes of data (0 for directories, and for all but the last of hard links) */
    uint32_t mode;       /* file type and permission bits, as in st_mode */
} cpio_entry_t;

/* Iteration state; fields are private to cpio.c. */
typedef struct cpio_iter {
    const uint8_t *base;
    size_t size, off; /* archive length, and where the next header starts, in bytes */
    bool done;        /* the trailer was reached */
} cpio_iter_t;

/* Starts iterating over the size bytes at archive (no alignment needed). */
void cpio_iter_init(cpio_iter_t *it, const void *archive, size_t size);

/*
 * Reads the next entry into *out. Returns 1 when an entry was produced, 0 at
 * the end (the "TRAILER!!!" entry was reached: whatever follows it, such as
 * the zero padding of the last block, is not looked at), or a negative
 * err_code_t (-ERR_FORMAT) when the archive is malformed: *err (may be NULL)
 * then names the byte offset and the fault — bad magic, a field that is not
 * hex, a header, name or data past the end, an empty or unterminated name,
 * or the end of the buffer without a trailer ("no trailer"). The iterator
 * does not move past an error, so calling again repeats it; entries returned
 * before an error are valid.
 */
int cpio_next(cpio_iter_t *it, cpio_entry_t *out, err_t *err);

/* True for a regular file (S_IFREG in the mode's type bits). */
bool cpio_is_regular(const cpio_entry_t *e);

#endif
