/*
 * Typed access to parsed GGUF metadata (see gguf.h): getters that check the
 * key exists and has a compatible type, and iteration over arrays. The
 * parser has already bounds-checked every value, so nothing here can read
 * outside the blob.
 */
#include "llm/gguf/gguf.h"

#include "llm/support/bits.h"

static const gguf_kv_t *find_typed(const gguf_file_t *g, const char *key, err_t *err)
{
    const gguf_kv_t *kv = gguf_find_kv(g, key);
    if (!kv)
        err_set(err, ERR_NOT_FOUND, "gguf: key '%s' not found", key);
    return kv;
}

static err_code_t wrong_type(const gguf_kv_t *kv, const char *key, const char *expected, err_t *err)
{
    return err_set(err, ERR_FORMAT, "gguf: key '%s' (at byte %llu) is %s, expected %s", key,
                   (unsigned long long)kv->offset, gguf_type_name(kv->type), expected);
}

static bool is_signed_int(gguf_type_t t)
{
    return t == GGUF_TYPE_INT8 || t == GGUF_TYPE_INT16 || t == GGUF_TYPE_INT32 || t == GGUF_TYPE_INT64;
}

static bool is_unsigned_int(gguf_type_t t)
{
    return t == GGUF_TYPE_UINT8 || t == GGUF_TYPE_UINT16 || t == GGUF_TYPE_UINT32 || t == GGUF_TYPE_UINT64;
}

/* A fixed-size number at p of type t, widened; sign-extends the signed types. */
static int64_t raw_int(gguf_type_t t, const uint8_t *p)
{
    switch (t) {
    case GGUF_TYPE_UINT8: return p[0];
    case GGUF_TYPE_INT8: return (int8_t)p[0];
    case GGUF_TYPE_UINT16: return gguf_le16(p);
    case GGUF_TYPE_INT16: return (int16_t)gguf_le16(p);
    case GGUF_TYPE_UINT32: return gguf_le32(p);
    case GGUF_TYPE_INT32: return (int32_t)gguf_le32(p);
    case GGUF_TYPE_BOOL: return p[0] != 0;
    default: return (int64_t)gguf_le64(p); /* UINT64 (reinterpreted) and INT64 */
    }
}

/* Reads an integer key into [min, max]; UINT64 values above INT64_MAX only fit when max does. */
static err_code_t get_int(const gguf_file_t *g, const char *key, int64_t min, uint64_t max, uint64_t *out,
                          const char *want, err_t *err)
{
    const gguf_kv_t *kv = find_typed(g, key, err);
    if (!kv)
        return ERR_NOT_FOUND;
    if (!is_signed_int(kv->type) && !is_unsigned_int(kv->type))
        return wrong_type(kv, key, want, err);
    int64_t v = raw_int(kv->type, kv->value);
    bool big = kv->type == GGUF_TYPE_UINT64 && v < 0; /* above INT64_MAX */
    if ((!big && (v < min || (v >= 0 && (uint64_t)v > max))) || (big && (uint64_t)v > max))
        return err_set(err, ERR_RANGE, "gguf: key '%s' (at byte %llu) value %s%llu does not fit %s", key,
                       (unsigned long long)kv->offset, !big && v < 0 ? "-" : "",
                       !big && v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, want);
    *out = (uint64_t)v;
    return ERR_OK;
}

err_code_t gguf_get_u32(const gguf_file_t *g, const char *key, uint32_t *out, err_t *err)
{
    uint64_t v;
    err_code_t rc = get_int(g, key, 0, UINT32_MAX, &v, "UINT32", err);
    if (rc == ERR_OK)
        *out = (uint32_t)v;
    return rc;
}

err_code_t gguf_get_u64(const gguf_file_t *g, const char *key, uint64_t *out, err_t *err)
{
    return get_int(g, key, 0, UINT64_MAX, out, "UINT64", err);
}

err_code_t gguf_get_i32(const gguf_file_t *g, const char *key, int32_t *out, err_t *err)
{
    uint64_t v;
    err_code_t rc = get_int(g, key, INT32_MIN, INT32_MAX, &v, "INT32", err);
    if (rc == ERR_OK)
        *out = (int32_t)(int64_t)v;
    return rc;
}

err_code_t gguf_get_f32(const gguf_file_t *g, const char *key, float *out, err_t *err)
{
    const gguf_kv_t *kv = find_typed(g, key, err);
    if (!kv)
        return ERR_NOT_FOUND;
    if (kv->type == GGUF_TYPE_FLOAT32)
        *out = f32_from_bits(gguf_le32(kv->value));
    else if (kv->type == GGUF_TYPE_FLOAT64)
        *out = (float)f64_from_bits(gguf_le64(kv->value));
    else
        return wrong_type(kv, key, "FLOAT32", err);
    return ERR_OK;
}

err_code_t gguf_get_bool(const gguf_file_t *g, const char *key, bool *out, err_t *err)
{
    const gguf_kv_t *kv = find_typed(g, key, err);
    if (!kv)
        return ERR_NOT_FOUND;
    if (kv->type != GGUF_TYPE_BOOL)
        return wrong_type(kv, key, "BOOL", err);
    *out = kv->value[0] != 0;
    return ERR_OK;
}

err_code_t gguf_get_str(const gguf_file_t *g, const char *key, str_view_t *out, err_t *err)
{
    const gguf_kv_t *kv = find_typed(g, key, err);
    if (!kv)
        return ERR_NOT_FOUND;
    if (kv->type != GGUF_TYPE_STRING)
        return wrong_type(kv, key, "STRING", err);
    *out = (str_view_t){ (const char *)kv->value + 8, (size_t)gguf_le64(kv->value) };
    return ERR_OK;
}

err_code_t gguf_get_array(const gguf_file_t *g, const char *key, gguf_type_t elem_type, const gguf_kv_t **out,
                          err_t *err)
{
    const gguf_kv_t *kv = find_typed(g, key, err);
    if (!kv)
        return ERR_NOT_FOUND;
    if (kv->type != GGUF_TYPE_ARRAY || kv->elem_type != elem_type)
        return err_set(err, ERR_FORMAT, "gguf: key '%s' (at byte %llu) is %s%s%s, expected ARRAY of %s", key,
                       (unsigned long long)kv->offset, gguf_type_name(kv->type),
                       kv->type == GGUF_TYPE_ARRAY ? " of " : "",
                       kv->type == GGUF_TYPE_ARRAY ? gguf_type_name(kv->elem_type) : "", gguf_type_name(elem_type));
    *out = kv;
    return ERR_OK;
}

void gguf_array_begin(const gguf_kv_t *kv, gguf_array_iter_t *it)
{
    *it = (gguf_array_iter_t){ kv, kv->value, 0 };
}

bool gguf_array_next_str(gguf_array_iter_t *it, str_view_t *out)
{
    if (it->kv->type != GGUF_TYPE_ARRAY || it->kv->elem_type != GGUF_TYPE_STRING || it->index >= it->kv->n_elems)
        return false;
    uint64_t len = gguf_le64(it->next);
    *out = (str_view_t){ (const char *)it->next + 8, (size_t)len };
    it->next += 8 + len;
    it->index++;
    return true;
}

double gguf_array_number(const gguf_kv_t *kv, uint64_t i)
{
    gguf_type_t t = kv->elem_type;
    size_t size = gguf_value_size(t);
    if (kv->type != GGUF_TYPE_ARRAY || size == 0 || i >= kv->n_elems)
        return 0;
    const uint8_t *p = kv->value + i * size;
    if (t == GGUF_TYPE_FLOAT32)
        return f32_from_bits(gguf_le32(p));
    if (t == GGUF_TYPE_FLOAT64)
        return f64_from_bits(gguf_le64(p));
    if (t == GGUF_TYPE_UINT64)
        return (double)gguf_le64(p);
    return (double)raw_int(t, p);
}
