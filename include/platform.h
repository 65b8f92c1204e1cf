/*
 * What the engine needs from whoever hosts it, and nothing more: a
 * monotonic microsecond clock (for the timings a generation reports). The
 * kernel implements it with the generic timer (kernel/platform_kernel.c),
 * hosted programs with clock_gettime (tools/lib/host_platform.c). A kernel
 * developer linking the engine into another kernel provides this one
 * function.
 */
#ifndef PLATFORM_H
#define PLATFORM_H

#include <stdint.h>

/* Microseconds from an arbitrary fixed start; never goes backwards. */
uint64_t platform_now_us(void);

#endif
