/*
 * A tiny device tree blob writer for tests: it lays out a version 17 DTB
 * (header, reservation map, structure block, strings block, in that order
 * and with no gaps) in a caller's buffer, plus helpers to patch the result
 * into hostile shapes. It does not check that what it is told to write is
 * a sensible tree: unbalanced nodes are written as asked, on purpose.
 */
#ifndef TESTS_DTB_BUILDER_H
#define TESTS_DTB_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Byte offsets of the header fields, for patching. */
enum {
    DTB_HDR_MAGIC = 0,
    DTB_HDR_TOTALSIZE = 4,
    DTB_HDR_OFF_STRUCT = 8,
    DTB_HDR_OFF_STRINGS = 12,
    DTB_HDR_OFF_RSVMAP = 16,
    DTB_HDR_VERSION = 20,
    DTB_HDR_LAST_COMP = 24,
    DTB_HDR_BOOT_CPUID = 28,
    DTB_HDR_SIZE_STRINGS = 32,
    DTB_HDR_SIZE_STRUCT = 36,
    DTB_HDR_SIZE = 40,
};

#define DTB_STRINGS_MAX 512

typedef struct dtb_builder {
    uint8_t *buf;
    size_t cap, len;      /* buffer capacity and bytes written so far */
    size_t struct_off;    /* 0 until the reservation map is closed */
    char strings[DTB_STRINGS_MAX];
    size_t strings_len;
    bool overflow;        /* something did not fit: dtb_finish returns 0 */
} dtb_builder_t;

/* Starts a blob in buf[0..cap). */
void dtb_init(dtb_builder_t *b, void *buf, size_t cap);
/* Adds a /memreserve/ entry; only before the first node. */
void dtb_reserve(dtb_builder_t *b, uint64_t base, uint64_t size);
void dtb_begin_node(dtb_builder_t *b, const char *name);
void dtb_end_node(dtb_builder_t *b);
/* A property with an arbitrary value of len bytes. */
void dtb_prop(dtb_builder_t *b, const char *name, const void *data,
              size_t len);
void dtb_prop_u32(dtb_builder_t *b, const char *name, uint32_t v);
void dtb_prop_u64(dtb_builder_t *b, const char *name, uint64_t v);
void dtb_prop_str(dtb_builder_t *b, const char *name, const char *s);
/* n big-endian 32-bit cells. */
void dtb_prop_cells(dtb_builder_t *b, const char *name, const uint32_t *cells,
                    size_t n);
/* A string literal with its final NUL, e.g. a list "a\0b". */
#define DTB_PROP_LIT(b, name, lit) dtb_prop((b), (name), (lit), sizeof(lit))
/* Writes one raw 32-bit word into the structure block. */
void dtb_raw_u32(dtb_builder_t *b, uint32_t v);
/* The blob offset where the next token will go (after dtb_begin_node). */
size_t dtb_mark(const dtb_builder_t *b);
/* Writes FDT_END, the strings and the header; the blob size, 0 if full. */
size_t dtb_finish(dtb_builder_t *b);

/* Big-endian access to a finished blob, for patching. */
void dtb_put_be32(void *blob, size_t off, uint32_t v);
uint32_t dtb_get_be32(const void *blob, size_t off);
/* Offset of the first occurrence of needle[0..n) in blob, or SIZE_MAX. */
size_t dtb_find(const void *blob, size_t size, const void *needle, size_t n);

#endif
