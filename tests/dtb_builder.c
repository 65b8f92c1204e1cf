/*
 * Test-only DTB writer (see dtb_builder.h): appends tokens to the caller's
 * buffer as they come and keeps the strings aside until dtb_finish. It is
 * hosted code for the unit tests, never linked into the kernel.
 */
#include "tests/dtb_builder.h"

#include <string.h>

enum { TOK_BEGIN_NODE = 1, TOK_END_NODE = 2, TOK_PROP = 3, TOK_END = 9 };

static void put(dtb_builder_t *b, const void *data, size_t n)
{
    if (b->overflow || b->cap - b->len < n) {
        b->overflow = true;
        return;
    }
    memcpy(b->buf + b->len, data, n);
    b->len += n;
}

static void put_be32(dtb_builder_t *b, uint32_t v)
{
    uint8_t w[4];

    dtb_put_be32(w, 0, v);
    put(b, w, 4);
}

static void pad4(dtb_builder_t *b)
{
    static const uint8_t zero[3];

    put(b, zero, (4 - b->len % 4) % 4);
}

/* Closes the reservation map (writes its terminator) on first use. */
static void open_struct(dtb_builder_t *b)
{
    static const uint8_t terminator[16];

    if (b->struct_off != 0)
        return;
    put(b, terminator, sizeof terminator);
    b->struct_off = b->len;
}

/* The strings-block offset of name, adding it if new. */
static uint32_t string_off(dtb_builder_t *b, const char *name)
{
    size_t off, n = strlen(name) + 1;

    for (off = 0; off < b->strings_len; off += strlen(b->strings + off) + 1) {
        if (strcmp(b->strings + off, name) == 0)
            return (uint32_t)off;
    }
    if (DTB_STRINGS_MAX - b->strings_len < n) {
        b->overflow = true;
        return 0;
    }
    memcpy(b->strings + b->strings_len, name, n);
    b->strings_len += n;
    return (uint32_t)off;
}

void dtb_init(dtb_builder_t *b, void *buf, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->buf = buf;
    b->cap = cap;
    b->overflow = cap < DTB_HDR_SIZE;
    if (!b->overflow) {
        memset(buf, 0, DTB_HDR_SIZE);
        b->len = DTB_HDR_SIZE;
    }
}

void dtb_reserve(dtb_builder_t *b, uint64_t base, uint64_t size)
{
    if (b->struct_off != 0) {
        b->overflow = true; /* misuse: the map is already closed */
        return;
    }
    put_be32(b, (uint32_t)(base >> 32));
    put_be32(b, (uint32_t)base);
    put_be32(b, (uint32_t)(size >> 32));
    put_be32(b, (uint32_t)size);
}

void dtb_begin_node(dtb_builder_t *b, const char *name)
{
    open_struct(b);
    put_be32(b, TOK_BEGIN_NODE);
    put(b, name, strlen(name) + 1);
    pad4(b);
}

void dtb_end_node(dtb_builder_t *b)
{
    dtb_raw_u32(b, TOK_END_NODE);
}

void dtb_prop(dtb_builder_t *b, const char *name, const void *data,
              size_t len)
{
    uint32_t nameoff = string_off(b, name);

    open_struct(b);
    put_be32(b, TOK_PROP);
    put_be32(b, (uint32_t)len);
    put_be32(b, nameoff);
    put(b, data, len);
    pad4(b);
}

void dtb_prop_u32(dtb_builder_t *b, const char *name, uint32_t v)
{
    dtb_prop_cells(b, name, &v, 1);
}

void dtb_prop_u64(dtb_builder_t *b, const char *name, uint64_t v)
{
    uint32_t cells[2] = {(uint32_t)(v >> 32), (uint32_t)v};

    dtb_prop_cells(b, name, cells, 2);
}

void dtb_prop_str(dtb_builder_t *b, const char *name, const char *s)
{
    dtb_prop(b, name, s, strlen(s) + 1);
}

void dtb_prop_cells(dtb_builder_t *b, const char *name, const uint32_t *cells,
                    size_t n)
{
    uint8_t v[256];
    size_t i;

    if (n > sizeof v / 4) {
        b->overflow = true;
        return;
    }
    for (i = 0; i < n; i++)
        dtb_put_be32(v, i * 4, cells[i]);
    dtb_prop(b, name, v, n * 4);
}

void dtb_raw_u32(dtb_builder_t *b, uint32_t v)
{
    open_struct(b);
    put_be32(b, v);
}

size_t dtb_mark(const dtb_builder_t *b)
{
    return b->len;
}

size_t dtb_finish(dtb_builder_t *b)
{
    size_t strings_off;

    dtb_raw_u32(b, TOK_END);
    strings_off = b->len;
    put(b, b->strings, b->strings_len);
    if (b->overflow)
        return 0;
    dtb_put_be32(b->buf, DTB_HDR_MAGIC, 0xd00dfeedu);
    dtb_put_be32(b->buf, DTB_HDR_TOTALSIZE, (uint32_t)b->len);
    dtb_put_be32(b->buf, DTB_HDR_OFF_STRUCT, (uint32_t)b->struct_off);
    dtb_put_be32(b->buf, DTB_HDR_OFF_STRINGS, (uint32_t)strings_off);
    dtb_put_be32(b->buf, DTB_HDR_OFF_RSVMAP, DTB_HDR_SIZE);
    dtb_put_be32(b->buf, DTB_HDR_VERSION, 17);
    dtb_put_be32(b->buf, DTB_HDR_LAST_COMP, 16);
    dtb_put_be32(b->buf, DTB_HDR_BOOT_CPUID, 0);
    dtb_put_be32(b->buf, DTB_HDR_SIZE_STRINGS, (uint32_t)b->strings_len);
    dtb_put_be32(b->buf, DTB_HDR_SIZE_STRUCT,
                 (uint32_t)(strings_off - b->struct_off));
    return b->len;
}

void dtb_put_be32(void *blob, size_t off, uint32_t v)
{
    uint8_t *p = (uint8_t *)blob + off;

    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint32_t dtb_get_be32(const void *blob, size_t off)
{
    const uint8_t *p = (const uint8_t *)blob + off;

    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

size_t dtb_find(const void *blob, size_t size, const void *needle, size_t n)
{
    const uint8_t *p = blob;
    size_t i;

    for (i = 0; n <= size && i <= size - n; i++) {
        if (memcmp(p + i, needle, n) == 0)
            return i;
    }
    return SIZE_MAX;
}
