/* Secondary core start-up (see smp.h): the boot core's side. */
#include "arch/aarch64/smp.h"

#include "arch/aarch64/psci.h"

#define MPIDR_AFFINITY_MASK 0xff00ffffffull /* Aff3 (bits 39:32) and Aff2..Aff0 */

extern char secondary_entry[];

#define READ_SYSREG(name) ({ uint64_t v_; __asm__ volatile("mrs %0, " #name : "=r"(v_)); v_; })

uint64_t smp_this_mpidr(void)
{
    return READ_SYSREG(mpidr_el1) & MPIDR_AFFINITY_MASK;
}

int64_t smp_cpu_on(uint32_t fn_id, uint64_t mpidr, smp_start_t *start, void *stack_top, smp_main_fn main,
                   void *arg)
{
    *start = (smp_start_t){
        .stack_top = (uint64_t)(uintptr_t)stack_top & ~15ull,
        .fpcr = READ_SYSREG(fpcr),
        .mair = READ_SYSREG(mair_el1),
        .tcr = READ_SYSREG(tcr_el1),
        .ttbr0 = READ_SYSREG(ttbr0_el1),
        .sctlr = READ_SYSREG(sctlr_el1),
        .main = main,
        .arg = arg,
        .mpidr = mpidr,
    };
    /*
     * The new core reads *start with its MMU (hence its caches) off, from
     * memory: push our cached copy there (clean to the point of coherency)
     * and wait for that to finish (DSB) before the firmware starts it.
     */
    for (uintptr_t a = (uintptr_t)start & ~63ull; a < (uintptr_t)(start + 1); a += 64)
        __asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
    __asm__ volatile("dsb sy" : : : "memory");
    return psci_cpu_on(fn_id, mpidr, (uint64_t)(uintptr_t)secondary_entry, (uint64_t)(uintptr_t)start);
}
