/*
 * Whole-file reading and writing for the host tools and tests, an arena
 * backed by malloc, and GGUF files and models opened from a path. Hosted only.
 */
#ifndef HOST_HOST_FILE_H
#define HOST_HOST_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "llm/gguf/gguf.h"
#include "llm/llm.h"
#include "llm/support/arena.h"

/* The file's bytes in a 64-byte-aligned malloc'd buffer (free() it), or NULL with errno set. */
uint8_t *host_read_file(const char *path, size_t *len);

/* All of stream's bytes up to EOF (a pipe too) in a malloc'd buffer (free() it), or NULL with errno set. */
uint8_t *host_read_stream(FILE *stream, size_t *len);

/* Writes len bytes to path (replacing it via a temporary file); 0 on success, -1 with errno. */
int host_write_file(const char *path, const void *data, size_t len);

/* An arena over a fresh malloc'd buffer of capacity bytes; free with host_arena_free. NULL buffer on failure. */
void host_arena_init(arena_t *a, size_t capacity);
void host_arena_free(arena_t *a);

/* A malloc'd NUL-terminated copy of a key or name (they are not terminated in the file); aborts if out of memory. */
char *host_cstr(str_view_t s);

/* A GGUF file read and parsed, with the buffers it lives in. */
typedef struct host_gguf {
    uint8_t *blob;
    size_t len;
    arena_t arena;
    gguf_file_t file;
} host_gguf_t;

/*
 * Reads and parses path with an arena of arena_bytes; on failure prints
 * "tool: path: reason" to stderr, frees everything and returns -1.
 */
int host_gguf_open(host_gguf_t *h, const char *tool, const char *path, size_t arena_bytes);
void host_gguf_close(host_gguf_t *h);

/* A model read and loaded (llm_model_load), with the buffers it lives in. */
typedef struct host_model {
    uint8_t *blob;
    size_t len;
    arena_t arena;
    llm_model_t model;
} host_model_t;

/*
 * Reads and loads the model at path with an arena of arena_bytes for its
 * tables; on failure prints "tool: path: reason" to stderr, frees
 * everything and returns -1.
 */
int host_model_open(host_model_t *h, const char *tool, const char *path, size_t arena_bytes);
void host_model_close(host_model_t *h);

#endif
