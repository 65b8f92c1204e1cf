/*
 * Builds aarch64 stage-1 translation tables for an identity map: 4 KiB
 * granule, 39-bit addresses (a level-1 table of 1 GiB entries, level-2 tables
 * of 2 MiB blocks taken from a fixed pool). Pure table writing, no system
 * registers, so the hosted tests check the descriptors bit by bit.
 */
#ifndef ARCH_AARCH64_PAGE_TABLE_H
#define ARCH_AARCH64_PAGE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "llm/support/err.h"

#define PT_ENTRIES 512
#define PT_L1_BLOCK (1ull << 30) /* bytes mapped by one level-1 block */
#define PT_L2_BLOCK (1ull << 21) /* bytes mapped by one level-2 block */
#define PT_VA_BITS 39

/* MAIR_EL1 attribute indices; mmu.c programs MAIR to match. */
enum pt_mem_type {
    PT_DEVICE = 0, /* Device-nGnRnE, never executable */
    PT_NORMAL = 1, /* Normal write-back cacheable, inner shareable */
};

typedef struct page_tables {
    uint64_t *l1;                    /* PT_ENTRIES entries, 4 KiB aligned */
    uint64_t (*l2_pool)[PT_ENTRIES]; /* spare level-2 tables, 4 KiB aligned */
    size_t n_l2_pool;
    size_t n_l2_used;
} page_tables_t;

/* Empties l1 and takes the pool; no memory is mapped afterwards. */
void pt_init(page_tables_t *pt, uint64_t *l1, uint64_t (*l2_pool)[PT_ENTRIES], size_t n_l2_pool);

/*
 * Identity-maps [base, base + size) rounded out to 2 MiB, replacing earlier
 * mappings of those addresses. Whole 1 GiB slots use one level-1 block.
 * ERR_RANGE if the range reaches past 2^39, ERR_NOMEM if the pool runs out.
 */
err_code_t pt_map(page_tables_t *pt, uint64_t base, uint64_t size, enum pt_mem_type type, err_t *err);

/* The descriptor pt_map writes for a block at addr (level 1 or 2) of the given type. */
uint64_t pt_block_descriptor(uint64_t addr, enum pt_mem_type type);

#endif
