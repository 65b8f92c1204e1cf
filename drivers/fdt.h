/*
 * A read-only, bounds-checked reader for flattened device tree blobs (DTB,
 * versions 16 and 17): it validates a whole blob once in fdt_open and then
 * answers lookups (paths, children, properties, reserved ranges) in place.
 * It does not modify, build or address-translate trees, and never allocates.
 *
 * Conventions for every function below:
 *  - Sizes and offsets are in bytes; cell values are big-endian 32-bit words.
 *  - A node is named by its offset (an int >= 0) into the structure block;
 *    -1 means "none". Offsets only come from this API, but a bad one given
 *    back is detected and treated as "none", never read out of bounds.
 *  - Returned pointers point into the blob: they stay valid while the blob
 *    does and must not be written through. Strings are NUL-terminated
 *    (checked by fdt_open) unless stated otherwise.
 *  - Blob fields are read byte by byte, so the blob may sit at any address
 *    and in Device memory (MMU off).
 */
#ifndef DRIVERS_FDT_H
#define DRIVERS_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/support/err.h"

#define FDT_MAGIC 0xd00dfeedu
/* Deepest node nesting accepted (the root is depth 1). */
#define FDT_MAX_DEPTH 64

/* An opened blob. Filled by fdt_open; treat the fields as private. */
typedef struct fdt {
    const uint8_t *blob;
    size_t size;                        /* header totalsize */
    size_t struct_off, struct_size;     /* structure block */
    size_t strings_off, strings_size;   /* strings block */
    size_t rsv_off, n_reserved;         /* memory reservation map */
    int root;                           /* offset of the root node */
} fdt_t;

/*
 * Opens the blob at `blob` (any alignment), of which at most max_size
 * bytes may be read; only [0, totalsize) is used afterwards. Checks the
 * header (magic, totalsize <= max_size, version >= 16 with
 * last_comp_version <= 17, every block inside totalsize, aligned and not
 * overlapping another or the header; a version 16 structure block, having
 * no size field, runs to the next block or the end) and walks every token
 * of the structure block once (names terminated, property lengths and name
 * offsets in bounds, nodes balanced and at most FDT_MAX_DEPTH deep,
 * properties before child nodes, a single root, FDT_END present).
 * Returns ERR_OK, leaving err untouched, or: ERR_INVALID (blob NULL),
 * ERR_RANGE (totalsize > max_size), ERR_UNSUPPORTED (version, or a
 * structure block of 2 GiB or more) or ERR_FORMAT (anything else), with a
 * message naming the fault and its byte offset in the blob; *fdt must then
 * not be used.
 */
err_code_t fdt_open(fdt_t *fdt, const void *blob, size_t max_size, err_t *err);

/* The blob's size in bytes (header totalsize). */
size_t fdt_total_size(const fdt_t *fdt);

/* The root node (never -1 for an opened blob). */
int fdt_root(const fdt_t *fdt);

/*
 * The node at an absolute path like "/cpus/cpu@0", or -1. A component
 * without '@' also matches a node "name@unit" (the first such child). A
 * path not starting with '/' begins with an alias from /aliases ("serial0"
 * or "serial0/child"). The _len form reads only path[0..len), which need
 * not be NUL-terminated (for "path:options" strings).
 */
int fdt_path_offset(const fdt_t *fdt, const char *path);
int fdt_path_offset_len(const fdt_t *fdt, const char *path, size_t len);

/* Tree walking; each returns a node offset or -1 when there is none. */
int fdt_first_child(const fdt_t *fdt, int node);
int fdt_next_sibling(const fdt_t *fdt, int node);
int fdt_parent(const fdt_t *fdt, int node);
/* Depth-first, document order: start from fdt_root(); -1 after the last. */
int fdt_next_node(const fdt_t *fdt, int node);

/* The node's name with its unit address ("cpu@0"; "" for the root). */
const char *fdt_node_name(const fdt_t *fdt, int node);

/*
 * The value of property `name` of `node` and its length in bytes
 * (*len_bytes, if not NULL); NULL if the node has no such property. The
 * value is not necessarily aligned or NUL-terminated.
 */
const void *fdt_prop(const fdt_t *fdt, int node, const char *name,
                     size_t *len_bytes);

/*
 * The property as a string: NULL if absent, empty-valued or not
 * NUL-terminated within its length. For a string list, the first string.
 */
const char *fdt_prop_string(const fdt_t *fdt, int node, const char *name);

/*
 * Whether property `name` is a list of NUL-terminated strings (one string
 * being the common case) of which one equals `value`, as "compatible" is
 * tested. False if absent or malformed.
 */
bool fdt_prop_string_is(const fdt_t *fdt, int node, const char *name,
                        const char *value);

/*
 * Reads the n_cells-cell (1 or 2) big-endian number starting at 32-bit cell
 * `index` of the len-byte value p into *out. False (and *out untouched) if
 * n_cells is not 1 or 2 or the cells do not lie within len.
 */
bool fdt_read_cells(const void *p, size_t len, size_t index, uint32_t n_cells,
                    uint64_t *out);

/* The memory reservation map (/memreserve/), without its terminator. */
size_t fdt_reserved_count(const fdt_t *fdt);
/* Entry i's base and size in bytes; false if i >= fdt_reserved_count(). */
bool fdt_reserved_get(const fdt_t *fdt, size_t i, uint64_t *base,
                      uint64_t *size);

#endif
