/*
 * Reading the aarch64 ID registers (kernel only: EL1 reads them directly).
 * cpu_features.h decodes what they say.
 */
#ifndef ARCH_AARCH64_CPU_ID_H
#define ARCH_AARCH64_CPU_ID_H

#include "arch/aarch64/cpu_features.h"

void cpu_read_id_regs(cpu_id_regs_t *r);

#endif
