/* The platform seam (llm/platform.h) for hosted programs and tests: CLOCK_MONOTONIC; and the process's CPU time. */
#define _POSIX_C_SOURCE 200809L
#include "llm/platform.h"
#include "host/host_clock.h"

#include <time.h>

uint64_t platform_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

double host_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
