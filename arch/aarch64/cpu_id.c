/* Reads MIDR and the ID registers the feature decoder needs (see cpu_id.h). */
#include "arch/aarch64/cpu_id.h"

void cpu_read_id_regs(cpu_id_regs_t *r)
{
    __asm__ volatile("mrs %0, midr_el1" : "=r"(r->midr));
    __asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(r->pfr0));
    __asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(r->isar0));
    __asm__ volatile("mrs %0, id_aa64isar1_el1" : "=r"(r->isar1));
}
