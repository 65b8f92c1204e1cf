/*
 * GGUF parsing (see gguf.h). A bounds-checked reader walks the header, the
 * metadata and the tensor infos once; then the tensor data ranges are checked
 * against the file, the alignment and each other. File layout per ggml's
 * docs/gguf.md.
 */
#include "llm/gguf/gguf.h"

#include "llm/support/escape.h"
#include "llm/support/fmt.h"
#include "llm/support/sort.h"

#define NAME_IN_MSG 48 /* bytes of a key or tensor name quoted in messages */
#define NAME_BUF ESC_BUF_BYTES(NAME_IN_MSG)

typedef struct reader {
    const uint8_t *p;
    size_t size;
    size_t pos;
    err_t *err;
} reader_t;

uint16_t gguf_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t gguf_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t gguf_le64(const uint8_t *p)
{
    return (uint64_t)gguf_le32(p) | (uint64_t)gguf_le32(p + 4) << 32;
}

/* A name made safe to print (esc_text): at most NAME_IN_MSG source bytes. */
static const char *printable(str_view_t s, char buf[NAME_BUF])
{
    return esc_text(buf, NAME_BUF, s.ptr, s.len, NAME_IN_MSG);
}

static bool need(reader_t *r, uint64_t n, const char *what)
{
    if (n <= r->size - r->pos)
        return true;
    err_set(r->err, ERR_FORMAT, "gguf: %s at byte %zu needs %llu bytes but the %zu-byte file has %zu left", what,
            r->pos, (unsigned long long)n, r->size, r->size - r->pos);
    return false;
}

static bool read_u32(reader_t *r, uint32_t *v, const char *what)
{
    if (!need(r, 4, what))
        return false;
    *v = gguf_le32(r->p + r->pos);
    r->pos += 4;
    return true;
}

static bool read_u64(reader_t *r, uint64_t *v, const char *what)
{
    if (!need(r, 8, what))
        return false;
    *v = gguf_le64(r->p + r->pos);
    r->pos += 8;
    return true;
}

static bool read_str(reader_t *r, str_view_t *s, const char *what)
{
    size_t start = r->pos;
    uint64_t len;
    if (!read_u64(r, &len, what))
        return false;
    if (len > r->size - r->pos) {
        err_set(r->err, ERR_FORMAT, "gguf: %s at byte %zu has length %llu, past the end of the %zu-byte file", what,
                start, (unsigned long long)len, r->size);
        return false;
    }
    *s = (str_view_t){ (const char *)r->p + r->pos, (size_t)len };
    r->pos += (size_t)len;
    return true;
}

static const char *const type_names[GGUF_TYPE_COUNT] = {
    "UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32",
    "BOOL",  "STRING", "ARRAY", "UINT64", "INT64", "FLOAT64",
};

const char *gguf_type_name(uint32_t type)
{
    return type < GGUF_TYPE_COUNT ? type_names[type] : "?";
}

size_t gguf_value_size(uint32_t type)
{
    static const uint8_t sizes[GGUF_TYPE_COUNT] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };
    return type < GGUF_TYPE_COUNT ? sizes[type] : 0;
}

/* Checks and steps over one value of the given type; key names the entry in messages. */
static bool skip_value(reader_t *r, uint32_t type, unsigned depth, const char *key)
{
    if (type >= GGUF_TYPE_COUNT) {
        err_set(r->err, ERR_FORMAT, "gguf: key '%s': invalid value type %u at byte %zu", key, type, r->pos);
        return false;
    }
    if (gguf_value_size(type))
        return need(r, gguf_value_size(type), "a metadata value") && (r->pos += gguf_value_size(type), true);
    if (type == GGUF_TYPE_STRING) {
        str_view_t s;
        return read_str(r, &s, "a metadata string");
    }
    size_t at = r->pos;
    uint32_t elem;
    uint64_t n;
    if (!read_u32(r, &elem, "an array element type") || !read_u64(r, &n, "an array length"))
        return false;
    if (elem >= GGUF_TYPE_COUNT) {
        err_set(r->err, ERR_FORMAT, "gguf: key '%s': array at byte %zu has invalid element type %u", key, at, elem);
        return false;
    }
    if (elem == GGUF_TYPE_ARRAY && depth >= GGUF_MAX_ARRAY_NESTING) {
        err_set(r->err, ERR_FORMAT, "gguf: key '%s': arrays nested more than %d deep at byte %zu", key,
                GGUF_MAX_ARRAY_NESTING, at);
        return false;
    }
    /* The smallest possible element bounds the count before any loop. */
    size_t min_elem = gguf_value_size(elem) ? gguf_value_size(elem) : elem == GGUF_TYPE_STRING ? 8 : 12;
    if (n > (r->size - r->pos) / min_elem) {
        err_set(r->err, ERR_FORMAT,
                "gguf: key '%s': array at byte %zu claims %llu %s elements, more than the %zu bytes left can hold",
                key, at, (unsigned long long)n, gguf_type_name(elem), r->size - r->pos);
        return false;
    }
    if (gguf_value_size(elem)) {
        r->pos += (size_t)n * gguf_value_size(elem);
        return true;
    }
    for (uint64_t i = 0; i < n; i++) {
        if (!skip_value(r, elem, depth + 1, key))
            return false;
    }
    return true;
}

static str_view_t kv_key(const void *ctx, uint32_t i)
{
    return ((const gguf_file_t *)ctx)->kv[i].key;
}

static str_view_t tensor_name(const void *ctx, uint32_t i)
{
    return ((const gguf_file_t *)ctx)->tensors[i].name;
}

static err_code_t parse_header(gguf_file_t *g, reader_t *r)
{
    uint32_t magic;
    if (!read_u32(r, &magic, "the magic number"))
        return ERR_FORMAT;
    if (magic != GGUF_MAGIC)
        return err_set(r->err, ERR_FORMAT, "gguf: not a GGUF file (magic 0x%08x at byte 0, expected \"GGUF\")", magic);
    if (!read_u32(r, &g->version, "the version"))
        return ERR_FORMAT;
    uint32_t swapped = __builtin_bswap32(g->version);
    if (g->version != 2 && g->version != 3) {
        if (swapped >= 1 && swapped <= 3)
            return err_set(r->err, ERR_UNSUPPORTED,
                           "gguf: big-endian GGUF (version %u byte-swapped at byte 4) is not supported", swapped);
        return err_set(r->err, ERR_UNSUPPORTED, "gguf: version %u at byte 4 is not supported (only 2 and 3)",
                       g->version);
    }
    if (!read_u64(r, &g->n_tensors, "the tensor count") || !read_u64(r, &g->n_kv, "the metadata count"))
        return ERR_FORMAT;
    /* Each entry takes at least 13 bytes, each tensor info at least 32. */
    uint64_t left = r->size - r->pos;
    if (g->n_kv > left / 13)
        return err_set(r->err, ERR_FORMAT, "gguf: metadata count %llu at byte 16 is more than the file can hold",
                       (unsigned long long)g->n_kv);
    if (g->n_tensors > left / 32)
        return err_set(r->err, ERR_FORMAT, "gguf: tensor count %llu at byte 8 is more than the file can hold",
                       (unsigned long long)g->n_tensors);
    return ERR_OK;
}

static err_code_t parse_metadata(gguf_file_t *g, reader_t *r, arena_t *arena)
{
    char name[NAME_BUF];
    g->kv = g->n_kv ? arena_alloc_array(arena, (size_t)g->n_kv, sizeof *g->kv, 0, r->err) : NULL;
    if (g->n_kv && !g->kv)
        return ERR_NOMEM;
    if (str_index_init(&g->kv_index, (size_t)g->n_kv, kv_key, g, arena, r->err) != ERR_OK)
        return ERR_NOMEM;
    for (uint64_t i = 0; i < g->n_kv; i++) {
        gguf_kv_t *kv = &g->kv[i];
        uint32_t type;
        kv->offset = r->pos;
        if (!read_str(r, &kv->key, "a metadata key") || !read_u32(r, &type, "a metadata value type"))
            return ERR_FORMAT;
        if (kv->key.len == 0) /* the GGUF spec: keys are non-empty */
            return err_set(r->err, ERR_FORMAT, "gguf: empty metadata key at byte %llu",
                           (unsigned long long)kv->offset);
        printable(kv->key, name);
        kv->type = (gguf_type_t)type;
        kv->n_elems = 1;
        size_t value_at = r->pos;
        if (type == GGUF_TYPE_ARRAY && need(r, 12, "an array header")) {
            kv->elem_type = (gguf_type_t)gguf_le32(r->p + r->pos);
            kv->n_elems = gguf_le64(r->p + r->pos + 4);
            value_at += 12;
        }
        if (!skip_value(r, type, 0, name))
            return ERR_FORMAT;
        kv->value = r->p + value_at;
        kv->value_bytes = r->pos - value_at;
        uint32_t first;
        if (!str_index_insert(&g->kv_index, (uint32_t)i, &first))
            return err_set(r->err, ERR_FORMAT, "gguf: duplicate key '%s' at byte %llu (first at byte %llu)", name,
                           (unsigned long long)kv->offset, (unsigned long long)g->kv[first].offset);
    }
    return ERR_OK;
}

static err_code_t parse_alignment(gguf_file_t *g, err_t *err)
{
    g->alignment = GGUF_DEFAULT_ALIGNMENT;
    const gguf_kv_t *kv = gguf_find_kv(g, "general.alignment");
    if (!kv)
        return ERR_OK;
    if (kv->type != GGUF_TYPE_UINT32)
        return err_set(err, ERR_FORMAT, "gguf: key 'general.alignment' at byte %llu is %s, expected UINT32",
                       (unsigned long long)kv->offset, gguf_type_name(kv->type));
    g->alignment = gguf_le32(kv->value);
    if (g->alignment == 0 || (g->alignment & (g->alignment - 1)))
        return err_set(err, ERR_FORMAT, "gguf: general.alignment %llu at byte %llu is not a power of two",
                       (unsigned long long)g->alignment, (unsigned long long)kv->offset);
    return ERR_OK;
}

/* Reads one tensor info record into t (data pointer set later). */
static err_code_t parse_tensor_info(gguf_file_t *g, reader_t *r, gguf_tensor_t *t)
{
    char name[NAME_BUF];
    t->info_offset = r->pos;
    if (!read_str(r, &t->name, "a tensor name") || !read_u32(r, &t->n_dims, "a tensor's dimension count"))
        return ERR_FORMAT;
    printable(t->name, name);
    unsigned long long at = t->info_offset;
    if (t->n_dims < 1 || t->n_dims > GGUF_MAX_DIMS)
        return err_set(r->err, ERR_FORMAT, "gguf: tensor '%s' (info at byte %llu): n_dims %u is not 1 to %d", name,
                       at, t->n_dims, GGUF_MAX_DIMS);
    t->n_elems = 1;
    for (uint32_t d = 0; d < GGUF_MAX_DIMS; d++) {
        t->ne[d] = 1;
        if (d < t->n_dims && !read_u64(r, &t->ne[d], "a tensor dimension"))
            return ERR_FORMAT;
        if (t->ne[d] == 0)
            return err_set(r->err, ERR_FORMAT, "gguf: tensor '%s' (info at byte %llu): dimension %u is 0", name, at, d);
        if (t->ne[d] > (uint64_t)INT64_MAX / t->n_elems)
            return err_set(r->err, ERR_FORMAT,
                           "gguf: tensor '%s' (info at byte %llu): element count overflows at dimension %u", name,
                           at, d);
        t->n_elems *= t->ne[d];
    }
    uint32_t type;
    uint64_t offset;
    if (!read_u32(r, &type, "a tensor type") || !read_u64(r, &offset, "a tensor data offset"))
        return ERR_FORMAT;
    err_t why;
    if (quant_lookup(type, &t->format, &why) != ERR_OK)
        return err_set(r->err, why.code, "gguf: tensor '%s' (info at byte %llu): %s", name, at, why.msg);
    uint64_t row_bytes;
    if (!quant_row_bytes(t->format, t->ne[0], &row_bytes))
        return err_set(r->err, ERR_FORMAT,
                       "gguf: tensor '%s' (info at byte %llu): row of %llu elements is not a multiple of the %s block (%zu)",
                       name, at, (unsigned long long)t->ne[0], t->format->name, t->format->block_elems);
    uint64_t n_rows = t->n_elems / t->ne[0];
    if (n_rows && row_bytes > UINT64_MAX / n_rows)
        return err_set(r->err, ERR_FORMAT, "gguf: tensor '%s' (info at byte %llu): byte size overflows", name, at);
    t->n_bytes = row_bytes * n_rows;
    if (offset % g->alignment)
        return err_set(r->err, ERR_FORMAT,
                       "gguf: tensor '%s' (info at byte %llu): data offset %llu is not a multiple of the alignment %llu",
                       name, at, (unsigned long long)offset, (unsigned long long)g->alignment);
    t->data_offset = offset; /* relative for now; made absolute once the data section is known */
    return ERR_OK;
}

static int by_data_offset(const void *ctx, uint32_t a, uint32_t b)
{
    const gguf_tensor_t *t = ctx;
    return (t[a].data_offset > t[b].data_offset) - (t[a].data_offset < t[b].data_offset);
}

static err_code_t check_tensor_data(gguf_file_t *g, reader_t *r, arena_t *arena)
{
    char a[NAME_BUF], b[NAME_BUF];
    uint64_t pad = (g->alignment - r->pos % g->alignment) % g->alignment;
    g->data_start = r->pos + pad;
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        gguf_tensor_t *t = &g->tensors[i];
        uint64_t limit = r->size > g->data_start ? r->size - g->data_start : 0;
        if (t->data_offset > limit || t->n_bytes > limit - t->data_offset)
            return err_set(r->err, ERR_FORMAT,
                           "gguf: tensor '%s' (info at byte %llu): data at %llu+%llu bytes runs past the end of the %zu-byte file",
                           printable(t->name, a), (unsigned long long)t->info_offset,
                           (unsigned long long)(g->data_start + t->data_offset), (unsigned long long)t->n_bytes,
                           r->size);
        t->data_offset += g->data_start;
        t->data = r->p + t->data_offset;
    }
    if (g->n_tensors < 2)
        return ERR_OK;
    arena_mark_t mark = arena_mark(arena);
    uint32_t *order = arena_alloc_array(arena, (size_t)g->n_tensors, sizeof *order, 0, r->err);
    if (!order)
        return ERR_NOMEM;
    for (uint32_t i = 0; i < g->n_tensors; i++)
        order[i] = i;
    sort_u32(order, (size_t)g->n_tensors, by_data_offset, g->tensors);
    err_code_t rc = ERR_OK;
    for (uint64_t i = 1; i < g->n_tensors && rc == ERR_OK; i++) {
        const gguf_tensor_t *p = &g->tensors[order[i - 1]], *c = &g->tensors[order[i]];
        if (p->data_offset + p->n_bytes > c->data_offset)
            rc = err_set(r->err, ERR_FORMAT, "gguf: tensors '%s' and '%s' overlap at byte %llu",
                         printable(p->name, a), printable(c->name, b), (unsigned long long)c->data_offset);
    }
    arena_release(arena, mark, NULL);
    return rc;
}

static err_code_t parse_tensors(gguf_file_t *g, reader_t *r, arena_t *arena)
{
    char name[NAME_BUF];
    g->tensors = g->n_tensors ? arena_alloc_array(arena, (size_t)g->n_tensors, sizeof *g->tensors, 0, r->err) : NULL;
    if (g->n_tensors && !g->tensors)
        return ERR_NOMEM;
    if (str_index_init(&g->tensor_index, (size_t)g->n_tensors, tensor_name, g, arena, r->err) != ERR_OK)
        return ERR_NOMEM;
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        gguf_tensor_t *t = &g->tensors[i];
        err_code_t rc = parse_tensor_info(g, r, t);
        if (rc != ERR_OK)
            return rc;
        uint32_t first;
        if (!str_index_insert(&g->tensor_index, (uint32_t)i, &first))
            return err_set(r->err, ERR_FORMAT, "gguf: duplicate tensor '%s' (info at bytes %llu and %llu)",
                           printable(t->name, name), (unsigned long long)g->tensors[first].info_offset,
                           (unsigned long long)t->info_offset);
    }
    return check_tensor_data(g, r, arena);
}

err_code_t gguf_parse(gguf_file_t *g, const void *blob, size_t size, arena_t *arena, err_t *err)
{
    reader_t r = { blob, size, 0, err };
    arena_mark_t mark = arena_mark(arena);
    *g = (gguf_file_t){ .blob = blob, .size = size };

    err_code_t rc = parse_header(g, &r);
    if (rc == ERR_OK)
        rc = parse_metadata(g, &r, arena);
    if (rc == ERR_OK)
        rc = parse_alignment(g, err);
    if (rc == ERR_OK)
        rc = parse_tensors(g, &r, arena);
    if (rc != ERR_OK) {
        arena_release(arena, mark, NULL);
        *g = (gguf_file_t){ 0 };
        return rc;
    }
    g->arena_bytes = arena->used_bytes - mark.used_bytes;
    return ERR_OK;
}

const gguf_kv_t *gguf_find_kv(const gguf_file_t *g, const char *key)
{
    uint32_t i;
    return str_index_find(&g->kv_index, key, strlen(key), &i) ? &g->kv[i] : NULL;
}

const gguf_tensor_t *gguf_find_tensor(const gguf_file_t *g, const char *name)
{
    uint32_t i;
    return str_index_find(&g->tensor_index, name, strlen(name), &i) ? &g->tensors[i] : NULL;
}
