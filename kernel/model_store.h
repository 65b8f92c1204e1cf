/*
 * The model store: the GGUF models the kernel can load, by name. They come
 * from the initrd (a cpio "newc" archive whose "*.gguf" files become models,
 * each optionally with a "*.gguf.sha256" checksum file) or are linked into
 * the image and added by hand. Entries point at the models' bytes where they
 * already are: nothing is copied or allocated. Plain C over memory, tested
 * on the host.
 */
#ifndef KERNEL_MODEL_STORE_H
#define KERNEL_MODEL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/support/err.h"
#include "kernel/lib/sha256.h"

#define MODEL_STORE_MAX 16 /* models a store holds */
#define MODEL_NAME_MAX 48  /* bytes of a model name, including its NUL */

typedef struct model_entry {
    char name[MODEL_NAME_MAX]; /* NUL-terminated, never empty; unique in its store */
    const uint8_t *data;       /* the GGUF file (borrowed: the archive or image that holds it) */
    size_t size;               /* bytes at data */
    bool has_sha256;           /* whether sha256 holds the expected digest */
    uint8_t sha256[SHA256_DIGEST_BYTES]; /* expected SHA-256 of the size bytes at data */
} model_entry_t;

typedef struct model_store {
    model_entry_t entries[MODEL_STORE_MAX]; /* entries[0..n-1], in the order they were added */
    size_t n;
    size_t n_skipped; /* models found in archives but left out because the store was full */
} model_store_t;

/* Empties *s. */
void model_store_init(model_store_t *s);

/*
 * Adds the size bytes at data (borrowed: they must outlive the store; 4-byte
 * aligned) as the model called name (copied), without a checksum, as for the
 * model linked into the image ("embedded"). Errors, with *err (may be NULL)
 * naming the fault: ERR_NOMEM when the store already holds MODEL_STORE_MAX
 * models; ERR_INVALID for an empty name, one of MODEL_NAME_MAX bytes or more,
 * a name already in the store, or data that is not 4-byte aligned. The store
 * is unchanged on error.
 */
err_code_t model_store_add(model_store_t *s, const char *name, const void *data, size_t size, err_t *err);

/*
 * Adds the models of the size-byte cpio "newc" archive at archive (e.g. the
 * initrd). Every regular file whose name ends in ".gguf" becomes a model named
 * by its base name without the ".gguf" ("./models/smollm2-q4_0.gguf" gives
 * "smollm2-q4_0"); a regular file "X.gguf.sha256" (in any directory) holds
 * the checksum of model X of the same archive: 64 hex digits of either
 * case, alone or followed by white space and anything, as `sha256sum` writes
 * it. A checksum file without its model is ignored; the order of files in the
 * archive does not matter.
 * Models past MODEL_STORE_MAX are left out and counted in s->n_skipped.
 *
 * Zero-copy: the entries point into the archive, so it must outlive the
 * store. The archive memory is modified and must be writable: cpio places
 * file data only on 4-byte boundaries, so after the whole archive has been
 * read each model is moved once (memmove) down to the 64-byte boundary at or
 * below its start, over its own cpio header and name. Archive offsets and
 * addresses agree modulo 64 only if the archive itself is 64-byte aligned;
 * the entries are 64-byte aligned as addresses either way. After a
 * successful scan the archive is no longer a valid cpio archive.
 *
 * Errors leave the store as it was and the archive unmodified: the cpio error
 * (ERR_FORMAT) for a malformed archive; ERR_FORMAT naming the file for a
 * checksum file that is not as above, two checksum files for one model, or
 * a model whose name is empty, too long (MODEL_NAME_MAX bytes or more) or
 * already in the store.
 */
err_code_t model_store_scan_initrd(model_store_t *s, void *archive, size_t size, err_t *err);

/* The model called name, or NULL if there is none (borrowed from s). */
const model_entry_t *model_store_find(const model_store_t *s, const char *name);

/*
 * Checks the SHA-256 of e's data against its checksum: ERR_OK when they
 * match; ERR_NOT_FOUND when e has no checksum; ERR_FORMAT on a mismatch,
 * with *err (may be NULL) giving the first 8 hex digits of both digests.
 * Reads all e->size bytes.
 */
err_code_t model_store_verify(const model_entry_t *e, err_t *err);

#endif
