/*
 * Bump allocator over a caller-supplied buffer (see arena.h). Alignment is of
 * the absolute address, so any buffer works. All size arithmetic is checked
 * against overflow before it is done.
 */
#include "llm/support/arena.h"

#include "llm/platform.h"
#include "llm/support/arena_poison.h"

void arena_init(arena_t *a, void *buf, size_t capacity_bytes)
{
    a->base = buf;
    a->capacity_bytes = buf ? capacity_bytes : 0;
    a->used_bytes = 0;
    a->high_water_bytes = 0;
    a->n_failed = 0;
    if (buf)
        ARENA_MARK_NOACCESS(buf, capacity_bytes);
}

static void *refuse(arena_t *a, err_t *err, err_code_t code, size_t size, size_t align)
{
    a->n_failed++;
    if (code == ERR_NOMEM)
        err_set(err, code, "arena: out of memory: asked for %zu bytes (align %zu), %zu of %zu bytes free",
                size, align, a->capacity_bytes - a->used_bytes, a->capacity_bytes);
    else if (size == 0)
        err_set(err, code, "arena: zero-size request");
    else
        err_set(err, code, "arena: alignment %zu is not a power of two", align);
    return NULL;
}

void *arena_alloc(arena_t *a, size_t size, size_t align, err_t *err)
{
    if (align == 0)
        align = ARENA_DEFAULT_ALIGN;
    if (size == 0 || (align & (align - 1)) != 0)
        return refuse(a, err, ERR_INVALID, size, align);

    uintptr_t cur = (uintptr_t)a->base + a->used_bytes;
    size_t pad = (size_t)(-cur & (align - 1));
    size_t free_bytes = a->capacity_bytes - a->used_bytes;
    if (pad > free_bytes || size > free_bytes - pad)
        return refuse(a, err, ERR_NOMEM, size, align);

    uint8_t *p = a->base + a->used_bytes + pad;
    a->used_bytes += pad + size;
    if (a->used_bytes > a->high_water_bytes)
        a->high_water_bytes = a->used_bytes;
    ARENA_MARK_UNDEFINED(p, size);
    return p;
}

void *arena_alloc_zero(arena_t *a, size_t size, size_t align, err_t *err)
{
    void *p = arena_alloc(a, size, align, err);
    if (p)
        memset(p, 0, size);
    return p;
}

void *arena_alloc_array(arena_t *a, size_t count, size_t elem_size, size_t align, err_t *err)
{
    if (elem_size != 0 && count > SIZE_MAX / elem_size) {
        a->n_failed++;
        err_set(err, ERR_NOMEM, "arena: out of memory: %zu elements of %zu bytes overflow the address space",
                count, elem_size);
        return NULL;
    }
    return arena_alloc_zero(a, count * elem_size, align, err);
}

arena_mark_t arena_mark(const arena_t *a)
{
    return (arena_mark_t){ a->used_bytes };
}

err_code_t arena_release(arena_t *a, arena_mark_t mark, err_t *err)
{
    if (mark.used_bytes > a->used_bytes)
        return err_set(err, ERR_INVALID, "arena: release to mark %zu above current use %zu (released twice or out of order)",
                       mark.used_bytes, a->used_bytes);
    ARENA_MARK_NOACCESS(a->base + mark.used_bytes, a->used_bytes - mark.used_bytes);
    a->used_bytes = mark.used_bytes;
    return ERR_OK;
}

void arena_reset(arena_t *a)
{
    arena_release(a, (arena_mark_t){ 0 }, NULL);
}

void arena_get_stats(const arena_t *a, arena_stats_t *out)
{
    out->capacity_bytes = a->capacity_bytes;
    out->used_bytes = a->used_bytes;
    out->free_bytes = a->capacity_bytes - a->used_bytes;
    out->high_water_bytes = a->high_water_bytes;
    out->n_failed = a->n_failed;
}
