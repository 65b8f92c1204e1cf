/*
 * Reports unexpected exceptions (see exception.h) loudly enough that a test
 * sees them, then powers the machine off instead of hanging. A fault while
 * reporting powers off at once.
 */
#include "arch/aarch64/exception.h"

#include "arch/aarch64/psci.h"

static const char *const vector_names[16] = {
    "synchronous, current EL, SP_EL0", "IRQ, current EL, SP_EL0", "FIQ, current EL, SP_EL0",
    "SError, current EL, SP_EL0",      "synchronous, current EL", "IRQ, current EL",
    "FIQ, current EL",                 "SError, current EL",      "synchronous, lower EL (AArch64)",
    "IRQ, lower EL (AArch64)",         "FIQ, lower EL (AArch64)", "SError, lower EL (AArch64)",
    "synchronous, lower EL (AArch32)", "IRQ, lower EL (AArch32)", "FIQ, lower EL (AArch32)",
    "SError, lower EL (AArch32)",
};

const char *exception_class_name(unsigned ec)
{
    switch (ec) {
    case 0x00: return "Unknown reason (undefined instruction)";
    case 0x01: return "Trapped WFI/WFE";
    case 0x07: return "Trapped FP/SIMD access";
    case 0x0e: return "Illegal execution state";
    case 0x15: return "SVC instruction";
    case 0x16: return "HVC instruction";
    case 0x17: return "SMC instruction";
    case 0x18: return "Trapped MSR/MRS/system instruction";
    case 0x19: return "Trapped SVE access";
    case 0x20: return "Instruction abort, lower EL";
    case 0x21: return "Instruction abort, same EL";
    case 0x22: return "PC alignment fault";
    case 0x24: return "Data abort, lower EL";
    case 0x25: return "Data abort, same EL";
    case 0x26: return "SP alignment fault";
    case 0x2c: return "Floating-point exception";
    case 0x2f: return "SError interrupt";
    case 0x30:
    case 0x31: return "Breakpoint";
    case 0x32:
    case 0x33: return "Software step";
    case 0x34:
    case 0x35: return "Watchpoint";
    case 0x3c: return "BRK instruction";
    default: return "Reserved exception class";
    }
}

static int reporting;
static exception_print_fn print;

void exception_init(exception_print_fn fn)
{
    print = fn;
}

void exception_report(uint64_t vector_index, const struct exception_frame *f)
{
    if (reporting++ || !print)
        psci_system_off(); /* faulted while reporting (do not recurse), or nowhere to report */

    unsigned ec = (unsigned)(f->esr >> 26) & 0x3f;
    print("\n*** UNEXPECTED EXCEPTION: %s\n", vector_names[vector_index & 15]);
    print("*** class 0x%02x: %s\n", ec, exception_class_name(ec));
    print("*** ESR_EL1=0x%016llx ELR_EL1=0x%016llx FAR_EL1=0x%016llx SPSR_EL1=0x%08llx\n",
            (unsigned long long)f->esr, (unsigned long long)f->elr, (unsigned long long)f->far,
            (unsigned long long)f->spsr);
    for (int i = 0; i < 31; i += 2) {
        if (i == 30)
            print("    x30=0x%016llx  sp=0x%016llx\n", (unsigned long long)f->x[30], (unsigned long long)f->sp);
        else
            print("    x%-2d=0x%016llx  x%-2d=0x%016llx\n", i, (unsigned long long)f->x[i], i + 1,
                    (unsigned long long)f->x[i + 1]);
    }
    print("*** powering off\n");
    psci_system_off();
}
