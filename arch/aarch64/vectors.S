/*
 * The EL1 exception vector table. The kernel runs with interrupts masked and
 * takes no exception on purpose, so every entry saves the registers into a
 * frame on the stack and calls exception_report(), which prints the cause
 * and powers off. Frame layout: struct exception_frame in exception.h.
 */
#define FRAME_SIZE (36 * 8)

    .macro  ventry index
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x0, #\index
    b       exception_entry
    .endm

    .text
    .balign 0x800
    .globl  exception_vectors
exception_vectors:
    ventry  0   /* current EL, SP_EL0: synchronous */
    ventry  1   /*                     IRQ */
    ventry  2   /*                     FIQ */
    ventry  3   /*                     SError */
    ventry  4   /* current EL, SP_ELx: synchronous */
    ventry  5
    ventry  6
    ventry  7
    ventry  8   /* lower EL, AArch64 */
    ventry  9
    ventry  10
    ventry  11
    ventry  12  /* lower EL, AArch32 */
    ventry  13
    ventry  14
    ventry  15

exception_entry:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    add     x1, sp, #FRAME_SIZE     /* sp before the exception */
    stp     x30, x1, [sp, #240]
    mrs     x1, elr_el1
    mrs     x2, spsr_el1
    stp     x1, x2, [sp, #256]
    mrs     x1, esr_el1
    mrs     x2, far_el1
    stp     x1, x2, [sp, #272]
    mov     x1, sp
    bl      exception_report
1:  wfi
    b       1b
