/*
 * Turns on the MMU and caches with an identity map of the regions the
 * caller names: RAM as normal write-back cacheable memory, devices as
 * Device-nGnRnE. What to map is the kernel's business (from the device
 * tree); this file knows only the translation tables and registers.
 */
#ifndef ARCH_AARCH64_MMU_H
#define ARCH_AARCH64_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/support/err.h"

/* A physical range to identity-map, in bytes. */
typedef struct mmu_region {
    uint64_t base, size;
    bool device; /* Device-nGnRnE; else Normal write-back */
} mmu_region_t;

/* Maps regions[0 .. n) and enables translation, D- and I-caches; an error names a range the tables cannot hold. */
err_code_t mmu_enable(const mmu_region_t *regions, size_t n, err_t *err);

#endif
