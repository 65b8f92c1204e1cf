/*
 * Bits of the aarch64 system registers the kernel sets at boot, named as the
 * Arm ARM names them. Shared by the boot assembly and the C code, so only
 * #defines of plain constants here.
 */
#ifndef ARCH_AARCH64_SYSREGS_H
#define ARCH_AARCH64_SYSREGS_H

/* SCTLR_EL1: RES1 bits of ARMv8.0, little-endian, MMU and caches off. */
#define SCTLR_EL1_RES1 0x30d00800
#define SCTLR_M (1 << 0)  /* MMU */
#define SCTLR_C (1 << 2)  /* data cache */
#define SCTLR_SA (1 << 3) /* stack alignment check */
#define SCTLR_I (1 << 12) /* instruction cache */

#define HCR_EL2_RW 0x80000000         /* EL1 is AArch64 */
#define CNTHCTL_EL2_EL1PCEN_PCTEN 0x3 /* EL1 may use the physical timer and counter */
#define CPTR_EL2_NO_TRAPS 0x33ff      /* RES1 bits only: FP/SIMD not trapped */
#define SPSR_EL1H_DAIF 0x3c5          /* EL1 with SP_EL1, all interrupts masked */
#define CPACR_EL1_FPEN (3 << 20)      /* FP/SIMD not trapped at EL1/EL0 */

#endif
