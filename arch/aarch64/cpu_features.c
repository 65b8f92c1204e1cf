/*
 * ID register decoding (see cpu_features.h). Field positions and values are
 * from the Arm Architecture Reference Manual's ID_AA64* register pages.
 */
#include "arch/aarch64/cpu_features.h"

#include "llm/support/fmt.h"

static unsigned field(uint64_t reg, unsigned lsb)
{
    return (unsigned)(reg >> lsb) & 0xf;
}

void cpu_features_decode(const cpu_id_regs_t *r, cpu_features_t *f)
{
    unsigned fp = field(r->pfr0, 16), simd = field(r->pfr0, 20);
    *f = (cpu_features_t){
        .fp = fp != 0xf,
        .asimd = simd != 0xf,
        .fp16 = fp == 1 && simd == 1,
        .sve = field(r->pfr0, 32) >= 1,
        .aes = field(r->isar0, 4) >= 1,
        .pmull = field(r->isar0, 4) >= 2,
        .sha1 = field(r->isar0, 8) >= 1,
        .sha2 = field(r->isar0, 12) >= 1,
        .crc32 = field(r->isar0, 16) >= 1,
        .atomics = field(r->isar0, 20) >= 2,
        .rdm = field(r->isar0, 28) >= 1,
        .sha3 = field(r->isar0, 32) >= 1,
        .dotprod = field(r->isar0, 44) >= 1,
        .fhm = field(r->isar0, 48) >= 1,
        .jscvt = field(r->isar1, 12) >= 1,
        .fcma = field(r->isar1, 16) >= 1,
        .lrcpc = field(r->isar1, 20) >= 1,
        .bf16 = field(r->isar1, 44) >= 1,
        .i8mm = field(r->isar1, 52) >= 1,
    };
}

size_t cpu_features_describe(const cpu_features_t *f, char *buf, size_t size)
{
    const struct {
        bool on;
        const char *name;
    } names[] = {
        { f->fp, "fp" },         { f->asimd, "asimd" },   { f->fp16, "fp16" },   { f->sve, "sve" },
        { f->aes, "aes" },       { f->pmull, "pmull" },   { f->sha1, "sha1" },   { f->sha2, "sha2" },
        { f->sha3, "sha3" },     { f->crc32, "crc32" },   { f->atomics, "lse" }, { f->rdm, "rdm" },
        { f->dotprod, "dotprod" }, { f->fhm, "fhm" },     { f->bf16, "bf16" },   { f->i8mm, "i8mm" },
        { f->jscvt, "jscvt" },   { f->fcma, "fcma" },     { f->lrcpc, "lrcpc" },
    };
    size_t len = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!names[i].on)
            continue;
        size_t room = len < size ? size - len : 0;
        len += fmt_snprintf(buf + (len < size ? len : size), room, "%s%s", len ? " " : "", names[i].name);
    }
    return len;
}

static const char *arm_part_name(unsigned part)
{
    switch (part) {
    case 0xd03: return "Cortex-A53";
    case 0xd04: return "Cortex-A35";
    case 0xd05: return "Cortex-A55";
    case 0xd07: return "Cortex-A57";
    case 0xd08: return "Cortex-A72";
    case 0xd09: return "Cortex-A73";
    case 0xd0a: return "Cortex-A75";
    case 0xd0b: return "Cortex-A76";
    case 0xd0c: return "Neoverse-N1";
    case 0xd0d: return "Cortex-A77";
    case 0xd41: return "Cortex-A78";
    case 0xd40: return "Neoverse-V1";
    case 0xd44: return "Cortex-X1";
    case 0xd46: return "Cortex-A510";
    case 0xd47: return "Cortex-A710";
    case 0xd49: return "Neoverse-N2";
    case 0xd4f: return "Neoverse-V2";
    default: return NULL;
    }
}

const char *cpu_model_name(uint64_t midr, char *buf, size_t size)
{
    unsigned implementer = (unsigned)(midr >> 24) & 0xff;
    unsigned part = (unsigned)(midr >> 4) & 0xfff;
    const char *name = implementer == 0x41 ? arm_part_name(part) : NULL;
    if (name)
        fmt_snprintf(buf, size, "Arm %s", name);
    else if (implementer == 0x41)
        fmt_snprintf(buf, size, "Arm part 0x%03x", part);
    else
        fmt_snprintf(buf, size, "implementer 0x%02x part 0x%03x", implementer, part);
    return buf;
}
