/*
 * What the CPU can do, decoded from the aarch64 ID registers: the features
 * the engine's kernels are chosen by (FP16, dotprod, i8mm, ...) and the
 * implementer/part names. Pure decoding, no register access, so the hosted
 * build can test it and fill it from other sources.
 */
#ifndef ARCH_AARCH64_CPU_FEATURES_H
#define ARCH_AARCH64_CPU_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cpu_id_regs {
    uint64_t midr;  /* MIDR_EL1 */
    uint64_t pfr0;  /* ID_AA64PFR0_EL1 */
    uint64_t isar0; /* ID_AA64ISAR0_EL1 */
    uint64_t isar1; /* ID_AA64ISAR1_EL1 */
} cpu_id_regs_t;

typedef struct cpu_features {
    bool fp, asimd, fp16, sve;
    bool aes, pmull, sha1, sha2, sha3, crc32, atomics, rdm;
    bool dotprod, fhm, bf16, i8mm, jscvt, fcma, lrcpc;
} cpu_features_t;

void cpu_features_decode(const cpu_id_regs_t *regs, cpu_features_t *out);

/* Space-separated names of the features present ("fp asimd fp16 dotprod ..."); returns the length. */
size_t cpu_features_describe(const cpu_features_t *f, char *buf, size_t size);

/* "Arm Cortex-A72", "Arm part 0xd4f", "implementer 0x00 part 0x051" ...; returns buf. */
const char *cpu_model_name(uint64_t midr, char *buf, size_t size);

#endif
