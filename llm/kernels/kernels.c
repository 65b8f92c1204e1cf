/*
 * The kernel table's selector (see kernels.h): the level a CPU runs, the
 * scalar reference in every slot, the architecture's twins over it, and the
 * table the engine runs. Not for kernels themselves.
 */
#include "llm/kernels/kernels.h"

#include "llm/kernels/kern_arch.h"
#include "llm/platform.h"

static kern_table_t selected;
static bool selected_once;

static const char *const level_names[KERN_LEVELS] = { "scalar", "neon", "dotprod", "i8mm" };
static const char *const attn_names[] = { "exact", "fast" };

kern_level_t kern_level_for(const kern_cpu_t *cpu)
{
    if (!cpu->asimd)
        return KERN_SCALAR;
    if (!cpu->dotprod)
        return KERN_NEON;
    return cpu->i8mm ? KERN_I8MM : KERN_DOTPROD;
}

const char *kern_level_name(kern_level_t level)
{
    return (unsigned)level < KERN_LEVELS ? level_names[level] : "scalar";
}

bool kern_level_parse(const char *s, kern_level_t *out)
{
    for (unsigned l = 0; l < KERN_LEVELS; l++) {
        if (strcmp(s, level_names[l]) == 0) {
            *out = (kern_level_t)l;
            return true;
        }
    }
    return false;
}

const char *kern_attn_name(kern_attn_t a)
{
    return a == KERN_ATTN_FAST ? attn_names[KERN_ATTN_FAST] : attn_names[KERN_ATTN_EXACT];
}

bool kern_attn_parse(const char *s, kern_attn_t *out)
{
    for (unsigned a = 0; a < sizeof attn_names / sizeof attn_names[0]; a++) {
        if (strcmp(s, attn_names[a]) == 0) {
            *out = (kern_attn_t)a;
            return true;
        }
    }
    return false;
}

/* The scalar reference: each format's own kernels, attention over the cache types. */
static void scalar_table(kern_table_t *t)
{
    memset(t, 0, sizeof *t);
    for (uint32_t id = 0; id < QUANT_TYPE_IDS; id++) {
        const quant_format_t *f;
        if (quant_lookup(id, &f, NULL) != ERR_OK)
            continue;
        t->formats[id].vec_dot = f->vec_dot;
        t->formats[id].quantize = f->quantize;
        if (id == QUANT_F32 || id == QUANT_F16 || id == QUANT_Q8_0 || id == QUANT_Q4_0) {
            t->formats[id].attend = vec_attend_scalar;
            t->formats[id].attend_fast = vec_attend_fast_scalar;
        }
    }
    t->rmsnorm = vec_rmsnorm_scalar;
    t->rope = vec_rope_scalar;
    t->rope_neox = vec_rope_neox_scalar;
    t->softmax = vec_softmax_scalar;
    t->swiglu = vec_swiglu_scalar;
    t->geglu = vec_geglu_scalar;
    t->add = vec_add_scalar;
    t->level = KERN_SCALAR;
}

#define TAKE(dst, src) ((dst) = (src) ? (src) : (dst))

/* Every slot a fills, over t's. */
static void overlay(kern_table_t *t, const kern_table_t *a)
{
    for (uint32_t id = 0; id < QUANT_TYPE_IDS; id++) {
        kern_format_t *d = &t->formats[id];
        const kern_format_t *s = &a->formats[id];
        TAKE(d->vec_dot, s->vec_dot);
        TAKE(d->quantize, s->quantize);
        TAKE(d->attend, s->attend);
        TAKE(d->attend_fast, s->attend_fast);
        TAKE(d->attend_fast_group, s->attend_fast_group);
        if (s->tile.run)
            d->tile = s->tile;
    }
    TAKE(t->rmsnorm, a->rmsnorm);
    TAKE(t->rope, a->rope);
    TAKE(t->rope_neox, a->rope_neox);
    TAKE(t->softmax, a->softmax);
    TAKE(t->swiglu, a->swiglu);
    TAKE(t->geglu, a->geglu);
    TAKE(t->add, a->add);
}

void kern_table_build(kern_level_t level, kern_table_t *out)
{
    scalar_table(out);
    if ((unsigned)level >= KERN_LEVELS)
        level = KERN_I8MM;
    for (unsigned l = KERN_NEON; l <= (unsigned)level; l++) {
        const kern_table_t *a = kern_arch_table((kern_level_t)l);
        if (a) {
            overlay(out, a);
            out->level = (kern_level_t)l;
        }
    }
}

void kern_use(const kern_table_t *t)
{
    selected = *t;
    selected_once = true;
}

kern_level_t kern_init(kern_level_t level)
{
    kern_table_build(level, &selected);
    selected_once = true;
    return selected.level;
}

const kern_table_t *kern(void)
{
    if (!selected_once)
        kern_init(KERN_SCALAR);
    return &selected;
}

kern_level_t kern_level(void)
{
    return kern()->level;
}
