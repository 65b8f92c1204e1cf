/*
 * What the CPU running the aarch64 tests offers, from the auxiliary vector:
 * the tests call a level's twins directly only where the CPU has them
 * (under qemu-aarch64, -cpu picks the features).
 */
#ifndef TESTS_UNIT_KERNELS_AARCH64_CPU_HAS_H
#define TESTS_UNIT_KERNELS_AARCH64_CPU_HAS_H

#include <stdbool.h>
#include <sys/auxv.h>

#define TEST_HWCAP_DOTPROD (1u << 20) /* AT_HWCAP bit for ASIMDDP */

/* SDOT/UDOT (ARMv8.2 dotprod). */
static inline bool has_dotprod(void)
{
    return (getauxval(AT_HWCAP) & TEST_HWCAP_DOTPROD) != 0;
}

#endif
