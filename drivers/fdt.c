/*
 * Flattened device tree reader: fdt_open checks a blob's header, block
 * layout and every structure token once, so the lookups after it can walk
 * the tree without re-validating it (they still never step outside the
 * blocks). It only reads; building trees and translating bus addresses
 * through "ranges" are left to others.
 */
#include "drivers/fdt.h"

#include "llm/platform.h"

enum {
    TOK_BEGIN_NODE = 1,
    TOK_END_NODE = 2,
    TOK_PROP = 3,
    TOK_NOP = 4,
    TOK_END = 9,
};

/* Byte offsets of the header fields (all big-endian 32-bit). */
enum {
    HDR_MAGIC = 0,
    HDR_TOTALSIZE = 4,
    HDR_OFF_STRUCT = 8,
    HDR_OFF_STRINGS = 12,
    HDR_OFF_RSVMAP = 16,
    HDR_VERSION = 20,
    HDR_LAST_COMP = 24,
    HDR_SIZE_STRINGS = 32,
    HDR_SIZE_STRUCT = 36,
    HDR_SIZE_V16 = 36,
    HDR_SIZE_V17 = 40,
};

#define RSV_ENTRY_SIZE 16u

/* One decoded structure-block token. */
typedef struct token {
    uint32_t tag;
    size_t next;          /* structure offset of the token after this one */
    const char *name;     /* BEGIN_NODE: node name; PROP: property name */
    const uint8_t *data;  /* PROP: value */
    size_t len;           /* PROP: value length in bytes */
} token_t;

/* A block of the blob, for the layout checks. */
typedef struct block {
    const char *what;
    size_t off, size;
} block_t;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static size_t align4(size_t n)
{
    return (n + 3u) & ~(size_t)3u;
}

/*
 * Decodes the token at structure offset off. Everything it hands back lies
 * inside the structure and strings blocks; anything else is an error whose
 * message gives the blob offset (err may be NULL for quiet lookups).
 */
static err_code_t read_token(const fdt_t *f, size_t off, token_t *t,
                             err_t *err)
{
    const uint8_t *s = f->blob + f->struct_off;
    size_t at = f->struct_off + off, room, n;
    uint32_t nameoff;

    if ((off & 3u) != 0 || off > f->struct_size || f->struct_size - off < 4)
        return err_set(err, ERR_FORMAT,
                       "device tree: structure block ends without FDT_END "
                       "at byte %zu", at);
    t->tag = be32(s + off);
    room = f->struct_size - off - 4;
    t->next = off + 4;
    switch (t->tag) {
    case TOK_BEGIN_NODE:
        t->name = (const char *)(s + off + 4);
        n = strnlen(t->name, room);
        if (n == room)
            return err_set(err, ERR_FORMAT,
                           "device tree: node name at byte %zu is not "
                           "terminated", at + 4);
        t->next += align4(n + 1);
        return ERR_OK;
    case TOK_PROP:
        if (room < 8)
            return err_set(err, ERR_FORMAT,
                           "device tree: property header at byte %zu runs "
                           "past the structure block", at);
        t->len = be32(s + off + 4);
        nameoff = be32(s + off + 8);
        if (t->len > room - 8)
            return err_set(err, ERR_FORMAT,
                           "device tree: property at byte %zu: length %zu "
                           "runs past the structure block", at, t->len);
        if (nameoff >= f->strings_size)
            return err_set(err, ERR_FORMAT,
                           "device tree: property at byte %zu: name offset "
                           "%u is outside the %zu-byte strings block", at,
                           (unsigned)nameoff, f->strings_size);
        t->name = (const char *)(f->blob + f->strings_off + nameoff);
        if (strnlen(t->name, f->strings_size - nameoff) ==
            f->strings_size - nameoff)
            return err_set(err, ERR_FORMAT,
                           "device tree: property at byte %zu: name at "
                           "strings offset %u is not terminated", at,
                           (unsigned)nameoff);
        t->data = s + off + 12;
        t->next += 8 + align4(t->len);
        return ERR_OK;
    case TOK_END_NODE:
    case TOK_NOP:
    case TOK_END:
        return ERR_OK;
    default:
        return err_set(err, ERR_FORMAT,
                       "device tree: unknown token 0x%08x at byte %zu",
                       (unsigned)t->tag, at);
    }
}

/* Walks the whole structure block once; see fdt_open for what it checks. */
static err_code_t check_struct(fdt_t *f, err_t *err)
{
    token_t t;
    size_t off, at;
    int depth = 0;
    bool root_done = false, after_child = false;
    err_code_t rc;

    /* Terminates: every token advances off, and read_token fails past the
     * end of the structure block. */
    for (off = 0;; off = t.next) {
        rc = read_token(f, off, &t, err);
        if (rc != ERR_OK)
            return rc;
        at = f->struct_off + off;
        switch (t.tag) {
        case TOK_BEGIN_NODE:
            if (root_done)
                return err_set(err, ERR_FORMAT,
                               "device tree: second root node at byte %zu",
                               at);
            if (depth == FDT_MAX_DEPTH)
                return err_set(err, ERR_FORMAT,
                               "device tree: nodes nested deeper than %d at "
                               "byte %zu", FDT_MAX_DEPTH, at);
            if (depth++ == 0)
                f->root = (int)off;
            after_child = false;
            break;
        case TOK_END_NODE:
            if (depth == 0)
                return err_set(err, ERR_FORMAT,
                               "device tree: END_NODE without a BEGIN_NODE "
                               "at byte %zu", at);
            root_done = --depth == 0;
            after_child = true;
            break;
        case TOK_PROP:
            if (depth == 0)
                return err_set(err, ERR_FORMAT,
                               "device tree: property outside any node at "
                               "byte %zu", at);
            if (after_child)
                return err_set(err, ERR_FORMAT,
                               "device tree: property after a child node at "
                               "byte %zu", at);
            break;
        case TOK_END:
            if (depth != 0)
                return err_set(err, ERR_FORMAT,
                               "device tree: FDT_END at byte %zu inside %d "
                               "open node(s)", at, depth);
            if (!root_done)
                return err_set(err, ERR_FORMAT,
                               "device tree: no root node before FDT_END at "
                               "byte %zu", at);
            return ERR_OK;
        default: /* TOK_NOP */
            break;
        }
    }
}

/* Checks that a block lies inside [hdr, total) and is aligned. */
static err_code_t check_block(const block_t *b, size_t field, size_t align,
                              size_t hdr, size_t total, err_t *err)
{
    if (b->off % align != 0)
        return err_set(err, ERR_FORMAT,
                       "device tree: %s block offset %zu (byte %zu) is not "
                       "%zu-byte aligned", b->what, b->off, field, align);
    if (b->off < hdr)
        return err_set(err, ERR_FORMAT,
                       "device tree: %s block offset %zu (byte %zu) overlaps "
                       "the header", b->what, b->off, field);
    if (b->off > total || b->size > total - b->off)
        return err_set(err, ERR_FORMAT,
                       "device tree: %s block at byte %zu (%zu bytes) runs "
                       "past totalsize %zu", b->what, b->off, b->size, total);
    return ERR_OK;
}

/*
 * Counts the reservation map's entries up to its (0, 0) terminator, which
 * must lie inside totalsize.
 */
static err_code_t count_reserved(fdt_t *f, err_t *err)
{
    size_t off = f->rsv_off;

    while (off <= f->size && f->size - off >= RSV_ENTRY_SIZE) {
        if (be64(f->blob + off) == 0 && be64(f->blob + off + 8) == 0)
            return ERR_OK;
        f->n_reserved++;
        off += RSV_ENTRY_SIZE;
    }
    return err_set(err, ERR_FORMAT,
                   "device tree: memory reservation map at byte %zu has no "
                   "terminating entry within totalsize %zu", f->rsv_off,
                   f->size);
}

/*
 * Version 16 headers have no structure size: the block runs up to the
 * next block or the end of the blob.
 */
static size_t v16_struct_size(size_t off, size_t strings_off, size_t rsv_off,
                              size_t total)
{
    size_t end = total;

    if (strings_off > off && strings_off < end)
        end = strings_off;
    if (rsv_off > off && rsv_off < end)
        end = rsv_off;
    return off <= end ? end - off : 0;
}

static err_code_t check_layout(fdt_t *f, size_t hdr, err_t *err)
{
    block_t blk[3] = {
        {"structure", f->struct_off, f->struct_size},
        {"strings", f->strings_off, f->strings_size},
        {"memory reservation map", f->rsv_off, RSV_ENTRY_SIZE},
    };
    static const size_t field[3] = {HDR_OFF_STRUCT, HDR_OFF_STRINGS,
                                    HDR_OFF_RSVMAP};
    static const size_t align[3] = {4, 1, 8};
    size_t i, j;
    err_code_t rc;

    for (i = 0; i < 3; i++) {
        rc = check_block(&blk[i], field[i], align[i], hdr, f->size, err);
        if (rc != ERR_OK)
            return rc;
    }
    rc = count_reserved(f, err);
    if (rc != ERR_OK)
        return rc;
    blk[2].size = (f->n_reserved + 1) * RSV_ENTRY_SIZE;
    for (i = 0; i < 3; i++) {
        for (j = i + 1; j < 3; j++) {
            if (blk[i].size == 0 || blk[j].size == 0 ||
                blk[i].off >= blk[j].off + blk[j].size ||
                blk[j].off >= blk[i].off + blk[i].size)
                continue;
            return err_set(err, ERR_FORMAT,
                           "device tree: %s block (byte %zu, %zu bytes) "
                           "overlaps the %s block (byte %zu, %zu bytes)",
                           blk[i].what, blk[i].off, blk[i].size, blk[j].what,
                           blk[j].off, blk[j].size);
        }
    }
    if (f->struct_size > (size_t)INT32_MAX)
        return err_set(err, ERR_UNSUPPORTED,
                       "device tree: structure block of %zu bytes is too "
                       "large", f->struct_size);
    return ERR_OK;
}

err_code_t fdt_open(fdt_t *f, const void *blob, size_t max_size, err_t *err)
{
    const uint8_t *b = blob;
    uint32_t magic, version, last_comp;
    size_t hdr;

    memset(f, 0, sizeof *f);
    f->root = -1;
    if (b == NULL)
        return err_set(err, ERR_INVALID, "device tree: no blob");
    if (max_size < HDR_SIZE_V17)
        return err_set(err, ERR_FORMAT,
                       "device tree: a %zu-byte buffer cannot hold a header",
                       max_size);
    magic = be32(b + HDR_MAGIC);
    if (magic != FDT_MAGIC)
        return err_set(err, ERR_FORMAT,
                       "device tree: bad magic 0x%08x at byte 0 (want "
                       "0x%08x)", (unsigned)magic, FDT_MAGIC);
    version = be32(b + HDR_VERSION);
    last_comp = be32(b + HDR_LAST_COMP);
    if (version < 16)
        return err_set(err, ERR_UNSUPPORTED,
                       "device tree: version %u (byte %d) is older than 16",
                       (unsigned)version, HDR_VERSION);
    if (last_comp > 17)
        return err_set(err, ERR_UNSUPPORTED,
                       "device tree: last compatible version %u (byte %d) "
                       "is newer than 17", (unsigned)last_comp, HDR_LAST_COMP);
    f->blob = b;
    f->size = be32(b + HDR_TOTALSIZE);
    hdr = version >= 17 ? HDR_SIZE_V17 : HDR_SIZE_V16;
    if (f->size > max_size)
        return err_set(err, ERR_RANGE,
                       "device tree: totalsize %zu (byte %d) exceeds the "
                       "%zu-byte buffer", f->size, HDR_TOTALSIZE, max_size);
    if (f->size < hdr)
        return err_set(err, ERR_FORMAT,
                       "device tree: totalsize %zu (byte %d) is smaller than "
                       "the header", f->size, HDR_TOTALSIZE);
    f->struct_off = be32(b + HDR_OFF_STRUCT);
    f->strings_off = be32(b + HDR_OFF_STRINGS);
    f->strings_size = be32(b + HDR_SIZE_STRINGS);
    f->rsv_off = be32(b + HDR_OFF_RSVMAP);
    f->struct_size = version >= 17 ? be32(b + HDR_SIZE_STRUCT)
                                   : v16_struct_size(f->struct_off,
                                                     f->strings_off,
                                                     f->rsv_off, f->size);
    err_code_t rc = check_layout(f, hdr, err);
    if (rc == ERR_OK)
        rc = check_struct(f, err);
    return rc;
}

size_t fdt_total_size(const fdt_t *f)
{
    return f->size;
}

int fdt_root(const fdt_t *f)
{
    return f->root;
}

/* Decodes node's BEGIN_NODE token; false if node is not one. */
static bool node_token(const fdt_t *f, int node, token_t *t)
{
    return node >= 0 && read_token(f, (size_t)node, t, NULL) == ERR_OK &&
           t->tag == TOK_BEGIN_NODE;
}

/*
 * From structure offset off, skips properties and NOPs; returns the offset
 * of the node that comes next, or -1 if an END_NODE or FDT_END does.
 */
static int node_here(const fdt_t *f, size_t off)
{
    token_t t;

    for (; read_token(f, off, &t, NULL) == ERR_OK; off = t.next) {
        if (t.tag == TOK_BEGIN_NODE)
            return (int)off;
        if (t.tag != TOK_PROP && t.tag != TOK_NOP)
            return -1;
    }
    return -1;
}

int fdt_first_child(const fdt_t *f, int node)
{
    token_t t;

    return node_token(f, node, &t) ? node_here(f, t.next) : -1;
}

int fdt_next_sibling(const fdt_t *f, int node)
{
    token_t t;
    size_t off = (size_t)node;
    size_t depth = 0;

    if (!node_token(f, node, &t))
        return -1;
    for (; read_token(f, off, &t, NULL) == ERR_OK; off = t.next) {
        if (t.tag == TOK_BEGIN_NODE)
            depth++;
        else if (t.tag == TOK_END_NODE && --depth == 0)
            return node_here(f, t.next);
        else if (t.tag == TOK_END)
            return -1;
    }
    return -1;
}

int fdt_next_node(const fdt_t *f, int node)
{
    token_t t;
    size_t off;

    if (!node_token(f, node, &t))
        return -1;
    for (off = t.next; read_token(f, off, &t, NULL) == ERR_OK; off = t.next) {
        if (t.tag == TOK_BEGIN_NODE)
            return (int)off;
        if (t.tag == TOK_END)
            return -1;
    }
    return -1;
}

int fdt_parent(const fdt_t *f, int node)
{
    int stack[FDT_MAX_DEPTH];
    size_t depth = 0, off = (size_t)f->root;
    token_t t;

    if (node < 0 || f->root < 0)
        return -1;
    for (; off <= (size_t)node && read_token(f, off, &t, NULL) == ERR_OK;
         off = t.next) {
        if (t.tag == TOK_BEGIN_NODE) {
            if (off == (size_t)node)
                return depth > 0 ? stack[depth - 1] : -1;
            if (depth == FDT_MAX_DEPTH)
                return -1;
            stack[depth++] = (int)off;
        } else if (t.tag == TOK_END_NODE) {
            if (depth-- == 0)
                return -1;
        } else if (t.tag == TOK_END) {
            return -1;
        }
    }
    return -1;
}

const char *fdt_node_name(const fdt_t *f, int node)
{
    token_t t;

    return node_token(f, node, &t) ? t.name : NULL;
}

/* Whether the terminated string s starts with p[0..n). */
static bool has_prefix(const char *s, const char *p, size_t n)
{
    return strnlen(s, n) == n && memcmp(s, p, n) == 0;
}

/* Property lookup with a name that need not be NUL-terminated. */
static const void *find_prop(const fdt_t *f, int node, const char *name,
                             size_t name_len, size_t *len_bytes)
{
    token_t t;
    size_t off;

    if (!node_token(f, node, &t))
        return NULL;
    for (off = t.next; read_token(f, off, &t, NULL) == ERR_OK; off = t.next) {
        if (t.tag == TOK_PROP && has_prefix(t.name, name, name_len) &&
            t.name[name_len] == '\0') {
            if (len_bytes != NULL)
                *len_bytes = t.len;
            return t.data;
        }
        if (t.tag != TOK_PROP && t.tag != TOK_NOP)
            return NULL;
    }
    return NULL;
}

const void *fdt_prop(const fdt_t *f, int node, const char *name,
                     size_t *len_bytes)
{
    return find_prop(f, node, name, strlen(name), len_bytes);
}

/*
 * A string(-list) property, NULL unless non-empty and ending in NUL; its
 * length in *len.
 */
static const char *find_string(const fdt_t *f, int node, const char *name,
                               size_t name_len, size_t *len)
{
    const char *s = find_prop(f, node, name, name_len, len);

    return s != NULL && *len > 0 && s[*len - 1] == '\0' ? s : NULL;
}

const char *fdt_prop_string(const fdt_t *f, int node, const char *name)
{
    size_t len;

    return find_string(f, node, name, strlen(name), &len);
}

bool fdt_prop_string_is(const fdt_t *f, int node, const char *name,
                        const char *value)
{
    size_t len, pos, n, want = strlen(value);
    const char *s = find_string(f, node, name, strlen(name), &len);

    if (s == NULL)
        return false;
    /* Each string ends before len because s[len - 1] is NUL. */
    for (pos = 0; pos < len; pos += n + 1) {
        n = strnlen(s + pos, len - pos);
        if (n == want && memcmp(s + pos, value, n) == 0)
            return true;
    }
    return false;
}

bool fdt_read_cells(const void *p, size_t len, size_t index, uint32_t n_cells,
                    uint64_t *out)
{
    const uint8_t *b = p;

    if (p == NULL || n_cells < 1 || n_cells > 2 || index > len / 4 ||
        len / 4 - index < n_cells)
        return false;
    b += index * 4;
    *out = n_cells == 2 ? be64(b) : be32(b);
    return true;
}

size_t fdt_reserved_count(const fdt_t *f)
{
    return f->n_reserved;
}

bool fdt_reserved_get(const fdt_t *f, size_t i, uint64_t *base,
                      uint64_t *size)
{
    const uint8_t *e;

    if (i >= f->n_reserved)
        return false;
    e = f->blob + f->rsv_off + i * RSV_ENTRY_SIZE;
    *base = be64(e);
    *size = be64(e + 8);
    return true;
}

/* Whether node name matches path component comp[0..n) (see fdt.h). */
static bool name_matches(const char *name, const char *comp, size_t n)
{
    size_t i;

    if (!has_prefix(name, comp, n))
        return false;
    if (name[n] == '\0')
        return true;
    for (i = 0; i < n; i++) {
        if (comp[i] == '@')
            return false;
    }
    return name[n] == '@';
}

static int find_child(const fdt_t *f, int node, const char *comp, size_t n)
{
    int child;

    for (child = fdt_first_child(f, node); child >= 0;
         child = fdt_next_sibling(f, child)) {
        if (name_matches(fdt_node_name(f, child), comp, n))
            return child;
    }
    return -1;
}

/* Length of the path component at p, up to '/' or end. */
static size_t component_len(const char *p, size_t len)
{
    size_t n = 0;

    while (n < len && p[n] != '/')
        n++;
    return n;
}

/* The node alias[0..n) of /aliases names, or -1. */
static int alias_node(const fdt_t *f, const char *alias, size_t n)
{
    int aliases = find_child(f, f->root, "aliases", 7);
    size_t len;
    const char *target = find_string(f, aliases, alias, n, &len);

    /* Aliases name absolute paths, so this recurses at most once. */
    if (target == NULL || target[0] != '/')
        return -1;
    return fdt_path_offset(f, target);
}

int fdt_path_offset_len(const fdt_t *f, const char *path, size_t len)
{
    size_t pos = 0, n;
    int node;

    if (len == 0)
        return -1;
    if (path[0] == '/') {
        node = f->root;
    } else {
        pos = component_len(path, len);
        node = alias_node(f, path, pos);
    }
    while (node >= 0 && pos < len) {
        if (path[pos] == '/') {
            pos++;
            continue;
        }
        n = component_len(path + pos, len - pos);
        node = find_child(f, node, path + pos, n);
        pos += n;
    }
    return node;
}

int fdt_path_offset(const fdt_t *f, const char *path)
{
    return fdt_path_offset_len(f, path, strlen(path));
}
