/*
 * Writes GGUF files in memory, for the host tools (quantizer) and the test
 * fixtures. Deliberately permissive: it writes whatever it is given (n_dims
 * 0, unknown types, odd offsets) so tests can build hostile files too. Hosted
 * only (uses malloc); the engine itself never writes GGUF.
 */
#ifndef TOOLS_LIB_GGUF_WRITER_H
#define TOOLS_LIB_GGUF_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GW_AUTO_OFFSET UINT64_MAX

typedef struct gw_tensor {
    char *name;
    uint32_t n_dims;
    uint64_t ne[4];
    uint32_t type;
    uint64_t offset; /* within the data section; GW_AUTO_OFFSET: next aligned spot */
    const void *data; /* copied at finish; NULL leaves zeros */
    size_t n_bytes;
} gw_tensor_t;

typedef struct gguf_writer {
    uint32_t version;
    uint32_t alignment;
    uint8_t *kv;          /* encoded metadata entries */
    size_t kv_len, kv_cap;
    uint64_t n_kv;
    gw_tensor_t *tensors;
    size_t n_tensors, tensors_cap;
} gguf_writer_t;

/* version 2 or 3 (anything, for hostile tests); alignment 32 until gw_set_alignment. */
void gw_init(gguf_writer_t *w, uint32_t version);
void gw_free(gguf_writer_t *w);

/* Writes general.alignment and pads the data section to it. */
void gw_set_alignment(gguf_writer_t *w, uint32_t alignment);

void gw_kv_u32(gguf_writer_t *w, const char *key, uint32_t v);
void gw_kv_i32(gguf_writer_t *w, const char *key, int32_t v);
void gw_kv_u64(gguf_writer_t *w, const char *key, uint64_t v);
void gw_kv_f32(gguf_writer_t *w, const char *key, float v);
void gw_kv_bool(gguf_writer_t *w, const char *key, bool v);
void gw_kv_str(gguf_writer_t *w, const char *key, const char *v);
void gw_kv_str_array(gguf_writer_t *w, const char *key, const char *const *v, size_t n);
/* An array of n fixed-size elements of elem_type, given as raw little-endian bytes. */
void gw_kv_array(gguf_writer_t *w, const char *key, uint32_t elem_type, uint64_t n, const void *raw, size_t raw_bytes);
/* Any entry: key, type, then the raw encoded value (as it stands in a file after the type). */
void gw_kv_raw(gguf_writer_t *w, const char *key, uint32_t type, const void *raw, size_t raw_bytes);

/* Adds a tensor info, and its data (copied when the file is finished, so data must live until then). */
void gw_tensor(gguf_writer_t *w, const char *name, uint32_t n_dims, const uint64_t *ne, uint32_t type,
               const void *data, size_t n_bytes, uint64_t offset);

/*
 * Finishes the file and writes it to path, then frees the writer. Returns the
 * file's size, or 0 after printing why it could not be written.
 */
size_t gw_write(gguf_writer_t *w, const char *path);

/* The whole file, malloc'd (free it); *len its size. Frees nothing else: call gw_free. */
uint8_t *gw_finish(gguf_writer_t *w, size_t *len);

#endif
