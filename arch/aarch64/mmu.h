/*
 * Turns on the MMU and caches with an identity map: RAM normal write-back
 * cacheable, the low 1 GiB (QEMU virt's MMIO) and the UART device memory.
 */
#ifndef ARCH_AARCH64_MMU_H
#define ARCH_AARCH64_MMU_H

#include "kernel/boot_info.h"
#include "llm/support/err.h"

/* Maps what boot_info describes and enables translation, D- and I-caches. */
err_code_t mmu_enable(const boot_info_t *bi, err_t *err);

#endif
