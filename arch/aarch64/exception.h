/*
 * What the vector table (vectors.S) saves when an exception is taken, and the
 * handler that reports it. Every exception is unexpected in this kernel.
 */
#ifndef ARCH_AARCH64_EXCEPTION_H
#define ARCH_AARCH64_EXCEPTION_H

#include <stdint.h>

/* Layout shared with vectors.S: keep the two in step. */
struct exception_frame {
    uint64_t x[31]; /* x0..x30 */
    uint64_t sp;    /* stack pointer at the time of the exception */
    uint64_t elr, spsr, esr, far;
};

/* Where reports go (the kernel's console); until set, an exception powers off silently. */
typedef void (*exception_print_fn)(const char *fmt, ...);
void exception_init(exception_print_fn print);

/* Prints the vector, exception class, ESR/ELR/FAR and registers, then powers off. */
void exception_report(uint64_t vector_index, const struct exception_frame *frame);

/* The Arm ARM name of an ESR_ELx exception class ("Data abort, same EL", ...). */
const char *exception_class_name(unsigned ec);

#endif
