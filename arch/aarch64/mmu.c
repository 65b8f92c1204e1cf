/*
 * MMU bring-up (see mmu.h): fills the identity map with page_table.c, then
 * programs MAIR/TCR/TTBR0 and SCTLR. Runs with the MMU off, so it is built
 * -mstrict-align like everything else that runs that early.
 */
#include "arch/aarch64/mmu.h"

#include "arch/aarch64/page_table.h"
#include "arch/aarch64/sysregs.h"

#define N_L2_TABLES 16

/* MAIR attr0: Device-nGnRnE (PT_DEVICE); attr1: Normal WB RW-allocate (PT_NORMAL). */
#define MAIR_VALUE 0xff00ull

#define TCR_T0SZ(bits) (64ull - (bits))
#define TCR_IRGN0_WB (1ull << 8)
#define TCR_ORGN0_WB (1ull << 10)
#define TCR_SH0_INNER (3ull << 12)
#define TCR_TG0_4K (0ull << 14)
#define TCR_EPD1 (1ull << 23) /* no TTBR1 walks: nothing lives in the upper half */
#define TCR_IPS_SHIFT 32

static uint64_t l1_table[PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t l2_tables[N_L2_TABLES][PT_ENTRIES] __attribute__((aligned(4096)));

static void clean_invalidate(const void *p, size_t n)
{
    for (uintptr_t a = (uintptr_t)p & ~63ull; a < (uintptr_t)p + n; a += 64)
        __asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
    __asm__ volatile("dsb sy" : : : "memory");
}

static uint64_t physical_address_size_field(void)
{
    uint64_t mmfr0;
    __asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
    uint64_t parange = mmfr0 & 0xf;
    return parange > 5 ? 5 : parange; /* 52-bit needs FEAT_LPA; 48 bits are plenty */
}

err_code_t mmu_enable(const mmu_region_t *regions, size_t n, err_t *err)
{
    page_tables_t pt;
    pt_init(&pt, l1_table, l2_tables, N_L2_TABLES);

    err_code_t rc = ERR_OK;
    for (size_t i = 0; rc == ERR_OK && i < n; i++)
        rc = pt_map(&pt, regions[i].base, regions[i].size, regions[i].device ? PT_DEVICE : PT_NORMAL, err);
    if (rc != ERR_OK)
        return rc;

    /* The walker reads through the caches once they are on; drop any stale lines. */
    clean_invalidate(l1_table, sizeof l1_table);
    clean_invalidate(l2_tables, pt.n_l2_used * sizeof l2_tables[0]);

    uint64_t tcr = TCR_T0SZ(PT_VA_BITS) | TCR_IRGN0_WB | TCR_ORGN0_WB | TCR_SH0_INNER | TCR_TG0_4K |
                   TCR_EPD1 | (physical_address_size_field() << TCR_IPS_SHIFT);
    __asm__ volatile("msr mair_el1, %0" : : "r"(MAIR_VALUE));
    __asm__ volatile("msr tcr_el1, %0" : : "r"(tcr));
    __asm__ volatile("msr ttbr0_el1, %0" : : "r"((uint64_t)(uintptr_t)l1_table));
    __asm__ volatile("isb; tlbi vmalle1; dsb nsh; isb" : : : "memory");
    __asm__ volatile("ic iallu; dsb nsh; isb" : : : "memory");

    uint64_t sctlr = SCTLR_EL1_RES1 | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA;
    __asm__ volatile("msr sctlr_el1, %0; isb" : : "r"(sctlr) : "memory");
    return ERR_OK;
}
