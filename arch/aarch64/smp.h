/*
 * Starting a secondary core (PSCI CPU_ON) in the state the boot core is in:
 * the same translation tables, MMU and caches on, FP/SIMD enabled with the
 * same FPCR, the exception vectors installed, its own stack. The core then
 * calls a C function given here; what it does there (our kernel: a worker
 * waiting for parallel-for jobs) is the caller's business.
 *
 * The core enters secondary_entry (boot.S) with the MMU off, so it reads
 * its smp_start_t straight from RAM: smp_cpu_on cleans the struct from the
 * caches to the point of coherency before asking the firmware to start it.
 */
#ifndef ARCH_AARCH64_SMP_H
#define ARCH_AARCH64_SMP_H

/* Field offsets of smp_start_t, for boot.S. */
#define SMP_START_STACK_TOP 0
#define SMP_START_FPCR 8
#define SMP_START_MAIR 16
#define SMP_START_TCR 24
#define SMP_START_TTBR0 32
#define SMP_START_SCTLR 40
#define SMP_START_MAIN 48

#ifndef __ASSEMBLY__
#include <stdint.h>

typedef struct smp_start smp_start_t;
typedef void (*smp_main_fn)(smp_start_t *start);

struct smp_start {
    uint64_t stack_top;            /* 16-byte aligned */
    uint64_t fpcr, mair, tcr, ttbr0, sctlr; /* copied from the calling core */
    smp_main_fn main;              /* runs on the new core, must not return */
    void *arg;                     /* for main */
    uint64_t mpidr;                /* the core's affinity, as given to CPU_ON */
};

_Static_assert(__builtin_offsetof(smp_start_t, stack_top) == SMP_START_STACK_TOP, "boot.S offsets");
_Static_assert(__builtin_offsetof(smp_start_t, fpcr) == SMP_START_FPCR, "boot.S offsets");
_Static_assert(__builtin_offsetof(smp_start_t, mair) == SMP_START_MAIR, "boot.S offsets");
_Static_assert(__builtin_offsetof(smp_start_t, tcr) == SMP_START_TCR, "boot.S offsets");
_Static_assert(__builtin_offsetof(smp_start_t, ttbr0) == SMP_START_TTBR0, "boot.S offsets");
_Static_assert(__builtin_offsetof(smp_start_t, sctlr) == SMP_START_SCTLR, "boot.S offsets");
_Static_assert(__builtin_offsetof(smp_start_t, main) == SMP_START_MAIN, "boot.S offsets");

/*
 * Fills *start (stack, main, arg, and the caller's FPCR/MAIR/TCR/TTBR0/SCTLR),
 * cleans it to memory and calls PSCI CPU_ON (function id fn_id) for mpidr
 * with secondary_entry as the entry point. *start must stay untouched
 * until the core has reached main. Returns the PSCI status (0: started).
 * Call with the MMU on.
 */
int64_t smp_cpu_on(uint32_t fn_id, uint64_t mpidr, smp_start_t *start, void *stack_top, smp_main_fn main,
                   void *arg);

/* This core's MPIDR_EL1 affinity fields (Aff3..Aff0). */
uint64_t smp_this_mpidr(void);
#endif

#endif
