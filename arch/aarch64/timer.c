/*
 * Generic timer reads (see timer.h). The ISB before reading the counter
 * keeps the read from being hoisted above earlier instructions.
 */
#include "arch/aarch64/timer.h"

uint64_t timer_freq_hz(void)
{
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f;
}

uint64_t timer_now_us(void)
{
    uint64_t t, f = timer_freq_hz();
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t) : : "memory");
    if (f == 0)
        return 0;
    /* Split so ticks * 10^6 cannot overflow. */
    return (t / f) * 1000000u + (t % f) * 1000000u / f;
}
