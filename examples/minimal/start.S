/*
 * Entry of the minimal image (examples/minimal/): what a kernel developer
 * writes to host the engine, with nothing of our kernel. QEMU virt loads the
 * ELF and jumps to _start at EL1 (no firmware): we turn FP/SIMD on with
 * FPCR = 0 (the engine's SIMD kernels need IEEE mode), install a vector table
 * that reports any exception and powers off, turn the MMU on with an identity
 * map (the engine makes unaligned accesses, which fault on the Device memory
 * the MMU-off state gives), set the stack, zero .bss, call main and power off
 * through PSCI. One core: secondaries stay off under QEMU (PSCI CPU_ON starts
 * them). Entered at another EL (an EL2 boot needs a drop to EL1 first, not
 * shown) it stops at once.
 */
    .section ".text.boot", "ax"
    .globl _start
_start:
    mrs     x0, CurrentEL
    cmp     x0, #(1 << 2)               /* EL1 only: elsewhere these registers are not the ones in use */
    b.ne    3f
    mov     x0, #(3 << 20)              /* CPACR_EL1.FPEN = 0b11: FP/SIMD not trapped */
    msr     cpacr_el1, x0
    isb
    msr     fpcr, xzr                   /* round to nearest, no flush-to-zero, no default NaN */
    adr     x0, vectors
    msr     vbar_el1, x0

    /* MMU: MAIR attr0 Device-nGnRnE, attr1 Normal write-back; TCR: 4 KiB granule, 32-bit VA
       (T0SZ 32: the walk starts at level 1), walks cached inner-shareable, no TTBR1 (EPD1),
       IPS 0 (32-bit physical addresses: enough below 4 GiB). */
    adrp    x0, l1_table                /* 4 KiB aligned; after the model, beyond adr's 1 MiB reach */
    dc      civac, x0                   /* the walker reads through the caches once they are on */
    dsb     sy
    msr     ttbr0_el1, x0
    mov     x0, #0xff00
    msr     mair_el1, x0
    ldr     x0, =(32 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23))
    msr     tcr_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x0, =(0x30d00800 | (1 << 0) | (1 << 2) | (1 << 12)) /* RES1 bits, M, C, I (A = 0: no alignment checks) */
    msr     sctlr_el1, x0
    isb
    ic      iallu
    dsb     nsh
    isb

    ldr     x0, =__stack_top
    mov     sp, x0
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:  bl      main
power_off:
    ldr     x0, =0x84000008             /* PSCI SYSTEM_OFF: QEMU exits */
    hvc     #0
3:  wfi
    b       3b

/* Any exception: main.c's on_exception(ESR, ELR, FAR) prints them, then we power off. */
trap:
    mrs     x0, esr_el1
    mrs     x1, elr_el1
    mrs     x2, far_el1
    bl      on_exception
    b       power_off
    .ltorg

    .balign 2048
vectors:
    .rept   16
    b       trap
    .balign 128
    .endr

/* The identity map, 1 GiB blocks: 0-1 GiB Device-nGnRnE, never executable (the UART at
   0x09000000); 1-2 GiB Normal write-back, inner shareable (RAM at 0x40000000); AF set. */
    .section ".data", "aw"
    .balign 4096
l1_table:
    .quad   0x00000000 | (3 << 53) | (1 << 10) | (0 << 2) | 1
    .quad   0x40000000 | (1 << 10) | (3 << 8) | (1 << 2) | 1
    .quad   0, 0
