/*
 * First instructions of the kernel: the arm64 Image header, then the primary
 * core drops from EL2 to EL1 if it entered at EL2, enables FP/SIMD, installs
 * the exception vectors, sets the boot stack, clears .bss and calls
 * kernel_main(dtb, entry_el). Secondary cores (on platforms that start them
 * all here) park. MMU set-up is left to C (mmu.c).
 *
 * secondary_entry is where PSCI CPU_ON starts the other cores (smp.h): the
 * same EL2 drop and EL1 set-up, then the boot core's MMU registers from
 * the smp_start_t in x0, its stack, and its main function.
 */
#include "arch/aarch64/smp.h"
#include "arch/aarch64/sysregs.h"

/* At EL2: make EL1 AArch64 with the timer, FP/SIMD untrapped, and eret to label at EL1h, interrupts masked. */
.macro drop_to_el1 label
    ldr     x0, =HCR_EL2_RW
    msr     hcr_el2, x0
    mrs     x0, cnthctl_el2
    orr     x0, x0, #CNTHCTL_EL2_EL1PCEN_PCTEN
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr
    mov     x0, #CPTR_EL2_NO_TRAPS
    msr     cptr_el2, x0
    msr     hstr_el2, xzr
    ldr     x0, =SCTLR_EL1_RES1
    msr     sctlr_el1, x0
    mov     x0, #SPSR_EL1H_DAIF
    msr     spsr_el2, x0
    adr     x0, \label
    msr     elr_el2, x0
    eret
.endm

/* At EL1, MMU off: FP/SIMD on, the exception vectors installed. */
.macro el1_setup
    ldr     x0, =SCTLR_EL1_RES1
    msr     sctlr_el1, x0
    mov     x0, #CPACR_EL1_FPEN
    msr     cpacr_el1, x0
    adr     x0, exception_vectors
    msr     vbar_el1, x0
    isb
.endm

    .section ".text.boot", "ax"
    .globl _start
_start:
    /* arm64 Image header (Linux Documentation/arch/arm64/booting.rst). */
    b       primary_entry
    .long   0                   /* code1 */
    .quad   0x200000            /* text_offset: load 2 MiB above RAM start */
    .quad   _image_size         /* effective image size, .bss and stack included */
    .quad   0x2                 /* flags: little-endian, 4K pages, near RAM start */
    .quad   0, 0, 0             /* reserved */
    .ascii  "ARM\x64"           /* magic */
    .long   0                   /* reserved (PE header offset) */

primary_entry:
    mov     x19, x0             /* device tree address, per the boot protocol */

    /* Only the core with affinity 0.0.0.0 boots; any other parks forever. */
    mrs     x1, mpidr_el1
    ldr     x2, =0xff00ffffff
    and     x1, x1, x2
    cbnz    x1, park

    /* We are linked at a fixed address; refuse to run anywhere else. */
    adr     x1, _start
    ldr     x2, =_start
    cmp     x1, x2
    b.ne    park

    mrs     x20, CurrentEL
    lsr     x20, x20, #2
    cmp     x20, #2
    b.eq    from_el2
    cmp     x20, #1
    b.eq    at_el1
    b       park                /* EL3 entry is not supported */

from_el2:
    drop_to_el1 at_el1

at_el1:
    el1_setup
    msr     fpcr, xzr           /* IEEE floats: round to nearest, no flush-to-zero, no default NaN (the engine's */
                                /* SIMD kernels equal the scalar ones only so) */

    ldr     x0, =__stack_top
    mov     sp, x0

    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:
    mov     x0, x19
    mov     x1, x20
    bl      kernel_main
    /* kernel_main does not return; fall through to park if it ever does. */

park:
    wfe
    b       park

/* A secondary core, started by PSCI CPU_ON with x0 = its smp_start_t (read with the MMU off: smp.c cleaned it). */
    .globl secondary_entry
secondary_entry:
    mov     x19, x0
    mrs     x20, CurrentEL
    lsr     x20, x20, #2
    cmp     x20, #2
    b.eq    secondary_from_el2
    cmp     x20, #1
    b.ne    park
    b       secondary_el1
secondary_from_el2:
    drop_to_el1 secondary_el1
secondary_el1:
    el1_setup
    ldr     x0, [x19, #SMP_START_FPCR]
    msr     fpcr, x0
    /* The boot core's tables: same attributes, same translation, so the same view of memory. */
    ldr     x0, [x19, #SMP_START_MAIR]
    msr     mair_el1, x0
    ldr     x0, [x19, #SMP_START_TCR]
    msr     tcr_el1, x0
    ldr     x0, [x19, #SMP_START_TTBR0]
    msr     ttbr0_el1, x0
    isb
    tlbi    vmalle1             /* no stale translations from before the reset */
    dsb     nsh
    ic      iallu
    dsb     nsh
    isb
    ldr     x0, [x19, #SMP_START_SCTLR]
    msr     sctlr_el1, x0       /* MMU, D- and I-caches on, as on the boot core */
    isb
    ldr     x0, [x19, #SMP_START_STACK_TOP]
    mov     sp, x0
    ldr     x1, [x19, #SMP_START_MAIN]
    mov     x0, x19
    blr     x1
    b       park

    .ltorg
