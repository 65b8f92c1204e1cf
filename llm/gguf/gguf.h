/*
 * GGUF reader: parses a model file that is already in memory (the blob) into
 * its metadata and a table of tensor views, without copying the blob: every
 * string and tensor points into it. Versions 2 and 3, little-endian. Every
 * count, length, dimension and offset is checked against the blob before use,
 * and a rejected file yields an error naming the field, key or tensor and the
 * byte offset. Interpreting the metadata (hyper-parameters, tensor roles) is
 * model.c's job, not this file's.
 */
#ifndef LLM_GGUF_GGUF_H
#define LLM_GGUF_GGUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/support/err.h"
#include "llm/support/str_view.h"
#include "llm/quant/quant.h"
#include "llm/support/str_index.h"
#include "llm/support/arena.h"

#define GGUF_MAGIC 0x46554747u /* "GGUF" read as a little-endian u32 */
#define GGUF_DEFAULT_ALIGNMENT 32
#define GGUF_MAX_DIMS 4
#define GGUF_MAX_ARRAY_NESTING 8

typedef enum gguf_type {
    GGUF_TYPE_UINT8 = 0,
    GGUF_TYPE_INT8 = 1,
    GGUF_TYPE_UINT16 = 2,
    GGUF_TYPE_INT16 = 3,
    GGUF_TYPE_UINT32 = 4,
    GGUF_TYPE_INT32 = 5,
    GGUF_TYPE_FLOAT32 = 6,
    GGUF_TYPE_BOOL = 7,
    GGUF_TYPE_STRING = 8,
    GGUF_TYPE_ARRAY = 9,
    GGUF_TYPE_UINT64 = 10,
    GGUF_TYPE_INT64 = 11,
    GGUF_TYPE_FLOAT64 = 12,
    GGUF_TYPE_COUNT
} gguf_type_t;

/* One metadata entry. Values stay in the blob, little-endian and possibly unaligned. */
typedef struct gguf_kv {
    str_view_t key;
    gguf_type_t type;
    gguf_type_t elem_type; /* arrays: type of the elements */
    uint64_t n_elems;      /* arrays: element count; 1 otherwise */
    const uint8_t *value;  /* scalars: the value; strings: the u64 length; arrays: the first element */
    uint64_t value_bytes;  /* bytes from value to the end of the entry */
    uint64_t offset;       /* byte offset of the entry in the file */
} gguf_kv_t;

typedef struct gguf_tensor {
    str_view_t name;
    uint32_t n_dims;
    uint64_t ne[GGUF_MAX_DIMS]; /* elements per dimension, ne[0] = row length; unused ones are 1 */
    const quant_format_t *format;
    uint64_t n_elems;
    uint64_t n_bytes;
    uint64_t data_offset;  /* byte offset of the data in the file */
    const void *data;      /* into the blob; aligned in the file, not necessarily in memory */
    uint64_t info_offset;  /* byte offset of the tensor's info record */
} gguf_tensor_t;

typedef struct gguf_file {
    const uint8_t *blob;
    size_t size;
    uint32_t version;
    uint64_t n_kv;
    uint64_t n_tensors;
    gguf_kv_t *kv;
    gguf_tensor_t *tensors;
    uint64_t alignment;
    uint64_t data_start; /* byte offset of the tensor data section */
    str_index_t kv_index;
    str_index_t tensor_index;
    size_t arena_bytes;  /* arena bytes the parse took (tables and indexes) */
} gguf_file_t;

/*
 * Parses blob[0 .. size). Tables come from the arena; on failure the arena is
 * returned to where it was. The blob must outlive the result. Errors:
 * ERR_FORMAT (malformed or hostile: the message names what and where),
 * ERR_UNSUPPORTED (GGUF version, big-endian file, tensor type), ERR_NOMEM
 * (arena too small for the tables).
 */
err_code_t gguf_parse(gguf_file_t *g, const void *blob, size_t size, arena_t *arena, err_t *err);

/* Lookups by exact name; NULL when absent. */
const gguf_kv_t *gguf_find_kv(const gguf_file_t *g, const char *key);
const gguf_tensor_t *gguf_find_tensor(const gguf_file_t *g, const char *name);

/* Bytes of a fixed-size value type; 0 for STRING, ARRAY and invalid types. */
size_t gguf_value_size(uint32_t type);

/* "UINT32", "STRING", ...; "?" for an invalid type. */
const char *gguf_type_name(uint32_t type);

/*
 * Typed getters: ERR_NOT_FOUND if the key is missing, ERR_FORMAT if it has
 * another type (the message names the key and both types). Integer getters
 * accept any integer type whose value fits the requested one.
 */
err_code_t gguf_get_u32(const gguf_file_t *g, const char *key, uint32_t *out, err_t *err);
err_code_t gguf_get_u64(const gguf_file_t *g, const char *key, uint64_t *out, err_t *err);
err_code_t gguf_get_i32(const gguf_file_t *g, const char *key, int32_t *out, err_t *err);
err_code_t gguf_get_f32(const gguf_file_t *g, const char *key, float *out, err_t *err);
err_code_t gguf_get_bool(const gguf_file_t *g, const char *key, bool *out, err_t *err);
err_code_t gguf_get_str(const gguf_file_t *g, const char *key, str_view_t *out, err_t *err);
/* An array whose elements have elem_type (ERR_FORMAT otherwise). */
err_code_t gguf_get_array(const gguf_file_t *g, const char *key, gguf_type_t elem_type, const gguf_kv_t **out,
                          err_t *err);

/* Walks the elements of a parsed array in order (already validated: no bounds errors possible). */
typedef struct gguf_array_iter {
    const gguf_kv_t *kv;
    const uint8_t *next;
    uint64_t index;
} gguf_array_iter_t;

void gguf_array_begin(const gguf_kv_t *kv, gguf_array_iter_t *it);
/* The next string of a string array; false after the last. */
bool gguf_array_next_str(gguf_array_iter_t *it, str_view_t *out);
/* Element i of an array of fixed-size numbers, converted; 0 if the type is not numeric. */
double gguf_array_number(const gguf_kv_t *kv, uint64_t i);

/* Reads little-endian values from possibly unaligned memory. */
uint16_t gguf_le16(const uint8_t *p);
uint32_t gguf_le32(const uint8_t *p);
uint64_t gguf_le64(const uint8_t *p);

#endif
