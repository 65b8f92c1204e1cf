/*
 * The Arm generic timer's virtual counter as a monotonic clock. Microseconds
 * since the counter started (power-on in QEMU), not wall-clock time.
 */
#ifndef ARCH_AARCH64_TIMER_H
#define ARCH_AARCH64_TIMER_H

#include <stdint.h>

/* Counter ticks per second, from CNTFRQ_EL0. */
uint64_t timer_freq_hz(void);

/* Monotonic microseconds from CNTVCT_EL0; does not overflow for 500000 years at 1 GHz. */
uint64_t timer_now_us(void);

#endif
