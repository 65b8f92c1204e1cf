/*
 * The architecture table of builds without SIMD twins (x86-64 hosts, and
 * SIMD=off builds on aarch64): nothing at any level, so the kernel table is
 * the scalar reference.
 */
#include "llm/kernels/kern_arch.h"

const kern_table_t *kern_arch_table(kern_level_t level)
{
    (void)level;
    return 0;
}
