/*
 * Identity-map table writer (see page_table.h). Descriptor bits from the Arm
 * ARM, "VMSAv8-64 translation table format descriptors".
 */
#include "arch/aarch64/page_table.h"

#include "llm/platform.h"

#define DESC_BLOCK 0x1ull
#define DESC_TABLE 0x3ull
#define DESC_TYPE_MASK 0x3ull
#define DESC_ATTR_INDEX(i) ((uint64_t)(i) << 2)
#define DESC_SH_INNER (3ull << 8)
#define DESC_AF (1ull << 10)
#define DESC_PXN (1ull << 53)
#define DESC_UXN (1ull << 54)
#define DESC_ADDR_MASK 0x0000fffffffff000ull

uint64_t pt_block_descriptor(uint64_t addr, enum pt_mem_type type)
{
    uint64_t d = addr | DESC_BLOCK | DESC_AF | DESC_ATTR_INDEX(type);
    if (type == PT_DEVICE)
        d |= DESC_PXN | DESC_UXN;
    else
        d |= DESC_SH_INNER;
    return d;
}

void pt_init(page_tables_t *pt, uint64_t *l1, uint64_t (*l2_pool)[PT_ENTRIES], size_t n_l2_pool)
{
    pt->l1 = l1;
    pt->l2_pool = l2_pool;
    pt->n_l2_pool = n_l2_pool;
    pt->n_l2_used = 0;
    memset(l1, 0, PT_ENTRIES * sizeof *l1);
}

/* The level-2 table of a 1 GiB slot, made (splitting a block if there is one) when missing. */
static uint64_t *l2_table_for(page_tables_t *pt, size_t slot, err_t *err)
{
    uint64_t d = pt->l1[slot];
    if ((d & DESC_TYPE_MASK) == DESC_TABLE)
        return (uint64_t *)(uintptr_t)(d & DESC_ADDR_MASK);
    if (pt->n_l2_used == pt->n_l2_pool) {
        err_set(err, ERR_NOMEM, "page tables: all %zu level-2 tables used mapping 1 GiB slot %zu",
                pt->n_l2_pool, slot);
        return NULL;
    }
    uint64_t *l2 = pt->l2_pool[pt->n_l2_used++];
    for (size_t i = 0; i < PT_ENTRIES; i++) {
        /* Keep what the 1 GiB block mapped, now as 2 MiB blocks. */
        l2[i] = (d & DESC_TYPE_MASK) == DESC_BLOCK ? d + i * PT_L2_BLOCK : 0;
    }
    pt->l1[slot] = (uint64_t)(uintptr_t)l2 | DESC_TABLE;
    return l2;
}

err_code_t pt_map(page_tables_t *pt, uint64_t base, uint64_t size, enum pt_mem_type type, err_t *err)
{
    const uint64_t limit = 1ull << PT_VA_BITS;
    if (size == 0)
        return ERR_OK;
    if (base >= limit || size > limit - base)
        return err_set(err, ERR_RANGE, "page tables: range 0x%llx+0x%llx reaches past the %d-bit address space",
                       (unsigned long long)base, (unsigned long long)size, PT_VA_BITS);

    uint64_t addr = base & ~(PT_L2_BLOCK - 1);
    uint64_t end = (base + size + PT_L2_BLOCK - 1) & ~(PT_L2_BLOCK - 1);
    while (addr < end) {
        size_t slot = (size_t)(addr / PT_L1_BLOCK);
        if (addr % PT_L1_BLOCK == 0 && end - addr >= PT_L1_BLOCK) {
            pt->l1[slot] = pt_block_descriptor(addr, type); /* a stale level-2 table is simply dropped */
            addr += PT_L1_BLOCK;
            continue;
        }
        uint64_t *l2 = l2_table_for(pt, slot, err);
        if (!l2)
            return ERR_NOMEM;
        l2[(addr % PT_L1_BLOCK) / PT_L2_BLOCK] = pt_block_descriptor(addr, type);
        addr += PT_L2_BLOCK;
    }
    return ERR_OK;
}
